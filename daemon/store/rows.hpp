// Conversions between store rows and values, shared by the store's files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "normalize/normalize.hpp"

namespace tributary::store::rows {

inline std::optional<std::int64_t> unix_or_null(const std::optional<core::Timestamp>& t) {
  if (!t) return std::nullopt;
  return core::to_unix_seconds(*t);
}

inline std::optional<core::Timestamp> timestamp_or_null(const std::optional<std::int64_t>& seconds) {
  if (!seconds) return std::nullopt;
  return core::from_unix_seconds(*seconds);
}

std::string integers_json(const std::vector<std::int64_t>& values);
std::string strings_json(const std::vector<std::string>& strings);
std::vector<std::string> strings_from_json(const std::string& text);
std::string enclosures_json(const std::vector<normalize::Enclosure>& enclosures);
std::vector<normalize::Enclosure> enclosures_from_json(const std::string& text);
// The items.authors column: [{"name", "email", "uri"}, …], empty members left out.
std::string authors_json(const std::vector<normalize::Author>& authors);
std::vector<normalize::Author> authors_from_json(const std::string& text);

// The items.episode column: {"image", "duration", "duration_text",
// "explicit", "number", "season", "type", "transcripts": [{"url", "type",
// "language", "rel"}]}, what is absent left out; "{}" for an item that is
// no episode. Reads Entry::image_url, Entry::duration and Entry::episode,
// and writes them back.
std::string episode_json(const normalize::Entry& entry);
void read_episode_json(const std::string& text, normalize::Entry& entry);

// An item's text as story matching and filters read it: the content, else
// the summary, as plain text.
std::string item_text(const std::string& content_html, const std::string& summary_html);

}  // namespace tributary::store::rows
