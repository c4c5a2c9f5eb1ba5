// Timestamps: UTC instants with one-second resolution, and their text forms.
// Feeds, HTTP and SQLite all speak seconds, so nothing finer is kept.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::core {

using Timestamp = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

// The wall clock. Pure modules never call this: they take `now` as input.
Timestamp now_utc();

Timestamp from_unix_seconds(std::int64_t seconds);
std::int64_t to_unix_seconds(Timestamp t);

// "2025-12-17T09:30:00Z" (RFC 3339, UTC, no fraction).
std::string format_rfc3339(Timestamp t);

// "Wed, 17 Dec 2025 09:30:00 GMT" (RFC 9110 IMF-fixdate).
std::string format_http_date(Timestamp t);

// Strict RFC 3339 with a zone ("Z" or "+hh:mm"); fractions are truncated.
// The lenient date parser for feeds lives in normalize.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// IMF-fixdate as sent in Last-Modified, Retry-After and Expires.
std::optional<Timestamp> parse_http_date(std::string_view text);

// "90s", "15m", "2h", "1d", "1w", "1h30m"; nullopt (with `error`) when
// malformed, or with `is_too_large` when it does not fit in 64-bit seconds.
struct DurationParse {
  std::optional<Seconds> value;
  std::string error;
  bool is_too_large = false;
};
DurationParse parse_duration(std::string_view text);
std::string format_duration(Seconds d);

}  // namespace tributary::core
