// The reserved request header fields (see http_fields.hpp).
#include "core/http_fields.hpp"

#include <algorithm>
#include <iterator>

#include "core/text.hpp"

namespace tributary::core {

bool is_reserved_header(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"host",
                                                   "content-length",
                                                   "transfer-encoding",
                                                   "connection",
                                                   "keep-alive",
                                                   "te",
                                                   "trailer",
                                                   "upgrade",
                                                   "proxy-authorization",
                                                   "proxy-connection",
                                                   "accept-encoding",
                                                   "if-none-match",
                                                   "if-modified-since"};
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [name](std::string_view reserved) { return equals_ignore_case(reserved, name); });
}

}  // namespace tributary::core
