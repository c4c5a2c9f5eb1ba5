// serve: the HTTP server feed readers talk to — connections and who gives
// way at the limit, request framing and limits, timeouts, keep-alive,
// pipelining, HEAD, graceful drain — and the
// site (serve/site.hpp) that answers each request. Beast lives in serve.cpp
// only; a handler sees plain Request and Response values.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/defaults.hpp"

namespace tributary::serve {

struct Request {
  std::string method;  // "GET", "HEAD", …
  std::string target;  // as sent: path and query
  // The header fields the site uses (empty when absent).
  std::string accept_encoding;
  std::string if_none_match;
  std::string if_modified_since;
  std::string authorization;
  // A POST's (the WebSub endpoints', ServerOptions::post_prefix): its body
  // and the fields WebSub reads (W3C WebSub §7, §8).
  std::string body;
  std::string content_type;
  std::string hub_signature;  // X-Hub-Signature
  std::string link;           // Link (every field line, joined with ", ")
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string owned_body;
  // Or a view into shared bytes (a rendered feed) kept alive by `keep_alive`.
  std::string_view shared_body;
  std::shared_ptr<const void> keep_alive;
  // Field lines ("Name: value\r\n") made once with a rendered document
  // (render::RenderedFeed::http_fields), sent before `headers`; their
  // bytes are kept alive by `keep_alive` too. No name in them is in
  // `headers` as well.
  std::string_view document_fields;
  std::string route = "other";  // the metrics label: "/feed.atom", "/c/*.atom", …

  std::string_view body() const { return owned_body.empty() ? shared_body : std::string_view(owned_body); }
};

// A short plain-text answer that no cache keeps (errors, /healthz).
Response text_response(int status, std::string text, std::string route);

// Sees only requests the server did not refuse itself: GET or HEAD without
// a body, or a POST under ServerOptions::post_prefix with its body read;
// framing beyond doubt (serve/http_rules.hpp: refuse_request).
using Handler = std::function<boost::asio::awaitable<Response>(Request)>;

// The defaults are the configuration's ([server], config/defaults.hpp).
struct ServerOptions {
  std::string address{config::defaults::kListenAddress};
  std::uint16_t port = config::defaults::kPort;  // 0: any free port
  // Waiting for the next request on a kept-alive connection.
  std::chrono::seconds idle_timeout = config::defaults::kIdleTimeout;
  // From a request's first byte to the end of its headers.
  std::chrono::seconds header_timeout = config::defaults::kHeaderTimeout;
  std::chrono::seconds write_timeout{30};  // writing one response
  // Open connections at most; at the limit a new one takes the place of the
  // one idle longest, and is refused only when all are busy with a request.
  std::size_t max_connections = config::defaults::kMaxServerConnections;
  // A socket that is already bound and listening (systemd socket
  // activation), used instead of binding `address`:`port`; `address` must
  // still name its family (an IPv4 or an IPv6 address). -1: none.
  int inherited_listen_fd = -1;
  // Request targets that start with this path take a POST with a body of at
  // most max_post_body bytes (the WebSub hub and callbacks); empty: none.
  std::string post_prefix;
  std::uint64_t max_post_body = 1024 * 1024;
};

// Limits on what a client may send (RFC 9110 §15.5.15, RFC 6585 §5).
inline constexpr std::size_t kMaxRequestLine = 8 * 1024;   // request target longer: 414
inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;  // request line or fields longer: 414 or 431

class Server {
 public:
  Server(boost::asio::any_io_executor executor, ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; throws std::runtime_error naming the
  // address when the port cannot be bound. `fail_daemon` runs (on the
  // executor) if the accept loop throws: a daemon that no longer accepts
  // connections should stop with a failure status, not carry on polling.
  void start(std::function<void()> fail_daemon = {});
  // Stops accepting, closes connections that wait for a request, and lets
  // the others finish the response they are on. Idempotent.
  void stop();
  // Open connections (after stop(): those still finishing a response).
  std::size_t open_connections() const;
  // After stop(): completes when the last connection has closed, or after
  // `deadline`. Call on the executor.
  boost::asio::awaitable<void> drain(std::chrono::steady_clock::duration deadline);
  // The bound port (useful with port 0).
  std::uint16_t port() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tributary::serve
