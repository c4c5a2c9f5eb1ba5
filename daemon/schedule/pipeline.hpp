// The steps a document takes on its way in that hold no scheduler state:
// what a fetch's answer means for its source (before the body is read),
// and parse + normalize + the store's preparation (run on the worker
// pool). A polled document and a pushed one (WebSub, subscriber.hpp) take
// the same steps.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "fetch/fetch.hpp"
#include "normalize/normalize.hpp"
#include "parse/parse.hpp"
#include "schedule/outcome.hpp"
#include "store/store.hpp"

namespace tributary::schedule {

// The fetch's outcome before its body is read: what the answer was.
PollOutcome outcome_of(const fetch::FetchResult& fetched);

// The outcome of parse + normalize, prepared for the store (what the
// writer would otherwise work out on its one thread).
struct Digest {
  std::optional<store::PreparedDocument> document;
  std::string error;
  std::string recovery_reason;
  std::string format;
};

// Parses, normalizes and prepares `body` (fetched from, or pushed for,
// `url`); a coroutine so that it can be co_spawned on the worker pool.
boost::asio::awaitable<Digest> digest(std::string body, std::string url, std::string charset, parse::ParseLimits limits,
                                      core::Timestamp now);

}  // namespace tributary::schedule
