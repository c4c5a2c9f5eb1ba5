// The sanitizer's fast reader: one pass over well-formed HTML that writes
// the sanitized output (and its plain text) directly, without building a
// tree. libxml2's HTML parser stays the reference: the scanner accepts only
// input that it reads exactly as libxml2 2.9's parser does (its implied
// <html><body>, the <p> it opens around leading text, its entity table, its
// void elements) and declines — so that sanitize_html falls back to libxml2 —
// at anything libxml2 would repair or could read otherwise: misnesting,
// unclosed or auto-closed elements, unknown tags or entities (a bare '&' it
// reads as libxml2 does), a stray '<',
// CR, invalid UTF-8 or control characters, CDATA, processing instructions,
// <pre>, tags other than the allowed ones and script/style, deep nesting.
// html_fast_test checks byte equality with libxml2 over the shared corpus,
// the XSS vectors, hand-written and generated cases.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/text.hpp"
#include "normalize/html.hpp"
#include "normalize/html_paths.hpp"
#include "normalize/html_rules.hpp"
#include "parse/html_entities.hpp"

namespace tributary::normalize::html_paths {
namespace {

using html_rules::kNamedTagCount;
using html_rules::TagKind;

constexpr std::size_t kMaxDepth = 100;      // far below libxml2's and the sanitizer's limits
constexpr int kBodyIndex = kNamedTagCount;  // the implied <body>, for the auto-close table

// What libxml2's HTML parser does with each named tag, asked of libxml2
// itself once, so that the scanner follows its tables rather than a copy.
struct LibxmlTagFacts {
  std::array<bool, kNamedTagCount> is_empty{};       // HTML 4 EMPTY: closed at once (br, img, …)
  std::array<bool, kNamedTagCount> closes_itself{};  // "<li><li>" closes the first li
  // closes[new][open]: starting `new` auto-closes the open element `open`.
  std::array<std::array<bool, kNamedTagCount + 1>, kNamedTagCount> closes{};
};

// libxml2's HTML 4 entity table, by name: htmlEntityLookup scans the table
// with a string compare per entry, and feeds are full of "&nbsp;". Built by
// asking libxml2 for its entity of each code point that an HTML named
// reference stands for (the WHATWG list holds HTML 4's names): asking it of
// every code point up to U+FFFF took ~10 ms at a process's first sanitize.
// A name missed here is still asked of htmlEntityLookup.
std::unordered_map<std::string, char32_t> ask_libxml_entities() {
  xmlInitParser();
  std::unordered_map<std::string, char32_t> entities;
  for (const parse::HtmlEntity& named : parse::all_html_entities()) {
    char32_t code_point = 0;
    if (core::decode_utf8(named.value, 0, code_point) != named.value.size() || code_point >= 0x10000) continue;
    if (const htmlEntityDesc* entity = htmlEntityValueLookup(static_cast<unsigned int>(code_point)))
      entities.emplace(reinterpret_cast<const char*>(entity->name), static_cast<char32_t>(entity->value));
  }
  return entities;
}

std::optional<char32_t> html4_entity(const std::string& name) {
  static const std::unordered_map<std::string, char32_t> entities = ask_libxml_entities();
  if (const auto found = entities.find(name); found != entities.end()) return found->second;
  if (const htmlEntityDesc* entity = htmlEntityLookup(reinterpret_cast<const xmlChar*>(name.c_str())))
    return static_cast<char32_t>(entity->value);
  return std::nullopt;
}

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct NodeDeleter {
  void operator()(xmlNode* node) const { xmlFreeNode(node); }
};

const xmlChar* xml_name(std::string_view name) { return reinterpret_cast<const xmlChar*>(name.data()); }

// True when libxml2 reads "<t><t>x" as two siblings rather than nested.
bool parse_shows_self_closing(const std::string& tag) {
  const std::string probe = "<" + tag + "><" + tag + ">x";
  std::unique_ptr<xmlDoc, DocDeleter> doc(htmlReadMemory(
      probe.data(), static_cast<int>(probe.size()), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NODEFDTD));
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  const xmlNode* body = root ? root->children : nullptr;
  while (body && !(body->type == XML_ELEMENT_NODE && xmlStrEqual(body->name, xml_name("body")))) body = body->next;
  if (!body || !body->children) return true;  // unexpected: treat as closing, which makes the scanner decline
  const xmlNode* first = body->children;
  for (const xmlNode* child = first->children; child; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual(child->name, first->name)) return false;
  return true;
}

LibxmlTagFacts ask_libxml() {
  xmlInitParser();
  LibxmlTagFacts facts;
  std::vector<std::string> names;
  for (int i = 0; i < kNamedTagCount; ++i) names.emplace_back(html_rules::named_tag(i));
  names.emplace_back("body");
  for (int i = 0; i < kNamedTagCount; ++i) {
    const std::string& name = names[static_cast<std::size_t>(i)];
    const htmlElemDesc* description = htmlTagLookup(xml_name(name));
    facts.is_empty[static_cast<std::size_t>(i)] = description && description->empty;
    // htmlAutoCloseTag(doc, old, node): would `node` (the new element) close `old`?
    std::unique_ptr<xmlNode, NodeDeleter> node(xmlNewNode(nullptr, xml_name(name)));
    for (int open = 0; open <= kNamedTagCount; ++open)
      facts.closes[static_cast<std::size_t>(i)][static_cast<std::size_t>(open)] =
          open != i && htmlAutoCloseTag(nullptr, xml_name(names[static_cast<std::size_t>(open)]), node.get()) != 0;
    if (html_rules::kind_of_tag(name) == TagKind::allowed && !facts.is_empty[static_cast<std::size_t>(i)])
      facts.closes_itself[static_cast<std::size_t>(i)] = parse_shows_self_closing(name);
  }
  return facts;
}

const LibxmlTagFacts& libxml_facts() {
  static const LibxmlTagFacts facts = ask_libxml();
  return facts;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }  // CR is declined earlier
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Characters of an unquoted attribute value the scanner accepts: no
// references, quotes, backticks or '<' (libxml2 reads those in its own ways).
bool is_simple_unquoted(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '%' ||
         c == '#' || c == '?' || c == '=' || c == '+' || c == ',' || c == ';' || c == '!' || c == '~' || c == '@';
}

struct TextRun {
  std::size_t end;  // the first '<' or '&', or the input's end
  bool has_greater_than = false;
  bool has_tab_newline_or_double_space = false;
};

// The text from `pos` to the next '<' or '&', and what it holds, sixteen
// bytes at a time where SSE2 is there: this reads every byte of every item.
TextRun scan_text_run(std::string_view in, std::size_t pos) {
  TextRun run{pos};
  bool was_space = false;
#if defined(__SSE2__)
  const __m128i less_than = _mm_set1_epi8('<');
  const __m128i ampersand = _mm_set1_epi8('&');
  const __m128i greater_than = _mm_set1_epi8('>');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i space = _mm_set1_epi8(' ');
  while (pos + 16 <= in.size()) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in.data() + pos));
    const auto mask_of = [&](__m128i of) {
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, of)));
    };
    const unsigned stops = mask_of(less_than) | mask_of(ampersand);
    // Only the bytes before the first stop belong to the run.
    const unsigned in_run = stops ? (1u << std::countr_zero(stops)) - 1 : 0xFFFFu;
    const unsigned spaces = mask_of(space) & in_run;
    if (mask_of(greater_than) & in_run) run.has_greater_than = true;
    if (((mask_of(tab) | mask_of(newline)) & in_run) || (spaces & (spaces << 1)) || (was_space && (spaces & 1)))
      run.has_tab_newline_or_double_space = true;
    if (stops) {
      run.end = pos + static_cast<std::size_t>(std::countr_zero(stops));
      return run;
    }
    was_space = (spaces & 0x8000u) != 0;
    pos += 16;
  }
