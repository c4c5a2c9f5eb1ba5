// Socket activation as systemd does it: the test binds and listens, then
// starts `tributary run` with the socket as fd 3, LISTEN_FDS=1 and
// LISTEN_PID set to the daemon's own pid (a shell sets it between fork and
// exec: `LISTEN_PID=$$ exec tributary ...`). The configured port is taken by
// another socket, so the daemon can only serve through the passed one.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "integration/systemd_test_support.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

// A TCP socket listening on 127.0.0.1 and a free port.
struct ListeningSocket {
  ListeningSocket() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error(std::string("listening socket: ") + std::strerror(errno));
    port = ntohs(address.sin_port);
  }
  ~ListeningSocket() {
    if (fd >= 0) close(fd);
  }
  int fd = -1;
  std::uint16_t port = 0;
};

TEST(SystemdSocketActivation, ServesThroughThePassedSocket) {
  TempDir dir;
  ListeningSocket passed;
  ListeningSocket occupied;  // what the config names: binding it would fail
  // A copy without FD_CLOEXEC is inherited across exec, at a single-digit
  // number the shell can move to 3.
  int fd = fcntl(passed.fd, F_DUPFD, 3);
  ASSERT_GE(fd, 3);
  ASSERT_LT(fd, 10) << "too many open descriptors to pass one by number";
  const std::string move_to_3 = fd == 3 ? "" : "exec 3<&" + std::to_string(fd) + " " + std::to_string(fd) + "<&-; ";
  const auto config = dir.write("tributary.toml", daemon_config(dir.path() / "tributary.db", {}, occupied.port));
  const auto notify_path = dir.path() / "notify.sock";
  NotifyListener notify(notify_path);
  ChildProcess daemon({"/bin/sh", "-c", move_to_3 + "LISTEN_PID=$$ exec \"$0\" \"$@\"", tributary_binary().string(),
                       "--config", config.string(), "run"},
                      dir.path() / "daemon.log", {"LISTEN_FDS=1", "NOTIFY_SOCKET=" + notify_path.string()}, {fd});
  close(fd);
  const auto ready = notify.wait_for("READY=1", 60s);
  ASSERT_TRUE(ready) << daemon.output();
  EXPECT_NE(daemon.output().find("socket activation: serving on the socket systemd passed (127.0.0.1:" +
                                 std::to_string(passed.port) + ")"),
            std::string::npos)
      << daemon.output();

  const HttpReply health = http_get("127.0.0.1", passed.port, "/healthz");
  EXPECT_EQ(health.status, 200) << health.error << "\n" << daemon.output();
  EXPECT_EQ(health.body, "ok\n");

  daemon.signal(SIGTERM);
  const auto code = daemon.wait(30s);
  ASSERT_TRUE(code) << daemon.output();
  EXPECT_EQ(*code, 0) << daemon.output();
}

TEST(SystemdSocketActivation, IgnoresSocketsMeantForAnotherProcess) {
  TempDir dir;
  std::uint16_t port = 0;
  {
    const ListeningSocket probe;  // a port that was free a moment ago
    port = probe.port;
  }
  const auto config = dir.write("tributary.toml", daemon_config(dir.path() / "tributary.db", {}, port));
  // LISTEN_PID names another process (1): the daemon binds its own port.
  ChildProcess daemon({tributary_binary().string(), "--config", config.string(), "run"}, dir.path() / "daemon.log",
                      {"LISTEN_FDS=1", "LISTEN_PID=1"});
  ASSERT_TRUE(daemon.wait_for_output("listening on http://127.0.0.1:" + std::to_string(port), 60s)) << daemon.output();
  EXPECT_EQ(daemon.output().find("socket activation"), std::string::npos) << daemon.output();
  EXPECT_EQ(http_get("127.0.0.1", port, "/healthz").status, 200);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0) << daemon.output();
}

}  // namespace
}  // namespace tributary::testing
