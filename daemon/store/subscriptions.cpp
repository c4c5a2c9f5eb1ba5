// The SQLite store's WebSub subscriptions (migration 7): one row per
// source, written whole.
#include "core/text.hpp"
#include "store/rows.hpp"
#include "store/sql_store.hpp"

namespace tributary::store {
namespace {

using rows::timestamp_or_null;
using rows::unix_or_null;

constexpr std::size_t kStoredErrorBytes = 500;  // of a hub's answer, shown by status

SubscriptionRecord read_subscription(Statement& row) {
  SubscriptionRecord subscription;
  subscription.source_id = row.int64(0);
  subscription.hub = row.text(1);
  subscription.topic = row.text(2);
  subscription.token = row.text(3);
  subscription.secret = row.text(4);
  subscription.state = row.text(5);
  subscription.lease = Seconds{row.int64(6)};
  subscription.requested_at = timestamp_or_null(row.optional_int64(7));
  subscription.verified_at = timestamp_or_null(row.optional_int64(8));
  subscription.last_push_at = timestamp_or_null(row.optional_int64(9));
  subscription.last_error = row.text(10);
  return subscription;
}

}  // namespace

std::vector<SubscriptionRecord> SqlStore::subscriptions() {
  Statement& select = db_.cached(
      "SELECT source_id, hub, topic, token, secret, state, lease_seconds, requested_at, verified_at, last_push_at, "
      "last_error FROM websub_subscriptions ORDER BY source_id");
  std::vector<SubscriptionRecord> subscriptions;
  while (select.step()) subscriptions.push_back(read_subscription(select));
  return subscriptions;
}

void SqlStore::save_subscription(const SubscriptionRecord& subscription) {
  noting_writability([&] {
    db_.cached(
           "INSERT INTO websub_subscriptions (source_id, hub, topic, token, secret, state, lease_seconds, "
           "requested_at, verified_at, last_push_at, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
           "ON CONFLICT (source_id) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, token = excluded.token, "
           "secret = excluded.secret, state = excluded.state, lease_seconds = excluded.lease_seconds, "
           "requested_at = excluded.requested_at, verified_at = excluded.verified_at, "
           "last_push_at = excluded.last_push_at, last_error = excluded.last_error")
        .bind(1, subscription.source_id)
        .bind(2, subscription.hub)
        .bind(3, subscription.topic)
        .bind(4, subscription.token)
        .bind(5, subscription.secret)
        .bind(6, subscription.state)
        .bind(7, std::int64_t{subscription.lease.count()})
        .bind(8, unix_or_null(subscription.requested_at))
        .bind(9, unix_or_null(subscription.verified_at))
        .bind(10, unix_or_null(subscription.last_push_at))
        .bind(11, core::one_line(subscription.last_error, kStoredErrorBytes))
        .run();
  });
}

void SqlStore::delete_subscription(std::int64_t source_id) {
  noting_writability(
      [&] { db_.cached("DELETE FROM websub_subscriptions WHERE source_id = ?1").bind(1, source_id).run(); });
}

}  // namespace tributary::store
