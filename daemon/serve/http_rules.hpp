// The HTTP rules the server applies, as pure functions: content coding
// negotiation and conditional requests (RFC 9110 §12.5.3, §13).
#pragma once

#include <string_view>

#include "core/time.hpp"

namespace tributary::serve {

// True when Accept-Encoding allows gzip (q > 0), explicitly or through "*".
bool accepts_gzip(std::string_view accept_encoding);

// If-None-Match against our strong ETag, with the weak comparison that
// §13.1.2 prescribes for this header; "*" matches any.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// If-Modified-Since: true when the resource has not changed since then.
bool is_unmodified_since(std::string_view if_modified_since, core::Timestamp last_modified);

}  // namespace tributary::serve
