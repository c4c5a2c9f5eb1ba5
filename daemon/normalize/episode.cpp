// The iTunes podcast tags of an episode as values (see normalize.hpp):
// itunes:duration, itunes:explicit, itunes:episode, itunes:season and
// itunes:episodeType; and its podcast's itunes:category. Podcast feeds write these by hand as often as by
// tool: "1:02:03", "62:03.5", " 3723 ", "Yes", "clean". Pure.
#include <charconv>

#include "core/text.hpp"
#include "normalize/normalize.hpp"

namespace tributary::normalize {
namespace {

// A longer field is no duration a feed meant (over 30 years of seconds).
constexpr std::size_t kMaxFieldDigits = 9;

bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

std::int64_t to_number(std::string_view digits) {
  std::int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration_text(std::string_view text) {
  text = core::trim(text);
  // A fraction of a second (RFC 2326 §3.6's npt-sec, which some feeds use):
  // only after the last field, and dropped.
  if (const std::size_t dot = text.find('.'); dot != std::string_view::npos) {
    if (!is_digits(text.substr(dot + 1))) return std::nullopt;
    text = text.substr(0, dot);
  }
  std::int64_t total = 0;
  int fields = 0;
  for (std::size_t pos = 0; pos <= text.size(); ++fields) {
    const std::size_t colon = std::min(text.find(':', pos), text.size());
    const std::string_view field = text.substr(pos, colon - pos);
    if (fields == 3 || !is_digits(field) || field.size() > kMaxFieldDigits) return std::nullopt;
    const std::int64_t value = to_number(field);
    if (fields > 0 && value >= 60) return std::nullopt;  // "1:75" is no duration
    total = total * 60 + value;
    pos = colon + 1;
  }
  if (total == 0) return std::nullopt;
  return std::chrono::seconds{total};
}

bool is_canonical_duration(std::string_view text) {
  text = core::trim(text);
  const std::size_t colon = text.find(':');
  if (!is_digits(text.substr(0, colon)) || !parse_duration_text(text)) return false;
  for (std::size_t pos = colon; pos != std::string_view::npos; pos = text.find(':', pos + 1)) {
    const std::string_view rest = text.substr(pos + 1);
    if (rest.size() < 2 || !is_digits(rest.substr(0, 2)) || (rest.size() > 2 && rest[2] != ':')) return false;
  }
  return true;
}

std::optional<bool> parse_explicit_flag(std::string_view text) {
  const std::string value = core::to_lower_ascii(core::trim(text));
  if (value == "true" || value == "yes" || value == "explicit") return true;
  if (value == "false" || value == "no" || value == "clean") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_episode_number(std::string_view text) {
  text = core::trim(text);
  if (!is_digits(text) || text.size() > kMaxFieldDigits) return std::nullopt;
  const std::int64_t number = to_number(text);
  if (number < 1) return std::nullopt;
  return number;
}

std::string parse_episode_type(std::string_view text) {
  std::string type = core::to_lower_ascii(core::trim(text));
  if (type == "full" || type == "trailer" || type == "bonus") return type;
  return {};
}

core::PodcastCategory podcast_category_of(const std::vector<parse::ItunesCategory>& categories) {
  for (const parse::ItunesCategory& written : categories) {
    core::PodcastCategory category{core::apple_podcast_category(written.text), {}};
    if (category.empty()) continue;
    for (const std::string& subcategory : written.subcategories) {
      category.subcategory = core::apple_podcast_subcategory(category.category, subcategory);
      if (!category.subcategory.empty()) break;
    }
    return category;
  }
  return {};
}

}  // namespace tributary::normalize
