// The store: items are kept once per source and updated in place.
#include "store/store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "core/time.hpp"
#include "normalize/fingerprint.hpp"
#include "store/schema.hpp"
#include "store/testing.hpp"
#include "support/temp_dir.hpp"
#include "unit/store/store_fixture.hpp"

namespace tributary::store {
namespace {

using core::Timestamp;

Timestamp at(std::string_view rfc3339) { return *core::parse_rfc3339(rfc3339); }

normalize::Entry entry(std::string id, std::string title, std::string published) {
  normalize::Entry e;
  e.identity_key = normalize::IdentityKey::from_id(id);
  e.original_id = id;
  e.title = std::move(title);
  e.url = "https://n.example/" + id;
  e.canonical_url = e.url;
  e.content_html = "<p>Body of " + id + "</p>";
  e.published = at(published);
  return e;
}

normalize::NormalizedFeed feed_of(std::vector<normalize::Entry> entries) {
  normalize::NormalizedFeed feed;
  feed.feed.title = "News";
  feed.feed.site_url = "https://n.example/";
  feed.entries = std::move(entries);
  return feed;
}

config::SourceSpec source_spec(std::string url) {
  config::SourceSpec spec;
  spec.url = std::move(url);
  spec.name = "News";
  return spec;
}

// Writes that fail, as a full disk makes them: for SQLite no page beyond
// max_page_count, for PostgreSQL read-only transactions; and back.
void make_writes_fail(Store& store) {
  Database& db = database_of(store);
  if (db.engine() == Engine::postgresql) {
    db.exec("SET default_transaction_read_only = on");
    return;
  }
  Statement& pages = db.cached("PRAGMA page_count");
  ASSERT_TRUE(pages.step());
  const std::int64_t used = pages.int64(0);
  pages.reset();
  db.exec("PRAGMA max_page_count = " + std::to_string(used));
}

void let_writes_through(Store& store) {
  Database& db = database_of(store);
  db.exec(db.engine() == Engine::postgresql ? "SET default_transaction_read_only = off"
                                            : "PRAGMA max_page_count = 1000000");
}

std::vector<normalize::Entry> many_entries(int first, int count) {
  std::vector<normalize::Entry> entries;
  for (int i = first; i < first + count; ++i)
    entries.push_back(
        entry(std::to_string(i), "Item " + std::to_string(i) + std::string(500, 'x'), "2025-12-17T09:00:00Z"));
  return entries;
}

STORE_TESTS_ON_BOTH_ENGINES(StoreWrites);

TEST_P(StoreWrites, AFailedWriteMakesTheStoreUnwritableUntilOneSucceeds) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  store.ingest(source, feed_of(many_entries(1, 3)), at("2025-12-17T11:00:00Z"));
  EXPECT_TRUE(store.is_writable());
  make_writes_fail(store);
  EXPECT_THROW(store.ingest(source, feed_of(many_entries(100, 200)), at("2025-12-17T11:15:00Z")), StoreError);
  EXPECT_FALSE(store.is_writable());
  EXPECT_EQ(store.newest_entries(1000).size(), 3u);  // the failed document left nothing half-written

  let_writes_through(store);  // space returns
  const auto result = store.ingest(source, feed_of(many_entries(100, 200)), at("2025-12-17T11:30:00Z"));
  EXPECT_EQ(result.new_items, 200);
  EXPECT_TRUE(store.is_writable());
}

TEST_P(StoreWrites, AFailedPollRecordCountsToo) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  make_writes_fail(store);
  PollRecord poll;
  poll.polled_at = at("2025-12-17T11:00:00Z");
  poll.hints = "{\"x\":\"" + std::string(100000, 'x') + "\"}";  // needs pages the file may not have
  EXPECT_THROW(store.record_poll(source, poll), StoreError);
  EXPECT_FALSE(store.is_writable());
}

STORE_TESTS_ON_BOTH_ENGINES(StoreIngest);

TEST_P(StoreIngest, FirstPollAddsEveryItem) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  const auto result = store.ingest(
      source, feed_of({entry("1", "One", "2025-12-17T09:00:00Z"), entry("2", "Two", "2025-12-17T10:00:00Z")}),
      at("2025-12-17T11:00:00Z"));
  EXPECT_EQ(result.new_items, 2);
  EXPECT_EQ(result.updated, 0);
  EXPECT_EQ(store.newest_entries(10).size(), 2u);
}

