// HTML sanitizing and text extraction. The sanitizer writes a new document
// from the allowlists in html_rules. Markup is read by a fast single-pass
// scanner (html_fast.cpp) when it is in the well-formed subset the scanner
// knows, else by libxml2's HTML parser, which repairs broken markup the way
// browsers roughly do and is the reference the scanner is tested against.
#include "normalize/html.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <array>
#include <memory>
#include <mutex>

#include "core/text.hpp"
#include "normalize/characters.hpp"
#include "normalize/html_paths.hpp"
#include "normalize/html_rules.hpp"
#include "parse/html_entities.hpp"

namespace tributary::normalize {
namespace {

using html_rules::append_escaped;
using html_rules::TagKind;

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
      if (node->type == XML_TEXT_NODE)
        append_escaped(out_, view(node->content), false);
      else
        write_children(node, depth);
      return;
    }
    switch (node->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        append_escaped(out_, view(node->content), false);
        break;
      case XML_ELEMENT_NODE:
        write_element(node, depth);
        break;
      default:
        break;  // comments, processing instructions, DTDs: gone
    }
  }

  void write_element(const xmlNode* node, std::size_t depth) {
    // Atom xhtml content may arrive with a prefix ("<xhtml:p>").
    std::string_view element_name = view(node->name);
    if (const auto colon = element_name.rfind(':'); colon != std::string_view::npos)
      element_name.remove_prefix(colon + 1);
    const std::string tag = core::to_lower_ascii(element_name);
    const TagKind kind = html_rules::kind_of_tag(tag);
    if (kind == TagKind::dropped_with_content) {
      // An <embed> or <input> holds nothing: below it is only what followed it.
      if (html_rules::is_html5_void_element(tag)) write_children(node, depth);
      return;
    }
    if (kind == TagKind::unknown) {
      write_children(node, depth);  // unknown wrapper (font, body, …): keep its text
      return;
    }
    out_ += '<';
    out_ += tag;
    for (const xmlAttr* attribute = node->properties; attribute; attribute = attribute->next) {
      const std::string name = core::to_lower_ascii(view(attribute->name));
      if (attribute->ns || !html_rules::is_allowed_attribute(tag, name)) continue;
      const XmlCharPtr value(xmlNodeListGetString(node->doc, attribute->children, 1));
      std::string text(view(value.get()));
      if (html_rules::is_url_attribute(name)) {
        auto url = html_rules::safe_url(tag, name, text, base_url_);
        if (!url) continue;
        text = std::move(*url);
      }
      out_ += ' ';
      out_ += name;
      out_ += "=\"";
      append_escaped(out_, text, true);
      out_ += '"';
    }
    if (html_rules::is_void_tag(tag)) {
      out_ += " />";
      write_children(node, depth);  // what followed an unclosed <source>
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
    // The ';' is looked for only as far as a name can reach: searched to the
    // end from every '&', text full of bare ampersands took quadratic time.
    const std::size_t semicolon = text.substr(amp, 33).find(';');
    if (semicolon == std::string_view::npos) continue;
    const std::size_t name_length = semicolon - 1;
    const std::string_view name = text.substr(amp + 1, name_length);
    if (!name.empty() && (name[0] == '#' || lookup_named_entity(name))) return true;
  }
  return false;
}

void initialize_once() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

// libxml2's HTML parser compares each attribute of a tag with every one
// before it (htmlParseStartTag): 100,000 attributes on one tag are minutes
// of work. No article needs more than a few on an element (and the
// sanitizer keeps at most five), so past kMaxHtmlAttributes the rest of a
// tag's attributes go before libxml2 reads it. The tokenizing follows
// HTML's (quoted and unquoted values, comments); where it differed from
// libxml2's on some odd input, it would only change which of a hostile
// tag's attributes are dropped — the sanitizer still reads the result.
constexpr std::size_t kMaxHtmlAttributes = 128;

class AttributeCapper {
 public:
  explicit AttributeCapper(std::string_view html) : in_(html) {}

  // The markup with every tag's attributes past the limit removed, or
  // nullopt when no tag has that many (nearly always).
  std::optional<std::string> run() {
    std::size_t pos = 0;
    while ((pos = in_.find('<', pos)) != std::string_view::npos) {
      if (in_.substr(pos).starts_with("<!--")) {
        const std::size_t end = in_.find("-->", pos + 4);
        pos = end == std::string_view::npos ? in_.size() : end + 3;
      } else if (pos + 1 < in_.size() && is_ascii_letter(in_[pos + 1])) {
        pos = start_tag(pos + 1);
      } else {
        ++pos;
      }
    }
    if (!is_changed_) return std::nullopt;
    out_.append(in_.substr(copied_));
    return std::move(out_);
  }

 private:
  static bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

