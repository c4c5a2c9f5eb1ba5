// WebSub subscriptions (W3C Recommendation, 2018) as pure rules: where a
// source advertises its hub (§4 discovery), what a subscription's state
// makes of a poll's advert and of the clock (subscribe, renew before the
// lease ends, give up on a hub that never verifies, try again later), and
// how long a pushed source waits for its safety poll. The subscriber
// (subscriber.hpp) does the I/O around them; these are tested without it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "schedule/policy.hpp"

namespace tributary::schedule {

// A topic's hub, as the publisher advertises it.
struct HubAdvert {
  std::string hub;    // where to subscribe
  std::string topic;  // the rel="self" URL: hub.topic

  friend bool operator==(const HubAdvert&, const HubAdvert&) = default;
};

// WebSub §4: the HTTP Link header first (its rel="hub" and rel="self",
// relative targets resolved against `document_url`, RFC 8288 §3.2), else
// the document's own links (atom:link in Atom and RSS, JSON Feed `hubs`
// and `feed_url`). Both a hub and a self URL are needed (the topic is the
// self URL, never a guess); only http(s) URLs count. The first hub wins.
std::optional<HubAdvert> discover_hub(std::string_view link_header, std::string_view document_url,
                                      const normalize::FeedMeta& feed);

enum class SubscriptionState {
  subscribing,    // hub.mode=subscribe sent; waiting for the hub's verification of intent
  verified,       // the hub verified it: pushes come, the lease runs
  unsubscribing,  // hub.mode=unsubscribe sent (the source left the configuration)
  failed,         // the hub refused, denied or never verified: polled as usual, tried again later
};
std::string_view to_string(SubscriptionState state);
std::optional<SubscriptionState> subscription_state_from(std::string_view text);

// The timing rules; the defaults are the daemon's.
struct SubscriptionTiming {
  Seconds requested_lease{10 * 86400};     // hub.lease_seconds asked for (the hub decides)
  Seconds verification_timeout{5 * 60};    // a hub that has not verified by then has failed
  Seconds retry_after_failure{3600};       // a failed subscription is tried again after this
  double renew_at = 0.85;                  // of the lease: renewed well before it ends
  Seconds max_safety_interval{24 * 3600};  // a pushed source is still polled at least this often
  int safety_factor = 4;                   // … at its interval × this
};

// A subscription as the rules see it.
struct SubscriptionClock {
  SubscriptionState state = SubscriptionState::subscribing;
  std::optional<core::Timestamp> requested_at;  // the last subscribe or unsubscribe request
  std::optional<core::Timestamp> verified_at;   // the hub's last verification
  Seconds lease{0};                             // the hub's hub.lease_seconds at verification
};

// When the subscription needs the subscriber again: a verified one to be
// renewed (at renew_at of its lease), a pending one to be given up
// (verification_timeout after its request), a failed one to be tried again.
std::optional<core::Timestamp> next_subscription_action(const SubscriptionClock& clock,
                                                        const SubscriptionTiming& timing);

// When a verified subscription's lease ends (nullopt before verification).
std::optional<core::Timestamp> lease_expiry(const SubscriptionClock& clock);

// What to do after a poll found `advert` (nullopt: the source advertises no
// hub) for a source with `current` (nullopt: no subscription).
enum class SubscribeAction {
  none,         // nothing changes
  subscribe,    // a first subscription, or a failed one whose retry time has come
  resubscribe,  // the hub or topic moved: unsubscribe from the old one, subscribe to the new
  unsubscribe,  // the source no longer advertises a hub
};
SubscribeAction decide_subscription(const std::optional<HubAdvert>& current_hub,
                                    const std::optional<SubscriptionClock>& current,
                                    const std::optional<HubAdvert>& advert, const SubscriptionTiming& timing,
                                    core::Timestamp now);

// The interval of a source whose updates are pushed: hubs drop
// subscriptions silently, so it is still polled, at its own interval ×
// safety_factor, at most max_safety_interval (never more often than its
// own interval).
Seconds safety_interval(Seconds interval, const SubscriptionTiming& timing);

}  // namespace tributary::schedule
