// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) → ParsedFeed.
// Fields of the wrong type are ignored rather than fatal, as feed readers do.
#include "parse/json_feed.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <optional>

#include "core/text.hpp"
#include "parse/limits.hpp"

namespace tributary::parse {
namespace {

namespace json = boost::json;

std::string string_field(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value) return {};
  if (const json::string* text = value->if_string()) return std::string(*text);
  if (value->is_int64()) return std::to_string(value->as_int64());
  if (value->is_uint64()) return std::to_string(value->as_uint64());
  return {};
}

// JSON Feed §"hubs": endpoints for real-time notification, objects with
// a `type` ("WebSub", the only one in use) and a `url`; a hub of another
// type is not one we can subscribe to.
std::vector<std::string> websub_hubs_of(const json::object& object) {
  std::vector<std::string> hubs;
  const json::value* list = object.if_contains("hubs");
  if (!list || !list->is_array()) return hubs;
  for (const json::value& value : list->as_array()) {
    const json::object* hub = value.if_object();
    if (!hub) continue;
    const std::string type = string_field(*hub, "type");
    const std::string url = string_field(*hub, "url");
    const bool is_websub = type.empty() || type == "WebSub" || type == "websub" || type == "PubSubHubbub";
    if (is_websub && !url.empty()) hubs.push_back(url);
  }
  return hubs;
}

std::vector<Person> authors_of(const json::object& object) {
  std::vector<Person> people;
  const auto add = [&](const json::value& value) {
    if (const json::object* author = value.if_object()) {
      Person person{string_field(*author, "name"), {}, string_field(*author, "url")};
      if (!person.name.empty() || !person.uri.empty()) people.push_back(std::move(person));
    }
  };
  if (const json::value* list = object.if_contains("authors"); list && list->is_array()) {
    for (const json::value& value : list->as_array()) add(value);
  }
  if (people.empty()) {
    if (const json::value* single = object.if_contains("author")) add(*single);  // JSON Feed 1.0
  }
  return people;
}

RawItem read_item(const json::object& object) {
  RawItem item;
  item.id = string_field(object, "id");
  item.title = {string_field(object, "title"), TextType::text, {}};
  if (std::string url = string_field(object, "url"); !url.empty())
    item.links.push_back({url, "alternate", {}, {}, {}, {}});
  if (std::string external = string_field(object, "external_url"); !external.empty())
    item.links.push_back({external, "related", {}, {}, {}, {}});
  const std::string html = string_field(object, "content_html");
  if (!html.empty())
    item.content = {html, TextType::html, {}};
  else
    item.content = {string_field(object, "content_text"), TextType::text, {}};
  item.summary = {string_field(object, "summary"), TextType::text, {}};
  item.published = string_field(object, "date_published");
  item.updated = string_field(object, "date_modified");
  item.authors = authors_of(object);
  item.lang = string_field(object, "language");
  item.image = string_field(object, "image");
  if (item.image.empty()) item.image = string_field(object, "banner_image");
  if (const json::value* tags = object.if_contains("tags"); tags && tags->is_array()) {
    for (const json::value& tag : tags->as_array())
      if (const json::string* text = tag.if_string()) item.categories.emplace_back(*text);
  }
  if (const json::value* attachments = object.if_contains("attachments"); attachments && attachments->is_array()) {
    for (const json::value& value : attachments->as_array()) {
      const json::object* attachment = value.if_object();
      if (!attachment) continue;
      Enclosure enclosure{string_field(*attachment, "url"),
                          string_field(*attachment, "mime_type"),
                          string_field(*attachment, "size_in_bytes"),
                          {}};
      if (enclosure.url.empty()) continue;
      // The episode's duration: its first file's (JSON Feed 1.1 attachments).
      if (item.duration.empty()) item.duration = string_field(*attachment, "duration_in_seconds");
      item.enclosures.push_back(std::move(enclosure));
    }
  }
  return item;
}

// A JSON Feed whose "version" is not the URL: an object with an "items"
// array of objects and a title or one of the feed's URLs — what JSON Feed
// requires besides the version (§"Top-level"), which other JSON documents
// with an "items" list rarely have all of.
bool looks_like_json_feed(const json::object& root) {
  const json::value* items = root.if_contains("items");
  if (!items || !items->is_array()) return false;
  for (const json::value& item : items->as_array())
    if (!item.is_object()) return false;
  for (std::string_view key : {"title", "home_page_url", "feed_url"})
    if (const json::value* value = root.if_contains(key); value && value->is_string()) return true;
  return false;
}

// ".../version/1", "1", "v1.0", "jsonfeed 1.0": JSON Feed 1.0; anything
// else reads as 1.1 (a superset: 1.1 only added fields and deprecated
// "author").
bool is_version_1_0(std::string_view version) {
  version = core::trim(version);
  while (version.ends_with('/')) version.remove_suffix(1);
  const std::size_t last_separator = version.find_last_of("/ vV");
  const std::string_view number =
      last_separator == std::string_view::npos ? version : version.substr(last_separator + 1);
  return number == "1" || number == "1.0";
}

// For a message: the version quoted when it is short printable ASCII.
std::string describe_version(std::string_view version) {
  if (version.empty()) return "no \"version\"";
  const bool is_printable = version.size() <= 40 && std::all_of(version.begin(), version.end(), [](char c) {
                              return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
                            });
  return is_printable ? "\"version\" is \"" + std::string(version) + "\"" : std::string("an unexpected \"version\"");
}

std::optional<unsigned> hex4(std::string_view text, std::size_t at) {
  if (at + 4 > text.size()) return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = text[i];
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<unsigned>(digit);
  }
  return value;
}

