// The journal sink: one journal entry per log line, with structured fields.
#include "app/journal_sink.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/log_fields.hpp"

namespace tributary::app {
namespace {

// journald accepts upper-case letters, digits and '_' in field names, not
// starting with '_' (those are trusted fields it sets itself) or a digit.
bool is_valid_field_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) return false;
  for (const char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool is_reserved_field(const std::string& name) {
  return name == "MESSAGE" || name == "PRIORITY" || name == "SYSLOG_IDENTIFIER";
}

}  // namespace

int send_to_journal(std::span<const std::string> fields) {
  std::vector<iovec> vectors;
  vectors.reserve(fields.size());
  for (const std::string& field : fields)
    vectors.push_back({const_cast<char*>(field.data()), field.size()});  // sd_journal_sendv only reads
  return sd_journal_sendv(vectors.data(), static_cast<int>(vectors.size()));
}

int journal_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;
    case spdlog::level::err:
      return 3;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::info:
      return 6;
    default:
      return 7;
  }
}

bool is_stderr_journal_stream() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr || *stream == '\0') return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat status {};
  if (fstat(STDERR_FILENO, &status) != 0) return false;
  return status.st_dev == device && status.st_ino == inode;
}

bool is_journal_available() {
  struct stat status {};
  return stat("/run/systemd/journal/socket", &status) == 0 && S_ISSOCK(status.st_mode);
}

JournalSink::JournalSink(std::string identifier, JournalWriter writer)
    : identifier_(std::move(identifier)), writer_(std::move(writer)) {}

void JournalSink::sink_it_(const spdlog::details::log_msg& message) {
  std::vector<std::string> fields;
  fields.push_back("MESSAGE=" + std::string(message.payload.data(), message.payload.size()));
  fields.push_back("PRIORITY=" + std::to_string(journal_priority(message.level)));
  fields.push_back("SYSLOG_IDENTIFIER=" + identifier_);
  for (const core::LogField& field : core::current_log_fields()) {
    // An empty value means "not known" (e.g. HTTP_STATUS without a response).
    if (!is_valid_field_name(field.name) || is_reserved_field(field.name) || field.value.empty()) continue;
    fields.push_back(field.name + "=" + field.value);
  }
  const int result = writer_(fields);
  if (result >= 0) return;
  // The journal is away (e.g. [log] target = "journal" outside systemd):
  // the line must not be lost.
  if (!has_warned_of_failure_) {
    has_warned_of_failure_ = true;
    std::fprintf(stderr, "tributary: cannot log to the journal (%s); logging to stderr\n", std::strerror(-result));
  }
  std::fprintf(stderr, "<%d>%.*s\n", journal_priority(message.level), static_cast<int>(message.payload.size()),
               message.payload.data());
}

}  // namespace tributary::app
