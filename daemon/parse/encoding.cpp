// Encoding detection and decoding. UTF-8, UTF-16 and windows-1252 (which the
// WHATWG Encoding Standard also uses for every "ISO-8859-1" and "US-ASCII"
// label, because that is what such documents really contain) are decoded
// here; any other charset goes through glibc's iconv. UTF-8 that needs no
// repair (the common case) is checked 16 bytes at a time and not copied.
// Where no byte order mark decides, bytes that are mostly not UTF-8 go to
// the detector rather than to U+FFFD.
#include "parse/encoding.hpp"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <memory>
#include <optional>

#include "core/text.hpp"
#include "parse/detect.hpp"

namespace tributary::parse {
namespace {

enum class Family { utf8, utf16le, utf16be, windows1252, other };

struct Choice {
  Family family = Family::utf8;
  std::string name = "utf-8";  // for iconv when family == other
};

// C1 bytes 0x80–0x9F of windows-1252; the five it leaves undefined map to
// the C1 control of the same value, as the Encoding Standard says.
constexpr std::array<char16_t, 32> kWindows1252High = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                                       0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::string normalize_label(std::string_view label) {
  std::string name = core::to_lower_ascii(core::trim(label));
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'')) name = name.substr(1, name.size() - 2);
  return name;
}

// Encoding labels are printable ASCII (IANA's charset names are). One with
// other bytes names no encoding; it is kept with those bytes as \xHH, so
// that the messages and log lines that quote it stay UTF-8 text.
std::string ascii_label(std::string_view name) {
  std::string shown;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      shown.push_back(c);
    } else {
      shown += "\\x";
      core::append_hex_byte(shown, byte);
    }
  }
  return shown;
}

Choice choice_for(std::string_view label) {
  const std::string name = ascii_label(normalize_label(label));
  for (std::string_view utf8 : {"utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"})
    if (name == utf8) return {Family::utf8, "utf-8"};
  for (std::string_view latin :
       {"iso-8859-1", "iso8859-1",    "iso_8859-1", "iso-8859-1:1987", "latin1",   "latin-1", "l1",
        "cp819",      "ibm819",       "iso-ir-100", "csisolatin1",     "us-ascii", "ascii",   "ansi_x3.4-1968",
        "iso646-us",  "windows-1252", "cp1252",     "x-cp1252",        "iso88591", "8859-1"})
    if (name == latin) return {Family::windows1252, "windows-1252"};
  if (name == "utf-16le" || name == "utf16le") return {Family::utf16le, "utf-16le"};
  if (name == "utf-16be" || name == "utf16be") return {Family::utf16be, "utf-16be"};
  if (name == "utf-16" || name == "utf16" || name == "ucs-2" || name == "unicode" || name == "iso-10646-ucs-2")
    return {Family::utf16le, "utf-16"};  // endianness decided by BOM or sniffing
  return {Family::other, name};
}

bool is_utf16(const Choice& choice) { return choice.family == Family::utf16le || choice.family == Family::utf16be; }

// Valid UTF-8 with at least one non-ASCII character.
bool is_non_ascii_utf8(std::string_view bytes) {
  bool has_non_ascii = false;
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      has_non_ascii = true;
      break;
    }
  }
  return has_non_ascii && core::is_valid_utf8(bytes);
}

struct Repairs {
  std::size_t invalid = 0;
  std::size_t controls = 0;
};

void append_checked(std::string& out, char32_t c, Repairs& repairs) {
  if (!core::is_xml_char(c)) {
    if (c >= 0xD800 && c <= 0xDFFF) {
      ++repairs.invalid;
      core::append_utf8(out, 0xFFFD);
    } else {
      ++repairs.controls;
    }
    return;
  }
  core::append_utf8(out, c);
}

// Where decode_utf8 would first change the bytes: their size when they
// already are valid UTF-8 of characters XML allows.
std::size_t first_repair(std::string_view bytes) {
  std::size_t pos = 0;
  while ((pos = core::xml_ascii_end(bytes, pos)) < bytes.size()) {
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) return pos;  // a forbidden C0 control
    char32_t code_point = 0;
    const std::size_t length = core::decode_utf8(bytes, pos, code_point);
    if (length == 0 || !core::is_xml_char(code_point)) return pos;
    pos += length;
  }
  return pos;
}

