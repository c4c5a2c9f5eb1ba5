// The store kept in SQL: what stands behind store::Store (store.hpp), which
// forwards each call here. Written once for both engines — SQLite and
// PostgreSQL (store/engine.hpp) — in SQL that both understand; what
// differs is asked of the engine. Internal to the store: included by
// store/*.cpp only (and store/testing.hpp), so that no other module sees a
// database handle.
//
// Its files: sql_store.cpp (opening, sources and their poll state),
// ingest.cpp, queries.cpp, retention.cpp, filtering.cpp, subscriptions.cpp,
// hub_subscriptions.cpp, fleet.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "store/database.hpp"
#include "store/engine.hpp"
#include "store/fingerprint_index.hpp"
#include "store/store.hpp"

namespace tributary::store {

class SqlStore {
 public:
  // The methods of Store, documented there.
  // Opens the engine's schema (creating or migrating it).
  SqlStore(std::unique_ptr<StoreEngine> engine, StoreOptions options);
  SqlStore(const SqlStore&) = delete;
  SqlStore& operator=(const SqlStore&) = delete;

  std::int64_t schema_version();
  std::int64_t ensure_source(const config::SourceSpec& spec);
  void retire_sources_except(const std::vector<std::int64_t>& kept_ids, core::Timestamp now);
  std::vector<std::int64_t> register_sources(const std::vector<config::SourceSpec>& specs, core::Timestamp now);
  std::vector<SourceRecord> sources();
  std::optional<SourceRecord> source(std::int64_t id);
  SourcesAtAGlance sources_at_a_glance();
  SourceStateCounts source_state_counts(core::Timestamp now);
  IngestResult ingest(std::int64_t source_id, const normalize::NormalizedFeed& feed,
                      const std::vector<PreparedEntry>& prepared, core::Timestamp now);
  void record_poll(std::int64_t source_id, const PollRecord& poll);
  // fleet.cpp (PostgreSQL only)
  bool is_shared() const { return engine_->database().engine() == Engine::postgresql; }
  PollClaim claim_poll(const PollClaimRequest& request);
  void release_poll(std::int64_t source_id, const std::string& daemon);
  FleetView fleet_beat(const FleetBeat& beat);
  FleetView fleet_view(WallMilliseconds now);
  void leave_fleet(const std::string& daemon);
  void announce_change(const std::string& daemon);
  std::vector<SubscriptionRecord> subscriptions();
  void save_subscription(const SubscriptionRecord& subscription);
  void delete_subscription(std::int64_t source_id);
  std::vector<StoredEntry> query_stories(const StoryQuery& query);
  std::map<std::int64_t, std::vector<int>> items_per_day(core::Timestamp now, int days);
  std::int64_t story_count();
  MaintenanceResult maintain(core::Timestamp now);
  std::string health_problem();
  bool is_writable() const { return is_writable_.load(std::memory_order_relaxed); }
  std::size_t update_search_index();
  std::size_t update_search_index_at_lull();
  void checkpoint();
  std::int64_t search_rebuild_items() const { return engine_->search_rebuild_items(); }
  void save_hub_subscription(const HubSubscription& subscription);
  void remove_hub_subscription(const std::string& topic, const std::string& callback);
  std::vector<HubSubscription> hub_subscriptions();
  void set_filters(std::shared_ptr<const filter::FilterSet> filters, std::string signature);
  RefilterStep refilter(std::size_t batch, core::Timestamp now);
  std::vector<FilterableItem> filterable_items(std::int64_t after_id, std::size_t limit);

  Database& database() { return db_; }
  StoreEngine& engine() { return *engine_; }