#endif
  for (; pos < in.size() && in[pos] != '<' && in[pos] != '&'; ++pos) {
    const char c = in[pos];
    if (c == '>') run.has_greater_than = true;
    if (c == '\t' || c == '\n' || (c == ' ' && was_space)) run.has_tab_newline_or_double_space = true;
    was_space = c == ' ';
  }
  run.end = pos;
  return run;
}

struct Attribute {
  std::string name;
  std::string value;
  bool has_value = false;
};

struct OpenElement {
  int tag;
  bool is_implied;  // the <p> libxml2 opens around leading text
};

// The open elements, held in place: a scanner runs per summary and per
// article, and growing a vector for them cost more than using it. Callers
// push only below kMaxDepth.
class OpenElements {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const OpenElement& back() const { return elements_[size_ - 1]; }
  void push_back(OpenElement element) { elements_[size_++] = element; }
  void pop_back() { --size_; }

 private:
  std::array<OpenElement, kMaxDepth> elements_;
  std::size_t size_ = 0;
};

constexpr std::size_t kMaxAttributes = 32;  // more on one tag is left to libxml2

class Scanner {
 public:
  Scanner(std::string_view html, std::string_view base_url) : in_(html), base_url_(base_url), facts_(libxml_facts()) {
    out_.reserve(html.size() + html.size() / 8);
    text_.resize(html.size() + 1);
  }

