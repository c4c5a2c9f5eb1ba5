// Timestamps: UTC instants with one-second resolution, and their text forms.
// Feeds, HTTP and SQLite all speak seconds, so nothing finer is kept.
#pragma once

#include <array>
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

// The rules every date reader shares (RFC 3339 and HTTP dates here, feed
// dates in normalize, HTTP's obsolete forms in fetch).

// A calendar date and time of day, as read from text, as an instant in
// UTC: nullopt when that day or time does not exist (February 30, 25:00,
// 12:60). A leap second (:60) reads as :59 rather than rolling into the
// next minute: std::chrono counts none, and a feed that writes one means
// that minute.
std::optional<Timestamp> make_timestamp(int year, int month, int day, int hour, int minute, int second);

// The months' English names, January first. Their first three letters are
// the abbreviations RFC 822 and HTTP dates write.
inline constexpr std::array<std::string_view, 12> kMonthNames = {"January",   "February", "March",    "April",
                                                                 "May",       "June",     "July",     "August",
                                                                 "September", "October",  "November", "December"};

// The days of the week, Sunday first (std::chrono::weekday's C encoding,
// and RSS <skipDays>' numbering).
inline constexpr std::array<std::string_view, 7> kWeekdayNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                                  "Thursday", "Friday", "Saturday"};

// 1–12 for a month's three-letter abbreviation ("Nov", "nov"), as RFC 9110
// §5.6.7 writes it (any case); else nullopt.
std::optional<int> month_from_abbreviation(std::string_view name);

// 1–12 for a month's name or any beginning of it of at least three letters,
// in any case ("dec", "Sept", "DECEMBER"); else nullopt.
std::optional<int> month_from_name(std::string_view name);

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
