// A pass over decoded (UTF-8) XML before libxml2 sees it, repairing what real
// feeds get wrong and libxml2's recovery would lose: HTML named entities XML
// does not define ("&nbsp;" becomes "&#160;"), bare ampersands ("AT&T"),
// numeric references to characters XML forbids, and a "<" that opens no tag.
// CDATA sections, comments, processing instructions and the DOCTYPE are left
// exactly as written; entities the internal DTD subset declares are kept.
#pragma once

#include <string>
#include <string_view>

namespace tributary::parse {

struct MarkupRepair {
  bool is_changed = false;
  std::string text;    // the repaired document, when is_changed
  std::string reason;  // the first repair, e.g. "line 7: undefined entity &nbsp; read as HTML's"
};

MarkupRepair repair_markup(std::string_view xml);

// The same pass over repaired markup, writing "&amp;", "&lt;", "&gt;",
// "&quot;" and "&apos;" as character references ("&#38;", …) outside
// CDATA, comments, processing instructions and the DOCTYPE. For documents
// that are not well-formed: after its first error libxml2's recovery drops
// every entity reference it meets, the predefined ones too (parser.c,
// xmlParseReference: "if (!ctxt->wellFormed) return;"), which made a link
// "?utm_source=x&amp;b=1" read "?utm_source=xb=1"; character references it
// keeps.
MarkupRepair predefined_entities_as_numbers(std::string_view xml);

}  // namespace tributary::parse
