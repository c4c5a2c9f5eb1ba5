// application/x-www-form-urlencoded as WebSub's requests use it (WHATWG URL
// §5), and the random tokens of callbacks, secrets and challenges.
#include "websub/form.hpp"

#include <gtest/gtest.h>

#include <set>

#include "websub/token.hpp"

namespace tributary::websub {
namespace {

Form parsed(std::string_view encoded) {
  FormParse result = parse_form(encoded);
  EXPECT_TRUE(result.form) << result.error;
  return result.form ? *result.form : Form{};
}

TEST(FormParse, ReadsASubscriptionRequest) {
  const Form form = parsed(
      "hub.mode=subscribe&hub.topic=http%3A%2F%2Fexample.com%2Ffeed.atom&hub.callback=http%3A%2F%2Fr.example%2Fcb%3Fid%"
      "3D1&hub.lease_seconds=3600");
  ASSERT_EQ(form.fields.size(), 4u);
  EXPECT_EQ(*form.find("hub.mode"), "subscribe");
  EXPECT_EQ(*form.find("hub.topic"), "http://example.com/feed.atom");
  EXPECT_EQ(*form.find("hub.callback"), "http://r.example/cb?id=1");
  EXPECT_EQ(*form.find("hub.lease_seconds"), "3600");
  EXPECT_EQ(form.find("hub.secret"), nullptr);
}

TEST(FormParse, ReadsPlusAsSpaceAndEscapedPlusAsPlus) {
  const Form form = parsed("a=one+two&b=1%2B1&c+d=%20");
  EXPECT_EQ(*form.find("a"), "one two");
  EXPECT_EQ(*form.find("b"), "1+1");
  EXPECT_EQ(*form.find("c d"), " ");
}

TEST(FormParse, DecodesBytesAndUpperOrLowerHex) {
  const Form form = parsed("s=%e2%82%AC%00x");
  EXPECT_EQ(*form.find("s"), std::string("\xE2\x82\xAC\0x", 5));
}

TEST(FormParse, KeepsOrderDuplicatesAndEmptyValues) {
  const Form form = parsed("a=1&b&a=2&c=");
  ASSERT_EQ(form.fields.size(), 4u);
  EXPECT_EQ(*form.find("a"), "1");
  EXPECT_EQ(form.count("a"), 2u);
  EXPECT_EQ(form.fields[2].value, "2");
  EXPECT_EQ(*form.find("b"), "");
  EXPECT_EQ(*form.find("c"), "");
}

TEST(FormParse, SplitsOnTheFirstEqualsSign) { EXPECT_EQ(*parsed("t=a=b").find("t"), "a=b"); }

TEST(FormParse, SkipsEmptySequences) {
  EXPECT_TRUE(parsed("").fields.empty());
  EXPECT_TRUE(parsed("&&").fields.empty());
  EXPECT_EQ(parsed("&a=1&&b=2&").fields.size(), 2u);
}

TEST(FormParse, RefusesMalformedEscapes) {
  for (const std::string_view bad : {"a=%", "a=%4", "a=%G1", "a=%4x&b=1", "%=1", "a=100%"}) {
    const FormParse result = parse_form(bad);
    EXPECT_FALSE(result.form) << bad;
    EXPECT_NE(result.error.find("percent-escape"), std::string::npos) << result.error;
  }
}

TEST(FormParse, IsBoundedInBytesAndFields) {
  const FormLimits limits{.max_bytes = 16, .max_fields = 3};
  EXPECT_TRUE(parse_form("a=1&b=2&c=3", limits).form);
  const FormParse too_many = parse_form("a=1&b=2&c=3&d=4", limits);
  EXPECT_FALSE(too_many.form);
  EXPECT_NE(too_many.error.find("more than 3 fields"), std::string::npos) << too_many.error;
  const FormParse too_long = parse_form("a=12345678901234567", limits);
  EXPECT_FALSE(too_long.form);
  EXPECT_NE(too_long.error.find("more than the 16"), std::string::npos) << too_long.error;
}

TEST(FormEncode, EscapesAllButTheUnreservedSet) {
  EXPECT_EQ(form_escape("AZaz09*-._"), "AZaz09*-._");
  EXPECT_EQ(form_escape("a b"), "a+b");
  EXPECT_EQ(form_escape("http://x.example/f?a=1&b=~"), "http%3A%2F%2Fx.example%2Ff%3Fa%3D1%26b%3D%7E");
  EXPECT_EQ(form_escape("+%\xE2\x82\xAC"), "%2B%25%E2%82%AC");
}

TEST(FormEncode, JoinsFieldsAndRoundTrips) {
  const std::vector<FormField> fields = {{"hub.mode", "publish"}, {"hub.url", "http://h.example/feed.atom?x=1 2"}};
  const std::string encoded = encode_form(fields);
  EXPECT_EQ(encoded, "hub.mode=publish&hub.url=http%3A%2F%2Fh.example%2Ffeed.atom%3Fx%3D1+2");
  const Form form = parsed(encoded);
  ASSERT_EQ(form.fields.size(), 2u);
  EXPECT_EQ(form.fields[1].value, "http://h.example/feed.atom?x=1 2");
}

TEST(RandomToken, IsUrlSafeOfTheExpectedLength) {
  const std::string token = random_token();
  EXPECT_EQ(token.size(), 43u);  // 32 bytes in base64url without padding
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(form_escape(token), token);
  EXPECT_EQ(random_token(1).size(), 2u);
  EXPECT_EQ(random_token(3).size(), 4u);
}

TEST(RandomToken, DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(random_token(16));
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace tributary::websub
