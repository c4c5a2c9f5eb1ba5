// Every size, duration and integer of the config within its range: a value
// that overflows 64 bits, or later chrono arithmetic, is an error at its
// FILE:LINE:COL, never a wrapped-around number.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "core/text.hpp"
#include "core/time.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> errors_of(const std::string& toml) {
  std::vector<std::string> messages;
  for (const ConfigError& error : parse_config(toml, "test.toml").errors) messages.push_back(to_string(error));
  return messages;
}

TEST(SizeParsing, RefusesSizesThatWouldWrapAround) {
  // 17592186044417 × 2^20 = 2^64 + 2^20: unchecked, that wrapped to 1 MiB.
  const auto wrapped = core::parse_size("17592186044417MiB");
  EXPECT_FALSE(wrapped.bytes);
  EXPECT_TRUE(wrapped.is_too_large);
  EXPECT_EQ(wrapped.error, "size \"17592186044417MiB\" is too large");
  EXPECT_TRUE(core::parse_size("999999999999999GiB").is_too_large);
  EXPECT_TRUE(core::parse_size("99999999999999999999").is_too_large);  // the number alone
}

TEST(SizeParsing, ReadsTheLargestSizeThatFits) {
  EXPECT_EQ(core::parse_size("18446744073709551615B").bytes, 18446744073709551615ULL);
  EXPECT_EQ(core::parse_size("17179869183GiB").bytes, 17179869183ULL << 30);
}

TEST(SizeParsing, FormatsSizesInTheLargestWholeUnit) {
  EXPECT_EQ(core::format_size(1024), "1KiB");
  EXPECT_EQ(core::format_size(4 * 1024 * 1024), "4MiB");
  EXPECT_EQ(core::format_size(1ULL << 30), "1GiB");
  EXPECT_EQ(core::format_size(1000), "1000B");
}

TEST(DurationParsing, RefusesDurationsThatWouldWrapAround) {
  const auto huge = core::parse_duration("99999999999999999999w");
  EXPECT_FALSE(huge.value);
  EXPECT_TRUE(huge.is_too_large);
  EXPECT_EQ(huge.error, "duration \"99999999999999999999w\" is too large");
  // Each part fits; their sum does not.
  EXPECT_TRUE(core::parse_duration("9223372036854775807s 1s").is_too_large);
  EXPECT_TRUE(core::parse_duration("15250284452472w").is_too_large);  // × 604800 > 2^63
  EXPECT_EQ(core::parse_duration("15250284452471w").value, core::Seconds(15250284452471LL * 604800));
}

TEST(DurationParsing, ReadsWeeks) {
  EXPECT_EQ(core::parse_duration("1w").value, core::Seconds(7 * 86400));
  EXPECT_EQ(core::parse_duration("2 weeks").value, core::Seconds(14 * 86400));
}

TEST(SizeRanges, AWrappingSizeIsAnErrorNotOneMebibyte) {
  EXPECT_THAT(errors_of("[fetch]\nmax_body_size = \"17592186044417MiB\"\n"),
              ElementsAre("test.toml:2:17: fetch.max_body_size must be between 1KiB and 1GiB, not "
                          "\"17592186044417MiB\""));
  EXPECT_THAT(errors_of("[fetch]\nmax_body_size = \"999999999999999GiB\"\n"),
              ElementsAre("test.toml:2:17: fetch.max_body_size must be between 1KiB and 1GiB, not "
                          "\"999999999999999GiB\""));
}

TEST(SizeRanges, BodySizeStaysWithinWhatTheFetcherHoldsInMemory) {
  EXPECT_THAT(errors_of("[fetch]\nmax_body_size = \"2GiB\"\n"),
              ElementsAre("test.toml:2:17: fetch.max_body_size must be between 1KiB and 1GiB, not \"2GiB\""));
  EXPECT_THAT(errors_of("[fetch]\nmax_body_size = \"100B\"\n"),
              ElementsAre("test.toml:2:17: fetch.max_body_size must be between 1KiB and 1GiB, not \"100B\""));
  EXPECT_THAT(errors_of("[fetch]\nmax_body_size = 5000000000\n"),
              ElementsAre("test.toml:2:17: fetch.max_body_size must be between 1KiB and 1GiB, not 5000000000"));
  const auto loaded = parse_config("[fetch]\nmax_body_size = \"1GiB\"\n", "test.toml");
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->fetch.max_body_bytes, 1ULL << 30);
}

