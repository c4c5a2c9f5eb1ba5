// XmlWriter escaping.
#include "render/xml_writer.hpp"

namespace tributary::render {

void XmlWriter::escape(std::string_view text, bool is_attribute) {
  for (char c : text) {
    switch (c) {
      case '&': out_ += "&amp;"; break;
      case '<': out_ += "&lt;"; break;
      case '>': out_ += "&gt;"; break;
      case '"':
        if (is_attribute) out_ += "&quot;";
        else out_ += c;
        break;
      case '\n':
      case '\t':
        if (is_attribute) out_ += c == '\n' ? "&#10;" : "&#9;";
        else out_ += c;
        break;
      case '\r': out_ += "&#13;"; break;
      default: out_ += c;
    }
  }
}

}  // namespace tributary::render
