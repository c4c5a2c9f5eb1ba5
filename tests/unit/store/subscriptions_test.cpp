// WebSub subscriptions in the store (migration 7): written whole, read
// back, replaced, dropped, gone with their source, and shown on the
// source's record (pushed while verified and unexpired, else polled).
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "store_fixture.hpp"

namespace tributary::store {
namespace {

using test::at;
using test::spec;
using namespace std::chrono_literals;

SubscriptionRecord verified(std::int64_t source_id) {
  SubscriptionRecord record;
  record.source_id = source_id;
  record.hub = "https://hub.example/";
  record.topic = "https://news.example/feed";
  record.token = "token-" + std::to_string(source_id);
  record.secret = "secret";
  record.state = "verified";
  record.lease = 3600s;
  record.requested_at = at("2026-12-01T09:59:00Z");
  record.verified_at = at("2026-12-01T10:00:00Z");
  return record;
}

STORE_TESTS_ON_BOTH_ENGINES(Subscriptions);

TEST_P(Subscriptions, AreKeptWholeAndReplacedPerSource) {
  Store store = open_store();
  const std::int64_t source = store.ensure_source(spec("https://news.example/feed"));
  store.save_subscription(verified(source));
  SubscriptionRecord renewed = verified(source);
  renewed.verified_at = at("2026-12-01T11:00:00Z");
  renewed.last_push_at = at("2026-12-01T11:05:00Z");
  store.save_subscription(renewed);
  const std::vector<SubscriptionRecord> kept = store.subscriptions();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].token, "token-" + std::to_string(source));
  EXPECT_EQ(kept[0].secret, "secret");
  EXPECT_EQ(kept[0].lease, 3600s);
  EXPECT_EQ(kept[0].verified_at, at("2026-12-01T11:00:00Z"));
  EXPECT_EQ(kept[0].last_push_at, at("2026-12-01T11:05:00Z"));
  store.delete_subscription(source);
  EXPECT_TRUE(store.subscriptions().empty());
}

TEST_P(Subscriptions, TheSourceRecordSaysPushedUntilTheLeaseEnds) {
  Store store = open_store();
  const std::int64_t source = store.ensure_source(spec("https://news.example/feed"));
  EXPECT_EQ(delivery(*store.source(source), at("2026-12-01T10:30:00Z")), "polled");
  store.save_subscription(verified(source));
  const SourceRecord record = *store.source(source);
  EXPECT_EQ(record.push_hub, "https://hub.example/");
  EXPECT_EQ(record.push_expires_at, at("2026-12-01T11:00:00Z"));
  EXPECT_TRUE(is_pushed(record, at("2026-12-01T10:30:00Z")));
  EXPECT_EQ(delivery(record, at("2026-12-01T10:30:00Z")), "pushed (hub hub.example, lease until 2026-12-01T11:00:00Z)");
  EXPECT_FALSE(is_pushed(record, at("2026-12-01T11:00:01Z")));
  EXPECT_EQ(delivery(record, at("2026-12-01T11:00:01Z")), "polled (hub hub.example: lease ended)");
  SubscriptionRecord pending = verified(source);
  pending.state = "subscribing";
  pending.verified_at.reset();
  store.save_subscription(pending);
  EXPECT_EQ(delivery(*store.source(source), at("2026-12-01T10:30:00Z")), "polled (hub hub.example: subscribing)");
}

TEST_P(Subscriptions, AreSavedOnlyForKnownSources) {
  Store store = open_store();
  EXPECT_THROW(store.save_subscription(verified(42)), StoreError);  // REFERENCES sources(id)
}

}  // namespace
}  // namespace tributary::store
