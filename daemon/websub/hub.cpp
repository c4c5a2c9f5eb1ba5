// The built-in hub's I/O (see hub.hpp): verification of intent, the
// subscription table and its persistence, content distribution with
// retries, publish pings, and the expiry sweep. Its decisions are the pure
// functions of hub_policy.hpp.
#include "websub/hub.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "core/metrics.hpp"
#include "core/url.hpp"
#include "net/spawn.hpp"
#include "websub/hub_policy.hpp"
#include "websub/token.hpp"

namespace tributary::websub {
namespace {

namespace asio = boost::asio;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Verifications in flight at once; more requests are answered 503 until
// some finish (each holds a connection for up to [websub] timeout).
constexpr std::size_t kMaxPendingVerifications = 64;
// How often leases are checked for expiry.
constexpr std::chrono::seconds kSweepPeriod{30};
// What the hub reads of a subscriber's answer: a challenge, or nothing.
constexpr std::uint64_t kMaxAnswerBytes = 64 * 1024;

// Where a delivery goes and what it carries: a verified subscriber, a
// [[push]] target, or (external hub) the ping for one topic.
struct Target {
  enum class Kind { subscriber, push, ping };
  Kind kind = Kind::subscriber;
  store::HubSubscription subscription;                  // topic, topic_url, callback (the target's URL), secret, lease
  std::shared_ptr<const render::RenderedFeed> pending;  // the newest version not yet delivered
  bool is_delivering = false;
  bool is_removed = false;
};

const char* kind_label(Target::Kind kind) {
  switch (kind) {
    case Target::Kind::subscriber:
      return "subscriber";
    case Target::Kind::push:
      return "push";
    case Target::Kind::ping:
      return "publish";
  }
  return "subscriber";
}

std::string shown(const std::string& url) { return core::redact_url(url); }

}  // namespace

HubSettings hub_settings(const config::Config& config, const std::string& base_url) {
  HubSettings settings;
  settings.websub = config.websub;
  settings.pushes = config.pushes;
  settings.base_url = base_url.ends_with('/') ? base_url : base_url + "/";
  settings.token = config.server.token;
  return settings;
}

std::string advertised_hub_url(const config::WebSubConfig& websub, const std::string& base_url) {
  switch (websub.hub) {
    case config::HubMode::builtin:
      return base_url + std::string(kHubPath);
    case config::HubMode::external:
      return websub.hub_url;
    case config::HubMode::off:
      return {};
  }
  return {};
}

struct Hub::Impl : std::enable_shared_from_this<Impl> {
  using Key = std::pair<std::string, std::string>;  // topic, callback

  Impl(asio::any_io_executor io_in, asio::any_io_executor writer_in, store::Store& store_in,
       const fetch::FetcherOptions& fetch_options, HubSettings settings_in)
      : io(io_in), writer(std::move(writer_in)), store(store_in), fetcher(io_in, fetch_options), sweep_timer(io_in) {
    apply(std::move(settings_in));
  }

  void apply(HubSettings next) {
    settings = std::move(next);
    hub_url = advertised_hub_url(settings.websub, settings.base_url);
    for (const auto& push : pushes) push->is_removed = true;
    pushes.clear();
    pings.clear();
    for (const config::PushTarget& configured : settings.pushes) {
      auto push = std::make_shared<Target>();
      push->kind = Target::Kind::push;
      push->subscription.topic = configured.channel.empty() ? "feed.atom" : "c/" + configured.channel + ".atom";
      push->subscription.topic_url = settings.base_url + push->subscription.topic;
      push->subscription.callback = configured.url;
      push->subscription.secret = configured.secret;
      pushes.push_back(std::move(push));
    }
  }

  TopicSpace topic_space() const {
    return {settings.base_url,
            [this](std::string_view document) { return documents.find(document) != documents.end(); }, settings.token};
  }

  std::size_t count_topic(const std::string& topic) const {
    return static_cast<std::size_t>(std::count_if(subscriptions.begin(), subscriptions.end(),
                                                  [&topic](const auto& entry) { return entry.first.first == topic; }));
  }

  // Why a new subscription to `topic` does not fit, or "".
  std::string full_reason(const std::string& topic) const {
    if (subscriptions.size() >= settings.websub.max_subscriptions)
      return "the hub holds its maximum of " + std::to_string(settings.websub.max_subscriptions) + " subscriptions";
    if (count_topic(topic) >= settings.websub.max_subscriptions_per_topic)
      return "the hub holds its maximum of " + std::to_string(settings.websub.max_subscriptions_per_topic) +
             " subscriptions to " + topic;
    return {};
  }

