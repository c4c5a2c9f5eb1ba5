// The WebSub subscriber (W3C Recommendation, 2018): push in from the
// sources' own hubs. After a poll found a hub and a self URL (§4), the
// source is subscribed to at that hub (§5.1: a form POST with a callback
// under the daemon's base URL that carries a random token, a random secret
// and the lease asked for); the callback answers the hub's verification of
// intent (§5.3) for what is pending, and takes content distribution (§7):
// a body whose X-Hub-Signature checks out with the secret (§8) goes through
// the same parse → normalize → ingest path as a polled document; a bad or
// missing one is acknowledged and ignored. Leases are renewed before they
// end, a source that leaves the configuration is unsubscribed, and a hub
// that refuses, denies or never verifies is logged while the source is
// polled as before. The timing rules are subscription.hpp's.
//
// Threads: everything here runs on the I/O executor, like the scheduler;
// the store is written on the writer executor only.
// Errors: nothing throws out of the public calls; a hub's failure is a log
// line, a counter and the subscription's state.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "fetch/fetch.hpp"
#include "schedule/subscription.hpp"
#include "store/store.hpp"

namespace tributary::schedule {

struct Executors;

struct SubscriberSettings {
  bool is_enabled = false;    // config::is_subscribing
  std::string callback_base;  // the daemon's base URL (ends with '/'): callbacks are BASE + "websub/" + TOKEN
  SubscriptionTiming timing;
  config::FetchConfig fetch;  // the hub requests' user agent, timeouts and limits
};

// A hub's request to a callback, as the server read it.
struct CallbackRequest {
  std::string method;  // GET: verification of intent; POST: content distribution
  std::string query;   // the raw query string (without '?')
  std::string content_type;
  std::string signature;  // X-Hub-Signature
  std::string body;
};

struct CallbackAnswer {
  int status = 404;
  std::string body;  // text/plain
};

class Subscriber {
 public:
  // A verified push's body for a source, through the scheduler's path: the
  // number of new items, or nullopt when it could not be read or stored.
  using Ingest = std::function<boost::asio::awaitable<std::optional<int>>(std::int64_t source_id, std::string body,
                                                                          std::string content_type)>;

  // `store` is written on `executors.writer` only; `kept` are the
  // subscriptions the store has (read before any other thread runs).
  Subscriber(const Executors& executors, store::Store& store, fetch::Fetcher& fetcher, Ingest ingest,
             std::vector<store::SubscriptionRecord> kept);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // New settings (start, reload). Disabled: every subscription is ended.
  void configure(SubscriberSettings settings);
  // Starts the lease timer; `fail_daemon` runs if it throws.
  void start(std::function<void()> fail_daemon);
  void stop();

  // The sources in the configuration, by id and name: a subscription of
  // any other source is ended (unsubscribe).
  void retain(const std::map<std::int64_t, std::string>& sources);
  // A poll of the source read a document that advertises `advert` (or no
  // hub: nullopt): subscribe, move to another hub, or end.
  void discovered(std::int64_t source_id, const std::optional<HubAdvert>& advert);
  // A poll found nothing new (304): a failed subscription may be retried.
  void polled_unchanged(std::int64_t source_id);
  // Whether the source's updates are pushed now (a verified, unexpired lease).
  bool is_pushed(std::int64_t source_id) const;
  SubscriptionTiming timing() const;

  // The hub's call to /websub/TOKEN.
  boost::asio::awaitable<CallbackAnswer> answer(std::string token, CallbackRequest request);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with its coroutines
};

}  // namespace tributary::schedule
