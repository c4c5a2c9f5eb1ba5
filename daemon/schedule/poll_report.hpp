// What the scheduler says about its polls: one log line per poll, the
// /metrics counters, the totals of `poll --once`, and the storage trouble
// log that says "writes fail" once per interval rather than once per poll.
#pragma once

#include <spdlog/common.h>

#include <chrono>
#include <string>

#include "schedule/schedule.hpp"

namespace tributary::schedule {

// One line per poll outcome, and its level; `next_in`: until the source's
// next poll. Logged, and the answer of `tributary poll NAME`.
struct PollLine {
  spdlog::level::level_enum level = spdlog::level::info;
  std::string text;
};
PollLine describe_poll(const PollReport& report, int consecutive_errors, std::chrono::seconds next_in);
void log_poll(const PollLine& line, const PollReport& report);
void count_in_metrics(const PollReport& report);
void add_to_summary(PollSummary& summary, const PollReport& report);

// Failed writes are logged when they start, then at most once per
// `log_interval` with how many failed since, so that a full disk under a
// thousand sources gives a few lines, not a thousand per minute; and once
// when writes work again.
class StorageTrouble {
 public:
  explicit StorageTrouble(std::chrono::seconds log_interval) : log_interval_(log_interval) {}
  void failed(const std::string& message);
  void succeeded();

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  std::chrono::seconds log_interval_;
  bool is_failing_ = false;
  int failed_writes_ = 0;      // since it started failing
  int unlogged_failures_ = 0;  // since the last log line
  SteadyTime failing_since_;
  SteadyTime last_logged_;
};

}  // namespace tributary::schedule
