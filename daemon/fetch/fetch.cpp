// The HTTP(S) client. One coroutine per fetch and one hop per redirect:
// take a kept-alive connection from the pool or open one (resolve, refuse
// blocked addresses, race the addresses happy-eyeballs style, CONNECT
// through a proxy, TLS), send the request, read the headers, stream the
// body through the decoder. All of it under the request's deadline.
//
// Threading: the pool and its counters belong to the Fetcher's executor,
// which is the I/O loop's single thread; fetch() runs there, so nothing
// here takes a lock. Completion handlers of connect attempts hold a
// shared_ptr to their race, so they may run after the fetch moved on.
#include "fetch/fetch.hpp"

#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <list>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/text.hpp"
#include "core/url.hpp"
#include "core/version.hpp"
#include "fetch/decode.hpp"
#include "fetch/policy.hpp"

namespace tributary::fetch {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
using std::chrono::milliseconds;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr std::size_t kShownReasonBytes = 200;  // of an HTTP reason phrase, in messages
// How much of an error or redirect body is read (to keep the connection)
// and decoded (for the excerpt).
constexpr std::uint64_t kErrorBodyLimit = 64 * 1024;
// RFC 8305 §5: "Connection Attempt Delay", 250 ms recommended.
constexpr milliseconds kAttemptDelay{250};
constexpr std::size_t kReadChunk = 16 * 1024;

milliseconds since(Clock::time_point start) { return std::chrono::duration_cast<milliseconds>(Clock::now() - start); }

std::string seconds_text(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

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
    error_code ec;
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

std::optional<Target> target_of(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  const auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return std::nullopt;
  Target target;
  target.is_https = scheme == boost::urls::scheme::https;
  target.host = core::to_lower_ascii(parsed->encoded_host_address());
  if (target.host.size() > 2 && target.host.front() == '[') target.host = target.host.substr(1, target.host.size() - 2);
  if (target.host.empty()) return std::nullopt;
  target.port =
      parsed->has_port() && !parsed->port().empty() ? std::string(parsed->port()) : (target.is_https ? "443" : "80");
  target.origin_form = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) target.origin_form += "?" + std::string(parsed->encoded_query());
  target.absolute_form = std::string(parsed->scheme()) + "://" + target.host_header() + target.origin_form;
  if (parsed->has_userinfo()) {
    target.has_userinfo = true;
    target.username = parsed->user();
    target.password = parsed->has_password() ? parsed->password() : "";
  }
  return target;
}

using PlainStream = beast::tcp_stream;
using SecureStream = beast::ssl_stream<beast::tcp_stream>;

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

HopResponse failure(FetchError error, std::string message) {
  HopResponse response;
  response.error = error;
  response.message = std::move(message);
  return response;
}

std::string describe_io_error(const error_code& ec) {
  if (ec == asio::error::connection_reset) return "the connection was reset by the server";
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == http::error::partial_message ||
      ec == ssl::error::stream_truncated)
    return "the server closed the connection before the response was complete";
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category())
    return "the server did not answer with valid HTTP (" + ec.message() + ")";
  return ec.message();
}

FetchError classify_io_error(const error_code& ec) {
  if (ec == beast::error::timeout) return FetchError::timeout;
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == asio::error::connection_aborted)
    return FetchError::connect;
  if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return FetchError::too_large;
  if (ec == ssl::error::stream_truncated) return FetchError::http;
  if (ec.category() == asio::error::get_ssl_category()) return FetchError::tls;
  return FetchError::http;
}

std::string tls_failure_text(SSL* handle, const error_code& ec) {
  const long verify = SSL_get_verify_result(handle);
  if (verify != X509_V_OK) return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  return ec.message();
}

}  // namespace

std::string_view to_string(FetchError error) {
  switch (error) {
    case FetchError::none:
      return "none";
    case FetchError::invalid_url:
      return "invalid_url";
    case FetchError::dns:
      return "dns";
    case FetchError::connect:
      return "connect";
    case FetchError::tls:
      return "tls";
    case FetchError::timeout:
      return "timeout";
    case FetchError::http:
      return "http";
    case FetchError::too_large:
      return "too_large";
    case FetchError::decode:
      return "decode";
    case FetchError::redirect_loop:
      return "redirect_loop";
    case FetchError::blocked:
      return "blocked";
  }
  return "unknown";
}

std::string default_user_agent() {
  return "Tributary/" + std::string(core::kVersion) + " (+" + std::string(core::kProjectUrl) + ")";
}

struct Fetcher::Impl {
  struct Connection;

  // The counts behind the caps. Shared with the slots, so that a fetch whose
  // frame is destroyed after the Fetcher (an io_context torn down with
  // fetches suspended) releases nothing into freed memory.
  struct Counts {
    std::map<std::string, std::size_t> open_per_host;
    std::size_t open_total = 0;
    std::list<std::shared_ptr<asio::steady_timer>> waiters;  // fetches waiting at a cap

