// WebSub subscription rules (see subscription.hpp).
#include "schedule/subscription.hpp"

#include <algorithm>
#include <cmath>

#include "core/link_header.hpp"
#include "core/url.hpp"

namespace tributary::schedule {
namespace {

bool is_http_url(std::string_view url) { return url.starts_with("http://") || url.starts_with("https://"); }

// The first http(s) link of `rel` in the header, resolved.
std::string header_link(const std::vector<core::LinkValue>& links, std::string_view rel,
                        std::string_view document_url) {
  for (const std::string& target : core::link_targets(links, rel)) {
    std::optional<std::string> url = core::resolve_url(document_url, target);
    if (url && is_http_url(*url)) return *url;
  }
  return {};
}

}  // namespace

std::optional<HubAdvert> discover_hub(std::string_view link_header, std::string_view document_url,
                                      const normalize::FeedMeta& feed) {
  const std::vector<core::LinkValue> links = core::parse_link_header(link_header);
  HubAdvert advert{header_link(links, "hub", document_url), header_link(links, "self", document_url)};
  // §4: the Link header when it names both; else the document (normalize
  // made its links absolute http(s) URLs already).
  if (advert.hub.empty() || advert.topic.empty()) {
    if (feed.hub_urls.empty() || feed.self_url.empty()) return std::nullopt;
    advert = {feed.hub_urls.front(), feed.self_url};
  }
  return advert;
}

std::string_view to_string(SubscriptionState state) {
  switch (state) {
    case SubscriptionState::subscribing:
      return "subscribing";
    case SubscriptionState::verified:
      return "verified";
    case SubscriptionState::unsubscribing:
      return "unsubscribing";
    case SubscriptionState::failed:
      return "failed";
  }
  return "failed";
}

std::optional<SubscriptionState> subscription_state_from(std::string_view text) {
  for (const SubscriptionState state : {SubscriptionState::subscribing, SubscriptionState::verified,
                                        SubscriptionState::unsubscribing, SubscriptionState::failed})
    if (to_string(state) == text) return state;
  return std::nullopt;
}

std::optional<core::Timestamp> lease_expiry(const SubscriptionClock& clock) {
  if (clock.state != SubscriptionState::verified || !clock.verified_at) return std::nullopt;
  return *clock.verified_at + clock.lease;
}

std::optional<core::Timestamp> next_subscription_action(const SubscriptionClock& clock,
                                                        const SubscriptionTiming& timing) {
  switch (clock.state) {
    case SubscriptionState::verified: {
      if (!clock.verified_at) return std::nullopt;
      // At least a second after the verification: a lease of 1 s is
      // renewed, not hammered.
      const auto renew_after =
          std::max<std::int64_t>(1, std::llround(static_cast<double>(clock.lease.count()) * timing.renew_at));
      return *clock.verified_at + Seconds{renew_after};
    }
    case SubscriptionState::subscribing:
    case SubscriptionState::unsubscribing:
      if (!clock.requested_at) return std::nullopt;
      return *clock.requested_at + timing.verification_timeout;
    case SubscriptionState::failed:
      if (!clock.requested_at) return std::nullopt;
      return *clock.requested_at + timing.retry_after_failure;
  }
  return std::nullopt;
}

SubscribeAction decide_subscription(const std::optional<HubAdvert>& current_hub,
                                    const std::optional<SubscriptionClock>& current,
                                    const std::optional<HubAdvert>& advert, const SubscriptionTiming& timing,
                                    core::Timestamp now) {
  if (!current || !current_hub) return advert ? SubscribeAction::subscribe : SubscribeAction::none;
  if (current->state == SubscriptionState::unsubscribing) return SubscribeAction::none;
  if (!advert) return SubscribeAction::unsubscribe;
  if (*advert != *current_hub) return SubscribeAction::resubscribe;
  if (current->state != SubscriptionState::failed) return SubscribeAction::none;
  const std::optional<core::Timestamp> retry = next_subscription_action(*current, timing);
  return !retry || *retry <= now ? SubscribeAction::subscribe : SubscribeAction::none;
}

Seconds safety_interval(Seconds interval, const SubscriptionTiming& timing) {
  const Seconds stretched = interval * timing.safety_factor;
  return std::max(interval, std::min(stretched, timing.max_safety_interval));
}

}  // namespace tributary::schedule
