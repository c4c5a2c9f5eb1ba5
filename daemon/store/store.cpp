// Store: opening and migrating, ingest with per-source dedup, queries.
#include "store/store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/text.hpp"
#include "store/schema.hpp"

namespace tributary::store {
namespace {

namespace json = boost::json;
using core::Timestamp;

std::optional<std::int64_t> unix_or_null(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return core::to_unix_seconds(*t);
}

std::optional<Timestamp> timestamp_or_null(const std::optional<std::int64_t>& seconds) {
  if (!seconds) return std::nullopt;
  return core::from_unix_seconds(*seconds);
}

std::string categories_json(const std::vector<std::string>& categories) {
  json::array array;
  for (const std::string& category : categories) array.emplace_back(category);
  return json::serialize(array);
}

std::string enclosures_json(const std::vector<normalize::Enclosure>& enclosures) {
  json::array array;
  for (const normalize::Enclosure& enclosure : enclosures) {
    json::object object;
    object["url"] = enclosure.url;
    object["type"] = enclosure.type;
    if (enclosure.length) object["length"] = *enclosure.length;
    array.push_back(std::move(object));
  }
  return json::serialize(array);
}

std::vector<std::string> categories_from_json(const std::string& text) {
  std::vector<std::string> categories;
  boost::system::error_code error;
  const json::value value = json::parse(text, error);
  if (error || !value.is_array()) return categories;
  for (const json::value& element : value.as_array())
    if (element.is_string()) categories.emplace_back(element.as_string());
  return categories;
}

std::vector<normalize::Enclosure> enclosures_from_json(const std::string& text) {
  std::vector<normalize::Enclosure> enclosures;
  boost::system::error_code error;
  const json::value value = json::parse(text, error);
  if (error || !value.is_array()) return enclosures;
  for (const json::value& element : value.as_array()) {
    const json::object* object = element.if_object();
    if (!object) continue;
    normalize::Enclosure enclosure;
    if (const auto* url = object->if_contains("url"); url && url->is_string()) enclosure.url = url->as_string();
    if (const auto* type = object->if_contains("type"); type && type->is_string()) enclosure.type = type->as_string();
    if (const auto* length = object->if_contains("length"); length && length->is_int64())
      enclosure.length = length->as_int64();
    enclosures.push_back(std::move(enclosure));
  }
  return enclosures;
}

// What a reader would see change: when this differs, the item was edited.
std::string content_hash(const normalize::Entry& entry, const std::string& categories, const std::string& enclosures) {
  std::string material;
  for (const std::string* part : {&entry.title, &entry.url, &entry.author_name, &entry.author_email,
                                  &entry.summary_html, &entry.content_html, &categories, &enclosures}) {
    material += *part;
    material.push_back('\x1f');
  }
  if (entry.published) material += std::to_string(core::to_unix_seconds(*entry.published));
  material.push_back('\x1f');
  if (entry.updated) material += std::to_string(core::to_unix_seconds(*entry.updated));
  return core::sha256_hex(material).substr(0, 32);
}

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
  return source;
}

constexpr std::string_view kSourceColumns =
    "SELECT id, config_url, url, name, title, site_url, feed_id, etag, last_modified, last_poll_at, "
    "last_success_at, next_poll_at, last_status, last_error, error_count, "
    "(SELECT count(*) FROM items WHERE items.source_id = sources.id), feed_updated FROM sources ";

}  // namespace

Store::Store(const std::string& path) : db_(path) {
  db_.exec("PRAGMA busy_timeout = 5000");
  db_.exec("PRAGMA foreign_keys = ON");
  if (path != ":memory:") {
    db_.exec("PRAGMA journal_mode = WAL");
    // With WAL, NORMAL loses at most the last transactions on power loss,
    // never consistency; a killed process loses nothing committed.
    db_.exec("PRAGMA synchronous = NORMAL");
  }
  migrate();
}

void Store::migrate() {
  const std::int64_t version = db_.user_version();
  const auto latest = static_cast<std::int64_t>(std::size(kMigrations));
  if (version > latest) {
    throw StoreError("the database has schema version " + std::to_string(version) +
                     ", newer than this tributary understands (" + std::to_string(latest) +
                     "): upgrade tributary or point [storage] database at another file");
  }
  for (std::int64_t next = version + 1; next <= latest; ++next) {
    Transaction transaction(db_);
    db_.exec(kMigrations[next - 1]);
    db_.set_user_version(next);
    transaction.commit();
  }
}

std::int64_t Store::schema_version() { return db_.user_version(); }

