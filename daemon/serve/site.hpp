// site: what the server answers. Routes, the access token, conditional
// requests, gzip, filters and paging, channels. The default feed and each
// channel's first page are rendered by the writer after every store change
// (render_feed_set) and served from memory; filtered and paged views, the
// landing page, the source lists and /metrics are made on demand on a
// reader thread with its own database connection.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "render/render.hpp"
#include "schedule/load.hpp"
#include "serve/serve.hpp"
#include "store/store.hpp"

namespace tributary::websub {
class Hub;
}  // namespace tributary::websub

namespace tributary::serve {

struct Channel {
  std::string name;
  std::string title;
  std::vector<std::string> tags;
  std::vector<std::string> source_urls;
  std::string query;
  config::PodcastSettings podcast;  // the RSS edition's, inherited from [feed]
};

struct SiteSettings {
  render::FeedHeader header;   // the default feed's
  std::string base_url;        // ends with '/'
  std::uint32_t entries = 50;  // per page, unless ?limit= asks for fewer or more (up to kMaxLimit)
  std::vector<Channel> channels;
  std::vector<std::pair<std::string, std::string>> source_names;  // name → configured URL
  std::string token;
  std::chrono::seconds cache_max_age{60};
  schedule::LoadSettings loads;  // hosts' politeness budgets, for /sources.json and the landing page
};

inline constexpr std::uint32_t kMaxLimit = 500;

SiteSettings site_settings(const config::Config& config, const std::string& base_url);

// The documents rendered once per store change: "feed.atom", "feed.json",
// "feed.rss", "c/NAME.atom", "c/NAME.json", "c/NAME.rss".
struct FeedSet {
  std::uint64_t generation = 0;
  core::Timestamp changed_at;
  std::map<std::string, std::shared_ptr<const render::RenderedFeed>, std::less<>> documents;
  // Each document's WebSub discovery Link header (W3C WebSub §4, RFC 8288),
  // made with it rather than per request; none without a hub.
  std::map<std::string, std::string, std::less<>> discovery_links;
  // What the documents could not carry (an RSS enclosure without a media
  // type), for the log; the same text again after each change.
  std::vector<std::string> left_out;
};

FeedSet render_feed_set(store::Store& store, const SiteSettings& settings, core::Timestamp now,
                        std::uint64_t generation);

// The current FeedSet, swapped whole; readers never see half of one.
class FeedSetSlot {
 public:
  void publish(std::shared_ptr<const FeedSet> feeds);
  std::shared_ptr<const FeedSet> current() const;

 private:
  mutable std::mutex mutex_;  // the writer publishes, the I/O thread reads
  std::shared_ptr<const FeedSet> feeds_;
};

class Site {
 public:
  // The site opens its own read connection to `database`, used only
  // on `query_executor` (give it one thread). `health_problem` decides
  // /healthz on the I/O thread: empty when healthy, else why not (said to
  // anyone who asks, without a token: no paths, nothing private).
  Site(boost::asio::any_io_executor query_executor, store::StoreLocation database, SiteSettings settings,
       const FeedSetSlot& feeds, std::function<std::string()> health_problem);
  ~Site();
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  boost::asio::awaitable<Response> handle(Request request);

  // Answers the WebSub callbacks, /websub/TOKEN (GET: a hub's verification
  // of intent; POST: content distribution), given the request and TOKEN.
  // They are open without [server] token: the hub cannot know it, and the
  // callback's own token and the subscription's secret guard them. Unset:
  // 404. Set once, before the event loop runs.
  using WebSubCallback = std::function<boost::asio::awaitable<Response>(Request, std::string)>;
  void set_websub_callback(WebSubCallback callback);
  // Lines /healthz adds below its verdict (200 or 503 alike), e.g. who
  // shares the database; on the I/O thread. Set before the loop runs.
  void set_health_details(std::function<std::vector<std::string>()> details);
  // A reload's settings; for requests that start after the call.
  void reconfigure(SiteSettings settings);
  // The built-in WebSub hub that answers POST /websub/hub (I/O thread;
  // it outlives the site's requests). Unset: that route answers 404.
  void set_hub(websub::Hub* hub);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tributary::serve