  // ---- the store, on the writer thread ----

  void persist(store::HubSubscription subscription) {
    asio::post(writer, [&store = store, subscription = std::move(subscription)] {
      try {
        store.save_hub_subscription(subscription);
      } catch (const std::exception& error) {
        spdlog::error("websub hub: saving the subscription of {} failed: {}", shown(subscription.callback),
                      error.what());
      }
    });
  }

  void unpersist(std::string topic, std::string callback) {
    asio::post(writer, [&store = store, topic = std::move(topic), callback = std::move(callback)] {
      try {
        store.remove_hub_subscription(topic, callback);
      } catch (const std::exception& error) {
        spdlog::error("websub hub: removing the subscription of {} failed: {}", shown(callback), error.what());
      }
    });
  }

  void remove(const Key& key, const char* why) {
    const auto found = subscriptions.find(key);
    if (found == subscriptions.end()) return;
    found->second->is_removed = true;
    subscriptions.erase(found);
    unpersist(key.first, key.second);
    spdlog::info("websub hub: subscription of {} to {} {}", shown(key.second), key.first, why);
  }

  // ---- verification of intent (§5.3) ----

  static asio::awaitable<void> verify(std::shared_ptr<Impl> self, HubRequest request) {
    const std::string challenge = random_token();
    std::optional<std::chrono::seconds> lease;
    if (request.mode == HubMode::subscribe)
      lease = grant_lease(request.lease_seconds, self->settings.websub.default_lease, self->settings.websub.max_lease);
    fetch::FetchRequest get;
    get.url = verification_url(request.callback, request.mode, request.topic_url, challenge, lease);
    get.timeout = self->settings.websub.timeout;
    get.max_body_bytes = kMaxAnswerBytes;
    get.max_redirects = 0;
    auto fetching = self->fetcher.fetch(std::move(get));
    const fetch::FetchResult result = co_await std::move(fetching);
    --self->pending_verifications;
    const std::string mode(to_string(request.mode));
    if (self->is_stopping) co_return;
    if (!is_verified(result.status, result.body, challenge)) {
      core::metrics().add("tributary_websub_verifications_total", {{"mode", mode}, {"result", "failed"}});
      const std::string why = result.error != fetch::FetchError::none       ? result.message
                              : result.status >= 200 && result.status < 300 ? "the answer did not echo hub.challenge"
                                                                            : "HTTP " + std::to_string(result.status);
      spdlog::info("websub hub: {} of {} to {} not verified: {}", mode, shown(request.callback), request.topic, why);
      co_return;
    }
    core::metrics().add("tributary_websub_verifications_total", {{"mode", mode}, {"result", "verified"}});
    if (request.mode == HubMode::unsubscribe) {
      self->remove({request.topic, request.callback}, "ended: unsubscribe verified");
      co_return;
    }
    self->subscribe(std::move(request), *lease);
  }

  void subscribe(HubRequest request, std::chrono::seconds lease) {
    const Key key{request.topic, request.callback};
    auto found = subscriptions.find(key);
    const bool is_renewal = found != subscriptions.end();
    if (!is_renewal) {
      if (std::string full = full_reason(request.topic); !full.empty()) {
        spdlog::warn("websub hub: subscription of {} to {} verified but not kept: {}", shown(request.callback),
                     request.topic, full);
        return;
      }
      auto target = std::make_shared<Target>();
      found = subscriptions.emplace(key, std::move(target)).first;
    }
    store::HubSubscription& subscription = found->second->subscription;
    const core::Timestamp now = core::now_utc();
    subscription = {
        request.topic, request.topic_url, request.callback, request.secret, lease.count(), now + lease, now};
    persist(subscription);
    spdlog::info("websub hub: subscription of {} to {} {} (lease {} s, {})", shown(request.callback), request.topic,
                 is_renewal ? "renewed" : "verified", lease.count(),
                 request.secret.empty() ? "unsigned" : "signed with its secret");
  }

