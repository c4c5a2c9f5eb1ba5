// Forbidden characters, language tags and media types.
#include "normalize/characters.hpp"

#include <cstdint>
#include <cstring>

#include "core/text.hpp"

namespace tributary::normalize {
namespace {

struct Sequence {
  char32_t code_point = 0;
  std::size_t length = 0;  // 0: not a valid sequence
  bool is_surrogate = false;
};

// The UTF-8 sequence at `pos`. An encoded surrogate (ED A0–BF xx, what a
// JSON "\ud800" without its pair becomes in lenient decoders) is read whole,
// so that it goes as one character rather than as three U+FFFD.
Sequence read_sequence(std::string_view text, std::size_t pos) {
  Sequence sequence;
  sequence.length = core::decode_utf8(text, pos, sequence.code_point);
  if (sequence.length > 0) return sequence;
  // ED A0–BF 80–BF: U+D800–U+DFFF, which decode_utf8 refuses as invalid.
  const auto byte = [&text, pos](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  if (pos + 3 <= text.size() && byte(0) == 0xED && (byte(1) & 0xE0) == 0xA0 && (byte(2) & 0xC0) == 0x80)
    return {static_cast<char32_t>(0xD000 | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu)), 3, true};
  return {};
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 9110 §5.6.2 tchar.
bool is_token_char(char c) {
  return is_alpha(c) || is_digit(c) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text)
    if (!is_token_char(c)) return false;
  return true;
}

// "; name=value" parameters after a media type: tokens, or a quoted string
// of printable ASCII.
bool are_parameters(std::string_view text) {
  while (!text.empty()) {
    text = core::trim(text);
    if (text.empty()) return true;
    if (text.front() != ';') return false;
    text = core::trim(text.substr(1));
    if (text.empty()) return true;  // a trailing ';'
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos || !is_token(core::trim(text.substr(0, equals)))) return false;
    text = core::trim(text.substr(equals + 1));
    if (!text.empty() && text.front() == '"') {
      std::size_t end = 1;
      while (end < text.size() && text[end] != '"') {
        const auto c = static_cast<unsigned char>(text[end]);
        if (c < 0x20 || c >= 0x7F) return false;
        end += text[end] == '\\' ? 2 : 1;
      }
      if (end >= text.size()) return false;
      text.remove_prefix(end + 1);
    } else {
      std::size_t end = 0;
      while (end < text.size() && is_token_char(text[end])) ++end;
      if (end == 0) return false;
      text.remove_prefix(end);
    }
  }
  return true;
}

// The length of the allowed two- or three-byte character at `at` (most
// non-ASCII text: accented Latin, Cyrillic, Greek, punctuation, CJK), 0
// when read_sequence must decide. Two bytes: U+0080–U+07FF, of which
// U+0080–U+009F (C2 80–9F) are C1 controls. Three bytes: U+0800–U+FFFF but
// surrogates (U+D800–U+DFFF), noncharacters U+FDD0–U+FDEF and U+FFFE/FFFF.
std::size_t common_allowed_length(const unsigned char* at, std::size_t left) {
  const unsigned lead = at[0];
  if (lead >= 0xC2 && lead <= 0xDF && left >= 2 && (at[1] & 0xC0) == 0x80) return lead == 0xC2 && at[1] < 0xA0 ? 0 : 2;
  if ((lead & 0xF0) == 0xE0 && left >= 3 && (at[1] & 0xC0) == 0x80 && (at[2] & 0xC0) == 0x80) {
    const unsigned code_point = ((lead & 0x0Fu) << 12) | ((at[1] & 0x3Fu) << 6) | (at[2] & 0x3Fu);
    const bool is_allowed = code_point >= 0x800 && (code_point < 0xD800 || code_point > 0xDFFF) &&
                            (code_point < 0xFDD0 || code_point > 0xFDEF) && code_point < 0xFFFE;
    return is_allowed ? 3 : 0;
  }
  return 0;
}

}  // namespace

bool is_forbidden_character(char32_t c) {
  // The output's one rule (core::is_publishable), less U+FFFD: normalize
  // marks undecodable bytes with it, and the output drops it.
  return c != 0xFFFD && !core::is_publishable(c);
}

