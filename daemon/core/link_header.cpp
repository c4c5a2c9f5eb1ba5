// Link header parsing (RFC 8288 §3): a small cursor over the field value.
#include "core/link_header.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace tributary::core {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// RFC 9110 §5.6.2 tchar.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_spaces() {
    while (!at_end() && is_space(text_[pos_])) ++pos_;
  }
  bool take(char c) {
    skip_spaces();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  std::string token() {
    skip_spaces();
    const std::size_t start = pos_;
    while (!at_end() && is_token_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // An unquoted value: a token, leniently up to the next ';', ',' or
  // space (servers write `type=text/html`, which is no token).
  std::string bare_value() {
    skip_spaces();
    const std::size_t start = pos_;
    while (!at_end() && text_[pos_] != ';' && text_[pos_] != ',' && !is_space(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // After the opening quote: up to the closing one, backslash escapes undone
  // (RFC 9110 §5.6.4). False when the quote is never closed.
  bool quoted(std::string& value) {
    while (!at_end()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c == '\\' && !at_end()) {
        value += text_[pos_++];
        continue;
      }
      value += c;
    }
    return false;
  }
  // After '<': up to '>'.
  bool target(std::string& value) {
    const std::size_t close = text_.find('>', pos_);
    if (close == std::string_view::npos) return false;
    value = std::string(trim(text_.substr(pos_, close - pos_)));
    pos_ = close + 1;
    return true;
  }
  // Past the next comma outside quotes and angle brackets (or to the end).
  void skip_to_next_value() {
    bool is_quoted = false;
    bool is_bracketed = false;
    while (!at_end()) {
      const char c = text_[pos_++];
      if (is_quoted) {
        if (c == '\\' && !at_end())
          ++pos_;
        else if (c == '"')
          is_quoted = false;
      } else if (is_bracketed) {
        is_bracketed = c != '>';
      } else if (c == '"') {
        is_quoted = true;
      } else if (c == '<') {
        is_bracketed = true;
      } else if (c == ',') {
        return;
      }
    }
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// One link-param after its ';': token [ "=" ( token / quoted-string ) ].
bool read_parameter(Cursor& cursor, LinkValue& link) {
  std::string name = to_lower_ascii(cursor.token());
  if (name.empty()) return false;
  std::string value;
  if (cursor.take('=')) {
    cursor.skip_spaces();
    if (cursor.peek() == '"') {
      cursor.take('"');
      if (!cursor.quoted(value)) return false;
    } else {
      value = cursor.bare_value();
    }
  }
  // §3.3: rel MUST NOT appear more than once; later ones are ignored.
  if (name == "rel" && std::none_of(link.parameters.begin(), link.parameters.end(),
                                    [](const auto& parameter) { return parameter.first == "rel"; })) {
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t space = rest.find_first_of(" \t");
      const std::string_view type = rest.substr(0, space);
      if (!type.empty()) link.rels.push_back(to_lower_ascii(type));
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
  }
  link.parameters.emplace_back(std::move(name), std::move(value));
  return true;
}

// One link-value; false when it is malformed.
bool read_link_value(Cursor& cursor, LinkValue& link) {
  if (!cursor.take('<') || !cursor.target(link.target)) return false;
  for (;;) {
    cursor.skip_spaces();
    if (cursor.at_end() || cursor.peek() == ',') return true;
    if (!cursor.take(';')) return false;
    cursor.skip_spaces();
    if (cursor.at_end() || cursor.peek() == ',') return true;  // a trailing ';'
    if (!read_parameter(cursor, link)) return false;
  }
}

}  // namespace

std::vector<LinkValue> parse_link_header(std::string_view field) {
  std::vector<LinkValue> links;
  Cursor cursor(field);
  while (!cursor.at_end()) {
    cursor.skip_spaces();
    if (cursor.take(',')) continue;  // empty list elements (RFC 9110 §5.6.1)
    if (cursor.at_end()) break;
    LinkValue link;
    if (read_link_value(cursor, link)) {
      links.push_back(std::move(link));
      cursor.take(',');
    } else {
      cursor.skip_to_next_value();
    }
  }
  return links;
}

std::vector<std::string> link_targets(const std::vector<LinkValue>& links, std::string_view rel) {
  std::vector<std::string> targets;
  for (const LinkValue& link : links)
    if (std::find(link.rels.begin(), link.rels.end(), rel) != link.rels.end()) targets.push_back(link.target);
  return targets;
}

}  // namespace tributary::core