// UTF-8 → UTF-8 with invalid sequences replaced and forbidden characters
// dropped, appended to `out`.
void decode_utf8(std::string_view bytes, std::string& out, Repairs& repairs) {
  out.reserve(out.size() + bytes.size());
  std::size_t pos = 0;
  const std::size_t size = bytes.size();
  while (pos < size) {
    const std::size_t run = core::xml_ascii_end(bytes, pos);
    out.append(bytes.data() + pos, run - pos);
    pos = run;
    if (pos >= size) break;
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) {  // a forbidden C0 control
      ++repairs.controls;
      ++pos;
      continue;
    }
    char32_t code_point = 0;
    const std::size_t length = core::decode_utf8(bytes, pos, code_point);
    if (length == 0) {
      ++repairs.invalid;
      core::append_utf8(out, 0xFFFD);
      ++pos;
      continue;
    }
    if (core::is_xml_char(code_point))
      out.append(bytes.substr(pos, length));
    else
      ++repairs.controls;
    pos += length;
  }
}

// UTF-8 input: borrowed as it is when clean, else decoded from the first
// byte that needs it (everything before is copied as one block).
void decode_utf8_document(std::string_view bytes, DecodedDocument& result, Repairs& repairs) {
  const std::size_t clean = first_repair(bytes);
  if (clean == bytes.size()) {
    result.unchanged = bytes;
    return;
  }
  result.is_converted = true;
  result.converted.reserve(bytes.size());
  result.converted.append(bytes.substr(0, clean));
  decode_utf8(bytes.substr(clean), result.converted, repairs);
}

void decode_windows1252(std::string_view bytes, std::string& out, Repairs& repairs) {
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char ch : bytes) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x80 && byte < 0xA0)
      append_checked(out, kWindows1252High[byte - 0x80], repairs);
    else if (byte >= 0x80)
      core::append_utf8(out, byte);
    else
      append_checked(out, byte, repairs);
  }
}

void decode_utf16(std::string_view bytes, bool is_little_endian, std::string& out, Repairs& repairs) {
  out.reserve(bytes.size() / 2 + 16);
  const auto unit = [&](std::size_t i) -> char32_t {
    const auto a = static_cast<unsigned char>(bytes[i]);
    const auto b = static_cast<unsigned char>(bytes[i + 1]);
    return is_little_endian ? static_cast<char32_t>(a | (b << 8)) : static_cast<char32_t>((a << 8) | b);
  };
  std::size_t pos = 0;
  for (; pos + 1 < bytes.size(); pos += 2) {
    char32_t c = unit(pos);
    if (c >= 0xD800 && c <= 0xDBFF && pos + 3 < bytes.size()) {
      const char32_t low = unit(pos + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        pos += 2;
      }
    }
    append_checked(out, c, repairs);
  }
  if (pos < bytes.size()) {
    ++repairs.invalid;  // an odd trailing byte
    core::append_utf8(out, 0xFFFD);
  }
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

// Any other charset via iconv; false when iconv does not know it.
bool decode_with_iconv(std::string_view bytes, const std::string& charset, std::string& out, Repairs& repairs) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  std::unique_ptr<void, IconvCloser> guard(cd);
  std::string converted;
  converted.resize(bytes.size() * 2 + 64);
  // iconv's interface is not const-correct; it never writes through `in`.
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  std::size_t used = 0;
  while (in_left > 0) {
    char* out_ptr = converted.data() + used;
    std::size_t out_left = converted.size() - used;
    const std::size_t result = iconv(cd, &in, &in_left, &out_ptr, &out_left);
    used = converted.size() - out_left;
    if (result != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      converted.resize(converted.size() * 2);
    } else if (errno == EILSEQ || errno == EINVAL) {
      // Invalid (or, at the end, incomplete) input: one U+FFFD per byte.
      if (converted.size() - used < 8) converted.resize(converted.size() * 2);
      std::string replacement;
      core::append_utf8(replacement, 0xFFFD);
      converted.replace(used, replacement.size(), replacement);
      used += replacement.size();
      ++in;
      --in_left;
      ++repairs.invalid;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
    } else {
      break;
    }
  }
  converted.resize(used);
  decode_utf8(converted, out, repairs);  // drops controls the charset may hold
  return true;
}

// What decided the encoding: a byte order mark (or UTF-16's NUL bytes) is
// certain; a label may be wrong; with nothing, XML's default is UTF-8.
enum class Decider { byte_order_mark, http_charset, declaration, nothing };

struct Decision {
  Choice choice;
  Decider by = Decider::nothing;
};

