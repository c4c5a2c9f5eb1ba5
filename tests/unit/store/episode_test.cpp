// Podcast episodes in the store (issue 25, schema migrations 9 and 11): an
// episode's image, duration and iTunes and Podcasting 2.0 tags, and its
// podcast's artwork, author and category, come back as they went in; an edit of the
// tags alone is an update; a database of the schema before gains them and
// keeps its items; an episode stored before then is rewritten, with its
// tags, the next time its feed is polled.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/schema.hpp"
#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace test;
using std::chrono::seconds;

const StoredEntry& by_title(const std::vector<StoredEntry>& entries, const std::string& title) {
  const auto found = std::find_if(entries.begin(), entries.end(),
                                  [&](const StoredEntry& stored) { return stored.entry.title == title; });
  if (found == entries.end()) throw std::runtime_error("no entry titled " + title);
  return *found;
}

STORE_TESTS_ON_BOTH_ENGINES(Episodes);

TEST_P(Episodes, EveryPodcastTagComesBackAsItWentIn) {
  Store store = open_store();
  ingest_fixture(store, "podcast/night_shift.xml");
  const std::vector<StoredEntry> entries = store.query_stories({.limit = 10});
  ASSERT_EQ(entries.size(), 3u);
  const StoredEntry& third = by_title(entries, "Episode 3: The Baker at 4 AM");
  EXPECT_EQ(third.entry.duration, seconds{3723});
  EXPECT_EQ(third.entry.image_url, "https://nightshift.example/art/ep3.jpg");
  const normalize::EpisodeMeta expected{
      "1:02:03", false, 3, 1, "full", {{"https://nightshift.example/ep3.vtt", "text/vtt", "en", ""}}};
  EXPECT_EQ(third.entry.episode, expected);
  EXPECT_EQ(third.source_podcast_image_url, "https://nightshift.example/art/show-3000.jpg");
  EXPECT_EQ(third.source_podcast_author, "Night Shift Radio & Friends");
  EXPECT_EQ(third.source_podcast_category, (core::PodcastCategory{"Society & Culture", "Documentary"}));
  const StoredEntry& second = by_title(entries, "Episode 2: Night Nurses");
  EXPECT_EQ(second.entry.episode.is_explicit, true);
  EXPECT_EQ(second.entry.enclosures.at(0).type, "audio/x-m4a");
}

TEST_P(Episodes, AnEditOfTheTagsAloneIsAnUpdate) {
  Store store = open_store();
  const auto id = store.ensure_source(spec("https://feeds.example/podcast/night_shift.xml", "Night Shift"));
  normalize::NormalizedFeed feed = load_feed("podcast/night_shift.xml");
  store.ingest(id, feed, at("2025-12-17T12:00:00Z"));
  feed.entries[0].duration = seconds{3724};
  feed.entries[0].episode.duration_text = "1:02:04";
  const IngestResult again = store.ingest(id, feed, at("2025-12-17T13:00:00Z"));
  EXPECT_EQ(again.updated, 1);
  EXPECT_EQ(again.unchanged, 2);
  const std::vector<StoredEntry> entries = store.query_stories({.limit = 10});
  EXPECT_EQ(by_title(entries, "Episode 3: The Baker at 4 AM").entry.duration, seconds{3724});
}

TEST_P(Episodes, ItemsWithoutTagsStoreAnEmptyObject) {
  Store store = open_store();
  ingest_fixture(store, "podcast/newsroom.xml");
  EXPECT_EQ(count(store, "SELECT count(*) FROM items WHERE episode = '{}'"), 3);
  for (const StoredEntry& stored : store.query_stories({.limit = 10})) {
    EXPECT_TRUE(stored.entry.episode.empty());
    EXPECT_FALSE(stored.entry.duration);
  }
}

