// store: everything Tributary keeps, in one SQLite database — sources with
// their poll state, items deduplicated at three levels into stories, and
// what retention has purged. Reached only through this interface.
//
// Threading: a Store is one connection; use it from one thread at a time
// (the daemon's writer thread owns one; readers open their own — WAL lets
// them read while the writer writes).
// Errors: expected outcomes are return values; a failing database (disk
// full, corrupt file, newer schema) throws StoreError.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "config/config.hpp"
#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "store/checkpointer.hpp"
#include "store/fingerprint_index.hpp"
#include "store/sqlite.hpp"

namespace tributary::store {

using Seconds = std::chrono::seconds;

struct StoreOptions {
  config::DedupMode dedup = config::DedupMode::story;
  int story_distance = 3;           // fingerprint bits; at most 3 (see schema)
  Seconds story_window{72 * 3600};  // copies further apart in time are separate stories
  std::uint32_t retention_items = 1000;
  Seconds retention_age{180 * 86400};
  Seconds tombstone_age{730 * 86400};
  Seconds removed_source_grace{7 * 86400};
};
StoreOptions store_options(const config::Config& config);

struct SourceRecord {
  std::int64_t id = 0;
  std::string config_url;  // identity: the URL the config names
  std::string url;         // the URL polled now
  std::string name;     // configured, else the URL's host
  bool is_named = false;  // the name was configured
  std::vector<std::string> tags;
  std::string title;  // from the feed document
  std::string site_url;
  std::string feed_id;
  std::string etag;
  std::string last_modified;
  std::optional<core::Timestamp> last_poll_at;
  std::optional<core::Timestamp> last_success_at;
  std::optional<core::Timestamp> next_poll_at;
  std::optional<core::Timestamp> feed_updated;
  std::optional<core::Timestamp> removed_at;  // dropped from the config
  int last_status = 0;
  std::string last_error;
  std::int64_t error_count = 0;
  std::int64_t item_count = 0;
  std::string identity_mode;    // "guid", or "link" after the feed's guids proved useless
  std::string identity_reason;  // why identity_mode is not "guid"
  // The scheduler's memory of the source (see PollRecord).
  std::optional<Seconds> poll_interval;
  double item_rate = 0;
  int last_new_items = 0;
  std::string hints;  // JSON
  std::optional<core::Timestamp> retry_after;
  std::optional<core::Timestamp> gone_at;
  std::string gone_spec;
  std::string redirect_target;
  int redirect_streak = 0;
  std::string body_hash;
};

// The source as people see it: its configured name, else the feed's own
// title once a poll has read it, else the URL's host.
std::string display_name(const SourceRecord& source);

// What a status row says about a source: "ok", "new", "failing" (one
// error), "backing off" (several), "retry-after", "gone", "removed".
std::string source_state(const SourceRecord& source, core::Timestamp now);

// One poll's outcome and the scheduler's state after it, recorded on its
// source so that a restart resumes where it was.
struct PollRecord {
  core::Timestamp polled_at;
  bool is_success = false;
  int http_status = 0;
  std::string error;  // what went wrong, when not a success
  std::string etag;   // validators to send next time (empty: keep)
  std::string last_modified;
  std::optional<core::Timestamp> next_poll_at;
  std::optional<Seconds> poll_interval;  // the adaptive interval in force (empty: keep)
  double item_rate = 0;                  // smoothed new items per day
  int new_items = 0;
  std::string hints;  // what the source asks for, as JSON (empty: keep)
  std::optional<core::Timestamp> retry_after;
  std::optional<core::Timestamp> gone_at;  // 410 Gone: not polled until its config changes
  std::string gone_spec;                   // the config it went gone under
  std::string redirect_target;             // a permanent redirect seen on consecutive polls
  int redirect_streak = 0;
  std::string body_hash;  // of the last body (empty: keep)
  std::string url;        // the URL to poll from now on (empty: keep)
};

struct IngestResult {
  int new_items = 0;
  int updated = 0;
  int unchanged = 0;
  int merged = 0;  // of the new items, those that joined an existing story
  bool changed() const { return new_items + updated > 0; }
};

// Another outlet's copy of a story.
struct StoryCopy {
  std::string source_name;
  std::string url;
};

// A stable position in the newest-first list of stories.
struct StoryCursor {
  core::Timestamp sort_time;
  std::int64_t story_id = 0;
};
std::string to_string(const StoryCursor& cursor);
std::optional<StoryCursor> parse_cursor(std::string_view text);

// An item as the renderer needs it: the entry, where it came from, and (for
// a story's primary item) the other outlets that carried the story.
struct StoredEntry {
  std::int64_t item_id = 0;
  std::int64_t story_id = 0;
  std::string source_config_url;
  std::string source_name;   // store::display_name of the source
  std::string source_title;  // the source feed's own title
  std::string source_site_url;
  std::string source_feed_url;
  std::string source_feed_id;
  std::optional<core::Timestamp> source_updated;
  core::Timestamp first_seen;
  core::Timestamp sort_time;  // published, else updated, else first seen
  normalize::Entry entry;
  std::vector<StoryCopy> copies;
  StoryCursor cursor;  // the story's place in the list: page on from here
};

struct StoryQuery {
  std::size_t limit = 50;
  std::vector<std::string> source_urls;  // configured URLs; empty: every source
  std::vector<std::string> tags;         // stories from sources with any of these
  std::string text;                      // full-text words (all must match)
  std::optional<StoryCursor> before;     // stories strictly older than this
};

struct MaintenanceResult {
  int purged_items = 0;
  int removed_sources = 0;
  int expired_tombstones = 0;
};

class Store {
 public:
  static constexpr std::int64_t kSchemaVersion = 5;

