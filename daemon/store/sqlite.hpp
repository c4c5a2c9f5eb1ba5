// The SQL layer (store/database.hpp) over the SQLite C API: a thin RAII
// wrapper. Failures throw StoreError with SQLite's message and the SQL.
// Internal to the store; tests and benches reach it through store/testing.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/database.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tributary::store {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() override;

  using Statement::bind;
  Statement& bind(int index, std::int64_t value) override;
  Statement& bind(int index, double value) override;
  Statement& bind(int index, std::string_view value) override;
  Statement& bind_null(int index) override;
  bool step() override;
  void reset() override;
  std::int64_t int64(int column) const override;
  double real(int column) const override;
  std::string text(int column) const override;
  bool is_null(int column) const override;
  int column_count() const override;
  std::string column_name(int column) const override;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
};

class SqliteDatabase final : public Database {
 public:
  // Opens (creating if needed) a database file, or ":memory:". A
  // background connection to the store's file opens it `must_exist`: the
  // writer made it, and one deleted under the daemon must stay deleted
  // (recreated empty, /healthz would call it replaced).
  enum class Open { may_create, must_exist };
  explicit SqliteDatabase(const std::string& path, Open open = Open::may_create);
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  ~SqliteDatabase() override;

  Engine engine() const override { return Engine::sqlite; }
  void exec(std::string_view sql) override;
  Statement& cached(std::string_view sql) override;
  // Without RETURNING, read from the connection: SQLite gathers RETURNING's
  // rows in a temporary B-tree, a pager opened and closed at every run
  // (~2.5% of the writer's time in bench/scale's cold cycle, two inserts
  // an item).
  Statement& cached_insert(std::string_view sql) override { return cached(sql); }
  std::int64_t insert_row(Statement& insert) override;
  int changes() const override;
  // BEGIN IMMEDIATE: the write lock now, not at the first write (a
  // transaction that read first could not upgrade while another writes).
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  std::string json_strings(std::string_view json) const override;
  std::string json_integers(std::string_view json) const override;

  std::int64_t user_version();
  void set_user_version(std::int64_t version);
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> statements_;
};

}  // namespace tributary::store