  HubReply handle(std::string_view content_type, std::string_view body) {
    if (settings.websub.hub != config::HubMode::builtin)
      return {404, "this Tributary runs no hub of its own ([websub] hub = \"" +
                       (settings.websub.hub == config::HubMode::off ? std::string("off") : settings.websub.hub_url) +
                       "\")\n"};
    auto read = read_hub_request(content_type, body, topic_space());
    if (auto* refusal = std::get_if<HubRefusal>(&read)) return {refusal->status, refusal->reason + "\n"};
    HubRequest request = std::get<HubRequest>(std::move(read));
    const bool is_known = subscriptions.contains({request.topic, request.callback});
    if (request.mode == HubMode::subscribe && !is_known)
      if (std::string full = full_reason(request.topic); !full.empty()) return {403, full + "\n"};
    if (pending_verifications >= kMaxPendingVerifications)
      return {503, "too many subscription requests are being verified; try again in a minute\n"};
    ++pending_verifications;
    const std::string mode(to_string(request.mode));
    asio::co_spawn(io, verify(shared_from_this(), std::move(request)),
                   net::LogFailure("a WebSub verification of intent"));
    return {202, "accepted: the hub now verifies the " + mode + " request at hub.callback\n"};
  }

  // ---- content distribution (§7) and publish pings ----

  fetch::FetchRequest outgoing(const Target& target, const render::RenderedFeed& document) const {
    const store::HubSubscription& s = target.subscription;
    OutgoingPost post =
        target.kind == Target::Kind::ping
            ? publish_ping(hub_url, s.topic_url)
            : content_distribution(s.callback, hub_url, s.topic_url, s.secret, document.content_type, document.body);
    fetch::FetchRequest request;
    request.url = std::move(post.url);
    request.post_body = std::move(post.body);
    request.headers = std::move(post.headers);
    request.timeout = settings.websub.timeout;
    request.max_body_bytes = kMaxAnswerBytes;
    request.max_redirects = 0;
    return request;
  }

  bool has_expired(const Target& target, core::Timestamp now) const {
    return target.kind == Target::Kind::subscriber && target.subscription.expires_at <= now;
  }

  // One version to one target, tried until it is taken or the attempts are
  // spent; a newer version that arrives meanwhile replaces it.
  static asio::awaitable<void> deliver(std::shared_ptr<Impl> self, std::shared_ptr<Target> target) {
    target->is_delivering = true;
    const char* kind = kind_label(target->kind);
    while (target->pending && !target->is_removed && !self->is_stopping) {
      std::shared_ptr<const render::RenderedFeed> document = std::move(target->pending);
      target->pending = nullptr;
      for (std::uint32_t attempt = 1;; ++attempt) {
        if (self->has_expired(*target, core::now_utc())) break;
        fetch::FetchRequest post = self->outgoing(*target, *document);
        auto fetching = self->fetcher.fetch(std::move(post));
        const fetch::FetchResult result = co_await std::move(fetching);
        if (target->is_removed || self->is_stopping) break;
        if (result.error == fetch::FetchError::none && result.status >= 200 && result.status < 300) {
          core::metrics().add("tributary_websub_deliveries_total", {{"kind", kind}});
          break;
        }
        core::metrics().add("tributary_websub_delivery_failures_total", {{"kind", kind}});
        if (target->kind == Target::Kind::subscriber && result.status == 410) {
          // §7: a subscriber that answers 410 Gone has ended the subscription.
          self->remove({target->subscription.topic, target->subscription.callback},
                       "ended: the callback is gone (410)");
          break;
        }
        if (attempt >= self->settings.websub.delivery_attempts) {
          core::metrics().add("tributary_websub_deliveries_abandoned_total", {{"kind", kind}});
          spdlog::warn("websub hub: gave up delivering {} to {} after {} attempts: {}", target->subscription.topic,
                       shown(target->subscription.callback), attempt, result.message);
          break;
        }
        spdlog::info("websub hub: delivering {} to {} failed (attempt {}): {}", target->subscription.topic,
                     shown(target->subscription.callback), attempt, result.message);
        asio::steady_timer pause(self->io);
        pause.expires_after(retry_delay(attempt, self->settings.websub.retry_delay));
        co_await pause.async_wait(kUseTuple);
        if (target->pending) document = std::exchange(target->pending, nullptr);
      }
    }
    target->is_delivering = false;
  }

  void enqueue(const std::shared_ptr<Target>& target, const std::shared_ptr<const render::RenderedFeed>& document) {
    target->pending = document;
    if (target->is_delivering || is_stopping) return;
    asio::co_spawn(io, deliver(shared_from_this(), target), net::LogFailure("a WebSub delivery"));
  }

  void changed(const std::string& topic, const std::shared_ptr<const render::RenderedFeed>& document) {
    if (settings.websub.hub == config::HubMode::builtin) {
      for (const auto& [key, target] : subscriptions)
        if (key.first == topic) enqueue(target, document);
    } else if (settings.websub.hub == config::HubMode::external) {
      auto& ping = pings[topic];
      if (!ping) {
        ping = std::make_shared<Target>();
        ping->kind = Target::Kind::ping;
        ping->subscription.topic = topic;
        ping->subscription.topic_url = settings.base_url + topic;
        ping->subscription.callback = settings.websub.hub_url;
      }
      enqueue(ping, document);
    }
    for (const auto& push : pushes)
      if (push->subscription.topic == topic) enqueue(push, document);
  }

