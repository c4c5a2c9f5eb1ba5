// The scheduler through the real binary: `tributary poll --once` and
// `tributary status` against the fake upstream — permanent redirects after
// consecutive polls, 410 Gone, Retry-After, conditional requests, per-host
// limits, how far fetching runs ahead of the store, OPML sources, no
// stampede after a restart, and poll --once's exit status and refusal
// beside a running daemon. Most of these tests turn host_delay off
// (write_config_without_host_delay): they check what a poll does, not its
// pace; fairness and politeness at the shipped defaults are
// politeness_test.cpp's.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "store/sqlite.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

std::string small_feed(const std::string& title) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + title +
         "</title><link>https://site.example/</link><item><title>" + title +
         " item</title><link>https://site.example/" + title + "</link><guid>" + title +
         "-1</guid></item></channel></rss>";
}

FakeResponse ok_feed(const std::string& title) {
  return {200, {{"Content-Type", "application/rss+xml"}}, small_feed(title)};
}

class ScheduleTest : public ::testing::Test {
 protected:
  // A config with the given [[source]] entries (TOML) and extra [schedule]
  // settings; host_delay 0, so that many polls of one host take no time.
  std::filesystem::path write_config_without_host_delay(const std::string& sources,
                                                        const std::string& schedule_extra = "") {
    DaemonConfig config(dir_.path() / "t.db");
    config.schedule("host_delay = \"0s\"\n" + schedule_extra).raw(sources);
    return dir_.write("tributary.toml", config.text());
  }

  static std::string source(const std::string& url, const std::string& name) {
    return "[[source]]\nurl = " + toml_string(url) + "\nname = " + toml_string(name) + "\n";
  }

  CommandResult tributary(const std::filesystem::path& config, std::vector<std::string> arguments) {
    std::vector<std::string> argv{tributary_binary().string(), "--config", config.string()};
    for (std::string& argument : arguments) argv.push_back(std::move(argument));
    return run_command(argv, 60s);
  }

  // The status row of a source, by name.
  std::string status_row(const std::filesystem::path& config, const std::string& name) {
    const CommandResult status = tributary(config, {"status"});
    std::istringstream lines(status.output);
    for (std::string line; std::getline(lines, line);)
      if (line.starts_with(name + " ")) return line;
    return "(no row for " + name + " in)\n" + status.output;
  }

  FakeUpstream upstream_;
  TempDir dir_;
};

TEST_F(ScheduleTest, PollOnceFetchesEverySourceAndStoresItems) {
  upstream_.serve("/a.xml", ok_feed("alpha"));
  upstream_.serve("/b.xml", ok_feed("beta"));
  const auto config = write_config_without_host_delay(source(upstream_.url("/a.xml"), "Alpha") +
                                                      source(upstream_.url("/b.xml"), "Beta"));
  const CommandResult polled = tributary(config, {"poll", "--once"});
  EXPECT_EQ(polled.exit_code, 0) << polled.output;
  EXPECT_NE(polled.output.find("polled 2 sources: 2 ok"), std::string::npos) << polled.output;
  EXPECT_EQ(upstream_.hits("/a.xml"), 1);
  EXPECT_EQ(upstream_.hits("/b.xml"), 1);
  const std::string row = status_row(config, "Alpha");
  EXPECT_NE(row.find(" ok "), std::string::npos) << row;
  EXPECT_NE(row.find(" 1 "), std::string::npos) << row;  // one item
}

TEST_F(ScheduleTest, PollOnceExitsOneWhenAPollFailed) {
  upstream_.serve("/a.xml", ok_feed("alpha"));
  // Port 1 on loopback: nothing listens there, the connection is refused.
  const auto config = write_config_without_host_delay(source(upstream_.url("/a.xml"), "Alpha") +
                                                      source("http://127.0.0.1:1/feed.xml", "Unreachable"));
  const CommandResult polled = tributary(config, {"poll", "--once"});
  EXPECT_EQ(polled.exit_code, 1) << polled.output;
  EXPECT_NE(polled.output.find("polled 2 sources: 1 ok, 0 not modified, 1 failed"), std::string::npos) << polled.output;
  EXPECT_EQ(upstream_.hits("/a.xml"), 1);  // the others are polled all the same
}

TEST_F(ScheduleTest, PollOnceExitsOneWhenASourceIsGone) {
  upstream_.serve("/gone.xml", {410, {{"Content-Type", "text/plain"}}, "gone for good"});
  const auto config = write_config_without_host_delay(source(upstream_.url("/gone.xml"), "Gone"));
  EXPECT_EQ(tributary(config, {"poll", "--once"}).exit_code, 1);
  // Not polled again: nothing failed this time.
  EXPECT_EQ(tributary(config, {"poll", "--once"}).exit_code, 0);
}

