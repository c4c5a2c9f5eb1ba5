// The server's HTTP rules: request framing and refusals, numbers in
// queries, content negotiation, conditional requests, targets, the token.
#include "serve/http_rules.hpp"

#include <gtest/gtest.h>

namespace tributary::serve {
namespace {

using Kind = BodyFraming::Kind;
using Values = std::vector<std::string_view>;

BodyFraming framing(Values transfer_encodings, Values content_lengths = {}, unsigned version = 11) {
  return request_body_framing(version, transfer_encodings, content_lengths);
}

TEST(RequestBodyFraming, NoFieldsMeanNoBody) {
  const BodyFraming none = framing({});
  EXPECT_EQ(none.kind, Kind::none);
  EXPECT_FALSE(none.has_body());
}

TEST(RequestBodyFraming, TakesOneDecimalContentLength) {
  EXPECT_EQ(framing({}, {"5"}).kind, Kind::length);
  EXPECT_EQ(framing({}, {"5"}).length, 5u);
  EXPECT_TRUE(framing({}, {"5"}).has_body());
  EXPECT_FALSE(framing({}, {"0"}).has_body());
  // RFC 9112 §6.3: a list of one value repeated is that value.
  EXPECT_EQ(framing({}, {"7, 7", "7"}).length, 7u);
}

TEST(RequestBodyFraming, RefusesAContentLengthThatIsNotOneNumber) {
  for (const Values& lengths : std::vector<Values>{
           {"5, 6"}, {"5", "6"}, {"-1"}, {"+5"}, {"0x10"}, {"5 5"}, {""}, {","}, {"99999999999999999999"}}) {
    const BodyFraming refused = framing({}, lengths);
    EXPECT_EQ(refused.kind, Kind::invalid) << lengths.front();
    EXPECT_FALSE(refused.problem.empty());
  }
}

TEST(RequestBodyFraming, TakesALoneChunked) {
  EXPECT_EQ(framing({"chunked"}).kind, Kind::chunked);
  EXPECT_EQ(framing({"Chunked"}).kind, Kind::chunked);
  EXPECT_EQ(framing({" chunked ,"}).kind, Kind::chunked);
  EXPECT_TRUE(framing({"chunked"}).has_body());
}

TEST(RequestBodyFraming, RefusesChunkedThatIsNotTheFinalCoding) {
  // RFC 9112 §6.3 item 4: the body's end cannot be known; 400 and close.
  for (const Values& codings : std::vector<Values>{
           {"chunked, gzip"}, {"gzip"}, {"xchunked"}, {"chunked", "gzip"}, {"chunked;q=1"}, {"identity"}}) {
    const BodyFraming refused = framing(codings);
    EXPECT_EQ(refused.kind, Kind::invalid) << codings.front();
    EXPECT_NE(refused.problem.find("final"), std::string::npos) << refused.problem;
  }
}

TEST(RequestBodyFraming, RefusesCodingsItDoesNotDecode) {
  EXPECT_EQ(framing({"gzip, chunked"}).kind, Kind::invalid);
  EXPECT_EQ(framing({"gzip", "chunked"}).kind, Kind::invalid);
  EXPECT_EQ(framing({"chunked, chunked"}).kind, Kind::invalid);
  EXPECT_EQ(framing({""}).kind, Kind::invalid);
  EXPECT_EQ(framing({" , "}).kind, Kind::invalid);
}

TEST(RequestBodyFraming, RefusesTransferEncodingWithContentLengthOrInHttp10) {
  // RFC 9112 §6.1 and §6.3 item 3: both are how requests are smuggled.
  EXPECT_EQ(framing({"chunked"}, {"5"}).kind, Kind::invalid);
  EXPECT_EQ(framing({"gzip"}, {"5"}).kind, Kind::invalid);
  EXPECT_EQ(framing({"chunked"}, {}, 10).kind, Kind::invalid);
  EXPECT_EQ(framing({}, {"5"}, 10).kind, Kind::length);
}

TEST(RefuseRequest, PassesGetAndHeadWithoutABody) {
  EXPECT_FALSE(refuse_request("GET", framing({})));
  EXPECT_FALSE(refuse_request("HEAD", framing({}, {"0"})));
}

TEST(RefuseRequest, InvalidFramingIs400AndCloses) {
  const auto refusal = refuse_request("GET", framing({"chunked, gzip"}));
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 400);
  EXPECT_TRUE(refusal->must_close);
  EXPECT_NE(refusal->text.find("chunked"), std::string::npos) << refusal->text;
  // Before the method: nothing about such a request can be trusted.
  EXPECT_EQ(refuse_request("POST", framing({"gzip"}))->status, 400);
}

TEST(RefuseRequest, OtherMethodsAre405WhateverTheBody) {
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "TRACE"}) {
    const auto without_body = refuse_request(method, framing({}));
    ASSERT_TRUE(without_body) << method;
    EXPECT_EQ(without_body->status, 405) << method;
    EXPECT_FALSE(without_body->must_close) << method;
    const auto with_body = refuse_request(method, framing({}, {"5"}));
    EXPECT_EQ(with_body->status, 405) << method;
    EXPECT_TRUE(with_body->must_close) << "its body was not read";
    EXPECT_EQ(refuse_request(method, framing({"chunked"}))->status, 405) << method;
  }
  EXPECT_EQ(kAllowedMethods, "GET, HEAD");
}

