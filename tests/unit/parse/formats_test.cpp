// Each feed format and extension the parser reads, on a fixture per format:
// the raw values it yields, before normalization.
#include <gtest/gtest.h>

#include "parse/parse.hpp"
#include "support/temp_dir.hpp"

namespace tributary::parse {
namespace {

using testing::fixtures_dir;
using testing::read_text_file;

ParsedFeed parse_fixture(const std::string& name, const std::string& charset = {}) {
  const std::string bytes = read_text_file(fixtures_dir() / "feeds" / name);
  ParseOutcome outcome = parse_feed(bytes, {{}, charset, {}});
  if (!outcome.feed) throw std::runtime_error(name + ": " + outcome.error);
  return std::move(*outcome.feed);
}

TEST(FormatDetection, NamesEveryVersion) {
  EXPECT_EQ(parse_fixture("rss090.xml").format, FeedFormat::rss090);
  EXPECT_EQ(parse_fixture("rss091.xml").format, FeedFormat::rss091);
  EXPECT_EQ(parse_fixture("rss092.xml").format, FeedFormat::rss092);
  EXPECT_EQ(parse_fixture("rss093.xml").format, FeedFormat::rss093);
  EXPECT_EQ(parse_fixture("rss094.xml").format, FeedFormat::rss094);
  EXPECT_EQ(parse_fixture("rss10_rdf.xml").format, FeedFormat::rss10);
  EXPECT_EQ(parse_fixture("rss20_extensions.xml").format, FeedFormat::rss20);
  EXPECT_EQ(parse_fixture("atom03.xml").format, FeedFormat::atom03);
  EXPECT_EQ(parse_fixture("atom10_xmlbase.xml").format, FeedFormat::atom10);
  EXPECT_EQ(parse_fixture("json10.json").format, FeedFormat::json10);
  EXPECT_EQ(parse_fixture("json11.json").format, FeedFormat::json11);
}

TEST(FormatDetection, DocumentDecidesNotTheContentType) {
  // A JSON Feed served as text/xml, an RSS feed served as application/json:
  // the caller passes only the charset; the bytes decide.
  const std::string json = read_text_file(fixtures_dir() / "feeds" / "json11.json");
  const ParseOutcome outcome = parse_feed(json, {{}, "utf-8", {}});
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->format, FeedFormat::json11);
}

TEST(FormatDetection, RejectsJsonThatIsNotAFeed) {
  const ParseOutcome outcome = parse_feed(R"({"hello": "world"})");
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "not a feed: a JSON document without a JSON Feed \"version\"");
}

TEST(FormatDetection, RejectsAnUnknownRootElement) {
  const ParseOutcome outcome = parse_feed("<?xml version=\"1.0\"?><svg><g/></svg>");
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "not a feed: unexpected root element <svg>");
}

TEST(Rss090, ReadsRdfItemsAndImage) {
  const ParsedFeed feed = parse_fixture("rss090.xml");
  EXPECT_EQ(feed.feed.title.value, "Mostar Bulletin");
  EXPECT_EQ(feed.feed.image, "http://mostar-bulletin.example/logo.gif");
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[1].title.value, "Diving contest");
  ASSERT_EQ(feed.items[1].links.size(), 1u);
  EXPECT_EQ(feed.items[1].links[0].href, "http://mostar-bulletin.example/diving.html");
}

TEST(Rss091, ReadsHtmlEntitiesOfTheNetscapeDtdAndSkipHints) {
  const ParsedFeed feed = parse_fixture("rss091.xml");
  EXPECT_EQ(feed.encoding, "windows-1252");
  EXPECT_EQ(feed.feed.title.value, "Café Zagreb");
  EXPECT_EQ(feed.feed.authors.at(0).name, "editor@cafe-zagreb.example (Ivo Ivic)");
  EXPECT_EQ(feed.feed.skip_hours, (std::vector<int>{0, 1, 2}));  // 24 is midnight
  EXPECT_EQ(feed.feed.skip_days, (std::vector<int>{0, 6}));
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title.value, "Menu\u00a0of the day \u2014 soup");
  EXPECT_EQ(feed.items[0].summary.value, "Soup & bread for 3\u20ac");
  // The undefined entities made the document not well-formed: repaired.
  EXPECT_TRUE(feed.is_recovered);
  EXPECT_EQ(feed.recovery_reason, "line 5: undefined entity &eacute; read as HTML's");
}

