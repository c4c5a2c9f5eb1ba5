// Poll timing policy.
#include "schedule/policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

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

double stretch_factor(double requests_per_second, Seconds host_delay) {
  const double load = requests_per_second * static_cast<double>(host_delay.count());
  // A sum of 1/interval over many sources is off by a few ulps: a load that
  // is exactly the budget must not read as over it.
  constexpr double kRounding = 1e-9;
  return load > 1.0 + kRounding ? load : 1.0;
}

Seconds stretched(Seconds interval, double factor) {
  if (factor <= 1.0) return interval;
  return Seconds{std::llround(static_cast<double>(interval.count()) * factor)};
}

std::vector<HostLoad> host_loads(std::span<const SourceLoad> sources, Seconds host_delay) {
  std::unordered_map<std::string_view, HostLoad> by_host;
  for (const SourceLoad& source : sources) {
    if (source.interval.count() <= 0) continue;
    HostLoad& load = by_host[source.host];
    if (load.sources == 0) {
      load.host = source.host;
      load.shortest = load.longest = source.interval;
    }
    ++load.sources;
    load.requests_per_second += 1.0 / static_cast<double>(source.interval.count());
    load.shortest = std::min(load.shortest, source.interval);
    load.longest = std::max(load.longest, source.interval);
  }
  std::vector<HostLoad> loads;
  loads.reserve(by_host.size());
  for (auto& [host, load] : by_host) {
    load.host_delay = host_delay;
    load.stretch = stretch_factor(load.requests_per_second, host_delay);
    loads.push_back(std::move(load));
  }
  std::sort(loads.begin(), loads.end(), [](const HostLoad& a, const HostLoad& b) { return a.host < b.host; });
  return loads;
}

std::string describe_stretch(const HostLoad& load) {
  using core::format_duration;
  std::string text = load.host + ": " + std::to_string(load.sources) +
                     (load.sources == 1 ? " source needs " : " sources need ") + format_duration(load.round()) +
                     " per round at host_delay " + format_duration(load.host_delay);
  if (!load.is_stretched()) return text + "; their intervals fit";
  if (load.shortest == load.longest)
    return text + "; intervals stretched to " + format_duration(stretched(load.shortest, load.stretch));
  char factor[32];
  std::snprintf(factor, sizeof factor, "%.1f", load.stretch);
  return text + "; intervals stretched " + factor + "× (" + format_duration(load.shortest) + "–" +
         format_duration(load.longest) + " → " + format_duration(stretched(load.shortest, load.stretch)) + "–" +
         format_duration(stretched(load.longest, load.stretch)) + ")";
}

}  // namespace tributary::schedule
