// The sanitizer's allowlists: anything not named here — a new tag, an
// unknown attribute — is dropped by default. Tags are looked up in one
// sorted table (this runs for every element of every item).
#include "normalize/html_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <initializer_list>

#include "core/text.hpp"
#include "core/url.hpp"

namespace tributary::normalize::html_rules {
namespace {

bool in(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view candidate : names)
    if (candidate == name) return true;
  return false;
}

struct TagRule {
  std::string_view name;
  TagKind kind;
};

constexpr TagKind A = TagKind::allowed;
// Dropped with content: elements whose content is code, a foreign document or
// a control.
constexpr TagKind D = TagKind::dropped_with_content;

// Sorted by name (checked at compile time below).
constexpr std::array kTagRules = {
    TagRule{"a", A},         TagRule{"abbr", A},       TagRule{"acronym", A},  TagRule{"address", A},
    TagRule{"applet", D},    TagRule{"article", A},    TagRule{"aside", A},    TagRule{"audio", A},
    TagRule{"b", A},         TagRule{"base", D},       TagRule{"bdi", A},      TagRule{"bdo", A},
    TagRule{"big", A},       TagRule{"blockquote", A}, TagRule{"br", A},       TagRule{"button", D},
    TagRule{"canvas", D},    TagRule{"caption", A},    TagRule{"center", A},   TagRule{"cite", A},
    TagRule{"code", A},      TagRule{"col", A},        TagRule{"colgroup", A}, TagRule{"dd", A},
    TagRule{"del", A},       TagRule{"details", A},    TagRule{"dfn", A},      TagRule{"dialog", D},
    TagRule{"div", A},       TagRule{"dl", A},         TagRule{"dt", A},       TagRule{"em", A},
    TagRule{"embed", D},     TagRule{"figcaption", A}, TagRule{"figure", A},   TagRule{"footer", A},
    TagRule{"form", D},      TagRule{"frame", D},      TagRule{"frameset", D}, TagRule{"h1", A},
    TagRule{"h2", A},        TagRule{"h3", A},         TagRule{"h4", A},       TagRule{"h5", A},
    TagRule{"h6", A},        TagRule{"head", D},       TagRule{"header", A},   TagRule{"hr", A},
    TagRule{"i", A},         TagRule{"iframe", D},     TagRule{"img", A},      TagRule{"input", D},
    TagRule{"ins", A},       TagRule{"kbd", A},        TagRule{"li", A},       TagRule{"link", D},
    TagRule{"mark", A},      TagRule{"math", D},       TagRule{"meta", D},     TagRule{"noembed", D},
    TagRule{"noframes", D},  TagRule{"noscript", D},   TagRule{"object", D},   TagRule{"ol", A},
    TagRule{"option", D},    TagRule{"p", A},          TagRule{"param", D},    TagRule{"picture", A},
    TagRule{"plaintext", D}, TagRule{"portal", D},     TagRule{"pre", A},      TagRule{"q", A},
    TagRule{"rp", A},        TagRule{"rt", A},         TagRule{"ruby", A},     TagRule{"s", A},
    TagRule{"samp", A},      TagRule{"script", D},     TagRule{"section", A},  TagRule{"select", D},
    TagRule{"small", A},     TagRule{"source", A},     TagRule{"span", A},     TagRule{"strike", A},
    TagRule{"strong", A},    TagRule{"style", D},      TagRule{"sub", A},      TagRule{"summary", A},
    TagRule{"sup", A},       TagRule{"svg", D},        TagRule{"table", A},    TagRule{"tbody", A},
    TagRule{"td", A},        TagRule{"template", D},   TagRule{"textarea", D}, TagRule{"tfoot", A},
    TagRule{"th", A},        TagRule{"thead", A},      TagRule{"time", A},     TagRule{"title", D},
    TagRule{"tr", A},        TagRule{"tt", A},         TagRule{"u", A},        TagRule{"ul", A},
    TagRule{"var", A},       TagRule{"video", A},      TagRule{"wbr", A},      TagRule{"xmp", D},
};
static_assert(kTagRules.size() == kNamedTagCount);
static_assert(std::is_sorted(kTagRules.begin(), kTagRules.end(),
                             [](const TagRule& a, const TagRule& b) { return a.name < b.name; }));

// Scheme of a URL as a browser would read it: control characters and
// whitespace inside the scheme are ignored ("java\tscript:").
std::string scheme_of(std::string_view url) {
  std::string scheme;
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20) continue;
    if (c == ':') return core::to_lower_ascii(scheme);
    if (!std::isalnum(byte) && c != '+' && c != '-' && c != '.') return {};
    scheme.push_back(c);
  }
  return {};
}

}  // namespace

