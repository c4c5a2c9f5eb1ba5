// The in-memory near-duplicate index of dedup level 3.
#include "store/fingerprint_index.hpp"

#include <gtest/gtest.h>

namespace tributary::store {
namespace {

constexpr std::uint64_t kBase = 0x0123456789ABCDEFULL;

TEST(FingerprintIndex, FindsAFingerprintWithinTheDistanceInEveryBand) {
  FingerprintIndex index;
  index.add({1, 10, kBase, 1000});
  // Three flipped bits in one band each time: the other three bands match.
  for (int band = 0; band < 4; ++band) {
    const std::uint64_t near = kBase ^ (0x7ULL << (16 * band + 4));
    EXPECT_EQ(index.nearest_story(near, 0, 2000, 3), 10) << "band " << band;
  }
  // Three bits spread over three bands: one band still matches exactly.
  EXPECT_EQ(index.nearest_story(kBase ^ 1ULL ^ (1ULL << 20) ^ (1ULL << 40), 0, 2000, 3), 10);
  EXPECT_FALSE(index.nearest_story(kBase ^ 0xFULL, 0, 2000, 3));  // four bits: too far
}

TEST(FingerprintIndex, KeepsToTheTimeWindow) {
  FingerprintIndex index;
  index.add({1, 10, kBase, 1000});
  EXPECT_EQ(index.nearest_story(kBase, 1000, 1000, 3), 10);  // both ends inclusive
  EXPECT_FALSE(index.nearest_story(kBase, 1001, 5000, 3));
  EXPECT_FALSE(index.nearest_story(kBase, 0, 999, 3));
}

TEST(FingerprintIndex, PrefersTheNearestThenTheOldestItem) {
  FingerprintIndex index;
  index.add({7, 70, kBase ^ 0x3ULL, 1000});
  index.add({5, 50, kBase ^ 0x1ULL, 1000});
  index.add({6, 60, kBase ^ 0x2ULL, 1000});
  EXPECT_EQ(index.nearest_story(kBase, 0, 2000, 3), 50);  // 5 and 6 are one bit away; 5 is older
  index.add({4, 40, kBase, 1000});
  EXPECT_EQ(index.nearest_story(kBase, 0, 2000, 3), 40);  // exact beats near
}

TEST(FingerprintIndex, RemovesByItemAndByAge) {
  FingerprintIndex index;
  index.add({1, 10, kBase, 1000});
  index.add({2, 20, kBase ^ 0x10000ULL, 5000});
  EXPECT_EQ(index.size(), 2u);
  index.remove(1);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_FALSE(index.nearest_story(kBase, 0, 2000, 3));
  index.remove(1);  // twice: nothing happens
  index.remove_seen_before(5001);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_FALSE(index.nearest_story(kBase, 0, 9000, 3));
  index.add({3, 30, kBase, 1000});  // a freed slot is reused cleanly
  EXPECT_EQ(index.nearest_story(kBase, 0, 2000, 3), 30);
}

TEST(FingerprintIndex, AddingAnItemAgainReplacesIt) {
  FingerprintIndex index;
  index.add({1, 10, kBase, 1000});
  index.add({1, 10, ~kBase, 1000});  // the item was edited
  EXPECT_EQ(index.size(), 1u);
  EXPECT_FALSE(index.nearest_story(kBase, 0, 2000, 3));
  EXPECT_EQ(index.nearest_story(~kBase, 0, 2000, 3), 10);
}

TEST(FingerprintIndex, AnEmptyIndexFindsNothing) {
  FingerprintIndex index;
  EXPECT_FALSE(index.nearest_story(kBase, 0, 2000, 3));
  index.clear();
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace tributary::store
