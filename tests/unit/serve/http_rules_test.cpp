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

}  // namespace
}  // namespace tributary::serve
