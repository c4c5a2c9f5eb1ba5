// Dedup scenarios with their expected story counts (issue 5): real feed
// documents in tests/fixtures/dedup, through parse and normalize.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace test;

STORE_TESTS_ON_BOTH_ENGINES(Dedup);

TEST_P(Dedup, RepollOfTheSameFeedChangesNothing) {
  Store store = open_store();
  EXPECT_EQ(ingest_fixture(store, "dedup/boilerplate.xml").new_items, 2);
  const IngestResult again = ingest_fixture(store, "dedup/boilerplate.xml", at("2025-12-17T12:15:00Z"));
  EXPECT_EQ(again.new_items, 0);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(again.unchanged, 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 2);
}

TEST_P(Dedup, SameArticleWithDifferentTrackingParametersIsOneStory) {
  Store store = open_store();
  EXPECT_EQ(ingest_fixture(store, "dedup/utm_a.xml").merged, 0);
  EXPECT_EQ(ingest_fixture(store, "dedup/utm_b.xml").merged, 1);
  EXPECT_EQ(ingest_fixture(store, "dedup/utm_c.xml").merged, 1);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 3);
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 1);
  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].source_name, "dedup/utm_a.xml");  // the first publisher (08:00)
  // The copies are the entry's own page with other tracking parameters: no
  // related link points back at it (issue 23).
  EXPECT_TRUE(entries[0].copies.empty());
}

TEST_P(Dedup, WireStoryUnderThreeUrlsIsOneStory) {
  Store store = open_store();
  ingest_fixture(store, "dedup/wire_b.xml");
  EXPECT_EQ(ingest_fixture(store, "dedup/wire_a.xml").merged, 1);
  EXPECT_EQ(ingest_fixture(store, "dedup/wire_c.xml").merged, 1);
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 1);
  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  // Outlet A published first (08:15), though it was ingested second.
  EXPECT_EQ(entries[0].entry.url, "https://news-a.example/world/sava-bridge-a");
  ASSERT_EQ(entries[0].copies.size(), 2u);
  // Each copy is named as its source is shown: by its configured name.
  EXPECT_EQ(entries[0].copies[0].source_name, "dedup/wire_b.xml");
  EXPECT_EQ(entries[0].copies[0].url, "https://news-b.example/world/sava-bridge-b");
  EXPECT_EQ(entries[0].copies[1].source_name, "dedup/wire_c.xml");
}

TEST_P(Dedup, DifferentStoriesSharingBoilerplateStayApart) {
  Store store = open_store();
  EXPECT_EQ(ingest_fixture(store, "dedup/boilerplate.xml").merged, 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 2);
}

TEST_P(Dedup, GuidCollisionsAcrossSourcesAreSeparateItems) {
  Store store = open_store();
  ingest_fixture(store, "dedup/numbered_a.xml");
  const IngestResult second = ingest_fixture(store, "dedup/numbered_b.xml");
  EXPECT_EQ(second.new_items, 2);
  EXPECT_EQ(second.merged, 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 4);
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 4);
}

TEST_P(Dedup, FeedWhoseGuidsChangeOnEveryPollAddsNothingAfterTheFirstPoll) {
  Store store = open_store();
  const auto id = store.ensure_source(spec("https://churn.example/feed", "Churn"));
  EXPECT_EQ(store.ingest(id, load_feed("dedup/churn_poll1.xml"), at("2025-12-17T12:00:00Z")).new_items, 4);
  const IngestResult second = store.ingest(id, load_feed("dedup/churn_poll2.xml"), at("2025-12-17T12:15:00Z"));
  EXPECT_EQ(second.new_items, 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 4);
  const auto source = store.source(id);
  EXPECT_EQ(source->identity_mode, "link");
  EXPECT_EQ(source->identity_reason, "the feed gives known links new guids on every poll");
  // Re-keyed in the text every database holds (normalize::IdentityKey::from_url).
  EXPECT_EQ(count(store, "SELECT count(*) FROM items WHERE identity_key = 'url:' || canonical_url"), 4);
  // And it stays stable on the next poll.
  EXPECT_EQ(store.ingest(id, load_feed("dedup/churn_poll1.xml"), at("2025-12-17T12:30:00Z")).new_items, 0);
}

TEST_P(Dedup, FeedThatGivesEveryItemTheSameGuidKeepsAllItems) {
  Store store = open_store();
  const IngestResult result = ingest_fixture(store, "dedup/same_guid.xml");
  EXPECT_EQ(result.new_items, 3);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 3);
  const auto sources = store.sources();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].identity_mode, "link");
  EXPECT_NE(sources[0].identity_reason.find("same guid"), std::string::npos);
}

