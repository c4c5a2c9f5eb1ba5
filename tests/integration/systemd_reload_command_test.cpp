// `tributary reload` finds the daemon that runs with a configuration
// through the locked pid file next to its database, and sends it SIGHUP;
// it says so clearly when no daemon runs. A second daemon on the same
// database is refused.
#include <gtest/gtest.h>
#include <signal.h>

#include "integration/systemd_test_support.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

class SystemdReloadCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.write("tributary.toml", service_config(dir_.path() / "db/tributary.db").text());
  }
  std::vector<std::string> tributary(const std::string& subcommand) const {
    return {tributary_binary().string(), "--config", config_.string(), subcommand};
  }
  TempDir dir_;
  std::filesystem::path config_;
};

TEST_F(SystemdReloadCommand, SignalsTheRunningDaemon) {
  DaemonProcess daemon(config_, dir_.path() / "daemon.log");
  ASSERT_TRUE(daemon.wait_until_listening(60s)) << daemon.output();
  const CommandResult reload = run_command(tributary("reload"), 30s);
  EXPECT_EQ(reload.exit_code, 0) << reload.output;
  EXPECT_NE(reload.output.find("asked the tributary daemon (pid " + std::to_string(daemon.pid())), std::string::npos)
      << reload.output;
  EXPECT_TRUE(daemon.wait_for_log("reloaded " + config_.string(), 20s)) << daemon.output();
  EXPECT_EQ(daemon.stop(30s), 0) << daemon.output();
}

TEST_F(SystemdReloadCommand, SaysSoWhenNoDaemonRuns) {
  const CommandResult reload = run_command(tributary("reload"), 30s);
  EXPECT_EQ(reload.exit_code, 1) << reload.output;
  EXPECT_NE(reload.output.find("no tributary daemon is running with " + config_.string()), std::string::npos)
      << reload.output;
}

TEST_F(SystemdReloadCommand, IgnoresAPidFileLeftByAKilledDaemon) {
  {
    DaemonProcess daemon(config_, dir_.path() / "daemon.log");
    ASSERT_TRUE(daemon.wait_until_listening(60s)) << daemon.output();
    daemon.signal(SIGKILL);
    daemon.wait(30s);
  }
  ASSERT_TRUE(std::filesystem::exists(dir_.path() / "db/tributary.db.pid"));
  const CommandResult reload = run_command(tributary("reload"), 30s);
  EXPECT_EQ(reload.exit_code, 1) << reload.output;
  EXPECT_NE(reload.output.find("no tributary daemon is running"), std::string::npos) << reload.output;
}

TEST_F(SystemdReloadCommand, RefusesAnInvalidConfigWithoutSignalling) {
  dir_.write("tributary.toml", "[server]\nprot = 1\n");
  const CommandResult reload = run_command(tributary("reload"), 30s);
  EXPECT_EQ(reload.exit_code, 2) << reload.output;
  EXPECT_NE(reload.output.find(config_.string() + ":2:1: unknown key \"prot\""), std::string::npos) << reload.output;
}

TEST_F(SystemdReloadCommand, ASecondDaemonOnTheSameDatabaseIsRefused) {
  DaemonProcess first(config_, dir_.path() / "first.log");
  ASSERT_TRUE(first.wait_until_listening(60s)) << first.output();
  const CommandResult second = run_command(tributary("run"), 60s);
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_NE(second.output.find("another tributary daemon (pid " + std::to_string(first.pid()) + ") is running"),
            std::string::npos)
      << second.output;
  EXPECT_EQ(first.stop(30s), 0) << first.output();
}

}  // namespace
}  // namespace tributary::testing
