// fetch: one HTTP(S) GET of a feed, as a coroutine on the Fetcher's
// executor: kept-alive connections per host (capped per host and overall),
// IPv6 and IPv4 raced happy-eyeballs style, TLS with certificate and host
// name verification, proxies (CONNECT for https), redirects, conditional
// requests, gzip/deflate/br decoded while streaming, one deadline over the
// whole exchange, caps on transferred and decoded bytes, and an optional
// refusal of private addresses. Every fetch ends in one FetchResult.
//
// Error policy: nothing throws out of fetch(); every failure is a
// FetchResult with an error class and a message that names the cause and
// never contains credentials (URLs go through core::redact_url).
//
// Beast stays inside fetch/ (its .cpp files and the private headers
// fetcher_impl.hpp and connection_pool.hpp); this header only needs Asio's
// awaitable.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/defaults.hpp"
#include "core/time.hpp"

namespace tributary::config {
struct FetchConfig;
struct SourceSpec;
}  // namespace tributary::config

namespace tributary::fetch {

// The class of a failed fetch. `http` is a response with a status that is
// neither 2xx nor 304 (or a malformed one); `blocked` an address refused by
// block_private_addresses; `redirect_loop` also covers too many redirects;
// `late` a request that could not start by FetchRequest::start_by and was
// not sent.
enum class FetchError {
  none,
  invalid_url,
  dns,
  connect,
  tls,
  timeout,
  http,
  too_large,
  decode,
  redirect_loop,
  blocked,
  late
};
std::string_view to_string(FetchError error);

using Header = std::pair<std::string, std::string>;

struct FetchRequest {
  std::string url;
  // Validators from the previous answer, each sent on its own and byte for
  // byte: `etag` as If-None-Match, `last_modified` as If-Modified-Since.
  std::string etag;
  std::string last_modified;
  // FetchResult::body_hash of the previous answer: a 2xx with the same
  // decoded bytes counts as not modified (servers that ignore conditionals).
  std::string previous_body_hash;
  std::string user_agent;  // empty: default_user_agent()
  std::string from;        // the From header (an operator's e-mail); empty: none
  // Per-source extra headers, and HTTP Basic credentials. Both are sent to
  // the source's own origin only, never after a redirect to another one.
  std::vector<Header> headers;
  std::string username;
  std::string password;
  // The defaults are the configuration's ([fetch], config/defaults.hpp).
  std::chrono::seconds timeout = config::defaults::kFetchTimeout;  // DNS + connect + TLS + headers + body, all hops
  std::chrono::seconds connect_timeout = config::defaults::kConnectTimeout;  // TCP (and proxy CONNECT), one hop
  std::uint64_t max_body_bytes = config::defaults::kMaxBodyBytes;            // decoded body
  std::uint64_t max_transfer_bytes = 0;                                      // body as transferred; 0: max_body_bytes
  int max_redirects = 5;
  // Set: the request is a POST with this body (WebSub's subscription
  // requests, verifications' replies and content distribution); its
  // Content-Type and other fields go in `headers`. A POST follows no
  // redirect: a 3xx ends it as an `http` error (RFC 9110 §15.4 lets a
  // client turn a redirected POST into a GET, which would lose the body).
  std::optional<std::string> post_body;
  // Set: the request must start — a connection taken from the pool or
  // sought for it — by then, or it is not sent at all (FetchError::late).
  // A fleet's claim holds a host for a while from the claim, not from when
  // the request leaves (schedule/fleet.hpp: fleet_start_margin). The time the
  // network takes (DNS, connecting, TLS) is not counted: it is the same
  // for every daemon that asks that host.
  std::optional<std::chrono::steady_clock::time_point> start_by;
};

// One redirect that was followed.
struct RedirectHop {
  int status = 0;
  std::string from_url;
  std::string to_url;
};

// Milliseconds spent in each step of the last hop (0 when skipped, e.g. DNS
// and connect on a reused connection).
struct FetchTiming {
  std::chrono::milliseconds wait_for_connection{0};  // at the per-host or global cap
  std::chrono::milliseconds dns{0};
  std::chrono::milliseconds connect{0};
  std::chrono::milliseconds tls{0};
  std::chrono::milliseconds first_byte{0};  // request sent → response headers read
  std::chrono::milliseconds body{0};
};

struct FetchResult {
  FetchError error = FetchError::none;
  // Human-readable: set when error != none (with the status and a short body
  // excerpt for HTTP errors). Never contains credentials.
  std::string message;
  int status = 0;                      // of the last response; 0 when there was none
  std::string reason;                  // its reason phrase
  std::string final_url;               // after redirects (as requested: may hold credentials, redact before logging)
  bool is_permanent_redirect = false;  // at least one hop, and every hop was 301/308
  std::vector<RedirectHop> redirects;
  std::string body;                // decoded
  std::string body_hash;           // SHA-256 (hex) of `body` when the status is 2xx
  bool is_unchanged_body = false;  // 2xx whose body_hash equals FetchRequest::previous_body_hash
  std::string body_excerpt;        // of an error response: plain text, at most ~200 bytes