// RFC 7303 §3's order: BOM, HTTP charset, XML declaration. Removes the BOM
// from `bytes`.
Decision choose_encoding(std::string_view& bytes, std::string_view http_charset) {
  // 1. A byte order mark decides.
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    return {{}, Decider::byte_order_mark};
  }
  if (bytes.starts_with("\xFF\xFE") && !bytes.starts_with(std::string_view("\xFF\xFE\0\0", 4))) {
    bytes.remove_prefix(2);
    return {{Family::utf16le, "utf-16le"}, Decider::byte_order_mark};
  }
  if (bytes.starts_with("\xFE\xFF")) {
    bytes.remove_prefix(2);
    return {{Family::utf16be, "utf-16be"}, Decider::byte_order_mark};
  }
  // 2. UTF-16 without a BOM shows itself by NUL bytes around the first "<"
  //    (or "{" of a JSON Feed).
  const bool looks_utf16le = bytes.size() >= 2 && (bytes[0] == '<' || bytes[0] == '{') && bytes[1] == '\0';
  const bool looks_utf16be = bytes.size() >= 2 && bytes[0] == '\0' && (bytes[1] == '<' || bytes[1] == '{');
  if (looks_utf16le) return {{Family::utf16le, "utf-16le"}, Decider::byte_order_mark};
  if (looks_utf16be) return {{Family::utf16be, "utf-16be"}, Decider::byte_order_mark};
  // 3. The HTTP charset, then the XML declaration. Two exceptions, both
  //    common on real servers: a UTF-16 label on bytes that are plainly
  //    not UTF-16, and a server-wide default 8-bit charset on a document
  //    whose declaration says UTF-8 and whose bytes are valid UTF-8.
  const std::string declared = declared_encoding(bytes);
  const Choice from_declaration = declared.empty() ? Choice{} : choice_for(declared);
  const Decider declaration = declared.empty() ? Decider::nothing : Decider::declaration;
  if (!http_charset.empty()) {
    const Choice from_http = choice_for(http_charset);
    if (is_utf16(from_http)) return is_utf16(from_declaration) ? Decision{} : Decision{from_declaration, declaration};
    if (from_http.family != Family::utf8 && from_declaration.family == Family::utf8 && is_non_ascii_utf8(bytes))
      return {from_declaration, declaration};
    return {from_http, Decider::http_charset};
  }
  if (is_utf16(from_declaration)) return {};  // "UTF-16" declared in single-byte text: it is not
  return {from_declaration, declaration};
}

std::string_view label_of(Decider by) {
  switch (by) {
    case Decider::http_charset:
      return "the HTTP charset says utf-8";
    case Decider::declaration:
      return "the XML declaration says utf-8";
    default:
      return "no encoding declared";
  }
}

// Counts over UTF-8 that is not clean: valid sequences of two bytes or more,
// and bytes that start no valid sequence.
struct Utf8Census {
  std::size_t valid_multibyte = 0;
  std::size_t invalid = 0;
};

Utf8Census census_of(std::string_view bytes) {
  Utf8Census census;
  std::size_t pos = 0;
  while ((pos = core::xml_ascii_end(bytes, pos)) < bytes.size()) {
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
      ++pos;  // a control character: neither
      continue;
    }
    char32_t code_point = 0;
    const std::size_t length = core::decode_utf8(bytes, pos, code_point);
    if (length == 0) {
      ++census.invalid;
      ++pos;
    } else {
      ++census.valid_multibyte;
      pos += length;
    }
  }
  return census;
}

// `bytes` read as `charset` (an iconv name; windows-1252 directly).
void decode_as(std::string_view bytes, const std::string& charset, DecodedDocument& result, Repairs& repairs) {
  result.is_converted = true;
  result.encoding = charset;
  if (charset != "windows-1252" && decode_with_iconv(bytes, charset, result.converted, repairs)) return;
  result.encoding = "windows-1252";
  result.converted.clear();
  decode_windows1252(bytes, result.converted, repairs);
}

