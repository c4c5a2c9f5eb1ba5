// The daemon's side of systemd: the notify protocol (READY, RELOADING,
// STOPPING, STATUS, WATCHDOG) and socket activation (LISTEN_FDS). Every
// call is a no-op when the process was not started by systemd (no
// NOTIFY_SOCKET, no LISTEN_FDS), so `tributary run` behaves the same in a
// terminal. See sd_notify(3), sd_watchdog_enabled(3), sd_listen_fds(3).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::app {

class ServiceNotifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC/WATCHDOG_PID once.
  ServiceNotifier();

  // True when systemd (or a test standing in for it) listens.
  bool is_enabled() const { return is_enabled_; }
  // How often to send WATCHDOG=1: half of WATCHDOG_USEC; nullopt without a
  // watchdog.
  std::optional<std::chrono::microseconds> watchdog_period() const { return watchdog_period_; }

  void ready(std::string_view status);
  // RELOADING=1 carries MONOTONIC_USEC so that Type=notify-reload (systemd
  // 253+) accepts it too.
  void reloading();
  void stopping();
  // One line for `systemctl status`; sent only when it changed.
  void status(std::string_view text);
  void watchdog();

 private:
  void send(const std::string& state);
  bool is_enabled_ = false;
  std::optional<std::chrono::microseconds> watchdog_period_;
  std::string last_status_;
};

struct InheritedSocket {
  int fd = -1;
  std::string address;  // the address it is bound to, e.g. "127.0.0.1" or "::"
  std::uint16_t port = 0;
};

// The listening socket systemd passed (socket activation), or nullopt when
// none was passed to this process (LISTEN_PID names another process, or
// there is no LISTEN_FDS). Throws std::runtime_error when systemd passed
// something that is not a listening TCP socket. Unsets LISTEN_FDS,
// LISTEN_PID and LISTEN_FDNAMES so that no child inherits them.
std::optional<InheritedSocket> listen_socket_from_systemd();

}  // namespace tributary::app