TEST(DurationRanges, AnOverflowingDurationIsAnError) {
  EXPECT_THAT(errors_of("[schedule]\ninterval = \"99999999999999999999w\"\n"),
              ElementsAre("test.toml:2:12: schedule.interval must be between 1s and 365d, not "
                          "\"99999999999999999999w\""));
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/\"\ninterval = \"9223372036854775807s 1s\"\n"),
              ElementsAre("test.toml:3:12: source.interval must be between 1s and 365d, not "
                          "\"9223372036854775807s 1s\""));
}

TEST(DurationRanges, EachKindOfDurationHasItsRange) {
  EXPECT_THAT(errors_of("[schedule]\nmax_interval = \"400d\"\n"),
              ElementsAre("test.toml:2:16: schedule.max_interval must be between 1s and 365d, not \"400d\""));
  EXPECT_THAT(errors_of("[fetch]\ntimeout = \"2h\"\n"),
              ElementsAre("test.toml:2:11: fetch.timeout must be between 1s and 1h, not \"2h\""));
  EXPECT_THAT(errors_of("[server]\nidle_timeout = \"1d\"\n"),
              ElementsAre("test.toml:2:16: server.idle_timeout must be between 1s and 1h, not \"1d\""));
  EXPECT_THAT(errors_of("[schedule]\nhost_delay = \"61m\"\n"),
              ElementsAre("test.toml:2:14: schedule.host_delay must be between 0s and 1h, not \"61m\""));
  EXPECT_THAT(errors_of("[storage]\nretention_age = \"36501d\"\n"),
              ElementsAre("test.toml:2:17: storage.retention_age must be between 1s and 36500d, not \"36501d\""));
  EXPECT_THAT(errors_of("[feed]\nstory_window = \"53w\"\n"),
              ElementsAre("test.toml:2:16: feed.story_window must be between 1s and 365d, not \"53w\""));
}

TEST(DurationRanges, TheBoundsThemselvesAreAccepted) {
  const auto loaded = parse_config(
      "[schedule]\nmax_interval = \"365d\"\nhost_delay = \"0s\"\n[fetch]\ntimeout = \"1h\"\n"
      "[storage]\ntombstone_age = \"36500d\"\n",
      "test.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  EXPECT_EQ(loaded.config->schedule.max_interval, Seconds(365 * 86400));
  EXPECT_EQ(loaded.config->schedule.host_delay, Seconds(0));
  EXPECT_EQ(loaded.config->fetch.timeout, Seconds(3600));
  EXPECT_EQ(loaded.config->storage.tombstone_age, Seconds(36500LL * 86400));
}

TEST(IntegerRanges, EveryCountHasItsRange) {
  EXPECT_THAT(errors_of("[feed]\nentries = 0\n"),
              ElementsAre("test.toml:2:11: feed.entries must be between 1 and 10000, not 0"));
  EXPECT_THAT(errors_of("[schedule]\nper_host = 1001\n"),
              ElementsAre("test.toml:2:12: schedule.per_host must be between 1 and 1000, not 1001"));
  EXPECT_THAT(errors_of("[schedule]\nmax_concurrent = -1\n"),
              ElementsAre("test.toml:2:18: schedule.max_concurrent must be between 1 and 10000, not -1"));
  EXPECT_THAT(errors_of("[storage]\nretention_items = 10000001\n"),
              ElementsAre("test.toml:2:19: storage.retention_items must be between 1 and 10000000, not 10000001"));
  EXPECT_THAT(errors_of("[feed]\nstory_distance = 4\n"),
              ElementsAre("test.toml:2:18: feed.story_distance must be between 0 and 3, not 4"));
  EXPECT_THAT(errors_of("[server]\nport = -1\n"),
              ElementsAre("test.toml:2:8: server.port must be between 0 and 65535, not -1"));
}

TEST(IntegerRanges, AnIntegerBeyond64BitsIsASyntaxErrorNotAWrap) {
  const auto errors = errors_of("[server]\nport = 18446744073709617536\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("test.toml:2:")) << errors[0];
  EXPECT_NE(errors[0].find("TOML syntax error"), std::string::npos) << errors[0];
}

TEST(IntegerRanges, TheDefaultsAreWithinTheRanges) { EXPECT_THAT(errors_of(""), IsEmpty()); }

}  // namespace
}  // namespace tributary::config
