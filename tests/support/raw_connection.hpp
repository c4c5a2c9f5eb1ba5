// A plain TCP connection for abuse tests: send exactly the bytes a test
// wants (malformed, trickled, pipelined) and read what comes back, every
// wait bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tributary::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port (or ::1 when `host` is "::1"); is_open()
  // tells whether that worked.
  RawConnection(const std::string& host, std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool is_open() const { return fd_ >= 0; }
  bool send(std::string_view bytes);
  // Half-close: no more requests from us.
  void shutdown_write();
  // Reads until the peer closes, `timeout` passes, or `stop_at` bytes.
  std::string receive(std::chrono::milliseconds timeout, std::size_t stop_at = 1 << 20);
  // Reads until `needle` has arrived `count` times (or timeout/close).
  std::string receive_until(std::string_view needle, int count, std::chrono::milliseconds timeout);
  // True when the peer has closed the connection (reads 0 within timeout).
  bool is_closed_by_peer(std::chrono::milliseconds timeout);

 private:
  std::string receive_while(const std::function<bool(const std::string&)>& wants_more,
                            std::chrono::milliseconds timeout);

  int fd_ = -1;
};

}  // namespace tributary::testing
