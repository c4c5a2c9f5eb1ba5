// What each host's sources ask of it — Σ 1/interval, how many sources, their
// shortest and longest interval — kept up to date as sources come, go and
// change their interval, so that the scheduler knows a host's stretch
// factor (policy.hpp) without summing its sources again after every poll.
// Also remembers which hosts were last reported stretched, so that the log
// says it once when it starts and once when it ends.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "schedule/policy.hpp"

namespace tributary::schedule {

class HostDemand {
 public:
  using HostId = std::uint32_t;

  void set_host_delay(Seconds host_delay) { host_delay_ = host_delay; }
  Seconds host_delay() const { return host_delay_; }

  // A source of `host` at `interval` (its own, before stretching) starts or
  // stops counting. Each remove() undoes one add() of the same arguments.
  void add(HostId host, Seconds interval);
  void remove(HostId host, Seconds interval);

  // stretch_factor() of the host's demand; 1 for a host without sources.
  double stretch(HostId host) const;
  HostLoad load(HostId host, std::string name) const;

  // Whether the host went over its budget, or back under it, since the
  // last call for it.
  enum class Change { none, started, ended };
  Change take_change(HostId host);
  std::size_t host_count() const { return hosts_.size(); }

 private:
  struct Host {
    // Requests per second in fixed point (kScale per request per second):
    // sums that are taken apart again must be exact, which doubles are not.
    std::uint64_t weight = 0;
    std::size_t sources = 0;
    std::map<Seconds, std::size_t> intervals;  // sources per interval: the shortest and longest
    bool is_reported_stretched = false;
  };
  static constexpr double kScale = 1099511627776.0;  // 2^40: 1e-7 relative precision at 24 h
  static std::uint64_t weight_of(Seconds interval);
  double requests_per_second(const Host& host) const { return static_cast<double>(host.weight) / kScale; }
  Host& host(HostId id);

  Seconds host_delay_{0};
  std::vector<Host> hosts_;
};

}  // namespace tributary::schedule
