// The store's PostgreSQL engine: a database on a server, possibly shared
// by several daemons; its schema as forward-only migrations
// (store/postgresql_schema.hpp) numbered in the table tributary_schema;
// full-text search as a tsvector column ('simple' configuration over
// unaccent(), so that diacritics fold as SQLite's FTS5 folds them).
// Internal to the store.
#pragma once

#include <cstdint>
#include <string>

#include "store/engine.hpp"
#include "store/postgresql.hpp"

namespace tributary::store {

class PostgresEngine final : public StoreEngine {
 public:
  static constexpr std::int64_t kSchemaVersion = 4;

  PostgresEngine(std::string url, std::string password);

  Database& database() override { return db_; }
  void open_schema() override;
  std::int64_t schema_version() override;
  std::int64_t latest_schema_version() const override { return kSchemaVersion; }
  OthersWrote others_wrote() override;
  void note_reshaped() override;
  void index_for_search(std::int64_t item_id, bool was_indexed, std::string_view title, std::string_view text,
                        std::string_view content_hash) override;
  void drop_from_search(std::int64_t item_id) override;
  bool indexes_in_background() const override { return false; }  // a column of items, in the writer's transaction
  void queue_for_search(std::int64_t) override {}
  void start_search_indexing(std::size_t, bool) override {}
  void dequeue_indexed() override {}
  void wait_for_asked_search_passes(std::chrono::milliseconds) override {}
  bool wait_for_search_index(std::chrono::milliseconds) override { return true; }
  std::int64_t search_rebuild_items() const override { return 0; }  // the index is a column of items
  std::string search_terms(std::string_view words) const override;
  std::string search_condition(std::string_view parameter) const override;
  std::string health_problem() override;
  void checkpoint() override {}  // the server's own business
  bool take_housekeeping_turn() override;
  void give_back_space() override {}  // autovacuum's
  void continue_ids_after_copy() override;

 private:
  PostgresDatabase db_;
  std::int64_t last_turn_ = -1;      // write_turns.turn of this connection's last write turn
  std::int64_t last_reshapes_ = -1;  // write_turns.reshapes as this connection last saw it
};

}  // namespace tributary::store
