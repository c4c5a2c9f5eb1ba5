// Story dedup over the whole labeled set (issue 23): every group one story,
// no pair merged, whatever order the outlets are polled in.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "support/temp_dir.hpp"
#include "unit/store/dedup_labeled_set.hpp"
#include "unit/store/store_fixture.hpp"

namespace tributary::store {
namespace {

std::vector<labeled::Item> labeled_set() { return labeled::read_set(testing::fixtures_dir() / "dedup" / "labeled"); }

std::string report(const labeled::Score& score) {
  std::string text;
  for (const std::string& mistake : score.mistakes) text += mistake + "\n";
  return text;
}

STORE_TESTS_ON_BOTH_ENGINES(DedupLabeledSetIngest);

void expect_every_group_and_no_false_merge(Store store, const std::vector<std::string>& order) {
  const auto items = labeled_set();
  const auto stories = labeled::stories_after_ingest(store, items, order);
  const labeled::Score score = labeled::score(items, stories, [](int) { return true; });
  EXPECT_EQ(score.false_pairs, 0u) << report(score);
  EXPECT_EQ(score.groups_found, score.groups) << report(score);
}

TEST(DedupLabeledSet, HasTheIssuesSizes) {
  const auto items = labeled_set();
  const labeled::Score score =
      labeled::score(items, std::vector<std::int64_t>(items.size(), -1), [](int) { return true; });
  EXPECT_GE(score.groups, 40u);
  EXPECT_GE(score.apart_pairs, score.groups);
}

TEST_P(DedupLabeledSetIngest, EveryGroupMergesAndNoPairDoesInFeedOrder) {
  expect_every_group_and_no_false_merge(open_store(), labeled::feeds_of(labeled_set()));
}

TEST_P(DedupLabeledSetIngest, EveryGroupMergesAndNoPairDoesInReverseOrder) {
  auto order = labeled::feeds_of(labeled_set());
  std::reverse(order.begin(), order.end());
  expect_every_group_and_no_false_merge(open_store(), order);
}

TEST_P(DedupLabeledSetIngest, EveryGroupMergesAndNoPairDoesInShuffledOrders) {
  for (const unsigned seed : {1U, 2U, 3U}) {
    auto order = labeled::feeds_of(labeled_set());
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_every_group_and_no_false_merge(open_store(), order);
  }
}

}  // namespace
}  // namespace tributary::store
