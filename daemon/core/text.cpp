// Text helpers: whitespace, ASCII case, UTF-8 repair, sizes, hashes.
#include "core/text.hpp"

#include <openssl/sha.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <utility>

namespace tributary::core {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool is_xml_char(char32_t code_point) {
  if (code_point < 0x20) return code_point == 0x09 || code_point == 0x0A || code_point == 0x0D;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
  return code_point != 0xFFFE && code_point != 0xFFFF && code_point <= 0x10FFFF;
}

std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return length;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool starts_with_ignore_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equals_ignore_case(text.substr(0, prefix.size()), prefix);
}

std::string collapse_whitespace(std::string_view text) {
  // Branch-free over a buffer one byte larger than the input (this runs over
  // the text of every item, where spaces and letters alternate unpredictably):
  // every step writes a space and the byte, and keeps only what it should.
  std::string out(text.size() + 1, '\0');
  char* const begin = out.data();
  char* end = begin;
  bool pending_space = false;
  for (char c : text) {
    const bool is_blank = is_space(c);
    *end = ' ';
    end += (pending_space && !is_blank) ? 1 : 0;
    *end = c;
    end += is_blank ? 0 : 1;
    pending_space = is_blank && end != begin;
  }
  out.resize(static_cast<std::size_t>(end - begin));
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

namespace {

// The end of an ASCII run from `pos`, sixteen bytes at a time (SSE2 is part
// of every x86-64). Both kinds stop at non-ASCII bytes and at the C0
// controls; `kPassesXmlSpaceAndDel` lets tab, LF, CR and DEL through (what
// XML 1.0 allows of ASCII), otherwise they stop the run too.
template <bool kPassesXmlSpaceAndDel>
std::size_t ascii_run_end(std::string_view text, std::size_t pos) {
  const char* const data = text.data();
  const std::size_t size = text.size();
#if defined(__SSE2__)
  // As signed bytes, controls and non-ASCII bytes are all below 0x20.
  const __m128i space = _mm_set1_epi8(0x20);
  for (; pos + 16 <= size; pos += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos));
    auto stops = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(bytes, space)));
    if constexpr (kPassesXmlSpaceAndDel) {
      if (stops == 0) continue;
      const __m128i allowed = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n'))),
          _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')));
      stops &= ~static_cast<unsigned>(_mm_movemask_epi8(allowed));
    } else {
      stops |= static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x7F))));
    }
    if (stops != 0) return pos + static_cast<std::size_t>(std::countr_zero(stops));
  }
#endif
  for (; pos < size; ++pos) {
    const auto byte = static_cast<unsigned char>(data[pos]);
    const bool is_passed = kPassesXmlSpaceAndDel
                               ? byte < 0x80 && (byte >= 0x20 || byte == '\t' || byte == '\n' || byte == '\r')
                               : byte >= 0x20 && byte < 0x7F;
    if (!is_passed) break;
  }
  return pos;
}

}  // namespace

std::size_t printable_ascii_end(std::string_view text, std::size_t pos) { return ascii_run_end<false>(text, pos); }

std::size_t xml_ascii_end(std::string_view text, std::size_t pos) { return ascii_run_end<true>(text, pos); }

bool is_valid_utf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    pos = xml_ascii_end(text, pos);
    if (pos == text.size()) break;
    char32_t c = 0;
    const std::size_t length = decode_utf8(text, pos, c);
    if (length == 0 || !is_xml_char(c)) return false;
    pos += length;
  }
  return true;
}

std::string sanitize_utf8(std::string_view text) {
  // Fast path: most text is already clean.
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t c = 0;
    const std::size_t length = decode_utf8(text, pos, c);
    if (length == 0) {
      append_utf8(out, 0xFFFD);
      ++pos;
      continue;
    }
    if (is_xml_char(c)) out.append(text.substr(pos, length));
    pos += length;
  }
  return out;
}

bool is_publishable(char32_t c) {
  if (!is_xml_char(c)) return false;
  if (c >= 0x7F && c <= 0x9F) return false;  // DEL and the C1 controls
  if (c >= 0xFDD0 && c <= 0xFDEF) return false;
  return (c & 0xFFFE) != 0xFFFE && c != 0xFFFD;
}