TEST(Rss092, ReadsEnclosureCategoryAndSource) {
  const ParsedFeed feed = parse_fixture("rss092.xml");
  ASSERT_EQ(feed.items.size(), 1u);
  const RawItem& item = feed.items[0];
  EXPECT_EQ(item.title.value, "");
  EXPECT_EQ(item.summary.value, "Episode one: the lake at dawn.");
  ASSERT_EQ(item.enclosures.size(), 1u);
  EXPECT_EQ(item.enclosures[0].url, "http://ohrid-pod.example/ep1.mp3");
  EXPECT_EQ(item.enclosures[0].length, "24986239");
  EXPECT_EQ(item.categories, (std::vector<std::string>{"Nature"}));
  ASSERT_TRUE(item.source);
  EXPECT_EQ(item.source->title, "Elsewhere");
  EXPECT_EQ(item.source->link, "http://elsewhere.example/rss");
}

TEST(Rss094, GuidPermalinkBecomesTheLink) {
  const ParsedFeed feed = parse_fixture("rss094.xml");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].id, "http://zeta.example/94");
  ASSERT_EQ(feed.items[0].links.size(), 1u);
  EXPECT_EQ(feed.items[0].links[0].href, "http://zeta.example/94");
}

TEST(Rss10, ReadsDublinCoreContentAndSyndicationModules) {
  const ParsedFeed feed = parse_fixture("rss10_rdf.xml");
  EXPECT_EQ(feed.feed.lang, "mk");
  EXPECT_EQ(feed.feed.updated, "2025-12-17T10:00:00+01:00");
  EXPECT_EQ(feed.feed.update_period, "hourly");
  EXPECT_EQ(feed.feed.update_frequency, 2);
  EXPECT_EQ(feed.feed.update_base, "2000-01-01T12:00+00:00");
  ASSERT_EQ(feed.items.size(), 1u);
  const RawItem& item = feed.items[0];
  EXPECT_EQ(item.id, "https://skopje-notes.example/1");  // rdf:about
  EXPECT_EQ(item.published, "2025-12-16T21:15:00+01:00");
  EXPECT_EQ(item.authors.at(0).name, "Ana Stojanovska");
  EXPECT_EQ(item.categories, (std::vector<std::string>{"City", "Lights"}));
  EXPECT_EQ(item.content.value, "<p>New <em>lights</em> on the bridge.</p>");
  EXPECT_EQ(item.summary.value, "New lights on the bridge.");
}

TEST(Rss20, ReadsChannelPollingHints) {
  const ParsedFeed feed = parse_fixture("rss20_extensions.xml");
  EXPECT_EQ(feed.feed.ttl, std::chrono::minutes{90});
  EXPECT_EQ(feed.feed.update_period, "daily");
  EXPECT_EQ(feed.feed.update_frequency, 4);
  EXPECT_EQ(feed.feed.skip_hours, (std::vector<int>{0, 23}));
  EXPECT_EQ(feed.feed.skip_days, (std::vector<int>{1, 2}));
  EXPECT_EQ(feed.feed.self_link, "https://feeds.split-radio.example/main.rss");
  EXPECT_EQ(feed.feed.image, "https://split-radio.example/cover.jpg");
  EXPECT_EQ(feed.feed.authors.at(0).name, "Split Radio Team");
}

TEST(Rss20, ReadsItunesAndMediaExtensions) {
  const ParsedFeed feed = parse_fixture("rss20_extensions.xml");
  ASSERT_EQ(feed.items.size(), 2u);
  const RawItem& show = feed.items[0];
  EXPECT_EQ(show.duration, "1:02:03");
  EXPECT_EQ(show.image, "https://split-radio.example/ms.jpg");
  EXPECT_EQ(show.summary.value, "The morning show: weather, sea, traffic.");  // itunes:summary
  EXPECT_EQ(show.authors.at(0).name, "Marko Marić");
  ASSERT_EQ(show.enclosures.size(), 2u);
  EXPECT_EQ(show.enclosures[0].url, "/audio/ms-20251217.mp3");
  EXPECT_EQ(show.enclosures[1].url, "https://cdn.split-radio.example/ms-20251217.m4a");
  EXPECT_EQ(show.enclosures[1].type, "audio/mp4");
  EXPECT_EQ(show.enclosures[1].length, "25000000");

  const RawItem& video = feed.items[1];
  ASSERT_EQ(video.links.size(), 1u);
  EXPECT_EQ(video.links[0].href, "https://split-radio.example/video/riva");  // atom:link inside RSS
  EXPECT_EQ(video.image, "https://cdn.split-radio.example/riva.jpg");        // media:group thumbnail
  ASSERT_EQ(video.enclosures.size(), 2u);
  EXPECT_EQ(video.enclosures[1].url, "https://cdn.split-radio.example/riva-1080.mp4");
  EXPECT_EQ(video.summary.value, "<p>The Riva <b>at night</b>.</p>");
  EXPECT_EQ(video.content.value,
            "<p>The Riva <b>at night</b>, filmed from the sea.</p><img src=\"/img/riva.jpg\" alt=\"Riva\">");
}

