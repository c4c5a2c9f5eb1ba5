// A tiny forward proxy for tests, on 127.0.0.1 on its own thread: CONNECT
// tunnels (for https) and absolute-form GETs (for http, one request per
// connection). It records what it was asked, so a test can assert that a
// request went through it and with which Proxy-Authorization.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/fake_upstream.hpp"

namespace tributary::testing {

class FakeProxy {
 public:
  FakeProxy();
  ~FakeProxy();
  FakeProxy(const FakeProxy&) = delete;
  FakeProxy& operator=(const FakeProxy&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"
  // Every request the proxy read: CONNECT host:port, or GET http://….
  std::vector<RecordedRequest> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::testing
