// Route patterns: fixed paths match themselves, "{name}" captures one
// non-empty segment, and labels stay few.
#include "serve/routes.hpp"

#include <gtest/gtest.h>

namespace tributary::serve {
namespace {

TEST(MatchPath, FixedPathsMatchOnlyThemselves) {
  EXPECT_EQ(match_path("/feed.atom", "/feed.atom"), "");
  EXPECT_EQ(match_path("/feed.atom", "/feed.atom/"), std::nullopt);
  EXPECT_EQ(match_path("/feed.atom", "/FEED.atom"), std::nullopt);
  EXPECT_EQ(match_path("/", "/"), "");
  EXPECT_EQ(match_path("/", ""), std::nullopt);
}

TEST(MatchPath, ANameIsOneNonEmptySegment) {
  EXPECT_EQ(match_path("/c/{name}.atom", "/c/balkans.atom"), "balkans");
  EXPECT_EQ(match_path("/c/{name}.atom", "/c/a.b.atom"), "a.b");
  EXPECT_EQ(match_path("/c/{name}.atom", "/c/.atom"), std::nullopt);
  EXPECT_EQ(match_path("/c/{name}.atom", "/c/a/b.atom"), std::nullopt);
  EXPECT_EQ(match_path("/c/{name}.atom", "/c/balkans.json"), std::nullopt);
  EXPECT_EQ(match_path("/c/{name}.atom", "/d/balkans.atom"), std::nullopt);
  EXPECT_EQ(match_path("/c/{name}.atom", "/c.atom"), std::nullopt);
}

TEST(RouteLabel, ShowsTheCaptureAsAStar) {
  EXPECT_EQ(route_label("/c/{name}.json"), "/c/*.json");
  EXPECT_EQ(route_label("/healthz"), "/healthz");
}

}  // namespace
}  // namespace tributary::serve