TEST_P(StoreIngest, ReingestingTheSameItemsAddsNothing) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  const auto feed = feed_of({entry("1", "One", "2025-12-17T09:00:00Z"), entry("2", "Two", "2025-12-17T10:00:00Z")});
  store.ingest(source, feed, at("2025-12-17T11:00:00Z"));
  const auto again = store.ingest(source, feed, at("2025-12-17T11:15:00Z"));
  EXPECT_EQ(again.new_items, 0);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(again.unchanged, 2);
  EXPECT_EQ(store.newest_entries(10).size(), 2u);
}

TEST_P(StoreIngest, AnEditedTitleUpdatesTheItemInPlace) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  store.ingest(source, feed_of({entry("1", "Orginal title", "2025-12-17T09:00:00Z")}), at("2025-12-17T11:00:00Z"));
  const auto edited =
      store.ingest(source, feed_of({entry("1", "Original title", "2025-12-17T09:00:00Z")}), at("2025-12-17T12:00:00Z"));
  EXPECT_EQ(edited.new_items, 0);
  EXPECT_EQ(edited.updated, 1);
  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].entry.title, "Original title");
  // No updated date in the feed: the edit is dated by when it was seen.
  ASSERT_TRUE(entries[0].entry.updated);
  EXPECT_EQ(core::format_rfc3339(*entries[0].entry.updated), "2025-12-17T12:00:00Z");
}

TEST_P(StoreIngest, SameIdInTwoSourcesIsTwoItems) {
  Store store = open_store();
  const auto a = store.ensure_source(source_spec("https://a.example/feed"));
  const auto b = store.ensure_source(source_spec("https://b.example/feed"));
  store.ingest(a, feed_of({entry("1", "A one", "2025-12-17T09:00:00Z")}), at("2025-12-17T11:00:00Z"));
  store.ingest(b, feed_of({entry("1", "B one", "2025-12-17T09:00:00Z")}), at("2025-12-17T11:00:00Z"));
  EXPECT_EQ(store.source(a)->item_count, 1);
  EXPECT_EQ(store.source(b)->item_count, 1);
  // Both link to https://n.example/1: one story, shown once; the other
  // copy's link is the entry's own, so it is no related link.
  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries[0].copies.empty());
}

// The scheduler prepares documents on its workers (store::prepare_document)
// and the writer stores them: the columns so prepared are the ones the
// store works out for a document it is given unprepared — a podcast feed
// with categories, enclosures, authors and episode tags, each item
// unchanged when the other way brings it again.
TEST_P(StoreIngest, APreparedDocumentIsStoredAsTheSameDocumentUnprepared) {
  for (const std::string name : {"podcast/newsroom.xml", "feeds/rss20_extensions.xml", "feeds/small_atom10.xml"}) {
    Store store = open_store();
    const auto prepared_first = store.ensure_source(source_spec("https://a.example/" + name));
    const auto unprepared_first = store.ensure_source(source_spec("https://b.example/" + name));
    const normalize::NormalizedFeed feed = test::load_feed(name);
    ASSERT_FALSE(feed.entries.empty()) << name;
    const PreparedDocument document = prepare_document(feed);
    ASSERT_EQ(document.entries.size(), feed.entries.size()) << name;

    const auto stored = store.ingest(prepared_first, document, at("2025-12-17T11:00:00Z"));
    EXPECT_EQ(stored.new_items, static_cast<int>(feed.entries.size())) << name;
    const auto again = store.ingest(prepared_first, feed, at("2025-12-17T11:15:00Z"));
    EXPECT_EQ(again.unchanged, stored.new_items) << name;
    EXPECT_EQ(again.updated, 0) << name;

    store.ingest(unprepared_first, feed, at("2025-12-17T11:00:00Z"));
    const auto then_prepared = store.ingest(unprepared_first, document, at("2025-12-17T11:15:00Z"));
    EXPECT_EQ(then_prepared.unchanged, stored.new_items) << name;
    EXPECT_EQ(then_prepared.updated, 0) << name;
    // The same rows either way, source aside.
    EXPECT_EQ(test::count(store,
                          "SELECT count(*) FROM items a JOIN items b ON a.identity_key = b.identity_key "
                          "AND a.source_id <> b.source_id AND a.categories = b.categories "
                          "AND a.enclosures = b.enclosures AND a.authors = b.authors AND a.episode = b.episode "
                          "AND a.content_hash = b.content_hash AND a.story_url = b.story_url"),
              2 * stored.new_items)
        << name;
  }
}

