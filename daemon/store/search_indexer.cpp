// The search index's own file and the thread that writes it.
#include "store/search_indexer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <vector>

#include "core/text.hpp"
#include "store/rows.hpp"
#include "store/sqlite.hpp"

namespace tributary::store {
namespace {

// The index's file: the FTS5 table, and which store's items it holds
// (search_identity: the store's token, and the newest item id it indexed).
constexpr std::string_view kIdentitySchema = R"sql(
CREATE TABLE IF NOT EXISTS search_identity (
  token       TEXT NOT NULL,
  newest_item INTEGER NOT NULL
);
)sql";

std::unique_ptr<SqliteDatabase> open_connection(const std::string& path,
                                                SqliteDatabase::Open open = SqliteDatabase::Open::may_create) {
  auto db = std::make_unique<SqliteDatabase>(path, open);
  db->exec("PRAGMA busy_timeout = 5000");
  // Per connection (the default, FULL, syncs at every commit): as the
  // store's writer does. A killed process loses nothing it committed.
  db->exec("PRAGMA synchronous = NORMAL");
  return db;
}

// The indexer's connection to the index's file. SQLite checkpoints a WAL
// of 1,000 pages by default: here every few batches, each checkpoint two
// syncs of the file and a copy of the pages that FTS5 rewrites at every
// batch (its structure, the segments a merge frees and the next one
// reuses). At 5,000 pages (20 MB, as the store's checkpoint thread), the
// syncs of bench/scale's cold cycle went from 393 to 223.
std::unique_ptr<SqliteDatabase> open_search_connection(const std::string& path) {
  std::unique_ptr<SqliteDatabase> db = open_connection(path);
  db->exec("PRAGMA wal_autocheckpoint = 5000");
  return db;
}

std::string text_of(Database& db, std::string_view sql) {
  Statement& select = db.cached(sql);
  std::string text = select.step() ? select.text(0) : std::string();
  select.reset();
  return text;
}

std::int64_t int64_of(Database& db, std::string_view sql) {
  Statement& select = db.cached(sql);
  const std::int64_t value = select.step() ? select.int64(0) : 0;
  select.reset();
  return value;
}

// The index holds the items of the store whose token it carries, and none
// newer than the store's newest: a store file restored from a backup (older
// than the index) or a new store beside an old index gets a new index. The
// index is read first: the store's newest item, read after, is then at
// least the newest the index could have seen (an item the indexer did
// meanwhile is not taken for one the store never had).
bool is_index_of(Database& search, Database& store) {
  Statement& identity = search.cached("SELECT token, newest_item FROM search_identity");
  const bool has_identity = identity.step();
  const std::string token = has_identity ? identity.text(0) : std::string();
  const std::int64_t newest_indexed = has_identity ? identity.int64(1) : 0;
  identity.reset();
  return has_identity && !token.empty() && token == text_of(store, "SELECT token FROM search_identity") &&
         newest_indexed <= int64_of(store, "SELECT coalesce(max(id), 0) FROM items");
}

}  // namespace

void tune_search_table(SqliteDatabase& db, const std::string& schema) {
  // The configuration table holds only what was set: a table that never
  // had it set has no row (and takes SQLite's default).
  Statement& current = db.cached("SELECT v FROM " + schema + ".items_fts_config WHERE k = 'automerge'");
  const bool is_tuned = current.step() && current.int64(0) == kSearchAutomerge;
  current.reset();
  if (is_tuned) return;
  try {
    db.cached("INSERT INTO " + schema + ".items_fts (items_fts, rank) VALUES ('automerge', ?1)")
        .bind(1, std::int64_t{kSearchAutomerge})
        .run();
  } catch (const StoreError&) {
    // An index that cannot be written (an older one, made read-only) still
    // serves searches, merging as SQLite does by default; the indexer's
    // next pass fails on it and says so (health_problem), and the next
    // start tunes it.
  }
}

std::string read_only_uri(const std::string& path) {
  // RFC 8089 as SQLite reads it (sqlite.org/uri.html): '%', '?' and '#'
  // would end or change the path, so they are escaped; an absolute path
  // gets an empty authority.
  static constexpr core::ByteSet kPathBytes =
      core::byte_set([](unsigned char byte) { return byte != '%' && byte != '?' && byte != '#'; });
  return (path.starts_with('/') ? "file://" : "file:") + core::percent_encode(path, kPathBytes) + "?mode=ro";
}

