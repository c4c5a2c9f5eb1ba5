// The value types' own rules: how a source is named and what state it is
// in, and stories' cursors as text. Pure, whatever keeps the data.
#include "store/records.hpp"

#include <charconv>

#include "core/url.hpp"

namespace tributary::store {

std::string to_string(const StoryCursor& cursor) {
  return std::to_string(core::to_unix_seconds(cursor.sort_time)) + "-" + std::to_string(cursor.story_id);
}

std::optional<StoryCursor> parse_cursor(std::string_view text) {
  const auto dash = text.find('-', 1);  // a sort time before 1970 starts with '-'
  if (dash == std::string_view::npos) return std::nullopt;
  std::int64_t seconds = 0;
  std::int64_t id = 0;
  const auto time_part = text.substr(0, dash);
  const auto id_part = text.substr(dash + 1);
  // Both numbers whole: a value out of range (from_chars leaves it 0) is
  // not a cursor.
  const auto time_read = std::from_chars(time_part.data(), time_part.data() + time_part.size(), seconds);
  const auto id_read = std::from_chars(id_part.data(), id_part.data() + id_part.size(), id);
  if (time_read.ec != std::errc() || time_read.ptr != time_part.data() + time_part.size() ||
      id_read.ec != std::errc() || id_read.ptr != id_part.data() + id_part.size() || id <= 0)
    return std::nullopt;
  return StoryCursor{core::from_unix_seconds(seconds), id};
}

std::string display_name(const SourceRecord& source) {
  // The same rule as the entries' source_name in kEntryColumns (queries.cpp).
  return source.is_named || source.title.empty() ? source.name : source.title;
}

bool is_pushed(const SourceRecord& source, core::Timestamp now) {
  return source.push_state == "verified" && source.push_expires_at && *source.push_expires_at > now;
}

std::string delivery(const SourceRecord& source, core::Timestamp now) {
  if (source.push_hub.empty()) return "polled";
  const std::string hub = core::url_host(source.push_hub);
  if (is_pushed(source, now))
    return "pushed (hub " + hub + ", lease until " + core::format_rfc3339(*source.push_expires_at) + ")";
  return "polled (hub " + hub + ": " + (source.push_state == "verified" ? "lease ended" : source.push_state) + ")";
}

std::string source_state(const SourceRecord& source, core::Timestamp now) {
  if (source.removed_at) return "removed";
  if (source.gone_at) return "gone";
  if (source.retry_after && *source.retry_after > now) return "retry-after";
  if (source.error_count >= 2) return "backing off";
  if (source.error_count == 1) return "failing";
  if (!source.last_poll_at) return "new";
  return "ok";
}

}  // namespace tributary::store
