// The SQL layer over libpq.
#include "store/postgresql.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "config/config.hpp"
#include "core/text.hpp"

namespace tributary::store {
namespace {

std::string head_of(std::string_view sql) { return std::string(sql.substr(0, 80)); }

std::string server_message(pg_conn* connection, pg_result* result) {
  std::string message = result ? PQresultErrorMessage(result) : "";
  if (message.empty() && connection) message = PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message.empty() ? "no answer from the server" : message;
}

// Notices (e.g. "extension already exists") are not errors: not printed.
void ignore_notice(void*, const pg_result*) {}

}  // namespace

NumberedSql number_parameters(std::string_view sql) {
  NumberedSql numbered;
  numbered.sql.reserve(sql.size() + 8);
  std::vector<bool> is_used;
  char quote = 0;  // inside '…' or "…"
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      numbered.sql += c;
      if (c == quote) quote = 0;  // a doubled quote reopens at once: same text
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      numbered.sql += c;
      continue;
    }
    if (c != '?') {
      numbered.sql += c;
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
    int number = numbered.parameter_count + 1;  // a bare ?: the next after the largest so far (as SQLite)
    if (end > i + 1) std::from_chars(sql.data() + i + 1, sql.data() + end, number);
    numbered.parameter_count = std::max(numbered.parameter_count, number);
    numbered.sql += '$' + std::to_string(number);
    if (number >= 1) {
      if (is_used.size() < static_cast<std::size_t>(number)) is_used.resize(static_cast<std::size_t>(number));
      is_used[static_cast<std::size_t>(number - 1)] = true;
    }
    i = end - 1;
  }
  for (std::size_t index = 0; index < is_used.size(); ++index)
    if (!is_used[index]) numbered.unused.push_back(static_cast<int>(index + 1));
  return numbered;
}

PostgresStatement::PostgresStatement(PostgresDatabase& db, std::string name, NumberedSql sql)
    : db_(db),
      name_(std::move(name)),
      sql_(std::move(sql.sql)),
      parameter_types_(static_cast<std::size_t>(sql.parameter_count), 0),
      parameters_(static_cast<std::size_t>(sql.parameter_count)) {
  constexpr unsigned kTextType = 25;  // pg_type.oid of text
  for (const int unused : sql.unused) parameter_types_[static_cast<std::size_t>(unused - 1)] = kTextType;
}

PostgresStatement::~PostgresStatement() { PQclear(result_); }

std::optional<std::string>& PostgresStatement::parameter(int index) {
  if (index < 1 || static_cast<std::size_t>(index) > parameters_.size())
    throw StoreError("bind: no parameter " + std::to_string(index) + " in \"" + head_of(sql_) + "\"");
  return parameters_[static_cast<std::size_t>(index - 1)];
}

Statement& PostgresStatement::bind(int index, std::int64_t value) {
  parameter(index) = std::to_string(value);
  return *this;
}

Statement& PostgresStatement::bind(int index, double value) {
  char digits[32];
  const auto written = std::to_chars(digits, digits + sizeof digits, value);  // shortest exact form
  parameter(index) = std::string(digits, written.ptr);
  return *this;
}

Statement& PostgresStatement::bind(int index, std::string_view value) {
  // Text values go as C strings, and PostgreSQL's text cannot hold NUL:
  // what normalize stores never has one, so one here is cut, not sent.
  // Nor bytes that are not UTF-8 (SQLite keeps any): what comes from
  // peers is made UTF-8 before it gets here (normalize, the fetcher's
  // validators); anything that slipped through is repaired (U+FFFD), not
  // left to fail the whole write with it.
  const std::string_view text = value.substr(0, value.find('\0'));
  parameter(index) = core::sanitize_utf8(text);
  return *this;
}

Statement& PostgresStatement::bind_null(int index) {
  parameter(index).reset();
  return *this;
}

