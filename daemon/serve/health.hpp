// /healthz's verdict over time: the probe (the store's file and schema, the
// writer's state) runs at most once per interval, so that a client
// hammering /healthz — it needs no token — does not hammer the database;
// and each change of verdict is reported once, so that the daemon logs a
// damaged or vanished database once (and its recovery once), not per
// request. I/O thread only.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace tributary::serve {

class HealthCheck {
 public:
  using Clock = std::chrono::steady_clock;
  // Empty when healthy, else why not.
  using Probe = std::function<std::string()>;
  // A change of verdict: the new problem (empty: healthy again) and the one before.
  using Report = std::function<void(const std::string& problem, const std::string& previous)>;

  HealthCheck(Probe probe, Report report, Clock::duration reuse_for = std::chrono::seconds(1))
      : probe_(std::move(probe)), report_(std::move(report)), reuse_for_(reuse_for) {}

  // The verdict at `now`: the last probe's when it is recent enough.
  std::string problem(Clock::time_point now);

 private:
  Probe probe_;
  Report report_;
  Clock::duration reuse_for_;
  std::optional<Clock::time_point> probed_at_;
  std::string problem_;  // the last verdict; healthy before the first probe
};

}  // namespace tributary::serve
