// The application/x-www-form-urlencoded parser and serializer (see form.hpp).
#include "websub/form.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace tributary::websub {
namespace {

constexpr bool is_unescaped(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

const std::string* Form::find(std::string_view name) const {
  const auto it = std::find_if(fields.begin(), fields.end(), [name](const FormField& f) { return f.name == name; });
  return it == fields.end() ? nullptr : &it->value;
}

std::size_t Form::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(fields.begin(), fields.end(), [name](const FormField& f) { return f.name == name; }));
}

FormParse parse_form(std::string_view encoded, const FormLimits& limits) {
  if (encoded.size() > limits.max_bytes) {
    return {std::nullopt, "the form is " + std::to_string(encoded.size()) + " bytes, more than the " +
                              std::to_string(limits.max_bytes) + " allowed"};
  }
  Form form;
  std::size_t start = 0;
  while (start <= encoded.size()) {
    const std::size_t end = std::min(encoded.find('&', start), encoded.size());
    const std::string_view sequence = encoded.substr(start, end - start);
    start = end + 1;
    if (sequence.empty()) continue;
    if (form.fields.size() == limits.max_fields) {
      return {std::nullopt, "the form has more than " + std::to_string(limits.max_fields) + " fields"};
    }
    const std::size_t equals = sequence.find('=');
    const std::string_view raw_name = sequence.substr(0, equals);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view{} : sequence.substr(equals + 1);
    // A `%` not followed by two hex digits is refused (the WHATWG parser
    // keeps it literally; a WebSub peer that sends one has a bug, and
    // guessing would sign or verify the wrong thing).
    auto name = core::percent_decode(raw_name, true);
    auto value = core::percent_decode(raw_value, true);
    if (!name || !value) {
      return {std::nullopt, "malformed percent-escape in form field \"" + std::string(raw_name.substr(0, 64)) +
                                "\" (a % must be followed by two hex digits)"};
    }
    form.fields.push_back({std::move(*name), std::move(*value)});
  }
  return {std::move(form), {}};
}

std::string form_escape(std::string_view text) {
  static constexpr core::ByteSet kUnescaped = core::byte_set(is_unescaped);
  return core::percent_encode(text, kUnescaped, core::SpaceAs::plus);
}

std::string encode_form(const std::vector<FormField>& fields) {
  std::string out;
  for (const FormField& field : fields) {
    if (!out.empty()) out.push_back('&');
    out += form_escape(field.name);
    out.push_back('=');
    out += form_escape(field.value);
  }
  return out;
}

}  // namespace tributary::websub
