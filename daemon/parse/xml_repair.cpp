// The repair pass: one forward scan with a small state machine (text, tag,
// CDATA, comment, PI, DOCTYPE). Nothing is copied until the first repair.
#include "parse/xml_repair.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_map>
#include <vector>

#include "core/text.hpp"
#include "parse/html_entities.hpp"

namespace tributary::parse {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

bool is_xml_char(char32_t c) {
  if (c < 0x20) return c == 0x09 || c == 0x0A || c == 0x0D;
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  return c != 0xFFFE && c != 0xFFFF && c <= 0x10FFFF;
}

// Windows-1252 code points written as numbers (&#150;) mean what they meant
// there, as browsers read them (HTML §13.2.5.80).
constexpr char32_t kWindows1252[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                       0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

void append_reference(std::string& out, char32_t c) {
  out += "&#";
  out += std::to_string(static_cast<std::uint32_t>(c));
  out += ';';
}

// The character references of XML's five predefined entities.
std::string_view predefined_as_number(std::string_view name) {
  if (name == "amp") return "&#38;";
  if (name == "lt") return "&#60;";
  if (name == "gt") return "&#62;";
  if (name == "quot") return "&#34;";
  if (name == "apos") return "&#39;";
  return {};
}

class Repairer {
 public:
  // With `numbers_predefined`, the five predefined entities are written as
  // character references too.
  Repairer(std::string_view xml, bool numbers_predefined) : xml_(xml), numbers_predefined_(numbers_predefined) {}

  MarkupRepair run() {
    std::size_t pos = 0;
    const std::size_t size = xml_.size();
    // The first '<' at or after pos, found once per stretch of text.
    std::size_t next_lt = std::string_view::npos;
    while (pos < size) {
      // Text: jump to the next '<' or '&'. The '<' is looked for again only
      // once passed: text dense with "&amp;" and no tag for a megabyte was
      // searched to its end from every '&'.
      const char* start = xml_.data() + pos;
      if (next_lt == std::string_view::npos || next_lt < pos) {
        const char* lt = static_cast<const char*>(std::memchr(start, '<', size - pos));
        next_lt = lt ? static_cast<std::size_t>(lt - xml_.data()) : size;
      }
      const char* amp = static_cast<const char*>(std::memchr(start, '&', next_lt - pos));
      if (amp) {
        pos = repair_ampersand(static_cast<std::size_t>(amp - xml_.data()));
        continue;
      }
      pos = next_lt;
      if (pos >= size) break;
      pos = markup(pos);
    }
    MarkupRepair result;
    if (!out_started_) return result;
    out_.append(xml_.substr(copied_));
    result.is_changed = true;
    result.text = std::move(out_);
    result.reason = std::move(reason_);
    return result;
  }

 private:
  // Replaces xml_[from, to) with `replacement`.
  void replace(std::size_t from, std::size_t to, std::string_view replacement, std::string_view why) {
    if (!out_started_) {
      out_started_ = true;
      out_.reserve(xml_.size() + 1024);
      const std::size_t line = 1 + static_cast<std::size_t>(std::count(
                                       xml_.begin(), xml_.begin() + static_cast<std::ptrdiff_t>(from), '\n'));
      reason_ = "line " + std::to_string(line) + ": " + std::string(why);
    }
    out_.append(xml_.substr(copied_, from - copied_));
    out_.append(replacement);
    copied_ = to;
  }

  // At '&': returns the position after what it consumed.
  std::size_t repair_ampersand(std::size_t amp) {
    const std::size_t size = xml_.size();
    std::size_t pos = amp + 1;
    if (pos < size && xml_[pos] == '#') {
      ++pos;
      const bool is_hex = pos < size && (xml_[pos] == 'x' || xml_[pos] == 'X');
      if (is_hex) ++pos;
      const std::size_t digits_start = pos;
      std::uint64_t value = 0;
      while (pos < size && pos - digits_start < 10) {
        const char c = xml_[pos];
        int digit = -1;
        if (c >= '0' && c <= '9')
          digit = c - '0';
        else if (is_hex && c >= 'a' && c <= 'f')
          digit = c - 'a' + 10;
        else if (is_hex && c >= 'A' && c <= 'F')
          digit = c - 'A' + 10;
        if (digit < 0) break;
        value = value * (is_hex ? 16 : 10) + static_cast<std::uint64_t>(digit);
        ++pos;
      }
      const bool has_digits = pos > digits_start;
      const bool has_semicolon = pos < size && xml_[pos] == ';';
      if (!has_digits) {
        replace(amp, amp + 1, "&amp;", "a bare \"&\" escaped");
        return amp + 1;
      }
      char32_t c = value > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(value);
      if (c >= 0x80 && c < 0xA0) c = kWindows1252[c - 0x80];
      if (!is_xml_char(c)) c = 0xFFFD;
      const std::size_t end = has_semicolon ? pos + 1 : pos;
      if (c != value || !has_semicolon) {
        std::string reference;
        append_reference(reference, c);
        replace(amp, end, reference, "a numeric character reference repaired");
      }
      return end;
    }
    if (pos < size && is_name_start(xml_[pos])) {
      std::size_t end = pos;
      while (end < size && end - pos < 64 && is_name_char(xml_[end])) ++end;
      const std::string_view name = xml_.substr(pos, end - pos);
      const bool has_semicolon = end < size && xml_[end] == ';';
      if (has_semicolon) {
        if (const std::string_view number = predefined_as_number(name); !number.empty()) {
          if (numbers_predefined_) replace(amp, end + 1, number, "predefined entities written as numbers");
          return end + 1;
        }
        if (declared_.contains(std::string(name))) return end + 1;
        if (const HtmlEntity* entity = find_html_entity(name)) {
          std::string references;
          for (std::size_t i = 0; i < entity->value.size();) {
            // The table holds valid UTF-8; decode it into references.
            const auto lead = static_cast<unsigned char>(entity->value[i]);
            const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            char32_t c = length == 1   ? lead
                         : length == 2 ? (lead & 0x1Fu)
                         : length == 3 ? (lead & 0x0Fu)
                                       : (lead & 0x07u);
            for (std::size_t k = 1; k < length; ++k)
              c = (c << 6) | (static_cast<unsigned char>(entity->value[i + k]) & 0x3Fu);
            append_reference(references, c);
            i += length;
          }
          replace(amp, end + 1, references, "undefined entity &" + std::string(name) + "; read as HTML's");
          return end + 1;
        }
      }
      // An unknown name, or no ';': the '&' was meant literally ("AT&T").
      replace(amp, amp + 1, "&amp;",
              has_semicolon ? "undefined entity &" + std::string(name) + "; kept as text"
                            : std::string("a bare \"&\" escaped"));
      return amp + 1;
    }
    replace(amp, amp + 1, "&amp;", "a bare \"&\" escaped");
    return amp + 1;
  }

  std::size_t skip_past(std::size_t pos, std::string_view terminator) const {
    const std::size_t end = xml_.find(terminator, pos);
    return end == std::string_view::npos ? xml_.size() : end + terminator.size();
  }

  // At '<': returns the position after the construct.
  std::size_t markup(std::size_t lt) {
    const std::string_view rest = xml_.substr(lt);
    if (rest.starts_with("<!--")) return skip_past(lt + 4, "-->");
    if (rest.starts_with("<![CDATA[")) return skip_past(lt + 9, "]]>");
    if (rest.starts_with("<?")) return skip_past(lt + 2, "?>");
    if (rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype")) return doctype(lt);
    const char next = rest.size() > 1 ? rest[1] : '\0';
    if (!is_name_start(next) && next != '/' && next != '!') {
      // "a < b" in text: not a tag.
      replace(lt, lt + 1, "&lt;", "a bare \"<\" escaped");
      return lt + 1;
    }
    return tag(lt);
  }

  // A start or end tag: '&' and '<' inside quoted attribute values repaired,
  // attributes past kMaxAttributes removed, and end tags matched against the
  // open elements as an HTML parser would: "<title>One <b>bold</title>"
  // closes the <b> first; an end tag that closes nothing open is removed.
  // Elements still open at the end of the document are left open, so that
  // truncation stays visible to libxml2.
  std::size_t tag(std::size_t lt) {
    const std::size_t size = xml_.size();
    const bool is_end_tag = lt + 1 < size && xml_[lt + 1] == '/';
    const std::size_t name_start = is_end_tag ? lt + 2 : lt + 1;
    std::size_t name_end = name_start;
    while (name_end < size && is_name_char(xml_[name_end])) ++name_end;
    const std::string_view name = xml_.substr(name_start, name_end - name_start);
    std::size_t pos = name_end;
    char quote = '\0';
    AttributeCount attributes;
    while (pos < size) {
      const char c = xml_[pos];
      if (quote) {
        if (c == quote) {
          quote = '\0';
          attributes.last_value_end = pos + 1;
        } else if (attributes.cut_from != std::string_view::npos) {
          // Inside an attribute that goes: nothing to repair.
        } else if (c == '&') {
          pos = repair_ampersand(pos);
          continue;
        } else if (c == '<') {
          replace(pos, pos + 1, "&lt;", "a \"<\" inside an attribute value escaped");
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        attributes.note_value(pos);
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (pos > 0 && !is_blank(xml_[pos - 1])) attributes.last_blank = pos;
      } else if (c == '>') {
        const bool is_empty_element = xml_[pos - 1] == '/';
        drop_extra_attributes(name, attributes, is_empty_element ? pos - 1 : pos);
        if (name.empty() || xml_[lt + 1] == '!') return pos + 1;
        if (!is_end_tag) {
          if (!is_empty_element) open(name);
        } else {
          close(name, lt, pos + 1);
        }
        return pos + 1;
      } else if (c == '<') {
        drop_extra_attributes(name, attributes, pos);
        return pos;  // an unclosed tag: let libxml2 recover from it
      }
      ++pos;
    }
    drop_extra_attributes(name, attributes, pos);
    return pos;
  }

  static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  // libxml2 checks each attribute of an element against all the others
  // before it (and each namespace declaration likewise): 100,000 of them on
  // one element took half a minute. No feed needs more than a few dozen
  // (the root's namespace declarations); past kMaxAttributes they go.
  static constexpr std::size_t kMaxAttributes = 128;

  struct AttributeCount {
    std::size_t values = 0;
    std::size_t last_blank = 0;      // the blank before the latest attribute's name
    std::size_t last_value_end = 0;  // just past the latest value's closing quote
    std::size_t cut_from = std::string_view::npos;

    // At the opening quote of a value: once the limit is passed, everything
    // from this attribute's name to the end of the tag goes.
    void note_value(std::size_t quote) {
      if (++values == kMaxAttributes + 1 && cut_from == std::string_view::npos)
        cut_from = std::min(std::max(last_blank, last_value_end), quote);
    }
  };

  void drop_extra_attributes(std::string_view name, const AttributeCount& attributes, std::size_t end) {
    if (attributes.cut_from == std::string_view::npos || attributes.cut_from >= end) return;
    // Appended, not "<" + std::string(name): g++ 12 at -O3 flags that
    // insertion at the front with a false -Wrestrict (GCC bug 105651).
    std::string reason(1, '<');
    reason += name;
    reason += "> has more than " + std::to_string(kMaxAttributes) + " attributes: the rest removed";
    replace(attributes.cut_from, end, "", reason);
  }

  void open(std::string_view name) {
    open_.push_back(name);
    ++open_count_[name];
  }

  void pop_open() {
    const auto count = open_count_.find(open_.back());
    if (--count->second == 0) open_count_.erase(count);
    open_.pop_back();
  }

  // Each element is opened and closed once, and an end tag that matches no
  // open element is known as such without a search (the count), so that
  // 100,000 stray end tags after 100,000 unclosed elements stay linear.
  void close(std::string_view name, std::size_t lt, std::size_t end) {
    if (!open_.empty() && open_.back() == name) {
      pop_open();
      return;
    }
    if (!open_count_.contains(name)) {
      replace(lt, end, "", "end tag </" + std::string(name) + "> without a start tag removed");
      return;
    }
    std::string closers;
    const std::string_view innermost(open_.back());
    while (open_.back() != name) {
      closers += "</";
      closers += open_.back();
      closers += '>';
      pop_open();
    }
    pop_open();
    replace(lt, lt, closers, "unclosed <" + std::string(innermost) + "> closed before </" + std::string(name) + ">");
  }

  // <!DOCTYPE …[ internal subset ]>: kept as written; entity names noted.
  std::size_t doctype(std::size_t lt) {
    const std::size_t size = xml_.size();
    std::size_t pos = lt + 9;
    bool in_subset = false;
    char quote = '\0';
    while (pos < size) {
      const char c = xml_[pos];
      if (quote) {
        if (c == quote) quote = '\0';
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (in_subset && xml_.substr(pos).starts_with("<!--")) {
        pos = skip_past(pos + 4, "-->");
        continue;
      } else if (in_subset && xml_.substr(pos).starts_with("<!ENTITY")) {
        std::size_t name_pos = pos + 8;
        while (name_pos < size &&
               (xml_[name_pos] == ' ' || xml_[name_pos] == '\t' || xml_[name_pos] == '\n' || xml_[name_pos] == '\r'))
          ++name_pos;
        std::size_t name_end = name_pos;
        while (name_end < size && is_name_char(xml_[name_end])) ++name_end;
        if (name_end > name_pos) declared_.insert(std::string(xml_.substr(name_pos, name_end - name_pos)));
        pos = name_end;
        continue;
      } else if (c == '[') {
        in_subset = true;
      } else if (c == ']') {
        in_subset = false;
      } else if (c == '>' && !in_subset) {
        return pos + 1;
      }
      ++pos;
    }
    return pos;
  }

  std::string_view xml_;
  bool numbers_predefined_;
  std::string out_;
  bool out_started_ = false;
  std::size_t copied_ = 0;
  std::string reason_;
  std::set<std::string, std::less<>> declared_;
  std::vector<std::string_view> open_;                            // names of the elements open at the scan position
  std::unordered_map<std::string_view, std::size_t> open_count_;  // how many of open_ have each name
};

}  // namespace

MarkupRepair repair_markup(std::string_view xml) { return Repairer(xml, false).run(); }

MarkupRepair predefined_entities_as_numbers(std::string_view xml) { return Repairer(xml, true).run(); }

}  // namespace tributary::parse
