// Logging to the systemd journal: an spdlog sink that sends each line as a
// journal entry with MESSAGE=, PRIORITY= (from the spdlog level),
// SYSLOG_IDENTIFIER=, and the structured fields of core/log_fields.hpp
// (SOURCE_URL=, SOURCE_NAME=, HTTP_STATUS=, ...) in effect on the logging
// thread. When the journal cannot be reached the line goes to stderr.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <functional>
#include <mutex>
#include <span>
#include <string>

namespace tributary::app {

// Sends one entry ("NAME=value" per field); returns 0 or a negative errno.
using JournalWriter = std::function<int(std::span<const std::string> fields)>;

// sd_journal_sendv(3).
int send_to_journal(std::span<const std::string> fields);

// syslog(3) priorities: critical 2, error 3, warn 4, info 6, debug and trace 7.
int journal_priority(spdlog::level::level_enum level);

// True when stderr is connected to the journal (systemd sets JOURNAL_STREAM
// to the device and inode of the stream it gave the service; see
// systemd.exec(5)), so journal logging does not depend on a setting.
bool is_stderr_journal_stream();

// True when journald's socket is there. sd_journal_sendv(3) drops entries
// silently when it is not, so "journal" without journald means stderr.
bool is_journal_available();

class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JournalSink(std::string identifier = "tributary", JournalWriter writer = send_to_journal);

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;
  void flush_() override {}

 private:
  std::string identifier_;
  JournalWriter writer_;
  bool has_warned_of_failure_ = false;
};

}  // namespace tributary::app
