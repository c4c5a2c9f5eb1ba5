// Queries: by source, by tag, by full text, and paging without gaps.
#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace test;

class StoryQueries : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    store_.emplace(open_store());
    const auto a = store_->ensure_source(spec("https://numbered-a.example/feed", "A", {"politics", "weather"}));
    const auto b = store_->ensure_source(spec("https://numbered-b.example/feed", "B", {"culture"}));
    const auto portal = store_->ensure_source(spec("https://portal.example/feed", "Portal", {"city"}));
    store_->ingest(a, load_feed("dedup/numbered_a.xml"), at("2025-12-17T12:00:00Z"));
    store_->ingest(b, load_feed("dedup/numbered_b.xml"), at("2025-12-17T12:00:00Z"));
    store_->ingest(portal, load_feed("dedup/boilerplate.xml"), at("2025-12-17T12:00:00Z"));
  }

  std::vector<std::string> titles(const StoryQuery& query) {
    std::vector<std::string> result;
    for (const StoredEntry& entry : store_->query_stories(query)) result.push_back(entry.entry.title);
    return result;
  }

  std::optional<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Engines, StoryQueries, ::testing::Values(Engine::sqlite, Engine::postgresql), engine_name);

TEST_P(StoryQueries, NewestFirstAcrossSources) {
  EXPECT_EQ(titles({.limit = 3}), (std::vector<std::string>{"Football club signs a new head coach",
                                                            "Water supply interrupted in the old town",
                                                            // 12:00 both; the later story id first
                                                            "Airport adds winter routes"}));
}

TEST_P(StoryQueries, BySource) {
  EXPECT_EQ(titles({.limit = 10, .source_urls = {"https://numbered-b.example/feed"}}),
            (std::vector<std::string>{"Airport adds winter routes", "Theatre festival opens"}));
}

TEST_P(StoryQueries, ByTag) {
  EXPECT_EQ(titles({.limit = 10, .tags = {"culture", "city"}}).size(), 4u);
  EXPECT_EQ(titles({.limit = 10, .tags = {"weather"}}),
            (std::vector<std::string>{"Snow closes mountain roads", "Parliament adopts the budget"}));
}

// Full-text indexing is batched (store.hpp: update_search_index); what a
// store ingested is still found by its own next text query.
TEST(SearchIndex, QueuesIngestedItemsAndIndexesThemBeforeATextQuery) {
  Store store(":memory:");
  const auto portal = store.ensure_source(spec("https://portal.example/feed", "Portal"));
  store.ingest(portal, load_feed("dedup/boilerplate.xml"), at("2025-12-17T12:00:00Z"));
  EXPECT_EQ(count(store, "SELECT count(*) FROM items_fts"), 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM search_pending"), 2);
  EXPECT_EQ(store.query_stories({.limit = 10, .text = "coach"}).size(), 1u);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items_fts"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM search_pending"), 0);
  EXPECT_EQ(store.update_search_index(), 0u);  // nothing left
}

TEST(SearchIndex, IngestIndexesOnceABatchIsQueued) {
  Store store(":memory:");
  const auto source = store.ensure_source(spec("https://many.example/feed", "Many"));
  normalize::NormalizedFeed feed = load_feed("dedup/boilerplate.xml");
  const normalize::Entry model = feed.entries.front();
  feed.entries.clear();
  for (std::size_t i = 0; i < Store::kSearchBatch; ++i) {
    normalize::Entry entry = model;
    entry.identity_key = normalize::IdentityKey::from_id(std::to_string(i));
    entry.canonical_url = entry.url = "https://many.example/" + std::to_string(i);
    feed.entries.push_back(entry);
  }
  store.ingest(source, feed, at("2025-12-17T12:00:00Z"));
  EXPECT_EQ(count(store, "SELECT count(*) FROM items_fts"), static_cast<std::int64_t>(Store::kSearchBatch));
  EXPECT_EQ(count(store, "SELECT count(*) FROM search_pending"), 0);
}

TEST(SearchIndex, AnEditedItemIsFoundByItsNewWordsOnly) {
  Store store(":memory:");
  const auto portal = store.ensure_source(spec("https://portal.example/feed", "Portal"));
  normalize::NormalizedFeed feed = load_feed("dedup/boilerplate.xml");
  store.ingest(portal, feed, at("2025-12-17T12:00:00Z"));
  ASSERT_EQ(store.update_search_index(), 2u);
  ASSERT_EQ(store.query_stories({.limit = 10, .text = "signs"}).size(), 1u);  // a word of the title only
  for (normalize::Entry& entry : feed.entries)
    if (entry.title.find("coach") != std::string::npos) entry.title = "Football club hires a goalkeeper";
  EXPECT_EQ(store.ingest(portal, feed, at("2025-12-17T12:30:00Z")).updated, 1);
  EXPECT_EQ(store.query_stories({.limit = 10, .text = "goalkeeper"}).size(), 1u);
  EXPECT_TRUE(store.query_stories({.limit = 10, .text = "signs"}).empty());
  EXPECT_EQ(count(store, "SELECT count(*) FROM items_fts"), 2);
}

