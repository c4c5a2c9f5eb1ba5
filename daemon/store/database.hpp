// The SQL layer under the store, one interface for its two engines: a
// connection, prepared statements cached per connection, transactions.
// SQLite (store/sqlite.hpp) and PostgreSQL (store/postgresql.hpp) stand
// behind it, so that the store's logic — ingest, dedup, retention, queries —
// is written once. Statements use SQLite's `?N` parameters in either
// engine (PostgreSQL's connection renumbers them as `$N`); every value is
// bound, never formatted into SQL. Failures throw StoreError with the
// engine's message and the start of the SQL.
// Internal to the store; tests and benches reach it through store/testing.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/store_error.hpp"

namespace tributary::store {

enum class Engine { sqlite, postgresql };

class Statement {
 public:
  virtual ~Statement() = default;

  // Binds by 1-based index. Empty optionals bind NULL.
  virtual Statement& bind(int index, std::int64_t value) = 0;
  virtual Statement& bind(int index, double value) = 0;
  virtual Statement& bind(int index, std::string_view value) = 0;
  virtual Statement& bind_null(int index) = 0;
  Statement& bind(int index, std::optional<std::int64_t> value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances; true while a row is available.
  virtual bool step() = 0;
  // Runs to completion (for statements without rows).
  void run() {
    while (step()) {
    }
  }
  // Clears bindings and rewinds, ready for reuse.
  virtual void reset() = 0;

  virtual std::int64_t int64(int column) const = 0;
  std::optional<std::int64_t> optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
  }
  virtual double real(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual bool is_null(int column) const = 0;
  // The result's columns (after the first step()).
  virtual int column_count() const = 0;
  virtual std::string column_name(int column) const = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  virtual Engine engine() const = 0;
  // Runs SQL without parameters (one statement or several).
  virtual void exec(std::string_view sql) = 0;
  // A statement prepared once per connection and reset before each use.
  virtual Statement& cached(std::string_view sql) = 0;
  // An INSERT of one row into a table keyed by an integer `id`: `sql` has
  // no RETURNING clause (the engine adds what it needs), and is cached like
  // cached()'s. Run it with insert_row().
  virtual Statement& cached_insert(std::string_view sql) = 0;
  // Runs a statement of cached_insert() and gives the inserted row's id.
  virtual std::int64_t insert_row(Statement& insert) = 0;
  // Rows changed by the last statement run.
  virtual int changes() const = 0;
  // A write transaction (SQLite takes the write lock at begin()).
  virtual void begin() = 0;
  virtual void commit() = 0;
  // Never throws: a connection that already rolled back, or broke, has
  // nothing left to undo.
  virtual void rollback() noexcept = 0;

  // SQL for the values of a JSON array held by `json` (a column or a
  // parameter), as a subquery of one column `value`: text, or integers.
  virtual std::string json_strings(std::string_view json) const = 0;
  virtual std::string json_integers(std::string_view json) const = 0;
};

// begin() … COMMIT; rolls back when destroyed uncommitted.
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