// Prepared entries are the document's, one each, in order: another
// count is the caller's mistake, refused before anything is written, and
// no sign that the disk failed.
TEST_P(StoreIngest, PreparedEntriesOfAnotherDocumentAreRefused) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  PreparedDocument document =
      prepare_document(feed_of({entry("1", "One", "2025-12-17T09:00:00Z"), entry("2", "Two", "2025-12-17T10:00:00Z")}));
  document.entries.pop_back();
  EXPECT_THROW(store.ingest(source, document, at("2025-12-17T11:00:00Z")), std::invalid_argument);
  EXPECT_TRUE(store.newest_entries(10).empty());
  EXPECT_TRUE(store.is_writable());
}

STORE_TESTS_ON_BOTH_ENGINES(StoreQueries);

TEST_P(StoreQueries, NewestEntriesComeNewestFirstWithTheirSource) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  store.ingest(source,
               feed_of({entry("old", "Old", "2025-12-01T09:00:00Z"), entry("new", "New", "2025-12-17T09:00:00Z"),
                        entry("mid", "Mid", "2025-12-10T09:00:00Z")}),
               at("2025-12-17T11:00:00Z"));
  const auto entries = store.newest_entries(2);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].entry.title, "New");
  EXPECT_EQ(entries[1].entry.title, "Mid");
  EXPECT_EQ(entries[0].source_config_url, "https://n.example/feed");
  EXPECT_EQ(entries[0].source_title, "News");
}

STORE_TESTS_ON_BOTH_ENGINES(StorePolls);

TEST_P(StorePolls, RecordsFailuresAndResetsOnSuccess) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  store.record_poll(source, {at("2025-12-17T11:00:00Z"), false, 503, "http: HTTP 503", {}, {}, {}});
  store.record_poll(source, {at("2025-12-17T11:05:00Z"), false, 0, "timeout: timed out", {}, {}, {}});
  auto record = store.source(source);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->error_count, 2);
  EXPECT_EQ(record->last_error, "timeout: timed out");
  EXPECT_FALSE(record->last_success_at);
  store.record_poll(source, {at("2025-12-17T11:20:00Z"), true, 200, {}, "\"v1\"", "Wed, 17 Dec 2025 11:00:00 GMT", {}});
  record = store.source(source);
  EXPECT_EQ(record->error_count, 0);
  EXPECT_EQ(record->last_error, "");
  EXPECT_EQ(record->etag, "\"v1\"");
  EXPECT_EQ(record->last_modified, "Wed, 17 Dec 2025 11:00:00 GMT");
  ASSERT_TRUE(record->last_success_at);
}

// SQLite keeps any bytes; PostgreSQL's text only UTF-8. Whatever slips
// through from a peer must not fail the write it is part of.
TEST_P(StorePolls, TextThatIsNotUtf8FailsNoWrite) {
  Store store = open_store();
  const auto source = store.ensure_source(source_spec("https://n.example/feed"));
  ASSERT_NO_THROW(store.record_poll(
      source, {at("2025-12-17T11:20:00Z"), true, 200, {}, "\"caf\xe9\xff\"", "Wed, 17 Dec 2025 11:00:00 \xe9", {}}));
  const auto record = store.source(source);
  ASSERT_TRUE(record);
  ASSERT_TRUE(record->last_poll_at);
  EXPECT_EQ(record->last_status, 200);
  if (GetParam() == Engine::postgresql) {
    EXPECT_EQ(record->etag, "\"caf\uFFFD\uFFFD\"");
  }
}

STORE_TESTS_ON_BOTH_ENGINES(StoreSchema);

// A database copied into (tributary migrate) has the planner's statistics
// at once: without them PostgreSQL scans every item for the feed's query
// until autovacuum gathers them.
class OnPostgresqlOnly : public test::EngineTest {};
INSTANTIATE_TEST_SUITE_P(Engines, OnPostgresqlOnly, ::testing::Values(Engine::postgresql), test::engine_name);

TEST_P(OnPostgresqlOnly, ACopyIntoPostgresqlIsAnalyzed) {
  Store from(":memory:");
  test::ingest_fixture(from, "feeds/small_rss20.xml");
  Store to(new_location());
  copy_store(from, to);
  EXPECT_GT(test::count(to, "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE relname = 'items'"), 0);
}

