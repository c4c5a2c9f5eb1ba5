// FaultFarm: its own Beast sessions on a FakeServer (FakeUpstream serves
// canned responses per path; the farm's answers depend on the feed, the poll
// count and time, and some never end). One io_context run by `threads`
// threads; one coroutine per connection; the per-feed counters and served
// links sit behind one mutex.
#include "support/fault_farm.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <ctime>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include "support/compression.hpp"
#include "support/fake_server.hpp"

namespace tributary::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

constexpr std::uint64_t kBombDecodedBytes = 64ull * 1024 * 1024;
constexpr int kChainHops = 3;
constexpr std::uint64_t kChangingWindow = 5;  // items listed by a changing feed

constexpr std::pair<FeedBehavior, std::string_view> kBehaviorNames[] = {
    {FeedBehavior::healthy, "healthy"},
    {FeedBehavior::slow, "slow"},
    {FeedBehavior::stalling, "stalling"},
    {FeedBehavior::resetting, "resetting"},
    {FeedBehavior::server_error, "server_error"},
    {FeedBehavior::rate_limited, "rate_limited"},
    {FeedBehavior::redirect_chain, "redirect_chain"},
    {FeedBehavior::redirect_loop, "redirect_loop"},
    {FeedBehavior::gzip_bomb, "gzip_bomb"},
    {FeedBehavior::endless_body, "endless_body"},
    {FeedBehavior::garbage, "garbage"},
    {FeedBehavior::html, "html"},
    {FeedBehavior::changing, "changing"},
    {FeedBehavior::churning_guids, "churning_guids"},
};
static_assert(std::size(kBehaviorNames) == kFeedBehaviorCount);

std::string rfc822(std::time_t when) {
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[64];
  const std::size_t size = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return std::string(text, size);
}

// "/feed/17" → {17, 0}; "/feed/17/hop/2" → {17, 2}.
std::optional<std::pair<std::size_t, int>> parse_farm_path(std::string_view path) {
  constexpr std::string_view kPrefix = "/feed/";
  if (!path.starts_with(kPrefix)) return std::nullopt;
  path.remove_prefix(kPrefix.size());
  std::size_t index = 0;
  auto [end, error] = std::from_chars(path.data(), path.data() + path.size(), index);
  if (error != std::errc{}) return std::nullopt;
  std::string_view rest(end, static_cast<std::size_t>(path.data() + path.size() - end));
  if (rest.empty()) return std::pair{index, 0};
  constexpr std::string_view kHop = "/hop/";
  if (!rest.starts_with(kHop)) return std::nullopt;
  rest.remove_prefix(kHop.size());
  int hop = 0;
  auto [hop_end, hop_error] = std::from_chars(rest.data(), rest.data() + rest.size(), hop);
  if (hop_error != std::errc{} || hop_end != rest.data() + rest.size() || hop < 1) return std::nullopt;
  return std::pair{index, hop};
}

struct Item {
  std::uint64_t number = 0;
  std::string guid;
  std::time_t published = 0;
};

std::string rss_document(std::size_t feed, const std::vector<Item>& items) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Farm feed " +
                    std::to_string(feed) + "</title><link>https://farm.example/feed" + std::to_string(feed) +
                    "/</link><description>A feed of the fault farm</description>\n";
  for (const Item& item : items) {
    const std::string link = FaultFarm::item_link(feed, item.number);
    xml += "<item><title>Farm feed " + std::to_string(feed) + " item " + std::to_string(item.number) +
           "</title><link>" + link + "</link><guid isPermaLink=\"false\">" + item.guid + "</guid><pubDate>" +
           rfc822(item.published) + "</pubDate><description>Item " + std::to_string(item.number) + " of feed " +
           std::to_string(feed) + ".</description></item>\n";
  }
  return xml + "</channel></rss>\n";
}

const std::string& html_page() {
  static const std::string page =
      "<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>Our news</h1>"
      "<p>This is the web site, not its feed.</p></body></html>\n";
  return page;
}

}  // namespace

std::string_view to_string(FeedBehavior behavior) {
  for (const auto& [value, name] : kBehaviorNames)
    if (value == behavior) return name;
  return "unknown";
}

std::optional<FeedBehavior> feed_behavior_from(std::string_view name) {
  for (const auto& [value, known] : kBehaviorNames)
    if (known == name) return value;
  return std::nullopt;
}

