// SIGKILL at random moments (seeded) while the daemon ingests a farm whose
// feeds change on every poll, a restart after each kill, for a bounded
// number of rounds. What the store had committed just before each kill —
// read through the test's own connection, which sees committed transactions
// only — must survive every later round; at the end the database passes
// PRAGMA integrity_check and holds no story twice; and no restart polls in
// a stampede: a source whose poll was recorded is not asked again before
// its interval is up.
#include <gtest/gtest.h>
#include <signal.h>

#include <random>
#include <thread>

#include "integration/farm_daemon.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kRounds = 6;
constexpr std::uint64_t kSeed = 4242;
constexpr std::size_t kFeeds = 40;
// Changing feeds are polled every second; the fixed ones once an hour.
constexpr auto kFastInterval = 1s;
// After a restart, requests per source are counted over this window.
constexpr auto kStampedeWindow = 2s;

using Links = std::map<std::string, std::set<std::string>>;

// The links of `expected` that `actual` lacks, as "source link" lines.
std::vector<std::string> missing_links(const Links& expected, const Links& actual) {
  std::vector<std::string> missing;
  for (const auto& [source, links] : expected) {
    const auto found = actual.find(source);
    for (const std::string& link : links)
      if (found == actual.end() || !found->second.contains(link)) missing.push_back(source + " " + link);
  }
  return missing;
}

bool is_fast(const FarmFeed& feed) { return feed.behavior != FeedBehavior::healthy; }

class CrashRestart : public ::testing::Test {
 protected:
  static FaultFarmOptions farm_options() {
    FaultFarmOptions options;
    options.seed = kSeed;
    options.feeds = kFeeds;
    options.mix = {{FeedBehavior::changing, 3}, {FeedBehavior::churning_guids, 1}, {FeedBehavior::healthy, 1}};
    return options;
  }

  std::filesystem::path write_config() {
    DaemonConfig config = farm_daemon_config({.database = database_});
    for (const FarmFeed& feed : farm_.feeds()) add_farm_source(config, farm_, feed.index, is_fast(feed) ? "1s" : "1h");
    return dir_.write("tributary.toml", config.text());
  }

  std::unique_ptr<DaemonProcess> start_daemon(const std::string& log_name) {
    return std::make_unique<DaemonProcess>(config_, dir_.path() / log_name);
  }

  TempDir dir_;
  std::filesystem::path database_ = dir_.path() / "tributary.db";
  FaultFarm farm_{farm_options()};
  std::filesystem::path config_ = write_config();
};

TEST_F(CrashRestart, KilledDaemonLosesNothingCommittedAndRestartsWithoutAStampede) {
  std::mt19937_64 random(kSeed);
  std::uniform_int_distribution<int> kill_after_ms(300, 3500);
  Links committed;                               // everything seen committed before any kill
  std::map<std::string, StoredSource> recorded;  // the sources' poll records after the last kill
  std::vector<int> requests_at_kill(kFeeds, 0);
  int hourly_checks = 0;  // restarts that had an hourly source's poll on record

  for (int round = 1; round <= kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto daemon = start_daemon("round" + std::to_string(round) + ".log");
    ASSERT_TRUE(daemon->wait_until_listening(60s)) << daemon->output();

    if (round > 1) {
      std::this_thread::sleep_for(kStampedeWindow);
      const std::vector<int> counts = farm_.request_counts();
      for (const FarmFeed& feed : farm_.feeds()) {
        const int since_restart = counts[feed.index] - requests_at_kill[feed.index];
        const auto record = recorded.find(farm_.url(feed.index));
        const bool was_recorded = record != recorded.end() && record->second.has_polled;
        if (!is_fast(feed) && was_recorded) {
          ++hourly_checks;
          EXPECT_EQ(since_restart, 0) << farm_source_name(feed.index) << " was polled again within the hour";
        } else {
          // Due every second (±10 % jitter), plus the start-up itself.
          EXPECT_LE(since_restart, 4) << farm_source_name(feed.index) << " was polled in a stampede";
        }
      }
    }

    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(random)));
    // Committed before the kill: the test's connection sees only committed
    // transactions; whatever the daemon commits after this read is extra.
    const Links before_kill = stored_links(database_);
    daemon->signal(SIGKILL);
    ASSERT_EQ(daemon->wait(20s), 128 + SIGKILL);
    requests_at_kill = farm_.request_counts();

    const Links after_kill = stored_links(database_);
    for (const auto& [source, links] : before_kill) committed[source].insert(links.begin(), links.end());
    const auto missing = missing_links(committed, after_kill);
    EXPECT_TRUE(missing.empty()) << missing.size() << " committed items lost, e.g. " << missing.front();
    recorded = stored_sources(database_);
  }

  // One last run that ends cleanly: the store is whole and serves each
  // story once.
  auto daemon = start_daemon("final.log");
  ASSERT_TRUE(daemon->wait_until_listening(60s)) << daemon->output();
  std::this_thread::sleep_for(2s);
  const HttpReply feed = daemon->get("/feed.atom");
  ASSERT_EQ(feed.status, 200);
  ASSERT_EQ(daemon->stop(30s), 0) << daemon->output();

  EXPECT_EQ(integrity_check(database_), "ok");
  const Links final_links = stored_links(database_);
  const auto missing = missing_links(committed, final_links);
  EXPECT_TRUE(missing.empty()) << missing.size() << " committed items lost, e.g. " << missing.front();
  const auto duplicates = duplicated_stories(database_);
  EXPECT_TRUE(duplicates.empty()) << duplicates.size() << " duplicated, e.g. " << duplicates.front();
  std::size_t stored = 0;
  for (const auto& [source, links] : final_links) {
    stored += links.size();
    for (const std::string& link : links) EXPECT_LE(link_occurrences(feed.body, link), 1) << link;
  }
  // The kills must have hit a daemon that was ingesting, or this proves
  // nothing: every changing feed gains an item per poll.
  std::size_t committed_count = 0;
  for (const auto& [source, links] : committed) committed_count += links.size();
  std::cout << "items committed before kills: " << committed_count << ", stored at the end: " << stored << "\n";
  EXPECT_GE(committed_count, kFeeds * 2);
  EXPECT_GT(hourly_checks, 0);
}

}  // namespace
}  // namespace tributary::testing
