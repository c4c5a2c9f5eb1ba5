// Several daemons on one PostgreSQL database (store/fleet_records.hpp): a
// poll is claimed once across the fleet, a lease lapses unless renewed,
// requests to a host are spaced across daemons, the daemons' beats tell
// who loaded which configuration last, and a change announced by one is
// heard by the others. An SQLite store is never shared.
#include <gtest/gtest.h>

#include "store/change_listener.hpp"
#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using namespace std::chrono_literals;
using test::at;
using test::spec;
using Verdict = PollClaim::Verdict;

WallMilliseconds ms_at(std::string_view rfc3339) { return WallMilliseconds(test::at(rfc3339)); }

class FleetStore : public test::EngineTest {
 protected:
  // Two daemons' connections to one new database, with one source.
  void SetUp() override {
    test::EngineTest::SetUp();
    if (IsSkipped()) return;
    location_ = new_location();
    first_ = std::make_unique<Store>(location_);
    second_ = std::make_unique<Store>(location_);
    source_ = first_->ensure_source(spec("https://wire.example/feed", "Wire"));
  }

  PollClaimRequest request(const std::string& daemon, WallMilliseconds now) const {
    PollClaimRequest claim;
    claim.source_id = source_;
    claim.daemon = daemon;
    claim.host = "wire.example";
    claim.now = now;
    return claim;
  }

  // The poll made and recorded: due again at `next`.
  void record(Store& store, const std::string& daemon, WallMilliseconds polled, core::Timestamp next) {
    PollRecord poll;
    poll.polled_at = std::chrono::floor<std::chrono::seconds>(polled);
    poll.http_status = 200;
    poll.is_success = true;
    poll.next_poll_at = next;
    store.record_poll(source_, poll);
    store.release_poll(source_, daemon);
  }

  StoreLocation location_;
  std::unique_ptr<Store> first_;
  std::unique_ptr<Store> second_;
  std::int64_t source_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Engines, FleetStore, ::testing::Values(Engine::postgresql), test::engine_name);

TEST_P(FleetStore, ADuePollIsClaimedByOneDaemonOnly) {
  const WallMilliseconds now = ms_at("2026-12-04T10:00:00Z");
  const PollClaim first = first_->claim_poll(request("a:1", now));
  ASSERT_EQ(first.verdict, Verdict::claimed);
  ASSERT_TRUE(first.source.has_value());
  EXPECT_EQ(first.source->name, "Wire");

  const PollClaim second = second_->claim_poll(request("b:2", now + 100ms));
  EXPECT_EQ(second.verdict, Verdict::leased);
  EXPECT_EQ(second.holder, "a:1");
  EXPECT_EQ(second.retry_at, now + 15s) << "the lease's end";
  EXPECT_EQ(second_->claim_poll(request("b:2", now + 200ms)).verdict, Verdict::leased) << "forced or not";
}

TEST_P(FleetStore, APollRecordedByOneIsNotDueForTheOtherWhichLearnsTheNextTime) {
  const WallMilliseconds now = ms_at("2026-12-04T10:00:00Z");
  ASSERT_EQ(first_->claim_poll(request("a:1", now)).verdict, Verdict::claimed);
  record(*first_, "a:1", now + 1s, at("2026-12-04T10:10:00Z"));

  const PollClaim late = second_->claim_poll(request("b:2", now + 2s));
  EXPECT_EQ(late.verdict, Verdict::not_due);
  ASSERT_TRUE(late.source && late.source->next_poll_at);
  EXPECT_EQ(*late.source->next_poll_at, at("2026-12-04T10:10:00Z"));

  PollClaimRequest forced = request("b:2", now + 3s);
  forced.is_forced = true;  // by hand: due or not
  EXPECT_EQ(second_->claim_poll(forced).verdict, Verdict::claimed);
  PollClaimRequest also_forced = request("a:1", now + 4s);
  also_forced.is_forced = true;
  EXPECT_EQ(first_->claim_poll(also_forced).verdict, Verdict::leased) << "the forced poll's lease holds";
}

// Housekeeping is one daemon's at a time: the purges of two would collide
// (row locks, deadlocks); the other skips the round.
TEST_P(FleetStore, HousekeepingIsOneDaemonsAtATime) {
  first_->retire_sources_except({}, at("2025-12-18T00:00:00Z"));
  Database& holder = database_of(*first_);
  const auto housekeeping_lock = [&](const char* function) {
    Statement& statement =
        holder.cached(std::string("SELECT CASE WHEN ") + function + "(8390884927342928242) THEN 1 ELSE 0 END");
    statement.step();
    statement.reset();
  };
  housekeeping_lock("pg_try_advisory_lock");  // first_ is at it (the key: "tributar")
  const MaintenanceResult skipped = second_->maintain(at("2025-12-26T00:00:00Z"));
  EXPECT_TRUE(skipped.is_skipped);
  EXPECT_EQ(skipped.removed_sources, 0);
  EXPECT_EQ(test::count(*second_, "SELECT count(*) FROM sources"), 1);
  housekeeping_lock("pg_advisory_unlock");
  const MaintenanceResult done = second_->maintain(at("2025-12-26T00:00:00Z"));
  EXPECT_FALSE(done.is_skipped);
  EXPECT_EQ(done.removed_sources, 1);
  EXPECT_EQ(test::count(*second_, "SELECT count(*) FROM sources"), 0);
}