std::int64_t prepare_search_file(SqliteDatabase& store, const std::string& search_path) {
  const std::unique_ptr<SqliteDatabase> search = open_connection(search_path);
  search->exec("PRAGMA journal_mode = WAL");
  search->exec(std::string("CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5") + kSearchColumns);
  search->exec(kIdentitySchema);
  tune_search_table(*search, "main");
  if (is_index_of(*search, store)) return 0;
  // Emptied and marked as no store's first, then the store queues every
  // item, then the index takes the store's token: a crash at any point
  // leaves an index that is not taken for current, and the next start does
  // it all again.
  {
    Transaction transaction(*search);
    if (!is_index_of(*search, store)) {
      // Dropped, not emptied: FTS5 deletes row by row, reading each row's
      // text back to take its tokens out (minutes at a million items).
      search->exec("DROP TABLE items_fts");
      search->exec(std::string("CREATE VIRTUAL TABLE items_fts USING fts5") + kSearchColumns);
      tune_search_table(*search, "main");
      search->exec("DELETE FROM search_identity");
      search->exec("INSERT INTO search_identity (token, newest_item) VALUES ('', 0)");
    }
    transaction.commit();
  }
  std::int64_t queued = 0;
  {
    Transaction transaction(store);
    store.exec(
        "INSERT INTO search_pending (item_id, was_indexed, version) SELECT id, 1, 1 FROM items WHERE true "
        "ON CONFLICT (item_id) DO UPDATE SET version = version + 1");
    queued = store.changes();  // every item: inserted or its version raised
    transaction.commit();
  }
  Transaction transaction(*search);
  search->cached("UPDATE search_identity SET token = ?1")
      .bind(1, text_of(store, "SELECT token FROM search_identity"))
      .run();
  transaction.commit();
  return queued;
}

std::shared_ptr<SearchIndexer> SearchIndexer::of(const std::string& store_path, const std::string& search_path) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::weak_ptr<SearchIndexer>> indexers;
  std::error_code error;
  std::filesystem::path file = std::filesystem::weakly_canonical(store_path, error);
  if (error) file = store_path;
  const std::lock_guard lock(mutex);
  std::weak_ptr<SearchIndexer>& known = indexers[file];
  std::shared_ptr<SearchIndexer> indexer = known.lock();
  if (!indexer) {
    indexer = std::make_shared<SearchIndexer>(store_path, search_path);
    known = indexer;
  }
  return indexer;
}

SearchIndexer::SearchIndexer(std::string store_path, std::string search_path, std::chrono::milliseconds retry_after)
    : store_path_(std::move(store_path)), search_path_(std::move(search_path)), retry_after_(retry_after) {}

