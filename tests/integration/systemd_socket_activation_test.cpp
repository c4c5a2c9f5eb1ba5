// Socket activation as systemd does it: the test binds and listens, then
// starts `tributary run` with the socket as fd 3, LISTEN_FDS=1 and
// LISTEN_PID set to the daemon's own pid (a shell sets it between fork and
// exec: `LISTEN_PID=$$ exec tributary ...`). The configured port is taken by
// another socket, so the daemon can only serve through the passed one.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "integration/systemd_test_support.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

// A listening TCP socket on 127.0.0.1 and a free port.
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
  const auto config =
      dir.write("tributary.toml", service_config(dir.path() / "tributary.db").port(occupied.port).text());
  const auto notify_path = dir.path() / "notify.sock";
  NotifyListener notify(notify_path);
  DaemonProcess daemon(config, dir.path() / "daemon.log",
                       {.environment = {"LISTEN_FDS=1", "NOTIFY_SOCKET=" + notify_path.string()},
                        .wrapper = {"/bin/sh", "-c", move_to_3 + "LISTEN_PID=$$ exec \"$0\" \"$@\""},
                        .passed_descriptors = {fd}});
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

  const auto code = daemon.stop(30s);
  ASSERT_TRUE(code) << daemon.output();
  EXPECT_EQ(*code, 0) << daemon.output();
}

TEST(SystemdSocketActivation, IgnoresSocketsMeantForAnotherProcess) {
  TempDir dir;
  // Port 0, not a port probed free a moment ago: another test (or another
  // checkout's suite running beside this one) could take that in between.
  const auto config = dir.write("tributary.toml", service_config(dir.path() / "tributary.db").text());
  // LISTEN_PID names another process (1): the daemon binds its own port.
  DaemonProcess daemon(config, dir.path() / "daemon.log", {.environment = {"LISTEN_FDS=1", "LISTEN_PID=1"}});
  ASSERT_TRUE(daemon.wait_until_listening(60s)) << daemon.output();
  EXPECT_EQ(daemon.host(), "127.0.0.1");
  EXPECT_EQ(daemon.output().find("socket activation"), std::string::npos) << daemon.output();
  EXPECT_EQ(daemon.get("/healthz").status, 200);
  EXPECT_EQ(daemon.stop(30s), 0) << daemon.output();
}

}  // namespace
}  // namespace tributary::testing
