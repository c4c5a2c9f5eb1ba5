// How stored stories come back for the feeds (issue 17): the order of items
// that tie on date, related links, a source's own copy in a view of that
// source, and the names sources are shown by.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normalize/fingerprint.hpp"
#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace test;

normalize::Entry item(const std::string& key, const std::string& url, std::optional<core::Timestamp> published) {
  normalize::Entry entry;
  entry.identity_key = normalize::IdentityKey::from_id(key);
  entry.original_id = key;
  entry.title = "Item " + key;
  entry.url = url;
  entry.canonical_url = url;
  entry.published = published;
  return entry;
}

// An item carrying the text of one wire story: items made by this are
// copies of one story (dedup level 3), whatever their URLs.
normalize::Entry story_item(const std::string& key, const std::string& url, core::Timestamp published) {
  const std::string text =
      "The new bridge over the Sava river opened to traffic on Wednesday morning, three years after "
      "construction began and two months ahead of the revised schedule. The city transport authority "
      "said the crossing would carry up to forty thousand vehicles a day and relieve the old bridge.";
  normalize::Entry entry = item(key, url, published);
  entry.title = "Bridge over the Sava opens";
  entry.content_html = "<p>" + text + "</p>";
  entry.story_keys = normalize::story_keys(text);
  entry.word_count = normalize::count_words(entry.title) + normalize::count_words(text);
  return entry;
}

normalize::NormalizedFeed feed_of(std::vector<normalize::Entry> entries, std::string title = "A Feed") {
  normalize::NormalizedFeed feed;
  feed.feed.title = std::move(title);
  feed.entries = std::move(entries);
  return feed;
}

std::vector<std::string> titles(const std::vector<StoredEntry>& entries) {
  std::vector<std::string> out;
  for (const StoredEntry& stored : entries) out.push_back(stored.entry.title);
  return out;
}

STORE_TESTS_ON_BOTH_ENGINES(StoryOrder);

TEST_P(StoryOrder, UndatedItemsKeepTheDocumentsOrder) {
  Store store = open_store();
  const auto id = store.ensure_source(spec("https://a.example/feed", "A"));
  store.ingest(id,
               feed_of({item("1", "https://a.example/1", std::nullopt), item("2", "https://a.example/2", std::nullopt),
                        item("3", "https://a.example/3", std::nullopt)}),
               at("2026-11-30T10:00:00Z"));
  EXPECT_EQ(titles(store.newest_entries(10)), (std::vector<std::string>{"Item 1", "Item 2", "Item 3"}));
}

TEST_P(StoryOrder, ItemsSharingOneDateKeepTheDocumentsOrder) {
  Store store = open_store();
  const auto id = store.ensure_source(spec("https://a.example/feed", "A"));
  const auto noon = at("2026-11-30T12:00:00Z");
  store.ingest(
      id,
      feed_of({item("new", "https://a.example/new", at("2026-11-30T13:00:00Z")), item("x", "https://a.example/x", noon),
               item("y", "https://a.example/y", noon), item("z", "https://a.example/z", noon),
               item("old", "https://a.example/old", at("2026-11-29T08:00:00Z"))}),
      at("2026-11-30T14:00:00Z"));
  EXPECT_EQ(titles(store.newest_entries(10)),
            (std::vector<std::string>{"Item new", "Item x", "Item y", "Item z", "Item old"}));
}

TEST_P(StoryOrder, ANewUndatedItemOnTheNextPollComesFirst) {
  Store store = open_store();
  const auto id = store.ensure_source(spec("https://a.example/feed", "A"));
  store.ingest(
      id, feed_of({item("1", "https://a.example/1", std::nullopt), item("2", "https://a.example/2", std::nullopt)}),
      at("2026-11-30T10:00:00Z"));
  store.ingest(id,
               feed_of({item("0", "https://a.example/0", std::nullopt), item("1", "https://a.example/1", std::nullopt),
                        item("2", "https://a.example/2", std::nullopt)}),
               at("2026-11-30T10:15:00Z"));
  EXPECT_EQ(titles(store.newest_entries(10)), (std::vector<std::string>{"Item 0", "Item 1", "Item 2"}));
}

