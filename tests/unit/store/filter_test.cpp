// [[filter]] in the store (issue 20.3): hidden items are kept and marked,
// never listed — not in the newest stories, by source, by tag, by text, nor
// as a story's primary — and a change of filters judges what is stored
// again, hiding and bringing back.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace test;

config::FilterSpec block(std::string pattern, std::vector<std::string> sources = {},
                         config::FilterField field = config::FilterField::title) {
  config::FilterSpec filter;
  filter.action = config::FilterAction::block;
  filter.field = field;
  filter.pattern = std::move(pattern);
  filter.sources = std::move(sources);
  return filter;
}

StoreOptions with_filters(std::vector<config::FilterSpec> filters, std::string signature) {
  StoreOptions options;
  options.filters = std::make_shared<const filter::FilterSet>(std::move(filters));
  options.filter_signature = std::move(signature);
  return options;
}

std::vector<std::string> titles(Store& store, const StoryQuery& query = {.limit = 50}) {
  std::vector<std::string> result;
  for (const StoredEntry& entry : store.query_stories(query)) result.push_back(entry.entry.title);
  return result;
}

void refilter_all(Store& store) {
  for (int batch = 0; batch < 100; ++batch)
    if (store.refilter(1, at("2025-12-18T00:00:00Z")).is_done) return;
  FAIL() << "refilter did not finish";
}

constexpr const char* kNumberedA = "https://numbered-a.example/feed";
constexpr const char* kNumberedB = "https://numbered-b.example/feed";

class FilteredStore : public EngineTest {
 protected:
  void ingest_numbered(Store& store) {
    const auto a = store.ensure_source(spec(kNumberedA, "A", {"politics"}));
    const auto b = store.ensure_source(spec(kNumberedB, "B", {"culture"}));
    store.ingest(a, load_feed("dedup/numbered_a.xml"), at("2025-12-17T12:00:00Z"));
    store.ingest(b, load_feed("dedup/numbered_b.xml"), at("2025-12-17T12:00:00Z"));
  }
};

INSTANTIATE_TEST_SUITE_P(Engines, FilteredStore, ::testing::Values(Engine::sqlite, Engine::postgresql), engine_name);

TEST_P(FilteredStore, AnItemBlockedAtIngestIsKeptMarkedAndListedNowhere) {
  Store store = open_store(with_filters({block("(?i)budget")}, "s1"));
  ingest_numbered(store);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 4);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items WHERE filtered_by = 'block title \"(?i)budget\"'"), 1);
  const std::vector<std::string> shown = titles(store);
  EXPECT_EQ(shown.size(), 3u);
  EXPECT_EQ(std::count(shown.begin(), shown.end(), "Parliament adopts the budget"), 0);
  EXPECT_EQ(titles(store, {.limit = 10, .source_urls = {kNumberedA}}),
            (std::vector<std::string>{"Snow closes mountain roads"}));
  EXPECT_EQ(titles(store, {.limit = 10, .tags = {"politics"}}),
            (std::vector<std::string>{"Snow closes mountain roads"}));
  EXPECT_TRUE(titles(store, {.limit = 10, .text = "budget"}).empty());
  const std::vector<SourceRecord> sources = store.sources();
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].name, "A");
  EXPECT_EQ(sources[0].hidden_items, 1);
  EXPECT_EQ(sources[1].hidden_items, 0);
}

TEST_P(FilteredStore, PagingSkipsHiddenStoriesWithoutGaps) {
  Store store = open_store(with_filters({block("Snow|Theatre")}, "s1"));
  ingest_numbered(store);
  std::vector<std::string> paged;
  std::optional<StoryCursor> cursor;
  for (int page = 0; page < 5; ++page) {
    const std::vector<StoredEntry> entries = store.query_stories({.limit = 1, .before = cursor});
    if (entries.empty()) break;
    paged.push_back(entries[0].entry.title);
    cursor = entries[0].cursor;
  }
  EXPECT_EQ(paged, titles(store));
  EXPECT_EQ(paged.size(), 2u);
}

STORE_TESTS_ON_BOTH_ENGINES(FilteredStories);

