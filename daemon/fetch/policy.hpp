// The fetcher's protocol and policy decisions, as pure functions tested
// without sockets: redirects, Retry-After, freshness, credentials, error
// excerpts, which addresses to refuse, in which order to try addresses, and
// which proxy a URL goes through.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_fields.hpp"
#include "core/network.hpp"
#include "core/time.hpp"
#include "fetch/fetch.hpp"

namespace tributary::fetch {

// ---- Redirects (RFC 9110 §15.4) ----

bool is_redirect_status(int status);            // 301, 302, 303, 307, 308
bool is_permanent_redirect_status(int status);  // 301, 308

struct RedirectDecision {
  std::optional<std::string> next_url;  // set: follow it
  FetchError error = FetchError::none;  // else why not
  std::string message;
};
// `visited` holds every URL requested so far, the current one included;
// `redirects_so_far` the hops already followed.
RedirectDecision decide_redirect(std::string_view current_url, int status, std::string_view location,
                                 const std::vector<std::string>& visited, int redirects_so_far, int max_redirects);

// Same scheme, host and port: credentials and per-source headers go along.
bool is_same_origin(std::string_view a, std::string_view b);

// ---- Dates, Retry-After and freshness ----

// IMF-fixdate, and the obsolete RFC 850 and asctime forms that RFC 9110
// §5.6.7 says a recipient must accept.
std::optional<core::Timestamp> parse_http_date_lenient(std::string_view text);

// Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3), as an
// absolute time no earlier than `now`.
std::optional<core::Timestamp> parse_retry_after(std::string_view value, core::Timestamp now);

struct CachingHeaders {
  std::string_view cache_control;
  std::string_view expires;
  std::string_view date;
  std::string_view age;
};
// How long a response stays fresh (RFC 9111 §4.2.1): max-age minus Age,
// else Expires minus Date (or `now`); 0 for no-store/no-cache or a date in
// the past; nullopt when the response says nothing.
std::optional<std::chrono::seconds> freshness_lifetime(const CachingHeaders& headers, core::Timestamp now);

// ---- Requests and responses ----

std::string base64(std::string_view bytes);
// "Basic dXNlcjpwYXNz" (RFC 7617).
std::string basic_authorization(std::string_view username, std::string_view password);

// The fields a source's `headers` cannot set (one list with the
// configuration's check).
using core::is_reserved_header;

// A short plain-text excerpt of an error page: tags dropped, whitespace
// collapsed, valid UTF-8, at most `max_bytes` (cut with "…").
std::string body_excerpt(std::string_view body, std::size_t max_bytes = 200);

// ---- Addresses ----

// Why block_private_addresses refuses this IP address ("loopback",
// "private", "link-local", "cloud metadata", ...), or nullopt when it is
// public. An unparsable address is refused as "unparsable".
std::optional<std::string> blocked_address_reason(std::string_view ip);

// Networks (allowed_networks, no_proxy) are read as the configuration
// reads them.
using core::Network;
using core::network_contains;
using core::parse_network;

// Happy eyeballs (RFC 8305 §4): the order to try resolved addresses in,
// alternating families and starting with the family the resolver put first.
std::vector<std::size_t> connection_order(const std::vector<bool>& is_ipv6);

// ---- Proxies ----

struct Proxy {
  std::string host;
  std::string port;
  std::string authorization;  // Proxy-Authorization value, or empty
  std::string display;        // the proxy URL without credentials
};
struct ProxyParse {
  std::optional<Proxy> proxy;
  std::string error;
};
// "http://[user:pass@]host[:port]" or "host:port"; only http proxies.
ProxyParse parse_proxy_url(std::string_view text);

// no_proxy: "*", host names (matching the host and its subdomains, with or
// without a leading dot, optionally ":port"), IP addresses and CIDR networks.
bool is_proxy_bypassed(std::string_view host, std::string_view port, const std::vector<std::string>& no_proxy);

// A comma- or space-separated no_proxy environment value as a list.
std::vector<std::string> split_no_proxy(std::string_view value);

}  // namespace tributary::fetch
