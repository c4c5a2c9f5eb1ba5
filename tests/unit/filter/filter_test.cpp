// The filter decision (issue 20.3): block and keep, scopes by source and
// by tag, several filters in order, the any field, and text that could
// stall a backtracking matcher or is not UTF-8.
#include "filter/filter.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace tributary::filter {
namespace {

using config::FilterAction;
using config::FilterField;

config::FilterSpec spec(FilterAction action, FilterField field, std::string pattern,
                        std::vector<std::string> sources = {}, std::vector<std::string> tags = {}) {
  config::FilterSpec filter;
  filter.action = action;
  filter.field = field;
  filter.pattern = std::move(pattern);
  filter.sources = std::move(sources);
  filter.tags = std::move(tags);
  return filter;
}

const std::vector<std::string> kNoStrings;
const std::vector<std::string> kTechTags = {"tech"};
const SourceFacts kAlpha{"https://a.example/feed", kTechTags};
const SourceFacts kBeta{"https://b.example/feed", kNoStrings};

ItemFields titled(std::string_view title) { return {title, "", "", kNoStrings, kNoStrings}; }

TEST(FilterDecision, ABlockFilterHidesWhatItMatchesOnly) {
  const FilterSet filters({spec(FilterAction::block, FilterField::title, "(?i)sponsored")});
  EXPECT_EQ(filters.hidden_by(titled("SPONSORED: a new phone"), kAlpha), 0u);
  EXPECT_EQ(filters.hidden_by(titled("A new phone"), kAlpha), std::nullopt);
}

TEST(FilterDecision, AKeepFilterHidesWhatItDoesNotMatchInItsSourcesOnly) {
  const FilterSet filters({spec(FilterAction::keep, FilterField::title, "Rust", {"https://a.example/feed"})});
  EXPECT_EQ(filters.hidden_by(titled("Rust 1.80 released"), kAlpha), std::nullopt);
  EXPECT_EQ(filters.hidden_by(titled("Go 1.23 released"), kAlpha), 0u);
  EXPECT_EQ(filters.hidden_by(titled("Go 1.23 released"), kBeta), std::nullopt) << "not its source";
}

TEST(FilterDecision, ATagScopesAFilterToTheSourcesThatHaveIt) {
  const FilterSet filters({spec(FilterAction::block, FilterField::title, "Go", {}, {"tech"})});
  EXPECT_EQ(filters.hidden_by(titled("Go 1.23"), kAlpha), 0u);
  EXPECT_EQ(filters.hidden_by(titled("Go 1.23"), kBeta), std::nullopt);
}

TEST(FilterDecision, BlockFiltersComeFirstAndKeepFiltersAreAlternatives) {
  const FilterSet filters({spec(FilterAction::keep, FilterField::title, "Rust"),
                           spec(FilterAction::keep, FilterField::title, "Zig"),
                           spec(FilterAction::block, FilterField::title, "(?i)job")});
  EXPECT_EQ(filters.hidden_by(titled("Zig 0.13"), kAlpha), std::nullopt) << "matches the second keep filter";
  EXPECT_EQ(filters.hidden_by(titled("Rust jobs this week"), kAlpha), 2u) << "a block wins over a keep";
  EXPECT_EQ(filters.hidden_by(titled("Go 1.23"), kAlpha), 0u) << "kept out by the first keep filter";
  EXPECT_EQ(filters.label(2), "block title \"(?i)job\"");
}

TEST(FilterDecision, EachFieldAndAnyOfThem) {
  const std::vector<std::string> authors = {"Ada Lovelace", "ada@example.org"};
  const std::vector<std::string> categories = {"Sponsored", "Hardware"};
  const ItemFields item{"A title", "The body text", "https://shop.example/p?ref=ad", authors, categories};
  const auto hides = [&](FilterField field, const char* pattern) {
    return FilterSet({spec(FilterAction::block, field, pattern)}).hidden_by(item, kBeta).has_value();
  };
  EXPECT_TRUE(hides(FilterField::title, "^A title$"));
  EXPECT_FALSE(hides(FilterField::title, "body"));
  EXPECT_TRUE(hides(FilterField::content, "body"));
  EXPECT_TRUE(hides(FilterField::author, "^ada@"));
  EXPECT_TRUE(hides(FilterField::category, "^Sponsored$"));
  EXPECT_FALSE(hides(FilterField::category, "^Hard$"));
  EXPECT_TRUE(hides(FilterField::url, "ref=ad"));
  for (const char* pattern : {"title", "body", "Lovelace", "Hardware", "shop\\.example"})
    EXPECT_TRUE(hides(FilterField::any, pattern)) << pattern;
  EXPECT_FALSE(hides(FilterField::any, "nowhere"));
}

TEST(FilterDecision, HostileTextIsMatchedInLinearTime) {
  // (a+)+$ against "aaaa…b" takes exponential time in a backtracking
  // engine; RE2 answers at once.
  const FilterSet filters({spec(FilterAction::block, FilterField::content, "(a+)+$"),
                           spec(FilterAction::block, FilterField::content, "(x|x)*y")});
  const std::string text = std::string(200'000, 'a') + "b" + std::string(200'000, 'x');
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(filters.hidden_by({"", text, "", kNoStrings, kNoStrings}, kBeta), std::nullopt);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(FilterDecision, InvalidUtf8NeitherFailsNorMatchesAsText) {
  const FilterSet filters({spec(FilterAction::block, FilterField::title, "caf\u00e9"),
                           spec(FilterAction::block, FilterField::title, "^.{3}$")});
  EXPECT_EQ(filters.hidden_by(titled("caf\xc3"), kBeta), std::nullopt);
  EXPECT_EQ(filters.hidden_by(titled("\xff\xfe\xfd"), kBeta), std::nullopt) << "three bytes, no character";
  EXPECT_EQ(filters.hidden_by(titled("un caf\u00e9 \xff"), kBeta), 0u) << "the valid part still matches";
}

TEST(FilterDecision, APatternTheConfigRefusesIsAProgrammingError) {
  EXPECT_THROW(FilterSet({spec(FilterAction::block, FilterField::title, "(")}), std::invalid_argument);
}

TEST(FilterSignature, ChangesWithTheFiltersAndTheTagsTheyScope) {
  config::Config config;
  EXPECT_EQ(signature(config), "");
  config.filters.push_back(spec(FilterAction::block, FilterField::title, "x", {}, {"tech"}));
  config::SourceSpec source;
  source.url = "https://a.example/feed";
  config.sources.push_back(source);
  const std::string before = signature(config);
  config.sources[0].tags = {"tech"};
  EXPECT_NE(signature(config), before) << "the source now falls under the filter";
  const std::string tagged = signature(config);
  config.filters[0].pattern = "y";
  EXPECT_NE(signature(config), tagged);
}

TEST(FilterPreview, CountsPerFilterWithAFewTitles) {
  Preview preview(2);
  for (int i = 0; i < 7; ++i) preview.add(0, false, "Ad " + std::to_string(i), "Alpha");
  preview.add(1, true, "", "Beta");
  preview.add(std::nullopt, true, "Back", "Beta");
  preview.add(std::nullopt, false, "Plain", "Beta");
  EXPECT_EQ(preview.items, 10u);
  EXPECT_EQ(preview.hidden, 8u);
  EXPECT_EQ(preview.filters[0].hidden, 7u);
  EXPECT_EQ(preview.filters[0].examples.size(), Preview::kExamples);
  EXPECT_EQ(preview.filters[0].examples[0], "Ad 0 — Alpha");
  EXPECT_EQ(preview.filters[1].examples[0], "(untitled) — Beta");
  EXPECT_EQ(preview.hidden_now, 2u);
  EXPECT_EQ(preview.newly_hidden, 7u);
  EXPECT_EQ(preview.shown_again, 1u);
}

}  // namespace
}  // namespace tributary::filter
