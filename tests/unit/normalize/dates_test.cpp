// Feed dates in the forms real feeds write them.
#include <gtest/gtest.h>

#include "core/time.hpp"
#include "normalize/dates.hpp"

namespace tributary::normalize {
namespace {

std::string utc(std::string_view text) {
  const auto parsed = parse_feed_date(text);
  return parsed ? core::format_rfc3339(*parsed) : "null";
}

TEST(DateParsing, ReadsRfc822WithNumericOffset) { EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 +0100"), "2025-12-17T08:30:00Z"); }
TEST(DateParsing, ReadsRfc822WithGmt) { EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 GMT"), "2025-12-17T09:30:00Z"); }
TEST(DateParsing, ReadsRfc822WithNamedUsZones) {
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 EST"), "2025-12-17T14:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 EDT"), "2025-12-17T13:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 CST"), "2025-12-17T15:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 PDT"), "2025-12-17T16:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 UT"), "2025-12-17T09:30:00Z");
}
TEST(DateParsing, ReadsMilitaryZoneZ) { EXPECT_EQ(utc("17 Dec 2025 09:30:00 Z"), "2025-12-17T09:30:00Z"); }
TEST(DateParsing, IgnoresAWrongWeekday) { EXPECT_EQ(utc("Mon, 17 Dec 2025 09:30:00 GMT"), "2025-12-17T09:30:00Z"); }
TEST(DateParsing, ReadsWithoutWeekday) { EXPECT_EQ(utc("17 Dec 2025 09:30 +0000"), "2025-12-17T09:30:00Z"); }
TEST(DateParsing, ReadsTwoDigitYears) {
  EXPECT_EQ(utc("17 Dec 25 09:30:00 GMT"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("17 Dec 99 09:30:00 GMT"), "1999-12-17T09:30:00Z");
}
TEST(DateParsing, ReadsLowercaseAndFullMonthNames) {
  EXPECT_EQ(utc("wed, 17 dec 2025 09:30:00 gmt"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("Wednesday, 17 December 2025 09:30:00 GMT"), "2025-12-17T09:30:00Z");
}
TEST(DateParsing, ToleratesExtraWhitespace) { EXPECT_EQ(utc("  Wed,  17 Dec  2025   09:30:00   GMT "), "2025-12-17T09:30:00Z"); }
TEST(DateParsing, ReadsRfc3339) {
  EXPECT_EQ(utc("2025-12-17T09:30:00Z"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("2025-12-17T09:30:00+02:00"), "2025-12-17T07:30:00Z");
  EXPECT_EQ(utc("2025-12-17T09:30:00.123456-05:00"), "2025-12-17T14:30:00Z");
}
TEST(DateParsing, ReadsIso8601Variants) {
  EXPECT_EQ(utc("2025-12-17T09:30Z"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("2025-12-17T09:30:00"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("2025-12-17"), "2025-12-17T00:00:00Z");
  EXPECT_EQ(utc("2025-12-17 09:30:00"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("20251217T093000Z"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("2025-12-17T09:30:00+0100"), "2025-12-17T08:30:00Z");
}
TEST(DateParsing, ReadsWeekAndOrdinalDates) {
  EXPECT_EQ(utc("2025-W51-3"), "2025-12-17T00:00:00Z");
  EXPECT_EQ(utc("2025-351"), "2025-12-17T00:00:00Z");
}
TEST(DateParsing, UnreadableDatesAreNull) {
  EXPECT_EQ(utc(""), "null");
  EXPECT_EQ(utc("yesterday"), "null");
  EXPECT_EQ(utc("2025-13-45"), "null");
  EXPECT_EQ(utc("32 Dec 2025 10:00 GMT"), "null");
}

}  // namespace
}  // namespace tributary::normalize
