// The SQL store: opening, sources and their poll state.
#include "store/sql_store.hpp"

#include <optional>

#include "core/text.hpp"
#include "core/url.hpp"
#include "normalize/fingerprint.hpp"
#include "normalize/html.hpp"
#include "store/rows.hpp"

namespace tributary::store {
namespace {

using rows::timestamp_or_null;
using rows::unix_or_null;

SourceRecord read_source(Statement& row) {
  SourceRecord source;
  source.id = row.int64(0);
  source.config_url = row.text(1);
  source.url = row.text(2);
  source.name = row.text(3);
  source.title = row.text(4);
  source.site_url = row.text(5);
  source.feed_id = row.text(6);
  source.etag = row.text(7);
  source.last_modified = row.text(8);
  source.last_poll_at = timestamp_or_null(row.optional_int64(9));
  source.last_success_at = timestamp_or_null(row.optional_int64(10));
  source.next_poll_at = timestamp_or_null(row.optional_int64(11));
  source.last_status = static_cast<int>(row.int64(12));
  source.last_error = row.text(13);
  source.error_count = row.int64(14);
  source.item_count = row.int64(15);
  source.feed_updated = timestamp_or_null(row.optional_int64(16));
  source.tags = rows::strings_from_json(row.text(17));
  source.identity_mode = row.text(18);
  source.identity_reason = row.text(19);
  source.removed_at = timestamp_or_null(row.optional_int64(20));
  if (const auto interval = row.optional_int64(21)) source.poll_interval = Seconds{*interval};
  source.item_rate = row.real(22);
  source.hints = row.text(23);
  source.retry_after = timestamp_or_null(row.optional_int64(24));
  source.gone_at = timestamp_or_null(row.optional_int64(25));
  source.gone_spec = row.text(26);
  source.redirect_target = row.text(27);
  source.redirect_streak = static_cast<int>(row.int64(28));
  source.body_hash = row.text(29);
  source.last_new_items = static_cast<int>(row.int64(30));
  source.is_named = row.int64(31) != 0;
  source.push_hub = row.text(32);
  source.push_state = row.text(33);
  if (const auto verified = row.optional_int64(34); verified && source.push_state == "verified")
    source.push_expires_at = core::from_unix_seconds(*verified + row.int64(35));
  source.hidden_items = row.int64(36);
  return source;
}

constexpr std::size_t kStoredErrorBytes = 2000;  // of a poll's error message

constexpr std::string_view kSourceColumns =
    "SELECT id, config_url, url, name, title, site_url, feed_id, etag, last_modified, last_poll_at, "
    "last_success_at, next_poll_at, last_status, last_error, error_count, "
    "(SELECT count(*) FROM items WHERE items.source_id = sources.id), feed_updated, tags, identity_mode, "
    "identity_reason, removed_at, poll_interval, item_rate, hints, retry_after, gone_at, gone_spec, "
    "redirect_target, redirect_streak, body_hash, last_new_items, is_named, coalesce(websub_hub, ''), "
    "coalesce(websub_state, ''), websub_verified_at, coalesce(websub_lease, 0), "
    "(SELECT count(*) FROM items WHERE items.source_id = sources.id AND items.filtered_by <> '') FROM sources "
    // Renamed columns: the sources' own names (last_error, …) stay unambiguous.
    "LEFT JOIN (SELECT source_id AS websub_source, hub AS websub_hub, state AS websub_state, "
    "verified_at AS websub_verified_at, lease_seconds AS websub_lease FROM websub_subscriptions) AS websub "
    "ON websub_source = sources.id ";

// What source_state and is_pushed read, and no more.
constexpr std::string_view kSourceStateColumns =
    "SELECT sources.removed_at, sources.gone_at, sources.retry_after, sources.error_count, sources.last_poll_at, "
    "coalesce(websub_subscriptions.state, ''), websub_subscriptions.verified_at, "
    "coalesce(websub_subscriptions.lease_seconds, 0) FROM sources "
    "LEFT JOIN websub_subscriptions ON websub_subscriptions.source_id = sources.id";

}  // namespace

SqlStore::SqlStore(std::unique_ptr<StoreEngine> engine, StoreOptions options)
    : engine_(std::move(engine)), db_(engine_->database()), options_(std::move(options)) {
  engine_->open_schema();
}

std::int64_t SqlStore::schema_version() { return engine_->schema_version(); }

std::int64_t SqlStore::ensure_source(const config::SourceSpec& spec) {
  db_.cached(
         "INSERT INTO sources (config_url, url, name, tags, is_named) VALUES (?1, ?1, ?2, ?3, ?4) "
         "ON CONFLICT (config_url) DO UPDATE SET name = excluded.name, tags = excluded.tags, "
         "is_named = excluded.is_named, removed_at = NULL "
         // A source as configured before is not written again: a start or
         // reload of an unchanged configuration then writes no source row
         // (on PostgreSQL, leaves no dead row versions behind).
         "WHERE sources.name <> excluded.name OR sources.tags <> excluded.tags OR "
         "sources.is_named <> excluded.is_named OR sources.removed_at IS NOT NULL")
      .bind(1, spec.url)
      .bind(2, spec.name)
      .bind(3, rows::strings_json(spec.tags))
      .bind(4, std::int64_t{spec.is_named})
      .run();
  Statement& select = db_.cached("SELECT id FROM sources WHERE config_url = ?1");
  select.bind(1, spec.url);
  if (!select.step()) throw StoreError("source " + spec.url + " vanished after insert");
  const std::int64_t id = select.int64(0);
  select.reset();
  return id;
}

void SqlStore::retire_sources_except(const std::vector<std::int64_t>& kept_ids, core::Timestamp now) {
  db_.cached(
         "UPDATE sources SET removed_at = ?2 WHERE removed_at IS NULL "
         "AND id NOT IN (" +
         db_.json_integers("?1") + ")")
      .bind(1, rows::integers_json(kept_ids))
      .bind(2, core::to_unix_seconds(now))
      .run();
}

std::vector<std::int64_t> SqlStore::register_sources(const std::vector<config::SourceSpec>& specs,
                                                     core::Timestamp now) {
  // One transaction where this connection is the file's only writer
  // (SQLite): a commit per source was most of a start's time. On a shared
  // database each source stays a statement of its own: one transaction
  // would hold every source row locked to its end, and the other daemons'
  // writes to those rows (polls, housekeeping, a registration of another
  // configuration) would wait for it, or deadlock with it.
  std::optional<Transaction> transaction;
  if (!is_shared()) transaction.emplace(db_);
  std::vector<std::int64_t> ids;
  ids.reserve(specs.size());
  for (const config::SourceSpec& spec : specs) ids.push_back(ensure_source(spec));
  retire_sources_except(ids, now);
  if (transaction) transaction->commit();
  return ids;
}

std::vector<SourceRecord> SqlStore::sources() {
  Statement& select = db_.cached(std::string(kSourceColumns) + "ORDER BY name, id");
  std::vector<SourceRecord> records;
  while (select.step()) records.push_back(read_source(select));
  return records;
}

std::optional<SourceRecord> SqlStore::source(std::int64_t id) {
  Statement& select = db_.cached(std::string(kSourceColumns) + "WHERE id = ?1");
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  SourceRecord record = read_source(select);
  select.reset();
  return record;
}

SourcesAtAGlance SqlStore::sources_at_a_glance() {
  SourcesAtAGlance glance;
  Statement& failing = db_.cached("SELECT count(*) FROM sources WHERE removed_at IS NULL AND error_count > 0");
  if (failing.step()) glance.failing = failing.int64(0);
  failing.reset();
  Statement& last = db_.cached(std::string(kSourceColumns) +
                               "WHERE removed_at IS NULL AND last_poll_at IS NOT NULL ORDER BY last_poll_at DESC, id "
                               "LIMIT 1");
  if (last.step()) glance.last_polled = read_source(last);
  last.reset();
  return glance;
}

// Row by row, through the same rules as each source's state elsewhere: the
// full records of 100,000 sources were 200 MB of peak memory for /metrics'
// few numbers.
SourceStateCounts SqlStore::source_state_counts(core::Timestamp now) {
  SourceStateCounts counts;
  Statement& select = db_.cached(std::string(kSourceStateColumns));
  SourceRecord source;
  while (select.step()) {
    source.removed_at = timestamp_or_null(select.optional_int64(0));
    source.gone_at = timestamp_or_null(select.optional_int64(1));
    source.retry_after = timestamp_or_null(select.optional_int64(2));
    source.error_count = select.int64(3);
    source.last_poll_at = timestamp_or_null(select.optional_int64(4));
    source.push_state = select.text(5);
    source.push_expires_at.reset();
    if (const auto verified = select.optional_int64(6); verified && source.push_state == "verified")
      source.push_expires_at = core::from_unix_seconds(*verified + select.int64(7));
    ++counts.by_state[source_state(source, now)];
    if (!source.removed_at && is_pushed(source, now)) ++counts.pushed;
  }
  return counts;
}

void SqlStore::record_poll(std::int64_t source_id, const PollRecord& poll) {
  noting_writability([&] { update_poll_state(source_id, poll); });
}

void SqlStore::update_poll_state(std::int64_t source_id, const PollRecord& poll) {
  db_.cached(
         "UPDATE sources SET last_poll_at = ?2, last_status = ?3, "
         "last_success_at = CASE WHEN ?4 <> 0 THEN ?2 ELSE last_success_at END, "
         "last_error = CASE WHEN ?4 <> 0 THEN '' ELSE ?5 END, "
         "error_count = CASE WHEN ?4 <> 0 THEN 0 ELSE error_count + 1 END, next_poll_at = ?6, "
         "etag = CASE WHEN ?7 = '' THEN etag ELSE ?7 END, "
         "last_modified = CASE WHEN ?8 = '' THEN last_modified ELSE ?8 END, "
         "poll_interval = coalesce(?9, poll_interval), item_rate = ?10, "
         "hints = CASE WHEN ?11 = '' THEN hints ELSE ?11 END, retry_after = ?12, gone_at = ?13, gone_spec = ?14, "
         "redirect_target = ?15, redirect_streak = ?16, body_hash = CASE WHEN ?17 = '' THEN body_hash ELSE ?17 END, "
         "url = CASE WHEN ?18 = '' THEN url ELSE ?18 END, last_new_items = ?19 WHERE id = ?1")
      .bind(1, source_id)
      .bind(2, core::to_unix_seconds(poll.polled_at))
      .bind(3, std::int64_t{poll.http_status})
      .bind(4, std::int64_t{poll.is_success})
      .bind(5, core::one_line(poll.error, kStoredErrorBytes))  // shown by status, /sources.json, the landing page
      .bind(6, unix_or_null(poll.next_poll_at))
      .bind(7, poll.etag)
      .bind(8, poll.last_modified)
      .bind(9, poll.poll_interval ? std::optional<std::int64_t>(poll.poll_interval->count()) : std::nullopt)
      .bind(10, poll.item_rate)
      .bind(11, poll.hints)
      .bind(12, unix_or_null(poll.retry_after))
      .bind(13, unix_or_null(poll.gone_at))
      .bind(14, poll.gone_spec)
      .bind(15, poll.redirect_target)
      .bind(16, std::int64_t{poll.redirect_streak})
      .bind(17, poll.body_hash)
      .bind(18, poll.url)
      .bind(19, std::int64_t{poll.new_items})
      .run();
}

void SqlStore::checkpoint() {
  if (engine_->indexes_in_background()) {
    engine_->wait_for_search_index(Store::kShutdownSearchWait);
    dequeue_indexed_now();  // not at the next start
    search_queued_ = 0;
  }
  engine_->checkpoint();
}

std::string SqlStore::health_problem() {
  if (std::string problem = engine_->health_problem(); !problem.empty()) return problem;
  try {
    const std::int64_t latest = engine_->latest_schema_version();
    if (const std::int64_t version = engine_->schema_version(); version != latest)
      return "the database reads schema version " + std::to_string(version) + ", not " + std::to_string(latest);
    Statement& probe = db_.cached("SELECT count(*) FROM sources");
    const bool has_row = probe.step();
    probe.reset();
    if (!has_row) return "the database does not answer";
  } catch (const StoreError& error) {
    return std::string("the database cannot be read: ") + error.what();
  }
  return {};
}

}  // namespace tributary::store
