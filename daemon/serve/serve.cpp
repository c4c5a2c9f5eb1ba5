// The HTTP server: an acceptor coroutine and one coroutine per connection
// (keep-alive; pipelined requests answered in order, because the read
// buffer keeps what arrived after the current request). Each connection
// first waits for a request's first byte (idle timeout), then gives the
// request a short deadline for its headers (slowloris), then writes the
// response under its own deadline. The deadlines are enforced by one
// sweeper for all connections, not by a timer armed and cancelled around
// every read and write (that cost as much as the rest of a 304). Requests
// the site must not see — framing
// that is not beyond doubt, a method other than GET and HEAD, a body (but a
// POST's under ServerOptions::post_prefix, read here whole) — are
// answered here (serve/http_rules.hpp: refuse_request). At max_connections
// a new connection takes the place of the one idle longest
// (serve/connection_table.hpp). Responses that carry a rendered feed point
// at its shared bytes instead of copying them.
#include "serve/serve.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/metrics.hpp"
#include "core/time.hpp"
#include "net/spawn.hpp"
#include "serve/connection_table.hpp"
#include "serve/http_rules.hpp"
#include "serve/response_head.hpp"

namespace tributary::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
using Clock = std::chrono::steady_clock;

// How often the sweeper looks at the connections' deadlines: each is kept
// to within this (the shortest, header_timeout, is seconds).
constexpr std::chrono::milliseconds kSweepInterval{250};
// Bytes asked of the socket per read (a request header is most often one).
constexpr std::size_t kReadSize = 8192;

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

// Every field line's value, in order (a field may be sent several times).
std::vector<std::string_view> field_values(const http::request<http::empty_body>& request, http::field field) {
  std::vector<std::string_view> values;
  for (auto [line, end] = request.equal_range(field); line != end; ++line)
    values.emplace_back(line->value().data(), line->value().size());
  return values;
}

BodyFraming framing_of(const http::request<http::empty_body>& request) {
  const std::vector<std::string_view> transfer_encodings = field_values(request, http::field::transfer_encoding);
  const std::vector<std::string_view> content_lengths = field_values(request, http::field::content_length);
  return request_body_framing(request.version(), transfer_encodings, content_lengths);
}

