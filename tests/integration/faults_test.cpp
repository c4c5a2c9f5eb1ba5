// The real daemon (`tributary run`) polls a seeded farm of 240 feeds, about
// half of them faulty in every way the farm knows. Afterwards: every healthy
// feed's items are in the store and in the served merged feed (once each);
// every faulty feed has its failure recorded with the right class and
// status; and the daemon's memory and open file descriptors are back near
// where they were before the polls.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "integration/farm_daemon.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kFeeds = 240;
constexpr std::uint64_t kSeed = 20261129;

// Bounds for "back near the start" once the polls are over. Growth comes
// from what stays by design — SQLite's page caches (two connections, 2 MiB
// each by default), the rendered feed of ~700 entries (plain and gzip), the
// glibc arenas of the worker and writer threads, and the fetcher's decode
// buffers for 1 MiB bodies, all of which a leak of every poll's body (240
// polls, some of 1 MiB) would dwarf. ASan adds shadow memory and the 16 MiB
// quarantine of measured_daemon_environment(). Measured under ASan: about
// 20 MiB of growth.
constexpr long kMaxGrowthKib = TRIBUTARY_TEST_SANITIZED ? 96 * 1024 : 48 * 1024;
// The fetcher may keep up to two idle connections to the farm (its
// max_idle_per_host), and a stray one may be closing; 20 stalled or endless
// answers left open would not fit.
constexpr int kMaxExtraFds = 6;

class Faults : public ::testing::Test {
 protected:
  static FaultFarmOptions farm_options() {
    FaultFarmOptions options;
    options.seed = kSeed;
    options.feeds = kFeeds;
    options.slow_delay = 400ms;
    options.stall_duration = 60s;
    return options;
  }

  std::filesystem::path write_config() {
    // Small limits so that each fault ends fast: a stall times out after
    // 3 s, a bomb or an endless body stops at 1 MiB. One interval of an
    // hour: each feed is polled once in this test.
    DaemonConfig config =
        farm_daemon_config({.database = database_, .fetch_timeout = "3s", .concurrency = 32, .feed_entries = 5000});
    config.fetch("connect_timeout = \"1s\"\nmax_body_size = \"1MiB\"\nmax_connections = 64")
        .schedule("interval = \"1h\"");
    for (const FarmFeed& feed : farm_.feeds()) add_farm_source(config, farm_, feed.index);
    return dir_.write("tributary.toml", config.text());
  }

  TempDir dir_;
  std::filesystem::path database_ = dir_.path() / "tributary.db";
  FaultFarm farm_{farm_options()};
};

TEST_F(Faults, EveryFeedEndsClassifiedAndTheDaemonReturnsToItsFootprint) {
  // The table draws every behavior at this seed and size.
  std::set<FeedBehavior> drawn;
  for (const FarmFeed& feed : farm_.feeds()) drawn.insert(feed.behavior);
  ASSERT_EQ(drawn.size(), static_cast<std::size_t>(kFeedBehaviorCount));

  const auto config = write_config();
  DaemonProcess daemon(config, dir_.path() / "run.log", {.environment = measured_daemon_environment()});
  ASSERT_TRUE(daemon.wait_until_listening(60s)) << daemon.output();
  const Footprint before = footprint_of(daemon.pid());

  // 240 overdue sources start spread over 24 s (a tenth of a second each).
  const bool has_polled_all = wait_until(
      [&] {
        const auto sources = stored_sources(database_);
        std::size_t polled = 0;
        for (const auto& [url, source] : sources) polled += source.has_polled;
        return polled == kFeeds;
      },
      120s);
  ASSERT_TRUE(has_polled_all) << daemon.output().substr(0, 20000);
  // Each answer that holds on ends at the fetch timeout; connections close.
  std::this_thread::sleep_for(3s);
  const Footprint after = footprint_of(daemon.pid());

  const auto sources = stored_sources(database_);
  const auto links = stored_links(database_);
  const HttpReply feed = daemon.get("/feed.atom");
  ASSERT_EQ(feed.status, 200);
  std::map<FeedBehavior, int> checked;
  for (const FarmFeed& farm_feed : farm_.feeds()) {
    const std::string url = farm_.url(farm_feed.index);
    const ExpectedOutcome expected = expected_outcome(farm_feed.behavior);
    const StoredSource& source = sources.at(url);
    const std::string what = farm_source_name(farm_feed.index) + " (" + std::string(to_string(farm_feed.behavior)) +
                             "): status " + std::to_string(source.last_status) + ", error \"" + source.last_error +
                             "\"";
    ++checked[farm_feed.behavior];
    if (expected.is_success) {
      EXPECT_TRUE(source.has_succeeded) << what;
      EXPECT_EQ(source.last_error, "") << what;
      EXPECT_EQ(source.last_status, 200) << what;
      const auto served = farm_.served_links(farm_feed.index);
      EXPECT_FALSE(served.empty()) << what;
      const auto stored = links.count(url) ? links.at(url) : std::set<std::string>{};
      for (const std::string& link : served) {
        EXPECT_TRUE(stored.contains(link)) << what << ": " << link << " is not in the store";
        EXPECT_EQ(link_occurrences(feed.body, link), 1) << what << ": " << link << " in the merged feed";
      }
      continue;
    }
    EXPECT_FALSE(source.has_succeeded) << what;
    EXPECT_TRUE(source.last_error.starts_with(expected.error_class + ": ")) << what;
    const int status = expected.http_status == -1 ? farm_feed.http_status : expected.http_status;
    EXPECT_EQ(source.last_status, status) << what;
    if (farm_feed.behavior == FeedBehavior::rate_limited) {
      EXPECT_TRUE(source.has_retry_after) << what;
    }
    EXPECT_EQ(links.count(url), 0u) << what << ": a faulty feed left items";
  }
  for (const auto& [behavior, count] : checked) std::cout << to_string(behavior) << ": " << count << " feeds\n";

  // Faults cost polls, not the daemon: one poll each (a reset may be
  // retried once on a fresh connection), and it answers its own health.
  for (const FarmFeed& farm_feed : farm_.feeds()) {
    EXPECT_LE(farm_.requests(farm_feed.index), farm_feed.behavior == FeedBehavior::resetting ? 2 : 1)
        << farm_source_name(farm_feed.index);
  }
  EXPECT_EQ(daemon.get("/healthz").status, 200);

  std::cout << "footprint before the polls: " << before.resident_kib << " KiB, " << before.open_fds
            << " fds; after: " << after.resident_kib << " KiB, " << after.open_fds << " fds\n";
  EXPECT_LE(after.resident_kib - before.resident_kib, kMaxGrowthKib);
  EXPECT_LE(after.open_fds - before.open_fds, kMaxExtraFds);

  EXPECT_EQ(daemon.stop(30s), 0) << daemon.output().substr(0, 20000);
}

}  // namespace
}  // namespace tributary::testing
