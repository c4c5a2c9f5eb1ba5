// Full-text indexing on a thread of its own, into a database file of its
// own, so that the writer does not do it. SQLite takes one write lock per
// file: with the index in the store's file, an indexer on another thread
// would only wait for the writer (bench/scale's cold cycle: full-text
// indexing, its share of the commits and checkpoints, was 23% of the wall
// time, all of it on the writer's core while the other idled).
//
// The queue is the store's `search_pending` table, written in the same
// transaction as the items: an item id and a version that each new queueing
// raises. The indexer makes each queued item's index entry what the item is
// now (its text, or none when the item is gone) and commits the index; the
// rows it did leave the queue in the store's next write transaction
// (take_indexed), by id and version — so a crash in between indexes them
// again (which changes nothing), and an item queued anew meanwhile stays
// queued. The indexer never writes the store's file: a commit there by
// another connection tells the writer that its story-key index may be stale
// (PRAGMA data_version), and it would load it again each time.
// Internal to the store (store/sqlite_engine.hpp).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tributary::store {

class SqliteDatabase;

class SearchIndexer {
 public:
  // The indexer of the store's file `store_path` (the index's file
  // `search_path` prepared by prepare_search_file), shared by every
  // connection of this process to that file: the writer and the readers
  // wait for the same one, and the queue is not indexed twice.
  static std::shared_ptr<SearchIndexer> of(const std::string& store_path, const std::string& search_path);

  // A failed pass is tried again after a second, then after twice as long
  // each time up to `retry_after` (or sooner, when asked): the queue still
  // holds what it did not do, and a passing trouble (a file put back, space
  // freed) ends within seconds of its cause, in /healthz too.
  SearchIndexer(std::string store_path, std::string search_path,
                std::chrono::milliseconds retry_after = kRetryAfterFailure);
  ~SearchIndexer();  // finishes the batch in progress, then stops
  SearchIndexer(const SearchIndexer&) = delete;
  SearchIndexer& operator=(const SearchIndexer&) = delete;

  // Something was queued and committed: index once a batch's worth waits
  // (`queued`: how many since the last start), or now with `is_urgent`.
  // Never waits; starts the thread on first need.
  void start(std::size_t queued, bool is_urgent);
  // After a failed pass: tries again now instead of at the end of its
  // retry wait (the store's file is back, say). Nothing otherwise.
  void retry_now();
  // Starts indexing and waits until everything queued before the call is
  // indexed, or `limit` passed. False on timeout or when indexing failed
  // (the queue keeps what it did not do, for the next start).
  bool wait_until_indexed(std::chrono::milliseconds limit);

  // Waits, at most `limit`, until the passes asked for before the call have
  // ended (done or failed); asks for none. A search that must see what the
  // feed shows waits so for what the writer started at its last lull.
  void wait_for_asked_passes(std::chrono::milliseconds limit);

  // The queue rows (item id, version) indexed since the last call, for
  // the caller's write transaction to delete. Until then the indexer
  // skips them.
  std::vector<std::pair<std::int64_t, std::int64_t>> take_indexed();

  // Items indexed (or dropped from the index) so far, for tests; pages
  // the index's connection wrote, for benches.
  std::int64_t indexed() const;
  std::int64_t pages_written() const;
  // Why the last pass failed (the store's health check reports it); empty
  // when it succeeded.
  std::string last_error() const;

  // The batch FTS5 gets per transaction: one new segment per batch (a
  // segment per document made it a third of each poll's written pages).
  static constexpr std::size_t kBatch = 512;
  static constexpr std::chrono::milliseconds kRetryAfterFailure{30'000};
  static constexpr std::chrono::milliseconds kFirstRetryAfterFailure{1'000};

 private:
  void run();
  // How long a failing indexer waits before its next pass (mutex_ held).
  std::chrono::milliseconds retry_wait() const;
  // Indexes queue rows with an item id after `after`, in id order; returns
  // how many rows it read, adds how many it indexed to `done`, and moves
  // `after` past them.
  std::size_t index_batch(SqliteDatabase& store, SqliteDatabase& search, std::int64_t& after, std::int64_t& done);

  const std::string store_path_;
  const std::string search_path_;
  const std::chrono::milliseconds retry_after_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::size_t waiting_ = 0;      // queued since the last pass started
  std::uint64_t requested_ = 0;  // passes asked for (each waiter and urgent start asks one)
  std::uint64_t completed_ = 0;  // the last request that a finished pass covered
  bool is_failing_ = false;      // the last pass failed
  int failures_in_a_row_ = 0;    // passes failed since the last that did not
  bool is_stopping_ = false;
  std::int64_t indexed_ = 0;
  std::int64_t pages_written_ = 0;
  std::string last_error_;
  std::set<std::pair<std::int64_t, std::int64_t>> to_dequeue_;
  std::thread thread_;
};

// The FTS5 table's columns and tokenizer, wherever it is kept.
inline constexpr char kSearchColumns[] = "(title, body, tokenize = 'unicode61 remove_diacritics 2')";

// FTS5 merges a level's segments into one when `automerge` of them have
// gathered: SQLite's default, 4, rewrites every indexed word about
// log4(batches) times as the index grows, 16 (the most it allows) about
// half as often: bench/scale's cold cycle (10,000 feeds) took 5-10 % less
// CPU. A search then reads a few more segments per word, which at 200,000
// items did not show in its time. Kept in the table's own configuration,
// so set on an index made before as well.
inline constexpr int kSearchAutomerge = 16;

// Sets kSearchAutomerge on the items_fts table of `schema` ("main" or an
// attached database's name) unless it is set already: no write otherwise.
// Best effort: an index that cannot be written is left as it is.
void tune_search_table(SqliteDatabase& db, const std::string& schema);

// Creates the index's file and tables when missing, and rebuilds the index
// when it is not the one of the store's file (deleted, or restored apart from
// it): empties it and queues every item, which the indexer then does. Call
// with the store's connection after its migrations, outside a transaction.
// Returns how many items it queued for a rebuild (0: the index was the
// store's).
std::int64_t prepare_search_file(SqliteDatabase& store, const std::string& search_path);

// The index's file as a read-only URI for ATTACH: a connection that writes
// the store must not take the index's write lock with each transaction
// (BEGIN IMMEDIATE locks every attached database that is writable).
std::string read_only_uri(const std::string& path);

}  // namespace tributary::store