  // From just past '<': the position after the tag.
  std::size_t start_tag(std::size_t pos) {
    const std::size_t size = in_.size();
    while (pos < size && !is_space(in_[pos]) && in_[pos] != '/' && in_[pos] != '>') ++pos;
    std::size_t count = 0;
    std::size_t cut_from = std::string_view::npos;
    while (true) {
      const std::size_t gap = pos;
      while (pos < size && (is_space(in_[pos]) || in_[pos] == '/')) ++pos;
      if (pos >= size || in_[pos] == '>') break;
      if (++count == kMaxHtmlAttributes + 1) cut_from = gap;
      ++pos;  // a name's first character may be anything, even '='
      while (pos < size && !is_space(in_[pos]) && in_[pos] != '/' && in_[pos] != '>' && in_[pos] != '=') ++pos;
      while (pos < size && is_space(in_[pos])) ++pos;
      if (pos >= size || in_[pos] != '=') continue;
      ++pos;
      while (pos < size && is_space(in_[pos])) ++pos;
      if (pos < size && (in_[pos] == '"' || in_[pos] == '\'')) {
        const std::size_t close = in_.find(in_[pos], pos + 1);
        pos = close == std::string_view::npos ? size : close + 1;
      } else {
        while (pos < size && !is_space(in_[pos]) && in_[pos] != '>') ++pos;
      }
    }
    if (cut_from != std::string_view::npos) {
      is_changed_ = true;
      out_.append(in_.substr(copied_, cut_from - copied_));
      copied_ = pos;  // from the '>' (or the end) on
    }
    return pos;
  }

  std::string_view in_;
  std::string out_;
  std::size_t copied_ = 0;
  bool is_changed_ = false;
};

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
    while (end < text.size() && end - pos < 32 &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '#'))
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
        const int digit = std::isdigit(static_cast<unsigned char>(c))                ? c - '0'
                          : (is_hex && std::isxdigit(static_cast<unsigned char>(c))) ? (std::tolower(c) - 'a' + 10)
                                                                                     : -1;
        if (digit < 0)
          ok = false;
        else
          code_point = code_point * (is_hex ? 16 : 10) + static_cast<char32_t>(digit);
      }
      if (ok) {
        // Windows-1252 code points written as numbers (&#150;) mean what
        // they meant there, as browsers read them (HTML §13.2.5.80).
        static constexpr char32_t kWindows1252[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                                      0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
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
  // Copies only where the text changes: this runs over every title,
  // category and author.
  std::string decoded;
  std::string_view current = text;
  // At most two rounds: "&amp;amp;" → "&amp;" → "&".
  for (int round = 0; round < 2 && has_entity(current); ++round) {
    decoded = decode_entities(current);
    current = decoded;
  }
  std::string collapsed = core::collapse_whitespace(current);
  remove_forbidden_characters(collapsed);  // decoded references too ("&#1;", "&#x9F;")
  return collapsed;
}

std::string html_to_text(std::string_view html) {
  // Without a '<' there is no tag to strip (most titles).
  if (html.find('<') == std::string_view::npos) return clean_text(html);
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

namespace html_paths {

std::string sanitize_html_libxml2(std::string_view html, std::string_view base_url) {
  if (core::trim(html).empty()) return {};
  initialize_once();
  std::string input = core::sanitize_utf8(html);
  if (std::optional<std::string> capped = AttributeCapper(input).run()) input = std::move(*capped);
  const int flags =
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NODEFDTD;
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      htmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, "UTF-8", flags));
  if (!doc) return escape_html(html_to_text(input));
  Sanitizer sanitizer(base_url);
  if (const xmlNode* body = find_body(doc->children)) sanitizer.write_children(body, 0);
  return std::string(core::trim(sanitizer.take()));
}

}  // namespace html_paths

std::string sanitize_html(std::string_view html, std::string_view base_url) {
  return sanitize_html_with_text(html, base_url).html;
}

SanitizedHtml sanitize_html_with_text(std::string_view html, std::string_view base_url) {
  SanitizedHtml sanitized;
  if (auto fast = html_paths::sanitize_html_fast(html, base_url))
    sanitized = {std::move(fast->html), std::move(fast->text)};
  else
    sanitized = {html_paths::sanitize_html_libxml2(html, base_url), std::nullopt};
  // Controls and noncharacters, written or referenced ("&#128;"), go from
  // the output: markup is ASCII, so taking them out cannot change a tag.
  remove_forbidden_characters(sanitized.html);
  if (sanitized.text) remove_forbidden_characters(*sanitized.text);
  return sanitized;
}

std::string take_text(SanitizedHtml& sanitized) {
  return sanitized.text ? std::move(*sanitized.text) : html_to_text(sanitized.html);
}

}  // namespace tributary::normalize
