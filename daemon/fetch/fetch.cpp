// The HTTP(S) client. One coroutine per fetch: resolve, connect, (TLS),
// request, response, for each redirect hop, all under one deadline. The
// error policy: nothing throws out of fetch(); every failure becomes a
// FetchResult with an error class and a message that names the cause.
#include "fetch/fetch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <set>

#include "core/text.hpp"
#include "core/url.hpp"
#include "core/version.hpp"
#include "fetch/decode.hpp"


namespace tributary::fetch {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr int kMaxRedirects = 5;
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

struct Target {
  bool is_https = false;
  std::string host;
  std::string port;
  std::string path;  // origin-form request target
};

std::optional<Target> target_of(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  Target target;
  const auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return std::nullopt;
  target.is_https = scheme == boost::urls::scheme::https;
  target.host = parsed->encoded_host_address();
  // Brackets belong in the Host header, not in the resolver's query.
  if (target.host.size() > 2 && target.host.front() == '[') target.host = target.host.substr(1, target.host.size() - 2);
  if (target.host.empty()) return std::nullopt;
  target.port = parsed->has_port() && !parsed->port().empty() ? std::string(parsed->port())
                                                              : (target.is_https ? "443" : "80");
  target.path = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) target.path += "?" + std::string(parsed->encoded_query());
  return target;
}

// One request/response exchange, before redirects are followed.
struct Exchange {
  FetchError error = FetchError::none;
  std::string message;
  int status = 0;
  std::string location;
  std::string content_type;
  std::string content_encoding;
  std::string etag;
  std::string last_modified;
  std::string body;  // as transferred (still encoded)
};

Exchange failure(FetchError error, std::string message) {
  Exchange exchange;
  exchange.error = error;
  exchange.message = std::move(message);
  return exchange;
}

FetchError classify_read_error(const error_code& ec) {
  if (ec == beast::error::timeout) return FetchError::timeout;
  if (ec == http::error::body_limit || ec == http::error::header_limit) return FetchError::too_large;
  if (ec.category() == asio::error::get_ssl_category() || ec == asio::ssl::error::stream_truncated)
    return FetchError::tls;
  return FetchError::http;
}

std::string describe_read_error(const error_code& ec, std::uint64_t max_body_bytes) {
  if (ec == beast::error::timeout) return "timed out waiting for the response";
  if (ec == http::error::body_limit) return "response body exceeds " + std::to_string(max_body_bytes) + " bytes";
  if (ec == http::error::header_limit) return "response headers exceed " + std::to_string(kHeaderLimit) + " bytes";
  if (ec == asio::error::connection_reset) return "connection reset by the server";
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == http::error::partial_message)
    return "the server closed the connection before the response was complete";
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) return "malformed HTTP response (" + ec.message() + ")";
  return ec.message();
}

template <typename Stream>
asio::awaitable<Exchange> request_response(Stream& stream, const Target& target, const FetchRequest& request) {
  http::request<http::empty_body> message{http::verb::get, target.path, 11};
  const bool is_default_port = target.port == (target.is_https ? "443" : "80");
  const bool is_ipv6 = target.host.find(':') != std::string::npos;
  const std::string host = is_ipv6 ? "[" + target.host + "]" : target.host;
  message.set(http::field::host, is_default_port ? host : host + ":" + target.port);
  message.set(http::field::user_agent, request.user_agent.empty() ? default_user_agent() : request.user_agent);
  message.set(http::field::accept,
              "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, "
              "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5");
  message.set(http::field::accept_encoding, "gzip, deflate");
  message.set(http::field::connection, "close");
  if (!request.etag.empty()) message.set(http::field::if_none_match, request.etag);
  if (!request.last_modified.empty()) message.set(http::field::if_modified_since, request.last_modified);

  auto [write_error, written] = co_await http::async_write(stream, message, kUseTuple);
  if (write_error) {
    co_return failure(write_error == beast::error::timeout ? FetchError::timeout : FetchError::http,
                      "sending the request failed: " + write_error.message());
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(request.max_body_bytes);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
  if (read_error) co_return failure(classify_read_error(read_error), describe_read_error(read_error, request.max_body_bytes));
  const auto& response = parser.get();
  Exchange exchange;
  exchange.status = static_cast<int>(response.result_int());
  exchange.location = std::string(response[http::field::location]);
  exchange.content_type = std::string(response[http::field::content_type]);
  exchange.content_encoding = std::string(response[http::field::content_encoding]);
  exchange.etag = std::string(response[http::field::etag]);
  exchange.last_modified = std::string(response[http::field::last_modified]);
  exchange.body = parser.release().body();
  co_return exchange;
}

}  // namespace

std::string_view to_string(FetchError error) {
  switch (error) {
    case FetchError::none: return "none";
    case FetchError::invalid_url: return "invalid_url";
    case FetchError::dns: return "dns";
    case FetchError::connect: return "connect";
    case FetchError::tls: return "tls";
    case FetchError::timeout: return "timeout";
    case FetchError::http: return "http";
    case FetchError::too_large: return "too_large";
    case FetchError::decode: return "decode";
    case FetchError::redirect_loop: return "redirect_loop";
  }
  return "unknown";
}

std::string default_user_agent() {
  return "Tributary/" + std::string(core::kVersion) + " (+" + std::string(core::kProjectUrl) + ")";
}

struct Fetcher::Impl {
  asio::any_io_executor executor;
  ssl::context tls{ssl::context::tls_client};

