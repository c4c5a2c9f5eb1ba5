// FakeUpstream: a Beast server on a FakeServer (its acceptor and thread).
// One session coroutine per connection serves requests one after the other
// (keep-alive); the same code runs over TCP and over TLS.
#include "support/fake_upstream.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "support/fake_server.hpp"
#include "support/wait.hpp"

namespace tributary::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

struct FakeUpstream::Impl {
  // Declared before the server: destroying its io_context destroys
  // suspended sessions, which still use these.
  std::optional<ssl::context> tls;
  mutable std::mutex mutex;  // guards the routes, log and counters (test thread vs server thread)
  std::map<std::string, FakeResponse> routes;
  std::map<std::string, std::vector<RecordedRequest>> log;
  int connections = 0;
  int open_connections = 0;
  int max_open_connections = 0;
  int requests_in_flight = 0;
  int max_requests_in_flight = 0;

  FakeServer server;

  explicit Impl(const FakeUpstreamOptions& options) : server(FakeServerOptions{.address = options.address}) {}

  // Counts a request from when it was read until this goes out of scope.
  struct InFlight {
    explicit InFlight(Impl& owner) : impl(owner) {
      std::lock_guard lock(impl.mutex);
      impl.max_requests_in_flight = std::max(impl.max_requests_in_flight, ++impl.requests_in_flight);
    }
    ~InFlight() {
      std::lock_guard lock(impl.mutex);
      --impl.requests_in_flight;
    }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    Impl& impl;
  };

  FakeResponse respond(const http::request<http::string_body>& request) {
    const std::string target(request.target());
    const std::string path = target.substr(0, target.find('?'));
    RecordedRequest recorded{std::string(request.method_string()), target, {}, std::chrono::steady_clock::now()};
    for (const auto& field : request)
      recorded.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    std::lock_guard lock(mutex);
    log[path].push_back(recorded);
    auto found = routes.find(path);
    if (found == routes.end())
      return FakeResponse{404, {{"Content-Type", "text/plain"}}, "no such fake route\n", {}, {}};
    FakeResponse response = found->second;
    const auto if_none_match = recorded.headers.find("if-none-match");
    const auto if_modified_since = recorded.headers.find("if-modified-since");
    const bool etag_hit =
        !response.etag.empty() && if_none_match != recorded.headers.end() && if_none_match->second == response.etag;
    const bool date_hit = !response.last_modified.empty() && if_modified_since != recorded.headers.end() &&
                          if_modified_since->second == response.last_modified;
    if (!response.etag.empty()) response.headers.emplace_back("ETag", response.etag);
    if (!response.last_modified.empty()) response.headers.emplace_back("Last-Modified", response.last_modified);
    if ((etag_hit || date_hit) && !response.is_ignoring_conditionals) {
      response.status = 304;
      response.body.clear();
    }
    return response;
  }

  void count_open(int delta) {
    std::lock_guard lock(mutex);
    if (delta > 0) ++connections;
    open_connections += delta;
    max_open_connections = std::max(max_open_connections, open_connections);
  }

  static void reset(beast::tcp_stream& stream) {
    beast::error_code ignored;
    stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
    stream.socket().close(ignored);
  }