  std::optional<FastSanitized> run() {
    // libxml2 skips blanks before the first tag or text.
    while (pos_ < in_.size() && is_blank(in_[pos_])) ++pos_;
    while (pos_ < in_.size()) {
      const bool ok = in_[pos_] == '<' ? read_markup() : read_text();
      if (!ok) return std::nullopt;
    }
    // Only the <p> libxml2 opened around leading text may still be open;
    // anything else unclosed is left to libxml2.
    if (!open_.empty()) {
      if (open_.size() > 1 || !open_.back().is_implied) return std::nullopt;
      close_top();
    }
    const std::string_view trimmed = core::trim(out_);
    if (trimmed.size() != out_.size()) out_ = std::string(trimmed);
    // An '&' followed by a ';' in the text may be an entity the feed escaped
    // twice, which html_to_text decodes: then html_to_text itself decides.
    if (may_hold_entity_) {
      std::string text = html_to_text(out_);
      return FastSanitized{std::move(out_), std::move(text)};
    }
    text_.resize(text_length_);
    return FastSanitized{std::move(out_), std::move(text_)};
  }

 private:
  // Text up to the next '<', character references decoded.
  bool read_text() {
    if (!has_body_) {
      // Text before any element: libxml2 opens <html><body><p> for it.
      has_body_ = true;
      const int p = html_rules::named_tag_index("p");
      open_.push_back({p, true});
      write_start_tag(p, {});
    }
    while (pos_ < in_.size() && in_[pos_] != '<') {
      if (in_[pos_] == '&') {
        reference_.clear();
        if (read_reference(reference_)) {
          html_rules::append_escaped(out_, reference_, false);
          append_text(reference_);
        } else if (is_literal_ampersand()) {
          out_ += "&amp;";
          append_text("&");
          ++pos_;
        } else {
          return false;
        }
        continue;
      }
      // A run without references: only '>' would need escaping.
      const TextRun run = scan_text_run(in_, pos_);
      const std::string_view text = in_.substr(pos_, run.end - pos_);
      if (run.has_greater_than)
        html_rules::append_escaped(out_, text, false);
      else
        out_.append(text);
      if (run.has_tab_newline_or_double_space)
        append_text(text);
      else
        append_simply_spaced_text(text);
      pos_ = run.end;
    }
    return true;
  }

  // append_text for text whose only whitespace is single spaces: whole
  // pieces between its first and last byte are copied.
  void append_simply_spaced_text(std::string_view piece) {
    note_entity_characters(piece);
    if (!piece.empty() && piece.front() == ' ') {
      is_space_pending_ = text_length_ != 0;
      piece.remove_prefix(1);
    }
    if (piece.empty()) return;
    const bool has_trailing_space = piece.back() == ' ';
    if (has_trailing_space) piece.remove_suffix(1);
    if (text_.size() < text_length_ + piece.size() + 1) text_.resize(2 * (text_length_ + piece.size() + 1));
    if (is_space_pending_) text_[text_length_++] = ' ';
    text_.replace(text_length_, piece.size(), piece);
    text_length_ += piece.size();
    is_space_pending_ = has_trailing_space;
  }

  // An '&' in the text comes from a reference ("&amp;amp;"); with a ';'
  // after it, html_to_text may find an entity to decode.
  void note_entity_characters(std::string_view piece) {
    if (!has_ampersand_) {
      const std::size_t ampersand = piece.find('&');
      if (ampersand == std::string_view::npos) return;
      has_ampersand_ = true;
      piece.remove_prefix(ampersand + 1);
    }
    if (piece.find(';') != std::string_view::npos) may_hold_entity_ = true;
  }

