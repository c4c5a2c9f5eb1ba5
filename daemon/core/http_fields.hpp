// Request header fields the fetcher sets itself (framing, connection,
// compression, validators): a source's `headers` cannot set them. One list
// for the configuration's check and the fetcher's request.
#pragma once

#include <string_view>

namespace tributary::core {

bool is_reserved_header(std::string_view name);

}  // namespace tributary::core
