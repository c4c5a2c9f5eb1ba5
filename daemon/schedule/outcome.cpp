// How one poll's outcome changes its source's state (see outcome.hpp).
#include "schedule/outcome.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tributary::schedule {
namespace {

namespace json = boost::json;
using core::Timestamp;

void take_hints(SourceHints& hints, const PollOutcome& outcome) {
  if (outcome.feed_hints) {
    hints.ttl = outcome.feed_hints->ttl;
    hints.update_period = outcome.feed_hints->update_period;
    hints.skip_hours = outcome.feed_hints->skip_hours;
    hints.skip_days = outcome.feed_hints->skip_days;
  }
  // Without an HTTP answer there is nothing to say about freshness.
  if (outcome.http_status != 0) hints.freshness = outcome.freshness;
  hints.retry_after = outcome.retry_after;
}

// Permanent redirects move a source only once the same target was seen on
// several consecutive polls: one misconfigured answer must not move it.
// True when this poll confirmed the move.
bool track_redirect(SourcePoll& state, const PollOutcome& outcome, int confirmations) {
  if (!outcome.is_permanent_redirect || outcome.final_url == state.url) {
    state.redirect_target.clear();
    state.redirect_streak = 0;
    return false;
  }
  if (state.redirect_target == outcome.final_url) {
    ++state.redirect_streak;
  } else {
    state.redirect_target = outcome.final_url;
    state.redirect_streak = 1;
  }
  if (state.redirect_streak < confirmations) return false;
  state.url = outcome.final_url;
  state.redirect_target.clear();
  state.redirect_streak = 0;
  return true;
}

void apply_success(PollUpdate& update, const PollOutcome& outcome, const OutcomeRules& rules, Timestamp now) {
  SourcePoll& state = update.state;
  update.is_moved = track_redirect(state, outcome, rules.redirect_confirmations);
  if (update.is_moved) update.record.url = state.url;
  const bool is_first_success = !state.last_success;
  const Seconds elapsed =
      state.last_success ? std::chrono::duration_cast<Seconds>(now - *state.last_success) : Seconds{0};
  state.item_rate = smoothed_rate(state.item_rate, outcome.new_items, elapsed, is_first_success);
  // The first poll has no rate to adapt to yet; a pinned interval applies at once.
  if (!is_first_success || rules.pinned_interval) {
    const IntervalLimits limits{rules.min_interval, rules.max_interval, rules.pinned_interval};
    state.interval = adaptive_interval(limits, state.hints, state.item_rate, state.interval);
  }
  state.consecutive_errors = 0;
  state.last_success = now;
  update.wait = rules.pinned_interval ? NextWait::interval_no_skips : NextWait::interval;
  if (!outcome.etag.empty()) state.etag = outcome.etag;
  if (!outcome.last_modified.empty()) state.last_modified = outcome.last_modified;
  if (!outcome.body_hash.empty()) state.body_hash = outcome.body_hash;
  update.record.etag = outcome.etag;
  update.record.last_modified = outcome.last_modified;
  update.record.body_hash = outcome.body_hash;
}

}  // namespace

SourcePoll resume_poll_state(const std::string& config_url, const store::SourceRecord* record,
                             const std::string& signature) {
  SourcePoll state;
  state.url = config_url;
  if (!record) return state;
  if (!record->url.empty()) state.url = record->url;
  state.etag = record->etag;
  state.last_modified = record->last_modified;
  state.body_hash = record->body_hash;
  state.consecutive_errors = static_cast<int>(record->error_count);
  state.last_success = record->last_success_at;
  state.item_rate = record->item_rate;
  if (record->poll_interval) state.interval = *record->poll_interval;
  state.hints = hints_from_json(record->hints, record->retry_after);
  state.redirect_target = record->redirect_target;
  state.redirect_streak = record->redirect_streak;
  if (record->gone_at && record->gone_spec == signature) state.gone_at = record->gone_at;
  return state;
}

PollUpdate apply_outcome(const SourcePoll& before, const PollOutcome& outcome, const OutcomeRules& rules,
                         Timestamp now) {
  PollUpdate update{before, NextWait::interval, false, {}};
  SourcePoll& state = update.state;
  take_hints(state.hints, outcome);
  store::PollRecord& record = update.record;
  record.polled_at = now;
  record.http_status = outcome.http_status;
  record.is_success = outcome.kind == PollOutcome::Kind::success || outcome.kind == PollOutcome::Kind::not_modified;
  if (record.is_success) {
    apply_success(update, outcome, rules, now);
  } else if (outcome.kind == PollOutcome::Kind::gone) {
    // 410: the source is gone; it is not polled again until its
    // configuration changes.
    ++state.consecutive_errors;
    state.gone_at = now;
    update.wait = NextWait::never;
    record.gone_at = now;
    record.gone_spec = rules.signature;
    record.error = outcome.error;
  } else {
    ++state.consecutive_errors;
    update.wait = NextWait::backoff;
    record.error = outcome.error;
  }
  record.poll_interval = state.interval;
  record.item_rate = state.item_rate;
  record.new_items = outcome.new_items;
  record.hints = hints_json(state.hints);
  record.retry_after = state.hints.retry_after;
  record.redirect_target = state.redirect_target;
  record.redirect_streak = state.redirect_streak;
  return update;
}

std::optional<Timestamp> schedule_next(const SourcePoll& state, NextWait wait, Seconds polite_interval,
                                       Seconds max_interval, Timestamp now, double random) {
  const PollPolicy policy{polite_interval, max_interval};  // the default jitter
  switch (wait) {
    case NextWait::interval:
    case NextWait::interval_no_skips:
      return respect_hints(next_poll_after_success(policy, now, random), state.hints, wait == NextWait::interval);
    case NextWait::backoff:
      return respect_hints(next_poll_after_failure(policy, now, state.consecutive_errors, random), state.hints, true);
    case NextWait::never:
      break;
  }
  return std::nullopt;
}

std::string hints_json(const SourceHints& hints) {
  json::object object;
  if (hints.ttl) object["ttl"] = hints.ttl->count();
  if (hints.update_period) object["update_period"] = hints.update_period->count();
  if (hints.freshness) object["freshness"] = hints.freshness->count();
  json::array hours, days;
  for (int hour : hints.skip_hours) hours.push_back(hour);
  for (int day : hints.skip_days) days.push_back(day);
  if (!hours.empty()) object["skip_hours"] = std::move(hours);
  if (!days.empty()) object["skip_days"] = std::move(days);
  return json::serialize(object);
}

SourceHints hints_from_json(const std::string& text, std::optional<Timestamp> retry_after) {
  SourceHints hints;
  hints.retry_after = retry_after;
  boost::system::error_code error;
  const json::value value = json::parse(text, error);
  const json::object* object = error ? nullptr : value.if_object();
  if (!object) return hints;
  const auto seconds = [&](std::string_view key) -> std::optional<Seconds> {
    const json::value* field = object->if_contains(key);
    if (!field || !field->is_int64()) return std::nullopt;
    return Seconds{field->as_int64()};
  };
  hints.ttl = seconds("ttl");
  hints.update_period = seconds("update_period");
  hints.freshness = seconds("freshness");
  const auto integers = [&](std::string_view key) {
    std::vector<int> values;
    if (const json::value* field = object->if_contains(key); field && field->is_array())
      for (const json::value& element : field->as_array())
        if (element.is_int64()) values.push_back(static_cast<int>(element.as_int64()));
    return values;
  };
  hints.skip_hours = integers("skip_hours");
  hints.skip_days = integers("skip_days");
  return hints;
}

}  // namespace tributary::schedule
