// A thin RAII layer over the SQLite C API: a connection, prepared statements
// cached per connection, transactions. Every value is bound, never formatted
// into SQL. Failures throw StoreError with SQLite's message and the SQL.
// Internal to the store; tests and benches reach it through store/testing.hpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/store_error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tributary::store {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds by 1-based index. Empty optionals bind NULL.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind_null(int index);

  // Advances; true while a row is available.
  bool step();
  // Runs to completion (for statements without rows).
  void run();
  // Clears bindings and rewinds, ready for reuse.
  void reset();

  std::int64_t int64(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
};

class Database {
 public:
  // Opens (creating if needed) a database file, or ":memory:".
  explicit Database(const std::string& path);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  void exec(std::string_view sql);
  // A statement prepared once per connection and reset before each use.
  Statement& cached(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  std::int64_t user_version();
  void set_user_version(std::int64_t version);
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
};

// BEGIN IMMEDIATE … COMMIT; rolls back when destroyed uncommitted.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool is_open_ = true;
};

}  // namespace tributary::store
