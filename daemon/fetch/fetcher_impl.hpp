// What the fetcher's source files share: the target of a hop, the response
// of one hop, the Fetcher's state (Fetcher::Impl) and the steps each file
// implements. fetch.cpp runs hops and follows redirects, connect.cpp opens
// connections, exchange.cpp sends a request and reads its response, and
// connection_pool.cpp keeps them. Private to fetch/: never included
// outside it, so Beast stays out of every other module.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fetch/connection_pool.hpp"
#include "fetch/fetch.hpp"
#include "fetch/policy.hpp"

namespace tributary::fetch {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// A GET, or a POST with a body (fetch.hpp: FetchRequest::post_body).
using OutgoingRequest = http::request<http::string_body>;

inline constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
inline constexpr std::uint32_t kHeaderLimit = 64 * 1024;
inline constexpr std::size_t kShownReasonBytes = 200;  // of an HTTP reason phrase, in messages

inline std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Where one hop goes, taken apart from its URL.
struct Target {
  bool is_https = false;
  std::string host;  // without brackets
  std::string port;
  std::string origin_form;    // path and query
  std::string absolute_form;  // for a proxy: the URL without userinfo and fragment
  std::string username;       // from the URL's userinfo, percent-decoded
  std::string password;
  bool has_userinfo = false;

  bool is_ip_literal() const {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
  }
  std::string host_header() const {
    const bool is_default_port = port == (is_https ? "443" : "80");
    const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return is_default_port ? name : name + ":" + port;
  }
  std::string authority() const { return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port; }
};

// The proxy a hop goes through, if any.
struct Route {
  std::optional<Proxy> proxy;
};

// The response of one hop, before redirects are followed.
struct HopResponse {
  FetchError error = FetchError::none;
  std::string message;
  int status = 0;
  std::string reason;
  std::string location;
  std::string content_type;
  std::string content_encoding;
  std::string etag;
  std::string last_modified;
  std::string cache_control;
  std::string expires;
  std::string retry_after;
  std::string date;
  std::string age;
  std::string link;  // every Link field line, joined with ", " (RFC 8288 §3: a list)
  std::string body;  // decoded: a 2xx's whole body, else up to kErrorBodyLimit
  std::uint64_t bytes_transferred = 0;
  FetchTiming timing;
  bool is_reused = false;
  bool is_proxied = false;
  std::string peer;
  // Set by the exchange: the connection can serve another request, or the
  // request may be retried on a fresh one (a kept-alive connection the
  // server had closed).
  bool is_keep_alive = false;
  bool is_retryable = false;
};

HopResponse failure(FetchError error, std::string message);

// ---- exchange.cpp ----

// What a failed read or write means for the user, and its error class.
std::string describe_io_error(const boost::system::error_code& ec);
FetchError classify_io_error(const boost::system::error_code& ec);

// The GET (or POST, with FetchRequest::post_body) for one hop: absolute-form through a plain-HTTP proxy; the
// source's headers and credentials only on its own origin.
OutgoingRequest make_request(const Target& target, const FetchRequest& request, bool is_original_origin,
                             bool is_via_proxy, const Route& route);
// Sends `message` on `connection` and reads the response, its body decoded,
// all before `deadline`.
asio::awaitable<HopResponse> exchange(Connection& connection, const OutgoingRequest& message,
                                      const FetchRequest& request, Clock::time_point deadline, const std::string& host);

// ---- connect.cpp ----

// The addresses of a name, or why there are none.
struct Resolved {
  std::vector<tcp::endpoint> endpoints;
  FetchError error = FetchError::none;
  std::string message;
};

// The socket that won the connection race, or why none did.
struct Connected {
  std::optional<tcp::socket> socket;
  tcp::endpoint endpoint;
  FetchError error = FetchError::none;
  std::string message;
};

// A connection ready for requests (tunnelled, TLS done), or why not.
struct Opened {
  ConnectionPtr connection;
  FetchError error = FetchError::none;
  std::string message;
};

// The Fetcher's state: the options in force, what is derived from them
// (TLS context, proxies, allowed networks) and the pool. Its member
// functions are the steps of a hop that need that state.
struct Fetcher::Impl {
  explicit Impl(asio::any_io_executor io_executor) : executor(io_executor), pool(std::move(io_executor)) {}

  asio::any_io_executor executor;
  FetcherOptions options;
  // Replaced on reconfigure(); a connection's SSL object keeps its own
  // reference to the context it was made with.
  std::unique_ptr<ssl::context> tls;
  std::optional<Proxy> http_proxy;
  std::optional<Proxy> https_proxy;
  std::string http_proxy_error;
  std::string https_proxy_error;
  std::vector<std::string> no_proxy;
  std::vector<Network> allowed_networks;
  // Declared after `tls`: idle connections close before their context goes.
  ConnectionPool pool;

  // Takes `new_options` for every connection opened from now on. Throws
  // std::runtime_error when the CA file cannot be loaded (nothing changes).
  void apply(const FetcherOptions& new_options);

  // The proxy for `target`, or an error when the configured one is unusable.
  Route route_for(const Target& target, std::string& error) const;
  asio::awaitable<Resolved> resolve(const std::string& host, const std::string& port, Clock::time_point deadline);
  // Keeps only the addresses block_private_addresses allows.
  Resolved filter_blocked(Resolved resolved, const std::string& host) const;
  // Opens a connection to `target` (through the route's proxy) on `slot`:
  // resolve, refuse blocked addresses, connect, tunnel, TLS.
  asio::awaitable<Opened> open(const Target& target, const Route& route, Slot slot, Clock::time_point deadline,
                               std::chrono::seconds connect_timeout, FetchTiming& timing);

  // ---- fetch.cpp ----

  // One hop: a connection (kept-alive or new), one request, one response.
  // `start_by`: the first hop's FetchRequest::start_by.
  asio::awaitable<HopResponse> hop(const std::string& url, const FetchRequest& request, bool is_original_origin,
                                   Clock::time_point deadline, std::optional<Clock::time_point> start_by);

  // ---- connect.cpp, the steps of open() ----

  bool is_allowed_despite_block(const std::string& ip) const;
  asio::awaitable<Connected> connect_any(const std::vector<tcp::endpoint>& endpoints, const std::string& host,
                                         Clock::time_point connect_deadline);
  // TLS on `stream` for `target`, with certificate and host name checks.
  asio::awaitable<Opened> start_tls(ConnectionPtr connection, PlainStream stream, const Target& target,
                                    Clock::time_point deadline, FetchTiming& timing);
};

}  // namespace tributary::fetch
