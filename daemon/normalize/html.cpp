// HTML sanitizing and text extraction. The sanitizer parses with libxml2's
// HTML parser (which repairs broken markup the way browsers roughly do) and
// writes a new document from an allowlist, so anything not named here —
// a new tag, an unknown attribute — is dropped by default.
#include "normalize/html.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <array>
#include <memory>
#include <mutex>

#include "core/text.hpp"
#include "core/url.hpp"
#include "parse/html_entities.hpp"

namespace tributary::normalize {
namespace {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};
using XmlCharPtr = std::unique_ptr<xmlChar, XmlCharDeleter>;

std::string_view view(const xmlChar* text) {
  return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

bool in(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view candidate : names)
    if (candidate == name) return true;
  return false;
}

bool is_allowed_tag(std::string_view tag) {
  return in(tag, {"a",     "abbr",    "acronym", "address", "article", "aside",  "audio",   "b",      "bdi",
                  "bdo",   "big",     "blockquote", "br",   "caption", "center", "cite",    "code",   "col",
                  "colgroup", "dd",   "del",     "details", "dfn",     "div",    "dl",      "dt",     "em",
                  "figcaption", "figure", "footer", "h1",   "h2",      "h3",     "h4",      "h5",     "h6",
                  "header", "hr",     "i",       "img",     "ins",     "kbd",    "li",      "mark",   "ol",
                  "p",     "picture", "pre",     "q",       "rp",      "rt",     "ruby",    "s",      "samp",
                  "section", "small", "source",  "span",    "strike",  "strong", "sub",     "summary", "sup",
                  "table", "tbody",   "td",      "tfoot",   "th",      "thead",  "time",    "tr",     "tt",
                  "u",     "ul",      "var",     "video",   "wbr"});
}

// Elements whose content is code, a foreign document or a control: removed
// with everything inside.
bool is_dropped_with_content(std::string_view tag) {
  return in(tag, {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
                  "button", "select", "textarea", "option", "noscript", "template", "head", "title", "meta",
                  "link", "base", "svg", "math", "param", "noembed", "noframes", "xmp", "plaintext", "canvas",
                  "dialog", "portal"});
}

bool is_void_tag(std::string_view tag) { return in(tag, {"br", "hr", "img", "col", "source", "wbr"}); }

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

// The URL to write, or nullopt when the attribute must go.
std::optional<std::string> safe_url(std::string_view tag, std::string_view attribute, std::string_view value,
                                    std::string_view base_url) {
  const std::string_view trimmed = core::trim(value);
  const std::string scheme = scheme_of(trimmed);
  if (scheme == "data") {
    // Inline images are common in feeds; data: anything else is not.
    const std::string lower = core::to_lower_ascii(trimmed.substr(0, 40));
    const bool is_image = tag == "img" && attribute == "src" && lower.starts_with("data:image/") &&
                          !lower.starts_with("data:image/svg");
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
  // Runs without special characters are copied in one piece.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* replacement = nullptr;
    if (c == '&') replacement = "&amp;";
    else if (c == '<') replacement = "&lt;";
    else if (c == '>') replacement = "&gt;";
    else if (c == '"' && is_attribute) replacement = "&quot;";
    if (!replacement) continue;
    out.append(text.data() + run, i - run);
    out += replacement;
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

class Sanitizer {
 public:
  explicit Sanitizer(std::string_view base_url) : base_url_(base_url) {}

  void write_children(const xmlNode* node, std::size_t depth) {
    for (const xmlNode* child = node->children; child; child = child->next) write_node(child, depth + 1);
  }

  std::string take() { return std::move(out_); }

 private:
  void write_node(const xmlNode* node, std::size_t depth) {
    // Deeper than any real article: flatten to text rather than recurse.
    if (depth > 200) {
      if (node->type == XML_TEXT_NODE) append_escaped(out_, view(node->content), false);
      else write_children(node, depth);
      return;
    }
    switch (node->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE: append_escaped(out_, view(node->content), false); break;
      case XML_ELEMENT_NODE: write_element(node, depth); break;
      default: break;  // comments, processing instructions, DTDs: gone
    }
  }

  void write_element(const xmlNode* node, std::size_t depth) {
    // Atom xhtml content may arrive with a prefix ("<xhtml:p>").
    std::string_view element_name = view(node->name);
    if (const auto colon = element_name.rfind(':'); colon != std::string_view::npos)
      element_name.remove_prefix(colon + 1);
    const std::string tag = core::to_lower_ascii(element_name);
    if (is_dropped_with_content(tag)) return;
    if (!is_allowed_tag(tag)) {
      write_children(node, depth);  // unknown wrapper (font, body, …): keep its text
      return;
    }
    out_ += '<';
    out_ += tag;
    for (const xmlAttr* attribute = node->properties; attribute; attribute = attribute->next) {
      const std::string name = core::to_lower_ascii(view(attribute->name));
      if (attribute->ns || !is_allowed_attribute(tag, name)) continue;
      const XmlCharPtr value(xmlNodeListGetString(node->doc, attribute->children, 1));
      std::string text(view(value.get()));
      if (is_url_attribute(name)) {
        auto url = safe_url(tag, name, text, base_url_);
        if (!url) continue;
        text = std::move(*url);
      }
      out_ += ' ';
      out_ += name;
      out_ += "=\"";
      append_escaped(out_, text, true);
      out_ += '"';
    }
    if (is_void_tag(tag)) {
      out_ += " />";
      return;
    }
    out_ += '>';
    write_children(node, depth);
    out_ += "</";
    out_ += tag;
    out_ += '>';
  }

  std::string_view base_url_;
  std::string out_;
};

const xmlNode* find_body(const xmlNode* node) {
  for (; node; node = node->next) {
    if (node->type == XML_ELEMENT_NODE && core::equals_ignore_case(view(node->name), "body")) return node;
    if (const xmlNode* inside = find_body(node->children)) return inside;
  }
  return nullptr;
}

std::optional<std::string_view> lookup_named_entity(std::string_view name) {
  const parse::HtmlEntity* entity = parse::find_html_entity(name);
  if (!entity) return std::nullopt;
  return entity->value;
}

// True when `text` holds a character reference that decode_entities would
// change, e.g. "&amp;" or "&#39;".
bool has_entity(std::string_view text) {
  for (std::size_t amp = text.find('&'); amp != std::string_view::npos; amp = text.find('&', amp + 1)) {
    const std::size_t semicolon = text.find(';', amp);
    if (semicolon == std::string_view::npos || semicolon - amp > 32) continue;
    const std::string_view name = text.substr(amp + 1, semicolon - amp - 1);
    if (!name.empty() && (name[0] == '#' || lookup_named_entity(name))) return true;
  }
  return false;
}

void initialize_once() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, amp - pos));
    pos = amp + 1;
    std::size_t end = pos;
    while (end < text.size() && end - pos < 32 && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '#'))
      ++end;
    const std::string_view name = text.substr(pos, end - pos);
    const bool has_semicolon = end < text.size() && text[end] == ';';
    bool decoded = false;
    if (name.size() >= 2 && name[0] == '#') {
      const bool is_hex = name[1] == 'x' || name[1] == 'X';
      const std::string_view number = name.substr(is_hex ? 2 : 1);
      char32_t code_point = 0;
      bool ok = !number.empty() && number.size() <= 8;
      for (char c : number) {
        const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                          : (is_hex && std::isxdigit(static_cast<unsigned char>(c))) ? (std::tolower(c) - 'a' + 10)
                                                                                      : -1;
        if (digit < 0) ok = false;
        else code_point = code_point * (is_hex ? 16 : 10) + static_cast<char32_t>(digit);
      }
      if (ok) {
        // Windows-1252 code points written as numbers (&#150;) mean what
        // they meant there, as browsers read them (HTML §13.2.5.80).
        static constexpr char32_t kWindows1252[32] = {
            0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
            0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
            0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
        if (code_point >= 0x80 && code_point < 0xA0) code_point = kWindows1252[code_point - 0x80];
        if (code_point == 0) code_point = 0xFFFD;
        core::append_utf8(out, code_point);
        decoded = true;
      }
    } else if (!name.empty() && has_semicolon) {
      if (auto value = lookup_named_entity(name)) {
        out += *value;
        decoded = true;
      }
    }
    if (decoded) {
      pos = has_semicolon ? end + 1 : end;
    } else {
      out.push_back('&');
    }
  }
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  append_escaped(out, text, true);
  return out;
}