TEST(Atom03, ReadsModesAndDates) {
  const ParsedFeed feed = parse_fixture("atom03.xml");
  EXPECT_EQ(feed.feed.title.type, TextType::html);
  EXPECT_EQ(feed.feed.title.value, "Ljubljana &lt;Log&gt;");
  EXPECT_EQ(feed.feed.updated, "2025-12-17T09:00:00Z");
  ASSERT_EQ(feed.items.size(), 2u);
  const RawItem& dragon = feed.items[0];
  EXPECT_EQ(dragon.published, "2025-12-17T08:00:00+01:00");  // issued
  EXPECT_EQ(dragon.updated, "2025-12-17T09:00:00Z");         // modified
  EXPECT_EQ(dragon.content.type, TextType::html);
  EXPECT_EQ(dragon.content.value, "<p>Four <b>dragons</b>.</p>");  // mode="base64"
  EXPECT_EQ(dragon.summary.type, TextType::text);
  EXPECT_EQ(dragon.lang, "sl");
  const RawItem& castle = feed.items[1];
  EXPECT_EQ(castle.title.type, TextType::xhtml);
  EXPECT_EQ(castle.title.value, "Castle <i>hill</i>");
  EXPECT_EQ(castle.content.value, "<p>Funicular &amp; views.</p>");  // mode="escaped"
}

TEST(Atom10, ScopesXmlBaseAndXmlLang) {
  const ParsedFeed feed = parse_fixture("atom10_xmlbase.xml");
  EXPECT_EQ(feed.feed.base, "https://podgorica-press.example/news/");
  EXPECT_EQ(feed.feed.lang, "sr-Latn-ME");
  ASSERT_EQ(feed.items.size(), 2u);
  const RawItem& bar = feed.items[0];
  EXPECT_EQ(bar.base, "https://podgorica-press.example/news/2025/12/");
  EXPECT_EQ(bar.lang, "en");
  EXPECT_EQ(bar.content.base, "https://static.podgorica-press.example/");
  EXPECT_EQ(feed.items[1].lang, "sr-Latn-ME");
  EXPECT_EQ(feed.items[1].base, "https://podgorica-press.example/news/");
}

TEST(Atom10, ReadsLinksPeopleCategoriesAndSource) {
  const ParsedFeed feed = parse_fixture("atom10_xmlbase.xml");
  const RawItem& bar = feed.items.at(0);
  ASSERT_EQ(bar.links.size(), 4u);
  EXPECT_EQ(bar.links[1].type, "application/pdf");
  EXPECT_EQ(bar.links[2].rel, "related");
  EXPECT_EQ(bar.links[3].rel, "replies");
  ASSERT_EQ(bar.enclosures.size(), 1u);
  EXPECT_EQ(bar.enclosures[0].url, "img/bar.jpg");
  EXPECT_EQ(bar.enclosures[0].length, "12345");
  ASSERT_EQ(bar.authors.size(), 1u);
  EXPECT_EQ(bar.authors[0].name, "Milica Đurović");
  EXPECT_EQ(bar.authors[0].email, "milica@podgorica-press.example");
  EXPECT_EQ(bar.authors[0].uri, "/people/milica");
  ASSERT_EQ(bar.contributors.size(), 1u);
  EXPECT_EQ(bar.contributors[0].name, "Petar P.");
  EXPECT_EQ(bar.categories, (std::vector<std::string>{"City life", "food"}));
  EXPECT_EQ(bar.content.type, TextType::xhtml);
  EXPECT_EQ(bar.content.value, "<p>A <a href=\"menu.html\">menu</a> and <img src=\"img/bar.jpg\" alt=\"bar\"/>.</p>");
  const RawItem& budget = feed.items.at(1);
  ASSERT_TRUE(budget.source);
  EXPECT_EQ(budget.source->id, "tag:montenegro-wire.example,2025:feed");
  EXPECT_EQ(budget.source->title, "Montenegro Wire");
  EXPECT_EQ(budget.summary.type, TextType::text);
  EXPECT_EQ(budget.summary.value, "Budget passes. <script> stays text.");
}

