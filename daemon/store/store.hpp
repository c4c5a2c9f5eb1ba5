// store: everything Tributary keeps, in one database — an SQLite file, or a
// PostgreSQL database — sources with their poll state, items deduplicated
// at three levels into stories, and what retention has purged. Reached
// only through this interface: value types in and out
// (store/records.hpp), no database handle; how the data is kept
// (store/sql_store.hpp, store/engine.hpp) stays behind it.
//
// Threading: a Store is one connection; use it from one thread at a time
// (the daemon's writer thread owns one; readers open their own — SQLite's
// WAL, and PostgreSQL, let them read while the writer writes).
// Errors: expected outcomes are return values; a failing database (disk
// full, corrupt file, newer schema) throws StoreError.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/time.hpp"
#include "filter/filter.hpp"
#include "normalize/normalize.hpp"
#include "store/fleet_records.hpp"
#include "store/hub_records.hpp"
#include "store/records.hpp"
#include "store/store_error.hpp"

namespace tributary::store {

// The defaults are the configuration's ([storage], [feed]; config/defaults.hpp).
struct StoreOptions {
  config::DedupMode dedup = config::DedupMode::story;
  Seconds story_window = config::defaults::kStoryWindow;  // copies further apart in time are separate stories
  std::uint32_t retention_items = config::defaults::kRetentionItems;
  Seconds retention_age = config::defaults::kRetentionAge;
  Seconds tombstone_age = config::defaults::kTombstoneAge;
  Seconds removed_source_grace = config::defaults::kRemovedSourceGrace;
  // [[filter]]: what new and edited items are judged by (null: none), and
  // filter::signature of the config they come from.
  std::shared_ptr<const filter::FilterSet> filters;
  std::string filter_signature;
};
StoreOptions store_options(const config::Config& config);

// The guard of dedup level 3: an item too short (under 30 words, a title
// under 3 words) or too generic ("Live updates", "Daily briefing") to be
// told from another by its text merges by URL only.
bool is_story_matchable(const normalize::Entry& entry);

// What the store writes of an entry that takes no database to work out:
// the JSON of its lists, the hash that tells an edit from an unchanged
// item, its story-URL key, whether its text can be matched. The scheduler
// prepares each document on a worker thread, so that the one writer
// thread does only what needs the database (in a cold cycle of 10,000
// feeds this was ~5% of the writer's time).
struct PreparedEntry {
  std::string categories;  // JSON, as the columns hold them
  std::string enclosures;
  std::string authors;
  std::string episode;
  std::string content_hash;
  std::string story_url;            // core::story_url_key of the canonical URL; empty without one
  bool is_story_matchable = false;  // is_story_matchable(entry)
};
// A normalized document and its entries' prepared columns, in order.
struct PreparedDocument {
  normalize::NormalizedFeed feed;
  std::vector<PreparedEntry> entries;
};
std::vector<PreparedEntry> prepare_entries(const normalize::NormalizedFeed& feed);
PreparedDocument prepare_document(normalize::NormalizedFeed feed);

// Where a store keeps its data.
struct StoreLocation {
  static StoreLocation sqlite(std::string path);  // a file, or ":memory:"
  // A libpq connection URI; `password`, when not empty, instead of one in it.
  static StoreLocation postgresql(std::string url, std::string password = {});

  bool is_postgresql = false;
  std::string path_or_url;
  std::string password;

  // For logs and messages: the path, or the URL without its password.
  std::string shown() const;
};

class SqlStore;
class Store;

// What copy_store copied: rows per table, in the order copied.
struct CopyResult {
  std::vector<std::pair<std::string, std::int64_t>> rows;
};
// Called after each table: its name, rows copied, rows in all.
using CopyProgress = std::function<void(const std::string& table, std::int64_t copied)>;

// Copies everything `from` holds — sources and their poll state, items,
// stories, tombstones, listings, story keys, WebSub and hub subscriptions,
// the filter state — into `to`, which must be empty (no source), in one
// transaction on `to`: it ends with every row or none. Either engine to
// either; ids are kept, the search index is built anew. Counts are
// compared at the end. Throws StoreError saying what went wrong (`to`
// not empty, a count that differs, a failed write).
CopyResult copy_store(Store& from, Store& to, const CopyProgress& progress = {});

class Store {
 public:
  // SQLite's schema version (PostgreSQL's schema counts its own).
  static constexpr std::int64_t kSchemaVersion = 12;

