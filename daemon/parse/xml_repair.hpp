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

}  // namespace tributary::parse
