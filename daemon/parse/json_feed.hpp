// The JSON side of the parser: JSON Feed 1.0 and 1.1 via Boost.JSON.
#pragma once

#include "parse/parse.hpp"

namespace tributary::parse {

ParseOutcome parse_json_feed(std::string_view bytes, const ParseOptions& options);

}  // namespace tributary::parse
