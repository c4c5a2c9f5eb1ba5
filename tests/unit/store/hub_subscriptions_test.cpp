// The built-in WebSub hub's subscriptions in the store (migration 8): kept
// per topic and callback, renewed in place, removed, and still there when
// the database is opened again.
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/temp_dir.hpp"
#include "unit/store/store_fixture.hpp"

namespace tributary::store {
namespace {

HubSubscription subscription(std::string topic, std::string callback, std::int64_t lease, std::int64_t expires) {
  HubSubscription s;
  s.topic = std::move(topic);
  s.topic_url = "http://t.example/" + s.topic;
  s.callback = std::move(callback);
  s.secret = "secret";
  s.lease_seconds = lease;
  s.expires_at = core::from_unix_seconds(expires);
  s.verified_at = core::from_unix_seconds(expires - lease);
  return s;
}

STORE_TESTS_ON_BOTH_ENGINES(HubSubscriptions);

TEST_P(HubSubscriptions, AreKeptPerTopicAndCallbackAndRenewedInPlace) {
  Store store = open_store();
  store.save_hub_subscription(subscription("feed.atom", "http://a.example/cb", 3600, 1'800'003'600));
  store.save_hub_subscription(subscription("feed.json", "http://a.example/cb", 3600, 1'800'003'600));
  HubSubscription renewed = subscription("feed.atom", "http://a.example/cb", 7200, 1'800'009'000);
  renewed.secret = "new secret";
  store.save_hub_subscription(renewed);
  const std::vector<HubSubscription> all = store.hub_subscriptions();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].topic, "feed.atom");
  EXPECT_EQ(all[0].lease_seconds, 7200);
  EXPECT_EQ(all[0].secret, "new secret");
  EXPECT_EQ(all[0].expires_at, core::from_unix_seconds(1'800'009'000));
  EXPECT_EQ(all[1].topic, "feed.json");
}

TEST_P(HubSubscriptions, RemovesOneAndKeepsTheOthers) {
  Store store = open_store();
  store.save_hub_subscription(subscription("feed.atom", "http://a.example/cb", 3600, 1'800'003'600));
  store.save_hub_subscription(subscription("feed.atom", "http://b.example/cb", 3600, 1'800'003'600));
  store.remove_hub_subscription("feed.atom", "http://a.example/cb");
  store.remove_hub_subscription("feed.atom", "http://never.example/cb");
  const std::vector<HubSubscription> all = store.hub_subscriptions();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].callback, "http://b.example/cb");
}

TEST_P(HubSubscriptions, SurviveReopeningTheDatabase) {
  const StoreLocation path = new_location();
  Store(path).save_hub_subscription(subscription("c/news.atom", "http://a.example/cb?x=1", 60, 1'800'000'060));
  Store reopened(path);
  const std::vector<HubSubscription> all = reopened.hub_subscriptions();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].topic_url, "http://t.example/c/news.atom");
  EXPECT_EQ(all[0].callback, "http://a.example/cb?x=1");
  EXPECT_EQ(all[0].secret, "secret");
}

}  // namespace
}  // namespace tributary::store
