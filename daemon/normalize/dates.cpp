// Feed dates. Two readers: an ISO 8601 reader for anything that starts with a
// four-digit year, and a token reader for the RFC 822 family, which accepts
// missing or wrong weekdays, lowercase or full month names, two-digit years,
// named, military and numeric zones, and stray whitespace.
#include "normalize/dates.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/text.hpp"

namespace tributary::normalize {
namespace {

using namespace std::chrono;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// core::make_timestamp, and ISO 8601's 24:00:00: the end of the day, the
// next day's midnight (24:00:01 does not exist).
std::optional<core::Timestamp> make_utc(int y, int mo, int d, int h, int mi, int s, int offset_minutes) {
  const bool is_end_of_day = h == 24 && mi == 0 && s == 0;
  const std::optional<core::Timestamp> local = core::make_timestamp(y, mo, d, is_end_of_day ? 0 : h, mi, s);
  if (!local) return std::nullopt;
  return *local + days{is_end_of_day ? 1 : 0} - minutes{offset_minutes};
}

// Reads up to `max` digits (at least `min`) at pos.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t min, std::size_t max) {
  std::size_t n = 0;
  int value = 0;
  while (pos + n < text.size() && n < max && is_digit(text[pos + n])) {
    value = value * 10 + (text[pos + n] - '0');
    ++n;
  }
  if (n < min) return std::nullopt;
  pos += n;
  return value;
}

// "Z", "+01:00", "+0100", "+01", "-05"; returns minutes east of UTC.
std::optional<int> iso_zone(std::string_view text, std::size_t& pos) {
  if (pos >= text.size()) return 0;  // no zone: UTC, as most readers assume
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
    return 0;
  }
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  const auto h = digits(text, pos, 2, 2);
  if (!h) return std::nullopt;
  int m = 0;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && is_digit(text[pos])) {
    const auto parsed = digits(text, pos, 2, 2);
    if (!parsed) return std::nullopt;
    m = *parsed;
  }
  if (*h > 23 || m > 59) return std::nullopt;
  return sign * (*h * 60 + m);
}

// ISO 8601 / RFC 3339: calendar, week ("2025-W51-3") and ordinal ("2025-351")
// dates, basic and extended forms, optional time, fraction and zone.
std::optional<core::Timestamp> parse_iso8601(std::string_view text) {
  std::size_t pos = 0;
  const auto y = digits(text, pos, 4, 4);
  if (!y) return std::nullopt;
  const bool is_extended = pos < text.size() && text[pos] == '-';
  if (is_extended) ++pos;
  sys_days date_days;
  if (pos < text.size() && (text[pos] == 'W' || text[pos] == 'w')) {
    ++pos;
    const auto week = digits(text, pos, 2, 2);
    if (!week || *week < 1 || *week > 53) return std::nullopt;
    int weekday_number = 1;
    if (pos < text.size() && text[pos] == '-') ++pos;
    if (pos < text.size() && is_digit(text[pos])) {
      const auto wd = digits(text, pos, 1, 1);
      if (!wd || *wd < 1 || *wd > 7) return std::nullopt;
      weekday_number = *wd;
    }
    // Week 1 is the week with the year's first Thursday (ISO 8601).
    const sys_days jan4 = sys_days{year{*y} / January / 4};
    const weekday jan4_weekday{jan4};
    const sys_days week1_monday = jan4 - days{(jan4_weekday.iso_encoding() - 1)};
    date_days = week1_monday + days{(*week - 1) * 7 + (weekday_number - 1)};
  } else {
    std::size_t probe = pos;
    const auto first = digits(text, probe, 2, 3);
    if (!first) return std::nullopt;
    const bool is_ordinal = (probe - pos == 3) && (probe >= text.size() || !is_digit(text[probe])) &&
                            (is_extended || probe >= text.size() || text[probe] == 'T');
    if (is_ordinal) {
      pos = probe;
      if (*first < 1 || *first > 366) return std::nullopt;
      date_days = sys_days{year{*y} / January / 1} + days{*first - 1};
      if (year_month_day{date_days}.year() != year{*y}) return std::nullopt;
    } else {
      const auto mo = digits(text, pos, 2, 2);
      if (!mo) return std::nullopt;
      int d = 1;
      if (pos < text.size() && text[pos] == '-') ++pos;
      if (pos < text.size() && is_digit(text[pos])) {
        const auto parsed = digits(text, pos, 2, 2);
        if (!parsed) return std::nullopt;
        d = *parsed;
      }
      const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(d)}};
      if (!ymd.ok()) return std::nullopt;
      date_days = sys_days{ymd};
    }
  }
  int h = 0, mi = 0, s = 0, offset = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    while (pos < text.size() && text[pos] == ' ') ++pos;
    const auto hh = digits(text, pos, 2, 2);
    if (!hh) return std::nullopt;
    h = *hh;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (pos < text.size() && is_digit(text[pos])) {
      const auto mm = digits(text, pos, 2, 2);
      if (!mm) return std::nullopt;
      mi = *mm;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (pos < text.size() && is_digit(text[pos])) {
        const auto ss = digits(text, pos, 2, 2);
        if (!ss) return std::nullopt;
        s = *ss;
      }
    }
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
    }
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos < text.size() && (text.substr(pos) == "UTC" || text.substr(pos) == "GMT")) pos = text.size();
    const auto zone = iso_zone(text, pos);
    if (!zone) return std::nullopt;
    offset = *zone;
  }
  if (pos != text.size()) return std::nullopt;
  const year_month_day ymd{date_days};
  return make_utc(int{ymd.year()}, static_cast<int>(unsigned{ymd.month()}), static_cast<int>(unsigned{ymd.day()}), h,
                  mi, s, offset);
}