std::string clean_text(std::string_view text) {
  std::string decoded(text);
  // At most two rounds: "&amp;amp;" → "&amp;" → "&".
  for (int round = 0; round < 2 && has_entity(decoded); ++round) decoded = decode_entities(decoded);
  return core::sanitize_utf8(core::collapse_whitespace(decoded));
}

std::string html_to_text(std::string_view html) {
  std::string stripped;
  stripped.reserve(html.size());
  std::size_t pos = 0;
  while (pos < html.size()) {
    const char c = html[pos];
    const bool opens_tag = c == '<' && pos + 1 < html.size() &&
                           (std::isalpha(static_cast<unsigned char>(html[pos + 1])) || html[pos + 1] == '/' ||
                            html[pos + 1] == '!' || html[pos + 1] == '?');
    if (!opens_tag) {
      stripped.push_back(c);
      ++pos;
      continue;
    }
    // Skip script and style bodies entirely; any other tag becomes a space
    // so that "<p>a</p><p>b</p>" reads "a b".
    const std::size_t close = html.find('>', pos);
    if (close == std::string_view::npos) break;
    const std::string tag = core::to_lower_ascii(html.substr(pos + 1, std::min<std::size_t>(close - pos - 1, 7)));
    pos = close + 1;
    for (std::string_view skipped : {"script", "style"}) {
      if (tag.starts_with(skipped)) {
        const std::string end_tag = "</" + std::string(skipped);
        std::size_t end = pos;
        while (end < html.size() && !core::starts_with_ignore_case(html.substr(end), end_tag)) ++end;
        const std::size_t end_close = html.find('>', end);
        pos = end_close == std::string_view::npos ? html.size() : end_close + 1;
      }
    }
    stripped.push_back(' ');
  }
  return clean_text(stripped);
}

std::string sanitize_html(std::string_view html, std::string_view base_url) {
  if (core::trim(html).empty()) return {};
  initialize_once();
  const std::string input = core::sanitize_utf8(html);
  const int flags = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                    HTML_PARSE_NODEFDTD;
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      htmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, "UTF-8", flags));
  if (!doc) return escape_html(html_to_text(input));
  Sanitizer sanitizer(base_url);
  if (const xmlNode* body = find_body(doc->children)) sanitizer.write_children(body, 0);
  return std::string(core::trim(sanitizer.take()));
}

}  // namespace tributary::normalize
