// Poll timing: intervals, jitter and backoff, without waiting.
#include <gtest/gtest.h>

#include "schedule/policy.hpp"

namespace tributary::schedule {
namespace {

using namespace std::chrono_literals;
const core::Timestamp kNow = core::from_unix_seconds(1'765'000'000);

TEST(PollPolicy, SuccessWaitsTheIntervalWithinTheJitter) {
  const PollPolicy policy{15min, 24h, 0.1};
  EXPECT_EQ(next_poll_after_success(policy, kNow, 0.5), kNow + 15min);
  EXPECT_EQ(next_poll_after_success(policy, kNow, 0.0), kNow + 810s);
  EXPECT_LT(next_poll_after_success(policy, kNow, 0.999999), kNow + 991s);
}

TEST(PollPolicy, BackoffDoublesAndIsCapped) {
  const PollPolicy policy{20min, 6h, 0.0};
  EXPECT_EQ(backoff_delay(policy, 1), 5min);
  EXPECT_EQ(backoff_delay(policy, 2), 10min);
  EXPECT_EQ(backoff_delay(policy, 3), 20min);
  EXPECT_EQ(backoff_delay(policy, 4), 40min);
  EXPECT_EQ(backoff_delay(policy, 8), 6h);
  EXPECT_EQ(backoff_delay(policy, 1000), 6h);
}

TEST(PollPolicy, BackoffNeverRetriesFasterThanThirtySeconds) {
  const PollPolicy policy{1min, 1h, 0.0};
  EXPECT_EQ(backoff_delay(policy, 1), 30s);
}

TEST(PollPolicy, FailureUsesTheBackoffJittered) {
  const PollPolicy policy{20min, 6h, 0.1};
  EXPECT_EQ(next_poll_after_failure(policy, kNow, 4, 0.5), kNow + 40min);
}

}  // namespace
}  // namespace tributary::schedule
