// The parser on small RSS 2.0 and Atom 1.0 documents: what each field
// reads as, before normalization; and what must stay true although items
// are read (and freed) one by one as the parser closes them.
#include "parse/parse.hpp"

#include <gtest/gtest.h>

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

ParsedFeed parse_text(const std::string& document, const ParseOptions& options = {}) {
  ParseOutcome outcome = parse_feed(document, options);
  if (!outcome.feed) throw std::runtime_error(outcome.error);
  return std::move(*outcome.feed);
}

std::string rss_item(int number, const std::string& extra = {}) {
  const std::string n = std::to_string(number);
  return "<item><title>Item " + n + "</title><guid>id-" + n + "</guid><link>https://s.example/" + n + "</link>" +
         extra + "</item>";
}

TEST(ItemStreaming, ChannelXmlBaseAndLangReachEveryItem) {
  std::string document =
      "<rss version=\"2.0\"><channel xml:base=\"https://s.example/news/\" xml:lang=\"hr\"><title>S</title>\n";
  for (int i = 1; i <= 3; ++i)
    document += rss_item(i, "<enclosure url=\"a" + std::to_string(i) + ".mp3\" type=\"audio/mpeg\"/>") + "\n";
  document += "<item xml:base=\"sub/\" xml:lang=\"en\"><title>Own</title><link>own</link></item></channel></rss>";
  const ParsedFeed feed = parse_text(document);
  EXPECT_EQ(feed.feed.base, "https://s.example/news/");
  EXPECT_EQ(feed.feed.lang, "hr");
  ASSERT_EQ(feed.items.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(feed.items[i].base, "https://s.example/news/");
    EXPECT_EQ(feed.items[i].lang, "hr");
    EXPECT_EQ(feed.items[i].enclosures.at(0).base, "https://s.example/news/");
  }
  EXPECT_EQ(feed.items[3].base, "https://s.example/news/sub/");
  EXPECT_EQ(feed.items[3].lang, "en");
  EXPECT_EQ(feed.items[3].links.at(0).base, "https://s.example/news/sub/");
}

TEST(ItemStreaming, XmlLangOnOneItemOnlyScopesThatItem) {
  const ParsedFeed feed =
      parse_text("<rss version=\"2.0\"><channel><title>S</title>" + rss_item(1) +
                 "<item xml:lang=\"fr\"><title>Deux</title></item>" + rss_item(3) + "</channel></rss>");
  ASSERT_EQ(feed.items.size(), 3u);
  EXPECT_EQ(feed.items[0].lang, "");
  EXPECT_EQ(feed.items[1].lang, "fr");
  EXPECT_EQ(feed.items[2].lang, "");
  EXPECT_EQ(feed.feed.lang, "");
}

TEST(ItemStreaming, KeepsDocumentOrderAcrossChannelAndRootItems) {
  const ParsedFeed feed = parse_text("<rss version=\"2.0\">" + rss_item(1) + "<channel><title>S</title>" + rss_item(2) +
                                     "<ttl>5</ttl>" + rss_item(3) + "</channel>" + rss_item(4) + "</rss>");
  ASSERT_EQ(feed.items.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(feed.items[i].id, "id-" + std::to_string(i + 1));
  EXPECT_EQ(feed.feed.title.value, "S");
  EXPECT_EQ(feed.feed.ttl, std::chrono::minutes{5});
}

TEST(ItemStreaming, ReadsOnlyTheFirstChannelOfAnRssDocument) {
  const ParsedFeed feed = parse_text("<rss version=\"2.0\"><channel><title>One</title>" + rss_item(1) +
                                     "</channel><channel><title>Two</title>" + rss_item(2) + "</channel></rss>");
  EXPECT_EQ(feed.feed.title.value, "One");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].id, "id-1");
}

TEST(ItemStreaming, IgnoresItemsNestedWhereNoFeedHasThem) {
  const ParsedFeed feed = parse_text("<rss version=\"2.0\"><channel><title>S</title><image><item>x</item></image>" +
                                     rss_item(1,
                                              "<media:group xmlns:media=\"http://search.yahoo.com/mrss/\">"
                                              "<item>inner</item></media:group>") +
                                     "</channel></rss>");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title.value, "Item 1");
}