// Runs over every sanitized article and its text: printable ASCII sixteen
// bytes at a time, other ASCII and the common sequences without a call,
// read_sequence for the rest.
bool is_clean_text(std::string_view text) {
  const auto* const bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t pos = 0;
  while (true) {
    pos = core::printable_ascii_end(text, pos);
    if (pos == size) return true;
    const unsigned byte = bytes[pos];
    if (byte < 0x80) {
      // Tab, line feed or carriage return (XML 1.0 §2.2); not DEL or another control.
      if (byte != '\t' && byte != '\n' && byte != '\r') return false;
      ++pos;
      continue;
    }
    if (const std::size_t length = common_allowed_length(bytes + pos, size - pos)) {
      pos += length;
      continue;
    }
    const Sequence sequence = read_sequence(text, pos);
    if (sequence.length == 0 || is_forbidden_character(sequence.code_point)) return false;
    pos += sequence.length;
  }
}

std::string without_forbidden_characters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const Sequence sequence = read_sequence(text, pos);
    if (sequence.length == 0) {
      core::append_utf8(out, 0xFFFD);
      ++pos;
      continue;
    }
    if (!is_forbidden_character(sequence.code_point)) out.append(text.substr(pos, sequence.length));
    pos += sequence.length;
  }
  return out;
}

void remove_forbidden_characters(std::string& text) {
  if (!is_clean_text(text)) text = without_forbidden_characters(text);
}

namespace {

// Unicode White_Space (PropList.txt) outside ASCII: U+0085, U+00A0,
// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool is_unicode_white_space(char32_t c) {
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_ascii_white_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The length of the white-space character starting at `pos`, or 0.
std::size_t white_space_at(std::string_view text, std::size_t pos) {
  if (is_ascii_white_space(text[pos])) return 1;
  const Sequence sequence = read_sequence(text, pos);
  return sequence.length > 1 && is_unicode_white_space(sequence.code_point) ? sequence.length : 0;
}

// The start of the white-space character that ends at `end`, or `end`.
std::size_t white_space_before(std::string_view text, std::size_t end) {
  if (is_ascii_white_space(text[end - 1])) return end - 1;
  for (std::size_t length = 2; length <= 3 && length <= end; ++length)
    if (white_space_at(text, end - length) == length) return end - length;
  return end;
}

}  // namespace

std::string trim_white_space(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t length = white_space_at(text, begin);
    if (length == 0) break;
    begin += length;
  }
  std::size_t end = text.size();
  while (end > begin) {
    const std::size_t start = white_space_before(text, end);
    if (start == end) break;
    end = start;
  }
  return std::string(text.substr(begin, end - begin));
}

std::string language_tag(std::string_view text) {
  text = core::trim(text);
  if (text.empty() || text.size() > 35) return {};  // RFC 5646 §4.4.1: 35 characters hold any real tag
  std::string tag(text);
  std::size_t subtag_start = 0;
  for (std::size_t i = 0; i <= tag.size(); ++i) {
    if (i < tag.size() && tag[i] == '_') tag[i] = '-';
    if (i < tag.size() && tag[i] != '-') {
      if (!is_alpha(tag[i]) && !is_digit(tag[i])) return {};
      continue;
    }
    const std::size_t length = i - subtag_start;
    if (length == 0 || length > 8) return {};
    if (subtag_start == 0) {
      // The primary language subtag: letters only ("x" and "i" start
      // private and grandfathered tags).
      const std::string_view primary = std::string_view(tag).substr(0, length);
      for (const char c : primary)
        if (!is_alpha(c)) return {};
      if (length == 1 && primary != "x" && primary != "i" && primary != "X" && primary != "I") return {};
    }
    subtag_start = i + 1;
  }
  return tag;
}

std::string media_type(std::string_view text) {
  text = core::trim(text);
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return {};
  const std::size_t parameters = text.find(';');
  if (parameters != std::string_view::npos && parameters < slash) return {};
  const std::string_view type = text.substr(0, slash);
  const std::string_view subtype = core::trim(
      text.substr(slash + 1, parameters == std::string_view::npos ? std::string_view::npos : parameters - slash - 1));
  if (!is_token(type) || !is_token(subtype)) return {};
  if (parameters != std::string_view::npos && !are_parameters(text.substr(parameters))) return {};
  return core::to_lower_ascii(type) + "/" + core::to_lower_ascii(subtype) +
         (parameters == std::string_view::npos ? std::string() : std::string(text.substr(parameters)));
}

}  // namespace tributary::normalize
