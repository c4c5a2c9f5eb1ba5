// A fake origin server for tests: serves canned responses on 127.0.0.1 (or
// ::1) from its own thread, counts hits per path and records the headers of
// every request, so a test can assert what the client sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tributary::testing {

struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Answer 304 when the request's If-None-Match equals this (if set) or its
  // If-Modified-Since equals `last_modified` (if set).
  std::string etag;
  std::string last_modified;
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
};

class FakeUpstream {
 public:
  explicit FakeUpstream(const std::string& address = "127.0.0.1");
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:PORT/path"
  std::string url(const std::string& path) const;

  void serve(const std::string& path, FakeResponse response);
  int hits(const std::string& path) const;
  std::vector<RecordedRequest> requests(const std::string& path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::testing
