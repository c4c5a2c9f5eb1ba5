// JSON columns (categories, tags, enclosures, authors, episode).
#include "store/rows.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "normalize/html.hpp"

namespace tributary::store::rows {

namespace json = boost::json;

std::string integers_json(const std::vector<std::int64_t>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "]";
}

std::string strings_json(const std::vector<std::string>& strings) {
  json::array array;
  for (const std::string& value : strings) array.emplace_back(value);
  return json::serialize(array);
}

std::vector<std::string> strings_from_json(const std::string& text) {
  std::vector<std::string> strings;
  boost::system::error_code error;
  const json::value value = json::parse(text, error);
  if (error || !value.is_array()) return strings;
  for (const json::value& element : value.as_array())
    if (element.is_string()) strings.emplace_back(element.as_string());
  return strings;
}

std::string enclosures_json(const std::vector<normalize::Enclosure>& enclosures) {
  json::array array;
  for (const normalize::Enclosure& enclosure : enclosures) {
    json::object object;
    object["url"] = enclosure.url;
    object["type"] = enclosure.type;
    if (enclosure.length) object["length"] = *enclosure.length;
    array.push_back(std::move(object));
  }
  return json::serialize(array);
}

std::vector<normalize::Enclosure> enclosures_from_json(const std::string& text) {
  std::vector<normalize::Enclosure> enclosures;
  boost::system::error_code error;
  const json::value value = json::parse(text, error);
  if (error || !value.is_array()) return enclosures;
  for (const json::value& element : value.as_array()) {
    const json::object* object = element.if_object();
    if (!object) continue;
    normalize::Enclosure enclosure;
    if (const auto* url = object->if_contains("url"); url && url->is_string()) enclosure.url = url->as_string();
    if (const auto* type = object->if_contains("type"); type && type->is_string()) enclosure.type = type->as_string();
    if (const auto* length = object->if_contains("length"); length && length->is_int64())
      enclosure.length = length->as_int64();
    enclosures.push_back(std::move(enclosure));
  }
  return enclosures;
}

std::string authors_json(const std::vector<normalize::Author>& authors) {
  json::array array;
  for (const normalize::Author& author : authors) {
    json::object object;
    if (!author.name.empty()) object["name"] = author.name;
    if (!author.email.empty()) object["email"] = author.email;
    if (!author.uri.empty()) object["uri"] = author.uri;
    array.push_back(std::move(object));
  }
  return json::serialize(array);
}

std::vector<normalize::Author> authors_from_json(const std::string& text) {
  std::vector<normalize::Author> authors;
  boost::system::error_code error;
  const json::value value = json::parse(text, error);
  if (error || !value.is_array()) return authors;
  const auto member = [](const json::object& object, std::string_view name) {
    const json::value* found = object.if_contains(name);
    return found && found->is_string() ? std::string(found->as_string()) : std::string();
  };
  for (const json::value& element : value.as_array()) {
    const json::object* object = element.if_object();
    if (!object) continue;
    normalize::Author author{member(*object, "name"), member(*object, "email"), member(*object, "uri")};
    if (!author.name.empty() || !author.email.empty() || !author.uri.empty()) authors.push_back(std::move(author));
  }
  return authors;
}

namespace {

std::string string_member(const json::object& object, std::string_view name) {
  const json::value* found = object.if_contains(name);
  return found && found->is_string() ? std::string(found->as_string()) : std::string();
}

std::optional<std::int64_t> integer_member(const json::object& object, std::string_view name) {
  const json::value* found = object.if_contains(name);
  if (!found || !found->is_int64()) return std::nullopt;
  return found->as_int64();
}

json::array transcripts_array(const std::vector<normalize::Transcript>& transcripts) {
  json::array array;
  for (const normalize::Transcript& transcript : transcripts) {
    json::object object{{"url", transcript.url}, {"type", transcript.type}};
    if (!transcript.language.empty()) object["language"] = transcript.language;
    if (!transcript.rel.empty()) object["rel"] = transcript.rel;
    array.push_back(std::move(object));
  }
  return array;
}

std::vector<normalize::Transcript> transcripts_from(const json::value* value) {
  std::vector<normalize::Transcript> transcripts;
  if (!value || !value->is_array()) return transcripts;
  for (const json::value& element : value->as_array()) {
    const json::object* object = element.if_object();
    if (!object) continue;
    normalize::Transcript transcript{string_member(*object, "url"), string_member(*object, "type"),
                                     string_member(*object, "language"), string_member(*object, "rel")};
    if (!transcript.url.empty()) transcripts.push_back(std::move(transcript));
  }
  return transcripts;
}

}  // namespace

std::string episode_json(const normalize::Entry& entry) {
  const normalize::EpisodeMeta& episode = entry.episode;
  json::object object;
  if (!entry.image_url.empty()) object["image"] = entry.image_url;
  if (entry.duration) object["duration"] = static_cast<std::int64_t>(entry.duration->count());
  if (!episode.duration_text.empty()) object["duration_text"] = episode.duration_text;
  if (episode.is_explicit) object["explicit"] = *episode.is_explicit;
  if (episode.number) object["number"] = *episode.number;
  if (episode.season) object["season"] = *episode.season;
  if (!episode.type.empty()) object["type"] = episode.type;
  if (!episode.transcripts.empty()) object["transcripts"] = transcripts_array(episode.transcripts);
  return json::serialize(object);
}

void read_episode_json(const std::string& text, normalize::Entry& entry) {
  boost::system::error_code error;
  const json::value value = json::parse(text, error);
  const json::object* object = error ? nullptr : value.if_object();
  if (!object) return;
  normalize::EpisodeMeta& episode = entry.episode;
  entry.image_url = string_member(*object, "image");
  if (const auto seconds = integer_member(*object, "duration")) entry.duration = std::chrono::seconds{*seconds};
  episode.duration_text = string_member(*object, "duration_text");
  if (const json::value* flag = object->if_contains("explicit"); flag && flag->is_bool())
    episode.is_explicit = flag->as_bool();
  episode.number = integer_member(*object, "number");
  episode.season = integer_member(*object, "season");
  episode.type = string_member(*object, "type");
  episode.transcripts = transcripts_from(object->if_contains("transcripts"));
}

std::string item_text(const std::string& content_html, const std::string& summary_html) {
  return normalize::html_to_text(content_html.empty() ? summary_html : content_html);
}

}  // namespace tributary::store::rows
