// A fault-injecting upstream farm: one server on 127.0.0.1 that serves
// thousands of feed URLs, each with a behavior drawn (with a seed, so runs
// repeat) from a weighted table — healthy feeds and every way an origin can
// fail a feed reader. The farm says what each URL is and how a well-behaved
// poller must classify it, counts requests per feed, and remembers every
// item link it has served, so tests and bench/soak can check the daemon
// against it. Runs on its own threads; every accessor is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::testing {

enum class FeedBehavior {
  healthy,         // the same RSS document every time, with an ETag (304 on If-None-Match)
  slow,            // healthy, but the headers come after a delay shorter than any sane timeout
  stalling,        // headers and part of the body, then silence
  resetting,       // reads the request, then resets the connection (TCP RST)
  server_error,    // 500, 502 or 503 without Retry-After
  rate_limited,    // 429 with Retry-After: 3600
  redirect_chain,  // three 302 hops, then a healthy feed
  redirect_loop,   // 302 hops that never end
  gzip_bomb,       // a small gzip body that inflates to 64 MiB of zeros
  endless_body,    // a chunked body that never ends
  garbage,         // bytes that are not HTTP at all, then close
  html,            // 200 text/html: a web page instead of a feed
  changing,        // a new item on every poll (the newest five listed)
  churning_guids,  // the same items every time, but every guid changes on every poll
};
inline constexpr int kFeedBehaviorCount = 14;

std::string_view to_string(FeedBehavior behavior);
std::optional<FeedBehavior> feed_behavior_from(std::string_view name);

// How a poller must end up classifying a feed, assuming its limits are
// tighter than the farm's faults: a fetch timeout below `stall_duration`,
// a decoded body limit below the bomb's 64 MiB, at most a handful of
// redirects. `error_class` is fetch::to_string(FetchError) ("timeout",
// "http", …) or "parse"; empty for a success.
struct ExpectedOutcome {
  bool is_success = false;
  std::string error_class;
  int http_status = 0;     // of the last response; 0 when there is none
  bool has_items = false;  // its items belong in the merged feed
};
ExpectedOutcome expected_outcome(FeedBehavior behavior);

struct FarmFeed {
  std::size_t index = 0;
  std::string path;  // "/feed/17"
  FeedBehavior behavior = FeedBehavior::healthy;
  int http_status = 200;  // what server_error answers (500, 502 or 503)
  int item_count = 0;     // items in each document (healthy, slow, redirect_chain, churning_guids)
};

struct FaultFarmOptions {
  std::uint64_t seed = 1;
  std::size_t feeds = 1000;
  // Relative weights of the behaviors; empty: default_fault_mix().
  std::vector<std::pair<FeedBehavior, double>> mix;
  std::chrono::milliseconds slow_delay{400};
  std::chrono::seconds stall_duration{120};  // how long a stalling or endless answer holds on at most
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  int threads = 1;
};

// Every behavior, with healthy ones weighing about half.
std::vector<std::pair<FeedBehavior, double>> default_fault_mix();
// Parses "healthy=5,changing=1,stalling=0.5"; throws std::invalid_argument.
std::vector<std::pair<FeedBehavior, double>> parse_fault_mix(std::string_view text);

class FaultFarm {
 public:
  explicit FaultFarm(FaultFarmOptions options);
  ~FaultFarm();
  FaultFarm(const FaultFarm&) = delete;
  FaultFarm& operator=(const FaultFarm&) = delete;

  std::uint16_t port() const;
  std::string url(std::size_t index) const;  // "http://127.0.0.1:PORT/feed/INDEX"
  const std::vector<FarmFeed>& feeds() const;

  // Requests for a feed's own URL (not its redirect hops) so far.
  int requests(std::size_t index) const;
  std::vector<int> request_counts() const;
  // Every item link the feed has served so far (in order, no repeats): what
  // a poller that saw every answer would hold. Empty for faulty feeds.
  std::vector<std::string> served_links(std::size_t index) const;
  // The link of item number `item` (from 1) of feed `feed`: unique across
  // the farm, so each item is a story of its own in the merged feed.
  static std::string item_link(std::size_t feed, std::uint64_t item);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::testing