ExpectedOutcome expected_outcome(FeedBehavior behavior) {
  switch (behavior) {
    case FeedBehavior::healthy:
    case FeedBehavior::slow:
    case FeedBehavior::redirect_chain:
    case FeedBehavior::changing:
    case FeedBehavior::churning_guids:
      return {true, "", 200, true};
    case FeedBehavior::stalling:
      return {false, "timeout", 200, false};  // the headers came: their status is recorded
    case FeedBehavior::resetting:
      return {false, "connect", 0, false};
    case FeedBehavior::server_error:
      return {false, "http", -1, false};  // -1: the feed's own http_status
    case FeedBehavior::rate_limited:
      return {false, "http", 429, false};
    case FeedBehavior::redirect_loop:
      return {false, "redirect_loop", 302, false};
    case FeedBehavior::gzip_bomb:
    case FeedBehavior::endless_body:
      return {false, "too_large", 200, false};
    case FeedBehavior::garbage:
      return {false, "http", 0, false};
    case FeedBehavior::html:
      return {false, "parse", 200, false};
  }
  return {};
}

std::vector<std::pair<FeedBehavior, double>> default_fault_mix() {
  return {{FeedBehavior::healthy, 30},       {FeedBehavior::slow, 5},
          {FeedBehavior::changing, 8},       {FeedBehavior::churning_guids, 4},
          {FeedBehavior::redirect_chain, 4}, {FeedBehavior::stalling, 4},
          {FeedBehavior::resetting, 4},      {FeedBehavior::server_error, 5},
          {FeedBehavior::rate_limited, 4},   {FeedBehavior::redirect_loop, 3},
          {FeedBehavior::gzip_bomb, 3},      {FeedBehavior::endless_body, 3},
          {FeedBehavior::garbage, 3},        {FeedBehavior::html, 3}};
}

std::vector<std::pair<FeedBehavior, double>> parse_fault_mix(std::string_view text) {
  std::vector<std::pair<FeedBehavior, double>> mix;
  while (!text.empty()) {
    const std::string_view part = text.substr(0, text.find(','));
    text.remove_prefix(std::min(text.size(), part.size() + 1));
    const auto equals = part.find('=');
    const auto behavior = feed_behavior_from(part.substr(0, equals));
    if (!behavior || equals == std::string_view::npos)
      throw std::invalid_argument("not BEHAVIOR=WEIGHT: \"" + std::string(part) + "\"");
    const std::string weight_text(part.substr(equals + 1));
    std::size_t used = 0;
    const double weight = std::stod(weight_text, &used);
    if (used != weight_text.size() || weight < 0)
      throw std::invalid_argument("bad weight in \"" + std::string(part) + "\"");
    mix.emplace_back(*behavior, weight);
  }
  return mix;
}

std::string FaultFarm::item_link(std::size_t feed, std::uint64_t item) {
  return "https://farm.example/feed" + std::to_string(feed) + "/item" + std::to_string(item);
}

struct FaultFarm::Impl {
  // What changes while the farm runs, per feed.
  struct FeedState {
    int requests = 0;
    std::uint64_t documents = 0;  // documents served (changing: the newest item's number)
    std::vector<std::string> served_links;
    std::set<std::string> served_set;
  };

  FaultFarmOptions options;
  std::vector<FarmFeed> feeds;
  std::time_t started = std::time(nullptr);
  std::string bomb;          // gzip of 64 MiB of zeros, made once when a feed needs it
  std::string garbage;       // not HTTP
  mutable std::mutex mutex;  // guards `states` (server threads vs the test thread)
  std::vector<FeedState> states;

  FakeServer server;  // last: its sessions use the above

  explicit Impl(FaultFarmOptions options_in)
      : options(std::move(options_in)),
        server({.address = options.address, .port = options.port, .threads = options.threads}) {
    if (options.mix.empty()) options.mix = default_fault_mix();
    std::vector<double> weights;
    for (const auto& [behavior, weight] : options.mix) weights.push_back(weight);
    std::mt19937_64 random(options.seed);
    std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
    std::uniform_int_distribution<int> items(3, 6);
    constexpr int kErrorStatuses[] = {500, 502, 503};
    for (std::size_t i = 0; i < options.feeds; ++i) {
      FarmFeed feed;
      feed.index = i;
      feed.path = "/feed/" + std::to_string(i);
      feed.behavior = options.mix[pick(random)].first;
      feed.item_count = items(random);
      feed.http_status = feed.behavior == FeedBehavior::server_error ? kErrorStatuses[random() % 3] : 200;
      feeds.push_back(std::move(feed));
    }
    states.resize(feeds.size());
    for (const FarmFeed& feed : feeds)
      if (feed.behavior == FeedBehavior::gzip_bomb && bomb.empty()) bomb = gzip_of_zeros(kBombDecodedBytes);
    garbage = "\x16\x03\x01 this is not HTTP\r\n";
    for (int i = 0; i < 512; ++i) garbage.push_back(static_cast<char>(random() & 0xFF));
  }

