// The Fetcher against the fake upstream, one behavior per test: conditional
// requests, compression, limits, redirects, status handling, timeouts,
// broken servers, TLS, IPv6, blocked addresses, keep-alive, caps, proxies
// and credentials. Each test runs its loop with run_for and fails if the
// fetch did not finish in time.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <cstdlib>

#include "core/time.hpp"
#include "fetch/fetch.hpp"
#include "fetch/policy.hpp"
#include "support/compression.hpp"
#include "support/environment.hpp"
#include "support/fake_proxy.hpp"
#include "support/fake_upstream.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace tributary::fetch {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::FakeProxy;
using testing::FakeResponse;
using testing::FakeUpstream;
using testing::FakeUpstreamOptions;

const std::string kFeed =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Sarajevo Daily</title>"
    "<item><title>Tram line 3 reopens after repairs</title></item></channel></rss>";
const std::vector<std::pair<std::string, std::string>> kRss = {{"Content-Type", "application/rss+xml; charset=utf-8"}};

asio::awaitable<void> fetch_into(Fetcher* fetcher, FetchRequest request, std::optional<FetchResult>* out) {
  *out = co_await fetcher->fetch(std::move(request));
}

FetcherOptions test_options() {
  FetcherOptions options;
  options.use_environment_proxies = false;  // the tests' own environment must not matter
  return options;
}

FetchRequest request_to(const std::string& url) {
  FetchRequest request;
  request.url = url;
  request.timeout = 10s;
  return request;
}

// A listener that never accepts, its one-connection backlog already full:
// a connection attempt to it neither succeeds nor fails (the SYN is dropped).
class HangingListener {
 public:
  HangingListener(const std::string& address, std::uint16_t port) {
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address), port);
    acceptor_.open(endpoint.protocol());
    if (endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(0);
    filler_.connect(acceptor_.local_endpoint());
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  asio::ip::tcp::socket filler_{io_};
};

// Runs fetches on one loop with one Fetcher, as the daemon does.
class FetcherTest : public ::testing::Test {
 protected:
  void make_fetcher(const FetcherOptions& options) {
    fetcher_ = std::make_unique<Fetcher>(io_.get_executor(), options);
  }
  Fetcher& fetcher() {
    if (!fetcher_) make_fetcher(test_options());
    return *fetcher_;
  }

  // One fetch, bounded: fails the test if it did not complete in `limit`.
  FetchResult run(FetchRequest request, std::chrono::steady_clock::duration limit = 15s) {
    std::optional<FetchResult> result;
    asio::co_spawn(io_, fetch_into(&fetcher(), std::move(request), &result), asio::detached);
    io_.restart();
    io_.run_for(limit);
    EXPECT_TRUE(result.has_value()) << "the fetch did not finish in time";
    return result.value_or(FetchResult{});
  }

  // /feed.xml served as `body` with Content-Encoding `encoding`, fetched.
  FetchResult fetch_feed_encoded(const std::string& encoding, const std::string& body) {
    auto headers = kRss;
    headers.emplace_back("Content-Encoding", encoding);
    upstream_.serve("/feed.xml", {200, headers, body, "", ""});
    return run(request_to(upstream_.url("/feed.xml")));
  }

  // The feed at /feed.xml, fetched by a Fetcher that reads the proxy
  // variables (as the test set them) when `is_reading_environment`.
  FetchResult fetch_feed_with_environment(bool is_reading_environment) {
    FetcherOptions options = test_options();
    options.use_environment_proxies = is_reading_environment;
    make_fetcher(options);
    upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
    return run(request_to(upstream_.url("/feed.xml")));
  }

  // Several fetches at once, bounded.
  std::vector<FetchResult> run_all(std::vector<FetchRequest> requests,
                                   std::chrono::steady_clock::duration limit = 15s) {
    std::vector<std::optional<FetchResult>> results(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i)
      asio::co_spawn(io_, fetch_into(&fetcher(), std::move(requests[i]), &results[i]), asio::detached);
    io_.restart();
    io_.run_for(limit);
    std::vector<FetchResult> done;
    for (auto& result : results) {
      EXPECT_TRUE(result.has_value()) << "a fetch did not finish in time";
      done.push_back(result.value_or(FetchResult{}));
    }
    return done;
  }

  asio::io_context io_;
  std::unique_ptr<Fetcher> fetcher_;
  FakeUpstream upstream_;
};

// ---- Success and conditional requests ----

TEST_F(FetcherTest, FetchesAFeedWithItsHeaders) {
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "\"v1\"", "Wed, 17 Dec 2025 09:30:00 GMT"});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, kFeed);
  EXPECT_EQ(result.content_type, "application/rss+xml; charset=utf-8");
  EXPECT_EQ(result.etag, "\"v1\"");
  EXPECT_EQ(result.last_modified, "Wed, 17 Dec 2025 09:30:00 GMT");
  EXPECT_EQ(result.final_url, upstream_.url("/feed.xml"));
  EXPECT_FALSE(result.is_permanent_redirect);
  EXPECT_EQ(result.body_hash.size(), 64u);
  EXPECT_GT(result.bytes_transferred, kFeed.size());
  const auto sent = upstream_.requests("/feed.xml").at(0).headers;
  EXPECT_EQ(sent.at("user-agent"), default_user_agent());
  EXPECT_EQ(sent.at("accept-encoding"), "gzip, deflate, br");
  EXPECT_EQ(sent.count("if-none-match"), 0u);
  EXPECT_EQ(sent.count("from"), 0u);
}