    void release(const std::string& host) {
      if (auto found = open_per_host.find(host); found != open_per_host.end() && --found->second == 0)
        open_per_host.erase(found);
      --open_total;
      wake_waiters();
    }
    void wake_waiters() {
      for (const auto& waiter : waiters) waiter->cancel();
    }
  };

  // One counted open connection to a host (busy or idle). Releasing it wakes
  // the fetches waiting at a cap.
  class Slot {
   public:
    Slot() = default;
    Slot(const std::shared_ptr<Counts>& counts, std::string host) : counts_(counts), host_(std::move(host)) {}
    Slot(Slot&& other) noexcept : counts_(std::move(other.counts_)), host_(std::move(other.host_)) {
      other.counts_.reset();
    }
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        reset();
        counts_ = std::move(other.counts_);
        other.counts_.reset();
        host_ = std::move(other.host_);
      }
      return *this;
    }
    ~Slot() { reset(); }
    const std::string& host() const { return host_; }

   private:
    void reset() {
      if (auto counts = std::exchange(counts_, {}).lock()) counts->release(host_);
    }
    std::weak_ptr<Counts> counts_;
    std::string host_;
  };

  struct Connection {
    Slot slot;  // destroyed after the streams: the socket is closed when the slot frees
    std::string pool_key;
    std::optional<PlainStream> plain;
    std::optional<SecureStream> secure;
    beast::flat_buffer buffer;
    std::string peer;
    bool is_proxied = false;
    Clock::time_point idle_since;

    ~Connection() {
      // Close before the slot is released, so the cap counts sockets.
      secure.reset();
      plain.reset();
    }
    beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  };
  using ConnectionPtr = std::unique_ptr<Connection>;

  struct Route {
    std::optional<Proxy> proxy;
  };

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

  // The pool (executor thread only).
  std::shared_ptr<Counts> counts = std::make_shared<Counts>();
  FetcherStats counters;
  std::map<std::string, std::vector<ConnectionPtr>> idle;  // by pool key; the newest last

  ~Impl() { idle.clear(); }  // while the counters they release still exist

  // Takes `new_options` for every connection opened from now on. Throws
  // std::runtime_error when the CA file cannot be loaded (nothing changes).
  void apply(const FetcherOptions& new_options) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
    if (new_options.use_system_ca_store) context->set_default_verify_paths();
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (!new_options.extra_ca_file.empty()) {
      error_code ec;
      context->load_verify_file(new_options.extra_ca_file, ec);
      if (ec) throw std::runtime_error("cannot load the CA file " + new_options.extra_ca_file + ": " + ec.message());
    }
    tls = std::move(context);
    options = new_options;

    const auto from_environment = [&new_options](const char* lower, const char* upper) -> std::string {
      if (!new_options.use_environment_proxies) return {};
      if (const char* value = std::getenv(lower); value && *value) return value;
      if (const char* value = std::getenv(upper); value && *value) return value;
      return {};
    };
    const auto configure_proxy = [](const std::string& url, const char* name, std::optional<Proxy>& proxy,
                                    std::string& error) {
      proxy.reset();
      error.clear();
      if (url.empty()) return;
      ProxyParse parsed = parse_proxy_url(url);
      proxy = std::move(parsed.proxy);
      if (!parsed.error.empty()) error = std::string(name) + ": " + parsed.error;
    };
    configure_proxy(
        new_options.http_proxy.empty() ? from_environment("http_proxy", "HTTP_PROXY") : new_options.http_proxy,
        "http_proxy", http_proxy, http_proxy_error);
    configure_proxy(
        new_options.https_proxy.empty() ? from_environment("https_proxy", "HTTPS_PROXY") : new_options.https_proxy,
        "https_proxy", https_proxy, https_proxy_error);
    no_proxy =
        new_options.no_proxy.empty() ? split_no_proxy(from_environment("no_proxy", "NO_PROXY")) : new_options.no_proxy;
    allowed_networks.clear();
    for (const std::string& text : new_options.allowed_networks)
      if (auto network = parse_network(text)) allowed_networks.push_back(*network);
    // Kept-alive connections may go through a proxy that is no longer wanted.
    idle.clear();
  }

  std::size_t idle_count() const {
    std::size_t count = 0;
    for (const auto& [key, list] : idle) count += list.size();
    return count;
  }

  void prune_idle(Clock::time_point now) {
    for (auto it = idle.begin(); it != idle.end();) {
      auto& list = it->second;
      std::erase_if(list, [&](const ConnectionPtr& c) { return now - c->idle_since >= options.idle_timeout; });
      it = list.empty() ? idle.erase(it) : std::next(it);
    }
  }

  // Closes the idle connection that waited longest among those `matches` accepts.
  template <typename Predicate>
  bool evict_oldest_idle(Predicate matches) {
    std::vector<ConnectionPtr>* oldest_list = nullptr;
    std::size_t oldest_index = 0;
    for (auto& [key, list] : idle) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (!matches(*list[i])) continue;
        if (!oldest_list || list[i]->idle_since < (*oldest_list)[oldest_index]->idle_since) {
          oldest_list = &list;
          oldest_index = i;
        }
      }
    }
    if (!oldest_list) return false;
    oldest_list->erase(oldest_list->begin() + static_cast<std::ptrdiff_t>(oldest_index));
    return true;
  }

  // A kept-alive connection is usable when nothing arrived on it while it
  // was idle: data there is a close_notify, an EOF, or garbage.
  static bool is_still_usable(Connection& connection) {
    auto& socket = connection.tcp().socket();
    if (!socket.is_open() || connection.buffer.size() != 0) return false;
    error_code ec;
    socket.non_blocking(true, ec);
    if (ec) return false;
    char byte = 0;
    socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    error_code ignored;
    socket.non_blocking(false, ignored);
    return ec == asio::error::would_block;
  }

  void return_to_pool(ConnectionPtr connection) {
    connection->tcp().expires_never();
    connection->idle_since = Clock::now();
    auto& list = idle[connection->pool_key];
    list.push_back(std::move(connection));
    while (list.size() > std::max<std::size_t>(1, options.max_idle_per_host)) list.erase(list.begin());
    counts->wake_waiters();
  }

  struct Acquired {
    ConnectionPtr reused;
    Slot slot;  // when nothing could be reused: room for a new connection
    FetchError error = FetchError::none;
    std::string message;
  };

  // A kept-alive connection for `pool_key`, or a slot for a new one to
  // `host`, waiting at the caps until one frees or the deadline passes.
  asio::awaitable<Acquired> acquire(const std::string& pool_key, const std::string& host, Clock::time_point deadline) {
    Acquired acquired;
    const std::size_t per_host_cap = std::max<std::size_t>(1, options.max_connections_per_host);
    const std::size_t total_cap = std::max<std::size_t>(1, options.max_connections);
    auto& open_per_host = counts->open_per_host;
    for (;;) {
      prune_idle(Clock::now());
      if (auto found = idle.find(pool_key); found != idle.end()) {
        auto& list = found->second;
        while (!list.empty()) {
          ConnectionPtr candidate = std::move(list.back());
          list.pop_back();
          if (is_still_usable(*candidate)) {
            acquired.reused = std::move(candidate);
            ++counters.connections_reused;
            co_return acquired;
          }
        }
        idle.erase(found);
      }
      // An idle connection to the same host under another key (http vs
      // https, another port) gives way at the per-host cap; any idle one
      // at the global cap.
      if (open_per_host[host] >= per_host_cap)
        evict_oldest_idle([&host](const Connection& c) { return c.slot.host() == host; });
      if (open_per_host[host] < per_host_cap && counts->open_total >= total_cap)
        evict_oldest_idle([](const Connection&) { return true; });
      if (open_per_host[host] < per_host_cap && counts->open_total < total_cap) {
        ++open_per_host[host];
        ++counts->open_total;
        acquired.slot = Slot(counts, host);
        co_return acquired;
      }
      if (Clock::now() >= deadline) break;
      auto waiter = std::make_shared<asio::steady_timer>(executor, deadline);
      counts->waiters.push_back(waiter);
      co_await waiter->async_wait(kUseTuple);  // woken by a release, or the deadline
      counts->waiters.remove(waiter);
      if (Clock::now() >= deadline) break;
    }
    if (open_per_host[host] == 0) open_per_host.erase(host);
    acquired.error = FetchError::timeout;
    acquired.message = "timed out waiting for a free connection to " + host + " (at most " +
                       std::to_string(per_host_cap) + " per host, " + std::to_string(total_cap) + " overall)";
    co_return acquired;
  }

  Route route_for(const Target& target, std::string& error) const {
    Route route;
    const auto& proxy = target.is_https ? https_proxy : http_proxy;
    const auto& proxy_error = target.is_https ? https_proxy_error : http_proxy_error;
    if (is_proxy_bypassed(target.host, target.port, no_proxy)) return route;
    if (!proxy_error.empty()) error = proxy_error;
    route.proxy = proxy;
    return route;
  }

  bool is_allowed_despite_block(const std::string& ip) const {
    return std::any_of(allowed_networks.begin(), allowed_networks.end(),
                       [&ip](const Network& network) { return network_contains(network, ip); });
  }

  // ---- Resolving and connecting ----

  struct Resolved {
    std::vector<tcp::endpoint> endpoints;
    FetchError error = FetchError::none;
    std::string message;
  };

  asio::awaitable<Resolved> resolve(const std::string& host, const std::string& port, Clock::time_point deadline) {
    Resolved resolved;
    const auto port_number = static_cast<std::uint16_t>(std::strtoul(port.c_str(), nullptr, 10));
    if (auto override = options.resolve_overrides.find(host); override != options.resolve_overrides.end()) {
      for (const std::string& text : override->second) {
        error_code ec;
        const auto address = asio::ip::make_address(text, ec);
        if (!ec) resolved.endpoints.emplace_back(address, port_number);
      }
      if (resolved.endpoints.empty()) {
        resolved.error = FetchError::dns;
        resolved.message = "cannot resolve " + host + ": no usable address in the resolve override";
      }
      co_return resolved;
    }
    // getaddrinfo cannot be timed out; cancel the resolver when the
    // deadline passes. The timer's handler holds only a weak reference.
    auto resolver = std::make_shared<tcp::resolver>(executor);
    asio::steady_timer dns_timer(executor, deadline);
    dns_timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](const error_code& ec) {
      if (ec) return;
      if (auto alive = weak.lock()) alive->cancel();
    });
    // No AI_ADDRCONFIG: IPv6 addresses are tried too, and an unreachable
    // family fails fast in the race below.
    auto [resolve_error, results] =
        co_await resolver->async_resolve(host, port, tcp::resolver::numeric_service, kUseTuple);
    dns_timer.cancel();
    if (resolve_error == asio::error::operation_aborted || (resolve_error && Clock::now() >= deadline)) {
      resolved.error = FetchError::timeout;
      resolved.message = "timed out resolving " + host;
      co_return resolved;
    }
    if (resolve_error || results.empty()) {
      resolved.error = FetchError::dns;
      resolved.message =
          "cannot resolve " + host + ": " + (resolve_error ? resolve_error.message() : std::string("no addresses"));
      co_return resolved;
    }
    for (const auto& entry : results) {
      const tcp::endpoint endpoint = entry.endpoint();
      if (std::find(resolved.endpoints.begin(), resolved.endpoints.end(), endpoint) == resolved.endpoints.end())
        resolved.endpoints.push_back(endpoint);
    }
    co_return resolved;
  }

  // Keeps only the addresses block_private_addresses allows.
  Resolved filter_blocked(Resolved resolved, const std::string& host) const {
    if (!options.block_private_addresses || resolved.error != FetchError::none) return resolved;
    std::vector<tcp::endpoint> allowed;
    std::string first_reason;
    std::string first_address;
    for (const tcp::endpoint& endpoint : resolved.endpoints) {
      const std::string ip = endpoint.address().to_string();
      const auto reason = blocked_address_reason(ip);
      if (!reason || is_allowed_despite_block(ip)) {
        allowed.push_back(endpoint);
      } else if (first_reason.empty()) {
        first_reason = *reason;
        first_address = ip;
      }
    }
    if (allowed.empty()) {
      resolved.error = FetchError::blocked;
      resolved.message = "refusing to connect to " + host + ": it resolves to " + first_address + ", a " +
                         first_reason + " address (fetch.block_private_addresses is on)";
    }
    resolved.endpoints = std::move(allowed);
    return resolved;
  }

  // State shared by the connect attempts of one race and the coroutine that
  // runs it; handlers keep it alive after the coroutine has moved on.
  struct ConnectRace {
    explicit ConnectRace(const asio::any_io_executor& ex) : wake(ex) {}
    asio::steady_timer wake;
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    std::optional<tcp::socket> winner;
    tcp::endpoint winner_endpoint;
    int running = 0;
    bool has_new_failure = false;
    error_code last_error;
    tcp::endpoint last_failed;
  };

  static void start_attempt(const std::shared_ptr<ConnectRace>& race, const tcp::endpoint& endpoint) {
    auto& socket = *race->sockets.emplace_back(std::make_unique<tcp::socket>(race->wake.get_executor()));
    ++race->running;
    socket.async_connect(endpoint, [race, &socket, endpoint](const error_code& ec) {
      --race->running;
      if (!ec && !race->winner) {
        race->winner.emplace(std::move(socket));
        race->winner_endpoint = endpoint;
      } else if (ec && ec != asio::error::operation_aborted) {
        race->last_error = ec;
        race->last_failed = endpoint;
        race->has_new_failure = true;
      }
      race->wake.cancel();
    });
  }

  struct Connected {
    std::optional<tcp::socket> socket;
    tcp::endpoint endpoint;
    FetchError error = FetchError::none;
    std::string message;
  };

  // Happy eyeballs (RFC 8305 §5): start with the first address, start the
  // next one when an attempt fails or after kAttemptDelay without an
  // answer, keep the first that connects.
  asio::awaitable<Connected> connect_any(const std::vector<tcp::endpoint>& endpoints, const std::string& host,
                                         Clock::time_point connect_deadline) {
    std::vector<bool> is_ipv6;
    for (const auto& endpoint : endpoints) is_ipv6.push_back(endpoint.address().is_v6());
    const std::vector<std::size_t> order = connection_order(is_ipv6);
    auto race = std::make_shared<ConnectRace>(executor);
    std::size_t next = 0;
    start_attempt(race, endpoints[order[next++]]);
    while (!race->winner && Clock::now() < connect_deadline) {
      if (next < order.size() && (race->has_new_failure || race->running == 0)) {
        race->has_new_failure = false;
        start_attempt(race, endpoints[order[next++]]);
        continue;
      }
      if (race->running == 0) break;  // every address failed
      const auto wake_at =
          next < order.size() ? std::min(connect_deadline, Clock::now() + kAttemptDelay) : connect_deadline;
      race->wake.expires_at(wake_at);
      auto [wait_error] = co_await race->wake.async_wait(kUseTuple);
      if (!wait_error && !race->winner && next < order.size() && Clock::now() < connect_deadline)
        start_attempt(race, endpoints[order[next++]]);
    }
    Connected connected;
    for (const auto& socket : race->sockets) {
      error_code ignored;
      if (socket->is_open()) socket->close(ignored);  // the losers; their handlers see operation_aborted
    }
    if (race->winner) {
      connected.socket = std::move(race->winner);
      connected.endpoint = race->winner_endpoint;
      race->winner.reset();
      co_return connected;
    }
    const std::string where =
        host + " (" + std::to_string(order.size()) + " address" + (order.size() == 1 ? "" : "es") + ")";
    if (race->last_error && race->running == 0 && next == order.size()) {
      connected.error = FetchError::connect;
      std::ostringstream endpoint_text;
      endpoint_text << race->last_failed;
      connected.message = "cannot connect to " + where + ": " + endpoint_text.str() + ": " + race->last_error.message();
    } else {
      connected.error = FetchError::timeout;
      connected.message = "timed out connecting to " + where;
    }
    co_return connected;
  }

  // ---- Opening a connection ----

  struct Opened {
    ConnectionPtr connection;
    FetchError error = FetchError::none;
    std::string message;
  };

  static Opened open_failure(FetchError error, std::string message) {
    Opened opened;
    opened.error = error;
    opened.message = std::move(message);
    return opened;
  }

  // HTTP CONNECT (RFC 9110 §9.3.6) through the proxy, for an https target.
  asio::awaitable<std::string> tunnel(PlainStream& stream, beast::flat_buffer& buffer, const Target& target,
                                      const Proxy& proxy) {
    http::request<http::empty_body> request{http::verb::connect, target.authority(), 11};
    request.set(http::field::host, target.authority());
    request.set(http::field::user_agent, default_user_agent());
    if (!proxy.authorization.empty()) request.set(http::field::proxy_authorization, proxy.authorization);
    auto [write_error, written] = co_await http::async_write(stream, request, kUseTuple);
    if (write_error) co_return "sending CONNECT to the proxy " + proxy.display + " failed: " + write_error.message();
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body
    parser.header_limit(kHeaderLimit);
    auto [read_error, read] = co_await http::async_read_header(stream, buffer, parser, kUseTuple);
    if (read_error)
      co_return "the proxy " + proxy.display + " did not answer CONNECT: " + describe_io_error(read_error);
    const auto status = parser.get().result_int();
    if (status < 200 || status >= 300)
      co_return "the proxy " + proxy.display + " refused CONNECT to " + target.authority() + ": HTTP " +
          std::to_string(status) + " " + core::one_line(parser.get().reason(), kShownReasonBytes);
    co_return std::string();
  }

  asio::awaitable<Opened> open(const Target& target, const Route& route, Slot slot, Clock::time_point deadline,
                               std::chrono::seconds connect_timeout, FetchTiming& timing) {
    const std::string& host = route.proxy ? route.proxy->host : target.host;
    const std::string& port = route.proxy ? route.proxy->port : target.port;

    auto started = Clock::now();
    Resolved resolved = co_await resolve(host, port, deadline);
    timing.dns = since(started);
    if (resolved.error != FetchError::none) {
      if (route.proxy) resolved.message = "proxy " + route.proxy->display + ": " + resolved.message;
      co_return open_failure(resolved.error, std::move(resolved.message));
    }
    if (!route.proxy) {
      resolved = filter_blocked(std::move(resolved), target.host);
      if (resolved.error != FetchError::none) co_return open_failure(resolved.error, std::move(resolved.message));
    }

    started = Clock::now();
    const Clock::time_point connect_deadline = std::min(deadline, started + connect_timeout);
    const std::string peer_name = route.proxy ? "the proxy " + route.proxy->display : host + ":" + port;
    Connected connected = co_await connect_any(resolved.endpoints, peer_name, connect_deadline);
    timing.connect = since(started);
    if (!connected.socket) co_return open_failure(connected.error, std::move(connected.message));
    ++counters.connections_opened;

    auto connection = std::make_unique<Connection>();
    connection->slot = std::move(slot);
    connection->is_proxied = route.proxy.has_value();
    {
      std::ostringstream peer;
      peer << connected.endpoint;
      connection->peer = peer.str();
    }
    PlainStream stream(std::move(*connected.socket));
    if (route.proxy && target.is_https) {
      stream.expires_at(connect_deadline);
      std::string tunnel_error = co_await tunnel(stream, connection->buffer, target, *route.proxy);
      if (!tunnel_error.empty()) co_return open_failure(FetchError::connect, std::move(tunnel_error));
    }
    if (!target.is_https) {
      connection->plain.emplace(std::move(stream));
      co_return Opened{std::move(connection), FetchError::none, {}};
    }

    started = Clock::now();
    connection->secure.emplace(std::move(stream), *tls);
    SSL* handle = connection->secure->native_handle();
    if (target.is_ip_literal()) {
      // No SNI for addresses (RFC 6066 §3); the certificate must name the IP.
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), target.host.c_str());
    } else {
      // SSL_set_tlsext_host_name() is a macro with a C-style cast; call what it expands to.
      SSL_ctrl(handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(target.host.c_str()));
      SSL_set_hostflags(handle, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      if (SSL_set1_host(handle, target.host.c_str()) != 1)
        co_return open_failure(FetchError::tls, "cannot verify TLS for the host name " + target.host);
    }
    connection->secure->set_verify_mode(ssl::verify_peer);
    beast::get_lowest_layer(*connection->secure).expires_at(deadline);
    auto [handshake_error] = co_await connection->secure->async_handshake(ssl::stream_base::client, kUseTuple);
    timing.tls = since(started);
    if (handshake_error) {
      if (handshake_error == beast::error::timeout)
        co_return open_failure(FetchError::timeout, "timed out in the TLS handshake with " + target.host);
      co_return open_failure(FetchError::tls, "TLS handshake with " + target.host +
                                                  " failed: " + tls_failure_text(handle, handshake_error));
    }
    co_return Opened{std::move(connection), FetchError::none, {}};
  }

  // ---- One request and its response ----

  http::request<http::empty_body> make_request(const Target& target, const FetchRequest& request,
                                               bool is_original_origin, bool is_via_proxy, const Route& route) const {
    http::request<http::empty_body> message{http::verb::get, is_via_proxy ? target.absolute_form : target.origin_form,
                                            11};
    message.set(http::field::host, target.host_header());
    message.set(http::field::user_agent, request.user_agent.empty() ? default_user_agent() : request.user_agent);
    message.set(http::field::accept,
                "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, "
                "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5");
    message.set(http::field::accept_encoding, accepted_encodings());
    if (!request.from.empty()) message.set(http::field::from, request.from);
    if (!request.etag.empty()) message.set(http::field::if_none_match, request.etag);
    if (!request.last_modified.empty()) message.set(http::field::if_modified_since, request.last_modified);
    if (is_via_proxy && !route.proxy->authorization.empty())
      message.set(http::field::proxy_authorization, route.proxy->authorization);
    // Credentials and the source's own headers stay with its origin.
    if (is_original_origin) {
      for (const auto& [name, value] : request.headers) {
        if (is_reserved_header(name)) continue;
        message.set(name, value);
      }
      if (!request.username.empty() || !request.password.empty())
        message.set(http::field::authorization, basic_authorization(request.username, request.password));
      else if (target.has_userinfo)
        message.set(http::field::authorization, basic_authorization(target.username, target.password));
    }
    return message;
  }

  template <typename Stream>
  asio::awaitable<HopResponse> exchange(Stream& stream, Connection& connection,
                                        const http::request<http::empty_body>& message, const FetchRequest& request,
                                        Clock::time_point deadline, const std::string& host) {
    HopResponse response;
    connection.tcp().expires_at(deadline);
    const auto request_started = Clock::now();
    auto [write_error, written] = co_await http::async_write(stream, message, kUseTuple);
    if (write_error) {
      response = failure(classify_io_error(write_error),
                         "sending the request to " + host + " failed: " + describe_io_error(write_error));
      response.is_retryable = write_error != beast::error::timeout;
      co_return response;
    }

    const std::uint64_t max_transfer = request.max_transfer_bytes ? request.max_transfer_bytes : request.max_body_bytes;
    std::optional<http::response_parser<http::buffer_body>> parser;
    // 1xx interim responses (103 Early Hints) come before the real one.
    for (int interim = 0;; ++interim) {
      parser.emplace();
      parser->header_limit(kHeaderLimit);
      parser->body_limit(max_transfer);
      auto [read_error, read] = co_await http::async_read_header(stream, connection.buffer, *parser, kUseTuple);
      response.bytes_transferred += read;
      if (read_error) {
        const bool got_nothing = response.bytes_transferred == 0 && !parser->got_some();
        if (read_error == beast::error::timeout) {
          response = failure(FetchError::timeout, "timed out after " + seconds_text(request.timeout) +
                                                      " waiting for the response headers from " + host);
        } else if (read_error == http::error::body_limit) {
          response = failure(FetchError::too_large, "the response from " + host + " announces a body larger than " +
                                                        std::to_string(max_transfer) + " bytes");
        } else if (read_error == http::error::header_limit) {
          response = failure(FetchError::too_large, "the response headers from " + host + " exceed " +
                                                        std::to_string(kHeaderLimit) + " bytes");
        } else {
          response = failure(classify_io_error(read_error),
                             "reading the response from " + host + " failed: " + describe_io_error(read_error));
        }
        response.is_retryable = got_nothing && read_error != beast::error::timeout;
        co_return response;
      }
      const unsigned status = parser->get().result_int();
      if (status >= 200 || status == 101 || interim >= 5) break;
    }
    response.timing.first_byte = since(request_started);

    const auto& header = parser->get();
    response.status = static_cast<int>(header.result_int());
    // The peer's words go to logs, status and /sources.json: one clean line.
    response.reason = core::one_line(header.reason(), kShownReasonBytes);
    response.location = std::string(header[http::field::location]);
    response.content_type = std::string(header[http::field::content_type]);
    response.content_encoding = std::string(header[http::field::content_encoding]);
    response.etag = std::string(header[http::field::etag]);
    response.last_modified = std::string(header[http::field::last_modified]);
    response.cache_control = std::string(header[http::field::cache_control]);
    response.expires = std::string(header[http::field::expires]);
    response.retry_after = std::string(header[http::field::retry_after]);
    response.date = std::string(header[http::field::date]);
    response.age = std::string(header[http::field::age]);

    const bool is_success = response.status >= 200 && response.status < 300;
    const std::uint64_t max_decoded = is_success ? request.max_body_bytes : kErrorBodyLimit;
    BodyDecoder decoder(response.content_encoding, max_decoded);
    if (is_success && !decoder.is_supported()) {
      response.error = FetchError::decode;
      response.message = decoder.error() + " from " + host;
      co_return response;
    }

    const auto body_started = Clock::now();
    std::uint64_t body_bytes = 0;
    std::array<char, kReadChunk> chunk{};
    bool is_body_complete = true;
    while (!parser->is_done()) {
      parser->get().body().data = chunk.data();
      parser->get().body().size = chunk.size();
      auto [read_error, read] = co_await http::async_read(stream, connection.buffer, *parser, kUseTuple);
      response.bytes_transferred += read;
      if (read_error == http::error::need_buffer) read_error = {};
      if (read_error == ssl::error::stream_truncated && parser->need_eof()) {
        // A body delimited by the end of the connection, closed without
        // TLS close_notify: as browsers do, take it as the end.
        error_code ignored;
        parser->put_eof(ignored);
        read_error = {};
      }
      const std::size_t got = chunk.size() - parser->get().body().size;
      body_bytes += got;
      if (read_error) {
        if (read_error == beast::error::timeout) {
          response.error = FetchError::timeout;
          response.message = "timed out after " + seconds_text(request.timeout) + " reading the body from " + host +
                             " (" + std::to_string(body_bytes) + " bytes received)";
        } else if (read_error == http::error::body_limit) {
          response.error = FetchError::too_large;
          response.message =
              "the body from " + host + " exceeds the limit of " + std::to_string(max_transfer) + " transferred bytes";
        } else {
          response.error = classify_io_error(read_error);
          response.message = "reading the body from " + host + " failed after " + std::to_string(body_bytes) +
                             " bytes: " + describe_io_error(read_error);
        }
        co_return response;
      }
      if (got == 0) continue;
      const DecodeStatus status = decoder.write(std::string_view(chunk.data(), got), response.body);
      if (status == DecodeStatus::ok) continue;
      if (!is_success) {  // an error page: what we have is enough for the excerpt
        is_body_complete = false;
        break;
      }
      response.error = status == DecodeStatus::too_large ? FetchError::too_large : FetchError::decode;
      response.message = decoder.error() + " from " + host;
      co_return response;
    }
    if (is_body_complete && decoder.finish(response.body) != DecodeStatus::ok && is_success) {
      response.error = FetchError::decode;
      response.message = decoder.error() + " from " + host;
      co_return response;
    }
    response.timing.body = since(body_started);
    response.is_keep_alive = is_body_complete && parser->is_done() && parser->keep_alive() && response.status != 101 &&
                             connection.buffer.size() == 0;
    co_return response;
  }

  // One hop: a connection (kept-alive or new), one request, one response.
  asio::awaitable<HopResponse> hop(const std::string& url, const FetchRequest& request, bool is_original_origin,
                                   Clock::time_point deadline) {
    const auto target = target_of(url);
    if (!target) co_return failure(FetchError::invalid_url, "not an http(s) URL: " + core::redact_url(url));
    std::string route_error;
    const Route route = route_for(*target, route_error);
    if (!route_error.empty()) co_return failure(FetchError::connect, route_error);
    if (route.proxy && options.block_private_addresses) {
      // The proxy resolves the name; check what it resolves to here. A
      // name only the proxy can resolve might lead anywhere inside its
      // network: refused, unless the operator says the proxy checks.
      Resolved resolved = co_await resolve(target->host, target->port, deadline);
      if (resolved.error == FetchError::none) {
        resolved = filter_blocked(std::move(resolved), target->host);
        if (resolved.error != FetchError::none) co_return failure(resolved.error, std::move(resolved.message));
      } else if (!options.proxy_blocks_private_addresses) {
        co_return failure(FetchError::blocked,
                          "cannot check where " + target->host + " leads: it does not resolve here (" +
                              resolved.message + "), and the proxy " + route.proxy->display +
                              " would resolve it (fetch.block_private_addresses is on; set "
                              "fetch.proxy_blocks_private_addresses = true if the proxy enforces that policy)");
      }
    }
    const bool is_via_proxy = route.proxy && !target->is_https;  // plain HTTP: absolute-form to the proxy
    const std::string pool_key = (target->is_https ? "https://" : "http://") + target->authority() +
                                 (route.proxy ? " via " + route.proxy->display : "");
    const http::request<http::empty_body> message =
        make_request(*target, request, is_original_origin, is_via_proxy, route);

    for (int attempt = 0;; ++attempt) {
      const auto wait_started = Clock::now();
      Acquired acquired = co_await acquire(pool_key, target->host, deadline);
      FetchTiming timing;
      timing.wait_for_connection = since(wait_started);
      if (acquired.error != FetchError::none) co_return failure(acquired.error, std::move(acquired.message));
      ConnectionPtr connection = std::move(acquired.reused);
      const bool is_reused = connection != nullptr;
      if (!connection) {
        Opened opened =
            co_await open(*target, route, std::move(acquired.slot), deadline, request.connect_timeout, timing);
        if (opened.error != FetchError::none) co_return failure(opened.error, std::move(opened.message));
        connection = std::move(opened.connection);
        connection->pool_key = pool_key;
      }
      HopResponse response;
      if (connection->secure)
        response = co_await exchange(*connection->secure, *connection, message, request, deadline, target->host);
      else
        response = co_await exchange(*connection->plain, *connection, message, request, deadline, target->host);
      response.timing.wait_for_connection = timing.wait_for_connection;
      response.timing.dns = timing.dns;
      response.timing.connect = timing.connect;
      response.timing.tls = timing.tls;
      response.is_reused = is_reused;
      response.is_proxied = connection->is_proxied;
      response.peer = connection->peer;
      // A kept-alive connection the server closed meanwhile: once more on a
      // new one (GET is idempotent).
      if (is_reused && response.is_retryable && attempt == 0 && Clock::now() < deadline) continue;
      if (response.error == FetchError::none && response.is_keep_alive) return_to_pool(std::move(connection));
      co_return response;
    }
  }
};

