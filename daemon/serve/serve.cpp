// The HTTP server: an acceptor coroutine and one coroutine per connection
// (keep-alive, one request at a time, in order). Responses that carry a
// rendered feed point at its shared bytes instead of copying them.
#include "serve/serve.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

#include "core/text.hpp"
#include "core/version.hpp"
#include "normalize/html.hpp"
#include "serve/http_rules.hpp"

namespace tributary::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kHeaderLimit = 8 * 1024;

// What to send: status, headers, and a body that is either owned text or a
// view into a shared rendered feed (kept alive by `keep_alive`).
struct Reply {
  http::status status = http::status::ok;
  std::vector<std::pair<http::field, std::string>> headers;
  std::string owned_body;
  std::string_view body;
  std::shared_ptr<const void> keep_alive;
  bool must_close = false;
};

Reply text_reply(http::status status, std::string text, std::string content_type = "text/plain; charset=utf-8") {
  Reply reply;
  reply.status = status;
  reply.headers.emplace_back(http::field::content_type, std::move(content_type));
  reply.headers.emplace_back(http::field::cache_control, "no-store");
  reply.owned_body = std::move(text);
  return reply;
}

std::string path_of(std::string_view target) {
  const auto end = target.find_first_of("?#");
  return std::string(target.substr(0, end));
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor_in, ServerOptions options_in, Content content_in)
      : executor(std::move(executor_in)), options(std::move(options_in)), content(std::move(content_in)),
        acceptor(executor) {}

  Reply feed_reply(const http::request<http::empty_body>& request, const render::FeedSlot* slot) {
    std::shared_ptr<const render::RenderedFeed> feed = slot ? slot->current() : nullptr;
    if (!feed) return text_reply(http::status::service_unavailable, "the feed is not ready yet\n");
    Reply reply;
    const bool use_gzip = accepts_gzip(request[http::field::accept_encoding]) && !feed->gzip_body.empty();
    reply.headers.emplace_back(http::field::content_type, feed->content_type);
    reply.headers.emplace_back(http::field::etag, feed->etag);
    reply.headers.emplace_back(http::field::last_modified, core::format_http_date(feed->last_modified));
    reply.headers.emplace_back(http::field::cache_control,
                               "public, max-age=" + std::to_string(options.cache_max_age.count()));
    reply.headers.emplace_back(http::field::vary, "Accept-Encoding");
    const auto if_none_match = request[http::field::if_none_match];
    const bool is_not_modified = !if_none_match.empty()
                                     ? etag_matches(if_none_match, feed->etag)
                                     : is_unmodified_since(request[http::field::if_modified_since], feed->last_modified);
    if (is_not_modified) {
      reply.status = http::status::not_modified;
      return reply;
    }
    if (use_gzip) reply.headers.emplace_back(http::field::content_encoding, "gzip");
    reply.body = use_gzip ? std::string_view(feed->gzip_body) : std::string_view(feed->body);
    reply.keep_alive = feed;
    return reply;
  }

  Reply landing_page() {
    const std::string title = normalize::escape_html(options.title);
    std::string page =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
        "</title>\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"" + title +
        "\" href=\"feed.atom\">\n</head><body><h1>" + title +
        "</h1>\n<p>Subscribe: <a href=\"feed.atom\">Atom feed</a></p>\n<p><small>Tributary " +
        std::string(core::kVersion) + "</small></p></body></html>\n";
    return text_reply(http::status::ok, std::move(page), "text/html; charset=utf-8");
  }

  Reply route(const http::request<http::empty_body>& request) {
    const std::string path = path_of(request.target());
    const bool is_known = path == "/" || path == "/feed.atom" || path == "/healthz";
    if (!is_known) return text_reply(http::status::not_found, "not found: " + path + "\n");
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      Reply reply = text_reply(http::status::method_not_allowed, "method not allowed\n");
      reply.headers.emplace_back(http::field::allow, "GET, HEAD");
      return reply;
    }
    if (path == "/feed.atom") return feed_reply(request, content.atom_feed);
    if (path == "/healthz") {
      const bool is_healthy = content.is_healthy && content.is_healthy();
      return is_healthy ? text_reply(http::status::ok, "ok\n")
                        : text_reply(http::status::service_unavailable, "store unavailable\n");
    }
    return landing_page();
  }

  static asio::awaitable<void> write_reply(beast::tcp_stream& stream, const Reply& reply, unsigned version,
                                           bool keep_alive, bool is_head, error_code& ec) {
    http::response<http::span_body<const char>> response{reply.status, version};
    response.set(http::field::server, "Tributary/" + std::string(core::kVersion));
    response.set(http::field::date, core::format_http_date(core::now_utc()));
    for (const auto& [field, value] : reply.headers) response.set(field, value);
    const std::string_view body = reply.owned_body.empty() ? reply.body : std::string_view(reply.owned_body);
    response.body() = boost::span<const char>(body.data(), body.size());
    response.keep_alive(keep_alive);
    if (reply.status == http::status::not_modified) {
      response.body() = {};
    } else {
      response.content_length(body.size());
    }
    if (is_head) {
      // HEAD: the same headers, Content-Length included, and no body.
      http::response_serializer<http::span_body<const char>> serializer(response);
      auto [header_error, written] = co_await http::async_write_header(stream, serializer, kUseTuple);
      ec = header_error;
      co_return;
    }
    auto [write_error, written] = co_await http::async_write(stream, response, kUseTuple);
    ec = write_error;
  }

  static asio::awaitable<void> session(std::shared_ptr<Impl> self, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      stream.expires_after(self->options.idle_timeout);
      http::request_parser<http::empty_body> parser;
      parser.header_limit(kHeaderLimit);
      auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      Reply reply;
      unsigned version = 11;
      bool keep_alive = false;
      bool is_head = false;
      if (read_error == http::error::header_limit) {
        reply = text_reply(http::status::request_header_fields_too_large, "request headers too large\n");
      } else if (read_error == http::error::unexpected_body || read_error == http::error::body_limit) {
        reply = text_reply(http::status::payload_too_large, "request bodies are not accepted\n");
      } else if (read_error == http::error::end_of_stream || read_error == beast::error::timeout ||
                 read_error == asio::error::eof || read_error == asio::error::connection_reset ||
                 read_error == asio::error::operation_aborted) {
        break;
      } else if (read_error) {
        reply = text_reply(http::status::bad_request, "malformed request\n");
      } else {
        const auto& request = parser.get();
        version = request.version();
        keep_alive = request.keep_alive();
        is_head = request.method() == http::verb::head;
        reply = self->route(request);
      }
      error_code write_error;
      co_await write_reply(stream, reply, version, keep_alive, is_head, write_error);
      if (write_error || !keep_alive || self->is_stopping) break;
    }
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    --self->connection_count;
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    while (!self->is_stopping) {
      auto [error, socket] = co_await self->acceptor.async_accept(kUseTuple);
      if (error == asio::error::operation_aborted || self->is_stopping) break;
      if (error) continue;  // e.g. EMFILE; the next accept may succeed
      if (self->connection_count >= self->options.max_connections) {
        error_code ignored;
        socket.close(ignored);
        continue;
      }
      ++self->connection_count;
      asio::co_spawn(self->executor, session(self, std::move(socket)), asio::detached);
    }
  }

  asio::any_io_executor executor;
  ServerOptions options;
  Content content;
  tcp::acceptor acceptor;
  // I/O thread only:
  std::size_t connection_count = 0;
  bool is_stopping = false;
};

Server::Server(asio::any_io_executor executor, ServerOptions options, Content content)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), std::move(content))) {}

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
  impl_->is_stopping = true;
  error_code ignored;
  impl_->acceptor.close(ignored);
}

std::uint16_t Server::port() const {
  error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

}  // namespace tributary::serve
