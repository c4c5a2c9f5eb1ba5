// The poll queue without sockets or waiting: who goes first on a host and
// across hosts, the per-host and global limits, host spacing on the steady
// clock — and, simulated over minutes at the shipped defaults, that no
// source starves behind the ones configured before it.
#include "schedule/poll_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "schedule/host_demand.hpp"

namespace tributary::schedule {
namespace {

using namespace std::chrono_literals;
const core::Timestamp kNow = core::from_unix_seconds(1'765'000'000);
const SteadyTime kSteady = SteadyTime{} + 1000h;

TEST(PollQueue, TheSourceThatWaitedLongestGoesFirstWhateverItsPlace) {
  PollQueue queue({.max_concurrent = 1, .per_host = 1, .host_spacing = 0s});
  const auto host = queue.host_id("example.com");
  queue.push(1, host, kNow - 1s);
  queue.push(2, host, kNow - 30s);
  queue.push(3, host, kNow - 10s);
  std::vector<PollQueue::SourceId> order;
  for (int round = 0; round < 3; ++round) {
    const auto start = queue.pop(kNow, kSteady);
    ASSERT_TRUE(start);
    order.push_back(start->source);
    queue.finish(start->host);
  }
  EXPECT_EQ(order, (std::vector<PollQueue::SourceId>{2, 3, 1}));
}

TEST(PollQueue, NothingStartsBeforeItIsDue) {
  PollQueue queue;
  queue.push(1, queue.host_id("example.com"), kNow + 5s);
  EXPECT_FALSE(queue.pop(kNow, kSteady));
  ASSERT_TRUE(queue.next_wake(kNow, kSteady));
  EXPECT_EQ(*queue.next_wake(kNow, kSteady), 5s);
  EXPECT_TRUE(queue.pop(kNow + 5s, kSteady + 5s));
}

// Due times are whole seconds, the clock is not: a sleep that begins 700 ms
// into a second ends on the due second, not 700 ms past it (two daemons of
// a fleet sharing one due time then wake together, whoever slept last).
TEST(PollQueue, TheWakeFallsOnTheDueSecondWhereverTheSleepBegins) {
  PollQueue queue;
  queue.push(1, queue.host_id("example.com"), kNow + 5s);
  const auto wake = queue.next_wake(std::chrono::system_clock::time_point(kNow) + 700ms, kSteady);
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake, 4300ms);
  EXPECT_EQ(queue.next_wake(std::chrono::system_clock::time_point(kNow) + 5s + 300ms, kSteady), 0s);
}

TEST(PollQueue, FreeSlotsGoToTheMostOverdueHost) {
  PollQueue queue({.max_concurrent = 1, .per_host = 2, .host_spacing = 0s});
  const auto first = queue.host_id("first.example");
  const auto second = queue.host_id("second.example");
  queue.push(1, first, kNow - 10s);
  queue.push(2, first, kNow - 5s);
  queue.push(3, second, kNow - 100s);
  auto start = queue.pop(kNow, kSteady);
  ASSERT_TRUE(start);
  EXPECT_EQ(start->source, 3);
  EXPECT_EQ(start->host, second);
  EXPECT_FALSE(queue.pop(kNow, kSteady));        // max_concurrent
  EXPECT_FALSE(queue.next_wake(kNow, kSteady));  // only a finish frees a slot
  queue.finish(start->host);
  start = queue.pop(kNow, kSteady);
  ASSERT_TRUE(start);
  EXPECT_EQ(start->source, 1);
}

TEST(PollQueue, PerHostCapsPollsInFlightToOneHost) {
  PollQueue queue({.max_concurrent = 16, .per_host = 2, .host_spacing = 0s});
  const auto host = queue.host_id("example.com");
  const auto other = queue.host_id("other.example");
  for (PollQueue::SourceId id = 1; id <= 3; ++id) queue.push(id, host, kNow);
  queue.push(4, other, kNow);
  std::vector<PollQueue::Start> started;
  while (const auto start = queue.pop(kNow, kSteady)) started.push_back(*start);
  ASSERT_EQ(started.size(), 3u);  // two of example.com, and other.example
  EXPECT_EQ(queue.in_flight(host), 2u);
  EXPECT_EQ(queue.in_flight(other), 1u);
  queue.finish(host);
  const auto third = queue.pop(kNow, kSteady);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->host, host);
}

TEST(PollQueue, HostSpacingHoldsOnTheSteadyClockWhateverTheWallClockDoes) {
  PollQueue queue({.max_concurrent = 16, .per_host = 2, .host_spacing = 2s});
  const auto host = queue.host_id("example.com");
  queue.push(1, host, kNow);
  queue.push(2, host, kNow);
  ASSERT_TRUE(queue.pop(kNow, kSteady));
  // The wall clock jumps an hour ahead: the second request still waits.
  EXPECT_FALSE(queue.pop(kNow + 1h, kSteady + 1s));
  ASSERT_TRUE(queue.next_wake(kNow + 1h, kSteady + 1s));
  EXPECT_EQ(*queue.next_wake(kNow + 1h, kSteady + 1s), 1s);
  EXPECT_TRUE(queue.pop(kNow + 1h, kSteady + 2s));
}

TEST(PollQueue, ErasedSourcesLeaveAndPushedOnesMove) {
  PollQueue queue({.max_concurrent = 16, .per_host = 16, .host_spacing = 0s});
  const auto host = queue.host_id("example.com");
  queue.push(1, host, kNow);
  queue.push(2, host, kNow + 1h);
  queue.erase(1);
  EXPECT_FALSE(queue.is_queued(1));
  EXPECT_FALSE(queue.pop(kNow, kSteady));
  queue.push(2, host, kNow - 1s);  // moved, not queued twice
  EXPECT_EQ(queue.queued(), 1u);
  const auto start = queue.pop(kNow, kSteady);
  ASSERT_TRUE(start);
  EXPECT_EQ(start->source, 2);
  EXPECT_EQ(queue.queued(), 0u);
  EXPECT_FALSE(queue.next_wake(kNow, kSteady));
}

TEST(PollQueue, NewLimitsApplyToHostsAlreadyWaiting) {
  // A reload raises per_host and lengthens host_delay.
  PollQueue queue({.max_concurrent = 16, .per_host = 1, .host_spacing = 0s});
  const auto host = queue.host_id("example.com");
  for (PollQueue::SourceId id = 1; id <= 3; ++id) queue.push(id, host, kNow);
  ASSERT_TRUE(queue.pop(kNow, kSteady));
  EXPECT_FALSE(queue.pop(kNow, kSteady));  // per_host 1
  queue.set_limits({.max_concurrent = 16, .per_host = 2, .host_spacing = 5s});
  EXPECT_FALSE(queue.pop(kNow, kSteady + 1s));  // a slot, but 5 s since the last start
  EXPECT_TRUE(queue.pop(kNow, kSteady + 5s));
  EXPECT_EQ(queue.in_flight(host), 2u);
}

TEST(PollQueue, SaysWhatAPollAskedForNowWaitsFor) {
  PollQueue queue({.max_concurrent = 16, .per_host = 2, .host_spacing = 2s});
  const auto host = queue.host_id("example.com");
  const auto other = queue.host_id("example.org");
  EXPECT_EQ(queue.spacing_left(host, kSteady), 0s);  // never started: nothing to wait for
  queue.push(1, host, kNow - 30s);
  queue.push(2, host, kNow - 10s);
  queue.push(3, host, kNow + 1h);
  queue.push(4, other, kNow - 1h);
  // Sources of the host due before now go first; the other host's do not count.
  EXPECT_EQ(queue.waiting_before(host, kNow), 2u);
  EXPECT_EQ(queue.waiting_before(host, kNow - 20s), 1u);
  EXPECT_EQ(queue.waiting_before(other, kNow), 1u);
  const auto first = queue.pop(kNow, kSteady);  // the other host's: it waited longest
  ASSERT_TRUE(first);
  EXPECT_EQ(first->host, other);
  EXPECT_EQ(queue.spacing_left(host, kSteady), 0s);
  const auto second = queue.pop(kNow, kSteady);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->source, 1);
  EXPECT_EQ(queue.spacing_left(host, kSteady + 500ms), 1500ms);
  EXPECT_EQ(queue.spacing_left(host, kSteady + 3s), 0s);
  EXPECT_EQ(queue.waiting_before(host, kNow), 1u);
}

