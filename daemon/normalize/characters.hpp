// The characters normalize lets through, and the small syntaxes it checks
// before handing a value on: whatever a feed carries, no string normalize
// returns holds a character a reader could choke on, and a language or a
// media type is one or is absent. Internal to normalize.
#pragma once

#include <string>
#include <string_view>

namespace tributary::normalize {

// What core::is_publishable refuses but U+FFFD: C0 controls but tab, line
// feed and carriage return; DEL and the C1 controls (U+007F–U+009F), which
// XML 1.0 §2.2 discourages and no text means; noncharacters (U+FDD0–U+FDEF
// and U+xFFFE/U+xFFFF of every plane, Unicode §23.7); surrogates, which are
// no characters at all.
bool is_forbidden_character(char32_t c);

// True when `text` is valid UTF-8 without a forbidden character.
bool is_clean_text(std::string_view text);

// `text` without its forbidden characters (an encoded surrogate — three
// bytes — among them); any other invalid UTF-8 becomes U+FFFD.
std::string without_forbidden_characters(std::string_view text);

// In place, copying only when something goes.
void remove_forbidden_characters(std::string& text);

// `text` without the white space at its ends, Unicode's included (U+00A0
// no-break space, U+2000–U+200A, U+3000 …): what readers strip from a
// title ("complexe&nbsp;" in a French feed), so that the title they show
// and the atom:title they compare it with agree. Spaces inside stay.
std::string trim_white_space(std::string_view text);

// A language tag as BCP 47 (RFC 5646 §2.1) shapes it — letters, digits and
// hyphens, a 2–8 letter primary subtag, 1–8 character subtags — written
// with "_" for "-" as some feeds do ("en_US" → "en-US"); empty otherwise.
std::string language_tag(std::string_view text);

// A media type (RFC 6838 §4.2: type "/" subtype, optional parameters as in
// RFC 9110 §8.3.1), type and subtype in lower case; empty otherwise.
std::string media_type(std::string_view text);

}  // namespace tributary::normalize
