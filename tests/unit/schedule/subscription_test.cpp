// WebSub subscription rules without a hub: discovery (the Link header
// first, then the document), when a lease is renewed, when a hub that has
// not verified has failed, what a poll's advert makes of a subscription,
// and the safety interval of a pushed source.
#include "schedule/subscription.hpp"

#include <gtest/gtest.h>

namespace tributary::schedule {
namespace {

using namespace std::chrono_literals;
const core::Timestamp kNow = core::from_unix_seconds(1'765'000'000);

normalize::FeedMeta feed_with(std::vector<std::string> hubs, std::string self) {
  normalize::FeedMeta feed;
  feed.hub_urls = std::move(hubs);
  feed.self_url = std::move(self);
  return feed;
}

TEST(HubDiscovery, TheLinkHeaderComesBeforeTheDocument) {
  const auto advert =
      discover_hub("<https://hub.example/>; rel=\"hub\", </feed.xml>; rel=\"self\"", "https://news.example/old/feed",
                   feed_with({"https://other-hub.example/"}, "https://news.example/doc-self"));
  ASSERT_TRUE(advert);
  EXPECT_EQ(advert->hub, "https://hub.example/");
  EXPECT_EQ(advert->topic, "https://news.example/feed.xml");  // resolved against the document's URL
}

TEST(HubDiscovery, TheDocumentWhenTheHeaderLacksAHubOrASelf) {
  const auto advert =
      discover_hub("<https://hub.example/>; rel=\"hub\"", "https://news.example/feed",
                   feed_with({"https://doc-hub.example/", "https://second.example/"}, "https://news.example/feed"));
  ASSERT_TRUE(advert);
  EXPECT_EQ(advert->hub, "https://doc-hub.example/");
  EXPECT_EQ(advert->topic, "https://news.example/feed");
}

TEST(HubDiscovery, NeedsBothAHubAndASelfUrl) {
  EXPECT_FALSE(discover_hub("", "https://news.example/feed", feed_with({"https://hub.example/"}, "")));
  EXPECT_FALSE(discover_hub("", "https://news.example/feed", feed_with({}, "https://news.example/feed")));
  EXPECT_FALSE(discover_hub("<javascript:alert(1)>; rel=hub, <https://a.example/>; rel=self",
                            "https://news.example/feed", feed_with({}, "")));
}

TEST(SubscriptionTimingRules, AVerifiedLeaseIsRenewedAt85Percent) {
  SubscriptionTiming timing;
  const SubscriptionClock clock{SubscriptionState::verified, kNow - 10s, kNow, 1000s};
  EXPECT_EQ(next_subscription_action(clock, timing), kNow + 850s);
  EXPECT_EQ(lease_expiry(clock), kNow + 1000s);
  // A lease of one second is renewed after one second, not at once.
  const SubscriptionClock short_lease{SubscriptionState::verified, kNow, kNow, 1s};
  EXPECT_EQ(next_subscription_action(short_lease, timing), kNow + 1s);
}

TEST(SubscriptionTimingRules, APendingRequestFailsAfterTheVerificationTimeout) {
  SubscriptionTiming timing;
  timing.verification_timeout = 300s;
  const SubscriptionClock pending{SubscriptionState::subscribing, kNow, std::nullopt, 0s};
  EXPECT_EQ(next_subscription_action(pending, timing), kNow + 300s);
  EXPECT_FALSE(lease_expiry(pending));
}

TEST(SubscriptionDecision, AFirstAdvertSubscribes) {
  const HubAdvert advert{"https://hub.example/", "https://news.example/feed"};
  EXPECT_EQ(decide_subscription(std::nullopt, std::nullopt, advert, {}, kNow), SubscribeAction::subscribe);
  EXPECT_EQ(decide_subscription(std::nullopt, std::nullopt, std::nullopt, {}, kNow), SubscribeAction::none);
}

TEST(SubscriptionDecision, TheSameAdvertChangesNothingAnotherHubMoves) {
  const HubAdvert advert{"https://hub.example/", "https://news.example/feed"};
  const SubscriptionClock verified{SubscriptionState::verified, kNow - 60s, kNow - 50s, 3600s};
  EXPECT_EQ(decide_subscription(advert, verified, advert, {}, kNow), SubscribeAction::none);
  const HubAdvert moved{"https://new-hub.example/", "https://news.example/feed"};
  EXPECT_EQ(decide_subscription(advert, verified, moved, {}, kNow), SubscribeAction::resubscribe);
  EXPECT_EQ(decide_subscription(advert, verified, std::nullopt, {}, kNow), SubscribeAction::unsubscribe);
}

TEST(SubscriptionDecision, AFailedSubscriptionIsRetriedOnlyAfterItsDelay) {
  SubscriptionTiming timing;
  timing.retry_after_failure = 3600s;
  const HubAdvert advert{"https://hub.example/", "https://news.example/feed"};
  const SubscriptionClock failed{SubscriptionState::failed, kNow - 600s, std::nullopt, 0s};
  EXPECT_EQ(decide_subscription(advert, failed, advert, timing, kNow), SubscribeAction::none);
  EXPECT_EQ(decide_subscription(advert, failed, advert, timing, kNow + 3000s), SubscribeAction::subscribe);
}

TEST(SafetyInterval, FourTimesTheIntervalAtMostADay) {
  const SubscriptionTiming timing;
  EXPECT_EQ(safety_interval(15min, timing), 1h);
  EXPECT_EQ(safety_interval(12h, timing), 24h);
  // Never more often than the source's own interval.
  EXPECT_EQ(safety_interval(48h, timing), 48h);
}

TEST(SubscriptionStates, RoundTripAsText) {
  for (const SubscriptionState state : {SubscriptionState::subscribing, SubscriptionState::verified,
                                        SubscriptionState::unsubscribing, SubscriptionState::failed})
    EXPECT_EQ(subscription_state_from(to_string(state)), state);
  EXPECT_FALSE(subscription_state_from("pending"));
}

}  // namespace
}  // namespace tributary::schedule
