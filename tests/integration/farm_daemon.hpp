// What the fault-farm tests share: the farm's feeds as [[source]] entries,
// the daemon's footprint from /proc, what the store holds (read through the
// test's own SQLite connection, as `tributary status` does), and the links
// of the served feed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/daemon.hpp"
#include "support/fault_farm.hpp"
#include "support/wait.hpp"

namespace tributary::testing {

// The settings every farm test shares: loopback on a free port, logs on
// stderr, no delay between requests to the farm's one host, and
// `concurrency` polls and connections to it at once — throughput settings,
// the per-host limits raised; politeness at the shipped defaults is
// politeness_test.cpp's.
struct FarmDaemonSettings {
  std::filesystem::path database;
  std::string fetch_timeout = "2s";
  int concurrency = 16;
  int feed_entries = 50;
};
// The configuration without its sources (add them with add_farm_source();
// further [fetch] and [schedule] lines with DaemonConfig's own calls).
DaemonConfig farm_daemon_config(const FarmDaemonSettings& settings);

// "farm-17": the source name of farm feed 17.
std::string farm_source_name(std::size_t index);
// Adds farm feed `index` as a [[source]]; `interval` ("1s", "1h") pins its
// poll interval when not empty.
void add_farm_source(DaemonConfig& config, const FaultFarm& farm, std::size_t index, const std::string& interval = "");

// The environment for a daemon whose memory a test measures: under ASan,
// freed memory sits in a quarantine (256 MiB by default) before it is
// reused, which would look like growth; a small one keeps RSS meaningful.
std::vector<std::string> measured_daemon_environment();

struct Footprint {
  long resident_kib = 0;  // VmRSS
  int open_fds = 0;       // entries of /proc/PID/fd
};
Footprint footprint_of(pid_t pid);

struct StoredSource {
  std::string config_url;
  bool has_polled = false;
  bool has_succeeded = false;
  bool has_retry_after = false;
  int last_status = 0;
  std::string last_error;
  std::optional<std::int64_t> last_poll_at;  // unix seconds
};
// Keyed by config URL.
std::map<std::string, StoredSource> stored_sources(const std::filesystem::path& database);
// Config URL → the links of its stored items.
std::map<std::string, std::set<std::string>> stored_links(const std::filesystem::path& database);
std::int64_t stored_item_count(const std::filesystem::path& database);
// "ok", or what PRAGMA integrity_check found.
std::string integrity_check(const std::filesystem::path& database);
// Items stored twice for one source and link, and links split over several
// stories: "source link ×N" each. Empty when every story is there once.
std::vector<std::string> duplicated_stories(const std::filesystem::path& database);

// How often `link` appears in a served feed (as a whole URL, so that
// …/item1 does not count …/item10).
int link_occurrences(const std::string& feed, const std::string& link);

}  // namespace tributary::testing