TEST_P(FleetStore, ALeaseNotRenewedLapsesAndARenewedOneHolds) {
  const WallMilliseconds now = ms_at("2026-12-04T10:00:00Z");
  ASSERT_EQ(first_->claim_poll(request("a:1", now)).verdict, Verdict::claimed);
  // a:1 beats: its lease runs 15 s from the beat.
  first_->fleet_beat({"a:1", "sig", now, now + 10s, 15s});
  EXPECT_EQ(second_->claim_poll(request("b:2", now + 20s)).verdict, Verdict::leased);
  // a:1 died after that beat: 15 s later the poll is b:2's.
  const PollClaim taken = second_->claim_poll(request("b:2", now + 26s));
  EXPECT_EQ(taken.verdict, Verdict::claimed);
  EXPECT_EQ(first_->claim_poll(request("a:1", now + 27s)).verdict, Verdict::leased);
}

TEST_P(FleetStore, RequestsToOneHostAreSpacedAcrossDaemons) {
  const std::int64_t other = first_->ensure_source(spec("https://wire.example/other", "Other"));
  const WallMilliseconds now = ms_at("2026-12-04T10:00:00Z");
  PollClaimRequest one = request("a:1", now);
  one.host_spacing = 2050ms;
  ASSERT_EQ(first_->claim_poll(one).verdict, Verdict::claimed);
  PollClaimRequest two = request("b:2", now + 500ms);
  two.source_id = other;
  two.host_spacing = 2050ms;
  const PollClaim busy = second_->claim_poll(two);
  EXPECT_EQ(busy.verdict, Verdict::host_busy);
  EXPECT_EQ(busy.retry_at, now + 2050ms);
  two.now = now + 2050ms;
  EXPECT_EQ(second_->claim_poll(two).verdict, Verdict::claimed);
  PollClaimRequest elsewhere = two;
  elsewhere.source_id = first_->ensure_source(spec("https://other.example/feed", "Elsewhere"));
  elsewhere.host = "other.example";
  EXPECT_EQ(second_->claim_poll(elsewhere).verdict, Verdict::claimed) << "another host has its own spacing";
}

// A claim's request may leave up to its start margin after the claim: the
// other daemons wait that out beyond the spacing; the claimer, whose next
// request leaves as late as its last, waits the spacing only.
TEST_P(FleetStore, OtherDaemonsWaitOutAClaimsStartMargin) {
  const std::int64_t other = first_->ensure_source(spec("https://wire.example/other", "Other"));
  const std::int64_t third = first_->ensure_source(spec("https://wire.example/third", "Third"));
  const WallMilliseconds now = ms_at("2026-12-04T10:00:00Z");
  PollClaimRequest one = request("a:1", now);
  one.host_spacing = 2000ms;
  one.start_margin = 250ms;
  ASSERT_EQ(first_->claim_poll(one).verdict, Verdict::claimed);

  PollClaimRequest by_other = one;
  by_other.daemon = "b:2";
  by_other.source_id = other;
  by_other.now = now + 2000ms;
  const PollClaim busy = second_->claim_poll(by_other);
  EXPECT_EQ(busy.verdict, Verdict::host_busy);
  EXPECT_EQ(busy.retry_at, now + 2250ms);

  PollClaimRequest again = one;
  again.source_id = third;
  again.now = now + 2000ms;
  EXPECT_EQ(first_->claim_poll(again).verdict, Verdict::claimed) << "the claimer waits the spacing only";
  by_other.now = now + 4000ms;
  EXPECT_EQ(second_->claim_poll(by_other).verdict, Verdict::host_busy);
  by_other.now = now + 4250ms;
  EXPECT_EQ(second_->claim_poll(by_other).verdict, Verdict::claimed);
}

TEST_P(FleetStore, ASourceRemovedByAnotherConfigurationIsNotClaimed) {
  first_->retire_sources_except({}, at("2026-12-04T09:00:00Z"));
  EXPECT_EQ(second_->claim_poll(request("b:2", ms_at("2026-12-04T10:00:00Z"))).verdict, Verdict::retired);
}