TEST(PollQueue, SameHostNameIsOneHost) {
  PollQueue queue;
  EXPECT_EQ(queue.host_id("example.com"), queue.host_id("example.com"));
  EXPECT_NE(queue.host_id("example.com"), queue.host_id("example.org"));
  EXPECT_EQ(queue.host_name(queue.host_id("example.org")), "example.org");
}

// A discrete-time run of the scheduler's use of the queue: every 100 ms
// the loop starts what pop() gives; a poll takes 300 ms and queues its
// source again after its interval, stretched like the scheduler stretches
// it. Records every start.
struct Simulation {
  QueueLimits limits;
  core::Seconds host_delay{2};
  std::map<PollQueue::SourceId, std::pair<std::string, core::Seconds>> sources;  // id → host, interval
  std::map<PollQueue::SourceId, std::vector<std::chrono::milliseconds>> starts;
  std::map<std::string, std::vector<std::chrono::milliseconds>> host_starts;
  std::chrono::milliseconds longest_wait_past_due{0};

  void run(std::chrono::milliseconds duration) {
    PollQueue queue(limits);
    HostDemand demand;
    demand.set_host_delay(host_delay);
    for (const auto& [id, source] : sources) demand.add(queue.host_id(source.first), source.second);
    std::map<PollQueue::SourceId, core::Timestamp> due;
    for (const auto& [id, source] : sources) {
      due[id] = kNow;
      queue.push(id, queue.host_id(source.first), kNow);
    }
    std::multimap<std::chrono::milliseconds, PollQueue::Start> running;  // by end time
    for (std::chrono::milliseconds t{0}; t < duration; t += 100ms) {
      const core::Timestamp now = kNow + std::chrono::duration_cast<core::Seconds>(t);
      while (!running.empty() && running.begin()->first <= t) {
        const PollQueue::Start ended = running.begin()->second;
        running.erase(running.begin());
        queue.finish(ended.host);
        const auto& [host, interval] = sources.at(ended.source);
        due[ended.source] = now + stretched(interval, demand.stretch(ended.host));
        queue.push(ended.source, ended.host, due[ended.source]);
      }
      while (const auto start = queue.pop(now, kSteady + t)) {
        starts[start->source].push_back(t);
        host_starts[sources.at(start->source).first].push_back(t);
        longest_wait_past_due = std::max(
            longest_wait_past_due, std::chrono::duration_cast<std::chrono::milliseconds>(now - due[start->source]));
        running.emplace(t + 300ms, *start);
      }
    }
  }

