// What differs between the store's two engines, behind one interface: the
// SQL store (store/sql_store.hpp) does everything else in SQL that both
// understand. An engine owns its connection and knows its schema and its
// migrations, how to tell that another connection wrote, how full-text
// search is kept, and what a healthy database looks like.
// Internal to the store.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/database.hpp"

namespace tributary::store {

class StoreEngine {
 public:
  virtual ~StoreEngine() = default;

  virtual Database& database() = 0;
  // Opens and creates or migrates the schema (throws StoreError for a
  // database of a newer version); call once, before anything else.
  virtual void open_schema() = 0;
  virtual std::int64_t schema_version() = 0;
  // The version open_schema() brings a database to.
  virtual std::int64_t latest_schema_version() const = 0;

  // Inside a write transaction: what another connection wrote to the
  // story-key index since this one last asked (the first time: anything).
  // What this store holds of it in memory is stale then: wholly, or only
  // by the rows of items newer than any it holds.
  enum class OthersWrote { nothing, only_new_items, anything };
  virtual OthersWrote others_wrote() = 0;
  // This transaction changes story-key rows other than by adding new
  // items' (an edit, a merge, a purge): the others' next look is
  // `anything`. Call after others_wrote(), in the same transaction.
  virtual void note_reshaped() = 0;

  // Full-text search. `was_indexed`: the item may have an entry already
  // (an edit), which goes first. `content_hash`: the item's when the text
  // was taken — an engine that other connections write (PostgreSQL) leaves
  // an item whose content has changed since to the pass of whoever changed
  // it, so that an older text never replaces a newer one. An engine that
  // indexes in the background queues the item instead (its text is read
  // back when it is indexed).
  virtual void index_for_search(std::int64_t item_id, bool was_indexed, std::string_view title, std::string_view text,
                                std::string_view content_hash) = 0;
  virtual void drop_from_search(std::int64_t item_id) = 0;
  // Whether this engine indexes on a thread of its own (SQLite files:
  // store/search_indexer.hpp) from the search_pending queue: then the store
  // only queues (queue_for_search, in its transaction), starts indexing
  // after its commits, and waits for it where a search must see its writes.
  virtual bool indexes_in_background() const = 0;
  // Queues the item to be indexed as it is when the indexer reads it (gone:
  // out of the index). Only when indexes_in_background().
  virtual void queue_for_search(std::int64_t item_id) = 0;
  // After a commit that queued `queued` items: indexing starts once a
  // batch's worth waits, or now with `is_urgent`. Never waits.
  virtual void start_search_indexing(std::size_t queued, bool is_urgent) = 0;
  // Inside a write transaction: takes what the indexer did off the queue.
  virtual void dequeue_indexed() = 0;
  // Waits until what was queued and committed before the call is indexed,
  // at most `limit`: false when it is not (still indexing, or failing).
  virtual bool wait_for_search_index(std::chrono::milliseconds limit) = 0;
  // Items queued at open for a rebuild of the search index (its file was
  // missing, or not this database's); 0 when none was needed.
  virtual std::int64_t search_rebuild_items() const = 0;
  // Waits, at most `limit`, for the indexing passes already asked for (by
  // any connection of this process) to end; starts none.
  virtual void wait_for_asked_search_passes(std::chrono::milliseconds limit) = 0;
  // A reader's words as the parameter of search_condition(); empty when
  // nothing in them can match (only punctuation).
  virtual std::string search_terms(std::string_view words) const = 0;
  // SQL: the ids of the items whose text matches the terms in `parameter`.
  virtual std::string search_condition(std::string_view parameter) const = 0;

  // What only this engine can tell is wrong (the file, the server), in a
  // few words for /healthz, before the store reads the schema back; empty
  // when nothing is.
  virtual std::string health_problem() = 0;
  // Store::checkpoint: a self-contained database at a clean shutdown.
  virtual void checkpoint() = 0;
  // Inside the housekeeping's transaction: whether this connection does
  // the database's housekeeping (retention, purges) now. Always on SQLite
  // (one daemon per file); on PostgreSQL one daemon of a fleet at a time,
  // the others skip the round (the purges of two would collide).
  virtual bool take_housekeeping_turn() = 0;
  // After housekeeping: give freed space back to the file system.
  virtual void give_back_space() = 0;
  // After rows were copied in with their ids (copy_store): new rows take
  // ids after them.
  virtual void continue_ids_after_copy() = 0;
};

}  // namespace tributary::store