TEST(ItemStreaming, TextBetweenManyItemsIsHarmless) {
  // libxml2 appends text to the last text node it made; items read and
  // freed in between must not confuse it (ASan watches this one).
  std::string document = "<rss version=\"2.0\"><channel>stray text<title>S</title>";
  for (int i = 1; i <= 200; ++i) document += " words " + rss_item(i) + "\n\t<!-- c -->more ";
  document += "tail</channel>after</rss>";
  const ParsedFeed feed = parse_text(document);
  EXPECT_EQ(feed.feed.title.value, "S");
  ASSERT_EQ(feed.items.size(), 200u);
  EXPECT_EQ(feed.items[199].id, "id-200");
}

TEST(ItemStreaming, DropsOnlyTheItemCutOffInALongDocument) {
  std::string document = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Long</title>\n";
  for (int i = 1; i <= 50; ++i) document += rss_item(i) + "\n";
  document += "<item><title>Cut</title><guid>cut</guid><description>half a sent";
  const ParseOutcome outcome = parse_feed(document);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_TRUE(outcome.feed->is_recovered);
  EXPECT_TRUE(outcome.feed->recovery_reason.starts_with("truncated document: the incomplete last item was dropped"))
      << outcome.feed->recovery_reason;
  EXPECT_EQ(outcome.feed->feed.title.value, "Long");
  ASSERT_EQ(outcome.feed->items.size(), 50u);
  EXPECT_EQ(outcome.feed->items.back().id, "id-50");
}

TEST(ItemStreaming, ItemLimitHoldsForItemsReadAsTheyClose) {
  ParseOptions options;
  options.limits.max_items = 10;
  std::string document =
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
      "xmlns=\"http://purl.org/rss/1.0/\"><channel><title>R</title></channel>";
  for (int i = 1; i <= 11; ++i) document += rss_item(i);
  document += "</rdf:RDF>";
  const ParseOutcome outcome = parse_feed(document, options);
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "too many items: the document has more than 10 (the limit)");
}

TEST(ItemStreaming, DetectsRss090FromItsItems) {
  const ParsedFeed feed = parse_text(
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><channel><title>Old</title></channel>"
      "<item xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"><title>A</title><link>https://o.example/a</link>"
      "</item></rdf:RDF>");
  EXPECT_EQ(feed.format, FeedFormat::rss090);
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title.value, "A");
}

TEST(ItemStreaming, AtomEntriesSeeTheFeedsXmlBase) {
  const ParsedFeed feed = parse_text(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://a.example/blog/\"><title>A</title>"
      "<entry><id>e1</id><title>One</title><link href=\"one\"/></entry>"
      "<entry xml:base=\"2025/\"><id>e2</id><title>Two</title><link href=\"two\"/></entry></feed>");
  EXPECT_EQ(feed.format, FeedFormat::atom10);
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[0].links.at(0).base, "https://a.example/blog/");
  EXPECT_EQ(feed.items[1].links.at(0).base, "https://a.example/blog/2025/");
  EXPECT_EQ(feed.feed.base, "https://a.example/blog/");
}

TEST(ItemStreaming, AnXmlIdOfAnItemAlreadyReadStillCountsForDuplicates) {
  // Cut off, so that the recovery reason names the first problem found.
  const ParseOutcome outcome = parse_feed(
      "<rss version=\"2.0\"><channel><title>I</title>"
      "<item xml:id=\"a1\"><title>1</title></item>"
      "<item xml:id=\"a1\"><title>2</title></item><item><title>cut");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  ASSERT_EQ(outcome.feed->items.size(), 2u);
  EXPECT_NE(outcome.feed->recovery_reason.find("ID a1 already defined"), std::string::npos)
      << outcome.feed->recovery_reason;
}

TEST(Attributes, ReadEntityReferencesAndDtdDefaults) {
  const ParsedFeed feed = parse_text(
      "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY host \"cdn.example\">"
      "<!ATTLIST item xml:lang CDATA \"fr\">]><rss version=\"2.0\"><channel><title>T</title>"
      "<item><title>x</title><enclosure url=\"https://&host;/a?b=1&amp;c=2\" type=\"audio/mpeg\"/></item>"
      "</channel></rss>");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].enclosures.at(0).url, "https://cdn.example/a?b=1&c=2");
  EXPECT_EQ(feed.items[0].lang, "fr");
}

}  // namespace
}  // namespace tributary::parse
