// Several daemons on one PostgreSQL database — a fleet — as the store sees
// it: a poll is claimed before it is made (a lease with an expiry, taken
// with the source's row locked, SKIP LOCKED), so that each due poll happens
// once across the fleet and a daemon that dies loses its leases when they
// expire; the next request to a host is spaced across the fleet as within
// one daemon (host_delay); and each daemon beats now and then, saying which
// configuration it loaded, so that a daemon whose configuration differs
// from the one loaded last can say so. Value types only; Store's methods
// take and return them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "store/records.hpp"

namespace tributary::store {

using WallMilliseconds = std::chrono::sys_time<std::chrono::milliseconds>;

// The channel of LISTEN/NOTIFY on which daemons say that what the feeds
// show has changed (Store::announce_change, store/change_listener.hpp).
inline constexpr std::string_view kChangeChannel = "tributary_changes";

// A daemon that has not beaten for this long is no longer one of the fleet
// (FleetView::members): it died, or left without saying so. Said in
// messages (`tributary status`) as it is here.
inline constexpr std::chrono::seconds kFleetMemberSilence{30};

struct PollClaimRequest {
  std::int64_t source_id = 0;
  std::string daemon;  // who claims: FleetBeat::daemon
  std::string host;    // of the URL to be polled: its requests are spaced across the fleet
  WallMilliseconds now{};
  std::chrono::milliseconds lease{15000};     // the claim lapses unless renewed (fleet_beat) or released
  std::chrono::milliseconds host_spacing{0};  // least time between two requests to `host` (0: none)
  // The claim's request starts within this of `now` or is not sent (a
  // request leaves a moment after its claim). The other daemons wait it
  // out beyond the spacing; the claimer itself, whose requests leave as
  // late as one another, does not.
  std::chrono::milliseconds start_margin{0};
  bool is_forced = false;                 // polled now even if not due (by hand, poll --once)
  std::chrono::seconds due_tolerance{1};  // a due time this close counts as due (clocks differ)
};

struct PollClaim {
  enum class Verdict {
    claimed,    // the poll is this daemon's: make it, then release_poll
    not_due,    // another daemon polled it: `source` says when it is due
    leased,     // another daemon is polling it: `holder`, until `retry_at` at the latest
    host_busy,  // a request to its host left too lately: not before `retry_at`
    retired,    // a daemon with another configuration removed it (see FleetView)
  };
  Verdict verdict = Verdict::claimed;
  // As stored now (claimed, not_due): what other daemons' polls taught.
  std::optional<SourceRecord> source;
  WallMilliseconds retry_at{};  // leased, host_busy
  std::string holder;           // leased
};

// A daemon's beat: renews its leases, and says it is alive and which
// configuration it loaded when (`config_loaded`: its start or last reload).
struct FleetBeat {
  std::string daemon;
  std::string config_signature;
  WallMilliseconds config_loaded{};
  WallMilliseconds now{};
  std::chrono::milliseconds lease{15000};
};

struct FleetMember {
  std::string daemon;
  std::string config_signature;
  WallMilliseconds config_loaded{};
};

// The daemons that beat lately, the one that loaded its configuration last
// first (the sources table follows that one: each load writes it).
struct FleetView {
  std::vector<FleetMember> members;
};

}  // namespace tributary::store