TEST_P(FilteredStories, AStoryWhosePrimaryIsHiddenShowsAnotherCopy) {
  // utm_a (08:00) is the story's first publisher, utm_b (09:00) a copy.
  Store store = open_store(with_filters({block(".", {"https://feeds.example/dedup/utm_a.xml"})}, "s1"));
  ingest_fixture(store, "dedup/utm_a.xml");
  ingest_fixture(store, "dedup/utm_b.xml");
  const std::vector<StoredEntry> entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].source_name, "dedup/utm_b.xml");
  EXPECT_TRUE(entries[0].copies.empty()) << "the hidden copy is not linked either";
}

TEST_P(FilteredStories, AStoryWhoseEveryCopyIsHiddenDisappears) {
  Store store = open_store(with_filters({block("Sava")}, "s1"));
  ingest_fixture(store, "dedup/utm_a.xml");
  ingest_fixture(store, "dedup/utm_b.xml");
  EXPECT_TRUE(store.newest_entries(10).empty());
  EXPECT_EQ(count(store, "SELECT count(*) FROM items"), 2);
}

TEST_P(FilteredStore, RefilterHidesStoredItemsAndBringsThemBack) {
  Store store = open_store();
  ingest_numbered(store);
  ASSERT_EQ(titles(store).size(), 4u);
  store.set_filters(std::make_shared<const filter::FilterSet>(std::vector{block("Airport|Theatre")}), "s1");
  RefilterStep total;
  for (int batch = 0; batch < 10 && !total.is_done; ++batch) {
    const RefilterStep step = store.refilter(1, at("2025-12-18T00:00:00Z"));
    total.examined += step.examined;
    total.hidden += step.hidden;
    total.is_done = step.is_done;
  }
  EXPECT_TRUE(total.is_done);
  EXPECT_EQ(total.examined, 4u);
  EXPECT_EQ(total.hidden, 2u);
  EXPECT_EQ(titles(store), (std::vector<std::string>{"Snow closes mountain roads", "Parliament adopts the budget"}));
  EXPECT_EQ(store.refilter(1, at("2025-12-18T00:00:00Z")).examined, 0u) << "the same signature: nothing to do";

  store.set_filters(nullptr, "");
  refilter_all(store);
  EXPECT_EQ(titles(store).size(), 4u);
  EXPECT_EQ(count(store, "SELECT count(*) FROM items WHERE filtered_by <> ''"), 0);
}

TEST_P(FilteredStore, ANewStoreWithFiltersJudgesWhatAnotherConfigurationStored) {
  const StoreLocation path = new_location();
  {
    Store store(path);
    ingest_numbered(store);
  }
  Store store(path, with_filters({block("Snow")}, "s1"));
  EXPECT_EQ(titles(store).size(), 4u) << "not judged yet";
  refilter_all(store);
  EXPECT_EQ(titles(store).size(), 3u);
  Store again(path, with_filters({block("Snow")}, "s1"));
  EXPECT_TRUE(again.refilter(Store::kRefilterBatch, at("2025-12-18T00:00:00Z")).is_done);
  EXPECT_EQ(again.refilter(Store::kRefilterBatch, at("2025-12-18T00:00:00Z")).examined, 0u);
}

TEST_P(FilteredStore, FilterableItemsCarryWhatFiltersRead) {
  Store store = open_store(with_filters({block("Snow")}, "s1"));
  ingest_numbered(store);
  const std::vector<FilterableItem> items = store.filterable_items(0, 10);
  ASSERT_EQ(items.size(), 4u);
  const auto snow = std::find_if(items.begin(), items.end(),
                                 [](const FilterableItem& item) { return item.title == "Snow closes mountain roads"; });
  ASSERT_NE(snow, items.end());
  EXPECT_EQ(snow->source_url, kNumberedA);
  EXPECT_EQ(snow->source_name, "A");
  EXPECT_EQ(snow->source_tags, (std::vector<std::string>{"politics"}));
  EXPECT_EQ(snow->filtered_by, "block title \"Snow\"");
  EXPECT_FALSE(snow->content_text.empty());
  EXPECT_EQ(snow->content_text.find('<'), std::string::npos) << "text, not markup";
  EXPECT_EQ(store.filterable_items(items[1].item_id, 10).size(), 2u);
}

}  // namespace
}  // namespace tributary::store