// Where the names starting with each letter begin in kTagRules (the table
// is sorted, so each letter's names are together): a lookup compares a few
// names, not a binary search's worth of them.
constexpr std::array<std::uint8_t, 27> kFirstLetterStarts = [] {
  std::array<std::uint8_t, 27> starts{};
  std::size_t index = 0;
  for (std::size_t letter = 0; letter < 26; ++letter) {
    while (index < kTagRules.size() && static_cast<std::size_t>(kTagRules[index].name[0] - 'a') < letter) ++index;
    starts[letter] = static_cast<std::uint8_t>(index);
  }
  starts[26] = static_cast<std::uint8_t>(kTagRules.size());
  return starts;
}();

int named_tag_index(std::string_view tag) {
  if (tag.empty() || tag[0] < 'a' || tag[0] > 'z') return -1;
  const auto letter = static_cast<std::size_t>(tag[0] - 'a');
  for (std::size_t index = kFirstLetterStarts[letter]; index < kFirstLetterStarts[letter + 1]; ++index)
    if (kTagRules[index].name == tag) return static_cast<int>(index);
  return -1;
}

std::string_view named_tag(int index) { return kTagRules[static_cast<std::size_t>(index)].name; }

TagKind kind_of_tag(std::string_view tag) {
  const int index = named_tag_index(tag);
  return index < 0 ? TagKind::unknown : kTagRules[static_cast<std::size_t>(index)].kind;
}

bool is_void_tag(std::string_view tag) { return in(tag, {"br", "hr", "img", "col", "source", "wbr"}); }

bool is_html5_void_element(std::string_view tag) {
  return in(tag, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr", "keygen"});
}

bool is_allowed_attribute(std::string_view tag, std::string_view attribute) {
  if (in(attribute, {"title", "lang", "dir"})) return true;
  if (tag == "a") return in(attribute, {"href", "hreflang"});
  if (tag == "img") return in(attribute, {"src", "alt", "width", "height"});
  if (tag == "audio" || tag == "video") return in(attribute, {"src", "controls", "poster", "width", "height"});
  if (tag == "source") return in(attribute, {"src", "type"});
  if (tag == "td" || tag == "th") return in(attribute, {"colspan", "rowspan", "headers", "scope", "abbr"});
  if (tag == "col" || tag == "colgroup") return attribute == "span";
  if (tag == "ol") return in(attribute, {"start", "type", "reversed"});
  if (tag == "li") return attribute == "value";
  if (tag == "blockquote" || tag == "q" || tag == "del" || tag == "ins") return in(attribute, {"cite", "datetime"});
  if (tag == "time") return attribute == "datetime";
  return false;
}

bool is_url_attribute(std::string_view attribute) { return in(attribute, {"href", "src", "cite", "poster"}); }

std::optional<std::string> safe_url(std::string_view tag, std::string_view attribute, std::string_view value,
                                    std::string_view base_url) {
  const std::string_view trimmed = core::trim(value);
  const std::string scheme = scheme_of(trimmed);
  if (scheme == "data") {
    // Inline images are common in feeds; data: anything else is not.
    const std::string lower = core::to_lower_ascii(trimmed.substr(0, 40));
    const bool is_image =
        tag == "img" && attribute == "src" && lower.starts_with("data:image/") && !lower.starts_with("data:image/svg");
    if (is_image) return std::string(trimmed);
    return std::nullopt;
  }
  if (!scheme.empty() && !in(scheme, {"http", "https", "mailto", "ftp", "tel"})) return std::nullopt;
  if (scheme.empty() && !base_url.empty()) {
    auto resolved = core::resolve_url(base_url, trimmed);
    if (!resolved) return std::nullopt;
    if (!in(scheme_of(*resolved), {"http", "https", "ftp"})) return std::nullopt;
    return resolved;
  }
  if (scheme.empty() && trimmed.starts_with("//")) return "https:" + std::string(trimmed);
  // A relative URL with nothing to resolve it against would point into the
  // aggregator's own site once served from there: drop it.
  if (scheme.empty()) return std::nullopt;
  return std::string(trimmed);
}

void append_escaped(std::string& out, std::string_view text, bool is_attribute) {
  // Runs without special characters are copied in one piece; one compare per
  // byte finds them (all four are below '?').
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) > '>') continue;
    const char* replacement = nullptr;
    if (c == '&')
      replacement = "&amp;";
    else if (c == '<')
      replacement = "&lt;";
    else if (c == '>')
      replacement = "&gt;";
    else if (c == '"' && is_attribute)
      replacement = "&quot;";
    if (!replacement) continue;
    out.append(text.data() + run, i - run);
    out += replacement;
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

}  // namespace tributary::normalize::html_rules
