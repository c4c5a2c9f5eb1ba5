// A fake origin server for tests: a Beast server on 127.0.0.1 (or ::1),
// plain or TLS, on its own thread. It serves canned responses per path and
// misbehaves on request (slow headers, a stalled body, a reset, garbage,
// chunked oversized bodies), counts hits per path and connections overall,
// and records the headers of every request, so a test can assert what the
// client sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tributary::testing {

struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Sent as ETag / Last-Modified. The answer is 304 when the request's
  // If-None-Match equals `etag` (if set) or its If-Modified-Since equals
  // `last_modified` (if set), unless `is_ignoring_conditionals`.
  std::string etag;
  std::string last_modified;
  bool is_ignoring_conditionals = false;

  // Misbehaviors, for the fetcher's tests.
  std::chrono::milliseconds header_delay{0};          // wait this long before answering
  std::optional<std::size_t> stall_after_body_bytes;  // send the headers and this much body, then hold on
  bool is_reset = false;                              // read the request, then reset the connection (TCP RST)
  std::string raw_response;                           // when set: sent as is instead of an HTTP response, then closed
  bool is_chunked = false;                            // Transfer-Encoding: chunked instead of Content-Length
  bool is_closing = false;                            // Connection: close, then close
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;         // lower-case names
  std::chrono::steady_clock::time_point received_at;  // when its headers were read (spacing tests)
};

struct FakeUpstreamOptions {
  std::string address = "127.0.0.1";  // or "::1"
  // PEM: when set, the server speaks HTTPS with this certificate chain.
  std::string certificate_pem;
  std::string private_key_pem;
};

class FakeUpstream {
 public:
  explicit FakeUpstream(const std::string& address = "127.0.0.1");
  explicit FakeUpstream(const FakeUpstreamOptions& options);
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  std::uint16_t port() const;
  // "127.0.0.1" or "[::1]"
  std::string host() const;
  // "http://127.0.0.1:PORT/path" ("https://…" with TLS)
  std::string url(const std::string& path) const;

  void serve(const std::string& path, FakeResponse response);
  int hits(const std::string& path) const;
  // Waits (bounded) until `path` was asked for `count` times, e.g. a source
  // polled that often by the daemon; whether it was.
  bool wait_for_hits(const std::string& path, int count, std::chrono::milliseconds timeout) const;
  std::vector<RecordedRequest> requests(const std::string& path) const;
  // TCP connections accepted so far, and the most open at once.
  int connections() const;
  int max_concurrent_connections() const;
  // The most requests being answered at once (read, not yet fully answered).
  int max_concurrent_requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::testing
