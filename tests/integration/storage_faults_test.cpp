// The disk under the database fills up while the daemon ingests a farm of
// changing feeds, then space returns. A small tmpfs is the disk (mounted
// for the test; skipped where mounting is not allowed). While it is full the
// daemon keeps serving the last good feed, logs the failure once rather than
// once per poll, and answers 503 on /healthz; once space returns it ingests
// again by itself, and nothing it had committed is lost.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "integration/farm_daemon.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kFeeds = 30;
constexpr std::uint64_t kSeed = 777;
// Long enough for every source to fail a few polls (they come every second).
constexpr auto kFullFor = 6s;

// A tmpfs of `size` mounted on `path` for the test's lifetime.
class SmallDisk {
 public:
  SmallDisk(std::filesystem::path path, const std::string& size) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    const CommandResult mounted =
        run_command({"/bin/mount", "-t", "tmpfs", "-o", "size=" + size, "tributary-test", path_.string()}, 10s);
    is_mounted_ = mounted.exit_code == 0;
    mount_output_ = mounted.output;
  }
  ~SmallDisk() {
    if (is_mounted_) run_command({"/bin/umount", "--lazy", path_.string()}, 10s);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool is_mounted() const { return is_mounted_; }
  const std::string& mount_output() const { return mount_output_; }

  // Takes every free byte with a file; false if the disk never said ENOSPC.
  bool fill() {
    const int fd = ::open((path_ / "filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const std::string block(64 * 1024, 'x');
    bool is_full = false;
    for (std::size_t chunk : {block.size(), std::size_t{4096}, std::size_t{512}}) {
      for (int i = 0; i < 1'000'000; ++i) {
        if (::write(fd, block.data(), chunk) < 0) {
          is_full = errno == ENOSPC;
          break;
        }
      }
    }
    ::close(fd);
    return is_full;
  }
  void free_space() { std::filesystem::remove(path_ / "filler"); }

 private:
  std::filesystem::path path_;
  bool is_mounted_ = false;
  std::string mount_output_;
};

int count_lines_with(const std::string& text, const std::string& needle) {
  int count = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) count += line.find(needle) != std::string::npos;
  return count;
}

int total(const std::vector<int>& counts) {
  int sum = 0;
  for (int count : counts) sum += count;
  return sum;
}

class StorageFaults : public ::testing::Test {
 protected:
  static FaultFarmOptions farm_options() {
    FaultFarmOptions options;
    options.seed = kSeed;
    options.feeds = kFeeds;
    options.mix = {{FeedBehavior::changing, 2}, {FeedBehavior::healthy, 1}};
    return options;
  }

  std::filesystem::path write_config() {
    DaemonConfig config = farm_daemon_config({.database = database_, .feed_entries = 1000});
    for (const FarmFeed& feed : farm_.feeds()) add_farm_source(config, farm_, feed.index, "1s");
    return dir_.write("tributary.toml", config.text());
  }

  TempDir dir_;
  SmallDisk disk_{dir_.path() / "disk", "16m"};
  std::filesystem::path database_ = dir_.path() / "disk" / "tributary.db";
  FaultFarm farm_{farm_options()};
};

TEST_F(StorageFaults, FullDiskKeepsTheLastFeedLogsOnceAndRecovers) {
  if (!disk_.is_mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk_.mount_output();
  const auto config = write_config();
  DaemonProcess daemon(config, dir_.path() / "run.log");
  ASSERT_TRUE(daemon.wait_until_listening(60s)) << daemon.output();
  const auto health = [&daemon] { return daemon.get("/healthz").status; };
  ASSERT_TRUE(wait_until([&] { return stored_item_count(database_) >= static_cast<std::int64_t>(kFeeds); }, 60s))
      << daemon.output();
  EXPECT_EQ(health(), 200);

  // The disk fills up.
  ASSERT_TRUE(disk_.fill());
  const auto committed_before_full = stored_links(database_);
  const std::vector<int> requests_at_full = farm_.request_counts();
  ASSERT_TRUE(wait_until([&] { return health() == 503; }, 30s)) << daemon.output();
  const HttpReply last_good = daemon.get("/feed.atom");
  ASSERT_EQ(last_good.status, 200);
  const std::int64_t items_when_full = stored_item_count(database_);
  std::this_thread::sleep_for(kFullFor);

  // Still full: the same feed, still not ready, one log line for many polls.
  EXPECT_EQ(health(), 503);
  const HttpReply while_full = daemon.get("/feed.atom");
  EXPECT_EQ(while_full.status, 200);
  EXPECT_EQ(while_full.body, last_good.body);
  EXPECT_EQ(stored_item_count(database_), items_when_full);
  const int polls_while_full = total(farm_.request_counts()) - total(requests_at_full);
  EXPECT_GE(polls_while_full, static_cast<int>(kFeeds) * 2);
  const std::string log = daemon.output();
  EXPECT_EQ(count_lines_with(log, "storage: writing to the database failed"), 1) << log.substr(log.size() - 4000);
  EXPECT_EQ(count_lines_with(log, "disk is full"), 1) << log.substr(log.size() - 4000);
  std::cout << polls_while_full
            << " polls while the disk was full; log lines about it: " << count_lines_with(log, "disk is full") << "\n";

  // Space returns: ingesting resumes without a restart.
  disk_.free_space();
  EXPECT_TRUE(wait_until([&] { return health() == 200; }, 30s)) << daemon.output();
  EXPECT_TRUE(wait_until([&] { return stored_item_count(database_) > items_when_full; }, 30s)) << daemon.output();
  EXPECT_TRUE(daemon.wait_for_log("storage: writing to the database works again", 10s));
  EXPECT_TRUE(wait_until([&] { return daemon.get("/feed.atom").body != last_good.body; }, 30s));

  ASSERT_EQ(daemon.stop(30s), 0) << daemon.output();
  std::istringstream lines(daemon.output());
  for (std::string line; std::getline(lines, line);)
    if (line.find("storage: ") != std::string::npos) std::cout << line << "\n";
  EXPECT_EQ(integrity_check(database_), "ok");
  const auto final_links = stored_links(database_);
  for (const auto& [source, links] : committed_before_full)
    for (const std::string& link : links)
      EXPECT_TRUE(final_links.count(source) && final_links.at(source).contains(link)) << source << " lost " << link;
}

}  // namespace
}  // namespace tributary::testing
