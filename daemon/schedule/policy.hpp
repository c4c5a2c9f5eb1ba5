// When to poll next: pure functions of the outcome, the clock and a random
// draw, so they can be tested exhaustively without waiting.
#pragma once

#include <chrono>

#include "core/time.hpp"

namespace tributary::schedule {

using Seconds = std::chrono::seconds;

struct PollPolicy {
  Seconds interval{15 * 60};         // the source's base interval
  Seconds max_interval{24 * 3600};   // backoff never waits longer
  double jitter = 0.1;               // ± this fraction of each wait
};

// After a successful poll: the interval, jittered.
// `random` is a uniform draw from [0, 1).
core::Timestamp next_poll_after_success(const PollPolicy& policy, core::Timestamp now, double random);

// After `consecutive_errors` failures in a row (≥ 1): exponential backoff
// from the base interval, capped at max_interval, jittered.
core::Timestamp next_poll_after_failure(const PollPolicy& policy, core::Timestamp now, int consecutive_errors,
                                        double random);

// The wait, for logs and tests.
Seconds backoff_delay(const PollPolicy& policy, int consecutive_errors);

}  // namespace tributary::schedule