// A weekday's name, any beginning of it of two letters or more, or any
// word that starts with its three-letter abbreviation ("Tues", "Thurs").
bool is_weekday_name(std::string_view token) {
  if (token.size() < 2) return false;
  for (const std::string_view name : core::kWeekdayNames)
    if (core::starts_with_ignore_case(name, token) ||
        (token.size() > 3 && core::starts_with_ignore_case(token, name.substr(0, 3))))
      return true;
  return false;
}

// RFC 822 §5.1 zones, North American zones, and the military letters with
// RFC 822's own signs (A = -1 … M = -12, N = +1 … Y = +12, Z = 0).
std::optional<int> named_zone(std::string_view token) {
  const std::string z = core::to_lower_ascii(token);
  struct Zone {
    std::string_view name;
    int minutes;
  };
  static constexpr std::array<Zone, 20> kZones = {
      {{"ut", 0},        {"utc", 0},       {"gmt", 0},       {"z", 0},         {"est", -5 * 60},
       {"edt", -4 * 60}, {"cst", -6 * 60}, {"cdt", -5 * 60}, {"mst", -7 * 60}, {"mdt", -6 * 60},
       {"pst", -8 * 60}, {"pdt", -7 * 60}, {"bst", 60},      {"cet", 60},      {"cest", 120},
       {"eet", 120},     {"eest", 180},    {"wet", 0},       {"west", 60},     {"akst", -9 * 60}}};
  for (const Zone& zone : kZones)
    if (zone.name == z) return zone.minutes;
  if (z == "akdt") return -8 * 60;
  if (z == "hst") return -10 * 60;
  if (z == "jst") return 9 * 60;
  if (z.size() == 1 && z[0] >= 'a' && z[0] <= 'y' && z[0] != 'j') {
    const char c = z[0];
    if (c <= 'i') return -(c - 'a' + 1) * 60;
    if (c <= 'm') return -(c - 'a') * 60;  // no 'j'
    return (c - 'n' + 1) * 60;
  }
  return std::nullopt;
}

