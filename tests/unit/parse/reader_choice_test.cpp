// Which format reader reads an XML document (by its root element), and
// where each looks for items: the same places whether an item is read
// while the parse runs (as it closes) or from the finished tree.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parse/parse.hpp"
#include "parse/xml_feed.hpp"

namespace tributary::parse {
namespace {

std::vector<std::string> titles_of(const ParsedFeed& feed) {
  std::vector<std::string> titles;
  for (const RawItem& item : feed.items) titles.push_back(item.title.value);
  return titles;
}

// The feed both ways libxml2 can be driven, which must agree.
ParsedFeed read(const std::string& document) {
  const ParseOutcome pulled = parse_xml_feed_pulled(document, {});
  const std::optional<ParseOutcome> pushed = parse_xml_feed_pushed(document, {}, kPushChunkSize);
  EXPECT_TRUE(pushed) << "a well-formed document is pushed";
  if (pushed) {
    EXPECT_EQ(*pushed, pulled);
  }
  if (!pulled.feed) throw std::runtime_error(pulled.error);
  return *pulled.feed;
}

TEST(ReaderChoice, RssRootGoesToTheRssReader) {
  const ParsedFeed feed = read(
      "<rss version=\"0.92\"><channel><title>C</title><item><title>a</title></item></channel>"
      "<item><title>outside</title></item></rss>");
  EXPECT_EQ(feed.format, FeedFormat::rss092);
  EXPECT_EQ(feed.feed.title.value, "C");
  EXPECT_EQ(titles_of(feed), (std::vector<std::string>{"a", "outside"}));
}

TEST(ReaderChoice, BareChannelIsReadAsRss20) {
  const ParsedFeed feed = read("<channel><title>C</title><item><title>a</title></item></channel>");
  EXPECT_EQ(feed.format, FeedFormat::rss20);
  EXPECT_EQ(feed.feed.title.value, "C");
  EXPECT_EQ(titles_of(feed), (std::vector<std::string>{"a"}));
}

TEST(ReaderChoice, FeedRootGoesToTheAtomReaderInItsOwnNamespace) {
  const ParsedFeed feed = read(
      "<feed xmlns=\"http://purl.org/atom/ns#\"><title>F</title><entry><title>e</title></entry>"
      "<entry xmlns=\"http://www.w3.org/2005/Atom\"><title>other namespace</title></entry></feed>");
  EXPECT_EQ(feed.format, FeedFormat::atom03);
  EXPECT_EQ(feed.feed.title.value, "F");
  EXPECT_EQ(titles_of(feed), (std::vector<std::string>{"e"}));
}

TEST(ReaderChoice, OnlyTheFirstChannelOfAnRssDocumentIsRead) {
  const ParsedFeed feed = read(
      "<rss version=\"2.0\"><channel><title>first</title><item><title>a</title></item></channel>"
      "<channel><title>second</title><item><title>b</title></item></channel></rss>");
  EXPECT_EQ(feed.feed.title.value, "first");
  EXPECT_EQ(titles_of(feed), (std::vector<std::string>{"a"}));
}

TEST(ReaderChoice, EveryChannelOfAnRdfDocumentIsRead) {
  const ParsedFeed feed = read(
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">"
      "<channel><title>C</title><item><title>a</title></item></channel>"
      "<channel><item><title>b</title></item></channel><item><title>c</title></item></rdf:RDF>");
  EXPECT_EQ(feed.format, FeedFormat::rss10);
  EXPECT_EQ(titles_of(feed), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ReaderChoice, ItemsElsewhereAreNotItems) {
  // Deeper than a channel, an Atom entry in RSS, an RSS item in Atom.
  EXPECT_TRUE(read("<rss><channel><x><item><title>a</title></item></x></channel></rss>").items.empty());
  EXPECT_TRUE(read("<rss><entry><title>a</title></entry></rss>").items.empty());
  EXPECT_TRUE(read("<feed xmlns=\"http://www.w3.org/2005/Atom\"><item><title>a</title></item></feed>").items.empty());
}

TEST(ReaderChoice, OtherRootsAreNoFeed) {
  EXPECT_EQ(parse_xml_feed("<opml version=\"2.0\"><body/></opml>", {}).error,
            "not a feed: unexpected root element <opml>");
  EXPECT_EQ(parse_xml_feed("<HTML><body/></HTML>", {}).error, "not a feed: the document is an HTML page");
}

}  // namespace
}  // namespace tributary::parse
