// application/x-www-form-urlencoded, both ways: WebSub's requests are forms
// (W3C WebSub §5.1, §6.1: the subscription request is a POST body, the
// verification of intent a query string). The parser follows the WHATWG
// URL Standard's rules (§5.1: `&`-separated, `+` is a space, percent
// escapes decoded) but refuses a malformed escape instead of passing it
// through, and is bounded in fields and bytes because strangers send these
// bodies. Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::websub {

struct FormField {
  std::string name;
  std::string value;
};

// The fields of a form in the order they came.
struct Form {
  std::vector<FormField> fields;

  // The value of the first field named `name`, or nullptr.
  const std::string* find(std::string_view name) const;
  std::size_t count(std::string_view name) const;
};

struct FormLimits {
  std::size_t max_bytes = 64 * 1024;  // the encoded form
  std::size_t max_fields = 64;
};

struct FormParse {
  std::optional<Form> form;  // nullopt when `error` says why
  std::string error;
};

// Parses a query string (without the `?`) or a POST body. An empty input
// is an empty form; empty `&&` sequences are skipped (WHATWG §5.1 step 3).
FormParse parse_form(std::string_view encoded, const FormLimits& limits = {});

// The form encoding of `fields`: name=value pairs joined by `&`, spaces as
// `+`, every byte but ALPHA / DIGIT / `*-._` percent-encoded (WHATWG §5.2).
std::string encode_form(const std::vector<FormField>& fields);
// One name or value in the form encoding.
std::string form_escape(std::string_view text);

}  // namespace tributary::websub
