// Retention: by count and age, never what the feed still lists, tombstones
// against resurrection, removed sources, and the story bookkeeping.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace test;

// churn_poll1.xml lists four items published 10:00, 11:00, 12:00, 13:00.
normalize::NormalizedFeed first_items(std::size_t count_to_keep) {
  normalize::NormalizedFeed feed = load_feed("dedup/churn_poll1.xml");
  // Keep the newest `count_to_keep` (the document lists oldest first).
  feed.entries.erase(feed.entries.begin(), feed.entries.end() - static_cast<std::ptrdiff_t>(count_to_keep));
  return feed;
}

STORE_TESTS_ON_BOTH_ENGINES(Retention);

TEST_P(Retention, KeepsEverythingTheDocumentStillListsEvenBeyondTheCount) {
  StoreOptions options;
  options.retention_items = 2;
  Store store = open_store(options);
  const auto id = store.ensure_source(spec("https://churn.example/feed"));
  store.ingest(id, first_items(4), at("2025-12-17T14:00:00Z"));
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 4);
}

TEST(RetentionOnSqlite, DropsUnlistedItemsBeyondTheNewestN) {
  StoreOptions options;
  options.retention_items = 2;
  Store store(":memory:", options);
  const auto id = store.ensure_source(spec("https://churn.example/feed"));
  store.ingest(id, first_items(4), at("2025-12-17T14:00:00Z"));
  store.ingest(id, first_items(2), at("2025-12-17T15:00:00Z"));
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM tombstones"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 2);  // empty stories go
  EXPECT_EQ(store.update_search_index(), 2u);                  // the purged ones left the search queue
  EXPECT_EQ(count(store, "SELECT count(*) FROM items_fts"), 2);
}

// The per-poll retention finds items by age and by count in one statement
// (UNION ALL): an item both too old and beyond the count is found twice and
// goes as one, with one tombstone.
TEST_P(Retention, AnItemBothTooOldAndBeyondTheCountGoesWithOneTombstone) {
  StoreOptions options;
  options.retention_items = 2;
  options.retention_age = std::chrono::hours(2);
  Store store = open_store(options);
  const auto id = store.ensure_source(spec("https://churn.example/feed"));
  store.ingest(id, first_items(4), at("2025-12-17T13:30:00Z"));
  // At 15:00 the items of 10:00 and 11:00 are unlisted, older than two
  // hours and beyond the newest two: each for both reasons.
  store.ingest(id, first_items(2), at("2025-12-17T15:00:00Z"));
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM tombstones"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 2);
  EXPECT_EQ(store.source(id)->item_count, 2);
  EXPECT_TRUE(store.is_writable());
}

TEST_P(Retention, PurgedItemThatTheFeedListsAgainIsNotNewAgain) {
  StoreOptions options;
  options.retention_items = 2;
  Store store = open_store(options);
  const auto id = store.ensure_source(spec("https://churn.example/feed"));
  store.ingest(id, first_items(4), at("2025-12-17T14:00:00Z"));
  store.ingest(id, first_items(2), at("2025-12-17T15:00:00Z"));
  const IngestResult again = store.ingest(id, first_items(4), at("2025-12-17T16:00:00Z"));
  EXPECT_EQ(again.new_items, 0);
  EXPECT_EQ(again.unchanged, 4);
}

TEST_P(Retention, MaintenancePurgesUnlistedItemsOlderThanTheMaximumAge) {
  StoreOptions options;
  options.retention_age = std::chrono::days(30);
  Store store = open_store(options);
  const auto id = store.ensure_source(spec("https://churn.example/feed"));
  store.ingest(id, first_items(4), at("2025-12-17T14:00:00Z"));
  store.ingest(id, first_items(1), at("2025-12-17T15:00:00Z"));  // three drop off the feed
  const MaintenanceResult result = store.maintain(at("2026-02-01T00:00:00Z"));
  EXPECT_EQ(result.purged_items, 3);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 1);  // still listed: kept although old
}

TEST_P(Retention, TombstonesExpire) {
  StoreOptions options;
  options.retention_items = 1;
  options.tombstone_age = std::chrono::days(10);
  Store store = open_store(options);
  const auto id = store.ensure_source(spec("https://churn.example/feed"));
  store.ingest(id, first_items(2), at("2025-12-17T14:00:00Z"));
  store.ingest(id, first_items(1), at("2025-12-17T15:00:00Z"));
  EXPECT_EQ(count(store, "SELECT count(*) FROM tombstones"), 1);
  EXPECT_EQ(store.maintain(at("2026-01-10T00:00:00Z")).expired_tombstones, 1);
  EXPECT_EQ(count(store, "SELECT count(*) FROM tombstones"), 0);
}

TEST_P(Retention, SourceRemovedFromTheConfigGoesAfterTheGracePeriod) {
  Store store = open_store();
  const auto kept = store.ensure_source(spec("https://kept.example/feed"));
  const auto dropped = store.ensure_source(spec("https://dropped.example/feed"));
  store.ingest(dropped, load_feed("dedup/boilerplate.xml"), at("2025-12-17T12:00:00Z"));
  store.retire_sources_except({kept}, at("2025-12-18T00:00:00Z"));
  EXPECT_EQ(store.maintain(at("2025-12-20T00:00:00Z")).removed_sources, 0);  // within 7 days
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 2);
  const MaintenanceResult later = store.maintain(at("2025-12-26T00:00:00Z"));
  EXPECT_EQ(later.removed_sources, 1);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM stories"), 0);
  EXPECT_EQ(count(store, "SELECT count(*) FROM sources"), 1);
}

TEST_P(Retention, SourceThatComesBackIsNoLongerRemoved) {
  Store store = open_store();
  const auto id = store.ensure_source(spec("https://back.example/feed"));
  store.retire_sources_except({}, at("2025-12-18T00:00:00Z"));
  EXPECT_TRUE(store.source(id)->removed_at);
  store.ensure_source(spec("https://back.example/feed"));
  EXPECT_FALSE(store.source(id)->removed_at);
}

TEST_P(Retention, PurgingAStoryPrimaryPromotesTheNextCopy) {
  StoreOptions options;
  options.retention_age = std::chrono::days(30);
  Store store = open_store(options);
  const auto a = store.ensure_source(spec("https://news-a.example/feed", "A"));
  const auto b = store.ensure_source(spec("https://news-b.example/feed", "B"));
  store.ingest(a, load_feed("dedup/wire_a.xml"), at("2025-12-17T12:00:00Z"));
  store.ingest(b, load_feed("dedup/wire_b.xml"), at("2025-12-17T12:00:00Z"));
  store.ingest(a, normalize::NormalizedFeed{}, at("2025-12-18T12:00:00Z"));  // A's item drops off its feed
  store.maintain(at("2026-02-01T00:00:00Z"));
  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].entry.url, "https://news-b.example/world/sava-bridge-b");
  EXPECT_TRUE(entries[0].copies.empty());
}

}  // namespace
}  // namespace tributary::store
