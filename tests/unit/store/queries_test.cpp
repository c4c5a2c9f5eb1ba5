// Queries: by source, by tag, by full text, and paging without gaps.
#include <gtest/gtest.h>

#include <set>

#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace test;

class StoryQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto a = store_.ensure_source(spec("https://numbered-a.example/feed", "A", {"politics", "weather"}));
    const auto b = store_.ensure_source(spec("https://numbered-b.example/feed", "B", {"culture"}));
    const auto portal = store_.ensure_source(spec("https://portal.example/feed", "Portal", {"city"}));
    store_.ingest(a, load_feed("dedup/numbered_a.xml"), at("2025-12-17T12:00:00Z"));
    store_.ingest(b, load_feed("dedup/numbered_b.xml"), at("2025-12-17T12:00:00Z"));
    store_.ingest(portal, load_feed("dedup/boilerplate.xml"), at("2025-12-17T12:00:00Z"));
  }

  std::vector<std::string> titles(const StoryQuery& query) {
    std::vector<std::string> result;
    for (const StoredEntry& entry : store_.query_stories(query)) result.push_back(entry.entry.title);
    return result;
  }

  Store store_{":memory:"};
};

TEST_F(StoryQueries, NewestFirstAcrossSources) {
  EXPECT_EQ(titles({.limit = 3}),
            (std::vector<std::string>{"Football club signs a new head coach", "Water supply interrupted in the old town",
                                      // 12:00 both; the later story id first
                                      "Airport adds winter routes"}));
}

TEST_F(StoryQueries, BySource) {
  EXPECT_EQ(titles({.limit = 10, .source_urls = {"https://numbered-b.example/feed"}}),
            (std::vector<std::string>{"Airport adds winter routes", "Theatre festival opens"}));
}

TEST_F(StoryQueries, ByTag) {
  EXPECT_EQ(titles({.limit = 10, .tags = {"culture", "city"}}).size(), 4u);
  EXPECT_EQ(titles({.limit = 10, .tags = {"weather"}}),
            (std::vector<std::string>{"Snow closes mountain roads", "Parliament adopts the budget"}));
}

TEST_F(StoryQueries, ByFullText) {
  EXPECT_EQ(titles({.limit = 10, .text = "coach"}), (std::vector<std::string>{"Football club signs a new head coach"}));
  // Words in the body count too, all of them must match, case-insensitively.
  EXPECT_EQ(titles({.limit = 10, .text = "CORRODED main"}),
            (std::vector<std::string>{"Water supply interrupted in the old town"}));
  EXPECT_TRUE(titles({.limit = 10, .text = "coach corroded"}).empty());
  // Query syntax is text, not FTS5 operators.
  EXPECT_TRUE(titles({.limit = 10, .text = "\"NEAR(\" OR *"}).empty());
}

TEST_F(StoryQueries, PagingWalksEverythingWithoutGapsOrRepeats) {
  std::set<std::int64_t> seen;
  std::optional<StoryCursor> cursor;
  int pages = 0;
  for (; pages < 10; ++pages) {
    const auto page = store_.query_stories({.limit = 2, .before = cursor});
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
}

}  // namespace
}  // namespace tributary::store
