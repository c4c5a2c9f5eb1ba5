// The full-text index of a store on an SQLite file: in a file of its own
// ("<database>-search"), written by a thread of its own from the store's
// queue (store/search_indexer.hpp). What is found is what the items are;
// nothing is lost between the two files; an index that is not the store's
// own is rebuilt.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store/sqlite.hpp"
#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace test;
using namespace std::chrono_literals;

std::vector<std::string> titles_matching(Store& store, const std::string& words) {
  std::vector<std::string> titles;
  for (const StoredEntry& entry : store.query_stories({.limit = 10, .text = words}))
    titles.push_back(entry.entry.title);
  return titles;
}

// The portal's source in `store`, with `fixture` (under tests/fixtures)
// ingested at noon on the day the fixtures are dated.
std::int64_t ingest_portal(Store& store, const std::string& fixture) {
  const std::int64_t portal = store.ensure_source(spec("https://portal.example/feed", "Portal"));
  store.ingest(portal, load_feed(fixture), at("2025-12-17T12:00:00Z"));
  return portal;
}

// Waits for the store's indexer to do what is queued now.
void wait_for_index(Store& store) {
  SearchIndexer* indexer = search_indexer_of(store);
  ASSERT_NE(indexer, nullptr);
  ASSERT_TRUE(indexer->wait_until_indexed(30s)) << indexer->last_error();
}

void remove_search_files(const std::string& database) {
  for (const char* suffix : {"-search", "-search-wal", "-search-shm"}) std::filesystem::remove(database + suffix);
}

// SQLite reads the attached index's name as a URI: a path stays the file it
// names whatever it holds.
TEST(SearchFile, TheIndexIsAttachedByAUriThatKeepsThePath) {
  EXPECT_EQ(read_only_uri("/var/lib/a b/x?y#z%.db-search"), "file:///var/lib/a b/x%3Fy%23z%25.db-search?mode=ro");
  EXPECT_EQ(read_only_uri("var/tributary.db-search"), "file:var/tributary.db-search?mode=ro");
}

TEST(SearchFile, IndexesOnAThreadOfItsOwnIntoAFileBesideTheStore) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  Store store(path);
  ingest_portal(store, "dedup/boilerplate.xml");
  EXPECT_EQ(store.update_search_index(), 2u);  // waits for the thread
  EXPECT_EQ(titles_matching(store, "coach"), std::vector<std::string>{kCoachTitle});
  EXPECT_TRUE(std::filesystem::exists(path + "-search"));
  EXPECT_EQ(count(store, "SELECT count(*) FROM main.sqlite_schema WHERE name = 'items_fts'"), 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM search.items_fts"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM search_pending"), 0);  // done and taken off the queue
  EXPECT_EQ(search_indexer_of(store)->indexed(), 2);
  EXPECT_EQ(store.search_rebuild_items(), 0);  // a new index, not a rebuild
}

// At a lull the writer only starts the thread; a search through another
// connection of the process (a reader) waits for the pass it asked for, so
// that it finds what the feed, published right after the lull, shows.
TEST(SearchFile, AReadersSearchWaitsForThePassTheWritersLullAskedFor) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  Store writer(path);
  Store reader(path);
  ingest_portal(writer, "dedup/boilerplate.xml");
  EXPECT_EQ(writer.update_search_index_at_lull(), 0u);  // started, not done by the writer
  EXPECT_EQ(titles_matching(reader, "coach"), std::vector<std::string>{kCoachTitle});
}

// The indexer reads each item as it is when it gets to it: an edit's words
// replace the old ones, an item purged leaves the index.
TEST(SearchFile, EditsAndPurgesReachTheIndex) {
  testing::TempDir dir;
  StoreOptions options;
  options.removed_source_grace = std::chrono::seconds(0);
  Store store((dir.path() / "store.db").string(), options);
  const auto portal = store.ensure_source(spec("https://portal.example/feed", "Portal"));
  normalize::NormalizedFeed feed = load_feed("dedup/boilerplate.xml");
  store.ingest(portal, feed, at("2025-12-17T12:00:00Z"));
  store.update_search_index();
  edit_coach_item(feed);
  EXPECT_EQ(store.ingest(portal, feed, at("2025-12-17T12:30:00Z")).updated, 1);
  EXPECT_EQ(store.update_search_index(), 1u);
  EXPECT_EQ(titles_matching(store, "ocelot"), std::vector<std::string>{kCoachTitle});
  EXPECT_TRUE(titles_matching(store, "assistant").empty()) << "the old text is still indexed";

  store.retire_sources_except({}, at("2025-12-17T13:00:00Z"));
  EXPECT_EQ(store.maintain(at("2025-12-17T14:00:00Z")).purged_items, 2);
  wait_for_index(store);
  EXPECT_EQ(count(store, "SELECT count(*) FROM search.items_fts"), 0);
}

