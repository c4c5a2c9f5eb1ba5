// Opening a connection for one hop: the options that shape it (TLS context,
// proxies, allowed networks), the route through a proxy, DNS under the
// deadline, the refusal of blocked addresses, the happy-eyeballs race of
// the addresses, the CONNECT tunnel through a proxy, and TLS.
//
// Threading: runs on the Fetcher's executor. Completion handlers of connect
// attempts hold a shared_ptr to their race, so they may run after the
// fetch moved on.
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "core/text.hpp"
#include "fetch/fetcher_impl.hpp"

namespace tributary::fetch {
namespace {

using boost::system::error_code;
using std::chrono::milliseconds;

// RFC 8305 §5: "Connection Attempt Delay", 250 ms recommended.
constexpr milliseconds kAttemptDelay{250};

std::string tls_failure_text(SSL* handle, const error_code& ec) {
  const long verify = SSL_get_verify_result(handle);
  if (verify != X509_V_OK) return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  return ec.message();
}

std::unique_ptr<ssl::context> make_tls_context(const FetcherOptions& options) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  if (options.use_system_ca_store) context->set_default_verify_paths();
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!options.extra_ca_file.empty()) {
    error_code ec;
    context->load_verify_file(options.extra_ca_file, ec);
    if (ec) throw std::runtime_error("cannot load the CA file " + options.extra_ca_file + ": " + ec.message());
  }
  return context;
}

std::string from_environment(const FetcherOptions& options, const char* lower, const char* upper) {
  if (!options.use_environment_proxies) return {};
  if (const char* value = std::getenv(lower); value && *value) return value;
  if (const char* value = std::getenv(upper); value && *value) return value;
  return {};
}

void configure_proxy(const std::string& url, const char* name, std::optional<Proxy>& proxy, std::string& error) {
  proxy.reset();
  error.clear();
  if (url.empty()) return;
  ProxyParse parsed = parse_proxy_url(url);
  proxy = std::move(parsed.proxy);
  if (!parsed.error.empty()) error = std::string(name) + ": " + parsed.error;
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

void start_attempt(const std::shared_ptr<ConnectRace>& race, const tcp::endpoint& endpoint) {
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

Opened open_failure(FetchError error, std::string message) {
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
  if (read_error) co_return "the proxy " + proxy.display + " did not answer CONNECT: " + describe_io_error(read_error);
  const auto status = parser.get().result_int();
  if (status < 200 || status >= 300)
    co_return "the proxy " + proxy.display + " refused CONNECT to " + target.authority() + ": HTTP " +
        std::to_string(status) + " " + core::one_line(parser.get().reason(), kShownReasonBytes);
  co_return std::string();
}

}  // namespace

void Fetcher::Impl::apply(const FetcherOptions& new_options) {
  tls = make_tls_context(new_options);  // first: when it throws, nothing has changed
  options = new_options;
  configure_proxy(new_options.http_proxy.empty() ? from_environment(new_options, "http_proxy", "HTTP_PROXY")
                                                 : new_options.http_proxy,
                  "http_proxy", http_proxy, http_proxy_error);
  configure_proxy(new_options.https_proxy.empty() ? from_environment(new_options, "https_proxy", "HTTPS_PROXY")
                                                  : new_options.https_proxy,
                  "https_proxy", https_proxy, https_proxy_error);
  no_proxy = new_options.no_proxy.empty() ? split_no_proxy(from_environment(new_options, "no_proxy", "NO_PROXY"))
                                          : new_options.no_proxy;
  allowed_networks.clear();
  for (const std::string& text : new_options.allowed_networks)
    if (auto network = parse_network(text)) allowed_networks.push_back(*network);
  // Kept-alive connections may go through a proxy that is no longer wanted.
  pool.reconfigure(pool_limits(new_options));
}

Route Fetcher::Impl::route_for(const Target& target, std::string& error) const {
  Route route;
  const auto& proxy = target.is_https ? https_proxy : http_proxy;
  const auto& proxy_error = target.is_https ? https_proxy_error : http_proxy_error;
  if (is_proxy_bypassed(target.host, target.port, no_proxy)) return route;
  if (!proxy_error.empty()) error = proxy_error;
  route.proxy = proxy;
  return route;
}

bool Fetcher::Impl::is_allowed_despite_block(const std::string& ip) const {
  return std::any_of(allowed_networks.begin(), allowed_networks.end(),
                     [&ip](const Network& network) { return network_contains(network, ip); });
}

// ---- Resolving ----

asio::awaitable<Resolved> Fetcher::Impl::resolve(const std::string& host, const std::string& port,
                                                 Clock::time_point deadline) {
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

Resolved Fetcher::Impl::filter_blocked(Resolved resolved, const std::string& host) const {
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
    resolved.message = "refusing to connect to " + host + ": it resolves to " + first_address + ", a " + first_reason +
                       " address (fetch.block_private_addresses is on)";
  }
  resolved.endpoints = std::move(allowed);
  return resolved;
}

// ---- Connecting ----

// Happy eyeballs (RFC 8305 §5): start with the first address, start the
// next one when an attempt fails or after kAttemptDelay without an
// answer, keep the first that connects.
asio::awaitable<Connected> Fetcher::Impl::connect_any(const std::vector<tcp::endpoint>& endpoints,
                                                      const std::string& host, Clock::time_point connect_deadline) {
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

asio::awaitable<Opened> Fetcher::Impl::open(const Target& target, const Route& route, Slot slot,
                                            Clock::time_point deadline, std::chrono::seconds connect_timeout,
                                            FetchTiming& timing) {
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
  pool.count_opened();

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
  co_return co_await start_tls(std::move(connection), std::move(stream), target, deadline, timing);
}

asio::awaitable<Opened> Fetcher::Impl::start_tls(ConnectionPtr connection, PlainStream stream, const Target& target,
                                                 Clock::time_point deadline, FetchTiming& timing) {
  const auto started = Clock::now();
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
    co_return open_failure(
        FetchError::tls, "TLS handshake with " + target.host + " failed: " + tls_failure_text(handle, handshake_error));
  }
  co_return Opened{std::move(connection), FetchError::none, {}};
}

}  // namespace tributary::fetch