 private:
  // One item of a document on its way in (ingest.cpp).
  struct IncomingItem;
  // The row an incoming item has already, if any.
  struct KnownItem {
    std::int64_t id = 0;
    std::string content_hash;
    std::int64_t story_id = 0;
  };
  // find_item by each entry's guid key (its identity_key), per position in
  // the document, each asked of the database at most once per document:
  // guid_problem looks at some, ingest_item (in guid mode) at all of them.
  class GuidLookups {
   public:
    explicit GuidLookups(std::size_t entries) : known_(entries), is_looked_up_(entries, false) {}
    const std::optional<KnownItem>* find(std::size_t position) const {
      return is_looked_up_[position] ? &known_[position] : nullptr;
    }
    void note(std::size_t position, std::optional<KnownItem> known) {
      known_[position] = std::move(known);
      is_looked_up_[position] = true;
    }

   private:
    std::vector<std::optional<KnownItem>> known_;
    std::vector<bool> is_looked_up_;
  };

  // The fleet's members seen within the silence allowed (fleet.cpp).
  FleetView members_at(WallMilliseconds now);
  // Runs one of the writes above and notes whether it went through.
  template <typename Write>
  auto noting_writability(Write&& write) -> decltype(write());
  IngestResult ingest_document(std::int64_t source_id, const normalize::NormalizedFeed& feed,
                               const std::vector<PreparedEntry>& prepared, core::Timestamp now);
  void update_feed_meta(std::int64_t source_id, const normalize::FeedMeta& feed);
  // `looked_up`: what find_item said for `key` earlier in this document,
  // or null.
  void ingest_item(std::int64_t source_id, const normalize::Entry& entry, const PreparedEntry& prepared,
                   const normalize::IdentityKey& key, const std::optional<KnownItem>* looked_up, std::int64_t now,
                   std::vector<std::int64_t>& listed_items, IngestResult& result);
  std::optional<KnownItem> find_item(std::int64_t source_id, const normalize::IdentityKey& key);
  bool is_tombstoned(std::int64_t source_id, const normalize::IdentityKey& key);
  void update_item(std::int64_t source_id, const KnownItem& known, const IncomingItem& item, std::int64_t now);
  // Returns the new item's id; without `story`, the item starts a story.
  std::int64_t insert_item(std::int64_t source_id, const IncomingItem& item, std::optional<std::int64_t> story,
                           std::int64_t now);
  // filtering.cpp: the filter label that hides an incoming item of the
  // source (empty: shown), with the source's URL and tags read once per
  // document.
  std::string filter_verdict(std::int64_t source_id, const normalize::Entry& entry);
  RefilterStep refilter_batch(std::size_t batch, std::int64_t now);
  void record_listing(std::int64_t source_id, const std::vector<std::int64_t>& listed_items);
  void update_poll_state(std::int64_t source_id, const PollRecord& poll);
  MaintenanceResult run_maintenance(core::Timestamp now);
  std::string identity_mode_for(std::int64_t source_id, const normalize::NormalizedFeed& feed,
                                const std::vector<PreparedEntry>& prepared, GuidLookups& lookups);
  // Why the feed's guids cannot identify its items, or empty when they can.
  std::string guid_problem(std::int64_t source_id, const normalize::NormalizedFeed& feed,
                           const std::vector<PreparedEntry>& prepared, GuidLookups& lookups);
  // The story a new item joins, if any; several stories that the item
  // shows to be one are merged first (a teaser and an edited copy that
  // arrived before the original they both match).
  std::optional<std::int64_t> find_story(std::int64_t source_id, const normalize::Entry& entry,
                                         const std::string& story_url, std::int64_t sort_time, bool is_matchable);
  std::vector<std::int64_t> stories_of_copies(std::int64_t source_id, const normalize::Entry& entry,
                                              std::int64_t sort_time);
  std::int64_t merge_stories(std::vector<std::int64_t> story_ids);
  void refresh_story(std::int64_t story_id, std::int64_t now);
  void purge_items(const std::vector<std::int64_t>& item_ids, std::int64_t now);
  void apply_source_retention(std::int64_t source_id, std::int64_t now, const std::vector<std::int64_t>& listed_items);
  // `is_new_item`: inserted in this transaction (else an edit).
  void note_fingerprint(std::int64_t item_id, std::int64_t story_id, std::int64_t source_id,
                        const normalize::Entry& entry, std::int64_t sort_time, bool is_matchable, bool is_new_item);
  void queue_for_search(std::int64_t item_id, bool was_indexed, const normalize::Entry& entry,
                        const std::string& content_hash);
  // Where the engine indexes in the background: the item queued (new,
  // edited or purged), and counted for update_search_index and the indexer.
  void queue_for_background_search(std::int64_t item_id);
  void dequeue_indexed_now();
  std::size_t index_queued_search(bool is_sweeping);
  std::int64_t count_search_pending();
  // The stories' entries, each with the other outlets' copies; with
  // `shown_sources` (configured URLs), a story shows the copy of one of them.
  std::vector<StoredEntry> load_stories(const std::vector<std::int64_t>& story_ids,
                                        const std::vector<std::string>& shown_sources);
  // Loads the fingerprint index when it is not current; call first in each
  // write transaction that uses it.
  void sync_fingerprint_index();
  // Story-key rows change other than by a new item's (StoreEngine::note_reshaped).
  void note_index_reshaped();
  void index_fingerprint(StoryKeyEntry entry);

