// The one wording of each ParseLimits error, wherever a limit is met: the
// front door (size), the XML hooks and the walk of the tree (items,
// depth), the JSON reader (items).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "parse/parse.hpp"

namespace tributary::parse {

std::string document_too_large_error(std::size_t document_bytes, const ParseLimits& limits);
std::string too_many_items_error(const ParseLimits& limits);
std::string too_deep_error(const ParseLimits& limits);

// Which limits a reading ran into. When both, the items are reported.
struct LimitsMet {
  bool has_too_many_items = false;
  bool is_too_deep = false;
};
std::optional<std::string> limit_error(const LimitsMet& met, const ParseLimits& limits);

}  // namespace tributary::parse
