// The sanitizer's allowlists and URL rules, shared by its two readers of
// HTML (libxml2's parser in html.cpp, the fast scanner in html_fast.cpp) so
// that both write the same output from one set of rules. Internal to
// normalize.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::normalize::html_rules {

enum class TagKind {
  unknown,               // not named here: dropped, its content kept (font, body, …)
  allowed,               // written with its allowed attributes
  dropped_with_content,  // code, a foreign document or a control: gone with all inside
};

// `tag` lower-case, without a prefix.
TagKind kind_of_tag(std::string_view tag);

// The tags named here, numbered 0 … kNamedTagCount - 1 in a fixed order, so
// that a reader can keep facts per tag in arrays; -1 for other names.
inline constexpr int kNamedTagCount = 108;
int named_tag_index(std::string_view tag);
std::string_view named_tag(int index);

// Allowed tags written as "<br />", without children.
bool is_void_tag(std::string_view tag);

// HTML5's void elements (area, base, br, col, embed, hr, img, input, link,
// meta, param, source, track, wbr): never any content. libxml2's HTML 4
// parser does not know some of them (source, track, embed) and hangs what
// follows an unclosed one below it, so a reader of its tree writes such
// children after the element (or in its place, when the element goes).
bool is_html5_void_element(std::string_view tag);

bool is_allowed_attribute(std::string_view tag, std::string_view attribute);
bool is_url_attribute(std::string_view attribute);

// The URL to write for a URL attribute, or nullopt when the attribute must go.
std::optional<std::string> safe_url(std::string_view tag, std::string_view attribute, std::string_view value,
                                    std::string_view base_url);

// Appends `text` escaped for HTML text ("&", "<", ">") or, with
// `is_attribute`, for a double-quoted attribute value (also '"').
void append_escaped(std::string& out, std::string_view text, bool is_attribute);

}  // namespace tributary::normalize::html_rules
