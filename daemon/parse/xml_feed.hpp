// The XML side of the parser: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 via libxml2.
#pragma once

#include "parse/parse.hpp"

namespace tributary::parse {

// `text` must be UTF-8 (parse_feed decodes the bytes first).
ParseOutcome parse_xml_feed(std::string_view text, const ParseOptions& options);

}  // namespace tributary::parse