  std::pair<std::size_t, std::size_t> fewest_and_most_polls(const std::string& host) const {
    std::size_t fewest = SIZE_MAX, most = 0;
    for (const auto& [id, source] : sources) {
      if (source.first != host) continue;
      const auto found = starts.find(id);
      const std::size_t polls = found == starts.end() ? 0 : found->second.size();
      fewest = std::min(fewest, polls);
      most = std::max(most, polls);
    }
    return {fewest, most};
  }

  std::chrono::milliseconds smallest_gap(const std::string& host) const {
    std::chrono::milliseconds smallest = std::chrono::hours(24);
    const auto& times = host_starts.at(host);
    for (std::size_t i = 1; i < times.size(); ++i) smallest = std::min(smallest, times[i] - times[i - 1]);
    return smallest;
  }
};

TEST(PollQueueSimulation, ThirtySourcesOnOneHostAtTheDefaultsAllGetTheirTurn) {
  // The report: 30 sources of one host at 20 s, per_host 2, host_delay 2 s,
  // two minutes — sources 13 to 30 were never polled.
  Simulation simulation;
  simulation.limits = {.max_concurrent = 16, .per_host = 2, .host_spacing = 2s};
  for (PollQueue::SourceId id = 1; id <= 30; ++id) simulation.sources[id] = {"crowded.example", 20s};
  for (PollQueue::SourceId id = 31; id <= 35; ++id) simulation.sources[id] = {"quiet.example", 20s};
  simulation.run(2min);
  const auto [fewest, most] = simulation.fewest_and_most_polls("crowded.example");
  EXPECT_GE(fewest, 1u);
  EXPECT_LE(most - fewest, 1u);
  EXPECT_GE(simulation.smallest_gap("crowded.example"), 2s);
  // One request per 2 s: 60 in two minutes, every source twice.
  EXPECT_EQ(simulation.host_starts.at("crowded.example").size(), 60u);
  // The quiet host keeps its 20 s pace (six polls each in two minutes,
  // the first at the start).
  const auto [quiet_fewest, quiet_most] = simulation.fewest_and_most_polls("quiet.example");
  EXPECT_GE(quiet_fewest, 5u);
  EXPECT_LE(quiet_most, 6u);
}