  // Opens the database (":memory:" for tests), creating and migrating it.
  // Throws StoreError when it cannot, e.g. a database from a newer version.
  explicit Store(const std::string& path, StoreOptions options = {});

  std::int64_t schema_version();

  // The source's id; created on first sight; name and tags refreshed from
  // the config; a source that comes back is no longer "removed".
  std::int64_t ensure_source(const config::SourceSpec& spec);
  // Marks every source not in `kept_ids` as removed from the config (its
  // items go after the grace period).
  void retire_sources_except(const std::vector<std::int64_t>& kept_ids, core::Timestamp now);
  std::vector<SourceRecord> sources();
  std::optional<SourceRecord> source(std::int64_t id);

  // One poll's document, in one transaction: items new to the source are
  // inserted and grouped into stories (same canonical URL, or a close
  // fingerprint within the time window), changed ones are updated in place,
  // the rest are untouched; then the source's retention applies.
  IngestResult ingest(std::int64_t source_id, const normalize::NormalizedFeed& feed, core::Timestamp now);

  void record_poll(std::int64_t source_id, const PollRecord& poll);

  // The primaries of the newest `limit` stories, newest first, with copies.
  std::vector<StoredEntry> newest_entries(std::size_t limit);
  std::vector<StoredEntry> query_stories(const StoryQuery& query);

  // Items by publication day for each source over the `days` days up to
  // `now` (UTC days, oldest first, today last), keyed by source id.
  std::map<std::int64_t, std::vector<int>> items_per_day(core::Timestamp now, int days);
  std::int64_t story_count();

  // Periodic housekeeping: age-based retention across sources, sources
  // removed from the config past their grace period, expired tombstones,
  // stale index entries, and free pages returned to the file system.
  MaintenanceResult maintain(core::Timestamp now);

  // Empty when the database is sound, else why not, in a few words without
  // the path (it is shown to anyone who asks /healthz): the file was
  // deleted, moved or replaced while open (what is written now would be
  // lost at the next start), its header is no longer SQLite's, or its
  // schema cannot be read. Reads the file itself, not cached pages; cheap
  // enough for every health check (a stat, 100 bytes, one small count).
  std::string health_problem();

  // False after a write (ingest, poll record, housekeeping) failed — disk
  // full, read-only file system — until one succeeds again. Unlike the rest
  // of a Store, any thread may call this: /healthz asks on the I/O thread
  // while the writer thread writes.
  bool is_writable() const { return is_writable_.load(std::memory_order_relaxed); }

