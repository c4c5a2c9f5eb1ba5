// What every fake server of the tests shares (FakeUpstream, FakeProxy,
// FaultFarm): a listening socket on a loopback address, an io_context run
// by threads of its own, one coroutine per accepted connection, and a stop
// that ends in bounded time. The servers compose it and bring only their
// sessions.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace tributary::testing {

struct FakeServerOptions {
  std::string address = "127.0.0.1";  // or "::1" (then IPv6 only), "127.0.0.2", …
  std::uint16_t port = 0;             // 0: any free port
  int threads = 1;                    // threads that run the io_context
};

class FakeServer {
 public:
  // Serves one accepted connection; its coroutine ends when it is done.
  using Session = std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket)>;

  // Binds and listens at once (port() is known from here on); throws
  // boost::system::system_error when the address cannot be bound.
  explicit FakeServer(const FakeServerOptions& options);
  // stop().
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // Starts accepting: each connection goes to `session` on a strand of its
  // own (with several threads, a stream's timer and its reads must not run
  // at once). Once only.
  void start(Session session);
  // Stops the threads and returns in bounded time: io_context::stop ends
  // run() after the handler at hand, so no session (a stalled body, an
  // endless one) is waited for; the suspended ones are destroyed with the
  // io_context, which its owner declares after what they use. Idempotent.
  void stop();

  boost::asio::io_context& io() { return io_; }
  std::uint16_t port() const { return port_; }
  // The address as a URL's host: "127.0.0.1" or "[::1]".
  const std::string& url_host() const { return url_host_; }

 private:
  boost::asio::awaitable<void> accept_loop();

  Session session_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::string url_host_;
  int thread_count_ = 1;
  std::vector<std::thread> threads_;
};

}  // namespace tributary::testing