TEST_F(ScheduleTest, PollOnceRefusesWhileADaemonRunsOnTheSameDatabase) {
  upstream_.serve("/a.xml", ok_feed("alpha"));
  const auto config = write_config_without_host_delay(source(upstream_.url("/a.xml"), "Alpha"), "interval = \"1h\"");
  DaemonProcess daemon(config, dir_.path() / "run.log");
  ASSERT_TRUE(daemon.wait_for_log("poll Alpha", 30s)) << daemon.output();
  const CommandResult polled = tributary(config, {"poll", "--once"});
  EXPECT_EQ(polled.exit_code, 1) << polled.output;
  EXPECT_NE(polled.output.find("(pid " + std::to_string(daemon.pid()) + ") is running with this database"),
            std::string::npos)
      << polled.output;
  EXPECT_NE(polled.output.find("Nothing was polled"), std::string::npos) << polled.output;
  EXPECT_EQ(upstream_.hits("/a.xml"), 1);  // the daemon's poll only: nothing moved
  EXPECT_EQ(daemon.stop(20s), 0) << daemon.output();
  // Without the daemon, it polls.
  EXPECT_EQ(tributary(config, {"poll", "--once"}).exit_code, 0);
  EXPECT_EQ(upstream_.hits("/a.xml"), 2);
}

TEST_F(ScheduleTest, SecondPollIsConditionalAndCostsNothing) {
  FakeResponse response = ok_feed("alpha");
  response.etag = "\"v1\"";
  response.last_modified = "Wed, 17 Dec 2025 10:00:00 GMT";
  upstream_.serve("/a.xml", response);
  const auto config = write_config_without_host_delay(source(upstream_.url("/a.xml"), "Alpha"));
  tributary(config, {"poll", "--once"});
  const CommandResult second = tributary(config, {"poll", "--once"});
  EXPECT_NE(second.output.find("1 not modified"), std::string::npos) << second.output;
  const auto requests = upstream_.requests("/a.xml");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].headers.at("if-none-match"), "\"v1\"");
  EXPECT_EQ(requests[1].headers.at("if-modified-since"), "Wed, 17 Dec 2025 10:00:00 GMT");
}

TEST_F(ScheduleTest, PermanentRedirectMovesTheSourceAfterThreeConsecutivePolls) {
  upstream_.serve("/old.xml", {301, {{"Location", "/new.xml"}}, ""});
  upstream_.serve("/new.xml", ok_feed("moved"));
  const auto config = write_config_without_host_delay(source(upstream_.url("/old.xml"), "Mover"));
  for (int poll = 1; poll <= 2; ++poll) {
    tributary(config, {"poll", "--once"});
    EXPECT_NE(status_row(config, "Mover").find("/old.xml"), std::string::npos) << "moved after " << poll << " polls";
  }
  const CommandResult third = tributary(config, {"poll", "--once"});
  EXPECT_NE(third.output.find("moved permanently"), std::string::npos) << third.output;
  EXPECT_NE(status_row(config, "Mover").find("/new.xml"), std::string::npos);
  tributary(config, {"poll", "--once"});
  EXPECT_EQ(upstream_.hits("/old.xml"), 3);  // the fourth poll went straight to the new URL
  EXPECT_EQ(upstream_.hits("/new.xml"), 4);
}

TEST_F(ScheduleTest, TemporaryRedirectNeverMovesTheSource) {
  upstream_.serve("/old.xml", {302, {{"Location", "/elsewhere.xml"}}, ""});
  upstream_.serve("/elsewhere.xml", ok_feed("temporary"));
  const auto config = write_config_without_host_delay(source(upstream_.url("/old.xml"), "Temporary"));
  for (int poll = 0; poll < 4; ++poll) tributary(config, {"poll", "--once"});
  EXPECT_NE(status_row(config, "Temporary").find("/old.xml"), std::string::npos);
  EXPECT_EQ(upstream_.hits("/old.xml"), 4);
}

