// URL resolution and canonical forms (core, used by normalize and store).
#include <gtest/gtest.h>

#include "core/url.hpp"

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

}  // namespace
}  // namespace tributary::core
