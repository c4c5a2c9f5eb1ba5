// Helpers of the fault-farm tests (see farm_daemon.hpp).
#include "integration/farm_daemon.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "store/testing.hpp"

namespace tributary::testing {
namespace {

// The test's own connection; a reader beside the daemon's (WAL).
struct StoreReader {
  explicit StoreReader(const std::filesystem::path& path) : db(path.string()) { db.exec("PRAGMA busy_timeout = 5000"); }
  store::SqliteDatabase db;
};

}  // namespace

DaemonConfig farm_daemon_config(const FarmDaemonSettings& settings) {
  const std::string concurrency = std::to_string(settings.concurrency);
  DaemonConfig config(settings.database);
  config.fetch("timeout = " + toml_string(settings.fetch_timeout) + "\nmax_connections_per_host = " + concurrency)
      .schedule("host_delay = \"0s\"\nmax_concurrent = " + concurrency + "\nper_host = " + concurrency)
      .feed("entries = " + std::to_string(settings.feed_entries))
      .log("target = \"stderr\"");
  return config;
}

std::string farm_source_name(std::size_t index) { return "farm-" + std::to_string(index); }

void add_farm_source(DaemonConfig& config, const FaultFarm& farm, std::size_t index, const std::string& interval) {
  config.source(farm.url(index), farm_source_name(index),
                interval.empty() ? "" : "interval = " + toml_string(interval));
}

std::vector<std::string> measured_daemon_environment() {
  const char* inherited = std::getenv("ASAN_OPTIONS");
  std::string options = inherited ? inherited : "";
  if (!options.empty()) options += ':';
  return {"ASAN_OPTIONS=" + options + "quarantine_size_mb=16"};
}

Footprint footprint_of(pid_t pid) {
  Footprint footprint;
  const std::filesystem::path proc = "/proc/" + std::to_string(pid);
  std::ifstream status(proc / "status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmRSS:")) footprint.resident_kib = std::atol(line.c_str() + 6);
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(proc / "fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error))
    ++footprint.open_fds;
  return footprint;
}

std::map<std::string, StoredSource> stored_sources(const std::filesystem::path& database) {
  StoreReader reader(database);
  std::map<std::string, StoredSource> sources;
  store::Statement& select = reader.db.cached(
      "SELECT config_url, last_poll_at, last_success_at, retry_after, last_status, last_error FROM sources");
  while (select.step()) {
    StoredSource source;
    source.config_url = select.text(0);
    source.last_poll_at = select.optional_int64(1);
    source.has_polled = source.last_poll_at.has_value();
    source.has_succeeded = !select.is_null(2);
    source.has_retry_after = !select.is_null(3);
    source.last_status = static_cast<int>(select.int64(4));
    source.last_error = select.text(5);
    sources[source.config_url] = std::move(source);
  }
  select.reset();
  return sources;
}

std::map<std::string, std::set<std::string>> stored_links(const std::filesystem::path& database) {
  StoreReader reader(database);
  std::map<std::string, std::set<std::string>> links;
  store::Statement& select =
      reader.db.cached("SELECT sources.config_url, items.url FROM items JOIN sources ON sources.id = items.source_id");
  while (select.step()) links[select.text(0)].insert(select.text(1));
  select.reset();
  return links;
}

std::int64_t stored_item_count(const std::filesystem::path& database) {
  StoreReader reader(database);
  store::Statement& select = reader.db.cached("SELECT count(*) FROM items");
  const std::int64_t count = select.step() ? select.int64(0) : -1;
  select.reset();
  return count;
}

std::string integrity_check(const std::filesystem::path& database) {
  StoreReader reader(database);
  store::Statement& select = reader.db.cached("PRAGMA integrity_check");
  std::string result;
  while (select.step()) result += (result.empty() ? "" : "; ") + select.text(0);
  select.reset();
  return result;
}

std::vector<std::string> duplicated_stories(const std::filesystem::path& database) {
  StoreReader reader(database);
  std::vector<std::string> duplicates;
  store::Statement& same_item =
      reader.db.cached("SELECT source_id, url, count(*) FROM items GROUP BY source_id, url HAVING count(*) > 1");
  while (same_item.step())
    duplicates.push_back("source " + std::to_string(same_item.int64(0)) + " " + same_item.text(1) + " ×" +
                         std::to_string(same_item.int64(2)) + " items");
  same_item.reset();
  store::Statement& split_story = reader.db.cached(
      "SELECT canonical_url, count(DISTINCT story_id) FROM items WHERE canonical_url <> '' GROUP BY canonical_url "
      "HAVING count(DISTINCT story_id) > 1");
  while (split_story.step())
    duplicates.push_back(split_story.text(0) + " ×" + std::to_string(split_story.int64(1)) + " stories");
  split_story.reset();
  return duplicates;
}

int link_occurrences(const std::string& feed, const std::string& link) {
  int count = 0;
  for (auto at = feed.find(link); at != std::string::npos; at = feed.find(link, at + link.size())) {
    const std::size_t after = at + link.size();
    if (after < feed.size() && std::isalnum(static_cast<unsigned char>(feed[after]))) continue;
    ++count;
  }
  return count;
}

}  // namespace tributary::testing