TEST_F(FetcherTest, EtagGives304) {
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "W/\"abc, def\"", ""});
  const FetchResult first = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(first.is_success()) << first.message;
  FetchRequest second = request_to(upstream_.url("/feed.xml"));
  second.etag = first.etag;
  const FetchResult result = run(second);
  EXPECT_EQ(result.status, 304);
  EXPECT_TRUE(result.is_not_modified());
  EXPECT_FALSE(result.is_success());
  EXPECT_TRUE(result.body.empty());
  const auto sent = upstream_.requests("/feed.xml").at(1).headers;
  EXPECT_EQ(sent.at("if-none-match"), "W/\"abc, def\"");  // byte for byte
  EXPECT_EQ(sent.count("if-modified-since"), 0u);         // each validator on its own
}

// Validators go back byte for byte and into the store, whose text is
// UTF-8: ones in another charset (obs-text) or with a control are dropped.
TEST_F(FetcherTest, KeepsNoValidatorThatIsNotUtf8) {
  const std::string head = "Content-Type: application/rss+xml\r\nETag: \"caf\xe9\"\r\nLast-Modified: Wed, \xff\r\n";
  upstream_.serve("/latin1.xml",
                  {.raw_response = "HTTP/1.1 200 OK\r\n" + head + "Content-Length: " + std::to_string(kFeed.size()) +
                                   "\r\nConnection: close\r\n\r\n" + kFeed});
  const FetchResult result = run(request_to(upstream_.url("/latin1.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.body, kFeed);
  EXPECT_EQ(result.etag, "");
  EXPECT_EQ(result.last_modified, "");
  upstream_.serve("/utf8.xml", {200, kRss, kFeed, "\"caf\xc3\xa9\"", ""});
  EXPECT_EQ(run(request_to(upstream_.url("/utf8.xml"))).etag, "\"caf\xc3\xa9\"");
}

TEST_F(FetcherTest, LastModifiedGives304) {
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", "Wed, 17 Dec 2025 09:30:00 GMT"});
  FetchRequest request = request_to(upstream_.url("/feed.xml"));
  request.last_modified = "Wed, 17 Dec 2025 09:30:00 GMT";
  const FetchResult result = run(request);
  EXPECT_EQ(result.status, 304);
  EXPECT_TRUE(result.is_not_modified());
  const auto sent = upstream_.requests("/feed.xml").at(0).headers;
  EXPECT_EQ(sent.at("if-modified-since"), "Wed, 17 Dec 2025 09:30:00 GMT");
  EXPECT_EQ(sent.count("if-none-match"), 0u);
}

TEST_F(FetcherTest, ServerIgnoringConditionalsIsDetectedByBodyHash) {
  FakeResponse ignoring{200, kRss, kFeed, "\"v1\"", ""};
  ignoring.is_ignoring_conditionals = true;
  upstream_.serve("/feed.xml", ignoring);
  const FetchResult first = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(first.is_success()) << first.message;
  FetchRequest second = request_to(upstream_.url("/feed.xml"));
  second.etag = first.etag;
  second.previous_body_hash = first.body_hash;
  const FetchResult result = run(second);
  EXPECT_EQ(result.status, 200);
  EXPECT_TRUE(result.is_unchanged_body);
  EXPECT_TRUE(result.is_not_modified());
  EXPECT_FALSE(result.is_success());
}

TEST_F(FetcherTest, ChangedBodyIsNotUnchanged) {
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  FetchRequest request = request_to(upstream_.url("/feed.xml"));
  request.previous_body_hash = std::string(64, '0');
  const FetchResult result = run(request);
  EXPECT_TRUE(result.is_success());
  EXPECT_FALSE(result.is_unchanged_body);
}

// ---- Compression and limits ----

TEST_F(FetcherTest, DecodesGzip) {
  const FetchResult result = fetch_feed_encoded("gzip", testing::gzip_compress(kFeed));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.body, kFeed);
  EXPECT_EQ(result.content_encoding, "gzip");
}

TEST_F(FetcherTest, DecodesDeflate) {
  const FetchResult result = fetch_feed_encoded("deflate", testing::zlib_compress(kFeed));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.body, kFeed);
}

TEST_F(FetcherTest, DecodesBrotli) {
  const FetchResult result = fetch_feed_encoded("br", testing::brotli_compress(kFeed));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.body, kFeed);
}

TEST_F(FetcherTest, CorruptGzipIsADecodeError) {
  upstream_.serve("/feed.xml", {200, {{"Content-Encoding", "gzip"}}, "definitely not gzip", "", ""});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_EQ(result.error, FetchError::decode);
  EXPECT_NE(result.message.find("corrupt gzip body"), std::string::npos) << result.message;
}

TEST_F(FetcherTest, OversizedBodyIsTooLarge) {
  upstream_.serve("/big.xml", {200, kRss, std::string(3 * 1024 * 1024, 'x'), "", ""});
  FetchRequest request = request_to(upstream_.url("/big.xml"));
  request.max_body_bytes = 1024 * 1024;
  const FetchResult result = run(request);
  EXPECT_EQ(result.error, FetchError::too_large);
  EXPECT_NE(result.message.find("larger than 1048576 bytes"), std::string::npos) << result.message;
  EXPECT_LT(result.bytes_transferred, 1024u * 1024u);  // refused at the headers
}