  // Text as html_to_text reads the output (tags as spaces), whitespace
  // collapsed as it comes: html_to_text's result when there is no entity
  // left to decode.
  void append_text(std::string_view piece) {
    note_entity_characters(piece);
    // Branch-free, as in core::collapse_whitespace: every step writes a
    // space and the byte and keeps what it should, so `text_` has room
    // for one byte more than it keeps.
    if (text_.size() < text_length_ + piece.size() + 1) text_.resize(2 * (text_length_ + piece.size() + 1));
    char* const begin = text_.data();
    char* end = begin + text_length_;
    bool is_space_pending = is_space_pending_;  // a local: the writes below could alias a member
    for (char c : piece) {
      const bool is_space = c == ' ' || c == '\t' || c == '\n';  // the only whitespace the scanner lets through
      *end = ' ';
      end += (is_space_pending && !is_space) ? 1 : 0;
      *end = c;
      end += is_space ? 0 : 1;
      is_space_pending = is_space && end != begin;
    }
    is_space_pending_ = is_space_pending;
    text_length_ = static_cast<std::size_t>(end - begin);
  }

  // "&name;" from libxml2's HTML 4 table, or "&#nnn;" / "&#xhh;" naming a
  // character that is neither a control nor a C1 code; anything else
  // (no ';', unknown names, "&" alone) is read in libxml2's own ways.
  bool read_reference(std::string& into) {
    std::size_t at = pos_ + 1;
    char32_t code_point = 0;
    if (at < in_.size() && in_[at] == '#') {
      ++at;
      const bool is_hex = at < in_.size() && (in_[at] == 'x' || in_[at] == 'X');
      if (is_hex) ++at;
      const std::size_t digits_start = at;
      for (; at < in_.size() && at - digits_start < 7; ++at) {
        const char c = in_[at];
        int digit = -1;
        if (is_digit(c))
          digit = c - '0';
        else if (is_hex && lower(c) >= 'a' && lower(c) <= 'f')
          digit = lower(c) - 'a' + 10;
        if (digit < 0) break;
        code_point = code_point * (is_hex ? 16 : 10) + static_cast<char32_t>(digit);
      }
      if (at == digits_start || at >= in_.size() || in_[at] != ';') return false;
      const bool is_plain_character =
          code_point == '\t' || code_point == '\n' || (code_point >= 0x20 && code_point < 0x7F) ||
          (code_point >= 0xA0 && code_point < 0xD800) || (code_point >= 0xE000 && code_point < 0xFFFE) ||
          (code_point >= 0x10000 && code_point <= 0x10FFFF);
      if (!is_plain_character) return false;
    } else {
      const std::size_t name_start = at;
      if (at >= in_.size() || !is_alpha(in_[at])) return false;
      while (at < in_.size() && at - name_start < 16 && (is_alpha(in_[at]) || is_digit(in_[at]))) ++at;
      if (at >= in_.size() || in_[at] != ';') return false;
      name_.assign(in_.substr(name_start, at - name_start));
      const std::optional<char32_t> value = html4_entity(name_);
      if (!value) return false;
      code_point = *value;
    }
    core::append_utf8(into, code_point);
    pos_ = at + 1;
    return true;
  }

  // An '&' in text that libxml2 reads as itself: one that starts no name
  // ("AT & T", "&1"), or whose name ends in something else than ';' ("a&b
  // c"): htmlParseEntityRef finds no entity, and htmlParseReference writes
  // the '&' as text (the name after it is text anyway). Text dense with
  // bare ampersands was all left to libxml2, at several times the cost.
  bool is_literal_ampersand() const {
    std::size_t at = pos_ + 1;
    if (at >= in_.size()) return true;  // no name at the end either
    const char next = in_[at];
    if (static_cast<unsigned char>(next) >= 0x80 || next == '#') return false;
    if (!is_alpha(next) && next != '_' && next != ':') return true;
    while (at < in_.size() && (is_alpha(in_[at]) || is_digit(in_[at]) || in_[at] == '.' || in_[at] == '-' ||
                               in_[at] == '_' || in_[at] == ':'))
      ++at;
    // A name going on in non-ASCII letters is libxml2's to measure.
    return at >= in_.size() || (static_cast<unsigned char>(in_[at]) < 0x80 && in_[at] != ';');
  }

  bool read_markup() {
    if (pos_ + 1 >= in_.size()) return false;
    const char next = in_[pos_ + 1];
    if (is_alpha(next)) return read_start_tag();
    if (next == '/') return read_end_tag();
    if (in_.substr(pos_).starts_with("<!--")) return read_comment();
    return false;  // "<!DOCTYPE", "<![CDATA[", "<?pi", a lone '<'
  }