TEST_P(StoreSchema, NewDatabaseIsAtTheLatestVersion) {
  Store store = open_store();
  EXPECT_EQ(store.schema_version(),
            GetParam() == Engine::sqlite ? Store::kSchemaVersion : PostgresEngine::kSchemaVersion);
}

TEST_P(StoreSchema, RefusesADatabaseFromANewerVersion) {
  const StoreLocation location = new_location();
  {
    Store store(location);
    Database& db = database_of(store);
    if (db.engine() == Engine::sqlite)
      sqlite_database_of(store).set_user_version(Store::kSchemaVersion + 7);
    else
      db.exec("UPDATE tributary_schema SET version = version + 7");
  }
  try {
    Store store(location);
    FAIL() << "opened a database from the future";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("newer than this tributary understands"), std::string::npos)
        << error.what();
  }
}

TEST(StoreSchemaOnSqlite, MigratesADatabaseOfTheFoundationVersion) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "v1.db").string();
  {
    // The schema as version 1 shipped it, with one source and one item.
    SqliteDatabase db(path);
    db.exec(kMigrations[0]);
    db.exec(
        "INSERT INTO sources (id, config_url, url, name) VALUES (1, 'https://n.example/feed', "
        "'https://n.example/feed', 'News')");
    db.exec(
        "INSERT INTO items (source_id, identity_key, title, url, canonical_url, content_html, first_seen, "
        "sort_time, content_hash) VALUES (1, 'id:1', 'Old item', 'https://n.example/1', 'https://n.example/1', "
        "'<p>Kept across the <b>migration</b></p>', 1765000000, 1765000000, 'h')");
    db.set_user_version(1);
  }
  Store store(path);
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].entry.title, "Old item");
  // The search index is built from the items, by its own thread.
  ASSERT_TRUE(search_indexer_of(store)->wait_until_indexed(std::chrono::seconds(30)));
  EXPECT_EQ(store.query_stories({.limit = 10, .text = "migration"}).size(), 1u);
}

// Version 3 flagged listed items on every row and kept four band rows per
// item; version 4 keeps one listing per source and one fingerprint row per
// item; version 6 finds copies by story keys and story URLs made from the
// stored text and links. What was listed stays protected, what was indexed
// stays findable, by its text and by an AMP edition of its link.
TEST(StoreSchemaOnSqlite, MigratesListingsAndFingerprintsOfVersion3) {
  const std::string text =
      "The new bridge over the Sava river opened to traffic on Wednesday morning, three years after "
      "construction began and two months ahead of the revised schedule. The city transport authority "
      "said the crossing would carry up to forty thousand vehicles a day and relieve the old bridge.";
  testing::TempDir dir;
  const std::string path = (dir.path() / "v3.db").string();
  const std::uint64_t fingerprint = 0x0F0F0F0F12345678ULL;
  const std::int64_t published = core::to_unix_seconds(at("2025-12-17T09:00:00Z"));
  {
    SqliteDatabase db(path);
    for (int version = 0; version < 3; ++version) db.exec(kMigrations[version]);
    db.exec(
        "INSERT INTO sources (id, config_url, url, name) VALUES (1, 'https://a.example/feed', "
        "'https://a.example/feed', 'A')");
    for (int id = 1; id <= 2; ++id) {
      db.exec("INSERT INTO stories (id, primary_item_id, sort_time, updated, item_count) VALUES (" +
              std::to_string(id) + ", " + std::to_string(id) + ", " + std::to_string(published) + ", 0, 1)");
      db.exec(
          "INSERT INTO items (id, source_id, identity_key, title, url, canonical_url, content_html, first_seen, "
          "sort_time, fingerprint, content_hash, story_id, is_listed) VALUES (" +
          std::to_string(id) + ", 1, 'id:" + std::to_string(id) +
          "', 'Bridge over the Sava opens', 'https://a.example/" + std::to_string(id) + "', 'https://a.example/" +
          std::to_string(id) + "', '" + (id == 1 ? "<p>" + text + "</p>" : std::string("<p>Another story</p>")) +
          "', 0, " + std::to_string(published) + ", " +
          std::to_string(static_cast<std::int64_t>(fingerprint) + id - 1) + ", 'h', " + std::to_string(id) + ", " +
          (id == 1 ? "1" : "0") + ")");
    }
    for (int band = 0; band < 4; ++band)
      db.exec("INSERT INTO fingerprint_bands (band, item_id, seen_at) VALUES (" +
              std::to_string((band << 16) | static_cast<int>((fingerprint >> (16 * band)) & 0xFFFF)) + ", 1, " +
              std::to_string(published) + ")");
    db.set_user_version(3);
  }
  StoreOptions options;
  options.retention_age = std::chrono::days(1);
  Store store(path, options);
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);

  // Item 1 was indexed: a copy of its text from another source joins its
  // story, and so does the AMP edition of item 2's page.
  const auto other = store.ensure_source(source_spec("https://b.example/feed"));
  normalize::Entry copy = entry("copy", "Bridge over the Sava reopens", "2025-12-17T10:00:00Z");
  copy.content_html = "<p>" + text + "</p>";
  copy.story_keys = normalize::story_keys(text);
  copy.word_count = 60;
  normalize::Entry amp = entry("amp", "An AMP edition", "2025-12-17T10:00:00Z");
  amp.url = amp.canonical_url = "https://a.example/amp/2";
  const IngestResult result = store.ingest(other, feed_of({copy, amp}), at("2025-12-17T11:00:00Z"));
  EXPECT_EQ(result.merged, 2);
  const auto story_of = [&](const std::string& key) {
    Statement& story = database_of(store).cached("SELECT story_id FROM items WHERE identity_key = ?1");
    story.bind(1, key);
    const std::int64_t id = story.step() ? story.int64(0) : -1;
    story.reset();
    return id;
  };
  EXPECT_EQ(story_of("id:copy"), 1);
  EXPECT_EQ(story_of("id:amp"), 2);

  // Every item is past the maximum age; only the one no document lists goes.
  EXPECT_EQ(store.maintain(at("2026-01-17T00:00:00Z")).purged_items, 1);
  Statement& kept = database_of(store).cached(
      "SELECT group_concat(identity_key, ' ') FROM (SELECT identity_key FROM items ORDER BY identity_key)");
  ASSERT_TRUE(kept.step());
  EXPECT_EQ(kept.text(0), "id:1 id:amp id:copy");
  kept.reset();
}