  std::string base_url() const { return "http://" + options.address + ":" + std::to_string(server.port()); }

  // The items of the feed's next document, and a note of what was served.
  std::vector<Item> next_items(const FarmFeed& feed) {
    std::vector<Item> items;
    std::lock_guard lock(mutex);
    FeedState& state = states[feed.index];
    const std::uint64_t document = ++state.documents;
    const auto fixed_date = [&](std::uint64_t item) {
      return started - 7 * 86400 + static_cast<std::time_t>(item * 60);  // a minute apart, in the past
    };
    if (feed.behavior == FeedBehavior::changing) {
      const std::uint64_t first = document > kChangingWindow ? document - kChangingWindow + 1 : 1;
      for (std::uint64_t n = document; n >= first; --n)
        items.push_back({n, "farm-" + std::to_string(feed.index) + "-" + std::to_string(n), fixed_date(n)});
    } else {
      for (std::uint64_t n = static_cast<std::uint64_t>(feed.item_count); n >= 1; --n) {
        std::string guid = "farm-" + std::to_string(feed.index) + "-" + std::to_string(n);
        if (feed.behavior == FeedBehavior::churning_guids) guid += "-poll" + std::to_string(document);
        items.push_back({n, std::move(guid), fixed_date(n)});
      }
    }
    for (const Item& item : items) {
      std::string link = FaultFarm::item_link(feed.index, item.number);
      if (state.served_set.insert(link).second) state.served_links.push_back(std::move(link));
    }
    return items;
  }

  int count_request(std::size_t index) {
    std::lock_guard lock(mutex);
    return ++states[index].requests;
  }

  static void reset(beast::tcp_stream& stream) {
    beast::error_code ignored;
    stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
    stream.socket().close(ignored);
  }

  // Holds an answer open until the peer gives up or stall_duration passes.
  asio::awaitable<void> hold(beast::tcp_stream& stream) {
    stream.expires_after(options.stall_duration);
    char sink[512];
    for (;;) {
      auto [error, read] = co_await stream.async_read_some(asio::buffer(sink), kUseTuple);
      if (error) co_return;
    }
  }

  asio::awaitable<void> stall(beast::tcp_stream& stream, unsigned version) {
    http::response<http::empty_body> response{http::status::ok, version};
    response.set(http::field::content_type, "application/rss+xml");
    response.content_length(100000);
    http::response_serializer<http::empty_body> serializer(response);
    auto [header_error, written] = co_await http::async_write_header(stream, serializer, kUseTuple);
    if (header_error) co_return;
    static const std::string start = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Stalled";
    co_await asio::async_write(stream, asio::buffer(start), kUseTuple);
    co_await hold(stream);
  }

  asio::awaitable<void> endless(beast::tcp_stream& stream, unsigned version) {
    http::response<http::empty_body> response{http::status::ok, version};
    response.set(http::field::content_type, "application/rss+xml");
    response.chunked(true);
    http::response_serializer<http::empty_body> serializer(response);
    auto [header_error, written] = co_await http::async_write_header(stream, serializer, kUseTuple);
    if (header_error) co_return;
    std::string block = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Endless</title>";
    while (block.size() < 64 * 1024) block += "<item><title>more</title></item>\n";
    const auto give_up_at = std::chrono::steady_clock::now() + options.stall_duration;
    while (std::chrono::steady_clock::now() < give_up_at) {
      stream.expires_after(options.stall_duration);
      auto [error, sent] = co_await asio::async_write(stream, http::make_chunk(asio::buffer(block)), kUseTuple);
      if (error) co_return;
    }
  }

  http::response<http::string_body> document_response(const FarmFeed& feed,
                                                      const http::request<http::string_body>& request) {
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/rss+xml; charset=utf-8");
    const bool is_fixed = feed.behavior != FeedBehavior::changing && feed.behavior != FeedBehavior::churning_guids;
    if (is_fixed) {
      // The same document every time: answer conditionals as an origin would.
      const std::string etag = "\"farm-" + std::to_string(feed.index) + "\"";
      response.set(http::field::etag, etag);
      if (request[http::field::if_none_match] == etag) {
        response.result(http::status::not_modified);
        return response;
      }
    }
    response.body() = rss_document(feed.index, next_items(feed));
    return response;
  }

