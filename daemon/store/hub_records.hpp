// The built-in WebSub hub's subscriptions as the store keeps them (W3C
// WebSub §5.1, §6): one per (topic, callback), so that a subscriber renews
// by subscribing again and they survive restarts.
#pragma once

#include <string>

#include "core/time.hpp"

namespace tributary::store {

struct HubSubscription {
  std::string topic;      // the document's path under the base URL: "feed.atom", "c/news.json"
  std::string topic_url;  // hub.topic as the subscriber wrote it (the rel="self" of its deliveries)
  std::string callback;   // hub.callback
  std::string secret;     // hub.secret; empty: deliveries are not signed
  std::int64_t lease_seconds = 0;
  core::Timestamp expires_at;
  core::Timestamp verified_at;
};

}  // namespace tributary::store
