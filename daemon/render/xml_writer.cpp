// XmlWriter escaping. Every string that reaches an XML document Tributary
// writes passes here, so this is where the guarantee "output is always
// well-formed" is kept: whatever a feed, the configuration or an upstream
// server put in a string, what XML 1.0 forbids (and what it discourages,
// see core::is_publishable) is dropped, and so are invalid UTF-8 bytes.
#include "render/xml_writer.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace tributary::render {
namespace {

bool is_reference_start(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return c == '#' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         byte >= 0x80;
}

}  // namespace

void XmlWriter::escape(std::string_view text, bool is_attribute) {
  for (std::size_t pos = 0; pos < text.size();) {
    const char c = text[pos];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      char32_t code_point = 0;
      const std::size_t length = core::decode_utf8(text, pos, code_point);
      if (length != 0 && core::is_publishable(code_point)) out_.append(text.substr(pos, length));
      pos += std::max<std::size_t>(length, 1);
      continue;
    }
    ++pos;
    switch (c) {
      case '&':
        // `&#x26;` where the text reads like an entity or a character
        // reference ("AT&T", "1&1"): the RSS Profile's advice, which the W3C
        // validator follows to tell text from escaped HTML.
        if (!is_attribute && pos < text.size() && is_reference_start(text[pos]))
          out_ += "&#x26;";
        else
          out_ += "&amp;";
        break;
      case '<':
        out_ += "&lt;";
        break;
      case '>':
        out_ += "&gt;";
        break;
      case '"':
        if (is_attribute)
          out_ += "&quot;";
        else
          out_ += c;
        break;
      case '\n':
      case '\t':
        if (is_attribute)
          out_ += c == '\n' ? "&#10;" : "&#9;";
        else
          out_ += c;
        break;
      case '\r':
        out_ += "&#13;";
        break;
      default:
        if (byte >= 0x20 && byte != 0x7F) out_ += c;  // other C0 controls (and DEL, a C0-like control) are dropped
    }
  }
}

}  // namespace tributary::render
