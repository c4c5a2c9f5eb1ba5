// The WebSub subscriber (see subscriber.hpp): subscriptions by source and
// by callback token, the hub requests, the callback's answers, and one
// timer for renewals and verification deadlines.
#include "schedule/subscriber.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <unordered_map>

#include "core/metrics.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "net/spawn.hpp"
#include "schedule/schedule.hpp"
#include "websub/form.hpp"
#include "websub/signature.hpp"
#include "websub/token.hpp"

namespace tributary::schedule {
namespace {

namespace asio = boost::asio;
using core::Timestamp;
using State = SubscriptionState;

constexpr std::string_view kSubscriptionMetric = "tributary_websub_subscriptions_total";
constexpr std::string_view kPushMetric = "tributary_websub_pushes_total";
// The timer wakes at least this often (a wall-clock jump is noticed).
constexpr auto kLongestSleep = std::chrono::minutes(10);
// A hub's answer in the log: its first words.
constexpr std::size_t kShownAnswerBytes = 200;

void count_subscription(std::string_view event) {
  core::metrics().add(kSubscriptionMetric, {{"event", std::string(event)}});
}
void count_push(std::string_view outcome) { core::metrics().add(kPushMetric, {{"outcome", std::string(outcome)}}); }

// A subscription as the subscriber keeps it: the stored record, and the
// source's name for the log.
struct Subscription {
  store::SubscriptionRecord record;
  State state = State::subscribing;
  std::string source_name;
  bool is_leaving = false;  // being unsubscribed: the source left, or moved to another hub

  SubscriptionClock clock() const { return {state, record.requested_at, record.verified_at, record.lease}; }
  HubAdvert advert() const { return {record.hub, record.topic}; }
};

Subscription from_record(store::SubscriptionRecord record) {
  Subscription subscription;
  subscription.state = subscription_state_from(record.state).value_or(State::failed);
  subscription.is_leaving = subscription.state == State::unsubscribing;
  subscription.record = std::move(record);
  return subscription;
}

std::string hub_label(const store::SubscriptionRecord& record) { return core::redact_url(record.hub); }

}  // namespace

struct Subscriber::Impl {
  Impl(const Executors& executors_in, store::Store& store_in, fetch::Fetcher& fetcher_in, Ingest ingest_in)
      : io(executors_in.io),
        writer(executors_in.writer),
        store(store_in),
        fetcher(fetcher_in),
        ingest(std::move(ingest_in)),
        timer(executors_in.io) {
    core::Metrics& metrics = core::metrics();
    metrics.describe_counter(kSubscriptionMetric,
                             "WebSub subscriptions to the sources' hubs by event: requested, verified, renewed, "
                             "refused, denied, unverified, lost, unsubscribed");
    metrics.describe_counter(kPushMetric,
                             "WebSub pushes received by outcome: ingested, unreadable, rejected_signature (bad or "
                             "missing X-Hub-Signature: ignored), unknown (no such subscription)");
  }

  // ---- state ----

  Subscription* by_token(const std::string& token) {
    const auto found = tokens.find(token);
    if (found == tokens.end()) return nullptr;
    const auto subscription = subscriptions.find(found->second);
    return subscription == subscriptions.end() ? nullptr : &subscription->second;
  }

  void put(Subscription subscription) {
    const std::int64_t source_id = subscription.record.source_id;
    if (const auto old = subscriptions.find(source_id); old != subscriptions.end())
      tokens.erase(old->second.record.token);
    tokens[subscription.record.token] = source_id;
    subscriptions[source_id] = std::move(subscription);
  }

  void drop(std::int64_t source_id) {
    const auto found = subscriptions.find(source_id);
    if (found == subscriptions.end()) return;
    tokens.erase(found->second.record.token);
    subscriptions.erase(found);
    asio::co_spawn(writer, delete_record(store, source_id), net::LogFailure("forgetting a WebSub subscription"));
    wake();
  }

  // The subscription's record to the store (the writer thread).
  void persist(Subscription& subscription) {
    subscription.record.state = std::string(to_string(subscription.state));
    asio::co_spawn(writer, save_record(store, subscription.record), net::LogFailure("saving a WebSub subscription"));
    wake();
  }

  static asio::awaitable<void> save_record(store::Store& store, store::SubscriptionRecord record) {
    store.save_subscription(record);
    co_return;
  }
  static asio::awaitable<void> delete_record(store::Store& store, std::int64_t source_id) {
    store.delete_subscription(source_id);
    co_return;
  }

