// URL resolution and canonical forms (core, used by normalize and store).
#include "core/url.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/normalize/generated_inputs.hpp"

namespace tributary::core {
namespace {

TEST(CanonicalUrl, LowercasesSchemeAndHostAndDropsDefaultPortAndFragment) {
  EXPECT_EQ(canonical_url("HTTPS://News.Example:443/Path/A?x=1#comments"), "https://news.example/Path/A?x=1");
}

TEST(CanonicalUrl, RemovesTrackingParameters) {
  EXPECT_EQ(canonical_url("https://n.example/a?utm_source=rss&id=7&fbclid=abc&utm_medium=x&gclid=1&mc_cid=2&mc_eid=3"),
            "https://n.example/a?id=7");
  EXPECT_EQ(canonical_url("https://n.example/a?utm_source=rss"), "https://n.example/a");
}

TEST(CanonicalUrl, SurvivesAnEmptyQueryBeforeAFragment) {
  // Boost.URL 1.81 crashed here once the fragment was removed.
  EXPECT_EQ(canonical_url("https://x.example/?#f"), canonical_url("https://x.example/?"));
  EXPECT_EQ(canonical_url("https://x.example/?a=1&#f"), "https://x.example/?a=1&");
}

// Dedup level 2: every edition of one article's address has one key.
TEST(StoryUrlKey, AmpAndMobileEditionsShareTheArticlesKey) {
  const std::string article = "https://outlet.example/2026/11/29/story";
  EXPECT_EQ(story_url_key(article), article);
  for (const std::string edition : {
           "https://outlet.example/amp/2026/11/29/story",
           "https://outlet.example/2026/11/29/story/amp/",
           "https://outlet.example/2026/11/29/story/amp",
           "https://outlet.example/2026/11/29/story?amp=1",
           "https://outlet.example/2026/11/29/story?amp",
           "https://outlet.example/2026/11/29/story?outputType=amp",
           "https://outlet.example/2026/11/29/story.amp",
           "https://amp.outlet.example/2026/11/29/story",
           "https://m.outlet.example/2026/11/29/story",
           "https://mobile.outlet.example/2026/11/29/story",
           "https://www.outlet.example/2026/11/29/story/",
           "http://outlet.example/2026/11/29/story",
           "HTTPS://M.Outlet.Example/2026/11/29/story?utm_source=aggregator&amp=1#top",
           "https://outlet-example.cdn.ampproject.org/c/s/outlet.example/2026/11/29/story",
           "https://outlet-example.cdn.ampproject.org/c/s/outlet.example/amp/2026/11/29/story?usqp=mq331AQA",
           "https://outlet-example.cdn.ampproject.org/v/s/www.outlet.example/2026/11/29/story/amp/?amp_js_v=0.1",
       })
    EXPECT_EQ(story_url_key(edition), article) << edition;
  EXPECT_EQ(story_url_key("https://outlet.example/2026/11/29/story.amp.html"),
            "https://outlet.example/2026/11/29/story.html");
  EXPECT_EQ(story_url_key("https://outlet-example.cdn.ampproject.org/c/outlet.example/a"), "https://outlet.example/a");
}

TEST(StoryUrlKey, KeepsWhatNamesAnotherArticle) {
  // Parameters that are not about the edition, ports, words containing "amp".
  EXPECT_EQ(story_url_key("https://outlet.example/read?id=7&amp=1&page=2"), "https://outlet.example/read?id=7&page=2");
  EXPECT_EQ(story_url_key("https://outlet.example:8443/x"), "https://outlet.example:8443/x");
  EXPECT_EQ(story_url_key("https://outlet.example/camp/amplifiers/example.ampersand"),
            "https://outlet.example/camp/amplifiers/example.ampersand");
  EXPECT_EQ(story_url_key("https://outlet.example/amp-news/x"), "https://outlet.example/amp-news/x");
  // A host is never cut to one label; other schemes are left alone.
  EXPECT_EQ(story_url_key("https://m.example/x"), "https://m.example/x");
  EXPECT_EQ(story_url_key("https://www.example/"), "https://www.example/");
  EXPECT_EQ(story_url_key("ftp://m.outlet.example/x"), "ftp://m.outlet.example/x");
  EXPECT_EQ(story_url_key("https://cdn.ampproject.org/c/s/"), "https://cdn.ampproject.org/c/s");
  EXPECT_NE(story_url_key("https://outlet.example/2026/11/29/story"),
            story_url_key("https://other.example/2026/11/29/story"));
}

TEST(ResolveUrl, ResolvesRelativeReferences) {
  EXPECT_EQ(resolve_url("https://n.example/a/b", "../c"), "https://n.example/c");
  EXPECT_EQ(resolve_url("https://n.example/a/b", "//cdn.example/x"), "https://cdn.example/x");
  EXPECT_EQ(resolve_url("https://n.example/a/b", "https://o.example/"), "https://o.example/");
}

TEST(ResolveUrl, EncodesStraySpacesAndNonAscii) {
  EXPECT_EQ(resolve_url("https://n.example/", "/a b/č"), "https://n.example/a%20b/%C4%8D");
}

TEST(CheckHttpUrl, AcceptsHttpAndHttpsOnly) {
  EXPECT_TRUE(check_http_url("https://example.org/feed").url);
  EXPECT_FALSE(check_http_url("ftp://example.org/feed").url);
  EXPECT_FALSE(check_http_url("example.org/feed").url);
  EXPECT_FALSE(check_http_url("http:///nohost").url);
}

// The fast paths for plain http(s) URLs must give Boost.URL's answers.
TEST(UrlFastPaths, ResolveAndCanonicalFormEqualBoostUrlOnGeneratedCases) {
  const std::vector<std::string> bases = {"https://balkan-daily.example/feed/",
                                          "http://n.example",
                                          "https://N.Example:8443/a/b?x=1#f",
                                          "http://a.example/a/b/c",
                                          "https://u:p@n.example/x",
                                          "ftp://f.example/dir/",
                                          "https://n.example/%7Euser/",
                                          "urn:uuid:1",
                                          "",
                                          "https://n.example/a/./b/../c",
                                          "HTTP://n.example/x",
                                          " https://n.example/x "};
  const std::vector<std::string> parts = {
      "/",    "a",    "b.jpg", ".",        "..",      "?",        "q=1",     "&",         "utm_source=rss",
      "#",    "frag", "%20",   "%2e",      " ",       "č",        ":",       "@",         "+",
      "=",    "//",   "~",     "fbclid=9", "UTM_x=y", "https://", "http://", "x.example", ":80",
      ":443", "A",    "'",     "(",        "!",       "$"};
  testing::TestNumbers next(7);
  for (int round = 0; round < 40000; ++round) {
    std::string reference;
    for (std::size_t i = 0, n = 1 + next() % 7; i < n; ++i) reference += parts[next() % parts.size()];
    if (round % 3 == 0) reference = (next() % 2 ? "https://x.example" : "/") + reference;
    const std::string& base = bases[next() % bases.size()];
    ASSERT_EQ(resolve_url(base, reference), detail::resolve_url_with_boost(base, reference))
        << "base: " << base << "\nreference: " << reference;
    ASSERT_EQ(canonical_url(reference), detail::canonical_url_with_boost(reference)) << reference;
    const std::string absolute = "https://n.example" + reference;
    ASSERT_EQ(canonical_url(absolute), detail::canonical_url_with_boost(absolute)) << absolute;
  }
  // The cases the fast paths are for.
  EXPECT_EQ(resolve_url("https://balkan-daily.example/feed/", "/2025/12/x/"),
            "https://balkan-daily.example/2025/12/x/");
  EXPECT_EQ(canonical_url("https://balkan-daily.example/2025/12/x/?utm_source=rss&utm_medium=feed"),
            "https://balkan-daily.example/2025/12/x/");
  EXPECT_EQ(canonical_url("https://n.example/a?id=7&utm_source=rss&p=2#c"), "https://n.example/a?id=7&p=2");
}

}  // namespace
}  // namespace tributary::core
