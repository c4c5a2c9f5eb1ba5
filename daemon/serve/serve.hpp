// serve: the HTTP server feed readers talk to. Routes, conditional GET,
// gzip, HEAD, request limits. Beast lives in serve.cpp only.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "render/render.hpp"

namespace tributary::serve {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds cache_max_age{60};
  std::size_t max_connections = 2048;
  std::string title = "Tributary";  // for the landing page
  // A socket that is already bound and listening (systemd socket
  // activation), used instead of binding `address`:`port`; `address` must
  // still name its family (an IPv4 or an IPv6 address). -1: none.
  int inherited_listen_fd = -1;
};

struct Content {
  const render::FeedSlot* atom_feed = nullptr;
  std::function<bool()> is_healthy;  // called on the I/O thread
};

class Server {
 public:
  Server(boost::asio::any_io_executor executor, ServerOptions options, Content content);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; throws std::runtime_error naming the
  // address when the port cannot be bound.
  void start();
  // Stops accepting and closes connections once their current response
  // has been written.
  void stop();
  // The bound port (useful with port 0).
  std::uint16_t port() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tributary::serve
