// A document's steps in (see pipeline.hpp).
#include "schedule/pipeline.hpp"

namespace tributary::schedule {

PollOutcome outcome_of(const fetch::FetchResult& fetched) {
  PollOutcome outcome;
  outcome.http_status = fetched.status;
  if (fetched.is_success())
    outcome.kind = PollOutcome::Kind::success;
  else if (fetched.is_not_modified())
    outcome.kind = PollOutcome::Kind::not_modified;
  else if (fetched.is_gone())
    outcome.kind = PollOutcome::Kind::gone;
  if (!fetched.is_success() && !fetched.is_not_modified())
    outcome.error = std::string(fetch::to_string(fetched.error)) + ": " + fetched.message;
  outcome.freshness = fetched.freshness;
  if (fetched.is_rate_limited()) outcome.retry_after = fetched.retry_at;
  outcome.final_url = fetched.final_url;
  outcome.is_permanent_redirect = fetched.is_permanent_redirect;
  outcome.etag = fetched.etag;
  outcome.last_modified = fetched.last_modified;
  outcome.body_hash = fetched.body_hash;
  return outcome;
}

boost::asio::awaitable<Digest> digest(std::string body, std::string url, std::string charset, parse::ParseLimits limits,
                                      core::Timestamp now) {
  Digest result;
  parse::ParseOutcome parsed = parse::parse_feed(body, {url, charset, limits});
  if (!parsed.feed) {
    result.error = parsed.error;
    co_return result;
  }
  result.format = parse::to_string(parsed.feed->format);
  if (parsed.feed->is_recovered) result.recovery_reason = parsed.feed->recovery_reason;
  result.document = store::prepare_document(normalize::normalize_feed(std::move(*parsed.feed), {url, now}));
  co_return result;
}

}  // namespace tributary::schedule
