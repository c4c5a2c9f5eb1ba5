// The notify protocol and signals, without systemd as PID 1: the test
// stands in for systemd with a Unix datagram socket (NOTIFY_SOCKET) and a
// watchdog (WATCHDOG_USEC), runs the real `tributary run`, and checks what
// the daemon says and when: READY=1 only once the port accepts
// connections, WATCHDOG=1 pings, STATUS= lines, RELOADING=1 then READY=1
// on SIGHUP (with an invalid file kept out), STOPPING=1 and exit 0 on
// SIGTERM with the database checkpointed.
#include <gtest/gtest.h>
#include <signal.h>

#include "integration/systemd_test_support.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

class SystemdNotify : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    upstream_ = std::make_unique<FakeUpstream>();
    const std::string feed = read_text_file(fixtures_dir() / "feeds/small_rss20.xml");
    upstream_->serve("/one.xml", {200, {{"Content-Type", "application/rss+xml"}}, feed, {}, {}});
    upstream_->serve("/two.xml", {200, {{"Content-Type", "application/rss+xml"}}, feed, {}, {}});
    dir_ = std::make_unique<TempDir>();
    database_ = dir_->path() / "state/tributary.db";
    config_ = dir_->write("tributary.toml", service_config(database_, {upstream_->url("/one.xml")}).text());
    notify_ = std::make_unique<NotifyListener>(dir_->path() / "notify.sock");
    daemon_ = std::make_unique<DaemonProcess>(
        config_, dir_->path() / "daemon.log",
        DaemonOptions{.environment = {"NOTIFY_SOCKET=" + notify_->path().string(), "WATCHDOG_USEC=400000"}});
    ready_ = notify_->wait_for("READY=1", 60s);
    if (!ready_) return;
    // The log line that names the port is written before READY=1: it is
    // there already, no waiting.
    if (daemon_->wait_until_listening(0s)) port_ = daemon_->port();
    // Asked right away: READY=1 must not come before the port listens.
    healthz_at_ready_ = daemon_->get("/healthz", {}, 5s).status;
  }

  static void TearDownTestSuite() {
    daemon_.reset();
    notify_.reset();
    upstream_.reset();
    dir_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(ready_) << "no READY=1 within 60 s\nnotifications:\n"
                        << notify_->transcript() << "daemon output:\n"
                        << daemon_->output();
  }

  static inline std::unique_ptr<FakeUpstream> upstream_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<NotifyListener> notify_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline std::filesystem::path database_;
  static inline std::filesystem::path config_;
  static inline std::optional<std::string> ready_;
  static inline std::uint16_t port_ = 0;
  static inline int healthz_at_ready_ = 0;
};

TEST_F(SystemdNotify, ReadyComesOnceThePortAcceptsConnections) {
  ASSERT_NE(port_, 0) << daemon_->output();
  EXPECT_EQ(healthz_at_ready_, 200);
  EXPECT_TRUE(NotifyListener::has_line(*ready_, "STATUS=")) << *ready_;
}

TEST_F(SystemdNotify, ReadyStatusCountsTheSources) {
  EXPECT_NE(ready_->find("STATUS=1 source"), std::string::npos) << *ready_;
}

TEST_F(SystemdNotify, WatchdogPingsKeepComing) {
  // WATCHDOG_USEC=400000: a ping every 200 ms; ask for 5 within 4 s.
  int pings = 0;
  const auto give_up_at = std::chrono::steady_clock::now() + 4s;
  while (pings < 5 && std::chrono::steady_clock::now() < give_up_at) {
    if (notify_->wait_for("WATCHDOG=1", 1s)) ++pings;
  }
  EXPECT_GE(pings, 5) << notify_->transcript();
}

TEST_F(SystemdNotify, StatusSummarizesTheLastPoll) {
  // The status is refreshed every 5 s (when it changed); the source is
  // polled at start.
  const auto give_up_at = std::chrono::steady_clock::now() + 30s;
  while (!notify_->find_received("last poll") && std::chrono::steady_clock::now() < give_up_at) notify_->receive(1s);
  const auto status = notify_->find_received("last poll");
  ASSERT_TRUE(status) << notify_->transcript();
  EXPECT_TRUE(NotifyListener::has_line(*status, "STATUS=")) << *status;
  EXPECT_NE(status->find(": HTTP 200"), std::string::npos) << *status;
}

