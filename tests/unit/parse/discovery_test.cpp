// Feed autodiscovery on real pages (fixtures/pages): advertised links in
// the head only, of feed types only, resolved against <base> and the page;
// hostile pages (malformed, undeclared legacy charset, huge) stay bounded.
#include "parse/discovery.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "support/temp_dir.hpp"

namespace tributary::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string page(const char* name) { return testing::read_text_file(testing::fixtures_dir() / "pages" / name); }

std::vector<std::string> urls_of(const std::vector<FeedLink>& links) {
  std::vector<std::string> urls;
  for (const FeedLink& link : links) urls.push_back(link.url);
  return urls;
}

TEST(FeedDiscovery, WordPressHeadAdvertisesPostsAndComments) {
  const auto links = discover_feed_links(page("wordpress_home.html"), "https://mountain-gazette.example/");
  // Not the REST API's application/json, not oEmbed, not a link in <body>,
  // not markup inside a <script> string.
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0], (FeedLink{"https://mountain-gazette.example/feed/", "application/rss+xml",
                                "Mountain Gazette \xC2\xBB Feed"}));
  EXPECT_EQ(links[1].url, "https://mountain-gazette.example/comments/feed/");
  EXPECT_EQ(feed_type_label(links[0].type), "RSS");
}

TEST(FeedDiscovery, RelativeHrefsResolveAgainstThePage) {
  const auto links = discover_feed_links(page("hugo_relative.html"), "https://ohrid-notes.example/posts/");
  // Case-insensitive rel and type, a type with parameters, a rel with two
  // tokens, a scheme-relative href; javascript: and empty hrefs skipped,
  // the repeated index.xml listed once.
  EXPECT_THAT(urls_of(links),
              ElementsAre("https://ohrid-notes.example/posts/index.xml", "https://ohrid-notes.example/feed.json",
                          "https://cdn.ohrid-notes.example/rss.xml"));
  EXPECT_EQ(links[0].type, "application/atom+xml");
  EXPECT_EQ(feed_type_label(links[1].type), "JSON Feed");
}

TEST(FeedDiscovery, FirstBaseHrefWinsAndIsItselfRelative) {
  const auto links = discover_feed_links(page("base_href.html"), "https://kotor.example/blog/index.html");
  EXPECT_THAT(urls_of(links), ElementsAre("https://kotor.example/blog/en/feed.rss"));
}

TEST(FeedDiscovery, PageWithoutFeedLinksAdvertisesNothing) {
  EXPECT_THAT(discover_feed_links(page("no_feeds.html"), "https://tirana-bakery.example/"), IsEmpty());
}

TEST(FeedDiscovery, MalformedLatin1PageStillYieldsItsLinks) {
  const auto links = discover_feed_links(page("malformed_latin1.html"), "https://cafe.example/fr/");
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links[0].url, "https://cafe.example/rss.php?lang=fr&x=1");
  // Its <meta> charset decides: é, not a replacement character.
  EXPECT_EQ(links[0].title, "Nouvelles de la caf\xC3\xA9");
}

TEST(FeedDiscovery, HugePageIsReadOnlyUpToItsHeadCap) {
  // 64 MiB of nested <div> after a head that never closes: the link in the
  // first megabyte is found, in well under a second, and the rest unread.
  std::string huge =
      "<html><head><link rel=alternate type=application/rss+xml href=/feed>"
      "<title>";
  huge.reserve(64 * 1024 * 1024 + 128);
  while (huge.size() < 64 * 1024 * 1024) huge += "<div><link rel=alternate type=application/rss+xml href=/late>";
  const auto started = std::chrono::steady_clock::now();
  const auto links = discover_feed_links(huge, "https://big.example/");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links[0].url, "https://big.example/feed");
  EXPECT_LE(links.size(), 2u);
}

TEST(FeedDiscovery, NotHtmlAtAllAdvertisesNothing) {
  EXPECT_THAT(discover_feed_links("", "https://x.example/"), IsEmpty());
  EXPECT_THAT(discover_feed_links(std::string("\0\0\xff\xfe garbage", 12), "https://x.example/"), IsEmpty());
  EXPECT_THAT(discover_feed_links("{\"version\":\"https://jsonfeed.org/version/1.1\"}", "https://x.example/"),
              IsEmpty());
}

TEST(FeedDiscovery, CommonLocationsAreOnThePagesOrigin) {
  EXPECT_THAT(common_feed_locations("https://user@lake.example:8443/about/team?x=1"),
              ElementsAre("https://user@lake.example:8443/feed", "https://user@lake.example:8443/rss",
                          "https://user@lake.example:8443/atom.xml", "https://user@lake.example:8443/feed.xml",
                          "https://user@lake.example:8443/index.xml", "https://user@lake.example:8443/rss.xml",
                          "https://user@lake.example:8443/feed.json"));
  EXPECT_THAT(common_feed_locations("not a url"), IsEmpty());
}

TEST(FeedDiscovery, ParseFeedRefusesAPageAsHtml) {
  EXPECT_TRUE(is_html_page(parse_feed(page("wordpress_home.html"))));
  EXPECT_FALSE(is_html_page(parse_feed("<rss version=\"2.0\"><channel><title>t</title></channel></rss>")));
  EXPECT_FALSE(is_html_page(parse_feed("garbage")));
}

}  // namespace
}  // namespace tributary::parse
