// HTML's named character references (the WHATWG list: HTML 4's 253 names and
// HTML5's additions, 2,125 in all). Feeds write them where XML does not know
// them ("&nbsp;" in an RSS title); the XML repair pass and normalize's entity
// decoder read them from this one table.
#pragma once

#include <span>
#include <string_view>

namespace tributary::parse {

struct HtmlEntity {
  std::string_view name;   // without '&' and ';', case-sensitive ("Eacute")
  std::string_view value;  // UTF-8, one or two code points
  bool is_legacy;          // also recognized without the ';' ("&copy 2025")
};

// nullptr when `name` is not an HTML named character reference.
const HtmlEntity* find_html_entity(std::string_view name);

// Every entry, sorted by name.
std::span<const HtmlEntity> all_html_entities();

}  // namespace tributary::parse