TEST_P(Dedup, RepublisherNeverBecomesPrimaryOverTheOriginal) {
  Store store = open_store();
  ingest_fixture(store, "dedup/republisher.xml");  // dated 06:00, carries atom:source
  ingest_fixture(store, "dedup/wire_a.xml");       // the original, 08:15
  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].entry.url, "https://news-a.example/world/sava-bridge-a");
  ASSERT_EQ(entries[0].copies.size(), 1u);
  EXPECT_EQ(entries[0].copies[0].url, "https://aggregator.example/r/sava-bridge");
}

TEST_P(Dedup, GenericTitlesNeverMergeByFingerprint) {
  Store store = open_store();
  ingest_fixture(store, "dedup/generic_a.xml");
  EXPECT_EQ(ingest_fixture(store, "dedup/generic_b.xml").merged, 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 2);
}

STORE_TESTS_ON_BOTH_ENGINES(DedupModes);

TEST_P(DedupModes, UrlModeDoesNotMergeByFingerprint) {
  StoreOptions options;
  options.dedup = config::DedupMode::url;
  Store store = open_store(options);
  ingest_fixture(store, "dedup/wire_a.xml");
  ingest_fixture(store, "dedup/wire_b.xml");
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 2);
  ingest_fixture(store, "dedup/utm_a.xml");
  EXPECT_EQ(ingest_fixture(store, "dedup/utm_b.xml").merged, 1);
}

TEST_P(DedupModes, OffKeepsEveryItemItsOwnStory) {
  StoreOptions options;
  options.dedup = config::DedupMode::off;
  Store store = open_store(options);
  ingest_fixture(store, "dedup/utm_a.xml");
  ingest_fixture(store, "dedup/utm_b.xml");
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 2);
}

TEST_P(DedupModes, StoriesOutsideTheTimeWindowStayApart) {
  StoreOptions options;
  options.story_window = std::chrono::hours(1);  // wire_a 08:15, wire_c 10:15
  Store store = open_store(options);
  ingest_fixture(store, "dedup/wire_a.xml");
  EXPECT_EQ(ingest_fixture(store, "dedup/wire_c.xml").merged, 0);
}

// Level 3 runs on an in-memory index (store/fingerprint_index); it must
// only ever hold what the database holds.
TEST(DedupIndexOnSqlite, ForgetsWhatAFailedIngestRolledBack) {
  Store store(":memory:");
  // The listing is written last, after the item was indexed: failing there
  // rolls back an ingest that had already reached the index.
  database_of(store).exec(
      "CREATE TEMP TRIGGER fail_listing BEFORE INSERT ON source_listings "
      "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END");
  EXPECT_THROW(ingest_fixture(store, "dedup/wire_b.xml"), StoreError);
  database_of(store).exec("DROP TRIGGER fail_listing");
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 0);
  EXPECT_EQ(ingest_fixture(store, "dedup/wire_a.xml").merged, 0);  // nothing to join
  EXPECT_EQ(ingest_fixture(store, "dedup/wire_b.xml").merged, 1);
}

STORE_TESTS_ON_BOTH_ENGINES(DedupIndex);

TEST_P(DedupIndex, SeesWhatAnotherConnectionWrote) {
  const StoreLocation path = new_location();
  Store daemon(path);
  Store other(path);                                // e.g. `tributary poll --once` next to a running daemon
  ingest_fixture(daemon, "dedup/boilerplate.xml");  // the daemon's index is loaded now
  ingest_fixture(other, "dedup/wire_b.xml");
  EXPECT_EQ(ingest_fixture(daemon, "dedup/wire_a.xml").merged, 1);
}

// Several daemons on one PostgreSQL database load only the newer items'
// story keys after another's ingest, and everything again after another
// purged, merged or edited: either way a copy must not join a story that
// another connection purged (candidates are also checked in the database).
TEST_P(DedupIndex, ForgetsWhatAnotherConnectionPurged) {
  const StoreLocation path = new_location();
  Store daemon(path);
  Store other(path);
  ingest_fixture(daemon, "dedup/wire_a.xml");  // indexed by the daemon
  other.retire_sources_except({}, at("2025-12-17T12:00:00Z"));
  other.maintain(at("2026-12-17T12:00:00Z"));  // past the grace: its items go
  ASSERT_EQ(count(other, "SELECT count(*) FROM items"), 0);
  IngestResult copy;
  ASSERT_NO_THROW(copy = ingest_fixture(daemon, "dedup/wire_b.xml"));
  EXPECT_EQ(copy.merged, 0) << "nothing left to join";
  EXPECT_EQ(count(daemon, "SELECT count(*) FROM stories"), 1);
}

