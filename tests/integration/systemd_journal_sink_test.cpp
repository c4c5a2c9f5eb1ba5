// The journal sink, fed structured fields the way the scheduler's poll line
// carries them (core::LogFields), with the journal replaced by a recorder:
// what each entry would send to journald.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "app/journal_sink.hpp"
#include "core/log_fields.hpp"
#include "integration/systemd_test_support.hpp"
#include "support/environment.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::app {
namespace {

using Entry = std::vector<std::string>;

class JournalSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<JournalSink>("tributary", [this](std::span<const std::string> fields) {
      entries_.emplace_back(fields.begin(), fields.end());
      return result_;
    });
    logger_ = std::make_shared<spdlog::logger>("journal-test", sink_);
    logger_->set_level(spdlog::level::trace);
  }
  static bool has(const Entry& entry, const std::string& field) {
    return std::find(entry.begin(), entry.end(), field) != entry.end();
  }
  static bool has_name(const Entry& entry, const std::string& name) {
    return std::any_of(entry.begin(), entry.end(), [&](const std::string& f) { return f.starts_with(name + "="); });
  }
  std::shared_ptr<JournalSink> sink_;
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<Entry> entries_;
  int result_ = 0;
};

TEST_F(JournalSinkTest, SendsMessagePriorityAndIdentifier) {
  logger_->info("tributary 0.1.0 starting");
  ASSERT_EQ(entries_.size(), 1u);
  EXPECT_TRUE(has(entries_[0], "MESSAGE=tributary 0.1.0 starting"));
  EXPECT_TRUE(has(entries_[0], "PRIORITY=6"));
  EXPECT_TRUE(has(entries_[0], "SYSLOG_IDENTIFIER=tributary"));
}

TEST_F(JournalSinkTest, CarriesThePollLinesStructuredFields) {
  {
    const core::LogFields fields{{"SOURCE_NAME", "BBC News: Europe"},
                                 {"SOURCE_URL", "https://feeds.bbci.co.uk/news/world/europe/rss.xml"},
                                 {"HTTP_STATUS", "200"}};
    logger_->info("poll BBC News: Europe: HTTP 200, 3 new");
  }
  logger_->info("after the poll");
  ASSERT_EQ(entries_.size(), 2u);
  EXPECT_TRUE(has(entries_[0], "SOURCE_NAME=BBC News: Europe"));
  EXPECT_TRUE(has(entries_[0], "SOURCE_URL=https://feeds.bbci.co.uk/news/world/europe/rss.xml"));
  EXPECT_TRUE(has(entries_[0], "HTTP_STATUS=200"));
  EXPECT_TRUE(has(entries_[0], "MESSAGE=poll BBC News: Europe: HTTP 200, 3 new"));
  EXPECT_FALSE(has_name(entries_[1], "SOURCE_NAME")) << "fields end with their scope";
  EXPECT_FALSE(has_name(entries_[1], "HTTP_STATUS"));
}

TEST_F(JournalSinkTest, LeavesOutEmptyValues) {
  const core::LogFields fields{{"SOURCE_NAME", "unreachable"}, {"HTTP_STATUS", ""}};
  logger_->warn("poll unreachable failed: dns");
  ASSERT_EQ(entries_.size(), 1u);
  EXPECT_TRUE(has(entries_[0], "SOURCE_NAME=unreachable"));
  EXPECT_FALSE(has_name(entries_[0], "HTTP_STATUS"));
}

TEST_F(JournalSinkTest, NestedFieldsAddToTheOuterOnes) {
  const core::LogFields outer{{"SOURCE_NAME", "outer"}};
  {
    const core::LogFields inner{{"HTTP_STATUS", "304"}};
    logger_->debug("inner");
  }
  logger_->debug("outer only");
  ASSERT_EQ(entries_.size(), 2u);
  EXPECT_TRUE(has(entries_[0], "SOURCE_NAME=outer"));
  EXPECT_TRUE(has(entries_[0], "HTTP_STATUS=304"));
  EXPECT_TRUE(has(entries_[1], "SOURCE_NAME=outer"));
  EXPECT_FALSE(has_name(entries_[1], "HTTP_STATUS"));
}

