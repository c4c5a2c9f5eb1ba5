// Feed dates in the forms real feeds write them.
#include "normalize/dates.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/time.hpp"
#include "unit/normalize/generated_inputs.hpp"

namespace tributary::normalize {
namespace {

std::string utc(std::string_view text) {
  const auto parsed = parse_feed_date(text);
  return parsed ? core::format_rfc3339(*parsed) : "null";
}

TEST(DateParsing, ReadsRfc822WithNumericOffset) {
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 +0100"), "2025-12-17T08:30:00Z");
}
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
TEST(DateParsing, ToleratesExtraWhitespace) {
  EXPECT_EQ(utc("  Wed,  17 Dec  2025   09:30:00   GMT "), "2025-12-17T09:30:00Z");
}
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
TEST(DateParsing, ReadsTheEndOfTheDayAsTheNextMidnight) {
  EXPECT_EQ(utc("2025-12-31T24:00:00Z"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(utc("Wed, 31 Dec 2025 24:00:00 GMT"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(utc("2025-12-31T24:00:01Z"), "null");
  EXPECT_EQ(utc("31 Dec 2025 24:30 GMT"), "null");
}
TEST(DateParsing, ReadsALeapSecondAsTheMinutesLastSecond) {
  EXPECT_EQ(utc("Wed, 31 Dec 2025 23:59:60 GMT"), "2025-12-31T23:59:59Z");
  EXPECT_EQ(utc("2025-12-31T23:59:60Z"), "2025-12-31T23:59:59Z");
}
TEST(DateParsing, ReadsOrdinalDaysAndTwelveHourTimes) {
  EXPECT_EQ(utc("December 17th, 2025 at 9:30 pm EST"), "2025-12-18T02:30:00Z");
  EXPECT_EQ(utc("17 Dec 2025 12:05 am GMT"), "2025-12-17T00:05:00Z");
  EXPECT_EQ(utc("17 Dec 2025 12:05pm GMT"), "2025-12-17T12:05:00Z");
  EXPECT_EQ(utc("17 Dec 2025 13:05 pm GMT"), "null");
  EXPECT_EQ(utc("17 Dec 2025 pm"), "null");
  EXPECT_EQ(utc("17xx Dec 2025"), "null");
}
TEST(DateParsing, ReadsAllNumericDatesDayFirstUnlessTheFieldsSayOtherwise) {
  EXPECT_EQ(utc("17/12/2025"), "2025-12-17T00:00:00Z");
  EXPECT_EQ(utc("05/04/2025 09:30"), "2025-04-05T09:30:00Z");
  EXPECT_EQ(utc("12/17/2025"), "2025-12-17T00:00:00Z");
  EXPECT_EQ(utc("17.12.2025 09:30:00 +0100"), "2025-12-17T08:30:00Z");
  EXPECT_EQ(utc("12/2025"), "null");
  EXPECT_EQ(utc("1/2/3/4"), "null");
}

// parse_feed_date reads RFC 1123's own form without the token reader; its
// results must be the token reader's, for that form and for every near
// miss, which it must leave to the token reader.
TEST(DateParsing, ShortcutForRfc1123AgreesWithTheTokenReader) {
  const std::vector<std::string> weekdays = {"Mon", "Tue", "Wed", "thu", "FRI", "Sat",
                                             "Sun", "Mar", "The", "Xyz", "Mo1"};
  const std::vector<std::string> days = {"01", "09", "17", "28", "29", "30", "31", "00", "32", "99", "1", "7x"};
  const std::vector<std::string> months = {"Jan", "Feb", "feb", "MAR", "Apr", "May", "Jun", "Jul",  "Aug",
                                           "Sep", "Oct", "Nov", "Dec", "Xyz", "Mon", "The", "Sept", "De1"};
  const std::vector<std::string> years = {"2025", "2024", "1999", "1970", "1900", "0099", "9999", "0001", "25", "20x5"};
  const std::vector<std::string> times = {"00:00:00", "09:30:00", "23:59:59", "24:00:00", "24:00:01",   "12:60:00",
                                          "12:00:60", "25:00:00", "9:30:00",  "09:30",    "09:30:00.5", "0a:00:00"};
  const std::vector<std::string> zones = {"+0100", "-0500", "+0000",  "+2359", "+2400", "-0060", "+0530",  "+01:00",
                                          "+01",   "GMT",   "UT",     "UTC",   "Z",     "z",     "EST",    "pdt",
                                          "CEST",  "AKST",  "AKDT",   "J",     "A",     "Y",     "PM",     "am",
                                          "of",    "Mon",   "Sunday", "Dec",   "XYZ",   "GMT+2", "+01000", "(PST)"};
  const std::vector<std::string> separators = {" ", " ", " ", " ", "  ", "\t", ", "};
  testing::TestNumbers next(1123);
  const auto pick = [&](const std::vector<std::string>& values) { return values[next() % values.size()]; };
  std::size_t read = 0;
  for (int round = 0; round < 20000; ++round) {
    // Mostly the exact form, with one field or separator varied now and then.
    const bool is_exact = round % 4 != 0;
    std::string text = pick(weekdays) + "," + (is_exact ? " " : pick(separators)) + pick(days) + " " + pick(months) +
                       (is_exact ? " " : pick(separators)) + pick(years) + " " + pick(times) + " " + pick(zones);
    if (round % 50 == 0) text = " " + text;
    if (round % 70 == 0) text += " ";
    const auto expected = parse_feed_date_by_tokens(text);
    ASSERT_EQ(parse_feed_date(text), expected) << text;
    if (expected) ++read;
  }
  EXPECT_GT(read, 1000u);  // the comparison covers dates that read, not only failures
  EXPECT_EQ(utc("Tue, 02 Dec 2025 10:20:30 +0100"), "2025-12-02T09:20:30Z");
  EXPECT_EQ(utc("Tue, 30 Feb 2025 10:20:30 GMT"), "null");
}

}  // namespace
}  // namespace tributary::normalize