TEST(JsonFeed, ReadsVersionOneWithAuthorAndAttachments) {
  const ParsedFeed feed = parse_fixture("json10.json");
  EXPECT_EQ(feed.feed.title.value, "Tirana Tech");
  EXPECT_EQ(feed.feed.self_link, "https://tirana-tech.example/feed.json");
  EXPECT_EQ(feed.feed.authors.at(0).name, "Elira Hoxha");
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[0].id, "101");  // a number in the document
  EXPECT_EQ(feed.items[0].content.type, TextType::text);
  EXPECT_EQ(feed.items[0].categories, (std::vector<std::string>{"startups", "tirana"}));
  ASSERT_EQ(feed.items[1].enclosures.size(), 1u);
  EXPECT_EQ(feed.items[1].enclosures[0].type, "audio/mpeg");
  EXPECT_EQ(feed.items[1].enclosures[0].length, "4567");
}

TEST(JsonFeed, ReadsVersionOnePointOne) {
  const ParsedFeed feed = parse_fixture("json11.json");
  EXPECT_EQ(feed.feed.lang, "sq");
  ASSERT_EQ(feed.items.size(), 1u);
  const RawItem& item = feed.items[0];
  EXPECT_EQ(item.authors.at(0).name, "Besa K.");
  EXPECT_EQ(item.published, "2025-12-17T07:00:00Z");
  EXPECT_EQ(item.updated, "2025-12-17T08:00:00Z");
  EXPECT_EQ(item.image, "/img/snow.jpg");
  EXPECT_EQ(item.lang, "en");
  EXPECT_EQ(item.content.type, TextType::html);
  EXPECT_EQ(item.summary.value, "Snow fell.");
}

TEST(JsonFeed, ReadsAFeedWhoseVersionIsNotTheUrl) {
  for (const auto& [version, format] :
       {std::pair{std::string(R"("version": "1.1",)"), FeedFormat::json11},
        std::pair{std::string(R"("version": "https://jsonfeed.org/version/1/",)"), FeedFormat::json10},
        std::pair{std::string(R"("version": "jsonfeed 1.0",)"), FeedFormat::json10},
        std::pair{std::string(), FeedFormat::json11}}) {
    const ParseOutcome outcome =
        parse_feed("{" + version + R"( "title": "Skopje Notes", "home_page_url": "https://skopje.example/",
        "items": [{"id": "1", "title": "First", "content_text": "Hello."}]})");
    ASSERT_TRUE(outcome.feed) << version << ": " << outcome.error;
    EXPECT_EQ(outcome.feed->format, format) << version;
    EXPECT_EQ(outcome.feed->feed.title.value, "Skopje Notes");
    ASSERT_EQ(outcome.feed->items.size(), 1u);
    EXPECT_EQ(outcome.feed->items[0].title.value, "First");
  }
  const ParseOutcome recovered = parse_feed(R"({"version": "1.1", "title": "t", "items": []})");
  ASSERT_TRUE(recovered.feed) << recovered.error;
  EXPECT_TRUE(recovered.feed->is_recovered);
  EXPECT_EQ(recovered.feed->recovery_reason,
            "\"version\" is \"1.1\", not a JSON Feed version URL: read as JSON Feed 1.1");
  const ParseOutcome official =
      parse_feed(R"({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []})");
  ASSERT_TRUE(official.feed) << official.error;
  EXPECT_FALSE(official.feed->is_recovered);
}

TEST(JsonFeed, OtherJsonWithItemsIsStillNotAFeed) {
  for (const std::string_view json :
       {R"({"items": [{"id": 1}]})", R"({"title": "t", "items": "none"})", R"({"title": "t", "items": [1, 2]})",
        R"({"version": 2, "total": 3, "items": []})"}) {
    const ParseOutcome outcome = parse_feed(json);
    EXPECT_FALSE(outcome.feed) << json;
    EXPECT_EQ(outcome.error, "not a feed: a JSON document without a JSON Feed \"version\"") << json;
  }
}

TEST(JsonFeed, ALoneSurrogateEscapeDoesNotCostTheFeed) {
  const ParseOutcome outcome = parse_feed(
      R"({"version": "https://jsonfeed.org/version/1.1", "title": "a\ud800b\udc00c\ud83d\ude00d\\ud800", "items": []})");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->feed.title.value, "abc😀d\\ud800");
  EXPECT_EQ(outcome.feed->recovery_reason, "lone UTF-16 surrogate escapes removed");
}

TEST(Atom10, AVideoEntrysMediaDescriptionIsItsSummary) {
  // YouTube's feeds carry an entry's only text in media:group.
  const std::string atom =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:media=\"http://search.yahoo.com/mrss/\"><title>V</title>"
      "<entry><id>v1</id><title>Video</title><media:group><media:title>Other</media:title>"
      "<media:description>What the video shows &amp; more</media:description></media:group></entry>"
      "<entry><id>v2</id><title>Both</title><summary>Own summary</summary>"
      "<media:description>Media text</media:description></entry></feed>";
  const ParseOutcome outcome = parse_feed(atom);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  ASSERT_EQ(outcome.feed->items.size(), 2u);
  EXPECT_EQ(outcome.feed->items[0].summary, (Text{"What the video shows & more", TextType::text, {}}));
  EXPECT_EQ(outcome.feed->items[1].summary.value, "Own summary");
}

TEST(Atom03, DecodesEscapedAndBase64ContentOfEveryType) {
  // "<p>Base <b>64</b></p>" in base64.
  const ParseOutcome outcome = parse_feed(R"(<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title>
    <entry><title>1</title><content type="application/xhtml+xml" mode="escaped">&lt;p&gt;Escaped &lt;b&gt;xhtml&lt;/b&gt;&lt;/p&gt;</content></entry>
    <entry><title>2</title><content type="application/xhtml+xml" mode="base64">PHA+QmFzZSA8Yj42NDwvYj48L3A+</content></entry>
    <entry><title>3</title><content type="text/plain" mode="escaped">1 &lt; 2</content></entry>
    <entry><title>4</title><content type="text/plain" mode="base64">UGxhaW4gdGV4dA==</content></entry>
    <entry><title>5</title><content type="text/html"><p xmlns="http://www.w3.org/1999/xhtml">Inline <b>xml</b></p></content></entry>
    <entry><title>6</title><summary mode="escaped">&lt;i&gt;untyped&lt;/i&gt;</summary></entry>
  </feed>)");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  const std::vector<RawItem>& items = outcome.feed->items;
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].content, (Text{"<p>Escaped <b>xhtml</b></p>", TextType::html, {}}));
  EXPECT_EQ(items[1].content, (Text{"<p>Base <b>64</b></p>", TextType::html, {}}));
  EXPECT_EQ(items[2].content, (Text{"1 < 2", TextType::text, {}}));
  EXPECT_EQ(items[3].content, (Text{"Plain text", TextType::text, {}}));
  EXPECT_EQ(items[4].content.type, TextType::html);
  EXPECT_EQ(items[4].content.value, "<p xmlns=\"http://www.w3.org/1999/xhtml\">Inline <b>xml</b></p>");
  EXPECT_EQ(items[5].summary, (Text{"<i>untyped</i>", TextType::html, {}}));
}

