// `tributary check` and the --config read through the real binary: what it
// refuses (overflowing sizes, unbounded files, control characters, two
// sources with one name), what it never prints (credentials, raw control
// characters), what it only warns of (OPML outlines it skips), and how it
// lists sources. And the daemon logs the same warnings at start and reload.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include "support/daemon.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

class CheckCommandTest : public ::testing::Test {
 protected:
  CommandResult check(const std::filesystem::path& config) {
    return run_command({tributary_binary().string(), "--config", config.string(), "check"}, 60s);
  }
  CommandResult check_toml(const std::string& toml) { return check(dir_.write("tributary.toml", toml)); }

  static std::string opml(const std::string& outlines) {
    return "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>s</title></head><body>\n" + outlines +
           "</body></opml>\n";
  }

  TempDir dir_;
};

TEST_F(CheckCommandTest, AWrappingSizeIsRefusedAtItsPlace) {
  const CommandResult result = check_toml("[fetch]\nmax_body_size = \"17592186044417MiB\"\n");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("tributary.toml:2:17: fetch.max_body_size must be between 1KiB and 1GiB, not "
                               "\"17592186044417MiB\""),
            std::string::npos)
      << result.output;
}

TEST_F(CheckCommandTest, DevZeroAsTheConfigEndsWithAMessage) {
  const CommandResult result = check("/dev/zero");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(result.output, "/dev/zero:1:1: cannot read config file: not a regular file (a character device)\n");
}

TEST_F(CheckCommandTest, AFifoAsTheConfigDoesNotHang) {
  const auto fifo = dir_.path() / "fifo.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const CommandResult result = check(fifo);  // run_command gives up after 60 s
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(result.output, fifo.string() + ":1:1: cannot read config file: not a regular file (a FIFO)\n");
}

TEST_F(CheckCommandTest, DevZeroAsAPasswordFileOrOpmlEndsWithAMessage) {
  const CommandResult result = check_toml(
      "[sources]\nopml = \"/dev/zero\"\n"
      "[[source]]\nurl = \"https://paid.example/feed\"\nusername = \"u\"\npassword_file = \"/dev/zero\"\n");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("tributary.toml:6:17: source.password_file: cannot read \"/dev/zero\": not a regular "
                               "file (a character device)"),
            std::string::npos)
      << result.output;
}

TEST_F(CheckCommandTest, CredentialsNeverAppear) {
  const CommandResult result = check_toml(
      "[[source]]\nurl = \"https://reader:s3cret@a.example/feed\"\n"
      "[[source]]\nurl = \"https://reader:s3cret@A.example/feed\"\n"
      "[[source]]\nurl = \"http://reader:s3cret@bad host/feed\"\n"
      "[[channel]]\nname = \"c\"\nsources = [\"https://reader:s3cret@nowhere.example/\"]\n");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("duplicate source URL \"https://A.example/feed\""), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("malformed URL \"http://bad host/feed\""), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("s3cret"), std::string::npos) << result.output;
}

TEST_F(CheckCommandTest, AValidConfigListsItsSourcesWithoutCredentials) {
  const CommandResult result =
      check_toml("[[source]]\nurl = \"https://reader:s3cret@a.example/feed\"\nname = \"Paid\"\n");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("https://a.example/feed"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("s3cret"), std::string::npos) << result.output;
}

TEST_F(CheckCommandTest, ControlCharactersAreRefusedAndNeverPrintedRaw) {
  const CommandResult result = check_toml("[feed]\ntitle = \"News\\u001b]0;owned\\u0007\"\n\"\\u001b[2J\" = 1\n");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("tributary.toml:2:9: feed.title contains the control character U+001B"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("unknown key \"\\u001B[2J\" in [feed]"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find('\x1b'), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find('\x07'), std::string::npos) << result.output;
}

TEST_F(CheckCommandTest, TwoSourcesWithOneNameAreRefused) {
  const CommandResult result = check_toml(
      "[[source]]\nurl = \"https://a.example/feed\"\nname = \"News\"\n"
      "[[source]]\nurl = \"https://b.example/feed\"\nname = \"News\"\n");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("tributary.toml:6:8: duplicate source name \"News\" (first used at line 3)"),
            std::string::npos)
      << result.output;
}

