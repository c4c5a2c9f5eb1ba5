// The in-memory candidate index of dedup level 3.
#include "store/fingerprint_index.hpp"

#include <gtest/gtest.h>

#include "normalize/fingerprint.hpp"

namespace tributary::store {
namespace {

using normalize::kLeadKeyBit;

const std::vector<std::uint32_t> kKeys = {11, 12, 13, 14, 15, 21 | kLeadKeyBit, 22 | kLeadKeyBit};

TEST(StoryKeyIndex, FindsItemsSharingThreeKeysOrTwoLeadKeys) {
  StoryKeyIndex index;
  index.add({1, 10, 100, 1000, kKeys});
  EXPECT_EQ(index.candidates({11, 12, 13}, 0, 2000, 200, 8).size(), 1u);
  EXPECT_EQ(index.candidates({21 | kLeadKeyBit, 22 | kLeadKeyBit}, 0, 2000, 200, 8).size(), 1u);
  EXPECT_TRUE(index.candidates({11, 12, 21 | kLeadKeyBit}, 0, 2000, 200, 8).empty());  // too few of either
  const auto found = index.candidates({11, 12, 13, 14, 21 | kLeadKeyBit}, 0, 2000, 200, 8);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].item_id, 1);
  EXPECT_EQ(found[0].story_id, 10);
  EXPECT_EQ(found[0].full_keys, 4u);
  EXPECT_EQ(found[0].lead_keys, 1u);
}

TEST(StoryKeyIndex, KeepsToTheTimeWindowAndSkipsTheSameSource) {
  StoryKeyIndex index;
  index.add({1, 10, 100, 1000, kKeys});
  EXPECT_EQ(index.candidates(kKeys, 1000, 1000, 200, 8).size(), 1u);  // both ends inclusive
  EXPECT_TRUE(index.candidates(kKeys, 1001, 5000, 200, 8).empty());
  EXPECT_TRUE(index.candidates(kKeys, 0, 999, 200, 8).empty());
  EXPECT_TRUE(index.candidates(kKeys, 0, 2000, 100, 8).empty());  // an outlet's own items are never its copies
}

TEST(StoryKeyIndex, RanksByKeysSharedThenOldestAndStopsAtTheLimit) {
  StoryKeyIndex index;
  index.add({7, 70, 1, 1000, {11, 12, 13}});
  index.add({5, 50, 2, 1000, {11, 12, 13, 14}});
  index.add({6, 60, 3, 1000, {11, 12, 13, 14}});
  const auto found = index.candidates(kKeys, 0, 2000, 9, 2);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].item_id, 5);
  EXPECT_EQ(found[1].item_id, 6);
}

TEST(StoryKeyIndex, RemovesByItemAndByAgeAndFollowsMergedStories) {
  StoryKeyIndex index;
  index.add({1, 10, 100, 1000, kKeys});
  index.add({2, 20, 101, 5000, kKeys});
  EXPECT_EQ(index.size(), 2u);
  index.set_story(2, 10);
  EXPECT_EQ(index.candidates(kKeys, 4000, 6000, 9, 8).at(0).story_id, 10);
  index.remove(1);
  index.remove(1);  // twice: nothing happens
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.candidates(kKeys, 0, 2000, 9, 8).empty());
  index.remove_seen_before(5001);
  EXPECT_EQ(index.size(), 0u);
  index.add({3, 30, 100, 1000, kKeys});  // a freed slot is reused cleanly
  EXPECT_EQ(index.candidates(kKeys, 0, 2000, 9, 8).at(0).story_id, 30);
}

TEST(StoryKeyIndex, AddingAnItemAgainReplacesIt) {
  StoryKeyIndex index;
  index.add({1, 10, 100, 1000, kKeys});
  index.add({1, 10, 100, 1000, {91, 92, 93}});  // the item was edited
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.candidates(kKeys, 0, 2000, 9, 8).empty());
  EXPECT_EQ(index.candidates({91, 92, 93}, 0, 2000, 9, 8).size(), 1u);
}

