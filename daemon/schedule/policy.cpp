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

bool contains(const std::vector<int>& values, int value) {
  return std::find(values.begin(), values.end(), value) != values.end();
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

Seconds adaptive_interval(const IntervalLimits& limits, const SourceHints& hints, double new_items_per_day,
                          Seconds current_interval) {
  if (limits.pinned) return *limits.pinned;
  const auto min = limits.min_interval;
  const auto max = std::max(limits.max_interval, min);
  Seconds interval;
  if (new_items_per_day > 0) {
    const double seconds = limits.target_new_items / new_items_per_day * 86400.0;
    interval = Seconds{std::llround(std::min(seconds, static_cast<double>(max.count())))};
  } else {
    // Nothing new lately: back off gently towards the maximum.
    interval = Seconds{std::llround(static_cast<double>(std::max(current_interval, min).count()) * 1.5)};
  }
  interval = std::clamp(interval, min, max);
  // Never more often than the source asks.
  for (const auto& floor : {hints.ttl, hints.update_period, hints.freshness})
    if (floor && *floor > interval) interval = *floor;
  return interval;
}

double smoothed_rate(double previous_per_day, int new_items, Seconds elapsed, bool is_first_poll) {
  if (is_first_poll) return previous_per_day;  // the first poll's items are the backlog, not a rate
  const double days = std::max(static_cast<double>(elapsed.count()) / 86400.0, 1.0 / 1440.0);
  const double observed = static_cast<double>(std::max(new_items, 0)) / days;
  constexpr double kWeight = 0.3;  // recent polls count, one poll does not decide
  return kWeight * observed + (1.0 - kWeight) * previous_per_day;
}

core::Timestamp respect_hints(core::Timestamp at, const SourceHints& hints, bool honor_skips) {
  using namespace std::chrono;
  if (hints.retry_after && at < *hints.retry_after) at = *hints.retry_after;
  if (!honor_skips || (hints.skip_hours.empty() && hints.skip_days.empty())) return at;
  // skipHours and skipDays are in GMT (RSS 2.0); step to the next allowed
  // hour, at most one week ahead (a source that skips everything is polled
  // weekly rather than never).
  for (int step = 0; step < 7 * 24; ++step) {
    const auto day_start = floor<days>(at);
    const int hour = static_cast<int>(duration_cast<hours>(at - day_start).count());
    const int day_of_week = static_cast<int>(std::chrono::weekday{day_start}.c_encoding());
    if (!contains(hints.skip_hours, hour) && !contains(hints.skip_days, day_of_week)) return at;
    at = day_start + hours{hour + 1};
  }
  return at;
}

}  // namespace tributary::schedule
