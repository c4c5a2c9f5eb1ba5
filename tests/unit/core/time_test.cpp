// The date rules core shares with every date reader: the one assembler of
// a calendar date and time into a Timestamp, and the one month table.
#include "core/time.hpp"

#include <gtest/gtest.h>

namespace tributary::core {
namespace {

TEST(MakeTimestamp, AssemblesADateAndTimeInUtc) {
  EXPECT_EQ(make_timestamp(2025, 12, 17, 9, 30, 0), from_unix_seconds(1765963800));
  EXPECT_EQ(make_timestamp(2025, 12, 31, 23, 59, 59), from_unix_seconds(1767225599));
}

TEST(MakeTimestamp, KnowsLeapYears) {
  EXPECT_EQ(make_timestamp(2024, 2, 29, 0, 0, 0), from_unix_seconds(1709164800));
  EXPECT_FALSE(make_timestamp(2025, 2, 29, 0, 0, 0));
  EXPECT_FALSE(make_timestamp(1900, 2, 29, 0, 0, 0));
  EXPECT_TRUE(make_timestamp(2000, 2, 29, 0, 0, 0));
}

TEST(MakeTimestamp, RejectsDaysThatDoNotExist) {
  EXPECT_FALSE(make_timestamp(2025, 4, 31, 0, 0, 0));
  EXPECT_FALSE(make_timestamp(2025, 1, 0, 0, 0, 0));
  EXPECT_FALSE(make_timestamp(2025, 1, 32, 0, 0, 0));
  EXPECT_FALSE(make_timestamp(2025, 0, 1, 0, 0, 0));
  EXPECT_FALSE(make_timestamp(2025, 13, 1, 0, 0, 0));
  EXPECT_FALSE(make_timestamp(2025, -1, 1, 0, 0, 0));
  // Past what std::chrono::day holds (a byte): not January 1.
  EXPECT_FALSE(make_timestamp(2025, 1, 257, 0, 0, 0));
}

TEST(MakeTimestamp, RejectsTimesThatDoNotExist) {
  EXPECT_FALSE(make_timestamp(2025, 12, 17, 24, 0, 0));  // feed dates allow 24:00:00; core does not
  EXPECT_FALSE(make_timestamp(2025, 12, 17, 12, 60, 0));
  EXPECT_FALSE(make_timestamp(2025, 12, 17, 12, 0, 61));
  EXPECT_FALSE(make_timestamp(2025, 12, 17, -1, 0, 0));
  EXPECT_FALSE(make_timestamp(2025, 12, 17, 0, -1, 0));
  EXPECT_FALSE(make_timestamp(2025, 12, 17, 0, 0, -1));
}

TEST(MakeTimestamp, ReadsALeapSecondAsTheMinutesLastSecond) {
  EXPECT_EQ(make_timestamp(2025, 12, 31, 23, 59, 60), from_unix_seconds(1767225599));
}

TEST(MonthNames, ReadsTheThreeLetterAbbreviationInAnyCase) {
  EXPECT_EQ(month_from_abbreviation("Jan"), 1);
  EXPECT_EQ(month_from_abbreviation("may"), 5);
  EXPECT_EQ(month_from_abbreviation("SEP"), 9);
  EXPECT_EQ(month_from_abbreviation("Dec"), 12);
}

TEST(MonthNames, AbbreviationIsExactlyThreeLetters) {
  EXPECT_FALSE(month_from_abbreviation("Sept"));
  EXPECT_FALSE(month_from_abbreviation("December"));
  EXPECT_FALSE(month_from_abbreviation("De"));
  EXPECT_FALSE(month_from_abbreviation(""));
  EXPECT_FALSE(month_from_abbreviation("Foo"));
}

TEST(MonthNames, ReadsAnyBeginningOfTheNameOfAtLeastThreeLetters) {
  EXPECT_EQ(month_from_name("January"), 1);
  EXPECT_EQ(month_from_name("mar"), 3);
  EXPECT_EQ(month_from_name("May"), 5);
  EXPECT_EQ(month_from_name("Sept"), 9);
  EXPECT_EQ(month_from_name("septem"), 9);
  EXPECT_EQ(month_from_name("DECEMBER"), 12);
}

TEST(MonthNames, RejectsWhatNamesNoMonth) {
  EXPECT_FALSE(month_from_name("ma"));  // March or May
  EXPECT_FALSE(month_from_name("juni"));
  EXPECT_FALSE(month_from_name("Januaryx"));
  EXPECT_FALSE(month_from_name("Mon"));
  EXPECT_FALSE(month_from_name(""));
}

TEST(HttpDate, WritesAndReadsEveryMonthsAbbreviation) {
  const char* const kExpected[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int month = 1; month <= 12; ++month) {
    const Timestamp t = *make_timestamp(2025, month, 1, 12, 0, 0);
    const std::string text = format_http_date(t);
    EXPECT_EQ(text.substr(8, 3), kExpected[month - 1]) << text;
    EXPECT_EQ(parse_http_date(text), t) << text;
  }
  EXPECT_EQ(format_http_date(from_unix_seconds(1765963800)), "Wed, 17 Dec 2025 09:30:00 GMT");
}

}  // namespace
}  // namespace tributary::core
