// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) → ParsedFeed.
// Fields of the wrong type are ignored rather than fatal, as feed readers do.
#include "parse/json_feed.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/text.hpp"

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
  if (std::string url = string_field(object, "url"); !url.empty()) item.links.push_back({url, "alternate", {}, {}, {}, {}});
  if (std::string external = string_field(object, "external_url"); !external.empty())
    item.links.push_back({external, "related", {}, {}, {}, {}});
  const std::string html = string_field(object, "content_html");
  if (!html.empty()) item.content = {html, TextType::html, {}};
  else item.content = {string_field(object, "content_text"), TextType::text, {}};
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
      Enclosure enclosure{string_field(*attachment, "url"), string_field(*attachment, "mime_type"),
                          string_field(*attachment, "size_in_bytes"), {}};
      if (!enclosure.url.empty()) item.enclosures.push_back(std::move(enclosure));
    }
  }
  return item;
}

}  // namespace

ParseOutcome parse_json_feed(std::string_view bytes, const ParseOptions& options) {
  boost::system::error_code error;
  json::parse_options json_options;
  json_options.max_depth = options.limits.max_depth;
  json_options.allow_invalid_utf8 = true;
  const json::value document = json::parse(bytes, error, {}, json_options);
  if (error) return {std::nullopt, "not a feed: invalid JSON (" + error.message() + ")"};
  const json::object* root = document.if_object();
  if (!root) return {std::nullopt, "not a feed: the JSON document is not an object"};
  const std::string version = string_field(*root, "version");
  if (!core::starts_with_ignore_case(version, "https://jsonfeed.org/version/") &&
      !core::starts_with_ignore_case(version, "http://jsonfeed.org/version/")) {
    return {std::nullopt, "not a feed: a JSON document without a JSON Feed \"version\""};
  }
  ParsedFeed feed;
  feed.format = version.ends_with("/1") ? FeedFormat::json10 : FeedFormat::json11;
  feed.feed.title = {string_field(*root, "title"), TextType::text, {}};
  feed.feed.subtitle = {string_field(*root, "description"), TextType::text, {}};
  feed.feed.link = string_field(*root, "home_page_url");
  feed.feed.self_link = string_field(*root, "feed_url");
  feed.feed.authors = authors_of(*root);
  feed.feed.lang = string_field(*root, "language");
  feed.feed.image = string_field(*root, "icon");
  if (feed.feed.image.empty()) feed.feed.image = string_field(*root, "favicon");
  if (const json::value* items = root->if_contains("items"); items && items->is_array()) {
    for (const json::value& value : items->as_array()) {
      if (!value.is_object()) continue;
      if (feed.items.size() >= options.limits.max_items)
        return {std::nullopt, "too many items: the document has more than " + std::to_string(options.limits.max_items) +
                                  " (the limit)"};
      feed.items.push_back(read_item(value.as_object()));
    }
  }
  return {std::move(feed), {}};
}

}  // namespace tributary::parse