  std::string callback_url(const Subscription& subscription) const {
    return settings.callback_base + "websub/" + subscription.record.token;
  }

  // ---- requests to hubs ----

  // A new subscription of the source to `advert`'s hub: a fresh token and
  // secret, registered before the request leaves (a hub may verify before
  // it answers).
  void subscribe(std::shared_ptr<Impl> self, std::int64_t source_id, const HubAdvert& advert) {
    Subscription subscription;
    subscription.record.source_id = source_id;
    subscription.record.hub = advert.hub;
    subscription.record.topic = advert.topic;
    subscription.record.token = websub::random_token();
    subscription.record.secret = websub::random_token();
    subscription.source_name = names.contains(source_id) ? names[source_id] : std::to_string(source_id);
    put(std::move(subscription));
    request(std::move(self), source_id, "subscribe");
  }

  // Sends hub.mode=`mode` for the source's subscription, as it is now.
  void request(std::shared_ptr<Impl> self, std::int64_t source_id, std::string mode) {
    Subscription& subscription = subscriptions.at(source_id);
    subscription.state = mode == "subscribe" ? State::subscribing : State::unsubscribing;
    subscription.record.requested_at = core::now_utc();
    persist(subscription);
    count_subscription("requested");
    if (mode == "subscribe")
      spdlog::info("websub: {}: subscribing at {} (topic {})", subscription.source_name, hub_label(subscription.record),
                   core::redact_url(subscription.record.topic));
    asio::co_spawn(io, send_request(std::move(self), source_id, std::move(mode)),
                   net::LogFailure("a WebSub hub request"));
  }

  fetch::FetchRequest hub_request(const Subscription& subscription, const std::string& mode) const {
    fetch::FetchRequest request;
    request.url = subscription.record.hub;
    std::vector<websub::FormField> fields = {
        {"hub.mode", mode}, {"hub.topic", subscription.record.topic}, {"hub.callback", callback_url(subscription)}};
    if (mode == "subscribe") {
      fields.push_back({"hub.secret", subscription.record.secret});
      fields.push_back({"hub.lease_seconds", std::to_string(settings.timing.requested_lease.count())});
    }
    request.post_body = websub::encode_form(fields);
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.user_agent = settings.fetch.user_agent;
    request.from = settings.fetch.from;
    request.timeout = settings.fetch.timeout;
    request.connect_timeout = settings.fetch.connect_timeout;
    request.max_body_bytes = 64 * 1024;  // a hub's answer is a few words
    return request;
  }

  static asio::awaitable<void> send_request(std::shared_ptr<Impl> self, std::int64_t source_id, std::string mode) {
    const auto found = self->subscriptions.find(source_id);
    if (found == self->subscriptions.end()) co_return;
    const std::string token = found->second.record.token;
    fetch::FetchRequest request = self->hub_request(found->second, mode);
    fetch::FetchResult answer = co_await self->fetcher.fetch(std::move(request));
    // Meanwhile the hub may have verified, or the source left: only the
    // same subscription, still waiting for this answer, is concerned.
    Subscription* subscription = self->by_token(token);
    const State waiting = mode == "subscribe" ? State::subscribing : State::unsubscribing;
    if (!subscription || subscription->state != waiting) co_return;
    if (answer.error == fetch::FetchError::none && answer.status >= 200 && answer.status < 300) co_return;
    std::string why =
        answer.error == fetch::FetchError::http
            ? "HTTP " + std::to_string(answer.status) +
                  (answer.body_excerpt.empty() ? "" : ": " + core::one_line(answer.body_excerpt, kShownAnswerBytes))
            : answer.message;
    if (mode == "unsubscribe") {
      spdlog::warn(
          "websub: {}: {} refused to unsubscribe ({}); the subscription is forgotten and lapses with its lease",
          subscription->source_name, hub_label(subscription->record), why);
      self->drop(source_id);
      co_return;
    }
    self->fail(*subscription, "refused", "the hub refused the subscription: " + why);
  }

  // The subscription failed (`event`, `why`): the source is polled as usual
  // and the subscription is tried again after a while.
  void fail(Subscription& subscription, std::string_view event, const std::string& why) {
    const bool was_pushed = is_pushed(subscription, core::now_utc());
    subscription.state = State::failed;
    subscription.record.last_error = why;
    persist(subscription);
    count_subscription(event);
    if (was_pushed) count_subscription("lost");
    spdlog::warn("websub: {}: subscription at {} {}: {}; polling as usual, trying again in {}",
                 subscription.source_name, hub_label(subscription.record), was_pushed ? "lost" : "failed", why,
                 core::format_duration(settings.timing.retry_after_failure));
  }