TEST_P(StoryOrder, AnItemListedTwiceInOneDocumentIsStoredOnce) {
  Store store = open_store();
  const auto id = store.ensure_source(spec("https://a.example/feed", "A"));
  normalize::Entry first = item("1", "https://a.example/1", std::nullopt);
  normalize::Entry again = first;
  again.title = "Item 1, listed again";
  const IngestResult result = store.ingest(id, feed_of({first, item("2", "https://a.example/2", std::nullopt), again}),
                                           at("2026-11-30T10:00:00Z"));
  EXPECT_EQ(result.new_items, 2);
  EXPECT_EQ(titles(store.newest_entries(10)), (std::vector<std::string>{"Item 1", "Item 2"}));
}

STORE_TESTS_ON_BOTH_ENGINES(RelatedLinks);

TEST_P(RelatedLinks, NeverTheEntrysOwnPageNorOnePageTwice) {
  Store store = open_store();
  // One blog subscribed as Atom and as RSS, an aggregator linking the post
  // with tracking parameters and another its AMP edition: all one page.
  const auto atom = store.ensure_source(spec("https://blog.example/atom.xml", "Blog (Atom)"));
  const auto rss = store.ensure_source(spec("https://blog.example/rss.xml", "Blog (RSS)"));
  const auto when = at("2026-11-30T09:00:00Z");
  store.ingest(atom, feed_of({item("a", "https://blog.example/post", when)}), when);
  store.ingest(rss, feed_of({item("b", "https://blog.example/post", when)}), when);
  normalize::Entry tracked = item("c", "https://blog.example/post?utm_source=x&fbclid=y", when);
  tracked.canonical_url = "https://blog.example/post";  // as normalize writes it
  store.ingest(store.ensure_source(spec("https://other.example/feed", "Other")), feed_of({tracked}), when);
  store.ingest(store.ensure_source(spec("https://fourth.example/feed", "Fourth")),
               feed_of({item("d", "https://blog.example/amp/post", when)}), when);

  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].entry.url, "https://blog.example/post");
  EXPECT_TRUE(entries[0].copies.empty()) << entries[0].copies[0].url;
}

TEST_P(RelatedLinks, CarryTheCopysCanonicalUrl) {
  Store store = open_store();
  const auto when = at("2026-11-30T09:00:00Z");
  store.ingest(store.ensure_source(spec("https://first.example/feed", "First")),
               feed_of({story_item("1", "https://first.example/story", when)}), when);
  normalize::Entry copy = story_item("2", "https://second.example/story?utm_source=feed&fbclid=x", when);
  copy.canonical_url = "https://second.example/story";  // as normalize writes it
  store.ingest(store.ensure_source(spec("https://second.example/feed", "Second")), feed_of({copy}), when);

  const auto entries = store.newest_entries(10);
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_EQ(entries[0].copies.size(), 1u);
  EXPECT_EQ(entries[0].copies[0].url, "https://second.example/story");
  EXPECT_EQ(entries[0].copies[0].source_name, "Second");
}

STORE_TESTS_ON_BOTH_ENGINES(StoryUrls);

// Dedup level 2: an item whose story URL stored items already carry joins
// the story of the first of them from another source, else its own
// source's first; here two stories share one URL (as after a merge was
// undone by hand) so that the choice shows.
TEST_P(StoryUrls, AnItemJoinsAnotherSourcesStoryFirst) {
  Store store = open_store();
  const auto a = store.ensure_source(spec("https://a.example/feed", "A"));
  const auto b = store.ensure_source(spec("https://b.example/feed", "B"));
  const auto c = store.ensure_source(spec("https://c.example/feed", "C"));
  const std::string url = "https://news.example/2026/12/05/bridge";
  store.ingest(a, feed_of({item("a1", url, at("2026-12-05T08:00:00Z"))}), at("2026-12-05T09:00:00Z"));
  store.ingest(b, feed_of({item("b1", "https://b.example/bridge", at("2026-12-05T08:05:00Z"))}),
               at("2026-12-05T09:00:00Z"));
  Database& db = database_of(store);
  db.exec(
      "UPDATE items SET story_url = (SELECT story_url FROM items WHERE original_id = 'a1') "
      "WHERE original_id = 'b1'");
  const auto story_of = [&](const std::string& key) {
    return count(store, "SELECT story_id FROM items WHERE original_id = '" + key + "'");
  };
  ASSERT_NE(story_of("a1"), story_of("b1"));

  store.ingest(a, feed_of({item("a1", url, at("2026-12-05T08:00:00Z")), item("a2", url, at("2026-12-05T08:10:00Z"))}),
               at("2026-12-05T09:10:00Z"));
  EXPECT_EQ(story_of("a2"), story_of("b1"));  // B's, though A's own item came first
  store.ingest(c, feed_of({item("c1", url, at("2026-12-05T08:20:00Z"))}), at("2026-12-05T09:20:00Z"));
  EXPECT_EQ(story_of("c1"), story_of("a1"));  // the first by id, all being others'
}