// JSON lets a string escape half a surrogate pair ("\ud800" alone; RFC 8259
// §8.2 calls the result unpredictable). JavaScript and Python read such a
// document, Boost.JSON refuses all of it; the half is no character and goes.
// nullopt when the document has none.
std::optional<std::string> without_lone_surrogates(std::string_view json) {
  std::string out;
  bool is_changed = false;
  bool in_string = false;
  std::size_t copied = 0;
  for (std::size_t pos = 0; pos < json.size(); ++pos) {
    const char c = json[pos];
    if (c == '"') in_string = !in_string;
    if (!in_string || c != '\\' || pos + 1 >= json.size()) continue;
    if (json[pos + 1] != 'u') {
      ++pos;  // "\"" and "\\" are no ends or starts
      continue;
    }
    const std::optional<unsigned> unit = hex4(json, pos + 2);
    if (!unit || *unit < 0xD800 || *unit > 0xDFFF) continue;
    const bool is_high = *unit <= 0xDBFF;
    const std::optional<unsigned> next =
        is_high && json.substr(pos + 6).starts_with("\\u") ? hex4(json, pos + 8) : std::nullopt;
    if (next && *next >= 0xDC00 && *next <= 0xDFFF) {
      pos += 11;  // a pair
      continue;
    }
    out.append(json.substr(copied, pos - copied));
    copied = pos + 6;
    pos += 5;
    is_changed = true;
  }
  if (!is_changed) return std::nullopt;
  out.append(json.substr(copied));
  return out;
}

}  // namespace

ParseOutcome parse_json_feed(std::string_view bytes, const ParseOptions& options) {
  boost::system::error_code error;
  json::parse_options json_options;
  json_options.max_depth = options.limits.max_depth;
  json_options.allow_invalid_utf8 = true;
  json::value document = json::parse(bytes, error, {}, json_options);
  std::string repair;
  if (error) {
    if (const std::optional<std::string> repaired = without_lone_surrogates(bytes)) {
      boost::system::error_code second_error;
      document = json::parse(*repaired, second_error, {}, json_options);
      if (!second_error) {
        error = second_error;
        repair = "lone UTF-16 surrogate escapes removed";
      }
    }
  }
  if (error) return {std::nullopt, "not a feed: invalid JSON (" + error.message() + ")"};
  const json::object* root = document.if_object();
  if (!root) return {std::nullopt, "not a feed: the JSON document is not an object"};
  const std::string version = string_field(*root, "version");
  const bool has_version_url = core::starts_with_ignore_case(version, "https://jsonfeed.org/version/") ||
                               core::starts_with_ignore_case(version, "http://jsonfeed.org/version/");
  if (!has_version_url && !looks_like_json_feed(*root)) {
    return {std::nullopt, "not a feed: a JSON document without a JSON Feed \"version\""};
  }
  ParsedFeed feed;
  feed.format = is_version_1_0(version) ? FeedFormat::json10 : FeedFormat::json11;
  if (!has_version_url) {
    // "1.1", "jsonfeed 1", a typo, or none: the rest of the document says
    // what it is, as feed readers take it.
    feed.is_recovered = true;
    feed.recovery_reason = describe_version(version) + ", not a JSON Feed version URL: read as JSON Feed " +
                           (feed.format == FeedFormat::json10 ? "1.0" : "1.1");
  } else if (!repair.empty()) {
    feed.is_recovered = true;
    feed.recovery_reason = std::move(repair);
  }
  feed.feed.title = {string_field(*root, "title"), TextType::text, {}};
  feed.feed.subtitle = {string_field(*root, "description"), TextType::text, {}};
  feed.feed.link = string_field(*root, "home_page_url");
  feed.feed.self_link = string_field(*root, "feed_url");
  feed.feed.hub_links = websub_hubs_of(*root);
  feed.feed.authors = authors_of(*root);
  feed.feed.lang = string_field(*root, "language");
  feed.feed.image = string_field(*root, "icon");
  if (feed.feed.image.empty()) feed.feed.image = string_field(*root, "favicon");
  if (const json::value* items = root->if_contains("items"); items && items->is_array()) {
    for (const json::value& value : items->as_array()) {
      if (!value.is_object()) continue;
      if (feed.items.size() >= options.limits.max_items) return {std::nullopt, too_many_items_error(options.limits)};
      feed.items.push_back(read_item(value.as_object()));
    }
  }
  return {std::move(feed), {}};
}

}  // namespace tributary::parse