  // The headers that matter, from the last response.
  std::string content_type;  // its charset goes to the parser
  std::string content_encoding;
  std::string etag;
  std::string last_modified;
  std::string cache_control;
  std::string expires;
  std::string retry_after;  // raw
  std::string date;
  std::string link;  // the Link header (RFC 8288), every field line joined with ", "
  // 429 and 503 with Retry-After (delta-seconds or HTTP-date): no request
  // before this time.
  std::optional<core::Timestamp> retry_at;
  // From Cache-Control max-age (minus Age), else Expires minus Date: how
  // long the response stays fresh. A hint for the scheduler, never negative.
  std::optional<std::chrono::seconds> freshness;

  std::uint64_t bytes_transferred = 0;  // bytes received, headers and bodies of all hops
  std::chrono::milliseconds elapsed{0};
  FetchTiming timing;
  bool is_connection_reused = false;  // the last hop used a kept-alive connection
  std::string peer_address;           // "IP:port" of the last hop (the proxy's when proxied)
  bool is_proxied = false;

  // Nothing new: a 304, or a 2xx with the body of the previous answer.
  bool is_not_modified() const { return error == FetchError::none && (status == 304 || is_unchanged_body); }
  // A new body to parse.
  bool is_success() const { return error == FetchError::none && status >= 200 && status < 300 && !is_unchanged_body; }
  bool is_gone() const { return status == 410; }
  bool is_rate_limited() const { return status == 429 || status == 503; }
};

struct FetcherOptions {
  std::string extra_ca_file;  // a PEM bundle trusted besides the system store (tests, private CAs)
  bool use_system_ca_store = true;
  // Proxies as URLs ("http://[user:pass@]host:port"). Empty: taken from the
  // environment (http_proxy, https_proxy, no_proxy and their upper-case
  // forms) when use_environment_proxies. no_proxy entries: host names
  // (suffix match), IP addresses, CIDR networks, or "*" for everything.
  std::string http_proxy;
  std::string https_proxy;
  std::vector<std::string> no_proxy;
  bool use_environment_proxies = true;
  // Open (busy or idle) connections to one host, and overall.
  std::size_t max_connections_per_host = config::defaults::kMaxConnectionsPerHost;
  std::size_t max_connections = config::defaults::kMaxFetchConnections;
  std::chrono::seconds idle_timeout{30};  // a kept-alive connection unused this long is closed
  std::size_t max_idle_per_host = 2;
  // Refuse loopback, private, link-local, unique-local, CGNAT and metadata
  // addresses after DNS resolution, on every hop; except these networks
  // ("10.1.0.0/16", "192.0.2.7").
  bool block_private_addresses = false;
  std::vector<std::string> allowed_networks;
  // Through a proxy, a name this host cannot resolve cannot be checked: it
  // is refused (`blocked`) unless the proxy itself enforces the policy.
  bool proxy_blocks_private_addresses = false;
  // Host name → addresses used instead of DNS (like curl --resolve), for
  // tests and for `tributary fetch --resolve`.
  std::map<std::string, std::vector<std::string>> resolve_overrides;
};

// What the scheduler and `tributary fetch` derive from the configuration.
FetcherOptions fetcher_options(const config::FetchConfig& config);
// A request for `source`: URL, identity, headers, credentials and limits.
// Validators and the previous body hash are the caller's to fill in.
FetchRequest request_for(const config::FetchConfig& config, const config::SourceSpec& source);

// Counters, for tests and status output.
struct FetcherStats {
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_reused = 0;
  std::size_t open_connections = 0;
  std::size_t idle_connections = 0;
};

class Fetcher {
 public:
  // Throws std::runtime_error when the CA file cannot be loaded.
  explicit Fetcher(boost::asio::any_io_executor executor, const FetcherOptions& options = {});
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Call from coroutines running on the executor given to the constructor
  // (one thread): the pool is not guarded otherwise. The Fetcher must
  // outlive every fetch that still runs; fetches left suspended when the
  // loop stops may be destroyed with the io_context after it.
  boost::asio::awaitable<FetchResult> fetch(FetchRequest request);

  // New options for the connections opened from now on (a config reload);
  // fetches in flight finish with the old ones, idle connections close.
  // Call on the executor. Throws std::runtime_error, changing nothing, when
  // the CA file cannot be loaded.
  void reconfigure(const FetcherOptions& options);
  // Closes every idle connection (e.g. before the event loop stops).
  void close_idle_connections();
  FetcherStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The default User-Agent: "Tributary/VERSION (+PROJECT_URL)".
std::string default_user_agent();

}  // namespace tributary::fetch
