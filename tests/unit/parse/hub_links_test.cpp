// WebSub discovery in the document (W3C WebSub §4): rel="hub" links in
// Atom, atom:link in RSS, and JSON Feed's `hubs`, beside the self link.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse/parse.hpp"

namespace tributary::parse {
namespace {

using ::testing::ElementsAre;

TEST(HubLinks, AtomLinksWithRelHub) {
  const ParseOutcome parsed = parse_feed(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><id>urn:x</id>"
      "<link rel=\"hub\" href=\"https://hub.example/\"/><link rel=\"self\" href=\"https://news.example/feed\"/>"
      "<link rel=\"hub\" href=\"/second-hub\"/></feed>");
  ASSERT_TRUE(parsed.feed) << parsed.error;
  EXPECT_THAT(parsed.feed->feed.hub_links, ElementsAre("https://hub.example/", "/second-hub"));
  EXPECT_EQ(parsed.feed->feed.self_link, "https://news.example/feed");
}

TEST(HubLinks, AtomLinkInsideAnRssChannel) {
  const ParseOutcome parsed = parse_feed(
      "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>t</title>"
      "<atom:link rel=\"hub\" href=\"https://hub.example/\"/>"
      "<atom:link rel=\"self\" href=\"https://news.example/rss\"/></channel></rss>");
  ASSERT_TRUE(parsed.feed) << parsed.error;
  EXPECT_THAT(parsed.feed->feed.hub_links, ElementsAre("https://hub.example/"));
  EXPECT_EQ(parsed.feed->feed.self_link, "https://news.example/rss");
}

TEST(HubLinks, JsonFeedHubsOfTypeWebSub) {
  const ParseOutcome parsed = parse_feed(
      R"({"version":"https://jsonfeed.org/version/1.1","title":"t","feed_url":"https://news.example/feed.json",
          "hubs":[{"type":"rssCloud","url":"https://cloud.example/"},{"type":"WebSub","url":"https://hub.example/"}],
          "items":[]})");
  ASSERT_TRUE(parsed.feed) << parsed.error;
  EXPECT_THAT(parsed.feed->feed.hub_links, ElementsAre("https://hub.example/"));
}

}  // namespace
}  // namespace tributary::parse