// An item queued again while the indexer had it (an edit that committed
// after the indexer read it) stays queued: the indexer's done version is
// taken off the queue, not the item.
TEST(SearchFile, AnItemQueuedAgainWhileBeingIndexedStaysQueued) {
  testing::TempDir dir;
  Store store((dir.path() / "store.db").string());
  ingest_portal(store, "dedup/boilerplate.xml");
  wait_for_index(store);  // done, not yet off the queue (that is the next write's)
  const std::int64_t coach = count(store, "SELECT id FROM items WHERE title = 'Football club signs a new head coach'");
  // What an edit commits between the indexer's read and the queue's
  // cleanup: the new text, the item queued again.
  const std::string where = " WHERE id = " + std::to_string(coach);
  database_of(store).exec("UPDATE items SET summary_html = '<p>The club thanks the ocelot.</p>', content_html = ''" +
                          where);
  database_of(store).exec("UPDATE search_pending SET version = version + 1 WHERE item_id = " + std::to_string(coach));
  store.maintain(at("2025-12-17T13:00:00Z"));  // a write: takes what the indexer did off the queue
  EXPECT_EQ(count(store, "SELECT count(*) FROM search_pending"), 1);
  EXPECT_EQ(count(store, "SELECT item_id FROM search_pending"), coach);
  wait_for_index(store);
  EXPECT_EQ(titles_matching(store, "ocelot"), std::vector<std::string>{kCoachTitle});
}

TEST(SearchFile, ALostIndexFileIsRebuiltFromTheItems) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  {
    Store store(path);
    ingest_portal(store, "dedup/boilerplate.xml");
    store.update_search_index();
    store.checkpoint();
  }
  remove_search_files(path);
  Store store(path);  // queues every item, and starts indexing them
  EXPECT_EQ(store.search_rebuild_items(), 2);
  EXPECT_EQ(Store(path).search_rebuild_items(), 0) << "a second connection rebuilds again";
  wait_for_index(store);
  EXPECT_EQ(titles_matching(store, "coach"), std::vector<std::string>{kCoachTitle});
  EXPECT_EQ(count(store, "SELECT count(*) FROM search.items_fts"), 2);
}

// FTS5 merges sixteen segments at a time, not four (store/search_indexer.hpp):
// in a new index, in one made before that was set (kept, and tuned at the
// next start), and in a store in memory.
TEST(SearchFile, TheIndexMergesSixteenSegmentsAtATime) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  const std::string automerge = "SELECT v FROM search.items_fts_config WHERE k = 'automerge'";
  {
    Store store(path);
    ingest_portal(store, "dedup/boilerplate.xml");
    store.update_search_index();
    EXPECT_EQ(count(store, automerge), kSearchAutomerge);
  }
  {
    SqliteDatabase search(path + "-search");
    search.exec("DELETE FROM items_fts_config WHERE k = 'automerge'");  // as an index made before
  }
  Store store(path);
  EXPECT_EQ(store.search_rebuild_items(), 0) << "the index was rebuilt, not kept";
  EXPECT_EQ(count(store, automerge), kSearchAutomerge);
  EXPECT_EQ(titles_matching(store, "coach"), std::vector<std::string>{kCoachTitle});

  Store in_memory(":memory:");
  EXPECT_EQ(count(in_memory, automerge), kSearchAutomerge);
}