void PostgresStatement::execute() {
  pg_conn* connection = db_.connection();
  if (prepared_in_session_ != db_.session_) {
    pg_result* prepared = PQprepare(connection, name_.c_str(), sql_.c_str(), static_cast<int>(parameter_types_.size()),
                                    parameter_types_.data());
    db_.check(prepared, PGRES_COMMAND_OK, "preparing", sql_);
    PQclear(prepared);
    prepared_in_session_ = db_.session_;
  }
  std::vector<const char*> values;
  values.reserve(parameters_.size());
  for (const auto& value : parameters_) values.push_back(value ? value->c_str() : nullptr);
  pg_result* result =
      PQexecPrepared(connection, name_.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(result);
  db_.check(result, status == PGRES_TUPLES_OK ? PGRES_TUPLES_OK : PGRES_COMMAND_OK, "executing", sql_);
  result_ = result;
  row_count_ = PQntuples(result);
  const char* changed = PQcmdTuples(result);
  db_.changes_ = changed && *changed ? std::atoi(changed) : 0;
}

bool PostgresStatement::step() {
  if (!result_) execute();
  if (row_ + 1 >= row_count_) {
    row_ = row_count_;
    return false;
  }
  ++row_;
  return true;
}

void PostgresStatement::reset() {
  PQclear(result_);
  result_ = nullptr;
  row_count_ = 0;
  row_ = -1;
  std::fill(parameters_.begin(), parameters_.end(), std::nullopt);
}

std::int64_t PostgresStatement::int64(int column) const {
  if (is_null(column)) return 0;  // as SQLite reads NULL
  const char* value = PQgetvalue(result_, row_, column);
  const char* end = value + PQgetlength(result_, row_, column);
  if (value[0] == 't' && end == value + 1) return 1;  // a boolean
  if (value[0] == 'f' && end == value + 1) return 0;
  std::int64_t number = 0;
  const auto [stop, error] = std::from_chars(value, end, number);
  // numeric results of sum() and count arithmetic may carry a fraction
  if (error != std::errc{} || (stop != end && *stop != '.'))
    throw StoreError("column " + std::to_string(column) + " is not an integer (\"" + std::string(value, end) +
                     "\") in \"" + head_of(sql_) + "\"");
  return number;
}

double PostgresStatement::real(int column) const {
  if (is_null(column)) return 0;
  return std::strtod(PQgetvalue(result_, row_, column), nullptr);
}

std::string PostgresStatement::text(int column) const {
  if (is_null(column)) return {};
  return std::string(PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column)));
}

bool PostgresStatement::is_null(int column) const {
  if (!result_ || row_ < 0 || row_ >= row_count_ || column < 0 || column >= PQnfields(result_))
    throw StoreError("no column " + std::to_string(column) + " in this row of \"" + head_of(sql_) + "\"");
  return PQgetisnull(result_, row_, column) != 0;
}

int PostgresStatement::column_count() const { return result_ ? PQnfields(result_) : 0; }

std::string PostgresStatement::column_name(int column) const {
  const char* name = result_ ? PQfname(result_, column) : nullptr;
  return name ? name : "";
}

PostgresDatabase::PostgresDatabase(std::string url, std::string password)
    : url_(std::move(url)), password_(std::move(password)) {
  connect();
}

PostgresDatabase::~PostgresDatabase() {
  statements_.clear();
  PQfinish(connection_);
}

void PostgresDatabase::connect() {
  PQfinish(connection_);
  connection_ = nullptr;
  // Defaults first, so that the URI (expanded in place of dbname) can set
  // its own: the name in pg_stat_activity; no start-up waits longer than 5 s
  // (a health check waits for it); a TCP peer that stops answering is given
  // up after 30 s instead of the kernel's minutes. Then the password given
  // apart, which overrides one in the URI.
  const char* keywords[] = {
      "application_name", "connect_timeout", "tcp_user_timeout", "keepalives_idle", "dbname", "password", nullptr};
  const char* values[] = {"tributary", "5", "30000", "30", url_.c_str(), password_.c_str(), nullptr};
  if (password_.empty()) keywords[5] = nullptr;
  connection_ = PQconnectdbParams(keywords, values, 1);
  if (!connection_ || PQstatus(connection_) != CONNECTION_OK) {
    std::string message = connection_ ? PQerrorMessage(connection_) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    PQfinish(connection_);
    connection_ = nullptr;
    throw StoreError("cannot connect to PostgreSQL at " + config::redacted_storage_url(url_) + ": " + message);
  }
  PQsetNoticeReceiver(connection_, &ignore_notice, nullptr);
  ++session_;
  // Every timestamp is an integer of Unix seconds and every text UTF-8,
  // whatever the server's defaults.
  exec("SET client_encoding = 'UTF8'; SET client_min_messages = warning");
}

