// The PostgreSQL engine: schema, write turns, text search, health.
#include "store/postgresql_engine.hpp"

#include <cctype>
#include <iterator>

#include "core/text.hpp"
#include "store/postgresql_schema.hpp"

namespace tributary::store {
namespace {

// Taken while a daemon creates or migrates the schema, so that daemons
// starting together on an empty database do it once (any constant; it
// spells "trib").
constexpr std::int64_t kSchemaLock = 0x74726962;

// A tsvector holds at most 1 MB; the text of an item is indexed up to this
// much (the start of an article is what a search needs).
constexpr std::size_t kMostIndexedBytes = 256 * 1024;

std::string_view utf8_prefix(std::string_view text, std::size_t most) {
  if (text.size() <= most) return text;
  std::size_t end = most;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // not inside a character
  return text.substr(0, end);
}

}  // namespace

PostgresEngine::PostgresEngine(std::string url, std::string password) : db_(std::move(url), std::move(password)) {}

void PostgresEngine::open_schema() {
  Transaction transaction(db_);
  Statement& lock = db_.cached("SELECT pg_advisory_xact_lock(?1)");
  lock.bind(1, kSchemaLock).run();
  db_.exec(
      "CREATE TABLE IF NOT EXISTS tributary_schema (id BIGINT PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)");
  const std::int64_t version = schema_version();
  const auto latest = static_cast<std::int64_t>(std::size(kPostgresMigrations));
  if (version > latest)
    throw StoreError("the database has schema version " + std::to_string(version) +
                     ", newer than this tributary understands (" + std::to_string(latest) +
                     "): upgrade tributary or point [storage] url at another database");
  for (std::int64_t next = version + 1; next <= latest; ++next) {
    try {
      db_.exec(kPostgresMigrations[next - 1]);
    } catch (const StoreError& error) {
      throw StoreError("cannot create the schema (migration " + std::to_string(next) + "): " + error.what() +
                       " — the database's owner needs the CREATE privilege, and the unaccent extension "
                       "(PostgreSQL's contrib, in Debian's postgresql package) must be installed");
    }
    db_.cached(
           "INSERT INTO tributary_schema (id, version) VALUES (1, ?1) "
           "ON CONFLICT (id) DO UPDATE SET version = excluded.version")
        .bind(1, next)
        .run();
  }
  transaction.commit();
}

static_assert(std::size(kPostgresMigrations) == PostgresEngine::kSchemaVersion,
              "PostgresEngine::kSchemaVersion must be the number of migrations in store/postgresql_schema.hpp");

std::int64_t PostgresEngine::schema_version() {
  Statement& select = db_.cached("SELECT version FROM tributary_schema WHERE id = 1");
  const std::int64_t version = select.step() ? select.int64(0) : 0;
  select.reset();
  return version;
}

// The turn row is locked until this transaction ends: writers of the index
// take turns, and a turn that is not the one after ours shows that
// another connection wrote between.
// Several daemons ingest in turns: between two of this connection's, the
// others mostly add new items' rows, which are the rows of ids above any
// this one holds (ids are taken in turn order). Anything else they did
// moved `reshapes`.
StoreEngine::OthersWrote PostgresEngine::others_wrote() {
  Statement& take = db_.cached("UPDATE write_turns SET turn = turn + 1 WHERE id = 1 RETURNING turn, reshapes");
  const bool has_row = take.step();
  const std::int64_t turn = has_row ? take.int64(0) : -1;
  const std::int64_t reshapes = has_row ? take.int64(1) : -1;
  take.reset();
  OthersWrote wrote = OthersWrote::nothing;
  if (last_turn_ < 0 || turn < 0 || reshapes != last_reshapes_)
    wrote = OthersWrote::anything;
  else if (turn != last_turn_ + 1)
    wrote = OthersWrote::only_new_items;
  last_turn_ = turn;
  last_reshapes_ = reshapes;
  return wrote;
}

void PostgresEngine::note_reshaped() {
  Statement& bump = db_.cached("UPDATE write_turns SET reshapes = reshapes + 1 WHERE id = 1 RETURNING reshapes");
  if (bump.step()) last_reshapes_ = bump.int64(0);
  bump.reset();
}

// A lock of the transaction, not of a row: released at its commit or
// rollback, also when the daemon dies. The key is "tributar" in ASCII.
bool PostgresEngine::take_housekeeping_turn() {
  constexpr std::int64_t kHousekeepingLock = 0x7472696275746172;
  Statement& lock = db_.cached("SELECT CASE WHEN pg_try_advisory_xact_lock(?1) THEN 1 ELSE 0 END");
  lock.bind(1, kHousekeepingLock);
  const bool is_taken = lock.step() && lock.int64(0) == 1;
  lock.reset();
  return is_taken;
}

// Only while the item still has the content the text was taken from:
// another daemon that edited it meanwhile indexes its newer text (a row
// it holds locked is read again once it commits, so the check holds).
void PostgresEngine::index_for_search(std::int64_t item_id, bool, std::string_view title, std::string_view text,
                                      std::string_view content_hash) {
  db_.cached(
         "UPDATE items SET search = to_tsvector('simple', unaccent(CAST(?2 AS text)) || ' ' || "
         "unaccent(CAST(?3 AS text))) WHERE id = ?1 AND content_hash = ?4")
      .bind(1, item_id)
      .bind(2, utf8_prefix(title, kMostIndexedBytes))
      .bind(3, utf8_prefix(text, kMostIndexedBytes))
      .bind(4, content_hash)
      .run();
}

// The BIGSERIAL columns' sequences, past the ids copied in.
void PostgresEngine::continue_ids_after_copy() {
  for (const char* table : {"sources", "items", "stories", "hub_subscriptions"})
    db_.exec(std::string("SELECT setval(pg_get_serial_sequence('") + table +
             "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table);
  // The planner's statistics of what was just copied in: without them the
  // feed's queries scan every item (bench/ingest: 40 ms instead of under
  // 1 ms at 22,000 items) until autovacuum gathers them, a minute or so on.
  db_.exec("ANALYZE");
}

void PostgresEngine::drop_from_search(std::int64_t) {
  // The index entry is the item's own column: it goes with the row.
}

std::string PostgresEngine::search_terms(std::string_view words) const {
  // The words alone (letters, digits, anything not ASCII), as FTS5 reads
  // them on SQLite; plainto_tsquery makes them terms that must all match.
  std::string terms;
  bool is_in_word = false;
  for (const char c : words) {
    const auto byte = static_cast<unsigned char>(c);
    const bool is_word_byte = std::isalnum(byte) || byte >= 0x80;
    if (is_word_byte && !is_in_word && !terms.empty()) terms += ' ';
    if (is_word_byte) terms += c;
    is_in_word = is_word_byte;
  }
  return terms;
}

std::string PostgresEngine::search_condition(std::string_view parameter) const {
  return "SELECT id FROM items WHERE search @@ plainto_tsquery('simple', unaccent(CAST(" + std::string(parameter) +
         " AS text)))";
}

std::string PostgresEngine::health_problem() {
  if (std::string problem = db_.connection_problem(); !problem.empty())
    return "the PostgreSQL server does not answer: " + problem;
  return {};
}

}  // namespace tributary::store