std::int64_t Store::ensure_source(const config::SourceSpec& spec) {
  Statement& insert = db_.cached(
      "INSERT INTO sources (config_url, url, name) VALUES (?1, ?1, ?2) "
      "ON CONFLICT (config_url) DO UPDATE SET name = excluded.name");
  insert.bind(1, spec.url).bind(2, spec.name).run();
  Statement& select = db_.cached("SELECT id FROM sources WHERE config_url = ?1");
  select.bind(1, spec.url);
  if (!select.step()) throw StoreError("source " + spec.url + " vanished after insert");
  const std::int64_t id = select.int64(0);
  select.reset();
  return id;
}

std::vector<SourceRecord> Store::sources() {
  Statement& select = db_.cached(std::string(kSourceColumns) + "ORDER BY name, id");
  std::vector<SourceRecord> records;
  while (select.step()) records.push_back(read_source(select));
  return records;
}

std::optional<SourceRecord> Store::source(std::int64_t id) {
  Statement& select = db_.cached(std::string(kSourceColumns) + "WHERE id = ?1");
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  SourceRecord record = read_source(select);
  select.reset();
  return record;
}

IngestResult Store::ingest(std::int64_t source_id, const normalize::NormalizedFeed& feed, Timestamp now) {
  IngestResult result;
  Transaction transaction(db_);
  db_.cached(
         "UPDATE sources SET title = ?2, site_url = ?3, feed_id = ?4, feed_updated = coalesce(?5, feed_updated) "
         "WHERE id = ?1")
      .bind(1, source_id)
      .bind(2, feed.feed.title)
      .bind(3, feed.feed.site_url)
      .bind(4, feed.feed.id)
      .bind(5, unix_or_null(feed.feed.updated))
      .run();

  const std::int64_t now_seconds = core::to_unix_seconds(now);
  for (const normalize::Entry& entry : feed.entries) {
    const std::string categories = categories_json(entry.categories);
    const std::string enclosures = enclosures_json(entry.enclosures);
    const std::string hash = content_hash(entry, categories, enclosures);
    Statement& lookup = db_.cached("SELECT id, content_hash FROM items WHERE source_id = ?1 AND identity_key = ?2");
    lookup.bind(1, source_id).bind(2, entry.identity_key);
    std::optional<std::int64_t> existing_id;
    std::string existing_hash;
    if (lookup.step()) {
      existing_id = lookup.int64(0);
      existing_hash = lookup.text(1);
    }
    lookup.reset();
    if (existing_id && existing_hash == hash) {
      ++result.unchanged;
      continue;
    }
    // An edit without its own updated date is dated by when we saw it.
    const std::optional<std::int64_t> updated =
        entry.updated ? unix_or_null(entry.updated) : (existing_id ? std::optional(now_seconds) : std::nullopt);
    const std::int64_t sort_time = entry.published   ? core::to_unix_seconds(*entry.published)
                                   : entry.updated ? core::to_unix_seconds(*entry.updated)
                                                   : now_seconds;
    if (existing_id) {
      db_.cached(
             "UPDATE items SET original_id = ?2, title = ?3, url = ?4, canonical_url = ?5, author_name = ?6, "
             "author_email = ?7, summary_html = ?8, content_html = ?9, categories = ?10, enclosures = ?11, "
             "lang = ?12, published = ?13, updated = ?14, fingerprint = ?15, content_hash = ?16, "
             "sort_time = CASE WHEN ?13 IS NULL AND ?17 IS NULL THEN sort_time ELSE ?18 END WHERE id = ?1")
          .bind(1, *existing_id)
          .bind(2, entry.original_id)
          .bind(3, entry.title)
          .bind(4, entry.url)
          .bind(5, entry.canonical_url)
          .bind(6, entry.author_name)
          .bind(7, entry.author_email)
          .bind(8, entry.summary_html)
          .bind(9, entry.content_html)
          .bind(10, categories)
          .bind(11, enclosures)
          .bind(12, entry.lang)
          .bind(13, unix_or_null(entry.published))
          .bind(14, updated)
          .bind(15, static_cast<std::int64_t>(entry.fingerprint))
          .bind(16, hash)
          .bind(17, unix_or_null(entry.updated))
          .bind(18, sort_time)
          .run();
      ++result.updated;
    } else {
      db_.cached(
             "INSERT INTO items (source_id, identity_key, original_id, title, url, canonical_url, author_name, "
             "author_email, summary_html, content_html, categories, enclosures, lang, published, updated, "
             "first_seen, sort_time, fingerprint, content_hash) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)")
          .bind(1, source_id)
          .bind(2, entry.identity_key)
          .bind(3, entry.original_id)
          .bind(4, entry.title)
          .bind(5, entry.url)
          .bind(6, entry.canonical_url)
          .bind(7, entry.author_name)
          .bind(8, entry.author_email)
          .bind(9, entry.summary_html)
          .bind(10, entry.content_html)
          .bind(11, categories)
          .bind(12, enclosures)
          .bind(13, entry.lang)
          .bind(14, unix_or_null(entry.published))
          .bind(15, updated)
          .bind(16, now_seconds)
          .bind(17, sort_time)
          .bind(18, static_cast<std::int64_t>(entry.fingerprint))
          .bind(19, hash)
          .run();
      ++result.new_items;
    }
  }
  transaction.commit();
  return result;
}