  // Indexes for full-text search what this store's ingests queued (ingest
  // does so itself once kSearchBatch items wait, and a text query on this
  // store first). The writer calls it when it runs out of work, so that
  // searches see what the feed shows; maintain() indexes what another
  // connection or a crash left queued. Returns how many were indexed.
  std::size_t update_search_index();
  static constexpr std::size_t kSearchBatch = 512;

  // Copies the write-ahead log into the database file and truncates it, so
  // that a clean shutdown leaves one self-contained file (PRAGMA
  // wal_checkpoint(TRUNCATE)). Call when no other connection is writing.
  void checkpoint();

  Database& database() { return db_; }

 private:
  // Runs one of the writes above and notes whether it went through.
  template <typename Write>
  auto noting_writability(Write&& write) -> decltype(write());
  IngestResult ingest_document(std::int64_t source_id, const normalize::NormalizedFeed& feed, core::Timestamp now);
  void update_poll_state(std::int64_t source_id, const PollRecord& poll);
  MaintenanceResult run_maintenance(core::Timestamp now);
  void migrate();
  void rebuild_search_text();
  std::string identity_mode_for(std::int64_t source_id, const normalize::NormalizedFeed& feed);
  std::optional<std::int64_t> find_story(std::int64_t source_id, const normalize::Entry& entry,
                                         std::int64_t sort_time, bool is_matchable);
  void refresh_story(std::int64_t story_id, std::int64_t now);
  void purge_items(const std::vector<std::int64_t>& item_ids, std::int64_t now);
  void apply_source_retention(std::int64_t source_id, std::int64_t now, const std::vector<std::int64_t>& listed_items);
  void note_fingerprint(std::int64_t item_id, std::int64_t story_id, const normalize::Entry& entry,
                        std::int64_t sort_time, bool is_matchable);
  void queue_for_search(std::int64_t item_id, bool was_indexed);
  void index_queued_search();
  std::int64_t count_search_pending();
  // The stories' entries, each with the other outlets' copies; with
  // `shown_sources` (configured URLs), a story shows the copy of one of them.
  std::vector<StoredEntry> load_stories(const std::vector<std::int64_t>& story_ids,
                                        const std::vector<std::string>& shown_sources);
  // Loads the fingerprint index when it is not current; call first in each
  // write transaction that uses it.
  void sync_fingerprint_index();

  // SQLite's WAL hook: after each commit of this connection.
  static int after_commit(void* context, sqlite3* db, const char* schema, int wal_frames);
  static constexpr int kBackgroundCheckpointFrames = 5000;
  static constexpr int kWalRestartFrames = 20000;

  Database db_;
  // File databases: checkpoints on a thread of their own. Declared after
  // db_, so it stops before the connection closes.
  std::unique_ptr<Checkpointer> checkpointer_;
  StoreOptions options_;
  std::atomic<bool> is_writable_{true};
  // Loaded on the first ingest; reloaded from story_fingerprints after a
  // failed write (its additions may have been rolled back) or when another
  // connection has written (PRAGMA data_version moved).
  FingerprintIndex fingerprints_;
  bool is_fingerprint_index_current_ = false;
  std::int64_t data_version_ = -1;
  // Queued for search by this store since its last indexing (purges may
  // drop some); unknown after a failed write.
  std::optional<std::size_t> search_queued_ = 0;
};

template <typename Write>
auto Store::noting_writability(Write&& write) -> decltype(write()) {
  try {
    if constexpr (std::is_void_v<decltype(write())>) {
      write();
      is_writable_.store(true, std::memory_order_relaxed);
    } else {
      auto result = write();
      is_writable_.store(true, std::memory_order_relaxed);
      return result;
    }
  } catch (const StoreError&) {
    is_writable_.store(false, std::memory_order_relaxed);
    is_fingerprint_index_current_ = false;
    search_queued_.reset();
    throw;
  } catch (...) {
    is_fingerprint_index_current_ = false;
    search_queued_.reset();
    throw;
  }
}

}  // namespace tributary::store
