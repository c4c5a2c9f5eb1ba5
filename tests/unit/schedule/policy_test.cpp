// Poll timing: intervals, jitter, backoff, the adaptive interval and the
// source's hints — all without waiting.
#include "schedule/policy.hpp"

#include <gtest/gtest.h>

namespace tributary::schedule {
namespace {

using namespace std::chrono_literals;
const core::Timestamp kNow = core::from_unix_seconds(1'765'000'000);  // Sat 2025-12-06 05:46:40 UTC

core::Timestamp at(std::string_view rfc3339) { return *core::parse_rfc3339(rfc3339); }

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
  EXPECT_EQ(next_poll_after_failure(policy, kNow, 4, 0.0), kNow + 36min);
}

TEST(AdaptiveInterval, AimsForAFewNewItemsPerPoll) {
  const IntervalLimits limits{5min, 24h, std::nullopt, 3.0};
  // 72 new items a day = 3 an hour: poll hourly.
  EXPECT_EQ(adaptive_interval(limits, {}, 72.0, 15min), 1h);
  // 6 a day: every 12 hours.
  EXPECT_EQ(adaptive_interval(limits, {}, 6.0, 15min), 12h);
}

TEST(AdaptiveInterval, StaysWithinTheLimits) {
  const IntervalLimits limits{5min, 24h, std::nullopt, 3.0};
  EXPECT_EQ(adaptive_interval(limits, {}, 100000.0, 15min), 5min);  // a firehose: the minimum
  EXPECT_EQ(adaptive_interval(limits, {}, 0.01, 15min), 24h);       // nearly silent: the maximum
}

TEST(AdaptiveInterval, QuietSourceBacksOffGently) {
  const IntervalLimits limits{5min, 24h, std::nullopt, 3.0};
  EXPECT_EQ(adaptive_interval(limits, {}, 0.0, 1h), 90min);
  EXPECT_EQ(adaptive_interval(limits, {}, 0.0, 20h), 24h);
}

TEST(AdaptiveInterval, NeverMoreOftenThanTheSourceAsks) {
  const IntervalLimits limits{5min, 24h, std::nullopt, 3.0};
  SourceHints ttl;
  ttl.ttl = 2h;
  EXPECT_EQ(adaptive_interval(limits, ttl, 72.0, 15min), 2h);
  SourceHints syndication;
  syndication.update_period = 6h;  // sy:updatePeriod daily, sy:updateFrequency 4
  EXPECT_EQ(adaptive_interval(limits, syndication, 72.0, 15min), 6h);
  SourceHints freshness;
  freshness.freshness = 30min;  // Cache-Control: max-age=1800
  EXPECT_EQ(adaptive_interval(limits, freshness, 500.0, 15min), 30min);
  // A hint shorter than the adaptive interval changes nothing.
  EXPECT_EQ(adaptive_interval(limits, freshness, 6.0, 15min), 12h);
}

TEST(AdaptiveInterval, APinnedIntervalWinsOverEverything) {
  const IntervalLimits limits{5min, 24h, 10min, 3.0};
  SourceHints ttl;
  ttl.ttl = 2h;
  EXPECT_EQ(adaptive_interval(limits, ttl, 0.5, 3h), 10min);
}

TEST(SmoothedRate, FirstPollIsBacklogNotRate) { EXPECT_EQ(smoothed_rate(0.0, 50, 0s, true), 0.0); }

TEST(SmoothedRate, MovesTowardsTheObservedRate) {
  // 3 new items in 6 hours = 12 a day; 30 % weight on the new observation.
  EXPECT_DOUBLE_EQ(smoothed_rate(2.0, 3, 6h, false), 0.3 * 12.0 + 0.7 * 2.0);
  EXPECT_DOUBLE_EQ(smoothed_rate(10.0, 0, 1h, false), 7.0);
}

TEST(RespectHints, RetryAfterIsAFloor) {
  SourceHints hints;
  hints.retry_after = kNow + 2h;
  EXPECT_EQ(respect_hints(kNow + 10min, hints, true), kNow + 2h);
  EXPECT_EQ(respect_hints(kNow + 3h, hints, true), kNow + 3h);
  EXPECT_EQ(respect_hints(kNow + 10min, hints, false), kNow + 2h);  // even when pinned
}

TEST(RespectHints, SkipsTheSkipHoursInGmt) {
  SourceHints hints;
  hints.skip_hours = {0, 1, 2, 3, 4, 5};
  EXPECT_EQ(respect_hints(at("2025-12-17T02:30:00Z"), hints, true), at("2025-12-17T06:00:00Z"));
  EXPECT_EQ(respect_hints(at("2025-12-17T07:30:00Z"), hints, true), at("2025-12-17T07:30:00Z"));
}

TEST(RespectHints, SkipsTheSkipDays) {
  SourceHints hints;
  hints.skip_days = {0, 6};  // Saturday and Sunday
  // Saturday 2025-12-20 10:00 → Monday 00:00.
  EXPECT_EQ(respect_hints(at("2025-12-20T10:00:00Z"), hints, true), at("2025-12-22T00:00:00Z"));
}

TEST(RespectHints, APinnedIntervalIgnoresSkips) {
  SourceHints hints;
  hints.skip_hours = {10};
  EXPECT_EQ(respect_hints(at("2025-12-17T10:15:00Z"), hints, false), at("2025-12-17T10:15:00Z"));
}

TEST(RespectHints, ASourceThatSkipsEverythingIsPolledWeekly) {
  SourceHints hints;
  for (int hour = 0; hour < 24; ++hour) hints.skip_hours.push_back(hour);
  EXPECT_EQ(respect_hints(at("2025-12-17T10:15:00Z"), hints, true), at("2025-12-24T10:00:00Z"));
}

}  // namespace
}  // namespace tributary::schedule
