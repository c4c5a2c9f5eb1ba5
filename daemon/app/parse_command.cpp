// `tributary parse FILE|-`: one feed document → one JSON document on stdout.
// The input is read only up to the parser's size limit (and one byte more).
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <system_error>

#include "app/commands.hpp"
#include "app/discovery_text.hpp"
#include "core/core.hpp"
#include "normalize/normalize.hpp"
#include "parse/discovery.hpp"
#include "parse/parse.hpp"

namespace tributary::app {
namespace {

namespace json = boost::json;

json::value date_or_null(const std::optional<core::Timestamp>& t) {
  if (!t) return nullptr;
  return json::string(core::format_rfc3339(*t));
}

json::value text_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return json::string(text);
}

json::object item_json(const normalize::Entry& entry) {
  json::object item;
  // The item's own id; else its link; else the content hash we key it by.
  std::string id = entry.original_id;
  if (id.empty()) id = entry.url;
  if (id.empty()) id = entry.identity_key.text();
  item["id"] = id;
  item["title"] = text_or_null(entry.title);
  item["link"] = text_or_null(entry.url);
  item["published"] = date_or_null(entry.published);
  item["updated"] = date_or_null(entry.updated);
  std::string author = entry.author_name.empty() ? entry.author_email : entry.author_name;
  item["author"] = text_or_null(author);
  json::array authors;
  for (const normalize::Author& person : entry.authors) {
    json::object object;
    object["name"] = text_or_null(person.name);
    object["email"] = text_or_null(person.email);
    object["uri"] = text_or_null(person.uri);
    authors.push_back(std::move(object));
  }
  item["authors"] = std::move(authors);
  item["summary"] = text_or_null(entry.summary_html);
  item["content"] = text_or_null(entry.content_html);
  json::array categories;
  for (const std::string& category : entry.categories) categories.emplace_back(category);
  item["categories"] = std::move(categories);
  json::array enclosures;
  for (const normalize::Enclosure& enclosure : entry.enclosures) {
    json::object object;
    object["url"] = enclosure.url;
    object["type"] = text_or_null(enclosure.type);
    object["length"] = enclosure.length ? json::value(*enclosure.length) : json::value(nullptr);
    enclosures.push_back(std::move(object));
  }
  item["enclosures"] = std::move(enclosures);
  return item;
}

// At most `limit` + 1 bytes of `file` ("-": standard input): one more than
// the parser takes tells "too large" without reading the rest, so that
// `tributary parse /dev/zero` (or a pipe that never ends) stops at once.
std::optional<std::string> read_limited(const std::string& file, std::size_t limit, std::string& error) {
  const bool is_stdin = file == "-";
  std::FILE* in = is_stdin ? stdin : std::fopen(file.c_str(), "rb");
  if (!in) {
    error = "cannot read " + file + ": " + std::error_code(errno, std::generic_category()).message();
    return std::nullopt;
  }
  std::string bytes;
  std::size_t used = 0;
  while (used <= limit && !std::feof(in) && !std::ferror(in)) {
    bytes.resize(std::min(limit + 1, std::max<std::size_t>(64 * 1024, bytes.size() * 2)));
    used += std::fread(bytes.data() + used, 1, bytes.size() - used, in);
    if (used < bytes.size()) break;  // the end, or an error
  }
  const int read_errno = std::ferror(in) ? errno : 0;
  if (!is_stdin) std::fclose(in);
  if (read_errno != 0) {
    error = "cannot read " + (is_stdin ? std::string("standard input") : file) + ": " +
            std::error_code(read_errno, std::generic_category()).message();
    return std::nullopt;
  }
  bytes.resize(used);
  return bytes;
}

}  // namespace

int parse_document(const std::string& file, const std::string& url, const std::string& content_type) {
  std::string error;
  const parse::ParseLimits limits;
  const std::string name = file == "-" ? "standard input" : file;
  const auto bytes = read_limited(file, limits.max_document_bytes, error);
  if (!bytes) {
    std::cerr << "tributary parse: " << error << "\n";
    return kExitFailure;
  }
  if (bytes->size() > limits.max_document_bytes) {
    std::cerr << "tributary parse: " << name << ": document too large: more than " << limits.max_document_bytes
              << " bytes (the limit)\n";
    return kExitFailure;
  }
  const parse::ParseOutcome parsed = parse::parse_feed(*bytes, {url, core::charset_of(content_type), limits});
  if (!parsed.feed) {
    std::cerr << "tributary parse: " << name << ": "
              << (parse::is_html_page(parsed)
                      ? advertised_feeds_text(parse::discover_feed_links(*bytes, url, core::charset_of(content_type)))
                      : parsed.error)
              << "\n";
    return kExitFailure;
  }
  const normalize::NormalizedFeed normalized = normalize::normalize_feed(*parsed.feed, {url, core::now_utc()});
  json::object document;
  document["format"] = parse::to_string(parsed.feed->format);
  document["recovered"] = parsed.feed->is_recovered;
  if (parsed.feed->is_recovered) document["recovery_reason"] = parsed.feed->recovery_reason;
  json::object feed;
  feed["title"] = text_or_null(normalized.feed.title);
  feed["link"] = text_or_null(normalized.feed.site_url);
  feed["id"] = text_or_null(normalized.feed.id);
  feed["updated"] = date_or_null(normalized.feed.updated);
  document["feed"] = std::move(feed);
  json::array items;
  for (const normalize::Entry& entry : normalized.entries) items.push_back(item_json(entry));
  document["items"] = std::move(items);
  std::cout << json::serialize(document) << "\n";
  return kExitOk;
}

}  // namespace tributary::app