TEST_F(ScheduleTest, GoneSourceIsNotPolledAgainUntilItsConfigChanges) {
  upstream_.serve("/gone.xml", {410, {{"Content-Type", "text/plain"}}, "gone for good"});
  const auto config = write_config_without_host_delay(source(upstream_.url("/gone.xml"), "Gone"));
  const CommandResult first = tributary(config, {"poll", "--once"});
  EXPECT_NE(first.output.find("1 gone"), std::string::npos) << first.output;
  EXPECT_NE(status_row(config, "Gone").find(" gone "), std::string::npos);
  tributary(config, {"poll", "--once"});
  EXPECT_EQ(upstream_.hits("/gone.xml"), 1);
  // A changed configuration (here: its name) gives it another chance.
  const auto changed = write_config_without_host_delay(source(upstream_.url("/gone.xml"), "Gone again"));
  tributary(changed, {"poll", "--once"});
  EXPECT_EQ(upstream_.hits("/gone.xml"), 2);
}

TEST_F(ScheduleTest, RetryAfterIsHonored) {
  upstream_.serve("/busy.xml", {429, {{"Retry-After", "3600"}, {"Content-Type", "text/plain"}}, "slow down"});
  const auto config = write_config_without_host_delay(source(upstream_.url("/busy.xml"), "Busy"));
  tributary(config, {"poll", "--once"});
  EXPECT_NE(status_row(config, "Busy").find(" retry-after "), std::string::npos) << status_row(config, "Busy");
  const CommandResult second = tributary(config, {"poll", "--once"});
  EXPECT_NE(second.output.find("Retry-After"), std::string::npos) << second.output;
  EXPECT_EQ(upstream_.hits("/busy.xml"), 1);
}

TEST_F(ScheduleTest, FailuresAreRecordedWithTheirClassAndCount) {
  upstream_.serve("/broken.xml", {500, {{"Content-Type", "text/plain"}}, "database exploded"});
  const auto config = write_config_without_host_delay(source(upstream_.url("/broken.xml"), "Broken"));
  tributary(config, {"poll", "--once"});
  EXPECT_NE(status_row(config, "Broken").find(" failing "), std::string::npos);
  tributary(config, {"poll", "--once"});
  const std::string row = status_row(config, "Broken");
  EXPECT_NE(row.find(" backing off "), std::string::npos) << row;
  EXPECT_NE(row.find("http: "), std::string::npos) << row;
  EXPECT_NE(row.find("(2 in a row)"), std::string::npos) << row;
}

TEST_F(ScheduleTest, WithoutHostDelayPerHostAloneCapsConcurrentRequestsToOneHost) {
  std::string sources;
  for (int i = 0; i < 6; ++i) {
    FakeResponse slow = ok_feed("slow" + std::to_string(i));
    slow.header_delay = 300ms;
    upstream_.serve("/slow" + std::to_string(i) + ".xml", slow);
    sources += source(upstream_.url("/slow" + std::to_string(i) + ".xml"), "Slow " + std::to_string(i));
  }
  const auto config = write_config_without_host_delay(sources, "per_host = 2\nmax_concurrent = 16");
  const CommandResult polled = tributary(config, {"poll", "--once"});
  EXPECT_NE(polled.output.find("polled 6 sources: 6 ok"), std::string::npos) << polled.output;
  EXPECT_LE(upstream_.max_concurrent_requests(), 2);
  EXPECT_GE(upstream_.max_concurrent_requests(), 1);
}

// A poll's slot is for its request: once the response is read, the next
// poll may start while the document waits for the store — up to twice
// max_concurrent documents and requests in flight together, beyond which
// fetching waits for the store. Here the store's file is locked by another
// connection (the daemon's writer waits for it, busy_timeout) with
// max_concurrent = 1: the first document waits for the writer, its slot
// goes to the second poll, whose document makes two; the third source is
// requested only once the store takes them.
TEST_F(ScheduleTest, FetchingRunsAtMostTwiceMaxConcurrentDocumentsAheadOfTheStore) {
  const std::vector<std::string> paths{"/one.xml", "/two.xml", "/three.xml"};
  std::string sources;
  for (const std::string& path : paths) {
    FakeResponse slow = ok_feed(path.substr(1, path.size() - 5));
    slow.header_delay = 300ms;  // time for the test to lock the store before the first document reaches it
    upstream_.serve(path, slow);
    sources += source(upstream_.url(path), path);
  }
  const auto config = write_config_without_host_delay(sources, "max_concurrent = 1");
  const auto requests = [&] {
    int total = 0;
    for (const std::string& path : paths) total += upstream_.hits(path);
    return total;
  };
  CommandResult polled;
  std::thread poller([&] { polled = tributary(config, {"poll", "--once"}); });
  for (int attempt = 0; attempt < 3000 && requests() == 0; ++attempt) std::this_thread::sleep_for(5ms);
  if (requests() != 1) {
    poller.join();  // a failed ASSERT would leave the thread running (std::terminate)
    FAIL() << "the first request did not come: " << requests() << " requests\n" << polled.output;
  }
  {
    // The sources are registered (the first request left): the store's file exists.
    store::SqliteDatabase locker((dir_.path() / "t.db").string(), store::SqliteDatabase::Open::must_exist);
    locker.exec("PRAGMA busy_timeout = 5000");
    locker.begin();
    for (int attempt = 0; attempt < 400 && requests() < 2; ++attempt) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(800ms);  // a third request, were it sent, would have come by now
    EXPECT_EQ(requests(), 2) << "while the store was locked";
    locker.rollback();
  }
  poller.join();
  EXPECT_EQ(polled.exit_code, 0) << polled.output;
  EXPECT_NE(polled.output.find("polled 3 sources: 3 ok"), std::string::npos) << polled.output;
  EXPECT_EQ(requests(), 3);
}

