// A blocking HTTP/1.1 client for tests, as a feed reader would talk to the
// daemon: one request, bounded by a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tributary::testing {

struct HttpReply {
  int status = 0;                              // 0: no response (connection failed or timed out)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;
};

// `body`, when not empty (or the method is POST), is sent with its
// Content-Length; its Content-Type goes in `headers`.
HttpReply http_request(const std::string& host, std::uint16_t port, const std::string& method,
                       const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(10), const std::string& body = {});

inline HttpReply http_get(const std::string& host, std::uint16_t port, const std::string& target,
                          const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return http_request(host, port, "GET", target, headers);
}

}  // namespace tributary::testing
