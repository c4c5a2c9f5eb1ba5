// Two daemons on one PostgreSQL database (issue 21.2), at the shipped
// politeness settings: they split the polling — each due poll happens
// once across the fleet, both take part, requests to the one host stay
// host_delay apart across both — and serve the same entries with the same
// ids, each story of the outlets once; /healthz says who shares the
// database; when one is killed, the other polls every source within 20 s
// (also when both run from one configuration file on one machine); a
// daemon whose sources differ from the fleet's says so.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "support/atom_reader.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"
#include "unit/store/dedup_labeled_set.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Two sources polled every 10 s with four outlets on one host fit the
// shipped host_delay (2 s) without stretching; a wait for the host adds up
// to 2 s to a gap, with one daemon as with two.
constexpr int kPinnedSources = 2;
constexpr std::chrono::milliseconds kPinnedInterval = 10s;
constexpr std::size_t kOutlets = 4;

const std::string kEmptyChannel =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pinned</title>"
    "<link>http://pinned.example/</link><description>no items</description></channel></rss>";

std::string pinned_path(int n) { return "/pinned-" + std::to_string(n) + ".xml"; }

class Fleet : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = PostgresCluster::shared();
    if (!cluster_) GTEST_SKIP() << PostgresCluster::shared_skip_reason();
    url_ = cluster_->create_database(cluster_->unique_database_name("fleet"));
    for (int n = 1; n <= kPinnedSources; ++n)
      upstream_.serve(pinned_path(n), {200, {{"Content-Type", "application/rss+xml"}}, kEmptyChannel, {}, {}});
    // Four outlets of the labeled story set: copies of one story among
    // them, ingested by either daemon, must make one entry.
    const std::vector<store::labeled::Item> items = store::labeled::read_set(fixtures_dir() / "dedup" / "labeled");
    const std::map<std::string, std::string> documents = store::labeled::documents(items);
    for (const auto& [feed, document] : documents) {
      if (outlets_.size() == kOutlets) break;
      outlets_.push_back(feed);
      upstream_.serve("/" + feed + ".atom", {200, {{"Content-Type", "application/atom+xml"}}, document, {}, {}});
    }
    for (const store::labeled::Item& item : items)
      if (std::find(outlets_.begin(), outlets_.end(), item.feed) != outlets_.end())
        stories_.insert({item.case_number, item.story});
  }

  // A daemon's own state directory (its pid file, next to where an SQLite
  // file would be) and port; the sources are the same for every daemon,
  // at the shipped politeness settings; `extra_source` makes them differ.
  std::unique_ptr<DaemonProcess> start(const std::string& name, bool extra_source = false) {
    const std::filesystem::path state = dir_.path() / name;
    std::filesystem::create_directories(state);
    DaemonConfig config(state / "tributary.db");
    config.postgresql(url_).feed("dedup = \"story\"");
    for (int n = 1; n <= kPinnedSources; ++n)
      config.source(upstream_.url(pinned_path(n)), "Pinned " + std::to_string(n),
                    "interval = \"" + std::to_string(kPinnedInterval.count() / 1000) + "s\"");
    for (const std::string& feed : outlets_) config.source(upstream_.url("/" + feed + ".atom"), feed);
    if (extra_source) config.source(upstream_.url(pinned_path(1)) + "?extra", "Extra");
    DaemonOptions options;
    options.environment.push_back("STATE_DIRECTORY=" + state.string());
    const std::filesystem::path log = dir_.path() / ("daemon-" + std::to_string(++started_) + ".log");
    auto daemon = std::make_unique<DaemonProcess>(dir_.write(name + ".toml", config.text()), log, std::move(options));
    EXPECT_TRUE(daemon->wait_until_listening()) << daemon->output();
    return daemon;
  }

  // The entry ids of a daemon's merged feed once it shows every story.
  std::vector<std::string> entry_ids(const DaemonProcess& daemon) const {
    const std::size_t stories = stories_.size();
    const auto shows_all = [stories](const HttpReply& reply) {
      return reply.status == 200 && entries_of(reply.body).size() >= stories;
    };
    const HttpReply reply = daemon.wait_until_http("/feed.atom", shows_all, 60s);
    std::vector<std::string> ids;
    for (const Entry& entry : entries_of(reply.body)) ids.push_back(entry.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  // When each pinned source was asked for, in order.
  std::vector<Clock::time_point> hits_of(int n) const {
    std::vector<Clock::time_point> times;
    for (const RecordedRequest& request : upstream_.requests(pinned_path(n))) times.push_back(request.received_at);
    std::sort(times.begin(), times.end());
    return times;
  }

  // The polls a daemon logged, of any source.
  static int polls_logged(const DaemonProcess& daemon) {
    const std::string output = daemon.output();
    int count = 0;
    for (std::size_t at = output.find(" poll "); at != std::string::npos; at = output.find(" poll ", at + 1)) ++count;
    return count;
  }

  PostgresCluster* cluster_ = nullptr;
  std::string url_;
  FakeUpstream upstream_;
  TempDir dir_;
  std::vector<std::string> outlets_;
  std::set<std::pair<int, std::string>> stories_;
  int started_ = 0;  // daemons, for their log files
};

TEST_F(Fleet, TwoDaemonsPollEachSourceOnceAndServeTheSameStories) {
  const auto first = start("a");
  const auto second = start("b");
  ASSERT_FALSE(HasFailure());
  const Clock::time_point started = Clock::now();

  const std::vector<std::string> ids = entry_ids(*first);
  EXPECT_EQ(ids.size(), stories_.size()) << "one entry per story of the four outlets\n" << first->output();
  EXPECT_EQ(entry_ids(*second), ids) << "the same entries, the same ids, on both\n" << second->output();

  // Polling goes on for a while; then, per source, the gaps between polls
  // are what one daemon's interval makes (10 s, jittered by 10 %; a wait
  // for the host only lengthens one): none polled twice (a gap far below
  // the interval), none left out (the mean gap within 0.7-1.3 times it).
  std::this_thread::sleep_until(started + 46s);
  for (int n = 1; n <= kPinnedSources; ++n) {
    const std::vector<Clock::time_point> hits = hits_of(n);
    ASSERT_GE(hits.size(), 3u) << "Pinned " << n;
    for (std::size_t i = 1; i < hits.size(); ++i)
      EXPECT_GE(hits[i] - hits[i - 1], kPinnedInterval * 7 / 10)
          << "Pinned " << n << " polled twice: poll " << i << " and " << i + 1;
    const auto mean_gap = (hits.back() - hits.front()) / static_cast<int>(hits.size() - 1);
    EXPECT_GE(mean_gap, kPinnedInterval * 7 / 10) << "Pinned " << n;
    EXPECT_LE(mean_gap, kPinnedInterval * 13 / 10) << "Pinned " << n;
  }
  // Both take part: each daemon made polls (which daemon wins the race for
  // a due source is a matter of milliseconds; over a run both do).
  EXPECT_GT(polls_logged(*first), 0) << first->output();
  EXPECT_GT(polls_logged(*second), 0) << second->output();
  // host_delay (2 s) holds across both: every request to the one host.
  std::vector<Clock::time_point> all;
  std::vector<std::string> paths;
  for (int n = 1; n <= kPinnedSources; ++n) paths.push_back(pinned_path(n));
  for (const std::string& feed : outlets_) paths.push_back("/" + feed + ".atom");
  for (const std::string& path : paths)
    for (const RecordedRequest& request : upstream_.requests(path)) all.push_back(request.received_at);
  std::sort(all.begin(), all.end());
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i] - all[i - 1], 1900ms) << "request " << i + 1;

  for (const DaemonProcess* daemon : {first.get(), second.get()}) {
    const HttpReply health = daemon->get("/healthz");
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_NE(health.body.find("fleet: 2 daemons share this database"), std::string::npos) << health.body;
    EXPECT_EQ(health.body.find("differ"), std::string::npos) << health.body;
  }
  EXPECT_EQ(entry_ids(*first), entry_ids(*second));
}

