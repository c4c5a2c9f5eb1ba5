// The SQLite engine: opening, migrating, FTS5, health.
#include "store/sqlite_engine.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "core/url.hpp"
#include "normalize/fingerprint.hpp"
#include "normalize/html.hpp"
#include "store/fingerprint_index.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"

namespace tributary::store {
namespace {

// The first bytes of the database file as they are on disk now, read
// through the connection's own file handle (SQLite's public VFS methods):
// opening and closing another descriptor on the file would drop this
// process's POSIX locks on it (sqlite.org/howtocorrupt.html §2.2). Cached
// pages and the WAL would hide a file overwritten with garbage.
std::string file_header_problem(sqlite3* db) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file || !file->pMethods)
    return {};                                         // not open yet: nothing to compare
  static constexpr char kMagic[] = "SQLite format 3";  // and its NUL: 16 bytes (sqlite.org/fileformat.html §1.3)
  char header[sizeof kMagic] = {};
  const int read = file->pMethods->xRead(file, header, sizeof header, 0);
  if (read == SQLITE_IOERR_SHORT_READ) return "the database file was truncated (restore it from a backup)";
  if (read != SQLITE_OK) return "the database file cannot be read (I/O error " + std::to_string(read) + ")";
  if (std::memcmp(header, kMagic, sizeof kMagic) != 0)
    return "the database file is no longer an SQLite database (overwritten? restore it from a backup)";
  return {};
}

// Words of a reader's query as FTS5 phrases ("…" "…"), so that operators and
// quotes in the input are text, not syntax.
std::string fts_query(std::string_view text) {
  std::string query;
  std::string word;
  const auto flush = [&] {
    if (word.empty()) return;
    if (!query.empty()) query += ' ';
    query += '"' + word + '"';
    word.clear();
  };
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || byte >= 0x80)
      word += c;
    else
      flush();
  }
  flush();
  return query;
}

enum class OpenFileState { in_place, gone, replaced };

// Whether `path` still names the file that `schema` of `db` has open
// (SQLite's own check for a replaced file: the same inode).
OpenFileState open_file_state(sqlite3* db, const char* schema, const char* path) {
  struct stat at_path {};
  if (::stat(path, &at_path) != 0) return OpenFileState::gone;
  int has_moved = 0;
  if (sqlite3_file_control(db, schema, SQLITE_FCNTL_HAS_MOVED, &has_moved) == SQLITE_OK && has_moved)
    return OpenFileState::replaced;
  return OpenFileState::in_place;
}

}  // namespace

// A migration appended without the version (or the reverse), as when
// branches that each add one are merged, fails the build, not a start-up.
static_assert(std::size(kMigrations) == Store::kSchemaVersion,
              "Store::kSchemaVersion must be the number of migrations in store/schema.hpp");

SqliteEngine::SqliteEngine(const std::string& path) : db_(path) {
  db_.exec("PRAGMA busy_timeout = 5000");
  db_.exec("PRAGMA foreign_keys = ON");
  if (path != ":memory:") {
    db_.exec("PRAGMA journal_mode = WAL");
    // With WAL, NORMAL can lose the last transactions on power loss, never
    // consistency; a killed process loses nothing it committed.
    db_.exec("PRAGMA synchronous = NORMAL");
    // Checkpoints on another thread (kBackgroundCheckpointFrames; this
    // connection finishes the job at kWalRestartFrames, so that the WAL
    // starts over; sqlite_engine.hpp says why at that size) keep
    // them off the writer (bench/scale, bench/ingest: the writer's own
    // checkpoints, SQLite's default every 1,000 WAL pages, were a fifth of
    // an ingest at 1M items). Durability is unchanged: a commit is in the
    // WAL either way. The page cache is 4 MB: ingest touches index pages
    // all over the file, so a bigger cache holds few of the next
    // document's pages anyway — bench/ingest at 1M items ran as fast with
    // 4 MB as with 32 MB (0.92 s and 0.94 s for 20,000 items), while a
    // cold cycle of 10,000 feeds filled all 32 MB (peak RSS 129 MB, 98 MB
    // with 4 MB; issue 22).
    db_.exec("PRAGMA cache_size = -4096");
    checkpointer_ = std::make_unique<Checkpointer>(path, kBackgroundCheckpointFrames, kWalRestartFrames);
    sqlite3_wal_hook(db_.handle(), &SqliteEngine::after_commit, this);  // instead of SQLite's automatic checkpoint
    store_path_ = path;
    search_path_ = path + "-search";
    indexer_ = SearchIndexer::of(path, search_path_);
  } else {
    // Nothing else can open this database: the store's own connection
    // indexes, into a database as private as it.
    db_.exec("ATTACH ':memory:' AS search");
  }
}

std::int64_t SqliteEngine::latest_schema_version() const { return Store::kSchemaVersion; }