TEST_F(FetcherTest, OversizedChunkedBodyStopsAtTheTransferCap) {
  FakeResponse big{200, kRss, std::string(3 * 1024 * 1024, 'x'), "", ""};
  big.is_chunked = true;
  upstream_.serve("/big.xml", big);
  FetchRequest request = request_to(upstream_.url("/big.xml"));
  request.max_body_bytes = 1024 * 1024;
  const FetchResult result = run(request);
  EXPECT_EQ(result.error, FetchError::too_large);
  EXPECT_LT(result.bytes_transferred, 2u * 1024u * 1024u);
}

TEST_F(FetcherTest, GzipBombStopsEarly) {
  // 256 MiB of zeros in about 256 KiB: the 16 MiB decoded cap stops it
  // long before the end of the transfer.
  const std::string bomb = testing::gzip_of_zeros(256ull * 1024 * 1024);
  upstream_.serve("/bomb.xml", {200, {{"Content-Encoding", "gzip"}}, bomb, "", ""});
  const FetchResult result = run(request_to(upstream_.url("/bomb.xml")));
  EXPECT_EQ(result.error, FetchError::too_large);
  EXPECT_NE(result.message.find("decoded body exceeds the limit of 16777216 bytes"), std::string::npos)
      << result.message;
  EXPECT_LT(result.bytes_transferred, bomb.size() / 2);
  EXPECT_TRUE(result.body.empty());
}

// ---- Redirects ----

TEST_F(FetcherTest, PermanentRedirectChainGivesFinalUrlAndPermanentFlag) {
  upstream_.serve("/old.xml", {301, {{"Location", "/moved/once.xml"}}, "", "", ""});
  upstream_.serve("/moved/once.xml", {308, {{"Location", "twice.xml"}}, "", "", ""});  // relative
  upstream_.serve("/moved/twice.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to(upstream_.url("/old.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.final_url, upstream_.url("/moved/twice.xml"));
  EXPECT_TRUE(result.is_permanent_redirect);
  ASSERT_EQ(result.redirects.size(), 2u);
  EXPECT_EQ(result.redirects[0].status, 301);
  EXPECT_EQ(result.redirects[1].to_url, upstream_.url("/moved/twice.xml"));
}

TEST_F(FetcherTest, TemporaryRedirectIsNotPermanent) {
  upstream_.serve("/old.xml", {301, {{"Location", "/tmp.xml"}}, "", "", ""});
  upstream_.serve("/tmp.xml", {302, {{"Location", "/new.xml"}}, "", "", ""});
  upstream_.serve("/new.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to(upstream_.url("/old.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.final_url, upstream_.url("/new.xml"));
  EXPECT_FALSE(result.is_permanent_redirect);
}

TEST_F(FetcherTest, RedirectLoopIsDetected) {
  upstream_.serve("/a.xml", {301, {{"Location", "/b.xml"}}, "", "", ""});
  upstream_.serve("/b.xml", {302, {{"Location", "/a.xml"}}, "", "", ""});
  const FetchResult result = run(request_to(upstream_.url("/a.xml")));
  EXPECT_EQ(result.error, FetchError::redirect_loop);
  EXPECT_NE(result.message.find("redirect loop"), std::string::npos) << result.message;
  EXPECT_EQ(upstream_.hits("/a.xml"), 1);
}

TEST_F(FetcherTest, MoreThanFiveRedirectsAreRefused) {
  for (int i = 0; i < 7; ++i)
    upstream_.serve("/" + std::to_string(i), {307, {{"Location", "/" + std::to_string(i + 1)}}, "", "", ""});
  const FetchResult result = run(request_to(upstream_.url("/0")));
  EXPECT_EQ(result.error, FetchError::redirect_loop);
  EXPECT_NE(result.message.find("more than 5 redirects"), std::string::npos) << result.message;
  EXPECT_EQ(upstream_.hits("/6"), 0);
}

// ---- Status handling ----

TEST_F(FetcherTest, GoneIsFlagged) {
  upstream_.serve("/feed.xml", {410, {{"Content-Type", "text/html"}}, "<h1>This feed is gone</h1>", "", ""});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_EQ(result.error, FetchError::http);
  EXPECT_EQ(result.status, 410);
  EXPECT_TRUE(result.is_gone());
  EXPECT_EQ(result.body_excerpt, "This feed is gone");
  EXPECT_EQ(result.message, "HTTP 410 Gone: This feed is gone");
}

TEST_F(FetcherTest, TooManyRequestsWithRetryAfterSeconds) {
  upstream_.serve("/feed.xml", {429, {{"Retry-After", "120"}}, "slow down", "", ""});
  const auto before = core::now_utc();
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_EQ(result.status, 429);
  EXPECT_TRUE(result.is_rate_limited());
  ASSERT_TRUE(result.retry_at);
  EXPECT_GE(*result.retry_at, before + 120s);
  EXPECT_LE(*result.retry_at, core::now_utc() + 120s);
  EXPECT_NE(result.message.find("retry after"), std::string::npos) << result.message;
}

