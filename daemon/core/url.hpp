// URLs: validation of absolute http(s) URLs, RFC 3986 reference resolution,
// and the canonical form used to recognize the same article across sources.
// Boost.URL does the parsing; this header keeps it out of its includers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::core {

// An absolute http or https URL with a host, or the reason it is not one.
struct UrlCheck {
  std::optional<std::string> url;  // as given (trimmed), when valid
  std::string error;
};
UrlCheck check_http_url(std::string_view text);

// Resolves `reference` against the absolute `base` (RFC 3986 §5). Bytes that
// may not appear in a URL (spaces, non-ASCII) are percent-encoded first, as
// browsers do. nullopt when neither gives an absolute URL.
std::optional<std::string> resolve_url(std::string_view base, std::string_view reference);

// True for an absolute URI (has a scheme), e.g. "urn:uuid:…" or "https://…".
bool is_absolute_uri(std::string_view text);

// Lower-case scheme and host, default port and fragment removed, dot segments
// and percent-encoding normalized, tracking parameters (utm_*, fbclid, gclid,
// mc_cid, mc_eid, …) removed. Returns the input unchanged when unparsable.
std::string canonical_url(std::string_view absolute_url);

// "example.com" for "https://Example.com:8443/x"; empty when unparsable.
std::string url_host(std::string_view absolute_url);

// The URL with any user:password removed, for logs and status output.
std::string redact_url(std::string_view absolute_url);

namespace detail {
// resolve_url and canonical_url without their fast paths for plain http(s)
// URLs: Boost.URL alone, for the test that holds the fast paths to it.
std::optional<std::string> resolve_url_with_boost(std::string_view base, std::string_view reference);
std::string canonical_url_with_boost(std::string_view absolute_url);
}  // namespace detail

}  // namespace tributary::core
