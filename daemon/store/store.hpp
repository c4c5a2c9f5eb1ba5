// store: everything Tributary keeps, in one SQLite database — sources with
// their poll state, and items deduplicated per source. Reached only through
// this interface. A Store is one connection: use it from one thread at a
// time (the daemon's writer thread owns one; readers open their own).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "store/sqlite.hpp"

namespace tributary::store {

struct SourceRecord {
  std::int64_t id = 0;
  std::string config_url;  // identity: the URL the config names
  std::string url;         // the URL polled now
  std::string name;
  std::string title;  // from the feed document
  std::string site_url;
  std::string feed_id;
  std::string etag;
  std::string last_modified;
  std::optional<core::Timestamp> last_poll_at;
  std::optional<core::Timestamp> last_success_at;
  std::optional<core::Timestamp> next_poll_at;
  std::optional<core::Timestamp> feed_updated;
  int last_status = 0;
  std::string last_error;
  std::int64_t error_count = 0;
  std::int64_t item_count = 0;
};

// One poll's outcome, recorded on its source.
struct PollRecord {
  core::Timestamp polled_at;
  bool is_success = false;
  int http_status = 0;
  std::string error;          // what went wrong, when not a success
  std::string etag;           // validators to send next time (empty: keep)
  std::string last_modified;
  std::optional<core::Timestamp> next_poll_at;
};

struct IngestResult {
  int new_items = 0;
  int updated = 0;
  int unchanged = 0;
  bool changed() const { return new_items + updated > 0; }
};

// An item as the renderer needs it: the entry and where it came from.
struct StoredEntry {
  std::int64_t item_id = 0;
  std::string source_config_url;
  std::string source_name;
  std::string source_title;
  std::string source_site_url;
  std::string source_feed_url;
  std::string source_feed_id;
  std::optional<core::Timestamp> source_updated;
  core::Timestamp first_seen;
  core::Timestamp sort_time;  // published, else updated, else first seen
  normalize::Entry entry;
};

class Store {
 public:
  static constexpr std::int64_t kSchemaVersion = 1;

  // Opens the database (":memory:" for tests), creating and migrating it.
  // Throws StoreError when it cannot, e.g. a database from a newer version.
  explicit Store(const std::string& path);

  std::int64_t schema_version();

  // The source's id; created on first sight, name refreshed from the config.
  std::int64_t ensure_source(const config::SourceSpec& spec);
  std::vector<SourceRecord> sources();
  std::optional<SourceRecord> source(std::int64_t id);

  // One poll's items, in one transaction: new ones inserted, changed ones
  // updated in place, the rest untouched. Also refreshes the source's own
  // title and links from the document.
  IngestResult ingest(std::int64_t source_id, const normalize::NormalizedFeed& feed, core::Timestamp now);

  void record_poll(std::int64_t source_id, const PollRecord& poll);

  // The newest `limit` items across all sources, newest first.
  std::vector<StoredEntry> newest_entries(std::size_t limit);

  // True when the database answers a trivial query.
  bool is_healthy();

  // Copies the write-ahead log into the database file and truncates it, so
  // that a clean shutdown leaves one self-contained file (PRAGMA
  // wal_checkpoint(TRUNCATE)). Call when no other connection is writing.
  void checkpoint();

 private:
  void migrate();
  Database db_;
};

}  // namespace tributary::store
