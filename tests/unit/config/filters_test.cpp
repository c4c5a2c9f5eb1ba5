// [[filter]] (issue 20.3): read with its action, field, pattern and scope;
// every mistake — an unknown action or field, a pattern RE2 refuses or that
// is too large, a source name no source has — a FILE:LINE:COL error where
// it is written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config/filter_pattern.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> messages(const std::vector<ConfigError>& errors) {
  std::vector<std::string> texts;
  for (const ConfigError& error : errors) texts.push_back(to_string(error));
  return texts;
}

constexpr const char* kSources =
    "[[source]]\nurl = \"https://a.example/feed\"\nname = \"Alpha\"\ntags = [\"tech\"]\n"
    "[[source]]\nurl = \"https://b.example/feed\"\n";

TEST(FilterConfig, ReadsActionFieldPatternAndScope) {
  const ConfigLoad loaded = parse_config(std::string(kSources) +
                                             "[[filter]]\naction = \"block\"\nfield = \"title\"\n"
                                             "pattern = \"(?i)sponsored\"\n"
                                             "[[filter]]\naction = \"keep\"\nfield = \"any\"\npattern = \"rust\"\n"
                                             "sources = [\"Alpha\", \"https://B.example/feed\"]\ntags = [\"tech\"]\n",
                                         "test.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  ASSERT_EQ(loaded.config->filters.size(), 2u);
  const FilterSpec& block = loaded.config->filters[0];
  EXPECT_EQ(block.action, FilterAction::block);
  EXPECT_EQ(block.field, FilterField::title);
  EXPECT_EQ(block.pattern, "(?i)sponsored");
  EXPECT_TRUE(block.sources.empty());
  EXPECT_EQ(block.defined_at.line, 7u);
  const FilterSpec& keep = loaded.config->filters[1];
  EXPECT_EQ(keep.action, FilterAction::keep);
  EXPECT_EQ(keep.field, FilterField::any);
  // Names and URLs alike become the configured URL.
  EXPECT_THAT(keep.sources, ElementsAre("https://a.example/feed", "https://b.example/feed"));
  EXPECT_THAT(keep.tags, ElementsAre("tech"));
}

TEST(FilterConfig, AnInvalidPatternIsAnErrorWhereItIsWritten) {
  const ConfigLoad loaded =
      parse_config("[[filter]]\naction = \"block\"\nfield = \"title\"\npattern = \"(unclosed\"\n", "test.toml");
  ASSERT_FALSE(loaded.config);
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_THAT(to_string(loaded.errors[0]), HasSubstr("test.toml:4:11: filter.pattern: invalid RE2 pattern: "));
  EXPECT_THAT(to_string(loaded.errors[0]), HasSubstr("missing )"));
}

TEST(FilterConfig, BackreferencesAndLookaroundAreRefused) {
  // RE2 keeps matching linear by leaving out what needs backtracking.
  for (const char* pattern : {"(a)\\\\1", "foo(?=bar)"}) {
    const ConfigLoad loaded = parse_config(
        std::string("[[filter]]\naction = \"block\"\nfield = \"any\"\npattern = \"") + pattern + "\"\n", "test.toml");
    EXPECT_FALSE(loaded.config) << pattern;
    EXPECT_THAT(messages(loaded.errors), ElementsAre(HasSubstr("test.toml:4:11: filter.pattern: invalid RE2")))
        << pattern;
  }
}

TEST(FilterConfig, APatternTooComplexOrTooLongIsRefusedWithItsBound) {
  const ConfigLoad complex =
      parse_config("[[filter]]\naction = \"block\"\nfield = \"any\"\npattern = \"\\\\pL{1000}\"\n", "test.toml");
  ASSERT_FALSE(complex.config);
  EXPECT_THAT(messages(complex.errors), ElementsAre(HasSubstr("test.toml:4:11: filter.pattern: the pattern is too")));
  const ConfigLoad longer = parse_config("[[filter]]\naction = \"block\"\nfield = \"any\"\npattern = \"" +
                                             std::string(kMaxFilterPatternBytes + 1, 'a') + "\"\n",
                                         "test.toml");
  ASSERT_FALSE(longer.config);
  EXPECT_THAT(messages(longer.errors), ElementsAre(HasSubstr("bytes, more than the 4096 a filter may have")));
}

TEST(FilterConfig, UnknownActionFieldAndMissingKeysAreErrors) {
  const ConfigLoad loaded = parse_config(
      "[[filter]]\naction = \"drop\"\nfield = \"body\"\npattern = \"x\"\n[[filter]]\nfield = \"title\"\n", "test.toml");
  ASSERT_FALSE(loaded.config);
  EXPECT_THAT(messages(loaded.errors),
              ElementsAre("test.toml:2:10: filter.action must be \"block\" or \"keep\", not \"drop\"",
                          HasSubstr("test.toml:3:9: filter.field must be \"title\", \"content\", \"author\", "
                                    "\"category\", \"url\" or \"any\", not \"body\""),
                          "test.toml:5:1: [[filter]] has no action (\"block\" or \"keep\")",
                          "test.toml:5:1: [[filter]] has no pattern"));
}

TEST(FilterConfig, AnUnknownSourceNameIsAnErrorWhereItIsWritten) {
  const ConfigLoad loaded = parse_config(std::string(kSources) +
                                             "[[filter]]\naction = \"block\"\nfield = \"title\"\npattern = \"x\"\n"
                                             "sources = [\"Alpha\", \"Alfa\"]\n",
                                         "test.toml");
  ASSERT_FALSE(loaded.config);
  EXPECT_THAT(messages(loaded.errors),
              ElementsAre("test.toml:11:21: filter.sources: no source is named or has the URL \"Alfa\""));
}

TEST(FilterConfig, AnUnknownKeyIsReportedWithASuggestion) {
  const ConfigLoad loaded =
      parse_config("[[filter]]\naction = \"block\"\nfield = \"title\"\npattern = \"x\"\ntag = [\"a\"]\n", "test.toml");
  ASSERT_FALSE(loaded.config);
  EXPECT_THAT(messages(loaded.errors), ElementsAre(HasSubstr("test.toml:5:1: unknown key \"tag\"")));
  EXPECT_THAT(messages(loaded.errors), ElementsAre(HasSubstr("tags")));
}

}  // namespace
}  // namespace tributary::config