// A database of the schema before migration 9 (which is the last one and
// depends on migrations 1-6 only; 7 and 8 are WebSub's).
TEST(EpisodesOnSqlite, ADatabaseOfTheSchemaBeforeGainsTheTagsOnTheNextPoll) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "before.db").string();
  {
    Store store(path);  // today's schema, taken back to what the one before held
    ingest_fixture(store, "podcast/night_shift.xml");
  }
  {
    SqliteDatabase db(path);
    // The schema before hashed an item without its tags: a hash that differs.
    db.exec("UPDATE items SET content_hash = 'hashed without the tags'");
    db.exec("ALTER TABLE items DROP COLUMN episode");
    db.exec("ALTER TABLE sources DROP COLUMN podcast_image_url");
    db.exec("ALTER TABLE sources DROP COLUMN podcast_author");
    // Migration 10's objects too (filters, issue 20.3): the file is then
    // the schema 8 it claims to be.
    db.exec("DROP INDEX items_hidden");
    db.exec("ALTER TABLE items DROP COLUMN filtered_by");
    db.exec("DROP TABLE filter_state");
    // And migration 11's (the podcast's category).
    db.exec("ALTER TABLE sources DROP COLUMN podcast_category");
    db.exec("ALTER TABLE sources DROP COLUMN podcast_subcategory");
    // And migration 12's (the search index in a file of its own).
    db.exec("DROP TABLE search_identity");
    db.exec("ALTER TABLE search_pending DROP COLUMN version");
    db.exec("CREATE VIRTUAL TABLE items_fts USING fts5(title, body)");
    db.set_user_version(8);
  }
  Store store(path);
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
  std::vector<StoredEntry> entries = store.query_stories({.limit = 10});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(by_title(entries, "Episode 3: The Baker at 4 AM").entry.episode.empty());
  const auto id = store.ensure_source(spec("https://feeds.example/podcast/night_shift.xml", "podcast/night_shift.xml"));
  store.ingest(id, load_feed("podcast/night_shift.xml"), at("2025-12-17T13:00:00Z"));
  entries = store.query_stories({.limit = 10});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(by_title(entries, "Episode 3: The Baker at 4 AM").entry.episode.number, 3);
  EXPECT_EQ(by_title(entries, "Trailer").source_podcast_author, "Night Shift Radio & Friends");
}

// Migration 11 (the podcast's category, on sources): a database of schema
// 10 keeps its items and gains its podcasts' categories on the next poll.
TEST(EpisodesOnSqlite, ADatabaseOfSchema10GainsThePodcastsCategoryOnTheNextPoll) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "schema10.db").string();
  {
    Store store(path);
    ingest_fixture(store, "podcast/night_shift.xml");
  }
  {
    SqliteDatabase db(path);
    db.exec("ALTER TABLE sources DROP COLUMN podcast_category");
    db.exec("ALTER TABLE sources DROP COLUMN podcast_subcategory");
    // And migration 12's (the search index in a file of its own).
    db.exec("DROP TABLE search_identity");
    db.exec("ALTER TABLE search_pending DROP COLUMN version");
    db.exec("CREATE VIRTUAL TABLE items_fts USING fts5(title, body)");
    db.set_user_version(10);
  }
  Store store(path);
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
  std::vector<StoredEntry> entries = store.query_stories({.limit = 10});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(entries[0].source_podcast_category.empty());
  const auto id = store.ensure_source(spec("https://feeds.example/podcast/night_shift.xml", "podcast/night_shift.xml"));
  const IngestResult again = store.ingest(id, load_feed("podcast/night_shift.xml"), at("2025-12-17T13:00:00Z"));
  EXPECT_EQ(again.unchanged, 3) << "the items are as they were";
  entries = store.query_stories({.limit = 10});
  ASSERT_EQ(entries.size(), 3u);
  for (const StoredEntry& stored : entries)
    EXPECT_EQ(stored.source_podcast_category, (core::PodcastCategory{"Society & Culture", "Documentary"}));
}

}  // namespace
}  // namespace tributary::store