TEST_F(JournalSinkTest, DropsFieldNamesJournaldWouldReject) {
  const core::LogFields fields{{"source_url", "lower case"},
                               {"_PID", "trusted"},
                               {"9LIVES", "digit first"},
                               {"PRIORITY", "0"},
                               {"OK_NAME", "kept"}};
  logger_->warn("odd fields");
  ASSERT_EQ(entries_.size(), 1u);
  EXPECT_FALSE(has_name(entries_[0], "source_url"));
  EXPECT_FALSE(has_name(entries_[0], "_PID"));
  EXPECT_FALSE(has_name(entries_[0], "9LIVES"));
  EXPECT_FALSE(has(entries_[0], "PRIORITY=0")) << "the level decides the priority";
  EXPECT_TRUE(has(entries_[0], "PRIORITY=4"));
  EXPECT_TRUE(has(entries_[0], "OK_NAME=kept"));
}

TEST_F(JournalSinkTest, MapsEveryLevelToASyslogPriority) {
  logger_->trace("t");
  logger_->debug("d");
  logger_->info("i");
  logger_->warn("w");
  logger_->error("e");
  logger_->critical("c");
  ASSERT_EQ(entries_.size(), 6u);
  const char* expected[] = {"PRIORITY=7", "PRIORITY=7", "PRIORITY=6", "PRIORITY=4", "PRIORITY=3", "PRIORITY=2"};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_TRUE(has(entries_[i], expected[i])) << i;
}

TEST_F(JournalSinkTest, FallsBackToStderrWhenTheJournalIsAway) {
  result_ = -2;  // -ENOENT: no /run/systemd/journal/socket
  ::testing::internal::CaptureStderr();
  logger_->error("poll failed");
  const std::string text = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(text.find("cannot log to the journal"), std::string::npos) << text;
  EXPECT_NE(text.find("<3>poll failed"), std::string::npos) << text;
}

TEST(JournalStream, RecognizesStderrFromJournalStream) {
  struct stat status {};
  ASSERT_EQ(fstat(STDERR_FILENO, &status), 0);
  const std::string matching = std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
  testing::ScopedEnvironment environment;  // restores the caller's JOURNAL_STREAM
  environment.set("JOURNAL_STREAM", matching);
  EXPECT_TRUE(is_stderr_journal_stream());
  environment.set("JOURNAL_STREAM", std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino + 1));
  EXPECT_FALSE(is_stderr_journal_stream()) << "stderr was redirected elsewhere by a child's parent";
  environment.unset("JOURNAL_STREAM");
  EXPECT_FALSE(is_stderr_journal_stream());
}

TEST(JournalTarget, FallsBackToStderrWithoutJournald) {
  using namespace std::chrono_literals;
  if (is_journal_available()) GTEST_SKIP() << "journald runs here: the lines would go to it";
  testing::TempDir dir;
  const auto path =
      dir.write("tributary.toml", testing::service_config(dir.path() / "tributary.db", {}, "journal").text());
  testing::DaemonProcess daemon(path, dir.path() / "daemon.log");
  EXPECT_TRUE(daemon.wait_until_listening(60s)) << daemon.output();
  EXPECT_NE(daemon.output().find("the systemd journal is not available here; logging to stderr"), std::string::npos)
      << daemon.output();
  EXPECT_EQ(daemon.stop(30s), 0) << daemon.output();
}

TEST(JournalTarget, UnknownTargetIsAConfigError) {
  using namespace std::chrono_literals;
  testing::TempDir dir;
  const auto path = dir.write("tributary.toml", "[log]\ntarget = \"syslog\"\n");
  const auto result =
      testing::run_command({testing::tributary_binary().string(), "--config", path.string(), "check"}, 30s);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(path.string() + ":2:10: log.target \"syslog\" is not one of auto, journal, stderr"),
            std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace tributary::app
