// What the bytes of a document are when nothing says so, or when what is
// said is plainly wrong: the legacy charset of bytes that are not UTF-8
// (uchardet, the detector Firefox's was derived from), and UTF-8 that was
// read as windows-1252 and encoded again ("â€¦" for "…"). Used by
// encoding.cpp only where no byte order mark decides.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::parse {

// The iconv name of the charset of `bytes` (lower-case: "windows-1251",
// "koi8-r", "shift_jis", "euc-jp", "uhc", …). "windows-1252" when uchardet
// has no answer, answers UTF-8 or ASCII, or the document holds too few
// non-ASCII bytes for any answer to be more than a guess.
std::string detect_legacy_charset(std::string_view bytes);

// The bytes `text` (UTF-8) stood for before it was read as windows-1252 (or
// Latin-1) and encoded as UTF-8 again — only when every non-ASCII character
// of the whole text maps back to a byte and every run of such bytes is valid
// UTF-8. Real text never is: an accented letter of French, German or Czech
// ("été", "Größe", "žluťoučký") maps to a byte that does not start a UTF-8
// sequence where it stands. nullopt otherwise.
std::optional<std::string> undo_double_encoding(std::string_view text);

}  // namespace tributary::parse
