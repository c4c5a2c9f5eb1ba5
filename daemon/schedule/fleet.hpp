// Several daemons on one PostgreSQL database — a fleet — as the scheduler
// sees it: each poll is claimed in the database before it is made
// (store/fleet_records.hpp), and what to do with a source whose claim was
// not granted; the daemon's name in the fleet; the signature of the
// configuration it loaded, and what it says when that differs from the
// one the fleet's sources follow (the one loaded last). Pure functions;
// the scheduler's coroutines do the I/O around them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/time.hpp"
#include "store/fleet_records.hpp"

namespace tributary::schedule {

// How long a claim lasts unless renewed, and how often the daemon beats
// (renewing its leases): a daemon that dies leaves its sources to the
// others within the lease; one that lives renews it twice over before it
// lapses.
inline constexpr std::chrono::milliseconds kPollLease{15'000};
inline constexpr std::chrono::seconds kFleetBeat{5};
// A source leased by another daemon is looked at again this soon at the
// latest (that poll is usually done by then), rather than when the lease
// would lapse.
inline constexpr std::chrono::seconds kLeasedRecheck{5};
// A source that another daemon's configuration removed is looked at again
// this often (a reload may bring it back).
inline constexpr std::chrono::seconds kRetiredRecheck{60};

// "HOST:PID": who this daemon is among the fleet's, in leases and logs.
std::string fleet_daemon_name();

// One source as configured (URL, name, interval, tags, headers, user), as
// a short hash: a 410 lasts until it changes.
std::string source_signature(const config::SourceSpec& spec);

// The sources as configured (URL, name, interval, tags, headers, user),
// in order, as a short hash: equal for daemons with the same sources.
std::string configuration_signature(const std::vector<config::SourceSpec>& sources);

// A claim that was not granted: when the source is looked at again, how
// long its host takes no request from this daemon, and why (for a poll
// asked for by hand, and the debug log).
struct ClaimRetry {
  core::Timestamp due;
  std::optional<std::chrono::milliseconds> host_hold;  // host_busy: until the fleet's next request may leave
  bool is_settled = false;  // a poll asked for by hand gets its answer now (the poll is another daemon's)
  std::string why;
};
ClaimRetry retry_after_claim(const store::PollClaim& claim, core::Timestamp current_due, store::WallMilliseconds now);

// A daemon of a fleet sleeps a random moment past its queue's next due
// time or freed host, up to kFleetWakeJitter (`random`: a uniform draw
// from [0, 1)). Daemons that wake for the same due time, or for the moment
// the fleet's host spacing frees a host, then claim in a random order —
// not always the one whose timer fired a microsecond first or whose own
// spacing began first, which took every poll. Only the loop's sleep is
// lengthened: a backlog of due polls starts at once, and a poll asked for
// by hand (or poll --once) does not wait.
inline constexpr std::chrono::milliseconds kFleetWakeJitter{250};
std::chrono::milliseconds fleet_wake_delay(double random);

// The fleet keeps host_delay between its claims of a host, while each
// request leaves a moment after its claim: the claim's trip to the writer
// and back, a busy I/O thread (bench/fleet, three daemons on two cores:
// 4 ms typically, up to 340 ms). A request that left late would come
// closer than host_delay to another daemon's. So a claim's request starts
// within a margin of the claim or is not sent at all (the source is
// claimed again later: no poll is lost, and none comes too soon), and the
// other daemons wait for host_delay plus that margin after the claim
// (store: PollClaimRequest::start_margin). The margin is a quarter of the
// spacing, at most kFleetStartMargin; no spacing, no margin.
inline constexpr std::chrono::milliseconds kFleetStartMargin{250};
std::chrono::milliseconds fleet_start_margin(std::chrono::milliseconds host_spacing);

// What this daemon says of the fleet (/healthz, the log): who is in it,
// and, when its configuration is not the one the sources follow, that it
// differs (empty otherwise).
struct FleetStanding {
  std::string members;     // "2 daemons share this database: a:1 (this one), b:2"
  std::string difference;  // "this daemon's sources differ from those b:2 loaded at …"
};
FleetStanding fleet_standing(const store::FleetView& view, const std::string& self, const std::string& signature);

}  // namespace tributary::schedule