TEST_F(CheckCommandTest, MistakesGetSuggestions) {
  const CommandResult result = check_toml(
      "prot = 8080\n[schedule]\nmin_interval = \"2h\"\nmax_interval = \"1h\"\n"
      "[[sources]]\nurl = \"https://a.example/feed\"\n");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("tributary.toml:1:1: unknown key \"prot\" (did you mean \"port\" in [server]?)"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("tributary.toml:3:16: schedule.min_interval (2h) is above schedule.max_interval (1h)"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("[[sources]] must be written [sources] (one table); did you mean [[source]]?"),
            std::string::npos)
      << result.output;
}

TEST_F(CheckCommandTest, ListsPinnedAndAdaptiveIntervals) {
  const CommandResult result = check_toml(
      "[schedule]\ninterval = \"20m\"\n"
      "[[source]]\nurl = \"https://a.example/feed\"\nname = \"Pinned\"\ninterval = \"1w\"\n"
      "[[source]]\nurl = \"https://b.example/feed\"\nname = \"Adaptive\"\n");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Pinned    https://a.example/feed  every 7d  "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Adaptive  https://b.example/feed  adaptive, from 20m  "), std::string::npos)
      << result.output;
}

TEST_F(CheckCommandTest, OpmlOutlinesThatCannotBeSourcesAreWarningsOnly) {
  dir_.write("subs.opml", opml("<outline text=\"Relative\" xmlUrl=\"feeds/local.xml\"/>\n"
                               "<outline text=\"Podcast\" xmlUrl=\"feed://pod.example/rss\"/>\n"
                               "<outline text=\"Secure\" xmlUrl=\"feed:https://secure.example/atom\"/>\n"));
  const CommandResult result = check_toml("[sources]\nopml = \"subs.opml\"\n");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("tributary.toml: OK, 2 sources; 1 warning"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("warning: " + (dir_.path() / "subs.opml").string() +
                               ":3:1: outline \"Relative\" skipped: its xmlUrl \"feeds/local.xml\" is not an absolute "
                               "URL (an OPML list needs http(s) URLs)"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("Podcast  http://pod.example/rss"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Secure   https://secure.example/atom"), std::string::npos) << result.output;
}

TEST_F(CheckCommandTest, TheDaemonLogsOpmlWarningsAtStartAndOnReload) {
  const auto opml_path = dir_.write("subs.opml", opml("<outline text=\"Relative\" xmlUrl=\"one.xml\"/>\n"));
  DaemonConfig config(dir_.path() / "t.db");
  config.log("target = \"stderr\"").raw("[sources]\nopml = \"subs.opml\"");
  DaemonProcess daemon(dir_.write("tributary.toml", config.text()), dir_.path() / "run.log");
  ASSERT_TRUE(daemon.wait_until_listening()) << daemon.output();
  EXPECT_NE(daemon.output().find(opml_path.string() + ":3:1: outline \"Relative\" skipped"), std::string::npos)
      << daemon.output();
  dir_.write("subs.opml", opml("<outline text=\"Other\" xmlUrl=\"two.xml\"/>\n"));
  daemon.signal(SIGHUP);
  ASSERT_TRUE(daemon.wait_for_log("reloaded", 30s)) << daemon.output();
  EXPECT_NE(daemon.output().find(opml_path.string() + ":3:1: outline \"Other\" skipped"), std::string::npos)
      << daemon.output();
  EXPECT_EQ(daemon.stop(20s), 0) << daemon.output();
}

}  // namespace
}  // namespace tributary::testing