  asio::awaitable<Exchange> exchange_once(const std::string& url, const FetchRequest& request, Clock::time_point deadline,
                                          std::uint64_t& bytes_transferred) {
    const auto target = target_of(url);
    if (!target) co_return failure(FetchError::invalid_url, "not an http(s) URL: " + core::redact_url(url));

    // getaddrinfo cannot be timed out; cancel the resolver when the deadline
    // passes. The timer's handler holds only a weak reference.
    auto resolver = std::make_shared<tcp::resolver>(executor);
    asio::steady_timer dns_timer(executor);
    dns_timer.expires_at(deadline);
    dns_timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](const error_code& ec) {
      if (ec) return;
      if (auto alive = weak.lock()) alive->cancel();
    });
    auto [resolve_error, endpoints] = co_await resolver->async_resolve(target->host, target->port, kUseTuple);
    dns_timer.cancel();
    if (resolve_error == asio::error::operation_aborted)
      co_return failure(FetchError::timeout, "timed out resolving " + target->host);
    if (resolve_error)
      co_return failure(FetchError::dns, "cannot resolve " + target->host + ": " + resolve_error.message());

    beast::tcp_stream tcp_stream(executor);
    tcp_stream.expires_at(deadline);
    auto [connect_error, endpoint] = co_await tcp_stream.async_connect(endpoints, kUseTuple);
    if (connect_error == beast::error::timeout)
      co_return failure(FetchError::timeout, "timed out connecting to " + target->host + ":" + target->port);
    if (connect_error)
      co_return failure(FetchError::connect,
                        "cannot connect to " + target->host + ":" + target->port + ": " + connect_error.message());

    Exchange exchange;
    if (target->is_https) {
      beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), tls);
      // SNI, and verification of the certificate against the host name.
      // SSL_set_tlsext_host_name() is a macro with a C-style cast; call what it expands to.
      if (!SSL_ctrl(tls_stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                    const_cast<char*>(target->host.c_str())))
        co_return failure(FetchError::tls, "cannot set TLS server name " + target->host);
      tls_stream.set_verify_mode(ssl::verify_peer);
      tls_stream.set_verify_callback(ssl::host_name_verification(target->host));
      auto [handshake_error] = co_await tls_stream.async_handshake(ssl::stream_base::client, kUseTuple);
      if (handshake_error) {
        const bool is_timeout = handshake_error == beast::error::timeout;
        co_return failure(is_timeout ? FetchError::timeout : FetchError::tls,
                          "TLS handshake with " + target->host + " failed: " + handshake_error.message());
      }
      exchange = co_await request_response(tls_stream, *target, request);
      bytes_transferred += exchange.body.size();
    } else {
      exchange = co_await request_response(tcp_stream, *target, request);
      bytes_transferred += exchange.body.size();
    }
    co_return exchange;
  }
};

Fetcher::Fetcher(asio::any_io_executor executor, const FetcherOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->tls.set_default_verify_paths();
  impl_->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!options.extra_ca_file.empty()) impl_->tls.load_verify_file(options.extra_ca_file);
}

Fetcher::~Fetcher() = default;

asio::awaitable<FetchResult> Fetcher::fetch(FetchRequest request) {
  const auto started = Clock::now();
  const auto deadline = started + request.timeout;
  FetchResult result;
  std::string url = request.url;
  std::set<std::string> visited{url};
  bool is_every_hop_permanent = true;
  for (int hop = 0;; ++hop) {
    Exchange exchange = co_await impl_->exchange_once(url, request, deadline, result.bytes_transferred);
    result.final_url = url;
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (exchange.error != FetchError::none) {
      result.error = exchange.error;
      result.message = std::move(exchange.message);
      co_return result;
    }
    const int status = exchange.status;
    const bool is_redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    if (is_redirect && !exchange.location.empty()) {
      auto next = core::resolve_url(url, exchange.location);
      if (!next) {
        result.error = FetchError::http;
        result.status = status;
        result.message = "redirect to an invalid Location \"" + exchange.location.substr(0, 200) + "\"";
        co_return result;
      }
      if (hop + 1 > kMaxRedirects) {
        result.error = FetchError::redirect_loop;
        result.message = "more than " + std::to_string(kMaxRedirects) + " redirects";
        co_return result;
      }
      if (!visited.insert(*next).second) {
        result.error = FetchError::redirect_loop;
        result.message = "redirect loop back to " + core::redact_url(*next);
        co_return result;
      }
      is_every_hop_permanent = is_every_hop_permanent && (status == 301 || status == 308);
      url = std::move(*next);
      continue;
    }
    result.status = status;
    result.is_permanent_redirect = hop > 0 && is_every_hop_permanent;
    result.content_type = std::move(exchange.content_type);
    result.etag = std::move(exchange.etag);
    result.last_modified = std::move(exchange.last_modified);
    if (status >= 200 && status < 300) {
      DecodeResult decoded = decode_body(exchange.content_encoding, exchange.body, request.max_body_bytes);
      if (!decoded.ok) {
        result.error = decoded.is_too_large ? FetchError::too_large : FetchError::decode;
        result.message = std::move(decoded.error);
        co_return result;
      }
      result.body = std::move(decoded.body);
    } else if (status != 304) {
      result.error = FetchError::http;
      // Keep a short, printable excerpt of the error page for the status.
      std::string excerpt = core::collapse_whitespace(core::sanitize_utf8(exchange.body.substr(0, 200)));
      result.message = "HTTP " + std::to_string(status) + (excerpt.empty() ? "" : ": " + excerpt);
    }
    co_return result;
  }
}

}  // namespace tributary::fetch
