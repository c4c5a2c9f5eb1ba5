// The SQL layer (store/database.hpp) over libpq: one connection to a
// PostgreSQL server. Statements written with SQLite's `?N` parameters are
// renumbered as `$N` and prepared once per session; values travel as text
// and PostgreSQL infers their types from where they are used. A connection
// that broke (the server restarted) is re-established by the next
// statement, which prepares its statements again. Failures throw
// StoreError with the server's message and the start of the SQL, never the
// password.
// Internal to the store; tests and benches reach it through store/testing.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

struct pg_conn;
struct pg_result;

namespace tributary::store {

class PostgresDatabase;

// `sql` with SQLite's `?N` and `?` parameters written as PostgreSQL's `$N`
// (outside quoted text and identifiers), and how many parameters it takes.
struct NumberedSql {
  std::string sql;
  int parameter_count = 0;
  // Numbers below parameter_count that the SQL does not use (a query whose
  // shape leaves a filter out): PostgreSQL cannot infer their types.
  std::vector<int> unused;
};
NumberedSql number_parameters(std::string_view sql);

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresDatabase& db, std::string name, NumberedSql sql);
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;
  ~PostgresStatement() override;

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
  friend class PostgresDatabase;
  std::optional<std::string>& parameter(int index);
  void execute();

  PostgresDatabase& db_;
  std::string name_;
  std::string sql_;                        // as sent: $N parameters
  std::vector<unsigned> parameter_types_;  // PostgreSQL's type OIDs: 0 (inferred), or text for an unused one
  std::vector<std::optional<std::string>> parameters_;
  std::uint64_t prepared_in_session_ = 0;  // 0: not prepared yet
  pg_result* result_ = nullptr;
  int row_count_ = 0;
  int row_ = -1;  // before the first row
};

class PostgresDatabase final : public Database {
 public:
  // Connects to `url` (a libpq connection URI); `password`, when not
  // empty, is used instead of one in the URI.
  PostgresDatabase(std::string url, std::string password);
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;
  ~PostgresDatabase() override;

  Engine engine() const override { return Engine::postgresql; }
  void exec(std::string_view sql) override;
  Statement& cached(std::string_view sql) override;
  Statement& cached_insert(std::string_view sql) override;  // with RETURNING id
  std::int64_t insert_row(Statement& insert) override;
  int changes() const override { return changes_; }
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  std::string json_strings(std::string_view json) const override;
  std::string json_integers(std::string_view json) const override;

  // Empty while the connection is up, else why not (for /healthz).
  std::string connection_problem();

  // After a LISTEN on this connection: the payloads of the notifications
  // that arrive within `most` (all that are there once one has come).
  // Throws StoreError when the connection breaks — the LISTEN is gone
  // with it, so there is no reconnecting here.
  std::vector<std::string> wait_for_notifications(std::chrono::milliseconds most);

 private:
  friend class PostgresStatement;
  // The live connection: reconnects (a new session) when it broke, unless
  // a transaction was open on it (its writes are gone: the caller must
  // fail, not go on without them).
  pg_conn* connection();
  void connect();
  // Throws for a result that is not `expected`, with the server's message.
  void check(pg_result* result, int expected, std::string_view doing, std::string_view sql);

  std::string url_;
  std::string password_;
  pg_conn* connection_ = nullptr;
  std::uint64_t session_ = 0;  // counts connections made: prepared statements live in one
  int changes_ = 0;
  bool is_in_transaction_ = false;
  std::map<std::string, std::unique_ptr<PostgresStatement>, std::less<>> statements_;
};

}  // namespace tributary::store