  std::unique_ptr<StoreEngine> engine_;
  Database& db_;  // the engine's
  StoreOptions options_;
  std::atomic<bool> is_writable_{true};
  // Loaded on the first ingest; reloaded from story_fingerprints after a
  // failed write (its additions may have been rolled back) or when another
  // connection has written (StoreEngine::others_wrote).
  StoryKeyIndex fingerprints_;
  bool is_fingerprint_index_current_ = false;
  // The newest item whose story keys the index holds: after another
  // connection added only new items' keys, the rows past it are loaded.
  std::int64_t newest_indexed_item_ = 0;
  // This transaction told the engine it changes story-key rows
  // (note_index_reshaped); reset at each sync.
  bool is_reshape_noted_ = false;
  // Queued for search by this store since its last indexing (purges may
  // drop some); unknown after a failed write.
  std::optional<std::size_t> search_queued_ = 0;
  // Background indexing: queued in the current write transaction, told to
  // the indexer after its commit.
  std::size_t queued_since_commit_ = 0;
  // Queued by the commits since the writer last started indexing at a lull.
  std::size_t queued_since_lull_ = 0;
  // How long update_search_index() waits for the background indexer to
  // catch up (a few hundred items take tens of milliseconds; the writer at
  // a lull does not wait: update_search_index_at_lull).
  static constexpr std::chrono::milliseconds kSearchWait{10000};
  // How long a text query waits for the indexing passes already asked for
  // (the writer's last lull; a rebuild's pass can take minutes, and a
  // search meanwhile finds what is indexed).
  static constexpr std::chrono::milliseconds kAskedPassesWait{1000};
  // The texts of the items this store queued, so that indexing them does
  // not read every row back (bench/ingest: a tenth of the ingest's time).
  // Only what is in search_pending: a failed write clears it, and the rows
  // it does not hold (a crash's, a failed write's) are read back.
  struct QueuedText {
    bool was_indexed = false;
    std::string title;
    std::string text;
    std::string content_hash;  // the item's with this text (StoreEngine::index_for_search)
  };
  std::map<std::int64_t, QueuedText> queued_texts_;
  // refilter(): the last item id judged by the filters set (0: start over).
  std::int64_t refilter_after_ = 0;
  // The source of the document being ingested, as filters see it.
  struct FilterSource {
    std::int64_t id = 0;
    std::string url;
    std::vector<std::string> tags;
  };
  std::optional<FilterSource> filter_source_;
};

template <typename Write>
auto SqlStore::noting_writability(Write&& write) -> decltype(write()) {
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
    queued_texts_.clear();
    throw;
  } catch (...) {
    is_fingerprint_index_current_ = false;
    search_queued_.reset();
    queued_texts_.clear();
    throw;
  }
}

}  // namespace tributary::store