  bool is_pushed(const Subscription& subscription, Timestamp now) const {
    if (subscription.is_leaving || subscription.state == State::failed) return false;
    const SubscriptionClock clock = subscription.clock();
    if (!clock.verified_at) return false;
    return *clock.verified_at + clock.lease > now;
  }

  // Ends the subscription of a source: unsubscribe at the hub, then forget.
  void leave(std::shared_ptr<Impl> self, std::int64_t source_id) {
    Subscription& subscription = subscriptions.at(source_id);
    if (subscription.is_leaving) return;
    const bool was_pushed = is_pushed(subscription, core::now_utc());
    subscription.is_leaving = true;
    if (!was_pushed) {
      // Nothing (or nothing yet) to end at the hub; a late verification finds no pending request.
      drop(source_id);
      return;
    }
    request(std::move(self), source_id, "unsubscribe");
  }

  // Ends the subscriptions of sources no longer configured (all of them
  // when subscribing is off). Before start() only remembered: the loop
  // unsubscribes what was verified and forgets the rest.
  void end_unwanted(std::shared_ptr<Impl> self) {
    if (!is_configured) return;  // the scheduler's first retain() comes before configure()
    std::vector<std::int64_t> unwanted;
    for (const auto& [source_id, subscription] : subscriptions)
      if (!names.contains(source_id) || !settings.is_enabled) unwanted.push_back(source_id);
    for (const std::int64_t source_id : unwanted) {
      if (is_started) {
        leave(self, source_id);
      } else if (Subscription& subscription = subscriptions.at(source_id); subscription.state == State::verified) {
        subscription.is_leaving = true;
      } else if (!subscription.is_leaving) {
        drop(source_id);
      }
    }
  }

  // ---- the timer ----

  void wake() { timer.cancel(); }

  // Renewals of leases due, and hubs that did not verify in time.
  void act_on_due(std::shared_ptr<Impl> self, Timestamp now) {
    std::vector<std::int64_t> due;
    for (const auto& [source_id, subscription] : subscriptions) {
      if (subscription.state == State::failed) continue;
      const auto at = next_subscription_action(subscription.clock(), settings.timing);
      if (at && *at <= now) due.push_back(source_id);
    }
    for (const std::int64_t source_id : due) {
      Subscription& subscription = subscriptions.at(source_id);
      switch (subscription.state) {
        case State::verified:
          spdlog::info("websub: {}: renewing the subscription at {} before its lease ends", subscription.source_name,
                       hub_label(subscription.record));
          request(self, source_id, "subscribe");
          break;
        case State::subscribing:
          fail(subscription, "unverified",
               "the hub did not verify within " + core::format_duration(settings.timing.verification_timeout));
          break;
        case State::unsubscribing:
          spdlog::warn("websub: {}: {} did not verify the unsubscription; forgotten (it lapses with its lease)",
                       subscription.source_name, hub_label(subscription.record));
          drop(source_id);
          break;
        case State::failed:
          break;
      }
    }
  }

  std::chrono::system_clock::duration sleep_time() const {
    std::optional<Timestamp> next;
    for (const auto& [source_id, subscription] : subscriptions) {
      if (subscription.state == State::failed) continue;
      const auto at = next_subscription_action(subscription.clock(), settings.timing);
      if (at && (!next || *at < *next)) next = at;
    }
    const std::chrono::system_clock::duration longest = kLongestSleep;
    if (!next) return longest;
    const auto wait = *next - std::chrono::system_clock::now();
    return std::clamp<std::chrono::system_clock::duration>(wait, std::chrono::system_clock::duration::zero(), longest);
  }