// "+0100", "-05:00", "+01", "GMT+2", "UTC-05:00".
std::optional<int> numeric_zone(std::string_view token) {
  std::string_view rest = token;
  for (std::string_view prefix : {"GMT", "UTC", "UT"}) {
    if (core::starts_with_ignore_case(rest, prefix) && rest.size() > prefix.size()) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return std::nullopt;
  const int sign = rest[0] == '-' ? -1 : 1;
  rest.remove_prefix(1);
  std::string compact;
  for (char c : rest) {
    if (c == ':') continue;
    if (!is_digit(c)) return std::nullopt;
    compact.push_back(c);
  }
  int h = 0, m = 0;
  if (compact.size() == 1 || compact.size() == 2)
    h = std::stoi(compact);
  else if (compact.size() == 3)
    h = compact[0] - '0', m = std::stoi(compact.substr(1));
  else if (compact.size() == 4)
    h = std::stoi(compact.substr(0, 2)), m = std::stoi(compact.substr(2));
  else
    return std::nullopt;
  if (h > 23 || m > 59) return std::nullopt;
  return sign * (h * 60 + m);
}

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  const auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r') {
      flush();
    } else if (c == '-' || c == '/' || c == '.') {
      // "17-Dec-2025", "17.12.2025" and "2025/12/17" separate fields; a sign
      // before a zone ("-0500") starts a token of its own.
      const bool starts_zone = c == '-' && current.empty();
      const bool after_time = current.find(':') != std::string::npos;
      if (starts_zone || (after_time && c == '-')) {
        flush();
        current.push_back(c);
      } else if (after_time && c == '.') {
        current.push_back(c);  // fractional seconds
      } else {
        flush();
        tokens.push_back(std::string(1, c == '-' ? '/' : c));
      }
    } else if (c == '+') {
      flush();
      current.push_back(c);
    } else {
      current.push_back(c);
    }
  }
  flush();
  return tokens;
}

// What the RFC 822 family reader has found so far, token by token.
struct DateFields {
  std::optional<int> day, month, year, zone;
  int hour = 0, minute = 0, second = 0;
  bool has_time = false;
  std::optional<bool> is_pm;
  std::vector<int> numbers;  // numeric date fields in order of appearance
};

// A zone, a meridiem or nothing after a time ("Z", "+01:00", "pm").
bool read_after_time(std::string_view rest, DateFields& fields) {
  if (core::equals_ignore_case(rest, "am") || core::equals_ignore_case(rest, "pm")) {
    fields.is_pm = core::equals_ignore_case(rest, "pm");
  } else if (auto z = numeric_zone(rest)) {
    fields.zone = z;
  } else if (auto named = named_zone(rest)) {
    fields.zone = named;
  } else {
    return false;
  }
  return true;
}

// A time, possibly with a zone glued on ("09:30:00Z", "09:30+01:00").
bool read_time(std::string_view token, DateFields& fields) {
  std::size_t pos = 0;
  const auto hh = digits(token, pos, 1, 2);
  if (!hh || pos >= token.size() || token[pos] != ':') return false;
  ++pos;
  const auto mm = digits(token, pos, 2, 2);
  if (!mm) return false;
  fields.hour = *hh;
  fields.minute = *mm;
  if (pos < token.size() && token[pos] == ':') {
    ++pos;
    const auto ss = digits(token, pos, 2, 2);
    if (!ss) return false;
    fields.second = *ss;
  }
  if (pos < token.size() && token[pos] == '.') {
    ++pos;
    while (pos < token.size() && is_digit(token[pos])) ++pos;
  }
  if (pos < token.size() && !read_after_time(token.substr(pos), fields)) return false;
  fields.has_time = true;
  return true;
}

