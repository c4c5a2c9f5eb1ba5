// FakeProxy: reads one request head per client connection; CONNECT opens a
// tunnel relaying bytes both ways, an absolute-form request is sent on to
// the origin (in origin form, Connection: close) and its answer relayed back.
#include "support/fake_proxy.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <mutex>

#include "support/fake_server.hpp"

namespace tributary::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

struct FakeProxy::Impl {
  mutable std::mutex mutex;  // guards `log` (test thread vs proxy thread)
  std::vector<RecordedRequest> log;
  FakeServer server{FakeServerOptions{}};  // last: its sessions use the above
  asio::io_context& io = server.io();

  // Copies bytes from one socket to the other until either side closes.
  static asio::awaitable<void> relay(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
    std::array<char, 16 * 1024> buffer{};
    for (;;) {
      auto [read_error, read] = co_await from->async_read_some(asio::buffer(buffer), kUseTuple);
      if (read > 0) {
        auto [write_error, written] = co_await asio::async_write(*to, asio::buffer(buffer.data(), read), kUseTuple);
        if (write_error) break;
      }
      if (read_error) break;
    }
    beast::error_code ignored;
    to->shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<std::shared_ptr<tcp::socket>> connect_to(const std::string& host, const std::string& service) {
    tcp::resolver resolver(io);
    auto [resolve_error, endpoints] = co_await resolver.async_resolve(host, service, kUseTuple);
    if (resolve_error) co_return nullptr;
    auto upstream = std::make_shared<tcp::socket>(io);
    auto [connect_error, endpoint] = co_await asio::async_connect(*upstream, endpoints, kUseTuple);
    if (connect_error) co_return nullptr;
    co_return upstream;
  }

  asio::awaitable<void> session(std::shared_ptr<tcp::socket> client) {
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    auto [read_error, read] = co_await http::async_read_header(*client, buffer, parser, kUseTuple);
    if (read_error) co_return;
    const auto& request = parser.get();
    RecordedRequest recorded{std::string(request.method_string()), std::string(request.target()), {}};
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      recorded.headers[name] = std::string(field.value());
    }
    {
      std::lock_guard lock(mutex);
      log.push_back(recorded);
    }
    if (request.method() == http::verb::connect) {
      const std::string authority(request.target());
      const std::size_t colon = authority.rfind(':');
      std::string host = authority.substr(0, colon);
      if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
      auto upstream = co_await connect_to(host, authority.substr(colon + 1));
      if (!upstream) {
        const std::string refusal = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
        co_await asio::async_write(*client, asio::buffer(refusal), kUseTuple);
        co_return;
      }
      const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
      co_await asio::async_write(*client, asio::buffer(established), kUseTuple);
      asio::co_spawn(io, relay(upstream, client), asio::detached);
      co_await relay(client, upstream);
      co_return;
    }
    // An absolute-form request: on to the origin, once.
    const auto url = boost::urls::parse_uri(request.target());
    if (!url) co_return;
    std::string host(url->encoded_host_address());
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    const std::string origin_port = url->has_port() ? std::string(url->port()) : "80";
    auto upstream = co_await connect_to(host, origin_port);
    if (!upstream) co_return;
    http::request<http::empty_body> forwarded = parser.release();
    std::string origin_form = url->encoded_path().empty() ? "/" : std::string(url->encoded_path());
    if (url->has_query()) origin_form += "?" + std::string(url->encoded_query());
    forwarded.target(origin_form);
    forwarded.erase(http::field::proxy_authorization);
    forwarded.keep_alive(false);
    auto [write_error, written] = co_await http::async_write(*upstream, forwarded, kUseTuple);
    if (write_error) co_return;
    co_await relay(upstream, client);
  }
};

FakeProxy::FakeProxy() : impl_(std::make_unique<Impl>()) {
  impl_->server.start([impl = impl_.get()](tcp::socket socket) {
    return impl->session(std::make_shared<tcp::socket>(std::move(socket)));
  });
}

FakeProxy::~FakeProxy() = default;

std::uint16_t FakeProxy::port() const { return impl_->server.port(); }

std::string FakeProxy::url() const { return "http://127.0.0.1:" + std::to_string(impl_->server.port()); }

std::vector<RecordedRequest> FakeProxy::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

}  // namespace tributary::testing
