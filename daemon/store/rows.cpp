// JSON columns (categories, tags, enclosures, authors).
#include "store/rows.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

}  // namespace tributary::store::rows
