// The built-in WebSub hub's subscriptions in the store (table hub_subscriptions,
// migration 8): saved when verified, renewed in place, removed on
// unsubscribe or expiry.
#include "store/sql_store.hpp"

namespace tributary::store {

void SqlStore::save_hub_subscription(const HubSubscription& subscription) {
  noting_writability([&] {
    db_.cached(
           "INSERT INTO hub_subscriptions (topic, topic_url, callback, secret, lease_seconds, expires_at, verified_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (topic, callback) DO UPDATE SET "
           "topic_url = excluded.topic_url, secret = excluded.secret, lease_seconds = excluded.lease_seconds, "
           "expires_at = excluded.expires_at, verified_at = excluded.verified_at")
        .bind(1, subscription.topic)
        .bind(2, subscription.topic_url)
        .bind(3, subscription.callback)
        .bind(4, subscription.secret)
        .bind(5, subscription.lease_seconds)
        .bind(6, core::to_unix_seconds(subscription.expires_at))
        .bind(7, core::to_unix_seconds(subscription.verified_at))
        .run();
  });
}

void SqlStore::remove_hub_subscription(const std::string& topic, const std::string& callback) {
  noting_writability([&] {
    db_.cached("DELETE FROM hub_subscriptions WHERE topic = ?1 AND callback = ?2")
        .bind(1, topic)
        .bind(2, callback)
        .run();
  });
}

std::vector<HubSubscription> SqlStore::hub_subscriptions() {
  Statement& select = db_.cached(
      "SELECT topic, topic_url, callback, secret, lease_seconds, expires_at, verified_at FROM hub_subscriptions "
      "ORDER BY id");
  std::vector<HubSubscription> subscriptions;
  while (select.step()) {
    HubSubscription subscription;
    subscription.topic = select.text(0);
    subscription.topic_url = select.text(1);
    subscription.callback = select.text(2);
    subscription.secret = select.text(3);
    subscription.lease_seconds = select.int64(4);
    subscription.expires_at = core::from_unix_seconds(select.int64(5));
    subscription.verified_at = core::from_unix_seconds(select.int64(6));
    subscriptions.push_back(std::move(subscription));
  }
  return subscriptions;
}

}  // namespace tributary::store
