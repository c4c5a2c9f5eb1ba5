// Which due source is polled next, within the politeness limits. Per host,
// the waiting sources are ordered by due time, so the one that has waited
// longest goes first whatever its place in the configuration; across hosts,
// a free slot goes to the host whose first waiting source is the most
// overdue. A host has at most `per_host` polls in flight and starts at most
// one per `host_spacing`; all hosts together at most `max_concurrent`.
//
// Every operation costs O(log n) in the sources and hosts it touches: a
// wake costs what it starts, not what waits. Pure bookkeeping — the caller
// passes the clocks in (due times on the wall clock, as stored; host
// spacing on the steady clock, so that politeness survives a wall-clock
// jump), which keeps it testable without sockets or waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace tributary::schedule {

using SteadyTime = std::chrono::steady_clock::time_point;

struct QueueLimits {
  std::size_t max_concurrent = 16;                      // polls in flight overall
  std::size_t per_host = 2;                             // polls in flight to one host
  std::chrono::steady_clock::duration host_spacing{0};  // least time between two starts on one host
};

class PollQueue {
 public:
  using SourceId = std::int64_t;
  using HostId = std::uint32_t;
  struct Start {
    SourceId source = 0;
    HostId host = 0;
    SteadyTime started_at{};
    std::optional<SteadyTime> previous_start;  // the host's start before this one (for abandon)
  };

  explicit PollQueue(QueueLimits limits = {});

  // New limits (a reload); polls in flight keep counting against them.
  void set_limits(QueueLimits limits);
  const QueueLimits& limits() const { return limits_; }

  // The id of `host`, made on first use. Hosts are never forgotten: their
  // last start keeps counting after their last source is gone.
  HostId host_id(std::string_view host);
  const std::string& host_name(HostId host) const { return hosts_[host].name; }
  std::size_t host_count() const { return hosts_.size(); }

  // Queues `source` on `host`, due at `due`; a queued source is moved.
  void push(SourceId source, HostId host, core::Timestamp due);
  // Takes a queued source out (nothing when it is not queued).
  void erase(SourceId source);
  bool is_queued(SourceId source) const { return queued_.contains(source); }
  std::size_t queued() const { return queued_.size(); }

  // The source to poll now — the most overdue one whose host may take a
  // request — counted as started; nullopt when the limits or the due times
  // allow none at `now`.
  std::optional<Start> pop(core::Timestamp now, SteadyTime steady_now);
  // A started poll ended: its slots are free again.
  void finish(HostId host);
  // A started poll was not made after all (another daemon of a fleet had
  // it): its slots are free again, and its host's spacing counts from the
  // start before it, when no other start came since.
  void abandon(const Start& start);
  // The host takes no start before `until`: a fleet's other daemons sent
  // it a request lately, or this daemon's claim of a poll was granted
  // after its start (the spacing then counts from the claim, as the
  // fleet's does); nothing when the host has no spacing or is held longer.
  void hold(HostId host, SteadyTime until);
  std::size_t in_flight() const { return in_flight_; }
  std::size_t in_flight(HostId host) const { return hosts_[host].in_flight; }

  // How long until pop() may have something without a push() or finish()
  // in between; nullopt when only those can change anything. `now` to the
  // nanosecond, not floored to a Timestamp: the wake then falls on the due
  // second itself, not up to a second after it depending on when the
  // sleep began (which let one daemon of a fleet win every race for a
  // shared due time).
  std::optional<std::chrono::steady_clock::duration> next_wake(std::chrono::system_clock::time_point now,
                                                               SteadyTime steady_now) const;

  // For a poll asked for by hand, what it waits for: the sources of `host`
  // queued with a due time before `due` (they go first), O(their count);
  // and how long until host_spacing allows the host's next start.
  std::size_t waiting_before(HostId host, core::Timestamp due) const;
  std::chrono::steady_clock::duration spacing_left(HostId host, SteadyTime steady_now) const;

 private:
  // Where a host is: nowhere (nothing waits, or per_host polls are in
  // flight), cooling (host_spacing has not passed since its last start), or
  // waiting on its first source's due time (due or not).
  enum class Place { none, cooling, waiting };
  struct Host {
    std::string name;
    std::set<std::pair<core::Timestamp, SourceId>> sources;  // by due time, then id
    std::size_t in_flight = 0;
    std::optional<SteadyTime> last_start;
    bool is_cool = true;  // host_spacing has passed since last_start (seen by pop)
    Place place = Place::none;
    core::Timestamp waiting_key{};  // its key in waiting_
    SteadyTime cooling_key{};       // its key in cooling_
  };
  struct Queued {
    HostId host = 0;
    core::Timestamp due{};
  };

  void unplace(HostId host);
  void place(HostId host);
  void cool_down(SteadyTime steady_now);

  QueueLimits limits_;
  std::vector<Host> hosts_;
  std::unordered_map<std::string, HostId> host_ids_;
  std::unordered_map<SourceId, Queued> queued_;
  std::set<std::pair<SteadyTime, HostId>> cooling_;       // by the end of their spacing
  std::set<std::pair<core::Timestamp, HostId>> waiting_;  // by their first source's due time
  std::size_t in_flight_ = 0;
};

}  // namespace tributary::schedule