  http::response<http::string_body> redirect(const FarmFeed& feed, int next_hop, unsigned version) {
    http::response<http::string_body> response{http::status::found, version};
    response.set(http::field::location, base_url() + feed.path + "/hop/" + std::to_string(next_hop));
    response.set(http::field::content_type, "text/plain");
    response.body() = "moved for now\n";
    return response;
  }

  // Answers one request; false when the connection is done.
  asio::awaitable<bool> answer(beast::tcp_stream& stream, const http::request<http::string_body>& request) {
    const std::string target(request.target());
    const auto located = parse_farm_path(target.substr(0, target.find('?')));
    http::response<http::string_body> response{http::status::not_found, request.version()};
    response.set(http::field::content_type, "text/plain");
    response.body() = "no such farm feed\n";
    if (located && located->first < feeds.size()) {
      const FarmFeed& feed = feeds[located->first];
      const int hop = located->second;
      if (hop == 0) count_request(feed.index);
      switch (feed.behavior) {
        case FeedBehavior::slow: {
          asio::steady_timer delay(stream.get_executor(), options.slow_delay);
          co_await delay.async_wait(kUseTuple);
          response = document_response(feed, request);
          break;
        }
        case FeedBehavior::healthy:
        case FeedBehavior::changing:
        case FeedBehavior::churning_guids:
          if (hop == 0) response = document_response(feed, request);
          break;
        case FeedBehavior::redirect_chain:
          response = hop < kChainHops ? redirect(feed, hop + 1, request.version()) : document_response(feed, request);
          break;
        case FeedBehavior::redirect_loop:
          response = redirect(feed, hop + 1, request.version());
          break;
        case FeedBehavior::stalling:
          co_await stall(stream, request.version());
          co_return false;
        case FeedBehavior::endless_body:
          co_await endless(stream, request.version());
          co_return false;
        case FeedBehavior::resetting:
          reset(stream);
          co_return false;
        case FeedBehavior::garbage: {
          co_await asio::async_write(stream, asio::buffer(garbage), kUseTuple);
          beast::error_code ignored;
          stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
          co_await hold(stream);
          co_return false;
        }
        case FeedBehavior::server_error:
          response.result(static_cast<unsigned>(feed.http_status));
          response.body() = "the origin is having a bad day\n";
          break;
        case FeedBehavior::rate_limited:
          response.result(http::status::too_many_requests);
          response.set(http::field::retry_after, "3600");
          response.body() = "slow down\n";
          break;
        case FeedBehavior::gzip_bomb:
          response.result(http::status::ok);
          response.set(http::field::content_type, "application/rss+xml");
          response.set(http::field::content_encoding, "gzip");
          response.body() = bomb;
          break;
        case FeedBehavior::html:
          response.result(http::status::ok);
          response.set(http::field::content_type, "text/html; charset=utf-8");
          response.body() = html_page();
          break;
      }
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    stream.expires_after(std::chrono::seconds(30));
    auto [error, written] = co_await http::async_write(stream, response, kUseTuple);
    co_return !error && request.keep_alive();
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      stream.expires_after(std::chrono::seconds(60));
      http::request<http::string_body> request;
      auto [error, read] = co_await http::async_read(stream, buffer, request, kUseTuple);
      if (error) break;
      const bool is_open = co_await answer(stream, request);
      if (!is_open) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
};

FaultFarm::FaultFarm(FaultFarmOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->server.start([impl = impl_.get()](tcp::socket socket) { return impl->session(std::move(socket)); });
}

FaultFarm::~FaultFarm() = default;

std::uint16_t FaultFarm::port() const { return impl_->server.port(); }

std::string FaultFarm::url(std::size_t index) const { return impl_->base_url() + impl_->feeds.at(index).path; }

const std::vector<FarmFeed>& FaultFarm::feeds() const { return impl_->feeds; }

int FaultFarm::requests(std::size_t index) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->states.at(index).requests;
}

std::vector<int> FaultFarm::request_counts() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<int> counts;
  for (const auto& state : impl_->states) counts.push_back(state.requests);
  return counts;
}

std::vector<std::string> FaultFarm::served_links(std::size_t index) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->states.at(index).served_links;
}

}  // namespace tributary::testing
