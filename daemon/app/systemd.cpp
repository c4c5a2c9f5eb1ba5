// sd_notify and sd_listen_fds wrappers (libsystemd). A failed notification
// is logged at debug and otherwise ignored: systemd being away must never
// stop the daemon.
#include "app/systemd.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace tributary::app {

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  is_enabled_ = socket != nullptr && *socket != '\0';
  std::uint64_t usec = 0;
  // 0: keep WATCHDOG_USEC for sd_watchdog_enabled()'s own PID check only.
  if (is_enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_period_ = std::chrono::microseconds(usec / 2);
}

void ServiceNotifier::send(const std::string& state) {
  if (!is_enabled_) return;
  const int result = sd_notify(0, state.c_str());
  if (result < 0) spdlog::debug("sd_notify({}) failed: {}", state, std::strerror(-result));
}

void ServiceNotifier::ready(std::string_view status) {
  last_status_ = std::string(status);
  send("READY=1\nSTATUS=" + last_status_);
}

void ServiceNotifier::reloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=Reloading the configuration");
}

void ServiceNotifier::stopping() { send("STOPPING=1\nSTATUS=Stopping"); }

void ServiceNotifier::status(std::string_view text) {
  if (text == last_status_) return;
  last_status_ = std::string(text);
  send("STATUS=" + last_status_);
}

void ServiceNotifier::watchdog() { send("WATCHDOG=1"); }

std::optional<InheritedSocket> listen_socket_from_systemd() {
  const int count = sd_listen_fds(1);
  if (count < 0) throw std::runtime_error(std::string("socket activation: ") + std::strerror(-count));
  if (count == 0) return std::nullopt;
  InheritedSocket socket;
  socket.fd = SD_LISTEN_FDS_START;
  if (count > 1)
    spdlog::warn("socket activation: systemd passed {} sockets; using the first (fd {}), ignoring the rest", count,
                 socket.fd);
  if (sd_is_socket_inet(socket.fd, AF_UNSPEC, SOCK_STREAM, 1, 0) <= 0)
    throw std::runtime_error("socket activation: fd " + std::to_string(socket.fd) +
                             " is not a listening TCP socket; use ListenStream= in tributary.socket");
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (getsockname(socket.fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0)
    throw std::runtime_error(std::string("socket activation: getsockname: ") + std::strerror(errno));
  char text[INET6_ADDRSTRLEN] = {};
  if (bound.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(bound);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    socket.port = ntohs(v6.sin6_port);
  } else {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(bound);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    socket.port = ntohs(v4.sin_port);
  }
  socket.address = text;
  return socket;
}

}  // namespace tributary::app