  void observe(const Documents& next) {
    const bool is_first = !has_observed;
    has_observed = true;
    std::vector<std::string> changed_topics;
    for (const auto& [topic, document] : next) {
      const auto previous = documents.find(topic);
      if (previous != documents.end() && previous->second->etag != document->etag) changed_topics.push_back(topic);
    }
    documents = next;
    if (is_first || is_stopping) return;
    for (const std::string& topic : changed_topics) changed(topic, documents.at(topic));
  }

  // ---- leases ----

  void drop_expired(core::Timestamp now) {
    std::vector<Key> expired;
    for (const auto& [key, target] : subscriptions)
      if (has_expired(*target, now)) expired.push_back(key);
    for (const Key& key : expired) remove(key, "expired (the subscriber did not renew its lease)");
  }

  static asio::awaitable<void> sweep(std::shared_ptr<Impl> self) {
    while (!self->is_stopping) {
      self->sweep_timer.expires_after(kSweepPeriod);
      auto [error] = co_await self->sweep_timer.async_wait(kUseTuple);
      if (error || self->is_stopping) co_return;
      self->drop_expired(core::now_utc());
    }
  }

  void load() {
    const core::Timestamp now = core::now_utc();
    for (store::HubSubscription& stored : store.hub_subscriptions()) {
      auto target = std::make_shared<Target>();
      target->subscription = std::move(stored);
      const Key key{target->subscription.topic, target->subscription.callback};
      subscriptions.emplace(key, std::move(target));
    }
    drop_expired(now);
    if (!subscriptions.empty())
      spdlog::info("websub hub: {} subscription{} from the store", subscriptions.size(),
                   subscriptions.size() == 1 ? "" : "s");
  }

  asio::any_io_executor io;
  asio::any_io_executor writer;
  store::Store& store;  // the writer's: used on `writer` only (and by load(), before it runs)
  fetch::Fetcher fetcher;
  asio::steady_timer sweep_timer;
  // I/O thread only:
  HubSettings settings;
  std::string hub_url;  // advertised, and the rel="hub" of deliveries
  Documents documents;  // the newest rendered documents, the topics
  bool has_observed = false;
  std::map<Key, std::shared_ptr<Target>> subscriptions;
  std::vector<std::shared_ptr<Target>> pushes;
  std::map<std::string, std::shared_ptr<Target>> pings;  // external hub: by topic
  std::size_t pending_verifications = 0;
  bool is_stopping = false;
};

Hub::Hub(asio::any_io_executor io, asio::any_io_executor writer, store::Store& writer_store,
         const fetch::FetcherOptions& fetch_options, HubSettings settings)
    : impl_(
          std::make_shared<Impl>(std::move(io), std::move(writer), writer_store, fetch_options, std::move(settings))) {
  core::Metrics& metrics = core::metrics();
  metrics.describe_counter(
      "tributary_websub_deliveries_total",
      "WebSub deliveries taken (2xx), by kind: subscriber, push, publish (pings to an external hub)");
  metrics.describe_counter("tributary_websub_delivery_failures_total", "WebSub delivery attempts that failed, by kind");
  metrics.describe_counter("tributary_websub_deliveries_abandoned_total",
                           "New versions not delivered after [websub] delivery_attempts, by kind");
  metrics.describe_counter("tributary_websub_verifications_total",
                           "The built-in hub's verifications of intent, by mode and result");
}

Hub::~Hub() = default;

void Hub::start() {
  impl_->load();
  asio::co_spawn(impl_->io, Impl::sweep(impl_), net::LogFailure("the WebSub hub's lease sweep"));
}

void Hub::observe(const Documents& documents) { impl_->observe(documents); }

HubReply Hub::handle_request(std::string_view content_type, std::string_view body) {
  return impl_->handle(content_type, body);
}

void Hub::reconfigure(HubSettings settings, const fetch::FetcherOptions& fetch_options) {
  impl_->fetcher.reconfigure(fetch_options);
  impl_->apply(std::move(settings));
}

void Hub::stop() {
  impl_->is_stopping = true;
  impl_->sweep_timer.cancel();
  impl_->fetcher.close_idle_connections();
}

std::size_t Hub::subscription_count() const { return impl_->subscriptions.size(); }

}  // namespace tributary::websub