  // Lower-case [A-Za-z][A-Za-z0-9]* at pos_ into name_; false when the name
  // goes on with characters libxml2 also reads as part of it (":-_.").
  bool read_name() {
    name_.clear();
    if (pos_ >= in_.size() || !is_alpha(in_[pos_])) return false;
    while (pos_ < in_.size() && (is_alpha(in_[pos_]) || is_digit(in_[pos_]))) name_.push_back(lower(in_[pos_++]));
    if (pos_ >= in_.size()) return false;
    const char c = in_[pos_];
    return is_blank(c) || c == '>' || c == '/' || c == '=';
  }

  bool skip_blanks() {
    const std::size_t start = pos_;
    while (pos_ < in_.size() && is_blank(in_[pos_])) ++pos_;
    return pos_ > start;
  }

  bool read_attribute_value(Attribute& attribute) {
    if (pos_ >= in_.size()) return false;
    const char quote = in_[pos_];
    if (quote == '"' || quote == '\'') {
      ++pos_;
      while (true) {
        std::size_t run_end = pos_;
        while (run_end < in_.size() && in_[run_end] != quote && in_[run_end] != '&' && in_[run_end] != '<') ++run_end;
        if (run_end == in_.size()) return false;
        attribute.value.append(in_.substr(pos_, run_end - pos_));
        pos_ = run_end;
        if (in_[pos_] == quote) break;
        if (in_[pos_] == '<' || !read_reference(attribute.value)) return false;
      }
      ++pos_;
    } else {
      const std::size_t start = pos_;
      while (pos_ < in_.size() && is_simple_unquoted(in_[pos_])) ++pos_;
      if (pos_ == start || pos_ >= in_.size() || !(is_blank(in_[pos_]) || in_[pos_] == '>')) return false;
      attribute.value.assign(in_.substr(start, pos_ - start));
    }
    attribute.has_value = true;
    return true;
  }

