// The HTML sanitizer's two readers, exposed for the test that holds them to
// one output: libxml2's HTML parser (the reference, which repairs any
// markup) and a single-pass scanner for the well-formed subset most feeds
// send, which declines (nullopt) whatever libxml2 would repair or read
// differently. Internal to normalize.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::normalize::html_paths {

struct FastSanitized {
  std::string html;
  std::string text;  // html_to_text(html), written on the way
};

// Byte for byte what sanitize_html_libxml2 returns, or nullopt.
std::optional<FastSanitized> sanitize_html_fast(std::string_view html, std::string_view base_url);

std::string sanitize_html_libxml2(std::string_view html, std::string_view base_url);

}  // namespace tributary::normalize::html_paths
