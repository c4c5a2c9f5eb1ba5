// What one poll does to its source's state: a pure function of the state
// before, the poll's outcome, the operator's limits and the clock — the
// adaptive interval, the hints the source gave, the error count, 410 Gone,
// a permanent redirect confirmed over several polls, the validators for
// the next request, and the record the store keeps so that a restart
// resumes where it was. The scheduler's coroutine only does the I/O
// (fetch, parse, ingest, record) around it; this is tested without it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "schedule/policy.hpp"
#include "store/store.hpp"

namespace tributary::schedule {

// A source's poll state as the scheduler keeps it between polls.
struct SourcePoll {
  std::string url;  // polled now: the config's, or a confirmed permanent redirect's target
  std::string etag;
  std::string last_modified;
  std::string body_hash;
  Seconds interval{0};   // the adaptive (or pinned) interval, before any stretching
  double item_rate = 0;  // new items per day, smoothed
  std::optional<core::Timestamp> last_success;
  int consecutive_errors = 0;
  SourceHints hints;
  std::optional<core::Timestamp> gone_at;  // 410: not polled until its configuration changes
  std::string redirect_target;             // a permanent redirect seen on consecutive polls
  int redirect_streak = 0;
};

// The state the store remembers for a source (`record`), as the scheduler
// resumes it; `signature` is the source's configuration now (a 410 lasts
// until it changes).
SourcePoll resume_poll_state(const std::string& config_url, const store::SourceRecord* record,
                             const std::string& signature);

// What one poll found, in the terms that change the source's state.
struct PollOutcome {
  enum class Kind { success, not_modified, gone, failure };
  Kind kind = Kind::failure;
  int http_status = 0;  // 0: no HTTP answer
  std::string error;    // "class: message" when not a success
  // The feed document's own hints, when one was parsed.
  struct FeedHints {
    std::optional<Seconds> ttl;
    std::optional<Seconds> update_period;
    std::vector<int> skip_hours;
    std::vector<int> skip_days;
  };
  std::optional<FeedHints> feed_hints;
  std::optional<Seconds> freshness;            // HTTP Cache-Control / Expires
  std::optional<core::Timestamp> retry_after;  // a 429/503 asked not before then
  std::string final_url;                       // after redirects
  bool is_permanent_redirect = false;          // the redirects to final_url were all permanent
  std::string etag;                            // the answer's validators (empty: none)
  std::string last_modified;
  std::string body_hash;
  int new_items = 0;  // what the ingest found new
};

// The operator's rules for one source.
struct OutcomeRules {
  Seconds min_interval{5 * 60};
  Seconds max_interval{24 * 3600};
  std::optional<Seconds> pinned_interval;  // the source's own `interval`
  int redirect_confirmations = 3;          // consecutive polls a permanent redirect must be seen on
  std::string signature;                   // of the source's configuration (see resume_poll_state)
};

// How the next poll is timed after this one.
enum class NextWait {
  interval,           // the interval, jittered, out of skipHours/skipDays and Retry-After
  interval_no_skips,  // the same, but the operator's pinned interval overrides skipHours/skipDays
  backoff,            // exponential backoff from the interval
  never,              // 410 Gone
};

struct PollUpdate {
  SourcePoll state;  // after the poll
  NextWait wait = NextWait::interval;
  bool is_moved = false;     // a confirmed permanent redirect changed state.url
  store::PollRecord record;  // everything but next_poll_at (see schedule_next)
};

PollUpdate apply_outcome(const SourcePoll& before, const PollOutcome& outcome, const OutcomeRules& rules,
                         core::Timestamp now);

// The next poll's time after `wait`, with `polite_interval` (the source's
// interval stretched with its host's other sources) and `random` a uniform
// draw from [0, 1); nullopt for never.
std::optional<core::Timestamp> schedule_next(const SourcePoll& state, NextWait wait, Seconds polite_interval,
                                             Seconds max_interval, core::Timestamp now, double random);

// The hints as the store keeps them (JSON), and back.
std::string hints_json(const SourceHints& hints);
SourceHints hints_from_json(const std::string& text, std::optional<core::Timestamp> retry_after);

}  // namespace tributary::schedule
