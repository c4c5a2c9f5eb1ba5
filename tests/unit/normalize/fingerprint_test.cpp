// Story fingerprints: near copies are near, different stories are far.
#include <gtest/gtest.h>

#include "normalize/fingerprint.hpp"

namespace tributary::normalize {
namespace {

constexpr std::string_view kBody =
    "The government announced on Tuesday that the new highway connecting the two cities will open next spring, "
    "after years of delays caused by financing disputes and legal challenges from environmental groups. Officials "
    "said the final section was completed ahead of schedule and that tolls would be lower than first planned.";

TEST(Fingerprint, SameTextSameFingerprint) {
  EXPECT_EQ(story_fingerprint("Highway to open", kBody), story_fingerprint("Highway to open", kBody));
}

TEST(Fingerprint, SmallEditIsWithinAFewBits) {
  const auto a = story_fingerprint("Highway to open next spring", kBody);
  const auto b = story_fingerprint("Highway will open next spring", kBody);
  EXPECT_LE(hamming_distance(a, b), 8);
}

TEST(Fingerprint, DifferentStoriesAreFarApart) {
  const auto a = story_fingerprint("Highway to open", kBody);
  const auto b = story_fingerprint("Football club wins the cup",
                                   "The home team won the national cup final on Sunday evening with a late goal in "
                                   "extra time, sending thousands of supporters into the streets to celebrate until "
                                   "the early hours of Monday morning across the whole city.");
  EXPECT_GT(hamming_distance(a, b), 15);
}

}  // namespace
}  // namespace tributary::normalize
