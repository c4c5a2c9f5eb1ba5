// The store's SQLite engine: one database file (or ":memory:") in WAL mode,
// checkpointed on a thread of its own, its schema as forward-only
// migrations (store/schema.hpp) numbered by PRAGMA user_version, and FTS5
// for full-text search: for a file, in a file of its own beside it
// ("<database>-search"), written by a thread of its own and attached
// read-only as `search`; for ":memory:", in an attached in-memory
// database, written by the store's own connection.
// Internal to the store.
#pragma once

#include <memory>
#include <string>

#include "store/checkpointer.hpp"
#include "store/engine.hpp"
#include "store/search_indexer.hpp"
#include "store/sqlite.hpp"

namespace tributary::store {

class SqliteEngine final : public StoreEngine {
 public:
  explicit SqliteEngine(const std::string& path);

  Database& database() override { return db_; }
  SqliteDatabase& sqlite() { return db_; }
  SearchIndexer* search_indexer() { return indexer_.get(); }  // null for ":memory:"
  void open_schema() override;
  std::int64_t schema_version() override { return db_.user_version(); }
  std::int64_t latest_schema_version() const override;
  OthersWrote others_wrote() override;
  void note_reshaped() override {}  // data_version cannot tell what changed
  void index_for_search(std::int64_t item_id, bool was_indexed, std::string_view title, std::string_view text,
                        std::string_view content_hash) override;
  void drop_from_search(std::int64_t item_id) override;
  bool indexes_in_background() const override { return indexer_ != nullptr; }
  void queue_for_search(std::int64_t item_id) override;
  void start_search_indexing(std::size_t queued, bool is_urgent) override;
  void dequeue_indexed() override;
  void wait_for_asked_search_passes(std::chrono::milliseconds limit) override;
  bool wait_for_search_index(std::chrono::milliseconds limit) override;
  std::int64_t search_rebuild_items() const override { return search_rebuild_items_; }
  std::string search_terms(std::string_view words) const override;
  std::string search_condition(std::string_view parameter) const override;
  std::string health_problem() override;
  void checkpoint() override;
  bool take_housekeeping_turn() override { return true; }
  void give_back_space() override;
  void continue_ids_after_copy() override {}  // INTEGER PRIMARY KEY takes the largest id + 1 anyway

 private:
  std::string search_index_problem();
  void rebuild_search_text();
  void fill_story_matching();
  // SQLite's WAL hook: after each commit of this connection.
  static int after_commit(void* context, sqlite3* db, const char* schema, int wal_frames);
  static constexpr int kBackgroundCheckpointFrames = 5000;
  // ~400 MB of WAL at 4 KB pages, reached only under sustained writing
  // (the WAL starts over by itself when a checkpoint of the thread copies
  // every frame, at a lull). Each restart costs the writer the frames the
  // thread left and the sync of every database page copied since the last
  // one; a page that the checkpoints rewrote many times goes to disk once
  // per restart.
  // At 20,000 frames (~80 MB) the restarts were ~15% of the writer's time
  // in bench/ingest at 1M items: 1.03-1.04 s for its 20,000 items against
  // 0.65-0.76 s at 100,000, in alternating runs. Shrinking the file back
  // after each restart (`journal_size_limit` 64 MB) lost most of that
  // (0.82-1.06 s): growing the file again costs more than keeping it.
  static constexpr int kWalRestartFrames = 100000;

  SqliteDatabase db_;
  // File databases: checkpoints on a thread of its own. Declared after
  // db_, so it stops before the connection closes.
  std::unique_ptr<Checkpointer> checkpointer_;
  // File databases: the store's and the search index's files, and the
  // indexer (a thread started on first need, shared with the process's
  // other connections).
  std::string store_path_;
  std::string search_path_;
  std::shared_ptr<SearchIndexer> indexer_;
  std::int64_t search_rebuild_items_ = 0;  // queued by prepare_search_file at open
  std::int64_t data_version_ = -1;         // PRAGMA data_version when others_wrote() last asked
  bool was_file_away_ = false;             // the last health check found the store's file gone or replaced
};

}  // namespace tributary::store
