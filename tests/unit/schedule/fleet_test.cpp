// The scheduler's side of a fleet without a database: what a claim that
// was not granted means for the source's next look, what a daemon says of
// the fleet, and the configuration's signature.
#include "schedule/fleet.hpp"

#include <gtest/gtest.h>

namespace tributary::schedule {
namespace {

using namespace std::chrono_literals;
using store::PollClaim;
using Verdict = PollClaim::Verdict;

const core::Timestamp kNow = core::from_unix_seconds(1'765'000'000);
const store::WallMilliseconds kNowMs = store::WallMilliseconds(kNow) + 250ms;

config::SourceSpec source(const std::string& url, const std::string& name) {
  config::SourceSpec spec;
  spec.url = url;
  spec.name = name;
  return spec;
}

TEST(FleetRetry, PolledElsewhereIsDueWhenTheDatabaseSays) {
  PollClaim claim{Verdict::not_due, store::SourceRecord{}, {}, {}};
  claim.source->next_poll_at = kNow + 600s;
  const ClaimRetry retry = retry_after_claim(claim, kNow - 5s, kNowMs);
  EXPECT_EQ(retry.due, kNow + 600s);
  EXPECT_FALSE(retry.host_hold);
  EXPECT_TRUE(retry.is_settled);
}

TEST(FleetRetry, LeasedElsewhereIsLookedAtAgainSoonNotWhenTheLeaseWouldLapse) {
  const PollClaim claim{Verdict::leased, std::nullopt, kNowMs + 15s, "b:2"};
  const ClaimRetry retry = retry_after_claim(claim, kNow - 5s, kNowMs);
  EXPECT_EQ(retry.due, kNow + kLeasedRecheck);
  EXPECT_NE(retry.why.find("b:2 is polling it now"), std::string::npos) << retry.why;
  const PollClaim lapsing{Verdict::leased, std::nullopt, kNowMs + 1s, "b:2"};
  EXPECT_EQ(retry_after_claim(lapsing, kNow - 5s, kNowMs).due, kNow + 2s) << "the lease's end, to the second";
}

TEST(FleetRetry, ABusyHostHoldsTheHostAndKeepsTheSourcesPlace) {
  const PollClaim claim{Verdict::host_busy, std::nullopt, kNowMs + 1800ms, {}};
  const ClaimRetry retry = retry_after_claim(claim, kNow - 5s, kNowMs);
  EXPECT_EQ(retry.due, kNow - 5s);
  ASSERT_TRUE(retry.host_hold);
  EXPECT_EQ(*retry.host_hold, 1800ms);
  EXPECT_FALSE(retry.is_settled) << "a poll by hand waits for the host, as in one daemon";
}

// The delay past a wake is what orders the daemons that want one due time
// or one freed host: a share of kFleetWakeJitter, never beyond it.
TEST(FleetRetry, TheWakeDelayIsAShareOfTheJitter) {
  EXPECT_EQ(fleet_wake_delay(0.0), 0ms);
  EXPECT_EQ(fleet_wake_delay(0.5), kFleetWakeJitter / 2);
  EXPECT_LE(fleet_wake_delay(0.9999), kFleetWakeJitter);
  EXPECT_EQ(fleet_wake_delay(7.0), kFleetWakeJitter) << "a draw out of range is clamped";
}

// The margin within which a claim's request must start (and which the
// other daemons wait out): a quarter of the spacing, at most
// kFleetStartMargin.
TEST(FleetStartMargin, IsAQuarterOfTheSpacingAtMost250Ms) {
  EXPECT_EQ(fleet_start_margin(2000ms), kFleetStartMargin);
  EXPECT_EQ(kFleetStartMargin, 250ms);
  EXPECT_EQ(fleet_start_margin(200ms), 50ms);
  EXPECT_EQ(fleet_start_margin(0ms), 0ms) << "no spacing, no margin (and no deadline)";
}

TEST(FleetRetry, RemovedByAnotherConfigurationIsLookedAtAgainEveryMinute) {
  const ClaimRetry retry = retry_after_claim({Verdict::retired, std::nullopt, {}, {}}, kNow - 5s, kNowMs);
  EXPECT_EQ(retry.due, kNow + kRetiredRecheck);
}

TEST(FleetStanding, NamesTheMembersAndThisOne) {
  const store::FleetView view{{{"b:2", "same", kNowMs}, {"a:1", "same", kNowMs - 60s}}};
  const FleetStanding standing = fleet_standing(view, "a:1", "same");
  EXPECT_EQ(standing.members, "2 daemons share this database: b:2, a:1 (this one)");
  EXPECT_EQ(standing.difference, "");
}

TEST(FleetStanding, SaysWhenTheSourcesFollowAnotherDaemonsConfiguration) {
  const store::FleetView view{{{"b:2", "new", kNowMs}, {"a:1", "old", kNowMs - 60s}}};
  const FleetStanding standing = fleet_standing(view, "a:1", "old");
  EXPECT_NE(standing.difference.find("differ from those b:2 loaded at 2025-12-06T05:46:40Z"), std::string::npos)
      << standing.difference;
  EXPECT_EQ(fleet_standing(view, "b:2", "new").difference, "") << "the last to load is the fleet's";
  EXPECT_EQ(fleet_standing({}, "a:1", "old").members, "") << "no beat yet";
}

TEST(FleetSignature, FollowsTheSourcesAndTheirOrder) {
  const auto a = source("https://a.example/feed", "A");
  const auto b = source("https://b.example/feed", "B");
  EXPECT_EQ(configuration_signature({a, b}), configuration_signature({a, b}));
  EXPECT_NE(configuration_signature({a, b}), configuration_signature({b, a}));
  EXPECT_NE(configuration_signature({a, b}), configuration_signature({a}));
  auto renamed = b;
  renamed.name = "B2";
  EXPECT_NE(configuration_signature({a, b}), configuration_signature({a, renamed}));
  EXPECT_EQ(fleet_daemon_name().find(':') != std::string::npos, true);
}

}  // namespace
}  // namespace tributary::schedule