TEST(PollQueueSimulation, ThreeHundredSourcesAtFiveMinutesAreStretchedAlikeAndNoneWaitsLongerThanARound) {
  Simulation simulation;
  simulation.limits = {.max_concurrent = 16, .per_host = 2, .host_spacing = 2s};
  for (PollQueue::SourceId id = 1; id <= 300; ++id) simulation.sources[id] = {"github.com", 5min};
  simulation.run(61min);
  // 300 × 2 s = 10 min per round: six rounds in an hour, every source
  // polled six or seven times.
  const auto [fewest, most] = simulation.fewest_and_most_polls("github.com");
  EXPECT_GE(fewest, 6u);
  EXPECT_LE(most - fewest, 1u);
  EXPECT_GE(simulation.smallest_gap("github.com"), 2s);
  // Stretched to the round, sources wait past their due time only for the
  // others due at the same moment: never a whole round.
  EXPECT_LT(simulation.longest_wait_past_due, 10min);
}

// A fleet's other daemon had the poll: the start is given back as if it
// had not been made, so the host's next source need not wait host_delay.
TEST(PollQueue, AnAbandonedStartLeavesTheHostsSpacingAsItWas) {
  PollQueue queue({.max_concurrent = 4, .per_host = 2, .host_spacing = 2s});
  const auto host = queue.host_id("example.com");
  queue.push(1, host, kNow - 10s);
  queue.push(2, host, kNow - 5s);
  const auto first = queue.pop(kNow, kSteady);
  ASSERT_TRUE(first);
  EXPECT_FALSE(queue.pop(kNow, kSteady + 1s)) << "spacing";
  queue.abandon(*first);
  EXPECT_EQ(queue.in_flight(), 0u);
  const auto second = queue.pop(kNow, kSteady + 1s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->source, 2);
  // A start that is not the host's last leaves the later one's spacing.
  queue.push(1, host, kNow - 10s);
  const auto third = queue.pop(kNow, kSteady + 3100ms);  // the second still in flight (per_host 2)
  ASSERT_TRUE(third);
  queue.push(4, host, kNow - 1s);
  queue.abandon(*second);
  EXPECT_FALSE(queue.pop(kNow, kSteady + 3200ms)) << "the third's spacing holds";
  EXPECT_TRUE(queue.pop(kNow, kSteady + 5200ms));
}

// Another daemon of the fleet sent the host a request: none from this one
// before the fleet's spacing has passed, whatever the local spacing says.
TEST(PollQueue, AHeldHostStartsNothingBeforeTheHoldEnds) {
  PollQueue queue({.max_concurrent = 4, .per_host = 2, .host_spacing = 2s});
  const auto host = queue.host_id("example.com");
  queue.push(1, host, kNow - 10s);
  queue.hold(host, kSteady + 1500ms);
  EXPECT_FALSE(queue.pop(kNow, kSteady + 1s));
  const auto wake = queue.next_wake(kNow, kSteady + 1s);
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake, 500ms);
  EXPECT_TRUE(queue.pop(kNow, kSteady + 1500ms));
}

}  // namespace
}  // namespace tributary::schedule