// Both from one configuration file and one state directory on one machine:
// the first keeps the pid file and the control socket, the second runs
// without them, saying so.
TEST_F(Fleet, WhenOneDaemonIsKilledTheOtherPollsEverySourceWithin20Seconds) {
  const auto first = start("shared");
  const auto second = start("shared");
  ASSERT_FALSE(HasFailure());
  EXPECT_TRUE(second->wait_for_log("shares the PostgreSQL database with it and runs without them", 5s))
      << second->output();
  for (int n = 1; n <= kPinnedSources; ++n)
    ASSERT_TRUE(upstream_.wait_for_hits(pinned_path(n), 2, 60s)) << "Pinned " << n << "\n" << first->output();
  first->signal(SIGKILL);
  ASSERT_TRUE(first->wait(10s).has_value());
  const Clock::time_point killed = Clock::now();
  const auto is_polled_since_kill = [&](int n) {
    const std::vector<Clock::time_point> hits = hits_of(n);
    return std::any_of(hits.begin(), hits.end(),
                       [&](Clock::time_point hit) { return hit > killed && hit <= killed + 20s; });
  };
  wait_until(
      [&] {
        for (int n = 1; n <= kPinnedSources; ++n)
          if (!is_polled_since_kill(n)) return false;
        return true;
      },
      20s, 250ms);
  for (int n = 1; n <= kPinnedSources; ++n)
    EXPECT_TRUE(is_polled_since_kill(n)) << "Pinned " << n << " not polled within 20 s of the kill\n"
                                         << second->output();
  EXPECT_EQ(second->get("/healthz").status, 200);
}

