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

// The key under which the copies of one article meet (dedup level 2): its
// canonical URL without what only changes how the page is delivered — the
// scheme, a "www.", an AMP or mobile edition, a trailing slash. A key, not a
// link ("www." and "m." hosts may not answer without their prefix), so it is
// never published. Each of these gives the key of
// https://outlet.example/2026/11/29/story:
//   http://www.outlet.example/2026/11/29/story/          scheme, www., trailing slash
//   https://m.outlet.example/…, https://amp.…, mobile.…  mobile and AMP hosts
//   https://outlet.example/amp/2026/11/29/story          a leading "amp" segment
//   https://outlet.example/2026/11/29/story/amp/         a trailing one (WordPress)
//   https://outlet.example/2026/11/29/story.amp          ".amp" before the extension or at the end
//   https://outlet.example/2026/11/29/story?amp=1        amp, outputType=amp, usqp, amp_js_v parameters
//   https://outlet-example.cdn.ampproject.org/c/s/outlet.example/2026/11/29/story   the AMP cache
// Anything else is canonical_url(url), e.g. for a URL that is not http(s).
std::string story_url_key(std::string_view absolute_url);

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
