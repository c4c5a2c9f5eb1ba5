// When stored changes reach readers: at once when the writer is idle, at
// most once per interval during a burst of ingests, never lost.
#include "schedule/change_pacer.hpp"

#include <gtest/gtest.h>

namespace tributary::schedule {
namespace {

using namespace std::chrono_literals;
using Clock = ChangePacer::Clock;

TEST(ChangePacer, AQuietDaemonPublishesEveryChangeAtOnce) {
  ChangePacer pacer(1s);
  const Clock::time_point t0{};
  EXPECT_TRUE(pacer.should_publish(true, false, t0));
  EXPECT_TRUE(pacer.should_publish(true, false, t0 + 1ms));
  EXPECT_FALSE(pacer.should_publish(false, false, t0 + 2ms));  // nothing changed
  EXPECT_FALSE(pacer.is_pending());
}

TEST(ChangePacer, ABurstPublishesOncePerIntervalAndAtItsEnd) {
  ChangePacer pacer(1s);
  const Clock::time_point t0{};
  int published = 0;
  // 1,000 ingests 10 ms apart, each with more queued behind it.
  for (int i = 0; i < 1000; ++i) published += pacer.should_publish(true, true, t0 + i * 10ms);
  EXPECT_GE(published, 10);
  EXPECT_LE(published, 11);
  EXPECT_TRUE(pacer.is_pending());
  // The last of the burst: nothing waits behind it.
  EXPECT_TRUE(pacer.should_publish(false, false, t0 + 10001ms));
  EXPECT_FALSE(pacer.is_pending());
}

TEST(ChangePacer, AChangeHeldBackIsPublishedByTheNextIngestEvenAnUnchangedOne) {
  ChangePacer pacer(1s);
  const Clock::time_point t0{};
  EXPECT_TRUE(pacer.should_publish(true, true, t0));            // the first of a burst
  EXPECT_FALSE(pacer.should_publish(true, true, t0 + 100ms));   // held back
  EXPECT_FALSE(pacer.should_publish(false, true, t0 + 200ms));  // still within the interval
  EXPECT_TRUE(pacer.should_publish(false, true, t0 + 1100ms));  // the interval passed
}

}  // namespace
}  // namespace tributary::schedule