TEST_F(FetcherTest, ServiceUnavailableWithRetryAfterDate) {
  const core::Timestamp later = std::chrono::floor<std::chrono::seconds>(core::now_utc()) + 2h;
  upstream_.serve("/feed.xml", {503, {{"Retry-After", core::format_http_date(later)}}, "", "", ""});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_EQ(result.status, 503);
  ASSERT_TRUE(result.retry_at);
  EXPECT_EQ(*result.retry_at, later);
}

TEST_F(FetcherTest, OtherErrorsCarryStatusAndExcerpt) {
  upstream_.serve("/feed.xml", {500, {}, "Internal error: database on fire", "", ""});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_EQ(result.error, FetchError::http);
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.message, "HTTP 500 Internal Server Error: Internal error: database on fire");
}

TEST_F(FetcherTest, CacheControlBecomesAFreshnessHint) {
  upstream_.serve("/feed.xml", {200, {{"Cache-Control", "public, max-age=900"}}, kFeed, "", ""});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(result.freshness);
  EXPECT_EQ(*result.freshness, 900s);
  EXPECT_EQ(result.cache_control, "public, max-age=900");
}

// ---- Timeouts and broken servers ----

TEST_F(FetcherTest, SlowHeadersHitTheDeadline) {
  FakeResponse slow{200, kRss, kFeed, "", ""};
  slow.header_delay = 5s;
  upstream_.serve("/slow.xml", slow);
  FetchRequest request = request_to(upstream_.url("/slow.xml"));
  request.timeout = 1s;
  const auto started = std::chrono::steady_clock::now();
  const FetchResult result = run(request);
  EXPECT_EQ(result.error, FetchError::timeout);
  EXPECT_NE(result.message.find("waiting for the response headers"), std::string::npos) << result.message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(FetcherTest, BodyStallingMidwayHitsTheDeadline) {
  FakeResponse stalling{200, kRss, std::string(10000, 'x'), "", ""};
  stalling.stall_after_body_bytes = 1000;
  upstream_.serve("/stall.xml", stalling);
  FetchRequest request = request_to(upstream_.url("/stall.xml"));
  request.timeout = 1s;
  const FetchResult result = run(request);
  EXPECT_EQ(result.error, FetchError::timeout);
  EXPECT_NE(result.message.find("reading the body"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("1000 bytes received"), std::string::npos) << result.message;
}

TEST_F(FetcherTest, ConnectionResetIsAnError) {
  FakeResponse reset;
  reset.is_reset = true;
  upstream_.serve("/reset.xml", reset);
  const FetchResult result = run(request_to(upstream_.url("/reset.xml")));
  EXPECT_NE(result.error, FetchError::none);
  EXPECT_NE(result.error, FetchError::timeout);
  EXPECT_TRUE(result.message.find("reset") != std::string::npos ||
              result.message.find("closed the connection") != std::string::npos)
      << result.message;
}

TEST_F(FetcherTest, GarbageInsteadOfHttpIsAnHttpError) {
  FakeResponse garbage;
  garbage.raw_response = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
  upstream_.serve("/garbage", garbage);
  const FetchResult result = run(request_to(upstream_.url("/garbage")));
  EXPECT_EQ(result.error, FetchError::http);
  EXPECT_NE(result.message.find("did not answer with valid HTTP"), std::string::npos) << result.message;
}

TEST_F(FetcherTest, RefusedConnectionIsAConnectError) {
  std::string closed_url;
  {
    FakeUpstream gone;
    closed_url = gone.url("/feed.xml");
  }
  const FetchResult result = run(request_to(closed_url));
  EXPECT_EQ(result.error, FetchError::connect);
  EXPECT_NE(result.message.find("cannot connect"), std::string::npos) << result.message;
}

TEST_F(FetcherTest, UnresolvableHostIsADnsError) {
  const FetchResult result = run(request_to("http://no-such-host.invalid/feed.xml"));
  EXPECT_EQ(result.error, FetchError::dns);
  EXPECT_NE(result.message.find("cannot resolve no-such-host.invalid"), std::string::npos) << result.message;
}

TEST_F(FetcherTest, NonHttpUrlIsInvalid) {
  const FetchResult result = run(request_to("ftp://example.com/feed.xml"));
  EXPECT_EQ(result.error, FetchError::invalid_url);
}

// ---- Identity, per-source headers and credentials ----

TEST_F(FetcherTest, SendsUserAgentFromAndExtraHeaders) {
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  FetchRequest request = request_to(upstream_.url("/feed.xml"));
  request.user_agent = "TestAgent/1.0";
  request.from = "ops@example.org";
  request.headers = {{"X-Api-Key", "k-123"}, {"Host", "evil.example"}};
  const FetchResult result = run(request);
  ASSERT_TRUE(result.is_success()) << result.message;
  const auto sent = upstream_.requests("/feed.xml").at(0).headers;
  EXPECT_EQ(sent.at("user-agent"), "TestAgent/1.0");
  EXPECT_EQ(sent.at("from"), "ops@example.org");
  EXPECT_EQ(sent.at("x-api-key"), "k-123");
  EXPECT_EQ(sent.at("host"), "127.0.0.1:" + std::to_string(upstream_.port()));  // reserved: not overridden
}

TEST_F(FetcherTest, SendsBasicCredentialsToTheSourceOnly) {
  FakeUpstream elsewhere;
  elsewhere.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  upstream_.serve("/private.xml", {302, {{"Location", elsewhere.url("/feed.xml")}}, "", "", ""});
  FetchRequest request = request_to(upstream_.url("/private.xml"));
  request.username = "reader";
  request.password = "s3cret";
  request.headers = {{"X-Api-Key", "k-123"}};
  const FetchResult result = run(request);
  ASSERT_TRUE(result.is_success()) << result.message;
  const auto to_source = upstream_.requests("/private.xml").at(0).headers;
  EXPECT_EQ(to_source.at("authorization"), "Basic cmVhZGVyOnMzY3JldA==");
  const auto to_elsewhere = elsewhere.requests("/feed.xml").at(0).headers;
  EXPECT_EQ(to_elsewhere.count("authorization"), 0u);
  EXPECT_EQ(to_elsewhere.count("x-api-key"), 0u);
}

TEST_F(FetcherTest, CredentialsInTheUrlAreSentButNeverShown) {
  upstream_.serve("/private.xml", {401, {}, "who are you?", "", ""});
  const std::string url = "http://reader:s3cret@127.0.0.1:" + std::to_string(upstream_.port()) + "/private.xml";
  const FetchResult result = run(request_to(url));
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(upstream_.requests("/private.xml").at(0).headers.at("authorization"), "Basic cmVhZGVyOnMzY3JldA==");
  EXPECT_EQ(result.message.find("s3cret"), std::string::npos) << result.message;
}

TEST_F(FetcherTest, ErrorMessagesNeverShowCredentials) {
  std::string closed_url;
  {
    FakeUpstream gone;
    closed_url = "http://reader:s3cret@127.0.0.1:" + std::to_string(gone.port()) + "/feed.xml";
  }
  const FetchResult result = run(request_to(closed_url));
  EXPECT_EQ(result.error, FetchError::connect);
  EXPECT_EQ(result.message.find("s3cret"), std::string::npos) << result.message;
  const FetchResult invalid = run(request_to("gopher://reader:s3cret@example.com/"));
  EXPECT_EQ(invalid.message.find("s3cret"), std::string::npos) << invalid.message;
}

// ---- Connections: keep-alive, caps, IPv6 ----

TEST_F(FetcherTest, ReusesKeptAliveConnection) {
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  upstream_.serve("/other.xml", {200, kRss, kFeed, "", ""});
  const FetchResult first = run(request_to(upstream_.url("/feed.xml")));
  const FetchResult second = run(request_to(upstream_.url("/other.xml")));
  ASSERT_TRUE(first.is_success()) << first.message;
  ASSERT_TRUE(second.is_success()) << second.message;
  EXPECT_FALSE(first.is_connection_reused);
  EXPECT_TRUE(second.is_connection_reused);
  EXPECT_EQ(upstream_.connections(), 1);
  EXPECT_EQ(fetcher().stats().connections_reused, 1u);
}

TEST_F(FetcherTest, DoesNotReuseAConnectionTheServerClosed) {
  FakeResponse closing{200, kRss, kFeed, "", ""};
  closing.is_closing = true;
  upstream_.serve("/feed.xml", closing);
  run(request_to(upstream_.url("/feed.xml")));
  const FetchResult second = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(second.is_success()) << second.message;
  EXPECT_FALSE(second.is_connection_reused);
  EXPECT_EQ(upstream_.connections(), 2);
}

TEST_F(FetcherTest, IdleConnectionsExpire) {
  FetcherOptions options = test_options();
  options.idle_timeout = 0s;
  make_fetcher(options);
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  run(request_to(upstream_.url("/feed.xml")));
  const FetchResult second = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_FALSE(second.is_connection_reused);
  EXPECT_EQ(upstream_.connections(), 2);
}

TEST_F(FetcherTest, PerHostCapLimitsParallelConnections) {
  FakeResponse slow{200, kRss, kFeed, "", ""};
  slow.header_delay = 300ms;
  upstream_.serve("/feed.xml", slow);
  std::vector<FetchRequest> requests(5, request_to(upstream_.url("/feed.xml")));
  const auto results = run_all(requests);
  for (const auto& result : results) EXPECT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(upstream_.max_concurrent_requests(), 2);  // the default cap
  EXPECT_EQ(upstream_.connections(), 2);
}

TEST_F(FetcherTest, GlobalCapLimitsConnectionsAcrossHosts) {
  FetcherOptions options = test_options();
  options.max_connections = 1;
  options.resolve_overrides["other.test"] = {"127.0.0.1"};
  make_fetcher(options);
  FakeResponse slow{200, kRss, kFeed, "", ""};
  slow.header_delay = 300ms;
  upstream_.serve("/feed.xml", slow);
  const std::string other_url = "http://other.test:" + std::to_string(upstream_.port()) + "/feed.xml";
  const auto results = run_all({request_to(upstream_.url("/feed.xml")), request_to(other_url)});
  for (const auto& result : results) EXPECT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(upstream_.max_concurrent_requests(), 1);
}

TEST_F(FetcherTest, WaitingForACapStillHonorsTheDeadline) {
  FetcherOptions options = test_options();
  options.max_connections_per_host = 1;
  make_fetcher(options);
  FakeResponse stuck{200, kRss, kFeed, "", ""};
  stuck.header_delay = 10s;
  upstream_.serve("/stuck.xml", stuck);
  FetchRequest request = request_to(upstream_.url("/stuck.xml"));
  request.timeout = 1s;
  const auto results = run_all({request, request});
  EXPECT_EQ(results[0].error, FetchError::timeout);
  EXPECT_EQ(results[1].error, FetchError::timeout);
}

TEST_F(FetcherTest, FetchesOverIpv6Loopback) {
  FakeUpstream v6("::1");
  v6.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to(v6.url("/feed.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.peer_address, "[::1]:" + std::to_string(v6.port()));
  EXPECT_EQ(v6.requests("/feed.xml").at(0).headers.at("host"), "[::1]:" + std::to_string(v6.port()));
}

TEST_F(FetcherTest, FallsBackToTheNextAddressFamily) {
  // The name resolves to ::1 first, where nothing listens on that port.
  FetcherOptions options = test_options();
  options.resolve_overrides["dual.test"] = {"::1", "127.0.0.1"};
  make_fetcher(options);
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to("http://dual.test:" + std::to_string(upstream_.port()) + "/feed.xml"));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.peer_address, "127.0.0.1:" + std::to_string(upstream_.port()));
}

// ---- A start deadline (a fleet's claim of a host) ----

// A request that cannot start by its start_by is not sent at all — on a
// new connection or a kept-alive one, which stays in the pool for the next
// fetch — and one that can is sent as usual.
TEST_F(FetcherTest, ARequestPastItsStartByIsNotSent) {
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  FetchRequest late = request_to(upstream_.url("/feed.xml"));
  late.start_by = std::chrono::steady_clock::now() - 1ms;
  const FetchResult refused = run(late);
  EXPECT_EQ(refused.error, FetchError::late);
  EXPECT_NE(refused.message.find("not sent"), std::string::npos) << refused.message;
  EXPECT_TRUE(upstream_.requests("/feed.xml").empty());
  EXPECT_EQ(upstream_.connections(), 0);

  FetchRequest in_time = request_to(upstream_.url("/feed.xml"));
  in_time.start_by = std::chrono::steady_clock::now() + 10s;
  const FetchResult sent = run(in_time);
  ASSERT_TRUE(sent.is_success()) << sent.message;
  EXPECT_EQ(upstream_.requests("/feed.xml").size(), 1u);

  EXPECT_EQ(run(late).error, FetchError::late);  // a kept-alive connection is waiting: still not sent
  EXPECT_EQ(upstream_.requests("/feed.xml").size(), 1u);
  const FetchResult next = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(next.is_success()) << next.message;
  EXPECT_TRUE(next.is_connection_reused);
  EXPECT_EQ(upstream_.connections(), 1);
}

// The deadline is the first request's: the hops of a redirect it leads to
// follow whenever the answer comes.
TEST_F(FetcherTest, AStartByHoldsTheFirstHopOnly) {
  FakeResponse slow_redirect{301, {{"Location", "/moved.xml"}}, "", "", ""};
  slow_redirect.header_delay = 300ms;
  upstream_.serve("/old.xml", slow_redirect);
  upstream_.serve("/moved.xml", {200, kRss, kFeed, "", ""});
  FetchRequest request = request_to(upstream_.url("/old.xml"));
  request.start_by = std::chrono::steady_clock::now() + 100ms;
  const FetchResult result = run(request);
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.final_url, upstream_.url("/moved.xml"));
}

// ---- Blocked addresses ----

TEST_F(FetcherTest, BlocksPrivateAddressWhenEnabled) {
  FetcherOptions options = test_options();
  options.block_private_addresses = true;
  options.resolve_overrides["feed.test"] = {"127.0.0.1"};
  make_fetcher(options);
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult literal = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_EQ(literal.error, FetchError::blocked);
  EXPECT_NE(literal.message.find("a loopback address"), std::string::npos) << literal.message;
  // A name is checked after resolution.
  const FetchResult named = run(request_to("http://feed.test:" + std::to_string(upstream_.port()) + "/feed.xml"));
  EXPECT_EQ(named.error, FetchError::blocked);
  EXPECT_EQ(upstream_.connections(), 0);
}

TEST_F(FetcherTest, BlocksPrivateAddressOnARedirect) {
  FetcherOptions options = test_options();
  options.block_private_addresses = true;
  options.allowed_networks = {"127.0.0.0/8"};  // the source itself is allowed; ::1 is not
  make_fetcher(options);
  FakeUpstream v6("::1");
  v6.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  upstream_.serve("/feed.xml", {302, {{"Location", v6.url("/feed.xml")}}, "", "", ""});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_EQ(result.error, FetchError::blocked);
  EXPECT_EQ(upstream_.hits("/feed.xml"), 1);
  EXPECT_EQ(v6.connections(), 0);
}

// ---- TLS ----

class TlsFetcherTest : public FetcherTest {
 protected:
  void SetUp() override {
    pki_ = testing::make_test_pki();
    ca_file_ = temp_.write("test-ca.pem", pki_.ca.certificate_pem);
    FetcherOptions options = test_options();
    options.extra_ca_file = ca_file_.string();
    options.resolve_overrides["wrong-name.test"] = {"127.0.0.1"};
    options.resolve_overrides["localhost"] = {"127.0.0.1"};
    make_fetcher(options);
  }
  testing::TestPki pki_;
  testing::TempDir temp_;
  std::filesystem::path ca_file_;
};

TEST_F(TlsFetcherTest, AcceptsCertificateFromTrustedCa) {
  FakeUpstream secure(FakeUpstreamOptions{"127.0.0.1", pki_.server.certificate_pem, pki_.server.private_key_pem});
  secure.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to(secure.url("/feed.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.body, kFeed);
  const FetchResult by_name = run(request_to("https://localhost:" + std::to_string(secure.port()) + "/feed.xml"));
  ASSERT_TRUE(by_name.is_success()) << by_name.message;
}

TEST_F(TlsFetcherTest, RejectsSelfSignedCertificate) {
  FakeUpstream secure(
      FakeUpstreamOptions{"127.0.0.1", pki_.self_signed.certificate_pem, pki_.self_signed.private_key_pem});
  secure.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to(secure.url("/feed.xml")));
  EXPECT_EQ(result.error, FetchError::tls);
  EXPECT_NE(result.message.find("self-signed certificate"), std::string::npos) << result.message;
  EXPECT_EQ(secure.hits("/feed.xml"), 0);
}

TEST_F(TlsFetcherTest, RejectsCertificateForAnotherName) {
  FakeUpstream secure(FakeUpstreamOptions{"127.0.0.1", pki_.server.certificate_pem, pki_.server.private_key_pem});
  secure.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to("https://wrong-name.test:" + std::to_string(secure.port()) + "/feed.xml"));
  EXPECT_EQ(result.error, FetchError::tls);
  EXPECT_NE(result.message.find("hostname mismatch"), std::string::npos) << result.message;
}

TEST_F(TlsFetcherTest, ReusesKeptAliveTlsConnection) {
  FakeUpstream secure(FakeUpstreamOptions{"127.0.0.1", pki_.server.certificate_pem, pki_.server.private_key_pem});
  secure.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  run(request_to(secure.url("/feed.xml")));
  const FetchResult second = run(request_to(secure.url("/feed.xml")));
  ASSERT_TRUE(second.is_success()) << second.message;
  EXPECT_TRUE(second.is_connection_reused);
  EXPECT_EQ(secure.connections(), 1);
}

// ---- Proxies ----

TEST_F(FetcherTest, SendsHttpThroughTheProxy) {
  FakeProxy proxy;
  FetcherOptions options = test_options();
  options.http_proxy = "http://user:pw@127.0.0.1:" + std::to_string(proxy.port());
  make_fetcher(options);
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_TRUE(result.is_proxied);
  const auto seen = proxy.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, upstream_.url("/feed.xml"));  // absolute form
  EXPECT_EQ(seen[0].headers.at("proxy-authorization"), basic_authorization("user", "pw"));
  EXPECT_EQ(upstream_.hits("/feed.xml"), 1);
}

