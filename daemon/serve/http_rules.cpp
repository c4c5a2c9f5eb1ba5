// Content negotiation and conditional request rules.
#include "serve/http_rules.hpp"

#include <cstdlib>
#include <optional>
#include <string>

#include "core/text.hpp"

namespace tributary::serve {
namespace {

// Calls fn(token, q) for each element of a comma-separated list with
// optional ";q=" weights.
template <typename Fn>
void for_each_weighted(std::string_view list, Fn fn) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view element = core::trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    double q = 1.0;
    const auto semicolon = element.find(';');
    if (semicolon != std::string_view::npos) {
      std::string_view parameters = element.substr(semicolon + 1);
      element = core::trim(element.substr(0, semicolon));
      const auto q_at = parameters.find("q=");
      if (q_at != std::string_view::npos) q = std::strtod(std::string(parameters.substr(q_at + 2)).c_str(), nullptr);
    }
    if (!element.empty()) fn(element, q);
  }
}

std::string_view opaque_tag(std::string_view tag) {
  tag = core::trim(tag);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<double> gzip_q, any_q;
  for_each_weighted(accept_encoding, [&](std::string_view coding, double q) {
    if (core::equals_ignore_case(coding, "gzip") || core::equals_ignore_case(coding, "x-gzip")) gzip_q = q;
    else if (coding == "*") any_q = q;
  });
  if (gzip_q) return *gzip_q > 0;
  return any_q && *any_q > 0;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (core::trim(if_none_match) == "*") return true;
  bool is_match = false;
  for_each_weighted(if_none_match, [&](std::string_view tag, double) {
    is_match = is_match || opaque_tag(tag) == opaque_tag(etag);
  });
  return is_match;
}

bool is_unmodified_since(std::string_view if_modified_since, core::Timestamp last_modified) {
  const auto since = core::parse_http_date(if_modified_since);
  return since && last_modified <= *since;
}

}  // namespace tributary::serve
