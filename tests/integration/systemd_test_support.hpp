// Helpers for the systemd integration tests: a stand-in for systemd's
// notify socket (a Unix datagram socket that collects what the daemon
// sends), and the daemon configuration they share.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/daemon.hpp"

namespace tributary::testing {

class NotifyListener {
 public:
  explicit NotifyListener(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path_.string().size() >= sizeof address.sun_path) throw std::runtime_error("socket path too long");
    std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("bind " + path_.string() + ": " + std::strerror(errno));
  }
  ~NotifyListener() { close(fd_); }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // The next datagram, or nullopt after `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd waiting{fd_, POLLIN, 0};
    if (poll(&waiting, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buffer[4096];
    const ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
    if (got < 0) return std::nullopt;
    std::string message(buffer, static_cast<std::size_t>(got));
    received_.push_back(message);
    return message;
  }

  // Receives until a message has a line equal to `line` (e.g. "READY=1") or
  // starting with it when it ends in '='; returns that message.
  std::optional<std::string> wait_for(const std::string& line, std::chrono::milliseconds timeout) {
    const auto give_up_at = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(give_up_at - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      const auto message = receive(left);
      if (!message) return std::nullopt;
      if (has_line(*message, line)) return message;
    }
  }

  static bool has_line(const std::string& message, const std::string& line) {
    std::size_t start = 0;
    while (start <= message.size()) {
      const std::size_t end = std::min(message.find('\n', start), message.size());
      const std::string_view text(message.data() + start, end - start);
      if (line.ends_with('=') ? text.starts_with(line) : text == line) return true;
      start = end + 1;
    }
    return false;
  }

  // The first message received so far that contains `text`.
  std::optional<std::string> find_received(const std::string& text) const {
    for (const std::string& message : received_)
      if (message.find(text) != std::string::npos) return message;
    return std::nullopt;
  }

  // Everything received so far, one message per line (for failure output).
  std::string transcript() const {
    std::string text;
    for (const std::string& message : received_) {
      std::string flat = message;
      for (char& c : flat)
        if (c == '\n') c = '|';
      text += "  " + flat + "\n";
    }
    return text;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

// Hourly polls of `source_urls`, info logs to `log_target`.
inline DaemonConfig service_config(const std::filesystem::path& database,
                                   const std::vector<std::string>& source_urls = {},
                                   const std::string& log_target = "stderr") {
  DaemonConfig config(database);
  config.schedule("interval = \"1h\"").log("level = \"info\"\ntarget = " + toml_string(log_target));
  for (const std::string& url : source_urls) config.source(url);
  return config;
}

}  // namespace tributary::testing
