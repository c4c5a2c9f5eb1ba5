// What one poll does to its source's state (apply_outcome, schedule_next):
// success, not modified, failure and 410, the adaptive interval, hints,
// redirects confirmed over several polls, and what the store records —
// without a fetcher, a store or a clock.
#include "schedule/outcome.hpp"

#include <gtest/gtest.h>

namespace tributary::schedule {
namespace {

using namespace std::chrono_literals;
using Kind = PollOutcome::Kind;
const core::Timestamp kNow = core::from_unix_seconds(1'765'000'000);  // Sat 2025-12-06 05:46:40 UTC

PollOutcome answered(Kind kind, int status) {
  PollOutcome outcome;
  outcome.kind = kind;
  outcome.http_status = status;
  outcome.final_url = "https://news.example/feed";
  return outcome;
}

SourcePoll polled_before() {
  SourcePoll state;
  state.url = "https://news.example/feed";
  state.etag = "\"v1\"";
  state.last_modified = "Fri, 05 Dec 2025 10:00:00 GMT";
  state.body_hash = "aaaa";
  state.interval = 30min;
  state.item_rate = 24;  // one an hour
  state.last_success = kNow - 1h;
  return state;
}

const OutcomeRules kRules{5min, 24h, std::nullopt, 3, "signature-1"};

TEST(ApplyOutcome, FirstSuccessKeepsTheIntervalAndStoresTheValidators) {
  SourcePoll fresh;
  fresh.url = "https://news.example/feed";
  fresh.interval = 15min;
  PollOutcome outcome = answered(Kind::success, 200);
  outcome.etag = "\"v2\"";
  outcome.body_hash = "bbbb";
  outcome.new_items = 40;  // the backlog, not a rate
  const PollUpdate update = apply_outcome(fresh, outcome, kRules, kNow);
  EXPECT_EQ(update.state.interval, 15min);
  EXPECT_EQ(update.state.item_rate, 0);
  EXPECT_EQ(update.state.last_success, kNow);
  EXPECT_EQ(update.state.etag, "\"v2\"");
  EXPECT_EQ(update.state.body_hash, "bbbb");
  EXPECT_EQ(update.wait, NextWait::interval);
  EXPECT_FALSE(update.is_moved);
  EXPECT_TRUE(update.record.is_success);
  EXPECT_EQ(update.record.polled_at, kNow);
  EXPECT_EQ(update.record.http_status, 200);
  EXPECT_EQ(update.record.etag, "\"v2\"");
  EXPECT_EQ(update.record.new_items, 40);
  EXPECT_EQ(update.record.poll_interval, 15min);
  EXPECT_TRUE(update.record.url.empty()) << "not moved: the store keeps the URL";
}

TEST(ApplyOutcome, LaterSuccessAdaptsTheIntervalToTheRate) {
  PollOutcome outcome = answered(Kind::success, 200);
  outcome.new_items = 0;
  const PollUpdate quiet = apply_outcome(polled_before(), outcome, kRules, kNow);
  EXPECT_LT(quiet.state.item_rate, 24);
  EXPECT_GT(quiet.state.interval, 30min) << "a quiet source is polled less often";
  EXPECT_EQ(quiet.record.item_rate, quiet.state.item_rate);
  EXPECT_EQ(quiet.record.poll_interval, quiet.state.interval);

  outcome.new_items = 30;
  const PollUpdate busy = apply_outcome(polled_before(), outcome, kRules, kNow);
  EXPECT_GT(busy.state.item_rate, 24);
  EXPECT_LT(busy.state.interval, quiet.state.interval);
}

TEST(ApplyOutcome, APinnedIntervalAppliesAtOnceAndOverridesSkips) {
  SourcePoll fresh;
  fresh.interval = 15min;
  OutcomeRules pinned = kRules;
  pinned.pinned_interval = 2h;
  const PollUpdate update = apply_outcome(fresh, answered(Kind::success, 200), pinned, kNow);
  EXPECT_EQ(update.state.interval, 2h);
  EXPECT_EQ(update.wait, NextWait::interval_no_skips);
}

TEST(ApplyOutcome, NotModifiedIsASuccessThatKeepsTheValidators) {
  const PollUpdate update = apply_outcome(polled_before(), answered(Kind::not_modified, 304), kRules, kNow);
  EXPECT_TRUE(update.record.is_success);
  EXPECT_EQ(update.state.etag, "\"v1\"");
  EXPECT_EQ(update.state.last_modified, "Fri, 05 Dec 2025 10:00:00 GMT");
  EXPECT_EQ(update.state.body_hash, "aaaa");
  EXPECT_TRUE(update.record.etag.empty()) << "empty: the store keeps what it has";
  EXPECT_EQ(update.state.consecutive_errors, 0);
}

TEST(ApplyOutcome, SuccessClearsTheErrorCount) {
  SourcePoll failing = polled_before();
  failing.consecutive_errors = 4;
  const PollUpdate update = apply_outcome(failing, answered(Kind::success, 200), kRules, kNow);
  EXPECT_EQ(update.state.consecutive_errors, 0);
}

TEST(ApplyOutcome, FailureCountsAndBacksOffKeepingWhatItKnew) {
  PollOutcome outcome = answered(Kind::failure, 500);
  outcome.error = "http: 500 Internal Server Error";
  outcome.etag = "\"ignored\"";
  const PollUpdate update = apply_outcome(polled_before(), outcome, kRules, kNow);
  EXPECT_EQ(update.state.consecutive_errors, 1);
  EXPECT_EQ(update.wait, NextWait::backoff);
  EXPECT_EQ(update.state.etag, "\"v1\"");
  EXPECT_EQ(update.state.interval, 30min);
  EXPECT_EQ(update.state.last_success, kNow - 1h);
  EXPECT_FALSE(update.record.is_success);
  EXPECT_EQ(update.record.error, "http: 500 Internal Server Error");
  EXPECT_TRUE(update.record.etag.empty());
}

TEST(ApplyOutcome, GoneStopsPollingUntilTheConfigurationChanges) {
  PollOutcome outcome = answered(Kind::gone, 410);
  outcome.error = "gone: 410 Gone";
  const PollUpdate update = apply_outcome(polled_before(), outcome, kRules, kNow);
  EXPECT_EQ(update.state.gone_at, kNow);
  EXPECT_EQ(update.wait, NextWait::never);
  EXPECT_EQ(update.record.gone_at, kNow);
  EXPECT_EQ(update.record.gone_spec, "signature-1");
  EXPECT_EQ(update.record.error, "gone: 410 Gone");
  EXPECT_EQ(schedule_next(update.state, update.wait, 30min, 24h, kNow, 0.5), std::nullopt);
}

TEST(ApplyOutcome, HintsComeFromTheDocumentAndTheAnswer) {
  PollOutcome outcome = answered(Kind::success, 200);
  outcome.feed_hints = PollOutcome::FeedHints{2h, std::nullopt, {1, 2}, {0}};
  outcome.freshness = 45min;
  const PollUpdate update = apply_outcome(polled_before(), outcome, kRules, kNow);
  EXPECT_EQ(update.state.hints.ttl, 2h);
  EXPECT_EQ(update.state.hints.freshness, 45min);
  EXPECT_EQ(update.state.hints.skip_hours, (std::vector<int>{1, 2}));
  EXPECT_GE(update.state.interval, 2h) << "never more often than the ttl asks";
  EXPECT_EQ(update.record.hints, hints_json(update.state.hints));
}

TEST(ApplyOutcome, WithoutAnAnswerFreshnessIsKeptAndRetryAfterIsCleared) {
  SourcePoll before = polled_before();
  before.hints.freshness = 1h;
  before.hints.retry_after = kNow - 1min;
  PollOutcome outcome = answered(Kind::failure, 0);
  outcome.error = "timeout: no answer in 30s";
  const PollUpdate update = apply_outcome(before, outcome, kRules, kNow);
  EXPECT_EQ(update.state.hints.freshness, 1h);
  EXPECT_EQ(update.state.hints.retry_after, std::nullopt);
  EXPECT_EQ(update.record.retry_after, std::nullopt);
}

TEST(ApplyOutcome, RetryAfterIsKeptAndRecorded) {
  PollOutcome outcome = answered(Kind::failure, 429);
  outcome.error = "rate-limited: 429";
  outcome.retry_after = kNow + 2h;
  const PollUpdate update = apply_outcome(polled_before(), outcome, kRules, kNow);
  EXPECT_EQ(update.record.retry_after, kNow + 2h);
  const auto next = schedule_next(update.state, update.wait, 30min, 24h, kNow, 0.5);
  ASSERT_TRUE(next);
  EXPECT_GE(*next, kNow + 2h) << "not before the source said";
}

TEST(ApplyOutcome, APermanentRedirectMovesTheSourceOnlyWhenConfirmed) {
  PollOutcome redirected = answered(Kind::success, 200);
  redirected.final_url = "https://new.example/feed";
  redirected.is_permanent_redirect = true;
  SourcePoll state = polled_before();
  for (int poll = 1; poll <= 2; ++poll) {
    const PollUpdate update = apply_outcome(state, redirected, kRules, kNow);
    EXPECT_FALSE(update.is_moved) << "poll " << poll;
    EXPECT_EQ(update.state.redirect_streak, poll);
    EXPECT_EQ(update.record.redirect_target, "https://new.example/feed");
    state = update.state;
  }
  const PollUpdate third = apply_outcome(state, redirected, kRules, kNow);
  EXPECT_TRUE(third.is_moved);
  EXPECT_EQ(third.state.url, "https://new.example/feed");
  EXPECT_EQ(third.record.url, "https://new.example/feed");
  EXPECT_EQ(third.state.redirect_streak, 0);
  EXPECT_TRUE(third.state.redirect_target.empty());
}

TEST(ApplyOutcome, AnotherTargetOrAPlainAnswerRestartsTheCount) {
  PollOutcome redirected = answered(Kind::success, 200);
  redirected.final_url = "https://new.example/feed";
  redirected.is_permanent_redirect = true;
  SourcePoll state = apply_outcome(polled_before(), redirected, kRules, kNow).state;
  state = apply_outcome(state, redirected, kRules, kNow).state;
  ASSERT_EQ(state.redirect_streak, 2);

  PollOutcome elsewhere = redirected;
  elsewhere.final_url = "https://other.example/feed";
  const SourcePoll restarted = apply_outcome(state, elsewhere, kRules, kNow).state;
  EXPECT_EQ(restarted.redirect_target, "https://other.example/feed");
  EXPECT_EQ(restarted.redirect_streak, 1);

  const SourcePoll plain = apply_outcome(state, answered(Kind::success, 200), kRules, kNow).state;
  EXPECT_TRUE(plain.redirect_target.empty());
  EXPECT_EQ(plain.redirect_streak, 0);

  PollOutcome failed = redirected;
  failed.kind = Kind::failure;
  const SourcePoll kept = apply_outcome(state, failed, kRules, kNow).state;
  EXPECT_EQ(kept.redirect_streak, 2) << "a failed poll neither confirms nor denies the move";
}

TEST(ScheduleNext, WaitsThePoliteIntervalOrBacksOff) {
  SourcePoll state = polled_before();
  EXPECT_EQ(schedule_next(state, NextWait::interval, 1h, 24h, kNow, 0.5), kNow + 1h);
  state.consecutive_errors = 3;
  EXPECT_EQ(schedule_next(state, NextWait::backoff, 1h, 24h, kNow, 0.5), kNow + 1h)
      << "backoff from a quarter of the interval, doubled twice";
  state.consecutive_errors = 10;
  EXPECT_EQ(schedule_next(state, NextWait::backoff, 1h, 6h, kNow, 0.5), kNow + 6h);
}

TEST(ScheduleNext, SkipHoursApplyUnlessThePinnedIntervalOverridesThem) {
  SourcePoll state = polled_before();
  state.hints.skip_hours = {6, 7, 8};  // kNow is 05:46 UTC; +30 min lands in hour 6
  const auto skipping = schedule_next(state, NextWait::interval, 30min, 24h, kNow, 0.5);
  ASSERT_TRUE(skipping);
  const std::int64_t hour = core::to_unix_seconds(*skipping) % 86400 / 3600;
  EXPECT_EQ(hour, 9) << "moved out of the skipped hours, to the first one after them";
  EXPECT_EQ(schedule_next(state, NextWait::interval_no_skips, 30min, 24h, kNow, 0.5), kNow + 30min);
}

TEST(ResumePollState, TakesWhatTheStoreRemembers) {
  store::SourceRecord record;
  record.url = "https://moved.example/feed";
  record.etag = "\"v9\"";
  record.error_count = 2;
  record.poll_interval = 40min;
  record.hints = R"({"ttl":3600,"skip_days":[0,6]})";
  record.retry_after = kNow + 1h;
  record.redirect_target = "https://next.example/feed";
  record.redirect_streak = 1;
  record.gone_at = kNow - 1h;
  record.gone_spec = "signature-1";
  const SourcePoll same = resume_poll_state("https://news.example/feed", &record, "signature-1");
  EXPECT_EQ(same.url, "https://moved.example/feed");
  EXPECT_EQ(same.etag, "\"v9\"");
  EXPECT_EQ(same.consecutive_errors, 2);
  EXPECT_EQ(same.interval, 40min);
  EXPECT_EQ(same.hints.ttl, 1h);
  EXPECT_EQ(same.hints.skip_days, (std::vector<int>{0, 6}));
  EXPECT_EQ(same.hints.retry_after, kNow + 1h);
  EXPECT_EQ(same.redirect_streak, 1);
  EXPECT_EQ(same.gone_at, kNow - 1h);
  const SourcePoll changed = resume_poll_state("https://news.example/feed", &record, "signature-2");
  EXPECT_EQ(changed.gone_at, std::nullopt) << "a changed configuration gets another chance after 410";
  const SourcePoll unknown = resume_poll_state("https://news.example/feed", nullptr, "signature-1");
  EXPECT_EQ(unknown.url, "https://news.example/feed");
  EXPECT_EQ(unknown.interval, 0s);
}

TEST(HintsJson, RoundTripsAndToleratesDamage) {
  SourceHints hints;
  hints.ttl = 2h;
  hints.update_period = 1h;
  hints.freshness = 10min;
  hints.skip_hours = {0, 23};
  hints.skip_days = {3};
  const SourceHints back = hints_from_json(hints_json(hints), std::nullopt);
  EXPECT_EQ(back.ttl, 2h);
  EXPECT_EQ(back.update_period, 1h);
  EXPECT_EQ(back.freshness, 10min);
  EXPECT_EQ(back.skip_hours, hints.skip_hours);
  EXPECT_EQ(back.skip_days, hints.skip_days);
  EXPECT_EQ(hints_json({}), "{}");
  const SourceHints damaged = hints_from_json("{not json", kNow);
  EXPECT_EQ(damaged.ttl, std::nullopt);
  EXPECT_EQ(damaged.retry_after, kNow);
}

}  // namespace
}  // namespace tributary::schedule
