// When to poll next: pure functions of a poll's outcome, the source's
// history and hints, the operator's limits, the clock and a random draw —
// tested exhaustively without waiting.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace tributary::schedule {

using Seconds = std::chrono::seconds;

struct PollPolicy {
  Seconds interval{15 * 60};        // the base interval (the default, or the adaptive one)
  Seconds max_interval{24 * 3600};  // backoff never waits longer
  double jitter = 0.1;              // ± this fraction of each wait
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

// What a source says about how often to come (RSS ttl, sy:update*,
// skipHours/skipDays, HTTP freshness, Retry-After).
struct SourceHints {
  std::optional<Seconds> ttl;            // RSS <ttl>
  std::optional<Seconds> update_period;  // sy:updatePeriod / sy:updateFrequency
  std::optional<Seconds> freshness;      // Cache-Control max-age / Expires
  std::vector<int> skip_hours;           // 0–23, GMT (RSS 2.0)
  std::vector<int> skip_days;            // 0 = Sunday … 6 = Saturday
  std::optional<core::Timestamp> retry_after;
};

struct IntervalLimits {
  Seconds min_interval{5 * 60};
  Seconds max_interval{24 * 3600};
  std::optional<Seconds> pinned;  // the operator's per-source interval
  double target_new_items = 3.0;  // aim for about this many new items per poll
};

// The adaptive interval: the time in which the source, at its observed rate
// of new items, publishes about `target_new_items`, within the limits; never
// shorter than what the source asks for (ttl, sy:update*, HTTP freshness)
// unless the operator pinned an interval.
// `new_items_per_day` is the source's smoothed rate (see smoothed_rate).
Seconds adaptive_interval(const IntervalLimits& limits, const SourceHints& hints, double new_items_per_day,
                          Seconds current_interval);

// Exponentially smoothed rate of new items per day after a poll that found
// `new_items` over `elapsed` since the previous successful poll.
double smoothed_rate(double previous_per_day, int new_items, Seconds elapsed, bool is_first_poll);

// Moves `at` out of the hours and days the source asked to be skipped (and
// to no earlier than Retry-After), keeping it otherwise unchanged.
core::Timestamp respect_hints(core::Timestamp at, const SourceHints& hints, bool honor_skips);

// Politeness budget and stretching. A host takes at most one request per
// host_delay (whatever per_host says: per_host caps requests in flight,
// host_delay the rate at which they start). Its sources ask for
// Σ 1/interval requests per second; when that is more than the budget,
// every source of the host is stretched by the same factor, so that the
// host's round (each source once) fits — rather than some sources polled on
// time and the others never. With host_delay 0 there is no budget to
// exceed (per_host alone paces the host), and nothing is stretched.

// max(1, demand × host_delay); exactly 1 when the demand fits (within
// rounding, so that 30 sources at 60s on a 2s host are not "stretched 1.0×").
double stretch_factor(double requests_per_second, Seconds host_delay);
// `interval` × `factor`, to the second.
Seconds stretched(Seconds interval, double factor);

// One source's share of its host's budget.
struct SourceLoad {
  std::string host;
  Seconds interval{0};  // its own interval (pinned or adaptive), before stretching
};

// A host's load against its budget.
struct HostLoad {
  std::string host;
  std::size_t sources = 0;
  double requests_per_second = 0;  // what the intervals ask for: Σ 1/interval
  Seconds shortest{0};             // the sources' own intervals
  Seconds longest{0};
  Seconds host_delay{0};
  double stretch = 1;  // stretch_factor(requests_per_second, host_delay)

  bool is_stretched() const { return stretch > 1; }
  // Each source once, one request per host_delay.
  Seconds round() const { return host_delay * static_cast<std::int64_t>(sources); }
};

// The loads of every host among `sources`, sorted by host name.
std::vector<HostLoad> host_loads(std::span<const SourceLoad> sources, Seconds host_delay);

// For the log, `tributary status` and the web pages:
// "github.com: 300 sources need 10m per round at host_delay 2s; intervals stretched to 10m", or with
// intervals that differ, "…; intervals stretched 2.5× (4m–1h → 10m–2h30m)".
std::string describe_stretch(const HostLoad& load);

}  // namespace tributary::schedule
