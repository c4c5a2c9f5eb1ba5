// Text helpers shared by all modules: ASCII case, whitespace, UTF-8 repair,
// sizes, hashes. Everything here is pure and allocation-light.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::core {

std::string_view trim(std::string_view text);
std::string to_lower_ascii(std::string_view text);
bool equals_ignore_case(std::string_view a, std::string_view b);
bool starts_with_ignore_case(std::string_view text, std::string_view prefix);

// Runs of whitespace become one space; leading and trailing whitespace go.
std::string collapse_whitespace(std::string_view text);

// Invalid UTF-8 sequences become U+FFFD; characters XML 1.0 forbids
// (C0 controls but tab/LF/CR, U+FFFE, U+FFFF) are dropped, so the result
// can be written into any XML or JSON document.
std::string sanitize_utf8(std::string_view text);
bool is_valid_utf8(std::string_view text);

// The one rule for what any document Tributary publishes (Atom, JSON Feed,
// OPML, HTML, /sources.json) and any line it prints may carry: valid
// UTF-8 of characters XML 1.0 allows (§2.2), minus those it discourages and
// validators flag — DEL and the C1 controls (U+007F–U+009F: mis-decoded
// windows-1252 in practice), noncharacters (U+FDD0–U+FDEF, U+xFFFE,
// U+xFFFF) and U+FFFD, the mark of bytes that were already lost.
bool is_publishable(char32_t code_point);
// `text` without invalid UTF-8 sequences and unpublishable characters.
// Returns the input unchanged (one copy) when it is clean.
std::string publishable_text(std::string_view text);
// Text from a peer (an HTTP reason phrase, a header) made fit for one line
// of a log, a terminal or a status page: publishable, whitespace (line
// breaks included) collapsed, at most `max_bytes` (cut between characters,
// with "…").
std::string one_line(std::string_view text, std::size_t max_bytes);
// A character XML 1.0 allows (§2.2): tab, LF, CR, U+0020–U+D7FF,
// U+E000–U+FFFD, U+10000–U+10FFFF.
bool is_xml_char(char32_t code_point);
// Decodes the UTF-8 sequence at `pos`: its length, or 0 when it is invalid
// (overlong, surrogate, truncated, beyond U+10FFFF).
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& code_point);
// The end of the printable ASCII (U+0020–U+007E) from `pos`: the position of
// the first control, DEL or non-ASCII byte there, or the text's size. Most
// of any feed is such runs; they are read sixteen bytes at a time.
std::size_t printable_ascii_end(std::string_view text, std::size_t pos);
// The same with tab, LF, CR and DEL let through: the end of the ASCII that
// XML 1.0 allows, at the first other control or non-ASCII byte. What a
// pass over a whole document skips (its lines do not stop it).
std::size_t xml_ascii_end(std::string_view text, std::size_t pos);

// Appends the UTF-8 encoding of a code point (invalid ones become U+FFFD).
void append_utf8(std::string& out, char32_t code_point);

// "10MiB", "512KB", "1GiB", "2048B"; nullopt with `error` when malformed,
// or with `is_too_large` when the size does not fit in 64 bits.
struct SizeParse {
  std::optional<std::uint64_t> bytes;
  std::string error;
  bool is_too_large = false;
};
SizeParse parse_size(std::string_view text);
// "4MiB", "64KiB", "1000B": the largest binary unit that divides the count
// (parse_size reads it back).
std::string format_size(std::uint64_t bytes);

// Edit distance counting a swap of two neighbours as one edit ("prot" is
// one edit from "port"; optimal string alignment), ASCII case ignored: for
// "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The charset parameter of a Content-Type ("text/xml; charset=ISO-8859-1").
std::string charset_of(std::string_view content_type);

std::string sha256_hex(std::string_view bytes);
// The first 8 bytes of SHA-256 as an integer: stable across builds and hosts.
std::uint64_t stable_hash64(std::string_view bytes);
std::string hex64(std::uint64_t value);

// The value of a hexadecimal digit (either case), or -1.
int hex_digit_value(char c);
// Appends the byte as two upper-case hex digits (what %XX and \xHH escapes
// write).
void append_hex_byte(std::string& out, unsigned char byte);
// The bytes a percent-encoding leaves as they are: a set by byte value.
using ByteSet = std::array<bool, 256>;
// The set of the bytes `is_kept` accepts, made once (at compile time where
// it is constexpr).
constexpr ByteSet byte_set(bool (*is_kept)(unsigned char byte)) {
  ByteSet set{};
  for (int byte = 0; byte < 256; ++byte)
    set[static_cast<std::size_t>(byte)] = is_kept(static_cast<unsigned char>(byte));
  return set;
}
enum class SpaceAs { percent, plus };
// `text` with every byte not in `kept` written as %XX (upper-case hex), a
// space as '+' where `space` says so (x-www-form-urlencoded). A text that
// needs nothing encoded is copied whole.
std::string percent_encode(std::string_view text, const ByteSet& kept, SpaceAs space = SpaceAs::percent);
// `text` with its %XX escapes decoded, and '+' read as a space where
// `plus_is_space` (x-www-form-urlencoded); nullopt when a '%' is not
// followed by two hex digits: guessing would read another value than the
// sender meant (a request target, a WebSub form).
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace tributary::core