// A key that more items share than a lookup reads (a common phrase): only
// its newest postings count, and the copy of a story that shares it is
// still found by its own keys.
TEST(StoryKeyIndex, ReadsOnlyTheNewestPostingsOfACommonKey) {
  StoryKeyIndex index;
  const std::int64_t crowd = StoryKeyIndex::kNewestPerKey + 40;
  index.add({1, 10, 100, 1000, {11, 12, 13, 51, 52, 53}});  // the story, its keys 11-13 common
  for (std::int64_t item = 2; item <= crowd + 1; ++item) index.add({item, item * 10, 300, 1000, {11, 12, 13}});

  const auto common = index.candidates({11, 12, 13}, 0, 2000, 200, 1000);
  ASSERT_EQ(common.size(), StoryKeyIndex::kNewestPerKey);
  for (const StoryCandidate& candidate : common) EXPECT_GT(candidate.item_id, crowd + 1 - StoryKeyIndex::kNewestPerKey);

  const auto copy = index.candidates({11, 12, 13, 51, 52, 53}, 0, 2000, 200, 1);
  ASSERT_EQ(copy.size(), 1u);
  EXPECT_EQ(copy[0].item_id, 1);
  EXPECT_EQ(copy[0].full_keys, 3u);  // its common keys are past the newest postings read

  // Removing and re-adding keeps each key's postings in age order.
  index.remove(crowd + 1);
  index.add({crowd + 1, 5, 300, 1000, {11, 12, 13}});
  EXPECT_EQ(index.candidates({11, 12, 13}, 0, 2000, 200, 1000).size(), StoryKeyIndex::kNewestPerKey);
}

// Postings a lookup never reads are not kept: a common key holds twice
// what a lookup reads, and items removed among its newest leave a lookup
// its full count.
TEST(StoryKeyIndex, KeepsTwiceTheReadPostingsOfACommonKey) {
  StoryKeyIndex index;
  const std::vector<std::uint32_t> common_keys = {11, 12, 13};
  const std::int64_t crowd = 500;
  for (std::int64_t item = 1; item <= crowd; ++item) {
    const auto own_key = static_cast<std::uint32_t>(1000 + item);
    index.add({item, item, item, 1000, {11, 12, 13, own_key}});
  }
  EXPECT_EQ(index.size(), static_cast<std::size_t>(crowd));
  EXPECT_EQ(index.posting_count(), 3 * StoryKeyIndex::kKeptPerKey + crowd);
  // Every item is still found by its own key with the common ones it was
  // added with, as long as they are kept.
  EXPECT_EQ(index.candidates({11, 12, 13, 1000 + crowd}, 0, 2000, 0, 1).at(0).item_id, crowd);

  // The newest half of the kept postings removed: a lookup still reads a
  // full count, all of them from the older half.
  const auto removed = static_cast<std::int64_t>(StoryKeyIndex::kKeptPerKey - StoryKeyIndex::kNewestPerKey);
  for (std::int64_t item = crowd; item > crowd - removed; --item) index.remove(item);
  const auto found = index.candidates(common_keys, 0, 2000, 0, 1000);
  ASSERT_EQ(found.size(), StoryKeyIndex::kNewestPerKey);
  for (const StoryCandidate& candidate : found) {
    EXPECT_LE(candidate.item_id, crowd - removed);
    EXPECT_GT(candidate.item_id, crowd - static_cast<std::int64_t>(StoryKeyIndex::kKeptPerKey));
  }

  // The next item on a full key takes a removed item's place, not a live
  // one's: the key keeps all its live postings and drops the dead.
  index.add({crowd + 1, crowd + 1, crowd + 1, 1000, common_keys});
  const auto after = index.candidates(common_keys, 0, 2000, 0, 1000);
  ASSERT_EQ(after.size(), StoryKeyIndex::kNewestPerKey);
  EXPECT_EQ(after.back().item_id, crowd + 1);  // ties rank the oldest first
  EXPECT_EQ(index.posting_count(), 3 * (StoryKeyIndex::kKeptPerKey - static_cast<std::size_t>(removed) + 1) + crowd);
}

TEST(StoryKeyIndex, AnEmptyIndexFindsNothing) {
  StoryKeyIndex index;
  EXPECT_TRUE(index.candidates(kKeys, 0, 2000, 9, 8).empty());
  index.clear();
  EXPECT_EQ(index.size(), 0u);
}

TEST(StoryKeys, ReadBackAsStored) {
  const std::vector<std::uint32_t> keys = {0, 1, 0xdeadbeef, 0xffffffff, 21 | kLeadKeyBit};
  EXPECT_EQ(encode_story_keys(keys).size(), 40u);
  EXPECT_EQ(decode_story_keys(encode_story_keys(keys)), keys);
  EXPECT_TRUE(decode_story_keys("").empty());
  EXPECT_TRUE(decode_story_keys("xyz").empty());
}

}  // namespace
}  // namespace tributary::store
