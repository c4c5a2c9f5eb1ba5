// Timestamp formatting and the strict parsers (RFC 3339, HTTP dates, durations).
#include "core/time.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include "core/text.hpp"

namespace tributary::core {
namespace {

using namespace std::chrono;

// Reads exactly `width` digits at `pos`; advances `pos`.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<Timestamp> make_timestamp(int year_number, int month_number, int day_number, int hour, int minute,
                                        int second) {
  if (month_number < 1 || month_number > 12 || day_number < 1 || day_number > 31) return std::nullopt;
  const year_month_day date{year{year_number}, month{static_cast<unsigned>(month_number)},
                            day{static_cast<unsigned>(day_number)}};
  if (!date.ok() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
    return std::nullopt;
  if (second == 60) second = 59;
  return sys_days{date} + hours{hour} + minutes{minute} + seconds{second};
}

std::optional<int> month_from_abbreviation(std::string_view name) {
  if (name.size() != 3) return std::nullopt;
  for (std::size_t i = 0; i < kMonthNames.size(); ++i)
    if (equals_ignore_case(kMonthNames[i].substr(0, 3), name)) return static_cast<int>(i) + 1;
  return std::nullopt;
}

std::optional<int> month_from_name(std::string_view name) {
  if (name.size() < 3) return std::nullopt;
  for (std::size_t i = 0; i < kMonthNames.size(); ++i)
    if (starts_with_ignore_case(kMonthNames[i], name)) return static_cast<int>(i) + 1;
  return std::nullopt;
}

Timestamp now_utc() { return time_point_cast<seconds>(system_clock::now()); }

Timestamp from_unix_seconds(std::int64_t value) { return Timestamp{seconds{value}}; }

std::int64_t to_unix_seconds(Timestamp t) { return t.time_since_epoch().count(); }

std::string format_rfc3339(Timestamp t) {
  const auto day_point = floor<days>(t);
  const year_month_day date{day_point};
  const hh_mm_ss time{t - day_point};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int{date.year()}, unsigned{date.month()},
                unsigned{date.day()}, static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer;
}

std::string format_http_date(Timestamp t) {
  const auto day_point = floor<days>(t);
  const year_month_day date{day_point};
  const weekday wd{day_point};
  const hh_mm_ss time{t - day_point};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.3s, %02u %.3s %04d %02d:%02d:%02d GMT", kWeekdayNames[wd.c_encoding()].data(),
                unsigned{date.day()}, kMonthNames[unsigned{date.month()} - 1].data(), int{date.year()},
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer;
}

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
  text = trim(text);
  std::size_t pos = 0;
  const auto y = read_digits(text, pos, 4);
  if (!y || !expect(text, pos, '-')) return std::nullopt;
  const auto mo = read_digits(text, pos, 2);
  if (!mo || !expect(text, pos, '-')) return std::nullopt;
  const auto d = read_digits(text, pos, 2);
  if (!d || !(expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' '))) return std::nullopt;
  const auto h = read_digits(text, pos, 2);
  if (!h || !expect(text, pos, ':')) return std::nullopt;
  const auto mi = read_digits(text, pos, 2);
  if (!mi || !expect(text, pos, ':')) return std::nullopt;
  const auto s = read_digits(text, pos, 2);
  if (!s) return std::nullopt;
  if (expect(text, pos, '.')) {
    const std::size_t fraction_start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == fraction_start) return std::nullopt;
  }
  int offset_minutes = 0;
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    const auto oh = read_digits(text, pos, 2);
    if (!oh || !expect(text, pos, ':')) return std::nullopt;
    const auto om = read_digits(text, pos, 2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = sign * (*oh * 60 + *om);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const auto local = make_timestamp(*y, *mo, *d, *h, *mi, *s);
  if (!local) return std::nullopt;
  return *local - minutes{offset_minutes};
}

std::optional<Timestamp> parse_http_date(std::string_view text) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7).
  text = trim(text);
  const auto comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::size_t pos = comma + 1;
  if (!expect(text, pos, ' ')) return std::nullopt;
  const auto d = read_digits(text, pos, 2);
  if (!d || !expect(text, pos, ' ') || pos + 3 > text.size()) return std::nullopt;
  const std::optional<int> mo = month_from_abbreviation(text.substr(pos, 3));
  pos += 3;
  if (!mo || !expect(text, pos, ' ')) return std::nullopt;
  const auto y = read_digits(text, pos, 4);
  if (!y || !expect(text, pos, ' ')) return std::nullopt;
  const auto h = read_digits(text, pos, 2);
  if (!h || !expect(text, pos, ':')) return std::nullopt;
  const auto mi = read_digits(text, pos, 2);
  if (!mi || !expect(text, pos, ':')) return std::nullopt;
  const auto s = read_digits(text, pos, 2);
  if (!s || !expect(text, pos, ' ') || text.substr(pos) != "GMT") return std::nullopt;
  return make_timestamp(*y, *mo, *d, *h, *mi, *s);
}

DurationParse parse_duration(std::string_view text) {
  const std::string_view original = text;
  text = trim(text);
  if (text.empty()) return {std::nullopt, "empty duration"};
  if (text.front() == '-') return {std::nullopt, "negative duration \"" + std::string(original) + "\""};
  std::int64_t total = 0;
  bool is_too_large = false;  // checked arithmetic: a huge count must not wrap around
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t number_start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == number_start)
      return {std::nullopt,
              "malformed duration \"" + std::string(original) + "\" (expected a number and a unit, e.g. \"15m\")"};
    std::int64_t number = 0;
    for (std::size_t i = number_start; i < pos; ++i)
      is_too_large = is_too_large || __builtin_mul_overflow(number, 10, &number) ||
                     __builtin_add_overflow(number, text[i] - '0', &number);
    while (pos < text.size() && text[pos] == ' ') ++pos;
    const std::size_t unit_start = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    const std::string unit = to_lower_ascii(text.substr(unit_start, pos - unit_start));
    std::int64_t scale = 0;
    if (unit == "s" || unit == "sec" || unit == "secs" || unit == "second" || unit == "seconds")
      scale = 1;
    else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes")
      scale = 60;
    else if (unit == "h" || unit == "hour" || unit == "hours")
      scale = 3600;
    else if (unit == "d" || unit == "day" || unit == "days")
      scale = 86400;
    else if (unit == "w" || unit == "week" || unit == "weeks")
      scale = 7 * 86400;
    if (unit.empty())
      return {std::nullopt,
              "duration \"" + std::string(original) + "\" has no unit (use s, m, h, d or w, e.g. \"90s\")"};
    if (scale == 0)
      return {std::nullopt,
              "unknown duration unit \"" + unit + "\" in \"" + std::string(original) + "\" (use s, m, h, d or w)"};
    std::int64_t seconds = 0;
    is_too_large = is_too_large || __builtin_mul_overflow(number, scale, &seconds) ||
                   __builtin_add_overflow(total, seconds, &total);
    while (pos < text.size() && text[pos] == ' ') ++pos;
  }
  if (is_too_large) return {std::nullopt, "duration \"" + std::string(original) + "\" is too large", true};
  return {Seconds{total}, {}};
}

std::string format_duration(Seconds d) {
  std::int64_t s = d.count();
  if (s == 0) return "0s";
  std::string out;
  if (s < 0) {
    out = "-";
    s = -s;
  }
  const std::pair<std::int64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const auto& [scale, name] : units) {
    if (s >= scale) {
      out += std::to_string(s / scale) + name;
      s %= scale;
    }
  }
  return out;
}

}  // namespace tributary::core