std::string publishable_text(std::string_view text) {
  std::size_t pos = 0;
  // Fast path: printable ASCII, and clean non-ASCII, are copied as they are.
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x20 && byte < 0x80) {
      ++pos;
      continue;
    }
    char32_t c = 0;
    const std::size_t length = decode_utf8(text, pos, c);
    if (length == 0 || !is_publishable(c)) break;
    pos += length;
  }
  if (pos == text.size()) return std::string(text);
  std::string out(text.substr(0, pos));
  out.reserve(text.size());
  while (pos < text.size()) {
    char32_t c = 0;
    const std::size_t length = decode_utf8(text, pos, c);
    if (length != 0 && is_publishable(c)) out.append(text.substr(pos, length));
    pos += std::max<std::size_t>(length, 1);
  }
  return out;
}

std::string one_line(std::string_view text, std::size_t max_bytes) {
  std::string line = collapse_whitespace(publishable_text(text));
  if (line.size() <= max_bytes) return line;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  line.resize(cut);
  return line + "…";
}

SizeParse parse_size(std::string_view text) {
  const std::string original(text);
  text = trim(text);
  std::size_t pos = 0;
  std::uint64_t number = 0;
  bool is_too_large = false;
  // Checked arithmetic: "17592186044417MiB" must not wrap around to 1 MiB.
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    is_too_large = is_too_large || __builtin_mul_overflow(number, 10u, &number) ||
                   __builtin_add_overflow(number, static_cast<std::uint64_t>(text[pos] - '0'), &number);
    ++pos;
  }
  if (pos == 0) {
    if (!text.empty() && text.front() == '-') return {std::nullopt, "negative size \"" + original + "\""};
    return {std::nullopt, "malformed size \"" + original + "\" (expected e.g. \"10MiB\")"};
  }
  const std::string unit = to_lower_ascii(trim(text.substr(pos)));
  std::uint64_t scale = 0;
  if (unit == "b" || unit.empty())
    scale = 1;
  else if (unit == "kb")
    scale = 1000;
  else if (unit == "kib" || unit == "k")
    scale = 1024;
  else if (unit == "mb")
    scale = 1000 * 1000;
  else if (unit == "mib" || unit == "m")
    scale = 1024 * 1024;
  else if (unit == "gb")
    scale = 1000 * 1000 * 1000;
  else if (unit == "gib" || unit == "g")
    scale = 1024ULL * 1024 * 1024;
  if (scale == 0)
    return {std::nullopt, "unknown size unit \"" + std::string(trim(text.substr(pos))) + "\" in \"" + original +
                              "\" (use B, KiB, MiB, GiB, KB, MB or GB)"};
  std::uint64_t bytes = 0;
  if (is_too_large || __builtin_mul_overflow(number, scale, &bytes))
    return {std::nullopt, "size \"" + original + "\" is too large", true};
  return {bytes, {}};
}

std::string format_size(std::uint64_t bytes) {
  const std::pair<std::uint64_t, const char*> units[] = {{1ULL << 30, "GiB"}, {1ULL << 20, "MiB"}, {1ULL << 10, "KiB"}};
  for (const auto& [scale, name] : units)
    if (bytes != 0 && bytes % scale == 0) return std::to_string(bytes / scale) + name;
  return std::to_string(bytes) + "B";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows: a transposition looks two rows back.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      const bool is_transposition =
          i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]);
      if (is_transposition) current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string charset_of(std::string_view content_type) {
  const std::string lower = to_lower_ascii(content_type);
  const auto at = lower.find("charset=");
  if (at == std::string::npos) return {};
  std::string_view value = content_type.substr(at + 8);
  value = trim(value.substr(0, value.find(';')));
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
  return std::string(value);
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0F]);
  }
  return out;
}

std::uint64_t stable_hash64(std::string_view bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[static_cast<std::size_t>(i)];
  return value;
}

std::string hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

void append_hex_byte(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back(kHex[byte >> 4]);
  out.push_back(kHex[byte & 0x0F]);
}

std::string percent_encode(std::string_view text, const ByteSet& kept, SpaceAs space) {
  const auto first_encoded =
      std::find_if(text.begin(), text.end(), [&](char c) { return !kept[static_cast<unsigned char>(c)]; });
  std::string out(text.begin(), first_encoded);
  if (first_encoded == text.end()) return out;
  out.reserve(text.size() + 16);
  for (const char c : text.substr(out.size())) {
    const auto byte = static_cast<unsigned char>(c);
    if (kept[byte]) {
      out.push_back(c);
    } else if (c == ' ' && space == SpaceAs::plus) {
      out.push_back('+');
    } else {
      out.push_back('%');
      append_hex_byte(out, byte);
    }
  }
  return out;
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit_value(text[i + 1]);
      const int low = hex_digit_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace tributary::core