TEST_F(SystemdNotify, SighupReloadsBetweenReloadingAndReady) {
  dir_->write("tributary.toml",
              service_config(database_, {upstream_->url("/one.xml"), upstream_->url("/two.xml")}).text());
  daemon_->signal(SIGHUP);
  const auto reloading = notify_->wait_for("RELOADING=1", 20s);
  ASSERT_TRUE(reloading) << notify_->transcript() << daemon_->output();
  EXPECT_TRUE(NotifyListener::has_line(*reloading, "MONOTONIC_USEC=")) << *reloading;
  const auto ready = notify_->wait_for("READY=1", 20s);
  ASSERT_TRUE(ready) << notify_->transcript() << daemon_->output();
  EXPECT_NE(ready->find("STATUS=2 sources"), std::string::npos) << *ready;
  EXPECT_TRUE(daemon_->wait_for_log("reloaded " + config_.string() + ": 2 sources", 5s)) << daemon_->output();
  // The added source is polled.
  EXPECT_TRUE(upstream_->wait_for_hits("/two.xml", 1, 30s));
}

TEST_F(SystemdNotify, InvalidConfigOnSighupKeepsTheOldOneAndSaysWhere) {
  const std::string valid = read_text_file(config_);
  // Line 9, column 1 of the broken file: an unknown key in [log].
  dir_->write("tributary.toml", "[server]\nlisten = \"127.0.0.1\"\nport = 0\n[storage]\ndatabase = \"" +
                                    database_.string() +
                                    "\"\n[schedule]\ninterval = \"1h\"\n[log]\nlevle = \"debug\"\n");
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(notify_->wait_for("RELOADING=1", 20s)) << notify_->transcript();
  const auto ready = notify_->wait_for("READY=1", 20s);
  ASSERT_TRUE(ready) << notify_->transcript() << daemon_->output();
  EXPECT_NE(ready->find("STATUS=2 sources"), std::string::npos) << "the old configuration stays: " << *ready;
  EXPECT_TRUE(daemon_->wait_for_log(config_.string() + ":9:1: unknown key \"levle\"", 5s)) << daemon_->output();
  EXPECT_TRUE(daemon_->wait_for_log("keeping the configuration in effect", 5s)) << daemon_->output();
  EXPECT_EQ(daemon_->get("/healthz").status, 200);
  dir_->write("tributary.toml", valid);
}

TEST_F(SystemdNotify, ChangesThatNeedARestartAreLoggedAsSuch) {
  dir_->write("tributary.toml",
              service_config(database_, {upstream_->url("/one.xml"), upstream_->url("/two.xml")}).port(1).text());
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(notify_->wait_for("READY=1", 20s)) << notify_->transcript();
  EXPECT_TRUE(
      daemon_->wait_for_log("server.port changed from \"0\" to \"1\"; that takes effect when tributary "
                            "restarts",
                            5s))
      << daemon_->output();
  EXPECT_EQ(daemon_->get("/healthz").status, 200) << "still serving on the port it has";
}

TEST_F(SystemdNotify, SigtermSaysStoppingAndExitsZeroWithTheDatabaseCheckpointed) {
  daemon_->signal(SIGTERM);
  ASSERT_TRUE(notify_->wait_for("STOPPING=1", 20s)) << notify_->transcript() << daemon_->output();
  const auto code = daemon_->wait(30s);
  ASSERT_TRUE(code) << "still running 30 s after SIGTERM\n" << daemon_->output();
  EXPECT_EQ(*code, 0) << daemon_->output();
  EXPECT_NE(daemon_->output().find("stopped"), std::string::npos) << daemon_->output();
  // PRAGMA wal_checkpoint(TRUNCATE), then the last connection closed: no
  // write-ahead log left with content.
  std::filesystem::path wal = database_;
  wal += "-wal";
  std::error_code ignored;
  EXPECT_TRUE(!std::filesystem::exists(wal) || std::filesystem::file_size(wal, ignored) == 0);
  std::filesystem::path pid_file = database_;
  pid_file += ".pid";
  EXPECT_FALSE(std::filesystem::exists(pid_file)) << "the pid file is removed on exit";
}

}  // namespace
}  // namespace tributary::testing