  // Opens the database, creating and migrating it. Throws StoreError when
  // it cannot, e.g. a database from a newer version, or no server.
  explicit Store(const StoreLocation& location, StoreOptions options = {});
  // An SQLite file (":memory:" for tests).
  explicit Store(const std::string& path, StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  std::int64_t schema_version();

  // The source's id; created on first sight; name and tags refreshed from
  // the config; a source that comes back is no longer "removed".
  std::int64_t ensure_source(const config::SourceSpec& spec);
  // Marks every source not in `kept_ids` as removed from the config (its
  // items go after the grace period).
  void retire_sources_except(const std::vector<std::int64_t>& kept_ids, core::Timestamp now);
  // The configuration's sources, all at once: ensure_source for each (ids
  // in the order of `specs`), then retire_sources_except the rest. On
  // SQLite in one transaction, so that a start or a reload registers every
  // source or none, and 10,000 sources are not 10,000 commits (~0.7 s of
  // bench/scale's 10 s cold cycle); on PostgreSQL a statement per source,
  // so that the other daemons of a fleet never wait for all of them.
  std::vector<std::int64_t> register_sources(const std::vector<config::SourceSpec>& specs, core::Timestamp now);
  std::vector<SourceRecord> sources();
  std::optional<SourceRecord> source(std::int64_t id);
  // The sources in the configuration (not removed) at a glance, without
  // reading every record (the daemon's status line; 100,000 records are
  // a third of a gigabyte's peak for one line).
  SourcesAtAGlance sources_at_a_glance();
  // Sources by source_state, and how many a WebSub subscription pushes (not
  // removed), without reading whole records (/metrics).
  SourceStateCounts source_state_counts(core::Timestamp now);

  // One poll's document, in one transaction: items new to the source are
  // inserted and grouped into stories (same story URL, or a copy of the
  // text within the time window), changed ones are updated in place,
  // the rest are untouched; then the source's retention applies.
  IngestResult ingest(std::int64_t source_id, const PreparedDocument& document, core::Timestamp now);
  // The same for a document not prepared beforehand (prepared here).
  IngestResult ingest(std::int64_t source_id, const normalize::NormalizedFeed& feed, core::Timestamp now);

  void record_poll(std::int64_t source_id, const PollRecord& poll);

  // WebSub subscriptions, one per source: every one kept, one written
  // whole (inserted or replaced), one dropped.
  std::vector<SubscriptionRecord> subscriptions();
  void save_subscription(const SubscriptionRecord& subscription);
  void delete_subscription(std::int64_t source_id);

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
  bool is_writable() const;

  // Indexes for full-text search what this store's ingests queued (ingest
  // does so itself once kSearchBatch items wait, and a text query on this
  // store first); maintain() indexes what another connection or a crash
  // left queued. A SQLite file's index is written by a thread of its own,
  // into a file of its own ("<database>-search"): there this starts it and
  // waits (ten seconds at most) until it has done what this store queued.
  // Returns how many were indexed.
  std::size_t update_search_index();
  static constexpr std::size_t kSearchBatch = 512;
  // The writer, when it runs out of work, so that searches see what the
  // feed shows: update_search_index() where the store indexes itself;
  // where a thread of its own does, only starts it (the writer does not
  // wait), and a text query through any store of this process waits (a
  // second at most) for the passes asked for before it. Returns how many
  // were indexed by the call itself.
  std::size_t update_search_index_at_lull();

  // Copies the write-ahead log into the database file and truncates it, so
  // that a clean shutdown leaves one self-contained file (PRAGMA
  // wal_checkpoint(TRUNCATE)), and the search index complete (waiting up to
  // kShutdownSearchWait for its thread). Call when no other connection is
  // writing.
  static constexpr std::chrono::seconds kShutdownSearchWait{30};
  void checkpoint();

  // Items this store queued when it opened, to rebuild a SQLite file's
  // search index (its "-search" file was missing, or not this database's:
  // restored or copied apart from it); 0 when the index was current. The
  // rebuild runs in the background; searches meanwhile find what is done.
  std::int64_t search_rebuild_items() const;

  // The built-in WebSub hub's verified subscriptions: saved (a renewal
  // replaces the row of the same topic and callback), removed, all of them.
  void save_hub_subscription(const HubSubscription& subscription);
  void remove_hub_subscription(const std::string& topic, const std::string& callback);
  std::vector<HubSubscription> hub_subscriptions();

  // [[filter]] (filter/filter.hpp). Items a filter hides are kept, marked
  // with its label, and left out of every query for rendering (a story
  // shows a copy no filter hides; one whose every copy is hidden is left
  // out). New and edited items are judged on ingest by the filters set
  // here (or in StoreOptions); what is stored already is judged again by
  // refilter(), a batch at a time, until it says it is done — then the
  // store remembers `signature` and the next refilter() with the same one
  // has nothing to do.
  void set_filters(std::shared_ptr<const filter::FilterSet> filters, std::string signature);
  RefilterStep refilter(std::size_t batch, core::Timestamp now);
  static constexpr std::size_t kRefilterBatch = 2000;
  // Stored items with what filters look at, by id after `after_id` (for
  // `tributary filter test`; it reads, never writes).
  std::vector<FilterableItem> filterable_items(std::int64_t after_id, std::size_t limit);

  // Several daemons on one database (store/fleet_records.hpp). Only a
  // PostgreSQL store can be shared; on SQLite one daemon holds the file
  // (its pid file says so) and the calls below throw StoreError.
  bool is_shared() const;
  // Claims the source's next poll for request.daemon, with the source's row
  // locked (FOR UPDATE SKIP LOCKED): a lease that expires unless renewed,
  // and, with a host spacing, the host's next request time. Not claimed
  // when it is not due (and not forced), another daemon holds it, the host
  // had a request too lately, or the source was removed.
  PollClaim claim_poll(const PollClaimRequest& request);
  // The poll is recorded (record_poll): the lease is given up.
  void release_poll(std::int64_t source_id, const std::string& daemon);
  // Renews the daemon's leases, notes that it is alive and which
  // configuration it loaded, and tells who else is.
  FleetView fleet_beat(const FleetBeat& beat);
  // Who is in the fleet at `now` (beaten within kFleetMemberSilence), newest
  // configuration first, without being one (`tributary status`).
  FleetView fleet_view(WallMilliseconds now);
  // A daemon that stops cleanly leaves the fleet: its leases and its
  // member row go at once instead of lapsing.
  void leave_fleet(const std::string& daemon);
  // Tells the other daemons' change listeners (store/change_listener.hpp)
  // that what the feeds show has changed.
  void announce_change(const std::string& daemon);

  // Tests and benches that read the database's SQL: store/testing.hpp.

 private:
  friend class StoreTesting;
  friend CopyResult copy_store(Store& from, Store& to, const CopyProgress& progress);
  std::unique_ptr<SqlStore> impl_;
};

}  // namespace tributary::store