  static asio::awaitable<void> run(std::shared_ptr<Impl> self) {
    while (!self->is_stopping) {
      self->act_on_due(self, core::now_utc());
      self->timer.expires_after(self->sleep_time());
      co_await self->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  // ---- the callback ----

  // §5.3 (and §5.2 for a denial): echo the challenge for what is pending.
  CallbackAnswer verify(Subscription* subscription, const websub::Form& form) {
    const std::string* mode = form.find("hub.mode");
    const std::string* topic = form.find("hub.topic");
    if (!subscription || !mode || !topic || *topic != subscription->record.topic)
      return {404, "no such subscription\n"};
    if (*mode == "denied") {
      const std::string* reason = form.find("hub.reason");
      if (!subscription->is_leaving && subscription->state != State::failed)
        fail(*subscription, "denied",
             "the hub denied it" + (reason ? ": " + core::one_line(*reason, kShownAnswerBytes) : ""));
      return {200, "noted\n"};
    }
    const std::string* challenge = form.find("hub.challenge");
    if (!challenge || challenge->empty()) return {400, "hub.challenge is missing\n"};
    if (*mode == "unsubscribe" && subscription->is_leaving && subscription->state == State::unsubscribing) {
      spdlog::info("websub: {}: unsubscribed from {}", subscription->source_name, hub_label(subscription->record));
      count_subscription("unsubscribed");
      std::string body = *challenge;
      drop(subscription->record.source_id);
      return {200, std::move(body)};
    }
    if (*mode != "subscribe" || subscription->is_leaving || subscription->state != State::subscribing)
      return {404, "no pending request of this mode\n"};
    accept_lease(*subscription, form.find("hub.lease_seconds"));
    return {200, *challenge};
  }

  void accept_lease(Subscription& subscription, const std::string* lease_text) {
    const bool is_renewal = subscription.record.verified_at.has_value();  // verified before: this renews it
    std::int64_t lease = settings.timing.requested_lease.count();
    if (lease_text) {
      std::int64_t granted = 0;
      const auto [end, error] = std::from_chars(lease_text->data(), lease_text->data() + lease_text->size(), granted);
      if (error == std::errc() && end == lease_text->data() + lease_text->size() && granted > 0)
        lease = std::min<std::int64_t>(granted, 10LL * 365 * 86400);
    }
    subscription.state = State::verified;
    subscription.record.lease = Seconds{lease};
    subscription.record.verified_at = core::now_utc();
    subscription.record.last_error.clear();
    persist(subscription);
    count_subscription(is_renewal ? "renewed" : "verified");
    spdlog::info(
        "websub: {}: subscription {} by {}; lease {} (until {}); pushed, polled every {}× its interval as a "
        "safety net",
        subscription.source_name, is_renewal ? "renewed" : "verified", hub_label(subscription.record),
        core::format_duration(Seconds{lease}), core::format_rfc3339(*subscription.record.verified_at + Seconds{lease}),
        settings.timing.safety_factor);
  }

  // §7, §8: content distribution.
  static asio::awaitable<CallbackAnswer> take_push(std::shared_ptr<Impl> self, std::string token,
                                                   CallbackRequest request) {
    Subscription* subscription = self->by_token(token);
    if (!subscription) {
      count_push("unknown");
      co_return CallbackAnswer{404, "no such subscription\n"};
    }
    // 410: the hub drops a subscription we are ending (§7).
    if (subscription->is_leaving) co_return CallbackAnswer{410, "this subscription is ending\n"};
    if (!websub::verify(request.signature, subscription->record.secret, request.body)) {
      // §8: acknowledged with a 2xx all the same, and ignored.
      count_push("rejected_signature");
      spdlog::warn("websub: {}: ignored a push to its callback with a {} X-Hub-Signature", subscription->source_name,
                   request.signature.empty() ? "missing" : "wrong");
      co_return CallbackAnswer{202, "ignored\n"};
    }
    const std::int64_t source_id = subscription->record.source_id;
    const std::string name = subscription->source_name;
    auto ingested = self->ingest(source_id, std::move(request.body), std::move(request.content_type));
    const std::optional<int> new_items = co_await std::move(ingested);
    count_push(new_items ? "ingested" : "unreadable");
    if (!new_items) co_return CallbackAnswer{202, "not readable as a feed\n"};
    spdlog::info("websub: {}: push received, {} new item{}", name, *new_items, *new_items == 1 ? "" : "s");
    if (Subscription* still = self->by_token(token)) {
      still->record.last_push_at = core::now_utc();
      self->persist(*still);
    }
    co_return CallbackAnswer{200, "ok\n"};
  }

  asio::any_io_executor io;
  asio::any_io_executor writer;
  store::Store& store;  // on `writer` only
  fetch::Fetcher& fetcher;
  Ingest ingest;
  // I/O thread:
  SubscriberSettings settings;
  std::unordered_map<std::int64_t, Subscription> subscriptions;  // by source id
  std::unordered_map<std::string, std::int64_t> tokens;          // callback token → source id
  std::unordered_map<std::int64_t, std::string> names;           // source id → name, of the configured sources
  asio::steady_timer timer;
  bool is_configured = false;  // configure() was called: settings say whether subscribing is on
  bool is_started = false;
  bool is_stopping = false;
};

Subscriber::Subscriber(const Executors& executors, store::Store& store, fetch::Fetcher& fetcher, Ingest ingest,
                       std::vector<store::SubscriptionRecord> kept)
    : impl_(std::make_shared<Impl>(executors, store, fetcher, std::move(ingest))) {
  for (store::SubscriptionRecord& record : kept) {
    Subscription subscription = from_record(std::move(record));
    subscription.source_name = "source " + std::to_string(subscription.record.source_id);  // until retain()
    impl_->put(std::move(subscription));
  }
}

Subscriber::~Subscriber() = default;

void Subscriber::configure(SubscriberSettings settings) {
  const bool was_enabled = impl_->settings.is_enabled;
  impl_->settings = std::move(settings);
  impl_->is_configured = true;
  if (was_enabled && !impl_->settings.is_enabled) spdlog::info("websub: subscribing is off; ending every subscription");
  impl_->end_unwanted(impl_);
}

void Subscriber::start(std::function<void()> fail_daemon) {
  impl_->is_started = true;
  // Stored subscriptions of sources that left while the daemon was down.
  std::vector<std::int64_t> pending;
  for (const auto& [source_id, subscription] : impl_->subscriptions)
    if (subscription.is_leaving) pending.push_back(source_id);
  for (const std::int64_t source_id : pending) impl_->request(impl_, source_id, "unsubscribe");
  asio::co_spawn(impl_->io, Impl::run(impl_), net::FailDaemon("the WebSub lease timer", std::move(fail_daemon)));
}

void Subscriber::stop() {
  impl_->is_stopping = true;
  impl_->timer.cancel();
}

void Subscriber::retain(const std::map<std::int64_t, std::string>& sources) {
  impl_->names.clear();
  for (const auto& [source_id, name] : sources) impl_->names[source_id] = name;
  for (auto& [source_id, subscription] : impl_->subscriptions)
    if (const auto name = sources.find(source_id); name != sources.end()) subscription.source_name = name->second;
  impl_->end_unwanted(impl_);
}

void Subscriber::discovered(std::int64_t source_id, const std::optional<HubAdvert>& advert) {
  if (!impl_->settings.is_enabled || !impl_->is_started || !impl_->names.contains(source_id)) return;
  const auto found = impl_->subscriptions.find(source_id);
  std::optional<HubAdvert> current_hub;
  std::optional<SubscriptionClock> current;
  if (found != impl_->subscriptions.end()) {
    current_hub = found->second.advert();
    current = found->second.clock();
    if (found->second.is_leaving) current->state = State::unsubscribing;
  }
  switch (decide_subscription(current_hub, current, advert, impl_->settings.timing, core::now_utc())) {
    case SubscribeAction::none:
      break;
    case SubscribeAction::subscribe:
      impl_->subscribe(impl_, source_id, *advert);
      break;
    case SubscribeAction::resubscribe:
      spdlog::info("websub: {}: the feed moved to hub {} (topic {})", found->second.source_name,
                   core::redact_url(advert->hub), core::redact_url(advert->topic));
      // The old lease lapses at the old hub; its callback answers no more.
      impl_->subscribe(impl_, source_id, *advert);
      break;
    case SubscribeAction::unsubscribe:
      spdlog::info("websub: {}: the feed no longer advertises a hub", found->second.source_name);
      impl_->leave(impl_, source_id);
      break;
  }
}

void Subscriber::polled_unchanged(std::int64_t source_id) {
  const auto found = impl_->subscriptions.find(source_id);
  if (found == impl_->subscriptions.end() || found->second.state != State::failed) return;
  const HubAdvert advert = found->second.advert();
  discovered(source_id, advert);
}

bool Subscriber::is_pushed(std::int64_t source_id) const {
  const auto found = impl_->subscriptions.find(source_id);
  return found != impl_->subscriptions.end() && impl_->is_pushed(found->second, core::now_utc());
}

SubscriptionTiming Subscriber::timing() const { return impl_->settings.timing; }

boost::asio::awaitable<CallbackAnswer> Subscriber::answer(std::string token, CallbackRequest request) {
  std::shared_ptr<Impl> self = impl_;
  if (request.method == "POST") co_return co_await Impl::take_push(self, std::move(token), std::move(request));
  if (request.method != "GET") co_return CallbackAnswer{405, "GET or POST\n"};
  const websub::FormParse query = websub::parse_form(request.query);
  if (!query.form) co_return CallbackAnswer{400, "malformed query: " + query.error + "\n"};
  co_return self->verify(self->by_token(token), *query.form);
}

}  // namespace tributary::schedule
