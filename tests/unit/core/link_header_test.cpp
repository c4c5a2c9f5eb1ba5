// The HTTP Link header (RFC 8288 §3) as WebSub discovery reads it: several
// links in one field, quoted and token parameters, relation types as a
// list, and malformed values skipped without losing the ones after them.
#include "core/link_header.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::core {
namespace {

using ::testing::ElementsAre;

TEST(LinkHeader, ReadsHubAndSelfFromOneField) {
  const auto links =
      parse_link_header("<https://hub.example/>; rel=\"hub\", <https://news.example/feed.xml>; rel=\"self\"");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].target, "https://hub.example/");
  EXPECT_THAT(links[0].rels, ElementsAre("hub"));
  EXPECT_THAT(link_targets(links, "self"), ElementsAre("https://news.example/feed.xml"));
}

TEST(LinkHeader, RelIsASpaceSeparatedCaseInsensitiveList) {
  const auto links = parse_link_header("<https://a.example/>; rel=\"Hub  alternate\"");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_THAT(links[0].rels, ElementsAre("hub", "alternate"));
}

TEST(LinkHeader, TokenValuesAndOtherParametersAreRead) {
  const auto links =
      parse_link_header("<https://a.example/x>;rel=hub;title=\"A, \\\"quoted\\\" hub\" ; type=text/html");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_THAT(links[0].rels, ElementsAre("hub"));
  ASSERT_EQ(links[0].parameters.size(), 3u);
  EXPECT_EQ(links[0].parameters[1].second, "A, \"quoted\" hub");
  EXPECT_EQ(links[0].parameters[2].second, "text/html");
}

TEST(LinkHeader, CommasInsideTheTargetDoNotSplitIt) {
  const auto links = parse_link_header("<https://a.example/p?x=1,2>; rel=self, <https://hub.example/>; rel=hub");
  EXPECT_THAT(link_targets(links, "self"), ElementsAre("https://a.example/p?x=1,2"));
  EXPECT_THAT(link_targets(links, "hub"), ElementsAre("https://hub.example/"));
}

TEST(LinkHeader, OnlyTheFirstRelCounts) {
  // RFC 8288 §3.3: occurrences after the first are ignored.
  const auto links = parse_link_header("<https://a.example/>; rel=self; rel=hub");
  EXPECT_TRUE(link_targets(links, "hub").empty());
  EXPECT_THAT(link_targets(links, "self"), ElementsAre("https://a.example/"));
}

TEST(LinkHeader, AMalformedValueIsSkippedAndTheNextOneKept) {
  const auto links = parse_link_header("https://no-brackets.example/; rel=hub, <https://hub.example/>; rel=hub");
  EXPECT_THAT(link_targets(links, "hub"), ElementsAre("https://hub.example/"));
  EXPECT_TRUE(parse_link_header("<https://unterminated.example/; rel=hub").empty());
  EXPECT_TRUE(parse_link_header("<https://a.example/>; rel=\"hub").empty());
}

TEST(LinkHeader, EmptyElementsAndEmptyInput) {
  EXPECT_TRUE(parse_link_header("").empty());
  EXPECT_TRUE(parse_link_header(" , ,").empty());
  EXPECT_THAT(link_targets(parse_link_header(", <https://hub.example/>; rel=hub ,"), "hub"),
              ElementsAre("https://hub.example/"));
}

}  // namespace
}  // namespace tributary::core
