// Poll timing policy.
#include "schedule/policy.hpp"

#include <algorithm>
#include <cmath>

namespace tributary::schedule {
namespace {

Seconds jittered(Seconds wait, double jitter, double random) {
  const double factor = 1.0 + jitter * (2.0 * random - 1.0);
  return Seconds{std::max<std::int64_t>(1, std::llround(static_cast<double>(wait.count()) * factor))};
}

}  // namespace

Seconds backoff_delay(const PollPolicy& policy, int consecutive_errors) {
  // Start at a fraction of the interval so one transient failure is retried
  // soon, then double: interval/4, /2, 1×, 2×, 4×, … up to max_interval.
  const int exponent = std::clamp(consecutive_errors - 3, -2, 20);
  const double wait = static_cast<double>(policy.interval.count()) * std::pow(2.0, exponent);
  const double capped = std::min(wait, static_cast<double>(std::max(policy.max_interval, policy.interval).count()));
  return Seconds{std::max<std::int64_t>(30, std::llround(capped))};
}

core::Timestamp next_poll_after_success(const PollPolicy& policy, core::Timestamp now, double random) {
  return now + jittered(policy.interval, policy.jitter, random);
}

core::Timestamp next_poll_after_failure(const PollPolicy& policy, core::Timestamp now, int consecutive_errors,
                                        double random) {
  return now + jittered(backoff_delay(policy, std::max(1, consecutive_errors)), policy.jitter, random);
}

}  // namespace tributary::schedule
