// Per-host demand, kept incrementally.
#include "schedule/host_demand.hpp"

#include <algorithm>
#include <cmath>

namespace tributary::schedule {

std::uint64_t HostDemand::weight_of(Seconds interval) {
  return static_cast<std::uint64_t>(
      std::llround(kScale / static_cast<double>(std::max<std::int64_t>(1, interval.count()))));
}

HostDemand::Host& HostDemand::host(HostId id) {
  if (id >= hosts_.size()) hosts_.resize(static_cast<std::size_t>(id) + 1);
  return hosts_[id];
}

void HostDemand::add(HostId id, Seconds interval) {
  Host& counted = host(id);
  counted.weight += weight_of(interval);
  ++counted.sources;
  ++counted.intervals[interval];
}

void HostDemand::remove(HostId id, Seconds interval) {
  Host& counted = host(id);
  const auto found = counted.intervals.find(interval);
  if (found == counted.intervals.end()) return;  // never added: nothing to undo
  if (--found->second == 0) counted.intervals.erase(found);
  counted.weight -= std::min(counted.weight, weight_of(interval));
  --counted.sources;
}

double HostDemand::stretch(HostId id) const {
  if (id >= hosts_.size()) return 1.0;
  return stretch_factor(requests_per_second(hosts_[id]), host_delay_);
}

HostLoad HostDemand::load(HostId id, std::string name) const {
  HostLoad load;
  load.host = std::move(name);
  load.host_delay = host_delay_;
  if (id >= hosts_.size() || hosts_[id].sources == 0) return load;
  const Host& counted = hosts_[id];
  load.sources = counted.sources;
  load.requests_per_second = requests_per_second(counted);
  load.shortest = counted.intervals.begin()->first;
  load.longest = counted.intervals.rbegin()->first;
  load.stretch = stretch_factor(load.requests_per_second, host_delay_);
  return load;
}

HostDemand::Change HostDemand::take_change(HostId id) {
  Host& counted = host(id);
  const bool is_stretched = stretch(id) > 1.0;
  if (is_stretched == counted.is_reported_stretched) return Change::none;
  counted.is_reported_stretched = is_stretched;
  return is_stretched ? Change::started : Change::ended;
}

}  // namespace tributary::schedule
