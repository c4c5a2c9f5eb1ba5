// The HTTP server: an acceptor coroutine and one coroutine per connection
// (keep-alive; pipelined requests answered in order, because the read
// buffer keeps what arrived after the current request). Each connection
// first waits for a request's first byte (idle timeout), then gives the
// request a short deadline for its headers (slowloris), then writes the
// response under its own deadline. Responses that carry a rendered feed
// point at its shared bytes instead of copying them.
#include "serve/serve.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <set>
#include <stdexcept>

#include "core/metrics.hpp"
#include "core/time.hpp"
#include "core/version.hpp"

namespace tributary::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// The Date header, formatted once per second rather than per response.
const std::string& current_http_date() {
  static thread_local std::string text;
  static thread_local std::int64_t second = -1;
  const core::Timestamp now = core::now_utc();
  const std::int64_t now_second = core::to_unix_seconds(now);
  if (now_second != second) {
    second = now_second;
    text = core::format_http_date(now);
  }
  return text;
}

// After a header_limit error: was it the request line alone that was too
// long (414), or the header fields (431)?
bool is_request_line_too_long(const beast::flat_buffer& buffer) {
  const auto data = buffer.cdata();
  const std::string_view received(static_cast<const char*>(data.data()), data.size());
  const std::size_t line_end = received.find("\r\n");
  return line_end == std::string_view::npos ? received.size() >= kMaxRequestLine : line_end >= kMaxRequestLine;
}

std::string field_value(const http::request<http::empty_body>& request, http::field field) {
  const auto value = request[field];
  return std::string(value.data(), value.size());
}

}  // namespace

Response text_response(int status, std::string text, std::string route) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.owned_body = std::move(text);
  response.route = std::move(route);
  return response;
}

struct Server::Impl : std::enable_shared_from_this<Impl> {
  // One open connection, as stop() sees it.
  struct Connection {
    beast::tcp_stream* stream = nullptr;
    bool is_idle = true;  // between requests: stop() may close it
  };

  Impl(asio::any_io_executor executor_in, ServerOptions options_in, Handler handler_in)
      : executor(std::move(executor_in)), options(std::move(options_in)), handler(std::move(handler_in)),
        acceptor(executor) {}

  static asio::awaitable<void> write_response(beast::tcp_stream& stream, const Response& response, unsigned version,
                                              bool keep_alive, bool is_head, std::chrono::seconds timeout,
                                              error_code& ec) {
    http::response<http::span_body<const char>> message{static_cast<http::status>(response.status), version};
    message.set(http::field::server, "Tributary/" + std::string(core::kVersion));
    message.set(http::field::date, current_http_date());
    for (const auto& [name, value] : response.headers) message.set(name, value);
    const std::string_view body = response.body();
    const bool has_no_body = response.status == 304 || response.status == 204 || response.status < 200;
    if (!has_no_body) {
      message.body() = boost::span<const char>(body.data(), body.size());
      message.content_length(body.size());
    }
    message.keep_alive(keep_alive);
    stream.expires_after(timeout);
    if (is_head || has_no_body) {
      // HEAD: the same headers, Content-Length included, and no body.
      http::response_serializer<http::span_body<const char>> serializer(message);
      auto [error, written] = co_await http::async_write_header(stream, serializer, kUseTuple);
      ec = error;
      co_return;
    }
    auto [error, written] = co_await http::async_write(stream, message, kUseTuple);
    ec = error;
  }