TEST_F(TlsFetcherTest, TunnelsHttpsThroughProxyConnect) {
  FakeProxy proxy;
  FetcherOptions options = test_options();
  options.extra_ca_file = ca_file_.string();
  options.https_proxy = proxy.url();
  make_fetcher(options);
  FakeUpstream secure(FakeUpstreamOptions{"127.0.0.1", pki_.server.certificate_pem, pki_.server.private_key_pem});
  secure.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to(secure.url("/feed.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_TRUE(result.is_proxied);
  const auto seen = proxy.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "CONNECT");
  EXPECT_EQ(seen[0].target, "127.0.0.1:" + std::to_string(secure.port()));
  EXPECT_EQ(secure.hits("/feed.xml"), 1);
}

TEST_F(FetcherTest, NoProxyBypassesTheProxy) {
  FakeProxy proxy;
  FetcherOptions options = test_options();
  options.http_proxy = proxy.url();
  options.no_proxy = {"127.0.0.0/8"};
  make_fetcher(options);
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_FALSE(result.is_proxied);
  EXPECT_TRUE(proxy.requests().empty());
}

TEST_F(FetcherTest, ANameOnlyTheProxyCouldResolveIsRefusedWhileBlockingPrivateAddresses) {
  // The proxy would resolve the name, perhaps to an address inside its own
  // network: with block_private_addresses on, what cannot be checked here
  // is not fetched, unless the operator says the proxy enforces the policy.
  FakeProxy proxy;
  FetcherOptions options = test_options();
  options.http_proxy = proxy.url();
  options.block_private_addresses = true;
  options.resolve_overrides["intranet.corp"] = {};  // does not resolve on this host
  make_fetcher(options);
  const FetchResult refused = run(request_to("http://intranet.corp/feed.xml"));
  EXPECT_EQ(refused.error, FetchError::blocked);
  EXPECT_NE(refused.message.find("does not resolve here"), std::string::npos) << refused.message;
  EXPECT_TRUE(proxy.requests().empty());

  options.proxy_blocks_private_addresses = true;
  fetcher().reconfigure(options);
  run(request_to("http://intranet.corp/feed.xml"));
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0].target, "http://intranet.corp/feed.xml");
}

