// HTML for feed items: an allowlist sanitizer that leaves nothing executable,
// and the plain-text view of HTML (titles, fingerprints).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::normalize {

// Decodes character references: numeric ("&#233;", "&#xE9;") and HTML's named
// ones ("&eacute;", "&nbsp;"). Unknown names are left as written.
std::string decode_entities(std::string_view text);

// Tags removed, entities decoded (twice when the feed escaped them twice,
// "&amp;amp;"), whitespace collapsed.
std::string html_to_text(std::string_view html);

// Plain text with double-escaped entities decoded and whitespace collapsed.
std::string clean_text(std::string_view text);

// Escapes text so that it reads the same as HTML ("<" → "&lt;").
std::string escape_html(std::string_view text);

// Allowlisted tags and attributes only; script, style, iframe, object, embed,
// form and their content removed; event handlers and style attributes
// removed; URLs resolved against `base_url` and kept only for http, https,
// mailto (and data:image for img); well-formed output.
std::string sanitize_html(std::string_view html, std::string_view base_url);

// The same, with the plain text of the result when the sanitizer could write
// it on the way (it then equals html_to_text(html)).
struct SanitizedHtml {
  std::string html;
  std::optional<std::string> text;
};
SanitizedHtml sanitize_html_with_text(std::string_view html, std::string_view base_url);

// html_to_text(sanitized.html), without reading the HTML again when the text
// is there: then it is moved out (the text of an article is kilobytes).
std::string take_text(SanitizedHtml& sanitized);

}  // namespace tributary::normalize