Fetcher::Fetcher(asio::any_io_executor executor, const FetcherOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->apply(options);
}

Fetcher::~Fetcher() = default;

void Fetcher::reconfigure(const FetcherOptions& options) { impl_->apply(options); }

void Fetcher::close_idle_connections() { impl_->idle.clear(); }

FetcherStats Fetcher::stats() const {
  FetcherStats stats = impl_->counters;
  stats.open_connections = impl_->counts->open_total;
  stats.idle_connections = impl_->idle_count();
  return stats;
}

asio::awaitable<FetchResult> Fetcher::fetch(FetchRequest request) {
  const auto started = Clock::now();
  const auto deadline = started + request.timeout;
  FetchResult result;
  std::string url = request.url;
  std::vector<std::string> visited{url};
  bool is_every_hop_permanent = true;
  for (;;) {
    const bool is_original_origin = is_same_origin(request.url, url);
    HopResponse response = co_await impl_->hop(url, request, is_original_origin, deadline);
    result.final_url = url;
    result.bytes_transferred += response.bytes_transferred;
    result.timing = response.timing;
    result.is_connection_reused = response.is_reused;
    result.is_proxied = response.is_proxied;
    result.peer_address = response.peer;
    result.elapsed = since(started);
    if (response.error != FetchError::none) {
      result.error = response.error;
      result.status = response.status;
      result.message = std::move(response.message);
      co_return result;
    }
    const int status = response.status;
    if (is_redirect_status(status)) {
      RedirectDecision decision = decide_redirect(url, status, response.location, visited,
                                                  static_cast<int>(result.redirects.size()), request.max_redirects);
      if (!decision.next_url) {
        result.error = decision.error;
        result.status = status;
        result.message = std::move(decision.message);
        co_return result;
      }
      is_every_hop_permanent = is_every_hop_permanent && is_permanent_redirect_status(status);
      result.redirects.push_back({status, url, *decision.next_url});
      visited.push_back(*decision.next_url);
      url = std::move(*decision.next_url);
      continue;
    }

    result.status = status;
    result.reason = std::move(response.reason);
    result.is_permanent_redirect = !result.redirects.empty() && is_every_hop_permanent;
    result.content_type = std::move(response.content_type);
    result.content_encoding = std::move(response.content_encoding);
    result.etag = std::move(response.etag);
    result.last_modified = std::move(response.last_modified);
    result.cache_control = std::move(response.cache_control);
    result.expires = std::move(response.expires);
    result.retry_after = std::move(response.retry_after);
    result.date = std::move(response.date);
    const core::Timestamp now = core::now_utc();
    result.freshness = freshness_lifetime({result.cache_control, result.expires, result.date, response.age}, now);
    if (status == 429 || status == 503) result.retry_at = parse_retry_after(result.retry_after, now);

    if (status >= 200 && status < 300) {
      result.body = std::move(response.body);
      result.body_hash = core::sha256_hex(result.body);
      result.is_unchanged_body = !request.previous_body_hash.empty() && request.previous_body_hash == result.body_hash;
    } else if (status != 304) {
      result.error = FetchError::http;
      result.body_excerpt = body_excerpt(response.body);
      result.message = "HTTP " + std::to_string(status) + (result.reason.empty() ? "" : " " + result.reason);
      if (result.retry_at) result.message += " (retry after " + core::format_rfc3339(*result.retry_at) + ")";
      if (!result.body_excerpt.empty()) result.message += ": " + result.body_excerpt;
    }
    co_return result;
  }
}

}  // namespace tributary::fetch
