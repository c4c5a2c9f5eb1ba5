// The parser on small RSS 2.0 and Atom 1.0 documents: what each field
// reads as, before normalization.
#include <gtest/gtest.h>

#include "parse/parse.hpp"
#include "support/temp_dir.hpp"

namespace tributary::parse {
namespace {

using testing::fixtures_dir;
using testing::read_text_file;

ParsedFeed parse_fixture(const std::string& name, const std::string& url = {}) {
  const std::string bytes = read_text_file(fixtures_dir() / "feeds" / name);
  ParseOutcome outcome = parse_feed(bytes, {url, {}, {}});
  if (!outcome.feed) throw std::runtime_error(name + ": " + outcome.error);
  return std::move(*outcome.feed);
}

TEST(RssParsing, ReadsChannelAndItems) {
  const ParsedFeed feed = parse_fixture("small_rss20.xml");
  EXPECT_EQ(feed.format, FeedFormat::rss20);
  EXPECT_FALSE(feed.is_recovered);
  EXPECT_EQ(feed.feed.title.value, "Sarajevo Daily");
  EXPECT_EQ(feed.feed.link, "https://sarajevo-daily.example/");
  EXPECT_EQ(feed.feed.self_link, "https://sarajevo-daily.example/feed/");
  EXPECT_EQ(feed.feed.lang, "en");
  ASSERT_EQ(feed.items.size(), 2u);

  const RawItem& first = feed.items[0];
  EXPECT_EQ(first.id, "sd-2025-1217-001");
  EXPECT_FALSE(first.is_guid_permalink);
  EXPECT_EQ(first.title.value, "Tram line 3 reopens after repairs");
  ASSERT_EQ(first.links.size(), 1u);
  EXPECT_EQ(first.links[0].href,
            "https://sarajevo-daily.example/2025/12/17/tram-line-3/?utm_source=rss&utm_medium=feed");
  EXPECT_EQ(first.published, "Wed, 17 Dec 2025 09:30:00 +0100");
  ASSERT_EQ(first.authors.size(), 1u);
  EXPECT_EQ(first.authors[0].name, "Amra Hodžić");
  EXPECT_EQ(first.categories, (std::vector<std::string>{"City", "Transport"}));
  EXPECT_EQ(first.summary.value, "The tram line between Baščaršija and Ilidža runs again.");
  EXPECT_EQ(first.content.type, TextType::html);
  EXPECT_NE(first.content.value.find("<b>Baščaršija</b>"), std::string::npos);

  const RawItem& second = feed.items[1];
  EXPECT_EQ(second.title.value, "Council approves winter budget & heating subsidy");
  EXPECT_TRUE(second.is_guid_permalink);
  EXPECT_EQ(second.summary.value, "<p>The city council approved the winter budget.</p>");
  ASSERT_EQ(second.enclosures.size(), 1u);
  EXPECT_EQ(second.enclosures[0].url, "https://sarajevo-daily.example/audio/council.mp3");
  EXPECT_EQ(second.enclosures[0].type, "audio/mpeg");
  EXPECT_EQ(second.enclosures[0].length, "1234567");
}

TEST(AtomParsing, ReadsFeedAndEntries) {
  const ParsedFeed feed = parse_fixture("small_atom10.xml", "https://beograd-wire.example/atom.xml");
  EXPECT_EQ(feed.format, FeedFormat::atom10);
  EXPECT_EQ(feed.feed.title.value, "Beograd Wire");
  EXPECT_EQ(feed.feed.id, "urn:uuid:6c0cb1a4-9a4e-4f0c-8a9e-0c2b2c0e5b11");
  EXPECT_EQ(feed.feed.link, "https://beograd-wire.example/");
  EXPECT_EQ(feed.feed.lang, "sr-Latn");
  ASSERT_EQ(feed.items.size(), 2u);

  const RawItem& first = feed.items[0];
  EXPECT_EQ(first.id, "tag:beograd-wire.example,2025:vesti/novi-most");
  EXPECT_EQ(first.title.type, TextType::html);
  EXPECT_EQ(first.title.value, "Novi most <em>otvoren</em>");
  EXPECT_EQ(first.published, "2025-12-17T08:15:00+01:00");
  EXPECT_EQ(first.updated, "2025-12-17T10:45:30Z");
  ASSERT_EQ(first.authors.size(), 1u);
  EXPECT_EQ(first.authors[0].name, "Jelena Petrović");
  EXPECT_EQ(first.authors[0].email, "jelena@beograd-wire.example");
  EXPECT_EQ(first.categories, (std::vector<std::string>{"Grad"}));
  EXPECT_EQ(first.content.type, TextType::xhtml);
  EXPECT_EQ(first.content.base, "https://beograd-wire.example/vesti/");
  EXPECT_NE(first.content.value.find("<strong>otvoren</strong>"), std::string::npos) << first.content.value;
  EXPECT_EQ(first.lang, "sr-Latn");

  const RawItem& second = feed.items[1];
  ASSERT_EQ(second.links.size(), 1u);
  EXPECT_EQ(second.links[0].href, "/vesti/koncert");
  EXPECT_EQ(second.links[0].rel, "alternate");
  EXPECT_EQ(second.content.type, TextType::html);
  EXPECT_EQ(second.content.value, "<p>Veliki koncert večeras.</p>");
}

TEST(FormatDetection, RejectsAnHtmlPage) {
  const ParseOutcome outcome = parse_feed("<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>");
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "not a feed: the document is an HTML page");
}

TEST(FormatDetection, RejectsAnEmptyDocument) {
  const ParseOutcome outcome = parse_feed("  \n ");
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "not a feed: the document is empty");
}

TEST(FormatDetection, ReadsJsonFeed) {
  const ParseOutcome outcome = parse_feed(R"({"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "items": [{"id": "1", "url": "https://j.example/1", "title": "One", "content_html": "<p>x</p>"}]})");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->format, FeedFormat::json11);
  ASSERT_EQ(outcome.feed->items.size(), 1u);
  EXPECT_EQ(outcome.feed->items[0].title.value, "One");
}

TEST(Recovery, KeepsCompleteItemsOfATruncatedDocument) {
  const std::string bytes = read_text_file(fixtures_dir() / "feeds" / "small_rss20.xml");
  const std::string truncated = bytes.substr(0, bytes.find("<enclosure"));
  const ParseOutcome outcome = parse_feed(truncated);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_TRUE(outcome.feed->is_recovered);
  EXPECT_FALSE(outcome.feed->recovery_reason.empty());
  ASSERT_GE(outcome.feed->items.size(), 1u);
  EXPECT_EQ(outcome.feed->items[0].title.value, "Tram line 3 reopens after repairs");
}

TEST(Security, DoesNotLoadExternalEntities) {
  testing::TempDir dir;
  const auto secret = dir.write("secret.txt", "TOP-SECRET-CONTENT");
  const std::string document = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://" +
                               secret.string() +
                               "\">]>\n<rss version=\"2.0\"><channel><title>t</title><item><title>&xxe;</title>"
                               "<link>https://x.example/1</link></item></channel></rss>";
  const ParseOutcome outcome = parse_feed(document);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  ASSERT_EQ(outcome.feed->items.size(), 1u);
  EXPECT_EQ(outcome.feed->items[0].title.value.find("TOP-SECRET"), std::string::npos);
}

}  // namespace
}  // namespace tributary::parse