// Ingest stays fast at a million items only if every statement it runs on
// `items` finds rows through an index (a full scan per new item made ingest
// slow down with the size of the store; see bench/ingest). The query plan
// does not depend on how many rows there are, so a small store shows it:
// SQLite counts each statement's steps through full table scans.
TEST(DedupAtScale, IngestFindsItemsThroughIndexesNotScans) {
  Store store(":memory:");
  ingest_fixture(store, "dedup/utm_a.xml");
  ingest_fixture(store, "dedup/utm_b.xml");  // joins by canonical URL (level 2)
  ingest_fixture(store, "dedup/wire_b.xml");
  ingest_fixture(store, "dedup/wire_a.xml");                             // joins by fingerprint (level 3)
  ingest_fixture(store, "dedup/utm_a.xml", at("2025-12-17T12:15:00Z"));  // re-poll: unchanged
  sqlite3* db = sqlite_database_of(store).handle();
  int item_statements = 0;
  for (sqlite3_stmt* statement = sqlite3_next_stmt(db, nullptr); statement != nullptr;
       statement = sqlite3_next_stmt(db, statement)) {
    const std::string sql = sqlite3_sql(statement);
    if (sql.find("FROM items ") == std::string::npos && sql.find("UPDATE items ") == std::string::npos) continue;
    ++item_statements;
    EXPECT_EQ(sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0), 0) << sql;
  }
  EXPECT_GE(item_statements, 5);
}

// Nor does any statement that runs for each item or each document build a
// temporary table: SQLite gathers RETURNING's rows, sorts what an index
// does not give in order and keeps a UNION's rows distinct in an ephemeral
// B-tree with a pager of its own, opened and closed at every run (~4% of
// the writer's time in bench/scale's cold cycle for the per-item ones; the
// retention statement, once per document, was 2% of bench/ingest). Read
// from the programs (EXPLAIN) of the statements that ran at least once per
// document.
TEST(DedupAtScale, IngestBuildsNoTemporaryTablePerItemOrDocument) {
  Store store(":memory:");
  const std::vector<std::string> documents = {"dedup/churn_poll1.xml", "dedup/same_guid.xml", "dedup/numbered_a.xml",
                                              "dedup/numbered_b.xml",  "dedup/utm_a.xml",     "dedup/utm_b.xml",
                                              "dedup/wire_b.xml",      "dedup/wire_a.xml"};
  for (const std::string& document : documents) ingest_fixture(store, document);
  const auto runs_per_document = static_cast<int>(documents.size());
  ASSERT_GT(count(store, "SELECT count(*) FROM items"), runs_per_document);
  sqlite3* db = sqlite_database_of(store).handle();
  std::vector<std::string> per_item_or_document;
  for (sqlite3_stmt* statement = sqlite3_next_stmt(db, nullptr); statement != nullptr;
       statement = sqlite3_next_stmt(db, statement))
    if (sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_RUN, 0) >= runs_per_document)
      per_item_or_document.emplace_back(sqlite3_sql(statement));
  // The item lookup, the tombstone check, the URL lookup, the inserts; the
  // feed's metadata, the listing, the retention.
  EXPECT_GE(per_item_or_document.size(), 8u);
  for (const std::string& sql : per_item_or_document) {
    sqlite3_stmt* explain = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN " + sql).c_str(), -1, &explain, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(explain) == SQLITE_ROW) {
      const std::string opcode = reinterpret_cast<const char*>(sqlite3_column_text(explain, 1));
      EXPECT_NE(opcode, "OpenEphemeral") << sql;
      EXPECT_NE(opcode, "SorterOpen") << sql;
    }
    sqlite3_finalize(explain);
  }
}

// guid_problem asks whether each guid is known before the items are
// ingested, and ingest_item asks again for each: the first answer serves
// both. A statement's runs are counted over two polls of a four-item feed.
// First poll: none, as the source has nothing stored (one question for the
// document says so); re-poll: all four by guid_problem — each item at most
// once per poll.
TEST(DedupAtScale, EachItemIsLookedUpOncePerDocument) {
  Store store(":memory:");
  ingest_fixture(store, "dedup/churn_poll1.xml");
  ingest_fixture(store, "dedup/churn_poll1.xml", at("2025-12-17T12:15:00Z"));
  ASSERT_EQ(count(store, "SELECT count(*) FROM items"), 4);
  ASSERT_EQ(count(store, "SELECT count(*) FROM sources WHERE identity_mode = 'guid'"), 1);
  sqlite3* db = sqlite_database_of(store).handle();
  int lookups = 0;
  int has_items_questions = 0;
  for (sqlite3_stmt* statement = sqlite3_next_stmt(db, nullptr); statement != nullptr;
       statement = sqlite3_next_stmt(db, statement)) {
    const std::string sql = sqlite3_sql(statement);
    const int runs = sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_RUN, 0);
    if (sql.find("FROM items WHERE source_id = ?1 AND identity_key = ?2") != std::string::npos) lookups += runs;
    if (sql.find("SELECT 1 FROM items WHERE source_id = ?1 LIMIT 1") != std::string::npos) has_items_questions += runs;
  }
  EXPECT_EQ(lookups, 4);
  EXPECT_EQ(has_items_questions, 2);
}

}  // namespace
}  // namespace tributary::store