pg_conn* PostgresDatabase::connection() {
  if (connection_ && PQstatus(connection_) == CONNECTION_OK) return connection_;
  if (is_in_transaction_)
    throw StoreError("the connection to PostgreSQL at " + config::redacted_storage_url(url_) +
                     " broke during a transaction");
  connect();
  return connection_;
}

void PostgresDatabase::check(pg_result* result, int expected, std::string_view doing, std::string_view sql) {
  if (result && PQresultStatus(result) == expected) return;
  const std::string message = server_message(connection_, result);
  PQclear(result);
  throw StoreError(std::string(doing) + " \"" + head_of(sql) + "\": " + message);
}

void PostgresDatabase::exec(std::string_view sql) {
  pg_conn* live = connection();
  pg_result* result = PQexec(live, std::string(sql).c_str());
  const ExecStatusType status = PQresultStatus(result);
  check(result, status == PGRES_TUPLES_OK ? PGRES_TUPLES_OK : PGRES_COMMAND_OK, "executing", sql);
  const char* changed = PQcmdTuples(result);
  changes_ = changed && *changed ? std::atoi(changed) : 0;
  PQclear(result);
}

Statement& PostgresDatabase::cached(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    auto statement = std::make_unique<PostgresStatement>(*this, "s" + std::to_string(statements_.size() + 1),
                                                         number_parameters(sql));
    found = statements_.emplace(std::string(sql), std::move(statement)).first;
  }
  found->second->reset();
  return *found->second;
}

Statement& PostgresDatabase::cached_insert(std::string_view sql) { return cached(std::string(sql) + " RETURNING id"); }

std::int64_t PostgresDatabase::insert_row(Statement& insert) {
  if (!insert.step()) throw StoreError("an insert returned no id");
  const std::int64_t id = insert.int64(0);
  insert.reset();
  return id;
}

void PostgresDatabase::begin() {
  exec("BEGIN");
  is_in_transaction_ = true;
}

void PostgresDatabase::commit() {
  exec("COMMIT");
  is_in_transaction_ = false;
}

void PostgresDatabase::rollback() noexcept {
  is_in_transaction_ = false;
  if (!connection_ || PQstatus(connection_) != CONNECTION_OK) return;  // the server dropped it with the connection
  PQclear(PQexec(connection_, "ROLLBACK"));
}

std::string PostgresDatabase::json_strings(std::string_view json) const {
  return "SELECT value FROM json_array_elements_text(CAST(" + std::string(json) + " AS json)) AS value";
}

std::string PostgresDatabase::json_integers(std::string_view json) const {
  return "SELECT CAST(value AS BIGINT) AS value FROM json_array_elements_text(CAST(" + std::string(json) +
         " AS json)) AS value";
}

std::string PostgresDatabase::connection_problem() {
  try {
    exec("SELECT 1");
    return {};
  } catch (const StoreError& error) {
    return error.what();
  }
}

std::vector<std::string> PostgresDatabase::wait_for_notifications(std::chrono::milliseconds most) {
  if (!connection_ || PQstatus(connection_) != CONNECTION_OK)
    throw StoreError("the connection to PostgreSQL at " + config::redacted_storage_url(url_) + " is not up");
  const auto take_all = [this] {
    std::vector<std::string> payloads;
    while (PGnotify* notice = PQnotifies(connection_)) {
      payloads.emplace_back(notice->extra ? notice->extra : "");
      PQfreemem(notice);
    }
    return payloads;
  };
  if (std::vector<std::string> waiting = take_all(); !waiting.empty()) return waiting;
  pollfd socket{PQsocket(connection_), POLLIN, 0};
  const int ready = ::poll(&socket, 1, static_cast<int>(most.count()));
  if (ready < 0 && errno != EINTR) throw StoreError("waiting for PostgreSQL notifications failed");
  if (ready > 0 && PQconsumeInput(connection_) == 0)
    throw StoreError("the connection to PostgreSQL at " + config::redacted_storage_url(url_) +
                     " broke: " + server_message(connection_, nullptr));
  return take_all();
}

}  // namespace tributary::store
