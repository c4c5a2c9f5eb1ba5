// Charset detection (uchardet) and the repair of double-encoded UTF-8.
#include "parse/detect.hpp"

#include <uchardet/uchardet.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <type_traits>

#include "core/text.hpp"

namespace tributary::parse {
namespace {

struct DetectorDeleter {
  void operator()(uchardet_t detector) const { uchardet_delete(detector); }
};

// uchardet's answer is statistics over the non-ASCII bytes. Below this many
// it guesses among single-byte charsets that share the ASCII half ("Año
// nuevo" came out ISO-8859-10, "Über uns" ISO-8859-3). On one sentence of
// French, German, Spanish, Czech, Polish or Russian it was right from four
// such bytes on; twice that leaves a margin.
constexpr std::size_t kMinNonAsciiBytes = 8;

// A few hundred kilobytes say all a detector can learn; a 32 MiB document
// need not be read twice in full.
constexpr std::size_t kMaxDetectedBytes = 1024 * 1024;

std::size_t count_non_ascii(std::string_view bytes) {
  return static_cast<std::size_t>(
      std::count_if(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
}

// windows-1252's characters at 0x80–0x9F, by byte; 0 where it has none (the
// Encoding Standard maps those five bytes to the C1 control of the same
// value, and so does undo_double_encoding).
constexpr std::array<char16_t, 32> kWindows1252High = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                                       0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// The byte windows-1252 (or, for U+0080–U+009F, Latin-1) writes `c` as.
std::optional<unsigned char> windows1252_byte(char32_t c) {
  if (c >= 0x80 && c <= 0xFF) return static_cast<unsigned char>(c);
  for (std::size_t i = 0; i < kWindows1252High.size(); ++i)
    if (kWindows1252High[i] != 0 && kWindows1252High[i] == c) return static_cast<unsigned char>(0x80 + i);
  return std::nullopt;
}

bool is_valid_utf8_run(std::string_view run) {
  for (std::size_t pos = 0; pos < run.size();) {
    char32_t code_point = 0;
    const std::size_t length = core::decode_utf8(run, pos, code_point);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

}  // namespace

std::string detect_legacy_charset(std::string_view bytes) {
  const std::string_view sample = bytes.substr(0, kMaxDetectedBytes);
  if (count_non_ascii(sample) < kMinNonAsciiBytes) return "windows-1252";
  const std::unique_ptr<std::remove_pointer_t<uchardet_t>, DetectorDeleter> detector(uchardet_new());
  if (!detector) return "windows-1252";
  if (uchardet_handle_data(detector.get(), sample.data(), sample.size()) != 0) return "windows-1252";
  uchardet_data_end(detector.get());
  const char* answer = uchardet_get_charset(detector.get());
  const std::string charset = core::to_lower_ascii(answer ? std::string_view(answer) : std::string_view());
  // ISO-8859-1 text is windows-1252 text: the Encoding Standard reads every
  // Latin-1 label so, because the bytes 0x80–0x9F are curly quotes and dashes
  // in practice, never C1 controls.
  if (charset.empty() || charset == "ascii" || charset == "utf-8" || charset == "iso-8859-1") return "windows-1252";
  return charset;
}

std::optional<std::string> undo_double_encoding(std::string_view text) {
  // Checked first, building nothing: the first accented letter of real
  // text ends the check, usually within the first kilobytes.
  std::string run;  // the bytes of the current run of non-ASCII characters
  bool has_run = false;
  for (std::size_t pos = 0; pos < text.size();) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      if (!run.empty() && !is_valid_utf8_run(run)) return std::nullopt;
      run.clear();
      // ASCII is most of a feed, and all of many: passed over 16 bytes at
      // a time (a character at a time, this was a tenth of parsing such a
      // feed; bench/scale's cold cycle).
      pos = std::max(pos + 1, core::xml_ascii_end(text, pos));
      continue;
    }
    char32_t code_point = 0;
    const std::size_t length = core::decode_utf8(text, pos, code_point);
    if (length == 0) return std::nullopt;  // not UTF-8 to begin with
    pos += length;
    const std::optional<unsigned char> byte = windows1252_byte(code_point);
    if (!byte) return std::nullopt;  // a character windows-1252 does not have: real text
    run.push_back(static_cast<char>(*byte));
    has_run = true;
  }
  if (!has_run || (!run.empty() && !is_valid_utf8_run(run))) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = core::decode_utf8(text, pos, code_point);
    bytes.push_back(
        static_cast<char>(code_point < 0x80 ? static_cast<unsigned char>(code_point) : *windows1252_byte(code_point)));
    pos += length;
  }
  return bytes;
}

}  // namespace tributary::parse