TEST_F(FetcherTest, InvalidProxyIsAConnectError) {
  FetcherOptions options = test_options();
  options.http_proxy = "socks5://127.0.0.1:1080";
  make_fetcher(options);
  const FetchResult result = run(request_to(upstream_.url("/feed.xml")));
  EXPECT_EQ(result.error, FetchError::connect);
  EXPECT_NE(result.message.find("unsupported proxy scheme"), std::string::npos) << result.message;
}

// These tests read the proxy variables, so each sets or clears all of them
// itself: the caller's (a corporate machine's no_proxy=127.0.0.1 next to
// http_proxy, as scripts/test sets them) must not decide the outcome.
TEST_F(FetcherTest, TakesProxiesFromTheEnvironment) {
  FakeProxy proxy;
  testing::ScopedEnvironment environment;
  environment.clear_proxies().set("http_proxy", proxy.url());
  const FetchResult result = fetch_feed_with_environment(true);
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_TRUE(result.is_proxied);
  EXPECT_EQ(proxy.requests().size(), 1u);
}

TEST_F(FetcherTest, TakesUpperCaseProxyVariablesToo) {
  FakeProxy proxy;
  testing::ScopedEnvironment environment;
  environment.clear_proxies().set("HTTP_PROXY", proxy.url());
  const FetchResult result = fetch_feed_with_environment(true);
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_TRUE(result.is_proxied);
}