// Another store's index beside a store (copied over it, a database file
// replaced and the index left): its entries would name this store's items
// by the other's ids. It is emptied and rebuilt.
TEST(SearchFile, AnIndexOfAnotherStoreIsRebuilt) {
  testing::TempDir dir;
  const std::string ours = (dir.path() / "ours.db").string();
  const std::string theirs = (dir.path() / "theirs.db").string();
  for (const auto& [path, fixture] : {std::pair{ours, "dedup/numbered_a.xml"}, {theirs, "dedup/boilerplate.xml"}}) {
    Store store(path);
    const auto source = store.ensure_source(spec("https://source.example/feed", "Source"));
    store.ingest(source, load_feed(fixture), at("2025-12-17T12:00:00Z"));
    store.update_search_index();
    store.checkpoint();
  }
  remove_search_files(ours);
  std::filesystem::copy_file(theirs + "-search", ours + "-search");
  Store store(ours);
  wait_for_index(store);
  EXPECT_TRUE(titles_matching(store, "coach").empty()) << "the other store's words are found";
  EXPECT_EQ(count(store, "SELECT count(*) FROM search.items_fts"), count(store, "SELECT count(*) FROM items"));
}

// A database file restored from a copy older than its index: the index
// holds items newer than any the file has, whose ids new items will take.
TEST(SearchFile, AStoreRestoredFromAnOlderCopyGetsANewIndex) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  const std::string backup = (dir.path() / "backup.db").string();
  {
    Store store(path);
    ingest_portal(store, "dedup/numbered_a.xml");
    store.update_search_index();
    store.checkpoint();
    std::filesystem::copy_file(path, backup);
    const auto other = store.ensure_source(spec("https://other.example/feed", "Other"));
    store.ingest(other, load_feed("dedup/boilerplate.xml"), at("2025-12-17T12:00:00Z"));
    store.update_search_index();
    store.checkpoint();
  }
  std::filesystem::copy_file(backup, path, std::filesystem::copy_options::overwrite_existing);
  Store store(path);
  wait_for_index(store);
  EXPECT_TRUE(titles_matching(store, "coach").empty()) << "an item the restored file does not have is found";
  EXPECT_EQ(count(store, "SELECT count(*) FROM search.items_fts"), count(store, "SELECT count(*) FROM items"));
}

// A database of schema 11 kept its index in its own file: the next start
// moves it out (a rebuild from the items) and drops the old one.
TEST(SearchFile, ADatabaseOfSchema11GetsItsIndexInAFileOfItsOwn) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  {
    Store store(path);
    ingest_portal(store, "dedup/boilerplate.xml");
    store.checkpoint();
  }
  remove_search_files(path);
  {
    // What schema 11 held: the index in the store's file, a queue without
    // versions, no token.
    SqliteDatabase db(path);
    db.exec("DELETE FROM search_pending");
    db.exec("DROP TABLE search_identity");
    db.exec("ALTER TABLE search_pending DROP COLUMN version");
    db.exec("CREATE VIRTUAL TABLE items_fts USING fts5(title, body)");
    db.exec("INSERT INTO items_fts (rowid, title, body) SELECT id, title, '' FROM items");
    db.set_user_version(11);
  }
  Store store(path);
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
  EXPECT_EQ(count(store, "SELECT count(*) FROM main.sqlite_schema WHERE name = 'items_fts'"), 0);
  wait_for_index(store);
  EXPECT_EQ(titles_matching(store, "coach"), std::vector<std::string>{kCoachTitle});
}

// An index the indexer cannot write (here: its table dropped under it) is
// a health problem, logged by the daemon's health check and shown in
// /healthz, until a pass goes through again; the items wait in the queue.
TEST(SearchFile, AnIndexThatCannotBeWrittenIsAHealthProblemUntilItCanBe) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  Store store(path);
  const std::int64_t portal = ingest_portal(store, "dedup/numbered_a.xml");
  store.update_search_index();
  EXPECT_EQ(store.health_problem(), "");
  SqliteDatabase search(path + "-search");
  search.exec("DROP TABLE items_fts");

  store.ingest(portal, load_feed("dedup/boilerplate.xml"), at("2025-12-17T12:30:00Z"));
  EXPECT_EQ(store.update_search_index(), 0u);
  const std::string problem = store.health_problem();
  EXPECT_NE(problem.find("the full-text index store.db-search cannot be written: "), std::string::npos) << problem;
  EXPECT_EQ(problem.find(dir.path().string()), std::string::npos) << "a path in /healthz: " << problem;
  EXPECT_NE(problem.find("items_fts"), std::string::npos) << problem;  // what SQLite said
  EXPECT_GT(count(store, "SELECT count(*) FROM search_pending"), 0);

  search.exec(std::string("CREATE VIRTUAL TABLE items_fts USING fts5") + kSearchColumns);
  wait_for_index(store);  // a pass asked for (without one, the indexer retries on its own)
  EXPECT_EQ(store.health_problem(), "");
  EXPECT_EQ(titles_matching(store, "coach"), std::vector<std::string>{kCoachTitle});
  store.maintain(at("2025-12-17T13:00:00Z"));  // a write: takes what the indexer did off the queue
  EXPECT_EQ(count(store, "SELECT count(*) FROM search_pending"), 0);
}