  bool read_start_tag() {
    ++pos_;
    if (!read_name() || in_[pos_] == '=') return false;
    const int tag = html_rules::named_tag_index(name_);
    if (tag < 0) return false;
    const std::string_view tag_name = html_rules::named_tag(tag);  // name_ is reused for attributes
    const TagKind kind = html_rules::kind_of_tag(tag_name);
    const bool is_raw_text = tag_name == "script" || tag_name == "style";
    if (kind != TagKind::allowed && !is_raw_text) return false;
    if (tag_name == "pre") return false;  // libxml2 has its own rule for a newline after <pre>

    attribute_count_ = 0;
    bool is_self_closed = false;
    while (true) {
      const bool had_blank = skip_blanks();
      if (pos_ >= in_.size()) return false;
      if (in_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (in_[pos_] == '/' && pos_ + 1 < in_.size() && in_[pos_ + 1] == '>') {
        pos_ += 2;
        is_self_closed = true;
        break;
      }
      if (!had_blank) return false;
      if (!read_name()) return false;
      if (attribute_count_ >= kMaxAttributes) return false;
      for (const Attribute& seen : std::span(attributes_).first(attribute_count_))
        if (seen.name == name_) return false;  // libxml2 keeps the first; leave it to libxml2
      // Attributes are reused from tag to tag, keeping their buffers.
      Attribute& attribute = attributes_[attribute_count_++];
      attribute.name = name_;
      attribute.value.clear();
      attribute.has_value = false;
      skip_blanks();
      if (pos_ < in_.size() && in_[pos_] == '=') {
        ++pos_;
        skip_blanks();
        if (!read_attribute_value(attribute)) return false;
      } else if (pos_ < in_.size() && in_[pos_] == '/' && !(pos_ + 1 < in_.size() && in_[pos_ + 1] == '>')) {
        return false;
      }
    }

    const auto index = static_cast<std::size_t>(tag);
    if (!has_body_) {
      // libxml2 puts a leading script or style into an implied <head>.
      if (is_raw_text) return false;
      has_body_ = true;
    } else {
      const int open = open_.empty() ? kBodyIndex : open_.back().tag;
      if (facts_.closes[index][static_cast<std::size_t>(open)]) return false;
      if (open == tag && facts_.closes_itself[index]) return false;
    }

    if (is_raw_text) return is_self_closed || skip_raw_text(tag_name);
    const bool is_empty = facts_.is_empty[index] || is_self_closed;
    // The sanitizer writes source and wbr as void; libxml2 (HTML 4) lets
    // them hold content unless written "<source … />".
    if (html_rules::is_void_tag(tag_name) && !is_empty) return false;
    write_start_tag(tag, std::span(attributes_).first(attribute_count_));
    if (is_empty) {
      if (!html_rules::is_void_tag(tag_name)) write_end_tag(tag);
      return true;
    }
    if (open_.size() >= kMaxDepth) return false;
    open_.push_back({tag, false});
    return true;
  }

  // Script and style bodies are raw text up to "</script"; both are dropped.
  bool skip_raw_text(std::string_view tag_name) {
    const std::size_t size = tag_name.size();
    for (std::size_t at = in_.find("</", pos_); at != std::string_view::npos; at = in_.find("</", at + 2)) {
      if (!core::equals_ignore_case(in_.substr(at + 2, size), tag_name)) continue;
      // libxml2 ends the body at the first "</script…" of any kind; only
      // a plain end tag is ours.
      pos_ = at + 2 + size;
      skip_blanks();
      if (pos_ >= in_.size() || in_[pos_] != '>') return false;
      ++pos_;
      return true;
    }
    return false;
  }

  bool read_end_tag() {
    pos_ += 2;
    if (!read_name() || in_[pos_] == '/' || in_[pos_] == '=') return false;
    skip_blanks();
    if (pos_ >= in_.size() || in_[pos_] != '>') return false;
    ++pos_;
    if (open_.empty() || html_rules::named_tag(open_.back().tag) != name_) return false;
    close_top();
    return true;
  }

  bool read_comment() {
    // Before <body> a comment goes elsewhere in libxml2's tree and changes
    // how it reads the blanks after it.
    if (!has_body_) return false;
    const std::size_t start = pos_ + 4;
    const std::size_t end = in_.find("--", start);
    if (end == std::string_view::npos || end == start || in_[start] == '>' || in_[start] == '-') return false;
    if (end + 2 >= in_.size() || in_[end + 2] != '>') return false;  // "--" inside, or "--!>"
    pos_ = end + 3;
    return true;
  }

  void close_top() {
    write_end_tag(open_.back().tag);
    open_.pop_back();
  }

  void write_start_tag(int tag, std::span<const Attribute> attributes) {
    const std::string_view name = html_rules::named_tag(tag);
    out_ += '<';
    out_ += name;
    for (const Attribute& attribute : attributes) {
      if (!html_rules::is_allowed_attribute(name, attribute.name)) continue;
      std::string_view value = attribute.value;
      std::optional<std::string> url;
      if (html_rules::is_url_attribute(attribute.name)) {
        url = html_rules::safe_url(name, attribute.name, value, base_url_);
        if (!url) continue;
        value = *url;
      }
      out_ += ' ';
      out_ += attribute.name;
      out_ += "=\"";
      html_rules::append_escaped(out_, value, true);
      out_ += '"';
    }
    out_ += html_rules::is_void_tag(name) ? " />" : ">";
    append_text(" ");  // html_to_text reads every tag as a space
  }

  void write_end_tag(int tag) {
    out_ += "</";
    out_ += html_rules::named_tag(tag);
    out_ += '>';
    append_text(" ");
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string_view base_url_;
  const LibxmlTagFacts& facts_;
  bool has_body_ = false;
  OpenElements open_;
  std::array<Attribute, kMaxAttributes> attributes_;
  std::size_t attribute_count_ = 0;
  std::string name_;
  std::string reference_;
  std::string text_;  // the first text_length_ bytes are the text so far
  std::size_t text_length_ = 0;
  bool is_space_pending_ = false;
  std::string out_;
  bool has_ampersand_ = false;
  bool may_hold_entity_ = false;
};

}  // namespace

std::optional<FastSanitized> sanitize_html_fast(std::string_view html, std::string_view base_url) {
  if (core::trim(html).empty()) return FastSanitized{};
  // libxml2 reads the input after sanitize_utf8; when that changes nothing
  // the two read the same bytes. CR is declined: libxml2 treats it apart.
  if (html.find('\r') != std::string_view::npos || !core::is_valid_utf8(html)) return std::nullopt;
  return Scanner(html, base_url).run();
}

}  // namespace tributary::normalize::html_paths