TEST(RefuseRequest, APostWithABodyPassesOnlyWhereAPathTakesOne) {
  // WebSub callbacks (/websub/TOKEN) take content distribution as a POST.
  EXPECT_FALSE(refuse_request("POST", framing({}, {"5"}), true));
  EXPECT_FALSE(refuse_request("POST", framing({"chunked"}), true));
  EXPECT_EQ(refuse_request("POST", framing({}, {"5"}), false)->status, 405);
  // Another method is no POST, and bad framing is refused first.
  EXPECT_EQ(refuse_request("PUT", framing({}, {"5"}), true)->status, 405);
  EXPECT_EQ(refuse_request("POST", framing({"gzip"}), true)->status, 400);
}

TEST(RefuseRequest, GetWithABodyIs413AndCloses) {
  for (const BodyFraming& with_body : {framing({}, {"5"}), framing({"chunked"})}) {
    const auto refusal = refuse_request("GET", with_body);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 413);
    EXPECT_TRUE(refusal->must_close);
  }
}

TEST(ParseWholeNumber, ReadsDecimalDigitsThatFit) {
  EXPECT_EQ(parse_whole_number("0"), 0u);
  EXPECT_EQ(parse_whole_number("500"), 500u);
  EXPECT_EQ(parse_whole_number("000042"), 42u);
  EXPECT_EQ(parse_whole_number("18446744073709551615"), 18446744073709551615u);
}

TEST(ParseWholeNumber, RejectsWhatIsNotOne) {
  // Out of range: from_chars reports it and leaves its output alone, which
  // is how "before=99999999999999999999-1" once read as the epoch.
  EXPECT_FALSE(parse_whole_number("18446744073709551616"));
  EXPECT_FALSE(parse_whole_number("99999999999999999999"));
  for (const char* text : {"", "-1", "+1", " 1", "1 ", "1e3", "0x10", "12abc", "½"})
    EXPECT_FALSE(parse_whole_number(text)) << text;
}

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
  const QueryParameters expected = {
      {"tag", "news"}, {"q", "new bridge!"}, {"source", ""}, {"empty", ""}, {"tag", "a&b"}};
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
  EXPECT_EQ(basic_auth_password("Basic dXNlcjpwYXNz"), "pass");         // user:pass
  EXPECT_EQ(basic_auth_password("basic   dXNlcjpwYTpzcw=="), "pa:ss");  // user:pa:ss
  EXPECT_EQ(basic_auth_password("Basic OnNlY3JldA=="), "secret");       // :secret
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