TEST_F(FetcherTest, NoProxyFromTheEnvironmentGoesDirect) {
  FakeProxy proxy;
  testing::ScopedEnvironment environment;
  environment.clear_proxies().set("http_proxy", proxy.url()).set("no_proxy", "localhost,127.0.0.1,::1");
  const FetchResult result = fetch_feed_with_environment(true);
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_FALSE(result.is_proxied);
  EXPECT_TRUE(proxy.requests().empty());
}

TEST_F(FetcherTest, IgnoresTheEnvironmentWhenToldTo) {
  // A proxy on a closed port: going through it would fail the fetch.
  testing::ScopedEnvironment environment;
  environment.clear_proxies().set("http_proxy", "http://127.0.0.1:9").set("https_proxy", "http://127.0.0.1:9");
  const FetchResult result = fetch_feed_with_environment(false);
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_FALSE(result.is_proxied);
}

TEST_F(FetcherTest, ReconfigureAppliesToNewConnections) {
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  const FetchResult direct = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(direct.is_success()) << direct.message;
  FakeProxy proxy;
  FetcherOptions options = test_options();
  options.http_proxy = proxy.url();
  fetcher().reconfigure(options);
  EXPECT_EQ(fetcher().stats().idle_connections, 0u);  // the direct one is closed
  const FetchResult proxied = run(request_to(upstream_.url("/feed.xml")));
  ASSERT_TRUE(proxied.is_success()) << proxied.message;
  EXPECT_TRUE(proxied.is_proxied);
  EXPECT_EQ(proxy.requests().size(), 1u);
}

