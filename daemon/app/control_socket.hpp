// The daemon's local control channel: a Unix stream socket next to its pid
// file (DATABASE.sock), for the command-line requests that must reach the
// running daemon and must not be open to the network — `tributary poll
// NAME`. The file system authenticates: the socket is made mode 0600, so
// only the daemon's user (and root) can connect, and the daemon checks the
// peer's uid as well.
//
// The protocol is lines of UTF-8: one request ("poll NAME-OR-URL"); the
// daemon answers with any number of "note TEXT" lines and one last
// "VERDICT TEXT" line (ok, failed, refused, unknown, error), then closes.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::app {

// "DATABASE.sock"; empty for ":memory:".
std::filesystem::path control_socket_path(const std::filesystem::path& database);

// The lines of one answer, written as the daemon learns them.
class ControlReply {
 public:
  virtual ~ControlReply() = default;
  virtual boost::asio::awaitable<void> write_line(std::string line) = 0;
};

class ControlServer {
 public:
  // Runs on the I/O executor; `request` is the request line without its
  // line break.
  using Handler = std::function<boost::asio::awaitable<void>(std::string request, ControlReply& reply)>;

  // Binds `path` (a stale socket left by a killed daemon is replaced: the
  // caller holds the pid file). Throws std::runtime_error when it cannot —
  // a path too long for a Unix socket, a file that is not a socket there.
  ControlServer(boost::asio::any_io_executor io, std::filesystem::path path, Handler handler);
  // Removes the socket file.
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  void start(std::function<void()> fail_daemon);
  // Accepts no more requests; those being answered finish.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The client's side: sends `request` to the daemon at `path` and returns
// the answer's lines, each handed to `on_line` as it arrives. nullopt
// (after saying why on stderr) when the daemon cannot be reached or stops
// answering within `timeout`.
std::optional<std::string> ask_daemon(const std::filesystem::path& path, const std::string& request,
                                      const std::function<void(const std::string& line)>& on_line,
                                      std::chrono::milliseconds timeout);

}  // namespace tributary::app