STORE_TESTS_ON_BOTH_ENGINES(SourceViews);

TEST_P(SourceViews, AViewOfOneSourceShowsThatSourcesCopy) {
  Store store = open_store();
  const auto first = store.ensure_source(spec("https://first.example/feed", "First"));
  const auto second = store.ensure_source(spec("https://second.example/feed", "Second"));
  normalize::Entry original = story_item("1", "https://first.example/story", at("2026-11-30T08:00:00Z"));
  original.title = "First's headline on the new bridge";
  normalize::Entry copy = story_item("2", "https://second.example/story", at("2026-11-30T09:00:00Z"));
  copy.title = "Second's headline on the new bridge";
  store.ingest(first, feed_of({original}), at("2026-11-30T08:00:00Z"));
  store.ingest(second, feed_of({copy}), at("2026-11-30T09:00:00Z"));

  StoryQuery query;
  query.source_urls = {"https://second.example/feed"};
  const auto view = store.query_stories(query);
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0].entry.title, "Second's headline on the new bridge");
  EXPECT_EQ(view[0].source_name, "Second");
  ASSERT_EQ(view[0].copies.size(), 1u);
  EXPECT_EQ(view[0].copies[0].url, "https://first.example/story");

  const auto merged = store.newest_entries(10);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].entry.title, "First's headline on the new bridge");  // the first publisher, in the merged feed
}

STORE_TESTS_ON_BOTH_ENGINES(SourceNames);

TEST_P(SourceNames, AnUnnamedSourceIsShownByItsFeedsTitleOnceKnown) {
  Store store = open_store();
  config::SourceSpec unnamed;
  unnamed.url = "https://host.example/feed";
  unnamed.name = "host.example";  // what config gives a source without a name
  const auto id = store.ensure_source(unnamed);
  ASSERT_EQ(store.sources().size(), 1u);
  EXPECT_EQ(display_name(store.sources()[0]), "host.example");  // before the first poll

  store.ingest(id, feed_of({item("1", "https://host.example/1", at("2026-11-30T08:00:00Z"))}, "Host Daily"),
               at("2026-11-30T08:00:00Z"));
  EXPECT_EQ(display_name(store.sources()[0]), "Host Daily");
  EXPECT_EQ(store.newest_entries(1).at(0).source_name, "Host Daily");

  config::SourceSpec named = unnamed;
  named.name = "My name for it";
  named.is_named = true;
  store.ensure_source(named);
  EXPECT_EQ(display_name(store.sources()[0]), "My name for it");
  EXPECT_EQ(store.newest_entries(1).at(0).source_name, "My name for it");
}

STORE_TESTS_ON_BOTH_ENGINES(PollRecords);

TEST_P(PollRecords, APeersBytesAreStoredAsOneCleanLine) {
  Store store = open_store();
  const auto id = store.ensure_source(spec("https://a.example/feed", "A"));
  PollRecord poll;
  poll.polled_at = at("2026-11-30T08:00:00Z");
  poll.error = std::string("http: HTTP 500 Bad\xff\xfe reason\r\nX-Injected: yes\x01");
  store.record_poll(id, poll);
  EXPECT_EQ(store.sources().at(0).last_error, "http: HTTP 500 Bad reason X-Injected: yes");
}

}  // namespace
}  // namespace tributary::store