TEST_P(FleetStore, BeatsListTheLiveDaemonsTheLastToLoadFirst) {
  const WallMilliseconds now = ms_at("2026-12-04T10:00:00Z");
  first_->fleet_beat({"a:1", "old", now - 60s, now, 15s});
  const FleetView view = second_->fleet_beat({"b:2", "new", now - 5s, now + 1s, 15s});
  ASSERT_EQ(view.members.size(), 2u);
  EXPECT_EQ(view.members[0].daemon, "b:2");
  EXPECT_EQ(view.members[0].config_signature, "new");
  EXPECT_EQ(view.members[1].daemon, "a:1");
  // a:1 stops beating: after 30 s it is no longer counted.
  const FleetView later = second_->fleet_beat({"b:2", "new", now - 5s, now + 45s, 15s});
  ASSERT_EQ(later.members.size(), 1u);
  EXPECT_EQ(later.members[0].daemon, "b:2");
}

TEST_P(FleetStore, AnotherDaemonsAnnouncedChangeIsHeardAndOnesOwnIsNot) {
  ChangeListener listener(location_, "b:2");
  EXPECT_FALSE(listener.wait_for_change(50ms));
  second_->announce_change("b:2");
  EXPECT_FALSE(listener.wait_for_change(500ms)) << "its own";
  first_->announce_change("a:1");
  bool heard = false;
  for (int attempt = 0; attempt < 20 && !heard; ++attempt) heard = listener.wait_for_change(250ms);
  EXPECT_TRUE(heard);
}

// Full-text indexing in PostgreSQL: each daemon indexes what it queued.
// When each also swept the other's queued rows, two passes went over the
// same items in different orders and deadlocked (bench/fleet: a second of
// both writers each time). What a daemon queued and never indexed (it
// stopped first) is swept by housekeeping, one daemon at a time.
TEST_P(FleetStore, EachDaemonIndexesWhatItQueuedAndHousekeepingSweepsTheRest) {
  const std::string pending = "SELECT count(*) FROM search_pending";
  first_->ingest(source_, test::load_feed("dedup/boilerplate.xml"), at("2025-12-17T12:00:00Z"));
  const std::int64_t queued_by_first = test::count(*first_, pending);
  ASSERT_GT(queued_by_first, 0);
  const std::int64_t other = second_->ensure_source(spec("https://other.example/feed", "Other"));
  second_->ingest(other, test::load_feed("dedup/numbered_a.xml"), at("2025-12-17T12:01:00Z"));
  EXPECT_GT(second_->update_search_index(), 0u);
  EXPECT_EQ(test::count(*second_, pending), queued_by_first) << "the second daemon's pass took the first's rows";
  EXPECT_EQ(first_->update_search_index(), static_cast<std::size_t>(queued_by_first));
  EXPECT_EQ(test::count(*second_, pending), 0);

  first_->ingest(source_, test::load_feed("dedup/wire_a.xml"), at("2025-12-17T13:00:00Z"));
  ASSERT_GT(test::count(*second_, pending), 0);
  first_.reset();  // stopped before its next pass
  second_->maintain(at("2025-12-17T13:05:00Z"));
  EXPECT_EQ(test::count(*second_, pending), 0);
  EXPECT_EQ(test::count(*second_, "SELECT count(*) FROM items WHERE search IS NULL"), 0);
}

// An item that one daemon edits while the other still holds its older
// text queued: whichever pass comes last, the index keeps the newer text
// (each pass indexes an item only while it has the content its text was
// taken from). Here the older text's pass comes last.
TEST_P(FleetStore, AnOlderTextNeverReplacesANewerOneInTheIndex) {
  const auto matching = [&](const std::string& word) {
    return test::count(*second_, "SELECT count(*) FROM items WHERE search @@ to_tsquery('simple', '" + word + "')");
  };
  normalize::NormalizedFeed feed = test::load_feed("dedup/boilerplate.xml");
  first_->ingest(source_, feed, at("2025-12-17T12:00:00Z"));  // queued by the first daemon, not indexed yet
  ASSERT_TRUE(test::edit_coach_item(feed));
  EXPECT_EQ(second_->ingest(source_, feed, at("2025-12-17T12:30:00Z")).updated, 1);
  EXPECT_EQ(second_->update_search_index(), 1u);  // the newer text
  first_->update_search_index();                  // the older one, from memory
  EXPECT_EQ(matching("ocelot"), 1);
  EXPECT_EQ(matching("assistant"), 0) << "the older text replaced the newer one";
  EXPECT_EQ(test::count(*second_, "SELECT count(*) FROM search_pending"), 0);
}

TEST(FleetStoreOnSqlite, IsNeverSharedAndSaysSoWhenAskedToClaim) {
  Store store(":memory:");
  EXPECT_FALSE(store.is_shared());
  PollClaimRequest request;
  request.source_id = store.ensure_source(spec("https://wire.example/feed"));
  try {
    store.claim_poll(request);
    FAIL() << "claimed on SQLite";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("only a PostgreSQL store is shared"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace tributary::store