TEST(FormatDetection, AnHtml5PageIsAnHtmlPage) {
  for (const std::string& page :
       {std::string("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<link rel=stylesheet href=/s.css>\n"
                    "<title>Home</title>\n</head>\n<body><p>Hello</body></html>"),
        std::string("\n  <!-- generated -->\n<!doctype HTML><meta charset=utf-8><title>x</title>"),
        std::string("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><head/><body/></html>"),
        std::string("<HTML><BODY>old</BODY></HTML>")}) {
    const ParseOutcome outcome = parse_feed(page);
    EXPECT_FALSE(outcome.feed) << page;
    EXPECT_EQ(outcome.error, "not a feed: the document is an HTML page") << page;
  }
  // Names that only start like it are other roots.
  EXPECT_EQ(parse_feed("<htmlfeed><item/></htmlfeed>").error, "not a feed: unexpected root element <htmlfeed>");
}

TEST(Authors, AtomEntryKeepsEveryAuthorAndRssEveryCreator) {
  const ParseOutcome atom =
      parse_feed(R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>e</title>
    <author><name>One</name></author><author><name>Two</name><email>two@x.example</email></author>
    <contributor><name>Three</name></contributor></entry></feed>)");
  ASSERT_TRUE(atom.feed) << atom.error;
  EXPECT_EQ(atom.feed->items.at(0).authors, (std::vector<Person>{{"One", "", ""}, {"Two", "two@x.example", ""}}));
  EXPECT_EQ(atom.feed->items.at(0).contributors, (std::vector<Person>{{"Three", "", ""}}));
  const ParseOutcome rss = parse_feed(R"(<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
    <item><title>i</title><author>a@x.example (A)</author><dc:creator>B</dc:creator><dc:creator>C</dc:creator>
    <dc:creator>B</dc:creator></item></channel></rss>)");
  ASSERT_TRUE(rss.feed) << rss.error;
  EXPECT_EQ(rss.feed->items.at(0).authors,
            (std::vector<Person>{{"a@x.example (A)", "", ""}, {"B", "", ""}, {"C", "", ""}}));
}

}  // namespace
}  // namespace tributary::parse
