// Normalization of the small fixtures: the shape every item ends up in.
#include "normalize/normalize.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "core/time.hpp"
#include "normalize/html.hpp"
#include "parse/parse.hpp"
#include "support/temp_dir.hpp"

namespace tributary::normalize {
namespace {

using testing::fixtures_dir;
using testing::read_text_file;

NormalizedFeed normalize_fixture(const std::string& name, const std::string& url) {
  const std::string bytes = read_text_file(fixtures_dir() / "feeds" / name);
  parse::ParseOutcome outcome = parse::parse_feed(bytes, {url, {}, {}});
  if (!outcome.feed) throw std::runtime_error(outcome.error);
  return normalize_feed(*outcome.feed, {url, *core::parse_rfc3339("2025-12-20T00:00:00Z")});
}

TEST(NormalizeRss, GivesCleanEntries) {
  const NormalizedFeed feed = normalize_fixture("small_rss20.xml", "https://sarajevo-daily.example/feed/");
  ASSERT_EQ(feed.entries.size(), 2u);
  const Entry& first = feed.entries[0];
  EXPECT_EQ(first.identity_key.text(), "id:sd-2025-1217-001");
  EXPECT_EQ(first.title, "Tram line 3 reopens after repairs");
  EXPECT_EQ(first.url, "https://sarajevo-daily.example/2025/12/17/tram-line-3/?utm_source=rss&utm_medium=feed");
  EXPECT_EQ(first.canonical_url, "https://sarajevo-daily.example/2025/12/17/tram-line-3/");
  EXPECT_EQ(core::format_rfc3339(*first.published), "2025-12-17T08:30:00Z");
  EXPECT_EQ(first.author_name, "Amra Hodžić");
  EXPECT_EQ(first.content_html,
            "<p>The tram line between <b>Baščaršija</b> and Ilidža runs again.</p>"
            "<p><a href=\"https://sarajevo-daily.example/transport/\">More transport news</a></p>");
  EXPECT_NE(first.fingerprint, 0u);

  const Entry& second = feed.entries[1];
  EXPECT_EQ(second.title, "Council approves winter budget & heating subsidy");
  EXPECT_EQ(second.author_name, "City Desk");
  EXPECT_EQ(second.author_email, "desk@sarajevo-daily.example");
  EXPECT_EQ(second.summary_html, "<p>The city council approved the winter budget.</p>");
  ASSERT_EQ(second.enclosures.size(), 1u);
  EXPECT_EQ(second.enclosures[0].length, 1234567);
}

TEST(NormalizeAtom, ResolvesXmlBaseAndSanitizesXhtml) {
  const NormalizedFeed feed = normalize_fixture("small_atom10.xml", "https://beograd-wire.example/atom.xml");
  ASSERT_EQ(feed.entries.size(), 2u);
  const Entry& first = feed.entries[0];
  EXPECT_EQ(first.title, "Novi most otvoren");
  EXPECT_EQ(core::format_rfc3339(*first.published), "2025-12-17T07:15:00Z");
  EXPECT_EQ(core::format_rfc3339(*first.updated), "2025-12-17T10:45:30Z");
  EXPECT_EQ(first.content_html,
            "<p>Most preko Save je <strong>otvoren</strong>.</p>"
            "<p><img src=\"https://beograd-wire.example/vesti/slike/most.jpg\" alt=\"Most\" /></p>");
  EXPECT_EQ(first.lang, "sr-Latn");
  const Entry& second = feed.entries[1];
  EXPECT_EQ(second.url, "https://beograd-wire.example/vesti/koncert");
  EXPECT_FALSE(second.published);
}

// Calls `check` with every corpus document that parses, as parsed, and its
// normalize context; how many there were.
std::size_t for_each_corpus_feed(
    const std::function<void(parse::ParsedFeed& parsed, const NormalizeContext& context)>& check) {
  std::size_t parsed_documents = 0;
  for (const auto& [path, base_url] : testing::corpus_documents()) {
    SCOPED_TRACE(path.string());
    parse::ParseOutcome outcome = parse::parse_feed(testing::read_text_file(path), {base_url, {}, {}});
    if (!outcome.feed) continue;
    check(*outcome.feed, {base_url, *core::parse_rfc3339("2025-12-18T00:00:00Z")});
    ++parsed_documents;
  }
  return parsed_documents;
}

// The consuming normalize_feed (the scheduler's) frees each item as it
// goes; what it returns must not differ from the copying one.
TEST(NormalizeFeed, ConsumingTheParsedFeedGivesTheSameEntries) {
  if (testing::corpus_documents().empty()) GTEST_SKIP() << "no shared corpus";
  const std::size_t compared = for_each_corpus_feed([](parse::ParsedFeed& parsed, const NormalizeContext& context) {
    const NormalizedFeed copied = normalize_feed(parsed, context);
    const NormalizedFeed consumed = normalize_feed(std::move(parsed), context);
    EXPECT_TRUE(copied == consumed);
  });
  EXPECT_GT(compared, 500u);
}

// An entry's text is what the store would read from its HTML (search and
// story matching take it as is, on every real document).
TEST(NormalizeFeed, AnEntrysTextIsTheTextOfItsStoredHtml) {
  if (testing::corpus_documents().empty()) GTEST_SKIP() << "no shared corpus";
  std::size_t with_text = 0;
  for_each_corpus_feed([&with_text](parse::ParsedFeed& parsed, const NormalizeContext& context) {
    const NormalizedFeed feed = normalize_feed(parsed, context);
    for (const Entry& entry : feed.entries) {
      EXPECT_EQ(entry.text, html_to_text(entry.content_html.empty() ? entry.summary_html : entry.content_html))
          << entry.original_id;
      with_text += !entry.text.empty();
    }
  });
  EXPECT_GT(with_text, 400u);
}

NormalizedFeed normalize_text(const std::string& document) {
  const std::string url = "https://people.example/feed";
  parse::ParseOutcome outcome = parse::parse_feed(document, {url, {}, {}});
  if (!outcome.feed) throw std::runtime_error(outcome.error);
  return normalize_feed(*outcome.feed, {url, *core::parse_rfc3339("2025-12-20T00:00:00Z")});
}

TEST(Authors, AtomKeepsEveryAuthorInOrderAndNoContributor) {
  const NormalizedFeed feed = normalize_text(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><id>urn:f</id><entry><id>urn:e</id><title>e</title>"
      "<author><name>Ana Petrović</name><email>ana@people.example</email></author>"
      "<contributor><name>Copy Editor</name></contributor>"
      "<author><name>Marko Ilić</name><uri>/marko</uri></author>"
      "<author><name>ana petrović</name><uri>https://people.example/ana</uri></author>"
      "</entry></feed>");
  ASSERT_EQ(feed.entries.size(), 1u);
  const Entry& entry = feed.entries[0];
  const std::vector<Author> expected = {{"Ana Petrović", "ana@people.example", "https://people.example/ana"},
                                        {"Marko Ilić", "", "https://people.example/marko"}};
  EXPECT_EQ(entry.authors, expected);
  EXPECT_EQ(entry.author_name, "Ana Petrović");
  EXPECT_EQ(entry.author_email, "ana@people.example");
}

TEST(Authors, RssKeepsAuthorAndEveryDcCreator) {
  const NormalizedFeed feed = normalize_text(
      "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>t</title>"
      "<managingEditor>desk@people.example (Desk)</managingEditor><item><title>i</title>"
      "<author>jo@people.example (Jo Doe)</author><dc:creator>Jo Doe</dc:creator><dc:creator>Ivana Horvat</dc:creator>"
      "<dc:creator>Luka Babić</dc:creator><dc:creator>Ivana Horvat</dc:creator></item>"
      "<item><title>no byline</title></item></channel></rss>");
  ASSERT_EQ(feed.entries.size(), 2u);
  const std::vector<Author> expected = {
      {"Jo Doe", "jo@people.example", ""}, {"Ivana Horvat", "", ""}, {"Luka Babić", "", ""}};
  EXPECT_EQ(feed.entries[0].authors, expected);
  EXPECT_EQ(feed.entries[0].author_name, "Jo Doe");
  // An item without a byline is the feed's.
  EXPECT_EQ(feed.entries[1].authors, (std::vector<Author>{{"Desk", "desk@people.example", ""}}));
}

TEST(NormalizeRss, TitlesLoseTheNoBreakSpacesAtTheirEnds) {
  // A French feed's "complexe&nbsp;": readers strip it, and compare what
  // they show with atom:title (integration.readers).
  const NormalizedFeed feed = normalize_text(
      "<rss version=\"2.0\"><channel><title>\xC2\xA0Le Cercle\xE3\x80\x80</title><item>"
      "<title>Masters en Psycho\xC2\xA0: tr\xC3\xA8s complexe\xC2\xA0</title></item>"
      "<item><title>&#8195;Em space&#160;&#160;</title></item>"
      "<item><title>Ends in \xC3\xA8</title></item></channel></rss>");
  ASSERT_EQ(feed.entries.size(), 3u);
  EXPECT_EQ(feed.feed.title, "Le Cercle");
  EXPECT_EQ(feed.entries[0].title, "Masters en Psycho\xC2\xA0: tr\xC3\xA8s complexe");
  EXPECT_EQ(feed.entries[1].title, "Em space");
  EXPECT_EQ(feed.entries[2].title, "Ends in \xC3\xA8");
}

TEST(Authors, JsonFeedReadsTheAuthorsArrayAndTheOldAuthor) {
  const NormalizedFeed feed = normalize_text(
      R"({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [)"
      R"({"id": "1", "title": "a", "authors": [{"name": "Besa K.", "url": "https://people.example/besa"}, {"name": "Arben L."}, {"url": "/team"}]},)"
      R"({"id": "2", "title": "b", "author": {"name": "Old Style"}}]})");
  ASSERT_EQ(feed.entries.size(), 2u);
  const std::vector<Author> expected = {
      {"Besa K.", "", "https://people.example/besa"}, {"Arben L.", "", ""}, {"", "", "https://people.example/team"}};
  EXPECT_EQ(feed.entries[0].authors, expected);
  EXPECT_EQ(feed.entries[0].author_name, "Besa K.");
  EXPECT_EQ(feed.entries[1].authors, (std::vector<Author>{{"Old Style", "", ""}}));
}

TEST(Authors, ThousandsOfCreatorsStayLinear) {
  std::string document =
      "<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>t</title><item><title>i</title>";
  for (int i = 0; i < 20000; ++i) document += "<dc:creator>Author " + std::to_string(i % 10000) + "</dc:creator>";
  document += "</item></channel></rss>";
  const NormalizedFeed feed = normalize_text(document);
  ASSERT_EQ(feed.entries.size(), 1u);
  ASSERT_EQ(feed.entries[0].authors.size(), 10000u);
  EXPECT_EQ(feed.entries[0].authors[9999].name, "Author 9999");
}

TEST(Entries, AnEpisodeOfOnlyAnEnclosureIsKept) {
  const NormalizedFeed feed = normalize_text(
      "<rss version=\"2.0\"><channel><title>Pod</title>"
      "<item><enclosure url=\"https://cdn.people.example/pod/episode-41.mp3?src=rss\" type=\"audio/mpeg\" "
      "length=\"123\"/></item>"
      "<item><guid isPermaLink=\"false\">ep-42</guid><enclosure url=\"/pod/episode-42.mp3\" "
      "type=\"audio/mpeg\"/></item>"
      "<item><enclosure url=\"https://cdn.people.example/pod/episode-43.mp3\"/></item>"
      "<item></item></channel></rss>");
  ASSERT_EQ(feed.entries.size(), 3u);
  EXPECT_EQ(feed.entries[0].title, "episode-41.mp3");
  ASSERT_EQ(feed.entries[0].enclosures.size(), 1u);
  EXPECT_EQ(feed.entries[0].enclosures[0].length, 123);
  EXPECT_EQ(feed.entries[1].identity_key.text(), "id:ep-42");
  EXPECT_EQ(feed.entries[1].enclosures.at(0).url, "https://people.example/pod/episode-42.mp3");
  // Without a guid, two episodes are told apart by their files.
  EXPECT_TRUE(feed.entries[0].identity_key.text().starts_with("hash:"));
  EXPECT_NE(feed.entries[0].identity_key.text(), feed.entries[2].identity_key.text());
}

TEST(Entries, EnclosuresAndCategoriesAreEachKeptOnce) {
  std::string document =
      "<rss version=\"2.0\" "
      "xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>t</title><item><title>i</title>"
      "<enclosure url=\"https://people.example/a.mp3\" type=\"audio/mpeg\"/>"
      "<media:content url=\"https://people.example/a.mp3\" medium=\"audio\"/>"
      "<media:content url=\"/a.mp3\" type=\"audio/mpeg\"/>"
      "<media:content url=\"https://people.example/b.jpg\" medium=\"image\"/>";
  for (int i = 0; i < 30000; ++i) document += "<category>c" + std::to_string(i % 3) + "</category>";
  document += "</item></channel></rss>";
  const NormalizedFeed feed = normalize_text(document);
  ASSERT_EQ(feed.entries.size(), 1u);
  const std::vector<Enclosure> expected = {{"https://people.example/a.mp3", "audio/mpeg", std::nullopt},
                                           {"https://people.example/b.jpg", "image/jpeg", std::nullopt}};
  // "image" is a medium, not a media type: the file name tells the type.
  EXPECT_EQ(feed.entries[0].enclosures, expected);
  EXPECT_EQ(feed.entries[0].categories, (std::vector<std::string>{"c0", "c1", "c2"}));
}

TEST(SplitAuthor, EmailWithNameInParentheses) {
  const Author author = split_author("jo@example.com (Jo Doe)");
  EXPECT_EQ(author.name, "Jo Doe");
  EXPECT_EQ(author.email, "jo@example.com");
}

TEST(SplitAuthor, EmailOnly) {
  const Author author = split_author("jo@example.com");
  EXPECT_EQ(author.name, "");
  EXPECT_EQ(author.email, "jo@example.com");
}

TEST(SplitAuthor, NameWithEmailInAngleBrackets) {
  const Author author = split_author("Jo Doe <jo@example.com>");
  EXPECT_EQ(author.name, "Jo Doe");
  EXPECT_EQ(author.email, "jo@example.com");
}

}  // namespace
}  // namespace tributary::normalize