Response refusal_response(const Refusal& refusal) {
  Response response = text_response(refusal.status, refusal.text, "(invalid)");
  if (refusal.status == 405) response.headers.emplace_back("Allow", std::string(kAllowedMethods));
  return response;
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
  // One open connection. It leaves the table when it ends (also when its
  // coroutine is destroyed unstarted or unfinished: the loop shut down).
  struct Connection {
    Connection(std::shared_ptr<Impl> impl_in, tcp::socket socket_in)
        : impl(std::move(impl_in)), socket(std::move(socket_in)) {
      impl->connections.add(this);
    }
    ~Connection() {
      impl->connections.remove(this);
      if (impl->is_stopping && impl->connections.size() == 0) {
        impl->drained.cancel();
        impl->sweeper.cancel();
      }
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // The step that starts now (a read, a write) must end within `timeout`.
    void expires_after(Clock::duration timeout) {
      deadline = Clock::now() + timeout;
      is_timed_out = false;
    }
    // No step in progress (the site is making the answer): no deadline.
    void expires_never() { deadline = Clock::time_point::max(); }

    std::shared_ptr<Impl> impl;
    tcp::socket socket;
    Clock::time_point deadline = Clock::time_point::max();
    bool is_timed_out = false;  // the sweeper cancelled the step in progress: past its deadline
    bool is_evicted = false;    // closed to make room: stop at once, even if bytes arrived
  };

  // What a request gets, and whether the connection goes on after it.
  struct Answer {
    Response response;
    unsigned version = 11;
    bool keep_alive = false;
    bool is_head = false;
  };

  Impl(asio::any_io_executor executor_in, ServerOptions options_in, Handler handler_in)
      : executor(std::move(executor_in)),
        options(std::move(options_in)),
        handler(std::move(handler_in)),
        acceptor(executor),
        connections(options.max_connections),
        drained(executor),
        sweeper(executor) {}

  // The head is made in `head` (the connection's, reused) and sent with the
  // body in one gathered write. HEAD: the same head, Content-Length
  // included, and no body.
  static asio::awaitable<void> write_response(Connection& connection, std::string& head, const Response& response,
                                              unsigned version, bool keep_alive, bool is_head,
                                              std::chrono::seconds timeout, error_code& ec) {
    head.clear();
    append_response_head(head, response, version, keep_alive, current_http_date());
    const std::string_view body =
        is_head || !status_allows_body(response.status) ? std::string_view() : response.body();
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body.data(), body.size())};
    connection.expires_after(timeout);
    auto [error, written] = co_await asio::async_write(connection.socket, buffers, kUseTuple);
    ec = error;
  }

  // Parses a request header from `buffer`, reading more while the parser
  // needs it; the outcome as Beast's async_read_header gave it (whose
  // loop this is, without its timer and the post of a header that was
  // already buffered): end_of_stream when the peer closed before a byte of
  // the request, timeout past the deadline.
  static asio::awaitable<error_code> read_header(Connection& connection, beast::flat_buffer& buffer,
                                                 http::request_parser<http::empty_body>& parser) {
    for (;;) {
      if (buffer.size() > 0) {
        error_code ec;
        const std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec != http::error::need_more) {
          if (ec || parser.is_header_done()) co_return ec;
          if (used > 0) continue;
        }
      }
      auto [error, received] = co_await connection.socket.async_read_some(buffer.prepare(kReadSize), kUseTuple);
      if (connection.is_timed_out) co_return beast::error::timeout;
      buffer.commit(received);
      if (error == asio::error::eof) {
        if (!parser.got_some()) co_return http::error::end_of_stream;
        error_code ec;
        parser.put_eof(ec);
        co_return ec ? ec : error_code(http::error::partial_message);
      }
      if (error) co_return error;
    }
  }

  // The answer to a header that could not be read; nullopt when the peer
  // went away (nothing to answer).
  static std::optional<Response> answer_unreadable(error_code error,
                                                   const http::request_parser<http::empty_body>& parser) {
    if (error == http::error::header_limit) {
      // Beast consumes the request line once it is complete: a limit hit
      // before that is the line's (414), after it the fields' (RFC 6585 §5).
      const bool has_request_line = !parser.get().target().empty();
      return has_request_line ? text_response(431, "request header fields too large\n", "(invalid)")
                              : text_response(414, "request line too long\n", "(invalid)");
    }
    if (error == beast::error::timeout) return text_response(408, "request headers took too long\n", "(invalid)");
    if (error == http::error::body_limit) return text_response(413, "request body too large\n", "(invalid)");
    if (error == http::error::end_of_stream || error == asio::error::eof || error == asio::error::connection_reset ||
        error == asio::error::operation_aborted)
      return std::nullopt;
    return text_response(400, "malformed request\n", "(invalid)");
  }

  // The body of a POST the server takes (ServerOptions::post_prefix), read
  // whole under the write timeout; the answer when it cannot be.
  asio::awaitable<std::optional<Response>> read_post_body(http::request_parser<http::empty_body>& header_parser,
                                                          Connection& connection, beast::flat_buffer& buffer,
                                                          std::string& body) {
    http::request_parser<http::string_body> parser(std::move(header_parser));
    parser.body_limit(options.max_post_body);
    connection.expires_after(options.write_timeout);
    auto [error, read] = co_await http::async_read(connection.socket, buffer, parser, kUseTuple);
    connection.expires_never();
    if (error == http::error::body_limit)
      co_return text_response(413, "request body larger than " + std::to_string(options.max_post_body) + " bytes\n",
                              "(invalid)");
    if (connection.is_timed_out) co_return text_response(408, "request body took too long\n", "(invalid)");
    if (error) co_return text_response(400, "malformed request body\n", "(invalid)");
    body = std::move(parser.get().body());
    co_return std::nullopt;
  }

  bool takes_post(std::string_view target) const {
    return !options.post_prefix.empty() && target.starts_with(options.post_prefix);
  }

  // The fields the site uses, in one pass over the request's rather than a
  // lookup by name each: of a field sent twice the first (as request[name]
  // gave it), every Link line joined with ", ".
  static Request handed_request(const http::request<http::empty_body>& request) {
    Request handed;
    const beast::string_view method = request.method_string();
    const beast::string_view target = request.target();
    handed.method.assign(method.data(), method.size());
    handed.target.assign(target.data(), target.size());
    unsigned seen = 0;
    const auto take_first = [&seen](std::string& to, unsigned bit, beast::string_view value) {
      if ((seen & bit) != 0) return;
      seen |= bit;
      to.assign(value.data(), value.size());
    };
    for (const auto& field : request) {
      const beast::string_view value = field.value();
      switch (field.name()) {
        case http::field::accept_encoding:
          take_first(handed.accept_encoding, 1u, value);
          break;
        case http::field::if_none_match:
          take_first(handed.if_none_match, 2u, value);
          break;
        case http::field::if_modified_since:
          take_first(handed.if_modified_since, 4u, value);
          break;
        case http::field::authorization:
          take_first(handed.authorization, 8u, value);
          break;
        case http::field::content_type:
          take_first(handed.content_type, 16u, value);
          break;
        case http::field::link:
          if (!handed.link.empty()) handed.link += ", ";
          handed.link.append(value.data(), value.size());
          break;
        case http::field::unknown:
          if (beast::iequals(field.name_string(), "X-Hub-Signature")) take_first(handed.hub_signature, 32u, value);
          break;
        default:
          break;
      }
    }
    return handed;
  }

  // What the server answers itself to a request whose header was read
  // (framing, method, body, target length): true with `answer` made, or
  // false with its version, HEAD and keep-alive set for the site's.
  bool refuse(const http::request<http::empty_body>& request, Answer& answer) const {
    answer.version = request.version();
    answer.is_head = request.method() == http::verb::head;
    if (request.target().size() > kMaxRequestLine) {
      answer.response = text_response(414, "request target too long\n", "(invalid)");
      return true;
    }
    const std::uint64_t max_post_body = takes_post(request.target()) ? options.max_post_body : 0;
    if (const std::optional<Refusal> refusal =
            refuse_request(request.method_string(), framing_of(request), max_post_body)) {
      answer.response = refusal_response(*refusal);
      answer.keep_alive = !refusal->must_close && request.keep_alive() && !is_stopping;
      return true;
    }
    answer.keep_alive = request.keep_alive() && !is_stopping;
    return false;
  }

  // A POST the site takes: its body read first (a failure ends the
  // connection: what follows the body cannot be trusted).
  asio::awaitable<Response> answer_post(http::request_parser<http::empty_body>& parser, Connection& connection,
                                        beast::flat_buffer& buffer, bool& keep_alive) {
    Request handed = handed_request(parser.get());
    if (std::optional<Response> failed = co_await read_post_body(parser, connection, buffer, handed.body)) {
      keep_alive = false;
      co_return std::move(*failed);
    }
    Response response = co_await handler(std::move(handed));
    co_return response;
  }

  static asio::awaitable<void> session(std::unique_ptr<Connection> connection) {
    Impl& self = *connection->impl;
    beast::flat_buffer buffer;
    std::string head;  // each response's status line and fields
    for (;;) {
      // Wait for the next request's first byte (it may already be buffered:
      // pipelining). Meanwhile the connection may be evicted or stopped.
      if (buffer.size() == 0) {
        self.connections.mark_idle(connection.get());
        if (self.is_stopping) break;
        connection->expires_after(self.options.idle_timeout);
        auto [error, received] = co_await connection->socket.async_read_some(buffer.prepare(kReadSize), kUseTuple);
        if (error || connection->is_evicted || connection->is_timed_out) break;
        buffer.commit(received);
      }
      self.connections.mark_busy(connection.get());
      connection->expires_after(self.options.header_timeout);
      http::request_parser<http::empty_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
      // Beast checks a Content-Length against this while it reads the
      // header: its default (1 MiB) would refuse a POST the options allow.
      parser.body_limit(self.options.max_post_body);
      const error_code read_error = co_await read_header(*connection, buffer, parser);
      connection->expires_never();
      Answer answer;
      if (read_error) {
        std::optional<Response> response = answer_unreadable(read_error, parser);
        if (!response) break;
        answer.response = std::move(*response);
      } else if (!self.refuse(parser.get(), answer)) {
        // GET and HEAD go to the site from here, no coroutine frame between.
        if (parser.get().method() == http::verb::post) {
          answer.response = co_await self.answer_post(parser, *connection, buffer, answer.keep_alive);
        } else {
          Request handed = handed_request(parser.get());
          answer.response = co_await self.handler(std::move(handed));
        }
      }
      error_code write_error;
      co_await write_response(*connection, head, answer.response, answer.version, answer.keep_alive, answer.is_head,
                              self.options.write_timeout, write_error);
      self.count_request(answer.response);
      if (write_error || !answer.keep_alive || self.is_stopping) break;
    }
    error_code ignored;
    connection->socket.shutdown(tcp::socket::shutdown_send, ignored);
    connection->socket.close(ignored);
  }

  // Cancels the step in progress of every connection past its deadline
  // (its session sees is_timed_out), until the server has stopped and the
  // last connection closed.
  static asio::awaitable<void> sweep_deadlines(std::shared_ptr<Impl> self) {
    for (;;) {
      self->sweeper.expires_after(kSweepInterval);
      co_await self->sweeper.async_wait(kUseTuple);
      if (self->is_stopping && self->connections.size() == 0) break;
      const Clock::time_point now = Clock::now();
      self->connections.for_each([now](Connection* connection) {
        if (connection->deadline > now || connection->is_timed_out) return;
        connection->is_timed_out = true;
        error_code ignored;
        connection->socket.cancel(ignored);
      });
    }
  }

  // tributary_http_requests_total: each (route, code) cell is found in the
  // registry once, then counted without its lock or label formatting.
  void count_request(const Response& response) {
    for (RequestCounter& known : request_counters)
      if (known.status == response.status && known.route == response.route) {
        known.cell->add();
        return;
      }
    core::CounterCell& cell = core::metrics().counter(
        "tributary_http_requests_total", {{"route", response.route}, {"code", std::to_string(response.status)}});
    request_counters.push_back({response.route, response.status, &cell});
    cell.add();
  }

  // Closes the connection idle longest, if any, to make room for another.
  bool evict_longest_idle() {
    Connection* evicted = connections.pop_longest_idle();
    if (!evicted) return false;
    close_evicted(evicted);
    return true;
  }

  static void close_evicted(Connection* evicted) {
    core::metrics().add("tributary_http_connections_evicted_total");
    evicted->is_evicted = true;
    // Closed now, not when its session next runs: the descriptor is free for
    // the connection that takes its place (as Beast's own timeouts do, the
    // pending read completes with operation_aborted).
    error_code ignored;
    evicted->socket.close(ignored);
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    asio::steady_timer pause(self->executor);
    while (!self->is_stopping) {
      auto [error, socket] = co_await self->acceptor.async_accept(kUseTuple);
      if (error == asio::error::operation_aborted || self->is_stopping) break;
      if (error) {
        // Out of file descriptors (the process's limit is below
        // max_connections): make room as at the limit. Otherwise, or with
        // nothing idle, pause rather than spin on an error that repeats.
        const bool is_out_of_files =
            error == asio::error::no_descriptors || error == boost::system::errc::too_many_files_open_in_system;
        if (!(is_out_of_files && self->evict_longest_idle())) {
          pause.expires_after(std::chrono::milliseconds(50));
          co_await pause.async_wait(kUseTuple);
        }
        continue;
      }
      const auto admission = self->connections.admit();
      if (!admission.is_admitted) {
        core::metrics().add("tributary_http_connections_refused_total");
        error_code ignored;
        socket.close(ignored);
        continue;
      }
      if (admission.evicted) close_evicted(admission.evicted);
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto connection = std::make_unique<Connection>(self, std::move(socket));
      asio::co_spawn(self->executor, session(std::move(connection)), net::LogFailure("an HTTP connection"));
    }
  }

  // Accepts, and enforces the connections' deadlines; the daemon fails if
  // either stops for anything but stop().
  void run() {
    asio::co_spawn(executor, accept_loop(shared_from_this()),
                   net::FailDaemon("the HTTP server's accept loop", fail_daemon));
    asio::co_spawn(executor, sweep_deadlines(shared_from_this()),
                   net::FailDaemon("the HTTP server's deadline sweeper", fail_daemon));
  }

  asio::any_io_executor executor;
  ServerOptions options;
  Handler handler;
  tcp::acceptor acceptor;
  // I/O thread only:
  ConnectionTable<Connection> connections;
  // The (route, code) pairs answered so far: a few dozen at most (routes
  // are patterns, unknown paths one label), so a list is quick to scan.
  struct RequestCounter {
    std::string route;
    int status = 0;
    core::CounterCell* cell = nullptr;
  };
  std::vector<RequestCounter> request_counters;
  bool is_stopping = false;
  asio::steady_timer drained;  // drain(): cancelled when the last connection closes
  asio::steady_timer sweeper;  // sweep_deadlines(): cancelled by stop() and the last connection
  std::function<void()> fail_daemon;
};

