// The SQL layer over SQLite.
#include "store/sqlite.hpp"

#include <sqlite3.h>

#include "store/wal_batching.hpp"

namespace tributary::store {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw StoreError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

Statement& SqliteStatement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& SqliteStatement::bind(int index, double value) {
  if (sqlite3_bind_double(statement_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& SqliteStatement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}

Statement& SqliteStatement::bind_null(int index) {
  if (sqlite3_bind_null(statement_, index) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string sql = sqlite3_sql(statement_) ? sqlite3_sql(statement_) : "";
  sqlite3_reset(statement_);
  fail(db_, "executing \"" + sql.substr(0, 80) + "\"");
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::int64_t SqliteStatement::int64(int column) const { return sqlite3_column_int64(statement_, column); }

double SqliteStatement::real(int column) const { return sqlite3_column_double(statement_, column); }

std::string SqliteStatement::text(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

bool SqliteStatement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

int SqliteStatement::column_count() const { return sqlite3_column_count(statement_); }

std::string SqliteStatement::column_name(int column) const {
  const char* name = sqlite3_column_name(statement_, column);
  return name ? name : "";
}

SqliteDatabase::SqliteDatabase(const std::string& path, Open open) {
  // Once, before SQLite initializes itself: no global memory statistics.
  // Keeping them takes a process-wide mutex on every SQLite allocation, and
  // nothing here reads them.
  static const bool is_configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)is_configured;
  // URIs: the search index's file is attached read-only (a URI's
  // mode=ro). A path is still a path: one that would read as a URI (only a
  // relative one can start with "file:") is opened as "./file:…".
  const int flags = SQLITE_OPEN_READWRITE | (open == Open::may_create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX |
                    SQLITE_OPEN_URI;
  const std::string name = path.starts_with("file:") ? "./" + path : path;
  // A file database hands each commit's WAL frames to the OS in a few writes
  // (store/wal_batching.hpp).
  const char* vfs = path == ":memory:" ? nullptr : wal_batching_vfs();
  if (sqlite3_open_v2(name.c_str(), &db_, flags, vfs) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

SqliteDatabase::~SqliteDatabase() {
  statements_.clear();  // statements first: close fails while any is open
  sqlite3_close(db_);
}

void SqliteDatabase::exec(std::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StoreError("executing \"" + text.substr(0, 80) + "\": " + message);
  }
}

Statement& SqliteDatabase::cached(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK)
      fail(db_, "preparing \"" + std::string(sql.substr(0, 80)) + "\"");
    found = statements_.emplace(std::string(sql), std::make_unique<SqliteStatement>(db_, statement)).first;
  }
  found->second->reset();
  return *found->second;
}

std::int64_t SqliteDatabase::insert_row(Statement& insert) {
  insert.run();
  // The connection's last insert, not a trigger's: triggers' inserts do not
  // outlive them here.
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  insert.reset();
  return id;
}

int SqliteDatabase::changes() const { return sqlite3_changes(db_); }

std::int64_t SqliteDatabase::user_version() {
  Statement& statement = cached("PRAGMA user_version");
  statement.step();
  const std::int64_t version = statement.int64(0);
  statement.reset();
  return version;
}

void SqliteDatabase::set_user_version(std::int64_t version) {
  exec("PRAGMA user_version = " + std::to_string(version));  // a pragma takes no parameters
}

void SqliteDatabase::begin() { exec("BEGIN IMMEDIATE"); }

void SqliteDatabase::commit() { exec("COMMIT"); }

void SqliteDatabase::rollback() noexcept {
  // After some errors (SQLITE_FULL) SQLite has rolled back already.
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::string SqliteDatabase::json_strings(std::string_view json) const {
  return "SELECT value FROM json_each(" + std::string(json) + ")";
}

std::string SqliteDatabase::json_integers(std::string_view json) const { return json_strings(json); }

}  // namespace tributary::store