  static asio::awaitable<void> session(std::shared_ptr<Impl> self, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    Connection connection{&stream, true};
    // Also when the coroutine is destroyed unfinished (the loop shut down).
    struct Registration {
      Impl& impl;
      Connection* connection;
      ~Registration() { impl.connections.erase(connection); }
    } registration{*self, &connection};
    self->connections.insert(&connection);
    for (;;) {
      // Wait for the next request's first byte (it may already be buffered:
      // pipelining).
      if (buffer.size() == 0) {
        connection.is_idle = true;
        if (self->is_stopping) break;
        stream.expires_after(self->options.idle_timeout);
        auto [error, received] = co_await stream.async_read_some(buffer.prepare(4096), kUseTuple);
        connection.is_idle = false;
        if (error) break;
        buffer.commit(received);
      }
      connection.is_idle = false;
      stream.expires_after(self->options.header_timeout);
      http::request_parser<http::empty_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
      auto [read_error, read] = co_await http::async_read_header(stream, buffer, parser, kUseTuple);
      Response response;
      unsigned version = 11;
      bool keep_alive = false;
      bool is_head = false;
      if (read_error == http::error::header_limit) {
        response = is_request_line_too_long(buffer) ? text_response(414, "request line too long\n", "(invalid)")
                                                    : text_response(431, "request header fields too large\n", "(invalid)");
      } else if (read_error == beast::error::timeout) {
        response = text_response(408, "request headers took too long\n", "(invalid)");
      } else if (read_error == http::error::end_of_stream || read_error == asio::error::eof ||
                 read_error == asio::error::connection_reset || read_error == asio::error::operation_aborted) {
        break;
      } else if (read_error) {
        response = text_response(400, "malformed request\n", "(invalid)");
      } else {
        const auto& request = parser.get();
        version = request.version();
        const auto content_length = parser.content_length();
        if (parser.chunked() || (content_length && *content_length > 0)) {
          // The body was not read, so this connection cannot go on.
          response = text_response(413, "request bodies are not accepted\n", "(invalid)");
        } else if (request.target().size() > kMaxRequestLine) {
          response = text_response(414, "request target too long\n", "(invalid)");
        } else {
          keep_alive = request.keep_alive() && !self->is_stopping;
          is_head = request.method() == http::verb::head;
          Request handed{std::string(request.method_string()), std::string(request.target()),
                         field_value(request, http::field::accept_encoding),
                         field_value(request, http::field::if_none_match),
                         field_value(request, http::field::if_modified_since),
                         field_value(request, http::field::authorization)};
          response = co_await self->handler(std::move(handed));
        }
      }
      error_code write_error;
      co_await write_response(stream, response, version, keep_alive, is_head, self->options.write_timeout,
                              write_error);
      core::metrics().add("tributary_http_requests_total",
                          {{"route", response.route}, {"code", std::to_string(response.status)}});
      if (write_error || !keep_alive || self->is_stopping) break;
    }
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.socket().close(ignored);
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    while (!self->is_stopping) {
      auto [error, socket] = co_await self->acceptor.async_accept(kUseTuple);
      if (error == asio::error::operation_aborted || self->is_stopping) break;
      if (error) continue;  // e.g. EMFILE; the next accept may succeed
      if (self->connections.size() >= self->options.max_connections) {
        core::metrics().add("tributary_http_connections_refused_total");
        error_code ignored;
        socket.close(ignored);
        continue;
      }
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      asio::co_spawn(self->executor, session(self, std::move(socket)), asio::detached);
    }
  }

  asio::any_io_executor executor;
  ServerOptions options;
  Handler handler;
  tcp::acceptor acceptor;
  // I/O thread only:
  std::set<Connection*> connections;
  bool is_stopping = false;
};

Server::Server(asio::any_io_executor executor, ServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), std::move(handler))) {
  core::metrics().describe_counter("tributary_http_requests_total", "HTTP requests answered, by route and status code");
  core::metrics().describe_counter("tributary_http_connections_refused_total",
                                   "Connections closed at once because server.max_connections were open");
}

Server::~Server() { stop(); }

void Server::start() {
  error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) throw std::runtime_error("server.listen: \"" + impl_->options.address + "\" is not an IP address");
  const tcp::endpoint endpoint(address, impl_->options.port);
  const std::string where = impl_->options.address + ":" + std::to_string(impl_->options.port);
  if (impl_->options.inherited_listen_fd >= 0) {
    impl_->acceptor.assign(endpoint.protocol(), impl_->options.inherited_listen_fd, ec);
    if (ec) throw std::runtime_error("cannot use the listening socket passed as fd " +
                                     std::to_string(impl_->options.inherited_listen_fd) + ": " + ec.message());
    asio::co_spawn(impl_->executor, Impl::accept_loop(impl_), asio::detached);
    return;
  }
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && address.is_v6()) impl_->acceptor.set_option(asio::ip::v6_only(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  asio::co_spawn(impl_->executor, Impl::accept_loop(impl_), asio::detached);
}

void Server::stop() {
  if (impl_->is_stopping) return;
  impl_->is_stopping = true;
  error_code ignored;
  impl_->acceptor.close(ignored);
  // Connections waiting for a request have nothing in flight: close them.
  // The others close after the response they are on.
  for (Impl::Connection* connection : impl_->connections)
    if (connection->is_idle) connection->stream->socket().cancel(ignored);
}

std::size_t Server::open_connections() const { return impl_->connections.size(); }

std::uint16_t Server::port() const {
  error_code ignored;
  const auto endpoint = impl_->acceptor.local_endpoint(ignored);
  return endpoint.port();
}

}  // namespace tributary::serve
