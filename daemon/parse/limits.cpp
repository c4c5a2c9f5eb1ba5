// The wording of the limit errors (see limits.hpp).
#include "parse/limits.hpp"

namespace tributary::parse {

std::string document_too_large_error(std::size_t document_bytes, const ParseLimits& limits) {
  return "document too large: " + std::to_string(document_bytes) + " bytes (limit " +
         std::to_string(limits.max_document_bytes) + ")";
}

std::string too_many_items_error(const ParseLimits& limits) {
  return "too many items: the document has more than " + std::to_string(limits.max_items) + " (the limit)";
}

std::string too_deep_error(const ParseLimits& limits) {
  return "document nesting deeper than " + std::to_string(limits.max_depth) + " levels (the limit)";
}

std::optional<std::string> limit_error(const LimitsMet& met, const ParseLimits& limits) {
  if (met.has_too_many_items) return too_many_items_error(limits);
  if (met.is_too_deep) return too_deep_error(limits);
  return std::nullopt;
}

}  // namespace tributary::parse
