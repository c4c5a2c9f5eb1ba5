// Mistakes `check` explains: bounds that leave no room, empty tags, keys
// in the wrong table, tables written the wrong way, two sources with one
// name; and what it accepts that looks odd (spaces around units, weeks).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> errors_of(const std::string& toml) {
  std::vector<std::string> messages;
  for (const ConfigError& error : parse_config(toml, "test.toml").errors) messages.push_back(to_string(error));
  return messages;
}

TEST(IntervalBounds, MinimumAboveMaximumIsAnError) {
  EXPECT_THAT(errors_of("[schedule]\nmin_interval = \"2h\"\nmax_interval = \"1h\"\n"),
              ElementsAre("test.toml:2:16: schedule.min_interval (2h) is above schedule.max_interval (1h)"));
}

TEST(IntervalBounds, AMaximumBelowTheDefaultMinimumSaysSo) {
  EXPECT_THAT(errors_of("[schedule]\nmax_interval = \"1m\"\n"),
              ElementsAre("test.toml:2:16: schedule.max_interval (1m) is below schedule.min_interval (5m, the "
                          "default)"));
}

TEST(IntervalBounds, EqualBoundsAreFine) {
  EXPECT_THAT(errors_of("[schedule]\nmin_interval = \"1h\"\nmax_interval = \"60m\"\n"), IsEmpty());
}

TEST(Units, SpacesAroundNumbersAndUnitsAreAccepted) {
  // Durations always read " 15 m "; sizes read the same way.
  const auto loaded = parse_config(
      "[fetch]\nmax_body_size = \"10MiB \"\ntimeout = \" 45 s\"\n[schedule]\ninterval = \"15m \"\n", "test.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  EXPECT_EQ(loaded.config->fetch.max_body_bytes, 10u * 1024 * 1024);
  EXPECT_EQ(loaded.config->fetch.timeout, Seconds(45));
  EXPECT_EQ(loaded.config->schedule.interval, Seconds(15 * 60));
}

TEST(Units, WeeksAreADurationUnit) {
  const auto loaded = parse_config("[schedule]\nmax_interval = \"1w\"\n", "test.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  EXPECT_EQ(loaded.config->schedule.max_interval, Seconds(7 * 86400));
}

TEST(Tags, EmptyOrBlankTagsAreErrorsWhereTheyAreWritten) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/\"\ntags = [\"news\", \"\", \"   \"]\n"),
              ElementsAre("test.toml:3:17: source.tags: empty tag (a tag needs at least one visible character)",
                          "test.toml:3:21: source.tags: empty tag (a tag needs at least one visible character)"));
  EXPECT_THAT(errors_of("[[channel]]\nname = \"c\"\ntags = [\" \"]\n"),
              ElementsAre("test.toml:3:9: channel.tags: empty tag (a tag needs at least one visible character)"));
}

TEST(Tags, SurroundingSpacesAreTrimmed) {
  const auto loaded = parse_config(
      "[[source]]\nurl = \"https://a.example/\"\ntags = [\" eu \", \"Tech News\"]\n"
      "[[channel]]\nname = \"eu\"\ntags = [\"eu \"]\n",
      "test.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  EXPECT_THAT(loaded.config->sources.at(0).tags, ElementsAre("eu", "Tech News"));
  EXPECT_THAT(loaded.config->channels.at(0).tags, ElementsAre("eu"));
}

TEST(Suggestions, ATopLevelKeyGetsTheClosestKeyOfAnyTable) {
  EXPECT_THAT(errors_of("prot = 8080\n"),
              ElementsAre("test.toml:1:1: unknown key \"prot\" (did you mean \"port\" in [server]?)"));
}

TEST(Suggestions, AKeyOutsideItsTableSaysWhereItBelongs) {
  EXPECT_THAT(errors_of("port = 8080\n[server]\nlisten = \"::1\"\n"),
              ElementsAre("test.toml:1:1: unknown key \"port\" (it belongs in [server])"));
  EXPECT_THAT(errors_of("[fetch]\nhost_delay = \"1s\"\n"),
              ElementsAre("test.toml:2:1: unknown key \"host_delay\" in [fetch] (it belongs in [schedule])"));
  EXPECT_THAT(errors_of("[fetch]\nmin_intervall = \"1m\"\n"),
              ElementsAre("test.toml:2:1: unknown key \"min_intervall\" in [fetch] (did you mean \"min_interval\" in "
                          "[schedule]?)"));
}

TEST(Suggestions, AMisspelledTableGetsTheClosestTable) {
  EXPECT_THAT(errors_of("[servr]\nport = 1\n"),
              ElementsAre("test.toml:1:2: unknown table [servr] (did you mean [server]?)"));
  EXPECT_THAT(errors_of("[[channels]]\nname = \"c\"\n"),
              ElementsAre("test.toml:1:3: unknown table [[channels]] (did you mean [[channel]]?)"));
}

TEST(Suggestions, ATableWrittenTheWrongWaySaysHow) {
  EXPECT_THAT(errors_of("[[sources]]\nurl = \"https://a.example/\"\n"),
              ElementsAre("test.toml:1:1: [[sources]] must be written [sources] (one table); did you mean "
                          "[[source]]?"));
  EXPECT_THAT(errors_of("[source]\nurl = \"https://a.example/\"\n"),
              ElementsAre("test.toml:1:1: [source] must be written [[source]] (an array of tables, one per source)"));
}

TEST(SourceNames, TwoSourcesWithOneNameAreAnError) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/feed\"\nname = \"Alpha\"\n"
                        "[[source]]\nurl = \"https://b.example/feed\"\nname = \" Alpha \"\n"),
              ElementsAre("test.toml:6:8: duplicate source name \"Alpha\" (first used at line 3); give each source "
                          "its own name"));
}

TEST(SourceNames, UnnamedSourcesOnOneHostAreFine) {
  const auto loaded = parse_config(
      "[[source]]\nurl = \"https://a.example/one\"\n[[source]]\nurl = \"https://a.example/two\"\n", "test.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  EXPECT_EQ(loaded.config->sources.size(), 2u);
  EXPECT_THAT(loaded.warnings, IsEmpty());
}

}  // namespace
}  // namespace tributary::config