STORE_TESTS_ON_BOTH_ENGINES(StoreReopening);

TEST_P(StoreReopening, KeepsTheData) {
  const StoreLocation path = new_location();
  {
    Store store(path);
    const auto source = store.ensure_source(source_spec("https://n.example/feed"));
    store.ingest(source, feed_of({entry("1", "One", "2025-12-17T09:00:00Z")}), at("2025-12-17T11:00:00Z"));
  }
  Store reopened(path);
  EXPECT_EQ(reopened.newest_entries(10).size(), 1u);
}

// A poll at `when`: a success (200), else a failure (HTTP 503).
PollRecord poll_at(const char* when, bool is_success) {
  PollRecord poll;
  poll.polled_at = at(when);
  poll.is_success = is_success;
  poll.http_status = is_success ? 200 : 503;
  if (!is_success) poll.error = "HTTP 503";
  return poll;
}

STORE_TESTS_ON_BOTH_ENGINES(StoreSources);

// The status line's figures come from the sources still configured.
TEST_P(StoreSources, AtAGlanceCountsFailuresAndFindsTheLastPolledOfTheConfigured) {
  Store store = open_store();
  EXPECT_EQ(store.sources_at_a_glance().failing, 0);
  EXPECT_FALSE(store.sources_at_a_glance().last_polled);
  const auto ok = store.ensure_source(source_spec("https://ok.example/feed"));
  const auto failing = store.ensure_source(source_spec("https://failing.example/feed"));
  const auto removed = store.ensure_source(source_spec("https://removed.example/feed"));
  store.record_poll(ok, poll_at("2025-12-17T10:00:00Z", true));
  store.record_poll(failing, poll_at("2025-12-17T11:00:00Z", false));
  store.record_poll(removed, poll_at("2025-12-17T12:00:00Z", false));
  store.retire_sources_except({ok, failing}, at("2025-12-17T13:00:00Z"));

  const SourcesAtAGlance glance = store.sources_at_a_glance();
  EXPECT_EQ(glance.failing, 1);
  ASSERT_TRUE(glance.last_polled);
  EXPECT_EQ(glance.last_polled->config_url, "https://failing.example/feed");
  EXPECT_EQ(glance.last_polled->last_error, "HTTP 503");
}