  // Serves requests on one connection until it closes or misbehaves.
  template <typename Stream>
  asio::awaitable<void> serve_requests(Stream& stream) {
    beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    for (;;) {
      tcp.expires_after(std::chrono::seconds(30));
      http::request_parser<http::string_body> parser;
      parser.body_limit(1024 * 1024);
      auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      if (read_error) co_return;
      const http::request<http::string_body> request = parser.release();
      const InFlight in_flight(*this);
      const FakeResponse canned = respond(request);
      if (canned.header_delay.count() > 0) {
        asio::steady_timer delay(server.io(), canned.header_delay);
        co_await delay.async_wait(kUseTuple);
      }
      if (canned.is_reset) {
        reset(tcp);
        co_return;
      }
      if (!canned.raw_response.empty()) {
        co_await asio::async_write(stream, asio::buffer(canned.raw_response), kUseTuple);
        reset(tcp);
        co_return;
      }
      http::response<http::string_body> response{static_cast<http::status>(canned.status), request.version()};
      for (const auto& [name, value] : canned.headers) response.set(name, value);
      response.body() = canned.body;
      const bool is_keep_alive = request.keep_alive() && !canned.is_closing;
      response.keep_alive(is_keep_alive);
      if (canned.is_chunked)
        response.chunked(true);
      else
        response.prepare_payload();

      if (canned.stall_after_body_bytes) {
        // The headers promise the whole body; only the start of it comes.
        response.content_length(canned.body.size());
        http::response_serializer<http::string_body> serializer(response);
        auto [header_error, header_written] = co_await http::async_write_header(stream, serializer, kUseTuple);
        if (header_error) co_return;
        const std::size_t prefix = std::min(*canned.stall_after_body_bytes, canned.body.size());
        co_await asio::async_write(stream, asio::buffer(canned.body.data(), prefix), kUseTuple);
        tcp.expires_never();
        asio::steady_timer stall(server.io(), std::chrono::seconds(60));
        co_await stall.async_wait(kUseTuple);
        co_return;
      }
      tcp.expires_after(std::chrono::seconds(30));
      auto [write_error, written] = co_await http::async_write(stream, response, kUseTuple);
      if (write_error || !is_keep_alive) co_return;
    }
  }

  asio::awaitable<void> plain_session(tcp::socket socket) {
    count_open(+1);
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(stream);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    count_open(-1);
  }

  asio::awaitable<void> tls_session(tcp::socket socket) {
    count_open(+1);
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    auto [handshake_error] = co_await stream.async_handshake(ssl::stream_base::server, kUseTuple);
    if (!handshake_error) {
      co_await serve_requests(stream);
      if (beast::get_lowest_layer(stream).socket().is_open()) {
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(kUseTuple);
      }
    }
    count_open(-1);
  }
};

FakeUpstream::FakeUpstream(const std::string& address) : FakeUpstream(FakeUpstreamOptions{address, {}, {}}) {}

FakeUpstream::FakeUpstream(const FakeUpstreamOptions& options) : impl_(std::make_unique<Impl>(options)) {
  if (!options.certificate_pem.empty()) {
    impl_->tls.emplace(ssl::context::tls_server);
    impl_->tls->use_certificate_chain(asio::buffer(options.certificate_pem));
    impl_->tls->use_private_key(asio::buffer(options.private_key_pem), ssl::context::pem);
  }
  impl_->server.start([impl = impl_.get()](tcp::socket socket) {
    return impl->tls ? impl->tls_session(std::move(socket)) : impl->plain_session(std::move(socket));
  });
}

FakeUpstream::~FakeUpstream() = default;

std::uint16_t FakeUpstream::port() const { return impl_->server.port(); }

std::string FakeUpstream::host() const { return impl_->server.url_host(); }

std::string FakeUpstream::url(const std::string& path) const {
  return std::string(impl_->tls ? "https://" : "http://") + impl_->server.url_host() + ":" + std::to_string(port()) +
         path;
}

void FakeUpstream::serve(const std::string& path, FakeResponse response) {
  std::lock_guard lock(impl_->mutex);
  impl_->routes[path] = std::move(response);
}

int FakeUpstream::hits(const std::string& path) const {
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->log.find(path);
  return found == impl_->log.end() ? 0 : static_cast<int>(found->second.size());
}

bool FakeUpstream::wait_for_hits(const std::string& path, int count, std::chrono::milliseconds timeout) const {
  return wait_until([&] { return hits(path) >= count; }, timeout);
}

std::vector<RecordedRequest> FakeUpstream::requests(const std::string& path) const {
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->log.find(path);
  return found == impl_->log.end() ? std::vector<RecordedRequest>{} : found->second;
}

int FakeUpstream::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

int FakeUpstream::max_concurrent_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->max_open_connections;
}

int FakeUpstream::max_concurrent_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->max_requests_in_flight;
}

}  // namespace tributary::testing