SearchIndexer::~SearchIndexer() {
  {
    const std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  wake_.notify_one();
  done_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SearchIndexer::start(std::size_t queued, bool is_urgent) {
  const std::lock_guard lock(mutex_);
  waiting_ += queued;
  if (!is_urgent && waiting_ < kBatch) return;
  ++requested_;
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  wake_.notify_one();
}

void SearchIndexer::wait_for_asked_passes(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  const std::uint64_t asked = requested_;
  done_.wait_for(lock, limit, [&] { return completed_ >= asked || is_stopping_; });
}

bool SearchIndexer::wait_until_indexed(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  const std::uint64_t ticket = ++requested_;
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  wake_.notify_one();
  const bool is_done = done_.wait_for(lock, limit, [&] { return completed_ >= ticket || is_stopping_; });
  return is_done && completed_ >= ticket && !is_failing_;
}

std::int64_t SearchIndexer::indexed() const {
  const std::lock_guard lock(mutex_);
  return indexed_;
}

std::int64_t SearchIndexer::pages_written() const {
  const std::lock_guard lock(mutex_);
  return pages_written_;
}

void SearchIndexer::retry_now() {
  const std::lock_guard lock(mutex_);
  if (!is_failing_ || is_stopping_) return;
  ++requested_;
  wake_.notify_one();
}

std::string SearchIndexer::last_error() const {
  const std::lock_guard lock(mutex_);
  return last_error_;
}

std::chrono::milliseconds SearchIndexer::retry_wait() const {
  std::chrono::milliseconds wait = std::min(kFirstRetryAfterFailure, retry_after_);
  for (int failure = 1; failure < failures_in_a_row_ && wait < retry_after_; ++failure) wait *= 2;
  return std::min(wait, retry_after_);
}

void SearchIndexer::run() {
  // Opened on first use; dropped after a failure, so that the next pass
  // starts from fresh connections.
  std::unique_ptr<SqliteDatabase> store;
  std::unique_ptr<SqliteDatabase> search;
  std::unique_lock lock(mutex_);
  while (true) {
    const auto is_asked = [&] { return is_stopping_ || requested_ > completed_; };
    if (!is_failing_)
      wake_.wait(lock, is_asked);
    else if (!wake_.wait_for(lock, retry_wait(), is_asked))
      ++requested_;  // tries again on its own: the writer may have nothing new to ask for
    if (is_stopping_) {
      // A clean stop leaves the index in its file, not in its WAL (as the
      // store's own checkpoint at shutdown does).
      if (search) sqlite3_wal_checkpoint_v2(search->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
      return;
    }
    // Every request made so far is covered by this pass, which reads the
    // queue as it is from now on.
    const std::uint64_t target = requested_;
    waiting_ = 0;
    lock.unlock();
    std::int64_t done = 0;
    std::string error;
    try {
      if (!store) store = open_connection(store_path_, SqliteDatabase::Open::must_exist);
      if (!search) search = open_search_connection(search_path_);
      std::int64_t after = std::numeric_limits<std::int64_t>::min();
      // The cursor only moves up: the pass ends, at the latest, past the
      // highest item id queued.
      while (true) {
        if (index_batch(*store, *search, after, done) < kBatch) break;
        const std::lock_guard stopping(mutex_);
        if (is_stopping_) break;
      }
    } catch (const StoreError& failure) {
      error = failure.what();
      store.reset();
      search.reset();
    }
    lock.lock();
    indexed_ += done;
    last_error_ = error;
    is_failing_ = !error.empty();
    failures_in_a_row_ = is_failing_ ? failures_in_a_row_ + 1 : 0;
    completed_ = target;
    done_.notify_all();
  }
}

std::vector<std::pair<std::int64_t, std::int64_t>> SearchIndexer::take_indexed() {
  const std::lock_guard lock(mutex_);
  std::vector<std::pair<std::int64_t, std::int64_t>> indexed(to_dequeue_.begin(), to_dequeue_.end());
  to_dequeue_.clear();
  return indexed;
}

std::size_t SearchIndexer::index_batch(SqliteDatabase& store, SqliteDatabase& search, std::int64_t& after,
                                       std::int64_t& done) {
  struct Queued {
    std::int64_t item_id = 0;
    std::int64_t version = 0;
    bool is_present = false;  // else the item is gone: its entry goes
    std::string title;
    std::string content_html;
    std::string summary_html;
  };
  std::vector<Queued> batch;
  // The index's write lock before the store is read: another process's
  // indexer (a command run beside the daemon) cannot then commit an older
  // read of an item over this one's newer read, or the reverse.
  Transaction transaction(search);
  // In the order of ids: new items then go at the end of the index's
  // tables (taken newest first, each batch landed before the last one and
  // left its pages half full: an index twice the size). One statement: one
  // consistent read of the store.
  Statement& select = store.cached(
      "SELECT search_pending.item_id, search_pending.version, items.id IS NOT NULL, items.title, "
      "items.content_html, items.summary_html FROM search_pending LEFT JOIN items ON items.id = search_pending.item_id "
      "WHERE search_pending.item_id > ?1 ORDER BY search_pending.item_id LIMIT ?2");
  select.bind(1, after).bind(2, static_cast<std::int64_t>(kBatch));
  while (select.step())
    batch.push_back(
        {select.int64(0), select.int64(1), select.int64(2) != 0, select.text(3), select.text(4), select.text(5)});
  select.reset();
  const std::size_t read = batch.size();
  if (batch.empty()) return read;
  after = batch.back().item_id;
  {
    const std::lock_guard lock(mutex_);  // done, and not yet off the queue
    std::erase_if(batch, [&](const Queued& queued) { return to_dequeue_.contains({queued.item_id, queued.version}); });
  }
  if (batch.empty()) return read;

  std::int64_t newest_present = 0;
  for (const Queued& queued : batch) {
    search.cached("DELETE FROM items_fts WHERE rowid = ?1").bind(1, queued.item_id).run();
    if (!queued.is_present) continue;
    search.cached("INSERT INTO items_fts (rowid, title, body) VALUES (?1, ?2, ?3)")
        .bind(1, queued.item_id)
        .bind(2, queued.title)
        .bind(3, rows::item_text(queued.content_html, queued.summary_html))
        .run();
    newest_present = std::max(newest_present, queued.item_id);
  }
  search.cached("UPDATE search_identity SET newest_item = max(newest_item, ?1)").bind(1, newest_present).run();
  transaction.commit();
  int pages = 0;
  int unused = 0;
  sqlite3_db_status(search.handle(), SQLITE_DBSTATUS_CACHE_WRITE, &pages, &unused, 1);  // and resets it
  const std::lock_guard lock(mutex_);
  pages_written_ += pages;
  for (const Queued& queued : batch) to_dequeue_.emplace(queued.item_id, queued.version);
  done += static_cast<std::int64_t>(batch.size());
  return read;
}

}  // namespace tributary::store