void Store::record_poll(std::int64_t source_id, const PollRecord& poll) {
  if (poll.is_success) {
    db_.cached(
           "UPDATE sources SET last_poll_at = ?2, last_success_at = ?2, last_status = ?3, last_error = '', "
           "error_count = 0, next_poll_at = ?4, etag = CASE WHEN ?5 = '' THEN etag ELSE ?5 END, "
           "last_modified = CASE WHEN ?6 = '' THEN last_modified ELSE ?6 END WHERE id = ?1")
        .bind(1, source_id)
        .bind(2, core::to_unix_seconds(poll.polled_at))
        .bind(3, std::int64_t{poll.http_status})
        .bind(4, unix_or_null(poll.next_poll_at))
        .bind(5, poll.etag)
        .bind(6, poll.last_modified)
        .run();
  } else {
    db_.cached(
           "UPDATE sources SET last_poll_at = ?2, last_status = ?3, last_error = ?4, error_count = error_count + 1, "
           "next_poll_at = ?5 WHERE id = ?1")
        .bind(1, source_id)
        .bind(2, core::to_unix_seconds(poll.polled_at))
        .bind(3, std::int64_t{poll.http_status})
        .bind(4, poll.error)
        .bind(5, unix_or_null(poll.next_poll_at))
        .run();
  }
}

std::vector<StoredEntry> Store::newest_entries(std::size_t limit) {
  Statement& select = db_.cached(
      "SELECT items.id, sources.config_url, sources.name, sources.title, sources.site_url, sources.url, "
      "sources.feed_id, sources.feed_updated, items.first_seen, items.sort_time, items.identity_key, "
      "items.original_id, items.title, items.url, items.canonical_url, items.author_name, items.author_email, "
      "items.summary_html, items.content_html, items.categories, items.enclosures, items.lang, items.published, "
      "items.updated, items.fingerprint "
      "FROM items JOIN sources ON sources.id = items.source_id "
      "ORDER BY items.sort_time DESC, items.id DESC LIMIT ?1");
  select.bind(1, static_cast<std::int64_t>(limit));
  std::vector<StoredEntry> entries;
  while (select.step()) {
    StoredEntry stored;
    stored.item_id = select.int64(0);
    stored.source_config_url = select.text(1);
    stored.source_name = select.text(2);
    stored.source_title = select.text(3);
    stored.source_site_url = select.text(4);
    stored.source_feed_url = select.text(5);
    stored.source_feed_id = select.text(6);
    stored.source_updated = timestamp_or_null(select.optional_int64(7));
    stored.first_seen = core::from_unix_seconds(select.int64(8));
    stored.sort_time = core::from_unix_seconds(select.int64(9));
    normalize::Entry& entry = stored.entry;
    entry.identity_key = select.text(10);
    entry.original_id = select.text(11);
    entry.title = select.text(12);
    entry.url = select.text(13);
    entry.canonical_url = select.text(14);
    entry.author_name = select.text(15);
    entry.author_email = select.text(16);
    entry.summary_html = select.text(17);
    entry.content_html = select.text(18);
    entry.categories = categories_from_json(select.text(19));
    entry.enclosures = enclosures_from_json(select.text(20));
    entry.lang = select.text(21);
    entry.published = timestamp_or_null(select.optional_int64(22));
    entry.updated = timestamp_or_null(select.optional_int64(23));
    entry.fingerprint = static_cast<std::uint64_t>(select.int64(24));
    entries.push_back(std::move(stored));
  }
  return entries;
}

void Store::checkpoint() { db_.exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

bool Store::is_healthy() {
  try {
    Statement& probe = db_.cached("SELECT 1");
    const bool has_row = probe.step();
    probe.reset();
    return has_row;
  } catch (const StoreError&) {
    return false;
  }
}

}  // namespace tributary::store