Server::Server(asio::any_io_executor executor, ServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), std::move(handler))) {
  core::metrics().describe_counter("tributary_http_requests_total", "HTTP requests answered, by route and status code");
  core::metrics().describe_counter("tributary_http_connections_refused_total",
                                   "Connections closed at once: server.max_connections were open, all busy");
  core::metrics().describe_counter("tributary_http_connections_evicted_total",
                                   "Idle connections closed to make room for a new one at server.max_connections");
}

Server::~Server() { stop(); }

void Server::start(std::function<void()> fail_daemon) {
  impl_->fail_daemon = std::move(fail_daemon);
  error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) throw std::runtime_error("server.listen: \"" + impl_->options.address + "\" is not an IP address");
  const tcp::endpoint endpoint(address, impl_->options.port);
  const std::string where = impl_->options.address + ":" + std::to_string(impl_->options.port);
  if (impl_->options.inherited_listen_fd >= 0) {
    impl_->acceptor.assign(endpoint.protocol(), impl_->options.inherited_listen_fd, ec);
    if (ec)
      throw std::runtime_error("cannot use the listening socket passed as fd " +
                               std::to_string(impl_->options.inherited_listen_fd) + ": " + ec.message());
    impl_->run();
    return;
  }
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && address.is_v6()) impl_->acceptor.set_option(asio::ip::v6_only(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  impl_->run();
}

void Server::stop() {
  if (impl_->is_stopping) return;
  impl_->is_stopping = true;
  error_code ignored;
  impl_->acceptor.close(ignored);
  // Connections waiting for a request have nothing in flight: close them.
  // The others close after the response they are on.
  for (Impl::Connection* connection : impl_->connections.idle()) connection->socket.cancel(ignored);
  impl_->sweeper.cancel();
}

std::size_t Server::open_connections() const { return impl_->connections.size(); }

asio::awaitable<void> Server::drain(std::chrono::steady_clock::duration deadline) {
  // The last connection to close cancels the timer (see ~Connection); all
  // of this runs on the I/O thread, so none closes between the check and
  // the wait.
  if (impl_->connections.size() == 0) co_return;
  impl_->drained.expires_after(deadline);
  co_await impl_->drained.async_wait(kUseTuple);
}

std::uint16_t Server::port() const {
  error_code ignored;
  const auto endpoint = impl_->acceptor.local_endpoint(ignored);
  return endpoint.port();
}

}  // namespace tributary::serve