// A start registers the configuration's sources in one go: each id in the
// configuration's order (whatever order they are written in), a source
// already known keeps its id, and a source no longer listed is retired.
TEST_P(StoreSources, RegisteringTheConfigurationGivesIdsInItsOrderAndRetiresTheRest) {
  Store store = open_store();
  const auto kept = store.ensure_source(source_spec("https://b.example/feed"));
  const auto dropped = store.ensure_source(source_spec("https://dropped.example/feed"));
  const std::vector<std::int64_t> ids =
      store.register_sources({source_spec("https://z.example/feed"), source_spec("https://b.example/feed"),
                              source_spec("https://a.example/feed")},
                             at("2025-12-17T13:00:00Z"));

  ASSERT_EQ(ids.size(), 3U);
  EXPECT_EQ(ids[1], kept);
  const std::vector<std::string> urls_by_id = {"https://z.example/feed", "https://b.example/feed",
                                               "https://a.example/feed"};
  for (std::size_t position = 0; position < ids.size(); ++position) {
    const auto record = store.source(ids[position]);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->config_url, urls_by_id[position]);
    EXPECT_FALSE(record->removed_at);
  }
  const auto retired = store.source(dropped);
  ASSERT_TRUE(retired);
  EXPECT_EQ(retired->removed_at, at("2025-12-17T13:00:00Z"));

  // Registered again without change: the same ids, nothing retired, and
  // no source row written again (SQLite counts the rows written; a row
  // PostgreSQL writes gets a new xmin).
  const std::string rows_written =
      GetParam() == Engine::sqlite ? "SELECT total_changes()" : "SELECT sum(xmin::text::bigint) FROM sources";
  const std::int64_t before = test::count(store, rows_written);
  EXPECT_EQ(store.register_sources({source_spec("https://z.example/feed"), source_spec("https://b.example/feed"),
                                    source_spec("https://a.example/feed")},
                                   at("2025-12-17T14:00:00Z")),
            ids);
  EXPECT_EQ(test::count(store, rows_written), before);
  EXPECT_EQ(store.source(ids[0])->removed_at, std::nullopt);

  // A source renamed, and the retired one listed again: those are written.
  config::SourceSpec renamed = source_spec("https://a.example/feed");
  renamed.name = "A, renamed";
  EXPECT_EQ(store.register_sources({source_spec("https://z.example/feed"), source_spec("https://b.example/feed"),
                                    renamed, source_spec("https://dropped.example/feed")},
                                   at("2025-12-17T15:00:00Z")),
            (std::vector<std::int64_t>{ids[0], ids[1], ids[2], dropped}));
  EXPECT_NE(test::count(store, rows_written), before);
  EXPECT_EQ(store.source(ids[2])->name, "A, renamed");
  EXPECT_EQ(store.source(dropped)->removed_at, std::nullopt);
}

// /metrics counts sources by state without reading whole records: the
// counts are those of source_state over every record.
TEST_P(StoreSources, StateCountsAreThoseOfEveryRecordsState) {
  Store store = open_store();
  const auto ok = store.ensure_source(source_spec("https://ok.example/feed"));
  const auto failing = store.ensure_source(source_spec("https://failing.example/feed"));
  const auto backing_off = store.ensure_source(source_spec("https://backing-off.example/feed"));
  const auto fresh = store.ensure_source(source_spec("https://new.example/feed"));
  store.ensure_source(source_spec("https://removed.example/feed"));
  store.record_poll(ok, poll_at("2025-12-17T10:00:00Z", true));
  store.record_poll(failing, poll_at("2025-12-17T11:00:00Z", false));
  store.record_poll(backing_off, poll_at("2025-12-17T11:00:00Z", false));
  store.record_poll(backing_off, poll_at("2025-12-17T11:30:00Z", false));
  store.retire_sources_except({ok, failing, backing_off, fresh}, at("2025-12-17T13:00:00Z"));

  const auto now = at("2025-12-17T14:00:00Z");
  std::map<std::string, std::int64_t> expected;
  for (const SourceRecord& record : store.sources()) ++expected[source_state(record, now)];
  const SourceStateCounts counts = store.source_state_counts(now);
  EXPECT_EQ(counts.by_state, expected);
  EXPECT_EQ(counts.by_state.at("ok"), 1);
  EXPECT_EQ(counts.by_state.at("failing"), 1);
  EXPECT_EQ(counts.by_state.at("backing off"), 1);
  EXPECT_EQ(counts.by_state.at("new"), 1);
  EXPECT_EQ(counts.by_state.at("removed"), 1);
  EXPECT_EQ(counts.pushed, 0);
}

}  // namespace
}  // namespace tributary::store
