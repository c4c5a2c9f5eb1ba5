// Structured fields for log lines: a module that logs something about one
// source (the scheduler's poll line) names it with fields that the journal
// sink turns into journald fields (SOURCE_URL=, SOURCE_NAME=, HTTP_STATUS=),
// so `journalctl -u tributary SOURCE_NAME=…` finds them. Other sinks ignore
// them. spdlog 1.10 has no MDC, so the fields live in a thread-local list
// for the lifetime of a LogFields object; spdlog logs synchronously on the
// calling thread, so a sink sees the fields of the line being written.
//
//   {
//     const core::LogFields fields{{"SOURCE_NAME", name}, {"SOURCE_URL", url}};
//     spdlog::info("poll {} ...", ...);
//   }
//
// Never hold a LogFields across a co_await: another coroutine would log
// with its fields.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace tributary::core {

// A journald field: NAME is upper-case ASCII letters, digits and '_'. An
// empty value is left out (e.g. HTTP_STATUS when there was no response).
struct LogField {
  std::string name;
  std::string value;
};

namespace detail {
inline thread_local std::vector<LogField> current_log_fields;
}

class LogFields {
 public:
  LogFields(std::initializer_list<LogField> fields) : previous_size_(detail::current_log_fields.size()) {
    for (const LogField& field : fields) detail::current_log_fields.push_back(field);
  }
  ~LogFields() { detail::current_log_fields.resize(previous_size_); }
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;

 private:
  std::size_t previous_size_;
};

// The fields in effect on this thread, outermost first.
inline std::span<const LogField> current_log_fields() { return detail::current_log_fields; }

}  // namespace tributary::core