// The store keeps what it queued in memory (no read-back): an item edited
// again before its indexing is indexed with its last text, once.
TEST(SearchIndex, AnItemEditedTwiceBeforeItsIndexingIsFoundByItsLastWords) {
  Store store(":memory:");
  const auto portal = store.ensure_source(spec("https://portal.example/feed", "Portal"));
  normalize::NormalizedFeed feed = load_feed("dedup/boilerplate.xml");
  store.ingest(portal, feed, at("2025-12-17T12:00:00Z"));
  for (const char* word : {"albatross", "ocelot"}) {
    for (normalize::Entry& entry : feed.entries)
      if (entry.title.find("coach") != std::string::npos) {
        entry.summary_html = std::string("<p>The club thanks the ") + word + ".</p>";
        entry.text = std::string("The club thanks the ") + word + ".";
      }
    EXPECT_EQ(store.ingest(portal, feed, at("2025-12-17T12:30:00Z")).updated, 1) << word;
  }
  EXPECT_EQ(count(store, "SELECT count(*) FROM items_fts"), 0);
  EXPECT_EQ(store.query_stories({.limit = 10, .text = "ocelot"}).size(), 1u);
  EXPECT_TRUE(store.query_stories({.limit = 10, .text = "albatross"}).empty());
  EXPECT_EQ(count(store, "SELECT count(*) FROM items_fts"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM search_pending"), 0);
}

TEST(SearchIndex, MaintenanceIndexesWhatAnotherConnectionLeftQueued) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "queued.db").string();
  {
    Store crashed(path);  // ingests, then goes before indexing
    const auto portal = crashed.ensure_source(spec("https://portal.example/feed", "Portal"));
    crashed.ingest(portal, load_feed("dedup/boilerplate.xml"), at("2025-12-17T12:00:00Z"));
  }
  Store store(path);
  EXPECT_EQ(store.update_search_index(), 0u);  // not this store's queue
  store.maintain(at("2025-12-17T13:00:00Z"));
  EXPECT_EQ(store.query_stories({.limit = 10, .text = "coach"}).size(), 1u);  // waits for the indexer
  EXPECT_EQ(count(store, "SELECT count(*) FROM search_pending"), 0);
}

TEST_P(StoryQueries, ByFullText) {
  EXPECT_EQ(titles({.limit = 10, .text = "coach"}), (std::vector<std::string>{"Football club signs a new head coach"}));
  // Words in the body count too, all of them must match, case-insensitively.
  EXPECT_EQ(titles({.limit = 10, .text = "CORRODED main"}),
            (std::vector<std::string>{"Water supply interrupted in the old town"}));
  EXPECT_TRUE(titles({.limit = 10, .text = "coach corroded"}).empty());
  // Query syntax is text, not FTS5 operators.
  EXPECT_TRUE(titles({.limit = 10, .text = "\"NEAR(\" OR *"}).empty());
}

TEST_P(StoryQueries, PagingWalksEverythingWithoutGapsOrRepeats) {
  std::set<std::int64_t> seen;
  std::optional<StoryCursor> cursor;
  int pages = 0;
  for (; pages < 10; ++pages) {
    const auto page = store_->query_stories({.limit = 2, .before = cursor});
    if (page.empty()) break;
    for (const StoredEntry& entry : page) EXPECT_TRUE(seen.insert(entry.story_id).second) << "repeated story";
    cursor = StoryCursor{page.back().sort_time, page.back().story_id};
    const auto round_trip = parse_cursor(to_string(*cursor));
    ASSERT_TRUE(round_trip);
    EXPECT_EQ(round_trip->story_id, cursor->story_id);
  }
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(pages, 3);
}

TEST(StoryCursors, RejectMalformedText) {
  EXPECT_FALSE(parse_cursor(""));
  EXPECT_FALSE(parse_cursor("abc"));
  EXPECT_FALSE(parse_cursor("1765000000-"));
  EXPECT_FALSE(parse_cursor("1765000000-x"));
  EXPECT_FALSE(parse_cursor("1765000000-0"));
  EXPECT_TRUE(parse_cursor("1765000000-42"));
  // Out of range is not the epoch (from_chars leaves its output at 0).
  EXPECT_FALSE(parse_cursor("99999999999999999999-1"));
  EXPECT_FALSE(parse_cursor("1765000000-99999999999999999999"));
  EXPECT_EQ(parse_cursor("-86400-7")->sort_time, core::from_unix_seconds(-86400));
}

}  // namespace
}  // namespace tributary::store
