// The built-in WebSub hub (W3C WebSub, 2018): Tributary's own feeds pushed
// to their subscribers. Subscription requests (§5.1) are answered 202 and
// verified asynchronously by a GET to the callback (§5.3); verified
// subscriptions live in the store (they survive restarts) until their lease
// ends or the subscriber unsubscribes. Whenever a feed's document changes
// (a new FeedSet, seen by its ETags), each subscriber of that topic gets
// the full new document (§7), signed with its secret (§8), retried with
// backoff a bounded number of times; a newer version supersedes one still
// waiting. The same deliveries go to the configured [[push]] targets; with
// an external hub, each change is a publish ping to it instead.
//
// Threading: every member runs on the I/O executor given at construction;
// the store is written on the writer executor (posted, never awaited by a
// request). Outbound requests go through a Fetcher of the hub's own, under
// [fetch] block_private_addresses like every fetch.
// Error policy: a refused request is a HubReply (4xx/5xx with the reason);
// failed verifications and deliveries are logged and counted in /metrics.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "fetch/fetch.hpp"
#include "render/render.hpp"
#include "store/store.hpp"

namespace tributary::websub {

struct HubSettings {
  config::WebSubConfig websub;
  std::vector<config::PushTarget> pushes;
  std::string base_url;  // ends with '/'
  std::string token;     // [server] token: a topic URL must carry it
};

// The hub's settings from the configuration; `base_url` as the site has it.
HubSettings hub_settings(const config::Config& config, const std::string& base_url);

// The path of the built-in hub under the base URL.
inline constexpr std::string_view kHubPath = "websub/hub";

// The hub Tributary's feeds advertise: BASE_URL/websub/hub (builtin), the
// external hub's URL, or "" (off).
std::string advertised_hub_url(const config::WebSubConfig& websub, const std::string& base_url);

// A feed's documents by path ("feed.atom", "c/news.json"), as rendered.
using Documents = std::map<std::string, std::shared_ptr<const render::RenderedFeed>, std::less<>>;

struct HubReply {
  int status = 202;
  std::string text;
};

class Hub {
 public:
  Hub(boost::asio::any_io_executor io, boost::asio::any_io_executor writer, store::Store& writer_store,
      const fetch::FetcherOptions& fetch_options, HubSettings settings);
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Reads the stored subscriptions (dropping expired ones) and starts the
  // expiry sweep. Call at start-up, before the writer thread runs anything.
  void start();
  // The documents as just rendered: those whose ETag changed since the
  // previous call are delivered (the first call only records them).
  void observe(const Documents& documents);
  // A POST to the hub endpoint.
  HubReply handle_request(std::string_view content_type, std::string_view body);
  // A reload: new settings for requests and deliveries from now on.
  void reconfigure(HubSettings settings, const fetch::FetcherOptions& fetch_options);
  // No new deliveries or verifications; timers cancelled, idle connections closed.
  void stop();
  // Verified subscriptions held now.
  std::size_t subscription_count() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tributary::websub