// Nothing new may come to ask for another pass: a failed one is tried
// again on the indexer's own, until it goes through.
TEST(SearchFile, AFailedPassIsTriedAgainWithoutBeingAsked) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  Store store(path);
  ingest_portal(store, "dedup/boilerplate.xml");
  SqliteDatabase search(path + "-search");
  search.exec("DROP TABLE items_fts");
  SearchIndexer retrying(path, path + "-search", 20ms);
  EXPECT_FALSE(retrying.wait_until_indexed(10s));
  EXPECT_NE(retrying.last_error(), "");
  search.exec(std::string("CREATE VIRTUAL TABLE items_fts USING fts5") + kSearchColumns);
  for (int attempt = 0; attempt < 500 && retrying.indexed() == 0; ++attempt) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(retrying.indexed(), 2);
  EXPECT_EQ(retrying.last_error(), "");
}

// The indexer opens the store's file anew for a pass after a failure, and
// must not create it: with the file moved away, the pass fails, and its
// error (which names the path) reaches /healthz by file name only. Put
// back, the file is indexed again on the indexer's own within seconds,
// not after the longest wait between retries.
TEST(SearchFile, AStoreFileMovedAwayAndBackIsIndexedAgainWithinSeconds) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  Store store(path);
  ingest_portal(store, "dedup/boilerplate.xml");
  std::filesystem::rename(path, path + ".aside");
  EXPECT_EQ(store.update_search_index(), 0u);
  EXPECT_FALSE(std::filesystem::exists(path)) << "the indexer created the store's file";
  std::filesystem::rename(path + ".aside", path);
  const std::string problem = store.health_problem();
  EXPECT_NE(problem.find("cannot be written: cannot open database store.db"), std::string::npos) << problem;
  EXPECT_EQ(problem.find(dir.path().string()), std::string::npos) << "a path in /healthz: " << problem;
  std::string now = problem;
  for (int attempt = 0; attempt < 100 && !now.empty(); ++attempt) {
    std::this_thread::sleep_for(50ms);
    now = store.health_problem();
  }
  EXPECT_EQ(now, "") << "still failing 5 s after the file came back";
  EXPECT_EQ(titles_matching(store, "coach"), std::vector<std::string>{kCoachTitle});
}

// Away long enough for the indexer's retry wait to grow (1 s, 2 s, then
// 4 s): the health check that sees the file back has it try at once, so
// that /healthz does not stay 503 for the index until that wait ends.
TEST(SearchFile, AStoreFileBackAfterALongerAbsenceIsIndexedAtTheNextHealthCheck) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  Store store(path);
  ingest_portal(store, "dedup/boilerplate.xml");
  std::filesystem::rename(path, path + ".aside");
  const std::string away = store.health_problem();
  EXPECT_NE(away.find("deleted or moved away"), std::string::npos) << away;
  EXPECT_EQ(store.update_search_index(), 0u);  // fails, and is retried after 1 s and 2 s more
  std::this_thread::sleep_for(3500ms);
  std::filesystem::rename(path + ".aside", path);
  const auto back = std::chrono::steady_clock::now();
  std::string now = store.health_problem();
  for (int attempt = 0; attempt < 60 && !now.empty(); ++attempt) {
    std::this_thread::sleep_for(50ms);
    now = store.health_problem();
  }
  EXPECT_EQ(now, "");
  EXPECT_LT(std::chrono::steady_clock::now() - back, 2s) << "the index waited for its retry";
  EXPECT_EQ(titles_matching(store, "coach"), std::vector<std::string>{kCoachTitle});
}

TEST(SearchFile, AnIndexFileDeletedWhileOpenIsAHealthProblem) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.db").string();
  Store store(path);
  EXPECT_EQ(store.health_problem(), "");
  remove_search_files(path);
  const std::string problem = store.health_problem();
  EXPECT_NE(problem.find("the full-text index file store.db-search was deleted or moved away while open"),
            std::string::npos)
      << problem;
}

}  // namespace
}  // namespace tributary::store