TEST_F(FetcherTest, ReconfigureWithAnUnreadableCaFileChangesNothing) {
  FetcherOptions options = test_options();
  options.extra_ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(fetcher().reconfigure(options), std::runtime_error);
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  EXPECT_TRUE(run(request_to(upstream_.url("/feed.xml"))).is_success());
}

TEST_F(FetcherTest, DestroyingTheFetcherWithAFetchSuspendedIsSafe) {
  // As at shutdown: the loop stops with a poll in flight, the Fetcher goes,
  // then the io_context destroys the suspended fetch (ASan checks the rest).
  FakeResponse slow{200, kRss, kFeed, "", ""};
  slow.header_delay = 5s;
  upstream_.serve("/slow.xml", slow);
  std::optional<FetchResult> result;
  asio::co_spawn(io_, fetch_into(&fetcher(), request_to(upstream_.url("/slow.xml")), &result), asio::detached);
  io_.run_for(300ms);
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(fetcher().stats().open_connections, 1u);
  fetcher_.reset();
}

TEST_F(FetcherTest, ConnectTimeoutIsSeparateFromTheDeadline) {
  HangingListener hanging("127.0.0.1", 0);
  FetchRequest request = request_to("http://127.0.0.1:" + std::to_string(hanging.port()) + "/feed.xml");
  request.timeout = 20s;
  request.connect_timeout = 1s;
  const auto started = std::chrono::steady_clock::now();
  const FetchResult result = run(request);
  EXPECT_EQ(result.error, FetchError::timeout);
  EXPECT_NE(result.message.find("timed out connecting to 127.0.0.1"), std::string::npos) << result.message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(FetcherTest, HappyEyeballsTriesTheNextAddressWhileTheFirstHangs) {
  // ::1 on the upstream's port never answers; 127.0.0.1 does. The second
  // attempt starts after 250 ms, long before the connect timeout.
  HangingListener hanging("::1", upstream_.port());
  FetcherOptions options = test_options();
  options.resolve_overrides["dual.test"] = {"::1", "127.0.0.1"};
  make_fetcher(options);
  upstream_.serve("/feed.xml", {200, kRss, kFeed, "", ""});
  FetchRequest request = request_to("http://dual.test:" + std::to_string(upstream_.port()) + "/feed.xml");
  request.connect_timeout = 8s;
  const FetchResult result = run(request);
  ASSERT_TRUE(result.is_success()) << result.message;
  EXPECT_EQ(result.peer_address, "127.0.0.1:" + std::to_string(upstream_.port()));
  EXPECT_GE(result.timing.connect, 200ms);
  EXPECT_LT(result.timing.connect, 3s);
}

}  // namespace
}  // namespace tributary::fetch
