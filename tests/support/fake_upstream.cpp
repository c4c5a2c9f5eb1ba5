// FakeUpstream: a Beast server on its own io_context thread.
#include "support/fake_upstream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <thread>

namespace tributary::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

struct FakeUpstream::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::string host;
  std::uint16_t port = 0;
  mutable std::mutex mutex;  // guards routes and log (test thread vs server thread)
  std::map<std::string, FakeResponse> routes;
  std::map<std::string, std::vector<RecordedRequest>> log;
  std::thread thread;

  FakeResponse respond(const http::request<http::string_body>& request) {
    const std::string target(request.target());
    const std::string path = target.substr(0, target.find('?'));
    RecordedRequest recorded{std::string(request.method_string()), target, {}};
    for (const auto& field : request) recorded.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    std::lock_guard lock(mutex);
    log[path].push_back(recorded);
    auto found = routes.find(path);
    if (found == routes.end()) return FakeResponse{404, {{"Content-Type", "text/plain"}}, "no such fake route\n", {}, {}};
    FakeResponse response = found->second;
    const auto if_none_match = recorded.headers.find("if-none-match");
    const auto if_modified_since = recorded.headers.find("if-modified-since");
    const bool etag_hit = !response.etag.empty() && if_none_match != recorded.headers.end() &&
                          if_none_match->second == response.etag;
    const bool date_hit = !response.last_modified.empty() && if_modified_since != recorded.headers.end() &&
                          if_modified_since->second == response.last_modified;
    if (!response.etag.empty()) response.headers.emplace_back("ETag", response.etag);
    if (!response.last_modified.empty()) response.headers.emplace_back("Last-Modified", response.last_modified);
    if (etag_hit || date_hit) {
      response.status = 304;
      response.body.clear();
    }
    return response;
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      stream.expires_after(std::chrono::seconds(10));
      http::request<http::string_body> request;
      auto [read_error, read] = co_await http::async_read(stream, buffer, request, kUseTuple);
      if (read_error) break;
      const FakeResponse canned = respond(request);
      http::response<http::string_body> response{static_cast<http::status>(canned.status), request.version()};
      for (const auto& [name, value] : canned.headers) response.set(name, value);
      response.body() = canned.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      auto [write_error, written] = co_await http::async_write(stream, response, kUseTuple);
      if (write_error || !request.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor.async_accept(kUseTuple);
      if (error) co_return;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

FakeUpstream::FakeUpstream(const std::string& address) : impl_(std::make_unique<Impl>()) {
  const tcp::endpoint endpoint(asio::ip::make_address(address), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->host = endpoint.address().is_v6() ? "[" + address + "]" : address;
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FakeUpstream::~FakeUpstream() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t FakeUpstream::port() const { return impl_->port; }

std::string FakeUpstream::url(const std::string& path) const {
  return "http://" + impl_->host + ":" + std::to_string(port()) + path;
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

std::vector<RecordedRequest> FakeUpstream::requests(const std::string& path) const {
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->log.find(path);
  return found == impl_->log.end() ? std::vector<RecordedRequest>{} : found->second;
}

}  // namespace tributary::testing