// UTF-8 that nothing certain decided on. Valid UTF-8 is read as it is (and
// repaired if all of it is double-encoded); bytes that are mostly not UTF-8
// are a legacy charset the document does not name, or names wrongly, and are
// detected, never replaced with U+FFFD wholesale. A UTF-8 document with a
// few bad bytes (a cut character, one pasted Latin-1 word) stays UTF-8.
void decode_unmarked_utf8(std::string_view bytes, Decider by, DecodedDocument& result, Repairs& repairs) {
  const std::size_t clean = first_repair(bytes);
  if (clean == bytes.size()) {
    result.unchanged = bytes;
    if (std::optional<std::string> original = undo_double_encoding(bytes)) {
      result.is_converted = true;
      decode_utf8(*original, result.converted, repairs);
      result.repair = "double-encoded UTF-8 repaired (UTF-8 read as windows-1252 and encoded again)";
    }
    return;
  }
  const Utf8Census census = census_of(bytes);
  if (census.invalid <= census.valid_multibyte) {
    decode_utf8_document(bytes, result, repairs);
    return;
  }
  decode_as(bytes, detect_legacy_charset(bytes), result, repairs);
  result.repair =
      std::string(label_of(by)) + " but the bytes are not UTF-8: read as " + result.encoding + " (detected)";
}

// A windows-1252 (or Latin-1) label on bytes that are UTF-8: what it decoded
// to is "â€¦" for "…" throughout, and undo_double_encoding sees it whole.
void repair_mislabelled_utf8(DecodedDocument& result) {
  std::optional<std::string> original = undo_double_encoding(result.converted);
  if (!original) return;
  Repairs repairs;
  result.converted.clear();
  decode_utf8(*original, result.converted, repairs);
  result.encoding = "utf-8";
  result.repair = "labelled windows-1252 but the bytes are UTF-8: read as UTF-8";
}

}  // namespace

std::string declared_encoding(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const std::string_view start = core::trim(bytes.substr(0, 512));
  if (!start.starts_with("<?xml")) return {};
  const std::string_view declaration = start.substr(0, start.find("?>"));
  const auto at = declaration.find("encoding");
  if (at == std::string_view::npos) return {};
  std::size_t pos = at + 8;
  while (pos < declaration.size() && (declaration[pos] == ' ' || declaration[pos] == '=' || declaration[pos] == '\t'))
    ++pos;
  if (pos >= declaration.size() || (declaration[pos] != '"' && declaration[pos] != '\'')) return {};
  const char quote = declaration[pos];
  const auto end = declaration.find(quote, pos + 1);
  if (end == std::string_view::npos) return {};
  return std::string(declaration.substr(pos + 1, end - pos - 1));
}

DecodedDocument decode_document(std::string_view bytes, std::string_view http_charset) {
  const Decision decision = choose_encoding(bytes, http_charset);
  DecodedDocument result;
  result.encoding = decision.choice.name;
  Repairs repairs;
  std::string& converted = result.converted;
  switch (decision.choice.family) {
    case Family::utf8:
      if (decision.by == Decider::byte_order_mark)
        decode_utf8_document(bytes, result, repairs);
      else
        decode_unmarked_utf8(bytes, decision.by, result, repairs);
      break;
    case Family::windows1252:
      result.is_converted = true;
      decode_windows1252(bytes, converted, repairs);
      repair_mislabelled_utf8(result);
      break;
    case Family::utf16le:
    case Family::utf16be: {
      const bool is_le = decision.choice.family == Family::utf16le;
      result.encoding = is_le ? "utf-16le" : "utf-16be";
      result.is_converted = true;
      decode_utf16(bytes, is_le, converted, repairs);
      break;
    }
    case Family::other:
      result.is_converted = true;
      if (!decode_with_iconv(bytes, decision.choice.name, converted, repairs)) {
        result.encoding = "utf-8";
        result.repair = "unknown encoding \"" + decision.choice.name + "\", read as UTF-8";
        result.is_converted = false;
        decode_utf8_document(bytes, result, repairs);
      }
      break;
  }
  // A BOM inside UTF-16, or a second one.
  if (converted.starts_with("\xEF\xBB\xBF")) converted.erase(0, 3);
  if (result.unchanged.starts_with("\xEF\xBB\xBF")) result.unchanged.remove_prefix(3);
  if (result.repair.empty() && repairs.invalid > 0)
    result.repair = std::to_string(repairs.invalid) + " invalid " + result.encoding + " byte sequence" +
                    (repairs.invalid == 1 ? "" : "s") + " replaced with U+FFFD";
  if (result.repair.empty() && repairs.controls > 0)
    result.repair = std::to_string(repairs.controls) + " control character" + (repairs.controls == 1 ? "" : "s") +
                    " not allowed in XML removed";
  return result;
}

}  // namespace tributary::parse
