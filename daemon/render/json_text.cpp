// Publishable JSON: scrubs every string of a document before serializing.
#include "render/json_text.hpp"

#include <boost/json/serialize.hpp>

#include "core/text.hpp"

namespace tributary::render {
namespace {

namespace json = boost::json;

void scrub_string(json::string& text) {
  const std::string_view view(text.data(), text.size());
  std::string clean = core::publishable_text(view);
  if (clean.size() != view.size()) text = clean;
}

void scrub(json::value& value) {
  if (json::string* text = value.if_string()) {
    scrub_string(*text);
  } else if (json::array* array = value.if_array()) {
    for (json::value& element : *array) scrub(element);
  } else if (json::object* object = value.if_object()) {
    // Keys are field names of ours, never a feed's: only values need it.
    for (json::key_value_pair& field : *object) scrub(field.value());
  }
}

}  // namespace

std::string serialize_publishable(json::value document) {
  scrub(document);
  return json::serialize(document) + "\n";
}

}  // namespace tributary::render