int SqliteEngine::after_commit(void* context, sqlite3* db, const char* schema, int wal_frames) {
  static_cast<SqliteEngine*>(context)->checkpointer_->after_commit(db, schema, wal_frames);
  return SQLITE_OK;
}

void SqliteEngine::open_schema() {
  const std::int64_t version = db_.user_version();
  const auto latest = static_cast<std::int64_t>(std::size(kMigrations));
  if (version > latest) {
    throw StoreError("the database has schema version " + std::to_string(version) +
                     ", newer than this tributary understands (" + std::to_string(latest) +
                     "): upgrade tributary or point [storage] database at another file");
  }
  if (version == 0) {
    // Only possible before the first table exists: lets retention give
    // pages back to the file system (PRAGMA incremental_vacuum).
    db_.exec("PRAGMA auto_vacuum = INCREMENTAL");
  }
  for (std::int64_t next = version + 1; next <= latest; ++next) {
    Transaction transaction(db_);
    db_.exec(kMigrations[next - 1]);
    db_.set_user_version(next);
    if (next == 2 && version >= 1) rebuild_search_text();
    if (next == 6 && version >= 1) fill_story_matching();
    transaction.commit();
  }
  if (indexer_) {
    search_rebuild_items_ = prepare_search_file(db_, search_path_);
    db_.cached("ATTACH ?1 AS search").bind(1, read_only_uri(search_path_)).run();
  } else {
    db_.exec(std::string("CREATE VIRTUAL TABLE IF NOT EXISTS search.items_fts USING fts5") + kSearchColumns);
    tune_search_table(db_, "search");
  }
}

// Migration 2 indexes titles in SQL; the text of older items needs the HTML
// stripped, which only code can do.
void SqliteEngine::rebuild_search_text() {
  std::vector<std::pair<std::int64_t, std::string>> bodies;
  Statement& select =
      db_.cached("SELECT id, CASE WHEN content_html <> '' THEN content_html ELSE summary_html END FROM items");
  while (select.step()) bodies.emplace_back(select.int64(0), normalize::html_to_text(select.text(1)));
  select.reset();
  for (const auto& [id, body] : bodies) {
    db_.cached("UPDATE items_fts SET body = ?2 WHERE rowid = ?1").bind(1, id).bind(2, body).run();
  }
}

// Migration 6 for stored rows: each item's story URL key, and the source
// and story keys of each item in the candidate index.
void SqliteEngine::fill_story_matching() {
  Statement& items = db_.cached("SELECT id, canonical_url FROM items WHERE canonical_url <> ''");
  while (items.step())
    db_.cached("UPDATE items SET story_url = ?2 WHERE id = ?1")
        .bind(1, items.int64(0))
        .bind(2, core::story_url_key(items.text(1)))
        .run();
  items.reset();
  Statement& indexed = db_.cached(
      "SELECT story_fingerprints.item_id, items.source_id, "
      "CASE WHEN items.content_html <> '' THEN items.content_html ELSE items.summary_html END "
      "FROM story_fingerprints JOIN items ON items.id = story_fingerprints.item_id");
  while (indexed.step())
    db_.cached("UPDATE story_fingerprints SET source_id = ?2, story_keys = ?3 WHERE item_id = ?1")
        .bind(1, indexed.int64(0))
        .bind(2, indexed.int64(1))
        .bind(3, encode_story_keys(normalize::story_keys(normalize::html_to_text(indexed.text(2)))))
        .run();
  indexed.reset();
}

// PRAGMA data_version moves when another connection commits, not when
// this one does.
StoreEngine::OthersWrote SqliteEngine::others_wrote() {
  Statement& version = db_.cached("PRAGMA data_version");
  const std::int64_t data_version = version.step() ? version.int64(0) : -1;
  version.reset();
  const bool moved = data_version != data_version_ || data_version < 0;
  data_version_ = data_version;
  return moved ? OthersWrote::anything : OthersWrote::nothing;
}

// One connection writes an SQLite store: the text given is the item's
// newest (`content_hash` is for engines with several writers).
void SqliteEngine::index_for_search(std::int64_t item_id, bool was_indexed, std::string_view title,
                                    std::string_view text, std::string_view) {
  if (indexer_) return queue_for_search(item_id);
  if (was_indexed) drop_from_search(item_id);
  db_.cached("INSERT INTO search.items_fts (rowid, title, body) VALUES (?1, ?2, ?3)")
      .bind(1, item_id)
      .bind(2, title)
      .bind(3, text)
      .run();
}

void SqliteEngine::drop_from_search(std::int64_t item_id) {
  if (indexer_) return queue_for_search(item_id);
  db_.cached("DELETE FROM search.items_fts WHERE rowid = ?1").bind(1, item_id).run();
}

