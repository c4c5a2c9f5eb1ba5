// Content negotiation and conditional request rules of the server.
#include <gtest/gtest.h>

#include "serve/http_rules.hpp"

namespace tributary::serve {
namespace {

TEST(AcceptsGzip, ReadsCodingsAndWeights) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("deflate;q=1, GZIP;q=0.5"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("*, gzip;q=0"));
}

TEST(EtagMatches, ComparesOpaqueTagsWeakly) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abd\"", "\"abc\""));
}

TEST(IsUnmodifiedSince, ComparesHttpDates) {
  const auto modified = *core::parse_http_date("Wed, 17 Dec 2025 11:00:00 GMT");
  EXPECT_TRUE(is_unmodified_since("Wed, 17 Dec 2025 11:00:00 GMT", modified));
  EXPECT_TRUE(is_unmodified_since("Thu, 18 Dec 2025 11:00:00 GMT", modified));
  EXPECT_FALSE(is_unmodified_since("Tue, 16 Dec 2025 11:00:00 GMT", modified));
  EXPECT_FALSE(is_unmodified_since("garbage", modified));
}

TEST(ParseTarget, SplitsPathAndDecodedQuery) {
  const auto target = parse_target("/feed.atom?tag=news&q=new+bridge%21&source=&empty&tag=a%26b#fragment");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->path, "/feed.atom");
  const QueryParameters expected = {{"tag", "news"}, {"q", "new bridge!"}, {"source", ""}, {"empty", ""}, {"tag", "a&b"}};
  EXPECT_EQ(target->query, expected);
  EXPECT_EQ(query_values(target->query, "tag"), (std::vector<std::string>{"news", "a&b"}));
  EXPECT_TRUE(query_values(target->query, "limit").empty());
}

TEST(ParseTarget, RejectsWhatIsNotOriginForm) {
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("feed.atom"));
  EXPECT_FALSE(parse_target("http://example.com/feed.atom"));
  EXPECT_FALSE(parse_target("/feed.atom?q=%zz"));
  EXPECT_FALSE(parse_target("/feed.atom?q=%2"));
  EXPECT_FALSE(parse_target("/%"));
  EXPECT_EQ(parse_target("/c/%6Eews.atom")->path, "/c/news.atom");
}

TEST(EncodeQueryValue, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(encode_query_value("abc-._~XYZ09"), "abc-._~XYZ09");
  EXPECT_EQ(encode_query_value("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  const auto round_trip = parse_target("/x?v=" + encode_query_value("https://a.example/?x=1&y=2 3"));
  EXPECT_EQ(round_trip->query.at(0).second, "https://a.example/?x=1&y=2 3");
}

TEST(BasicAuthPassword, DecodesTheCredentials) {
  EXPECT_EQ(basic_auth_password("Basic dXNlcjpwYXNz"), "pass");           // user:pass
  EXPECT_EQ(basic_auth_password("basic   dXNlcjpwYTpzcw=="), "pa:ss");   // user:pa:ss
  EXPECT_EQ(basic_auth_password("Basic OnNlY3JldA=="), "secret");          // :secret
  EXPECT_FALSE(basic_auth_password("Bearer dXNlcjpwYXNz"));
  EXPECT_FALSE(basic_auth_password("Basic dXNlcg=="));  // no colon
  EXPECT_FALSE(basic_auth_password("Basic !!!"));
  EXPECT_FALSE(basic_auth_password(""));
}

TEST(SecretsEqual, ComparesWholeSecrets) {
  EXPECT_TRUE(secrets_equal("a-long-token-value", "a-long-token-value"));
  EXPECT_FALSE(secrets_equal("a-long-token-valuf", "a-long-token-value"));
  EXPECT_FALSE(secrets_equal("a-long-token", "a-long-token-value"));
  EXPECT_FALSE(secrets_equal("", "a-long-token-value"));
}

}  // namespace
}  // namespace tributary::serve