TEST_F(ScheduleTest, HostDelaySpacesRequestsToOneHost) {
  upstream_.serve("/one.xml", ok_feed("one"));
  upstream_.serve("/two.xml", ok_feed("two"));
  upstream_.serve("/three.xml", ok_feed("three"));
  DaemonConfig spaced(dir_.path() / "spaced.db");
  spaced.schedule("host_delay = \"1s\"")
      .source(upstream_.url("/one.xml"), "One")
      .source(upstream_.url("/two.xml"), "Two")
      .source(upstream_.url("/three.xml"), "Three");
  const auto config = dir_.write("spaced.toml", spaced.text());
  const auto started = std::chrono::steady_clock::now();
  const CommandResult polled = tributary(config, {"poll", "--once"});
  EXPECT_EQ(polled.exit_code, 0) << polled.output;
  EXPECT_GE(std::chrono::steady_clock::now() - started, 2s);  // three requests, a second apart
}

TEST_F(ScheduleTest, SourcesComeFromOpmlToo) {
  upstream_.serve("/a.xml", ok_feed("alpha"));
  upstream_.serve("/opml.xml", ok_feed("opml"));
  dir_.write("subscriptions.opml",
             "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>s</title></head><body>\n"
             "<outline text=\"News\">\n"
             "  <outline type=\"rss\" text=\"From OPML\" xmlUrl=\"" +
                 upstream_.url("/opml.xml") +
                 "\" category=\"/Balkans\"/>\n"
                 "  <outline type=\"rss\" text=\"Duplicate\" xmlUrl=\"" +
                 upstream_.url("/a.xml") +
                 "\"/>\n"
                 "</outline>\n</body></opml>\n");
  const auto config = write_config_without_host_delay("[sources]\nopml = \"subscriptions.opml\"\n" +
                                                      source(upstream_.url("/a.xml"), "Alpha"));
  const CommandResult check = tributary(config, {"check"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("OK, 2 sources"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("From OPML"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("tags: News Balkans"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("subscriptions.opml:4)"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("warning: " + (dir_.path() / "subscriptions.opml").string() + ":5:1: source URL"),
            std::string::npos)
      << check.output;
  const CommandResult polled = tributary(config, {"poll", "--once"});
  EXPECT_NE(polled.output.find("polled 2 sources: 2 ok"), std::string::npos) << polled.output;
}

TEST_F(ScheduleTest, RestartResumesWithoutRepollingEverything) {
  upstream_.serve("/a.xml", ok_feed("alpha"));
  upstream_.serve("/b.xml", ok_feed("beta"));
  const auto config = write_config_without_host_delay(
      source(upstream_.url("/a.xml"), "Alpha") + source(upstream_.url("/b.xml"), "Beta"), "interval = \"1h\"");
  {
    DaemonProcess daemon(config, dir_.path() / "run1.log");
    ASSERT_TRUE(daemon.wait_for_log("poll Beta", 30s)) << daemon.output();
    ASSERT_TRUE(daemon.wait_for_log("poll Alpha", 30s)) << daemon.output();
    ASSERT_EQ(daemon.stop(20s), 0) << daemon.output();
  }
  DaemonProcess again(config, dir_.path() / "run2.log");
  ASSERT_TRUE(again.wait_until_listening()) << again.output();
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(upstream_.hits("/a.xml"), 1) << again.output();
  EXPECT_EQ(upstream_.hits("/b.xml"), 1) << again.output();
}

}  // namespace
}  // namespace tributary::testing
