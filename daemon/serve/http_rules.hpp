// The HTTP rules the server applies, as pure functions: content coding
// negotiation and conditional requests (RFC 9110 §12.5.3, §13), request
// targets and query strings (RFC 3986), and the access token.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace tributary::serve {

// True when Accept-Encoding allows gzip (q > 0), explicitly or through "*".
bool accepts_gzip(std::string_view accept_encoding);

// If-None-Match against our strong ETag, with the weak comparison that
// §13.1.2 prescribes for this header; "*" matches any.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// If-Modified-Since: true when the resource has not changed since then.
bool is_unmodified_since(std::string_view if_modified_since, core::Timestamp last_modified);

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// "/feed.atom?tag=a&q=x%20y" → path "/feed.atom" and the decoded pairs, in
// order ('+' is a space, as HTML forms send it). Nullopt for a path that is
// not origin-form or has an invalid percent escape.
struct Target {
  std::string path;
  QueryParameters query;
};
std::optional<Target> parse_target(std::string_view target);

// The value of `name`, all of them, or whether it is present.
std::vector<std::string> query_values(const QueryParameters& query, std::string_view name);

// Percent-encodes a query value (RFC 3986 unreserved characters stay).
std::string encode_query_value(std::string_view value);

// The password of an "Authorization: Basic …" header; nullopt otherwise.
std::optional<std::string> basic_auth_password(std::string_view authorization);

// Compares secrets in time independent of where they differ (and of their
// lengths: both are hashed first).
bool secrets_equal(std::string_view given, std::string_view expected);

}  // namespace tributary::serve
