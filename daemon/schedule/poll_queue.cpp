// The poll queue: per-host ordered sets of waiting sources, and two ordered
// sets of hosts (cooling by the end of their spacing, waiting by their
// first source's due time). A host is in at most one of them, and moved
// whenever what decides its place changes.
#include "schedule/poll_queue.hpp"

namespace tributary::schedule {

PollQueue::PollQueue(QueueLimits limits) : limits_(limits) {}

void PollQueue::set_limits(QueueLimits limits) {
  limits_ = limits;
  for (HostId host = 0; host < hosts_.size(); ++host) {
    unplace(host);
    // A shorter spacing is seen at the next pop; a longer one counts from
    // the last start.
    if (hosts_[host].last_start) hosts_[host].is_cool = false;
    place(host);
  }
}

PollQueue::HostId PollQueue::host_id(std::string_view host) {
  const auto [found, is_new] = host_ids_.try_emplace(std::string(host), static_cast<HostId>(hosts_.size()));
  if (is_new) hosts_.push_back(Host{.name = std::string(host)});
  return found->second;
}

void PollQueue::push(SourceId source, HostId host, core::Timestamp due) {
  erase(source);
  unplace(host);
  hosts_[host].sources.emplace(due, source);
  queued_.emplace(source, Queued{host, due});
  place(host);
}

void PollQueue::erase(SourceId source) {
  const auto found = queued_.find(source);
  if (found == queued_.end()) return;
  const Queued queued = found->second;
  queued_.erase(found);
  unplace(queued.host);
  hosts_[queued.host].sources.erase({queued.due, source});
  place(queued.host);
}

std::optional<PollQueue::Start> PollQueue::pop(core::Timestamp now, SteadyTime steady_now) {
  cool_down(steady_now);
  if (in_flight_ >= limits_.max_concurrent || waiting_.empty() || waiting_.begin()->first > now) return std::nullopt;
  const HostId id = waiting_.begin()->second;
  Host& host = hosts_[id];
  unplace(id);
  const SourceId source = host.sources.begin()->second;
  host.sources.erase(host.sources.begin());
  queued_.erase(source);
  ++host.in_flight;
  ++in_flight_;
  const std::optional<SteadyTime> previous_start = host.last_start;
  host.last_start = steady_now;
  host.is_cool = limits_.host_spacing <= std::chrono::steady_clock::duration::zero();
  place(id);
  return Start{source, id, steady_now, previous_start};
}

void PollQueue::abandon(const Start& start) {
  Host& host = hosts_[start.host];
  unplace(start.host);
  if (host.in_flight > 0) --host.in_flight;
  if (in_flight_ > 0) --in_flight_;
  if (host.last_start == start.started_at) {
    host.last_start = start.previous_start;
    // A spacing already past is seen as such by the next pop (cool_down).
    host.is_cool = !host.last_start || limits_.host_spacing <= std::chrono::steady_clock::duration::zero();
  }
  place(start.host);
}

void PollQueue::hold(HostId id, SteadyTime until) {
  if (limits_.host_spacing <= std::chrono::steady_clock::duration::zero()) return;
  Host& host = hosts_[id];
  const SteadyTime start = until - limits_.host_spacing;
  if (host.last_start && *host.last_start >= start) return;
  unplace(id);
  host.last_start = start;
  host.is_cool = false;
  place(id);
}

void PollQueue::finish(HostId host) {
  unplace(host);
  if (hosts_[host].in_flight > 0) --hosts_[host].in_flight;
  if (in_flight_ > 0) --in_flight_;
  place(host);
}

std::optional<std::chrono::steady_clock::duration> PollQueue::next_wake(std::chrono::system_clock::time_point now,
                                                                        SteadyTime steady_now) const {
  // With every global slot taken, only a finish() frees one.
  if (in_flight_ >= limits_.max_concurrent) return std::nullopt;
  std::optional<std::chrono::steady_clock::duration> wake;
  if (!cooling_.empty())
    wake = std::max(cooling_.begin()->first - steady_now, std::chrono::steady_clock::duration::zero());
  if (!waiting_.empty()) {
    const std::chrono::steady_clock::duration due_in =
        std::max(std::chrono::duration_cast<std::chrono::steady_clock::duration>(waiting_.begin()->first - now),
                 std::chrono::steady_clock::duration::zero());
    wake = wake ? std::min(*wake, due_in) : due_in;
  }
  return wake;
}

std::size_t PollQueue::waiting_before(HostId host, core::Timestamp due) const {
  std::size_t count = 0;
  for (const auto& [source_due, source] : hosts_[host].sources) {
    if (source_due >= due) break;
    ++count;
  }
  return count;
}

std::chrono::steady_clock::duration PollQueue::spacing_left(HostId host, SteadyTime steady_now) const {
  const Host& found = hosts_[host];
  if (!found.last_start) return std::chrono::steady_clock::duration::zero();
  return std::max(*found.last_start + limits_.host_spacing - steady_now, std::chrono::steady_clock::duration::zero());
}

void PollQueue::unplace(HostId id) {
  Host& host = hosts_[id];
  if (host.place == Place::cooling) cooling_.erase({host.cooling_key, id});
  if (host.place == Place::waiting) waiting_.erase({host.waiting_key, id});
  host.place = Place::none;
}

void PollQueue::place(HostId id) {
  Host& host = hosts_[id];
  if (host.sources.empty() || host.in_flight >= limits_.per_host) return;  // none: a push or finish places it
  if (!host.is_cool) {
    host.place = Place::cooling;
    host.cooling_key = *host.last_start + limits_.host_spacing;
    cooling_.emplace(host.cooling_key, id);
    return;
  }
  host.place = Place::waiting;
  host.waiting_key = host.sources.begin()->first;
  waiting_.emplace(host.waiting_key, id);
}

void PollQueue::cool_down(SteadyTime steady_now) {
  while (!cooling_.empty() && cooling_.begin()->first <= steady_now) {
    const HostId id = cooling_.begin()->second;
    unplace(id);
    hosts_[id].is_cool = true;
    place(id);
  }
}

}  // namespace tributary::schedule