TEST_F(Fleet, ADaemonWhoseSourcesDifferFromTheFleetsSaysSo) {
  const auto first = start("a");
  const auto second = start("b", true);  // loaded last: the fleet follows it
  ASSERT_FALSE(HasFailure());
  const HttpReply health = first->wait_until_http(
      "/healthz", [](const HttpReply& reply) { return reply.body.find("differ") != std::string::npos; }, 20s);
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_NE(health.body.find("this daemon's sources differ from those"), std::string::npos) << health.body;
  EXPECT_TRUE(first->wait_for_log("this daemon's sources differ", 5s)) << first->output();
  EXPECT_EQ(second->get("/healthz").body.find("differ"), std::string::npos) << second->get("/healthz").body;
}

// `tributary status` names the fleet's daemons; one that stops cleanly
// leaves at once (its row and leases go), instead of being counted for
// another 30 s.
TEST_F(Fleet, StatusNamesTheDaemonsAndOneThatStopsLeavesAtOnce) {
  const auto first = start("a");
  const auto second = start("b");
  ASSERT_FALSE(HasFailure());
  const auto status = [&] {
    return run_command({tributary_binary().string(), "--config", (dir_.path() / "a.toml").string(), "status"}, 30s);
  };
  const std::string both = "Fleet: 2 daemons share this database";
  ASSERT_TRUE(wait_until([&] { return status().output.find(both) != std::string::npos; }, 20s)) << status().output;
  EXPECT_EQ(second->stop(), 0) << second->output();
  const CommandResult after = status();
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_NE(after.output.find("Fleet: 1 daemon shares this database"), std::string::npos) << after.output;
  EXPECT_EQ(after.output.find("this configuration's differ"), std::string::npos) << after.output;
}

// `poll --once` claims each poll as a daemon does, and renews its leases
// as a daemon does: a poll that outlasts the 15 s lease (a slow server)
// stays its own, and the running daemon does not poll that source too.
TEST_F(Fleet, PollOnceKeepsItsLeaseThroughALongPoll) {
  FakeResponse slow{200, {{"Content-Type", "application/rss+xml"}}, kEmptyChannel, {}, {}};
  slow.header_delay = 20s;  // within the shipped fetch timeout (30 s), beyond the lease (15 s)
  upstream_.serve("/slow.xml", slow);
  const auto config_in = [&](const std::string& name) {
    const std::filesystem::path state = dir_.path() / name;
    std::filesystem::create_directories(state);
    DaemonConfig config(state / "tributary.db");
    config.postgresql(url_).source(upstream_.url("/slow.xml"), "Slow", "interval = \"1h\"");
    return std::make_pair(dir_.write(name + ".toml", config.text()), state);
  };
  const auto [once_config, once_state] = config_in("once");
  ChildProcess once({tributary_binary().string(), "--config", once_config.string(), "poll", "--once"},
                    dir_.path() / "once.log", {"STATE_DIRECTORY=" + once_state.string()});
  ASSERT_TRUE(upstream_.wait_for_hits("/slow.xml", 1, 15s)) << once.output();
  const auto [daemon_config, daemon_state] = config_in("daemon");
  DaemonOptions options;
  options.environment.push_back("STATE_DIRECTORY=" + daemon_state.string());
  DaemonProcess daemon(daemon_config, dir_.path() / "daemon.log", std::move(options));
  ASSERT_TRUE(daemon.wait_until_listening()) << daemon.output();
  const std::optional<int> exit_code = once.wait(40s);
  ASSERT_TRUE(exit_code.has_value()) << once.output();
  EXPECT_EQ(*exit_code, 0) << once.output();
  std::this_thread::sleep_for(3s);  // the daemon's next look at the source: not due any more
  EXPECT_EQ(upstream_.hits("/slow.xml"), 1) << "polled again while poll --once held it\n"
                                            << once.output() << daemon.output();
}

}  // namespace
}  // namespace tributary::testing