// Each queueing raises the version: the indexer deletes only the version
// it did (store/search_indexer.hpp).
void SqliteEngine::queue_for_search(std::int64_t item_id) {
  db_.cached(
         "INSERT INTO search_pending (item_id, was_indexed, version) VALUES (?1, 1, 1) "
         "ON CONFLICT (item_id) DO UPDATE SET version = version + 1")
      .bind(1, item_id)
      .run();
}

void SqliteEngine::start_search_indexing(std::size_t queued, bool is_urgent) {
  if (indexer_) indexer_->start(queued, is_urgent);
}

// A transaction that fails puts nothing back: its rows stay queued, and
// the indexer does them again.
void SqliteEngine::dequeue_indexed() {
  if (!indexer_) return;
  for (const auto& [item_id, version] : indexer_->take_indexed())
    db_.cached("DELETE FROM search_pending WHERE item_id = ?1 AND version = ?2")
        .bind(1, item_id)
        .bind(2, version)
        .run();
}

void SqliteEngine::wait_for_asked_search_passes(std::chrono::milliseconds limit) {
  if (indexer_) indexer_->wait_for_asked_passes(limit);
}

bool SqliteEngine::wait_for_search_index(std::chrono::milliseconds limit) {
  return !indexer_ || indexer_->wait_until_indexed(limit);
}

std::string SqliteEngine::search_terms(std::string_view words) const { return fts_query(words); }

std::string SqliteEngine::search_condition(std::string_view parameter) const {
  return "SELECT rowid FROM search.items_fts WHERE items_fts MATCH " + std::string(parameter);
}

// main: without a schema, SQLite would checkpoint the attached search
// index too, which this connection only reads (its indexer checkpoints it).
void SqliteEngine::checkpoint() { db_.exec("PRAGMA main.wal_checkpoint(TRUNCATE)"); }

void SqliteEngine::give_back_space() { db_.exec("PRAGMA incremental_vacuum"); }

// The index's file, checked as the store's is; and the indexer's last
// pass, whose failure nothing else would show (the feed is not affected,
// searches are: they miss what it could not index). Named by its file name
// only, as health problems name no path (anyone may ask /healthz).
std::string SqliteEngine::search_index_problem() {
  if (!indexer_) return {};
  const std::string file_name = std::filesystem::path(search_path_).filename().string();
  switch (open_file_state(db_.handle(), "search", search_path_.c_str())) {
    case OpenFileState::gone:
      return "the full-text index file " + file_name +
             " was deleted or moved away while open (searches miss what is indexed from now on: restart tributary, "
             "which rebuilds it)";
    case OpenFileState::replaced:
      return "the full-text index file " + file_name +
             " was replaced by another file while open (restart tributary, which checks it and rebuilds it if it is "
             "not this database's)";
    case OpenFileState::in_place:
      break;
  }
  std::string error = indexer_->last_error();
  if (error.empty()) return {};
  // An open's error names the path: of the index, or of the store it reads
  // (the longer first, as it holds the shorter).
  for (const std::string& path : {search_path_, store_path_}) {
    const std::string name = std::filesystem::path(path).filename().string();
    for (std::size_t at = error.find(path); at != std::string::npos; at = error.find(path, at + name.size()))
      error.replace(at, path.size(), name);
  }
  return "the full-text index " + file_name + " cannot be written: " + error +
         " (searches miss the items since; they stay queued and are indexed once it can be written)";
}

std::string SqliteEngine::health_problem() {
  sqlite3* db = db_.handle();
  const char* path = sqlite3_db_filename(db, "main");  // empty for :memory:
  if (path && *path) {
    // The path must still name the file this connection has open: a file
    // deleted or replaced under a running daemon takes everything written
    // since with it at the next start.
    switch (open_file_state(db, "main", path)) {
      case OpenFileState::gone:
        was_file_away_ = true;
        return "the database file was deleted or moved away while open (what is written from now on is lost at the "
               "next start: put the file back, or restart tributary)";
      case OpenFileState::replaced:
        was_file_away_ = true;
        return "the database file was replaced by another file while open (restart tributary to use the new one; what "
               "is written until then is lost)";
      case OpenFileState::in_place:
        break;
    }
    if (was_file_away_) {
      was_file_away_ = false;
      // The file is back. The indexer opens it by its path, so its passes
      // failed meanwhile and its retry wait has grown (up to 30 s): it
      // tries now, and /healthz is not held at 503 for the index after
      // the store's own trouble has ended.
      if (indexer_) indexer_->retry_now();
    }
    if (std::string problem = file_header_problem(db); !problem.empty()) return problem;
  }
  if (std::string problem = search_index_problem(); !problem.empty()) return problem;
  // Drop cached pages so that what the store reads next comes from the
  // file (or the WAL), not from what the cache remembers of it.
  sqlite3_db_release_memory(db);
  return {};
}

}  // namespace tributary::store
