// FakeServer: the acceptor, its loop and the threads of the fake servers.
#include "support/fake_server.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace tributary::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

FakeServer::FakeServer(const FakeServerOptions& options) : thread_count_(std::max(1, options.threads)) {
  const tcp::endpoint endpoint(asio::ip::make_address(options.address), options.port);
  acceptor_.open(endpoint.protocol());
  // A fixed port (bench/soak's farm) may be bound again soon after a run.
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  if (endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  url_host_ = endpoint.address().is_v6() ? "[" + options.address + "]" : options.address;
}

FakeServer::~FakeServer() { stop(); }

void FakeServer::start(Session session) {
  session_ = std::move(session);
  asio::co_spawn(io_, accept_loop(), asio::detached);
  for (int i = 0; i < thread_count_; ++i) threads_.emplace_back([this] { io_.run(); });
}

void FakeServer::stop() {
  io_.stop();
  for (std::thread& thread : threads_)
    if (thread.joinable()) thread.join();
}

asio::awaitable<void> FakeServer::accept_loop() {
  for (;;) {
    auto [error, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kUseTuple);
    if (error == asio::error::operation_aborted) co_return;
    if (error) {  // e.g. out of file descriptors for a moment
      asio::steady_timer pause(io_, std::chrono::milliseconds(50));
      co_await pause.async_wait(kUseTuple);
      continue;
    }
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, session_(std::move(socket)), asio::detached);
  }
}

}  // namespace tributary::testing