// A date field ("17", "2025") or an ordinal day ("17th", "1st").
bool read_number(std::string_view token, DateFields& fields) {
  if (!std::all_of(token.begin(), token.end(), is_digit)) {
    std::size_t pos = 0;
    const auto value = digits(token, pos, 1, 2);
    const std::string suffix = core::to_lower_ascii(token.substr(pos));
    if (!value || (suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th")) return false;
    fields.day = *value;
    return true;
  }
  if (token.size() > 4) return false;
  fields.numbers.push_back(std::stoi(std::string(token)));
  if (token.size() >= 3) fields.year = fields.numbers.back();  // a 3- or 4-digit number is a year
  return true;
}

// A word: a zone ("GMT+2", "PST"), a meridiem, a filler, the month, a
// weekday (ignored, even when wrong) or a comment ("(PST)").
bool read_word(std::string_view token, DateFields& fields) {
  if (auto z = numeric_zone(token)) {
    fields.zone = z;
    return true;
  }
  const std::string lower = core::to_lower_ascii(token);
  if (lower == "am" || lower == "pm" || lower == "a.m" || lower == "p.m") {
    fields.is_pm = lower[0] == 'p';
    return true;
  }
  if (lower == "at" || lower == "the" || lower == "of") return true;
  if (auto m = core::month_from_name(token); m && !fields.month) {
    fields.month = m;
    return true;
  }
  if (is_weekday_name(token)) return true;
  if (auto z = named_zone(token)) {
    fields.zone = z;
    return true;
  }
  return token.front() == '(' || token.back() == ')';
}

bool read_token(std::string_view token, DateFields& fields) {
  if (token.find(':') != std::string_view::npos && is_digit(token[0])) return read_time(token, fields);
  if (is_digit(token[0])) return read_number(token, fields);
  if (token[0] == '+' || token[0] == '-') {
    const auto z = numeric_zone(token);
    if (z) fields.zone = z;
    return z.has_value();
  }
  if (is_alpha(token[0])) return read_word(token, fields);
  return token.front() == '(';
}

// Gives the numbers their places: with a month name, they are day and
// (maybe) year; all-numeric dates ("17/12/2025", "2025/12/17") are
// day-first unless the year comes first, and a field over 12 settles it.
bool place_numbers(DateFields& fields) {
  std::vector<int> rest;
  for (int n : fields.numbers)
    if (!fields.year || n != *fields.year) rest.push_back(n);
  if (fields.month) {
    if (!fields.day && !rest.empty()) {
      fields.day = rest.front();
      rest.erase(rest.begin());
    }
    if (!fields.year && !rest.empty()) {
      fields.year = rest.front();
      rest.erase(rest.begin());
    }
    return rest.empty() && fields.day && fields.year;
  }
  const std::vector<int>& numbers = fields.numbers;
  if (numbers.size() != 3) return false;
  if (numbers[0] >= 100) {
    fields.year = numbers[0];
    fields.month = numbers[1];
    fields.day = numbers[2];
  } else {
    fields.year = numbers[2];
    const bool is_month_first = numbers[1] > 12;
    fields.month = is_month_first ? numbers[0] : numbers[1];
    fields.day = is_month_first ? numbers[1] : numbers[0];
  }
  return true;
}

// A 12-hour time to 24 hours; false for "13:00 pm" or a meridiem alone.
bool apply_meridiem(DateFields& fields) {
  if (!fields.is_pm) return true;
  if (fields.hour > 12 || !fields.has_time) return false;
  if (*fields.is_pm && fields.hour < 12) fields.hour += 12;
  if (!*fields.is_pm && fields.hour == 12) fields.hour = 0;
  return true;
}

std::optional<core::Timestamp> parse_rfc822_family(std::string_view text) {
  DateFields fields;
  for (const std::string& token : tokenize(text)) {
    if (token == "/" || token == ".") continue;
    if (!read_token(token, fields)) return std::nullopt;
  }
  if (!place_numbers(fields) || !apply_meridiem(fields)) return std::nullopt;
  int y = *fields.year;
  if (y < 100) y += y < 50 ? 2000 : 1900;  // RFC 2822 §4.3
  return make_utc(y, *fields.month, *fields.day, fields.hour, fields.minute, fields.second, fields.zone.value_or(0));
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A token the RFC 822 reader would skip or read as a meridiem, whatever
// else it might also be.
bool is_filler_word(std::string_view token) {
  const std::string lower = core::to_lower_ascii(token);
  return lower == "am" || lower == "pm" || lower == "at" || lower == "the" || lower == "of";
}

// RFC 1123's own form, which nearly every RSS feed writes: "Tue, 02 Dec
// 2025 10:20:30 +0100" (or a named zone), single spaces, four-digit year.
// Read in place, without the token reader's strings: its result for such
// text (an outer nullopt leaves the text to it; an inner one is its
// nullopt, for a date that does not exist).
std::optional<std::optional<core::Timestamp>> read_rfc1123(std::string_view text) {
  // "Www, DD Mmm YYYY HH:MM:SS " is 26 characters; a zone of 1 to 5 follows.
  if (text.size() < 27 || text.size() > 31) return std::nullopt;
  const auto is_digit_at = [&](std::initializer_list<std::size_t> positions) {
    for (const std::size_t at : positions)
      if (!is_digit(text[at])) return false;
    return true;
  };
  const auto is_letter_at = [&](std::initializer_list<std::size_t> positions) {
    for (const std::size_t at : positions)
      if (!is_ascii_letter(text[at])) return false;
    return true;
  };
  if (!is_letter_at({0, 1, 2}) || text[3] != ',' || text[4] != ' ' || !is_digit_at({5, 6}) || text[7] != ' ' ||
      !is_letter_at({8, 9, 10}) || text[11] != ' ' || !is_digit_at({12, 13, 14, 15}) || text[12] == '0' ||
      text[16] != ' ' || !is_digit_at({17, 18, 20, 21, 23, 24}) || text[19] != ':' || text[22] != ':' ||
      text[25] != ' ')
    return std::nullopt;
  // Each name is what the token reader would take it for, asked in its
  // order: a zone, a filler word, the month, a weekday, a named zone.
  const std::string_view weekday = text.substr(0, 3);
  if (is_filler_word(weekday) || core::month_from_name(weekday) || !is_weekday_name(weekday)) return std::nullopt;
  const std::string_view month_name = text.substr(8, 3);
  const std::optional<int> month = is_filler_word(month_name) ? std::nullopt : core::month_from_name(month_name);
  if (!month) return std::nullopt;
  const std::string_view zone_name = text.substr(26);
  std::optional<int> zone;
  if (zone_name[0] == '+' || zone_name[0] == '-') {
    if (zone_name.size() != 5 || !is_digit_at({27, 28, 29, 30})) return std::nullopt;
    zone = numeric_zone(zone_name);
  } else {
    for (const char c : zone_name)
      if (!is_ascii_letter(c)) return std::nullopt;
    if (is_filler_word(zone_name) || is_weekday_name(zone_name)) return std::nullopt;
    zone = named_zone(zone_name);
  }
  if (!zone) return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t length) {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  return make_utc(number(12, 4), *month, number(5, 2), number(17, 2), number(20, 2), number(23, 2), *zone);
}

}  // namespace

std::optional<core::Timestamp> parse_feed_date(std::string_view text) {
  if (const auto rfc1123 = read_rfc1123(text)) return *rfc1123;
  return parse_feed_date_by_tokens(text);
}

std::optional<core::Timestamp> parse_feed_date_by_tokens(std::string_view text) {
  const std::string collapsed = core::collapse_whitespace(text);
  if (collapsed.empty() || collapsed.size() > 100) return std::nullopt;
  if (collapsed.size() >= 4 && is_digit(collapsed[0]) && is_digit(collapsed[1]) && is_digit(collapsed[2]) &&
      is_digit(collapsed[3])) {
    if (auto iso = parse_iso8601(collapsed)) return iso;
  }
  return parse_rfc822_family(collapsed);
}

}  // namespace tributary::normalize
