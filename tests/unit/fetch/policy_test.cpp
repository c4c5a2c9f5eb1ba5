// The fetcher's decisions without sockets: redirects, Retry-After,
// freshness, credentials, excerpts, blocked addresses, address order, proxies.
#include "fetch/policy.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

namespace tributary::fetch {
namespace {

using namespace std::chrono_literals;

core::Timestamp at(std::string_view rfc3339) { return *core::parse_rfc3339(rfc3339); }

// ---- Redirects ----

TEST(RedirectPolicy, ResolvesRelativeLocation) {
  const auto decision = decide_redirect("https://news.example/feeds/main.xml", 301, "../rss/all.xml",
                                        {"https://news.example/feeds/main.xml"}, 0, 5);
  ASSERT_TRUE(decision.next_url);
  EXPECT_EQ(*decision.next_url, "https://news.example/rss/all.xml");
}

TEST(RedirectPolicy, DropsTheFragment) {
  const auto decision = decide_redirect("https://a.example/x", 302, "/y#top", {"https://a.example/x"}, 0, 5);
  ASSERT_TRUE(decision.next_url);
  EXPECT_EQ(*decision.next_url, "https://a.example/y");
}

TEST(RedirectPolicy, DetectsLoop) {
  const std::vector<std::string> visited = {"https://a.example/1", "https://a.example/2"};
  const auto decision = decide_redirect("https://a.example/2", 301, "/1", visited, 1, 5);
  EXPECT_FALSE(decision.next_url);
  EXPECT_EQ(decision.error, FetchError::redirect_loop);
  EXPECT_EQ(decision.message, "redirect loop: https://a.example/2 redirects back to https://a.example/1");
}

TEST(RedirectPolicy, StopsAfterMaxHops) {
  const auto decision = decide_redirect("https://a.example/5", 302, "/6", {"https://a.example/5"}, 5, 5);
  EXPECT_EQ(decision.error, FetchError::redirect_loop);
  EXPECT_EQ(decision.message, "more than 5 redirects (the last one to https://a.example/6)");
}

TEST(RedirectPolicy, RefusesMissingLocation) {
  const auto decision = decide_redirect("https://a.example/", 301, " ", {"https://a.example/"}, 0, 5);
  EXPECT_EQ(decision.error, FetchError::http);
  EXPECT_EQ(decision.message, "HTTP 301 redirect without a Location header");
}

TEST(RedirectPolicy, RefusesNonHttpLocation) {
  const auto decision =
      decide_redirect("https://a.example/", 302, "ftp://a.example/feed", {"https://a.example/"}, 0, 5);
  EXPECT_EQ(decision.error, FetchError::http);
}

TEST(RedirectPolicy, PermanentStatusesAre301And308) {
  EXPECT_TRUE(is_permanent_redirect_status(301));
  EXPECT_TRUE(is_permanent_redirect_status(308));
  EXPECT_FALSE(is_permanent_redirect_status(302));
  EXPECT_FALSE(is_permanent_redirect_status(303));
  EXPECT_FALSE(is_permanent_redirect_status(307));
  EXPECT_TRUE(is_redirect_status(307));
  EXPECT_FALSE(is_redirect_status(304));
}

TEST(RedirectPolicy, SameOriginComparesSchemeHostAndEffectivePort) {
  EXPECT_TRUE(is_same_origin("https://A.example/x", "https://a.example:443/y"));
  EXPECT_FALSE(is_same_origin("https://a.example/x", "http://a.example/x"));
  EXPECT_FALSE(is_same_origin("https://a.example/x", "https://b.example/x"));
  EXPECT_FALSE(is_same_origin("http://a.example/x", "http://a.example:8080/x"));
}

// ---- Dates ----

TEST(HttpDates, ReadsAllThreeFormsOfRfc9110) {
  const auto expected = at("1994-11-06T08:49:37Z");
  EXPECT_EQ(parse_http_date_lenient("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
  EXPECT_EQ(parse_http_date_lenient("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
  EXPECT_EQ(parse_http_date_lenient("Sun Nov  6 08:49:37 1994"), expected);
  EXPECT_FALSE(parse_http_date_lenient("yesterday"));
}

TEST(HttpDates, ReadsTheObsoleteFormsMonthInAnyCaseAndALeapSecond) {
  EXPECT_EQ(parse_http_date_lenient("Sunday, 06-nov-94 08:49:37 GMT"), at("1994-11-06T08:49:37Z"));
  EXPECT_EQ(parse_http_date_lenient("Sun NOV  6 08:49:37 1994"), at("1994-11-06T08:49:37Z"));
  EXPECT_EQ(parse_http_date_lenient("Sun Nov  6 08:49:60 1994"), at("1994-11-06T08:49:59Z"));
  EXPECT_FALSE(parse_http_date_lenient("Sun November  6 08:49:37 1994"));
  EXPECT_FALSE(parse_http_date_lenient("Sunday, 31-Feb-94 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date_lenient("Sun Nov  6 24:00:00 1994"));
}

TEST(RetryAfter, ReadsDeltaSeconds) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_EQ(parse_retry_after("120", now), at("2025-12-17T10:02:00Z"));
}

TEST(RetryAfter, ReadsHttpDate) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_EQ(parse_retry_after("Wed, 17 Dec 2025 11:30:00 GMT", now), at("2025-12-17T11:30:00Z"));
}

TEST(RetryAfter, ADateInThePastMeansNow) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_EQ(parse_retry_after("Wed, 17 Dec 2025 09:00:00 GMT", now), now);
}

TEST(RetryAfter, CapsAbsurdDelaysAtAYear) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_EQ(parse_retry_after("999999999999", now), now + std::chrono::seconds{366 * 24 * 3600});
}

TEST(RetryAfter, IgnoresGarbage) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("-5", now));
  EXPECT_FALSE(parse_retry_after("", now));
}

TEST(Freshness, MaxAgeMinusAge) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_EQ(freshness_lifetime({"public, max-age=600", "", "", "100"}, now), 500s);
  EXPECT_EQ(freshness_lifetime({"max-age=\"60\"", "", "", ""}, now), 60s);
}

TEST(Freshness, MaxAgeWinsOverExpires) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_EQ(freshness_lifetime({"max-age=60", "Wed, 17 Dec 2025 12:00:00 GMT", "", ""}, now), 60s);
}

TEST(Freshness, ExpiresMinusDate) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_EQ(freshness_lifetime({"", "Wed, 17 Dec 2025 11:00:00 GMT", "Wed, 17 Dec 2025 10:30:00 GMT", ""}, now), 1800s);
  EXPECT_EQ(freshness_lifetime({"", "Wed, 17 Dec 2025 11:00:00 GMT", "", ""}, now), 3600s);
}

TEST(Freshness, NoCacheAndInvalidExpiresAreStale) {
  const auto now = at("2025-12-17T10:00:00Z");
  EXPECT_EQ(freshness_lifetime({"no-cache", "", "", ""}, now), 0s);
  EXPECT_EQ(freshness_lifetime({"private, no-store", "", "", ""}, now), 0s);
  EXPECT_EQ(freshness_lifetime({"", "0", "", ""}, now), 0s);
  EXPECT_EQ(freshness_lifetime({"", "Wed, 17 Dec 2025 09:00:00 GMT", "", ""}, now), 0s);
}

TEST(Freshness, NothingSaidIsNoHint) {
  EXPECT_FALSE(freshness_lifetime({"public", "", "", ""}, at("2025-12-17T10:00:00Z")));
}

// ---- Requests and responses ----

TEST(Credentials, BasicAuthorizationIsRfc7617) {
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("a"), "YQ==");
  EXPECT_EQ(base64("ab"), "YWI=");
  EXPECT_EQ(base64("abc"), "YWJj");
}

TEST(Credentials, ReservedHeadersAreTheFetchersOwn) {
  EXPECT_TRUE(is_reserved_header("Host"));
  EXPECT_TRUE(is_reserved_header("if-none-match"));
  EXPECT_TRUE(is_reserved_header("Accept-Encoding"));
  EXPECT_FALSE(is_reserved_header("X-Api-Key"));
  EXPECT_FALSE(is_reserved_header("Authorization"));
}

TEST(ErrorExcerpt, DropsTagsAndCollapsesWhitespace) {
  const std::string page =
      "<html><head><title>404 Not Found</title></head>\n<body><center><h1>404 Not Found</h1></center>"
      "<hr><center>nginx</center></body></html>";
  EXPECT_EQ(body_excerpt(page), "404 Not Found 404 Not Found nginx");
}

TEST(ErrorExcerpt, CutsLongTextOnACharacterBoundary) {
  const std::string text = std::string(9, 'a') + "ž" + "bbbb";
  EXPECT_EQ(body_excerpt(text, 10), std::string(9, 'a') + "…");
}

TEST(ErrorExcerpt, DecodesCommonEntities) { EXPECT_EQ(body_excerpt("Fish &amp; chips &lt;3"), "Fish & chips <3"); }

// ---- Addresses ----

TEST(BlockedAddresses, RefusesLoopbackPrivateAndLinkLocal) {
  EXPECT_EQ(blocked_address_reason("127.0.0.1"), "loopback");
  EXPECT_EQ(blocked_address_reason("::1"), "loopback");
  EXPECT_EQ(blocked_address_reason("10.1.2.3"), "private");
  EXPECT_EQ(blocked_address_reason("172.16.0.1"), "private");
  EXPECT_EQ(blocked_address_reason("172.31.255.255"), "private");
  EXPECT_EQ(blocked_address_reason("192.168.1.1"), "private");
  EXPECT_EQ(blocked_address_reason("169.254.1.1"), "link-local");
  EXPECT_EQ(blocked_address_reason("fe80::1"), "link-local");
  EXPECT_EQ(blocked_address_reason("fd12:3456::1"), "private (unique local)");
  EXPECT_EQ(blocked_address_reason("100.64.0.1"), "shared (carrier-grade NAT)");
  EXPECT_EQ(blocked_address_reason("0.0.0.0"), "unspecified");
  EXPECT_EQ(blocked_address_reason("::"), "unspecified");
  EXPECT_EQ(blocked_address_reason("224.0.0.1"), "multicast");
}

TEST(BlockedAddresses, RefusesCloudMetadata) {
  EXPECT_EQ(blocked_address_reason("169.254.169.254"), "cloud metadata");
  EXPECT_EQ(blocked_address_reason("fd00:ec2::254"), "cloud metadata");
}

TEST(BlockedAddresses, SeesThroughIpv4InIpv6) {
  EXPECT_EQ(blocked_address_reason("::ffff:127.0.0.1"), "loopback");
  EXPECT_EQ(blocked_address_reason("::ffff:169.254.169.254"), "cloud metadata");
  EXPECT_EQ(blocked_address_reason("64:ff9b::10.0.0.1"), "private");
  EXPECT_EQ(blocked_address_reason("2002:c0a8:0101::1"), "private");  // 6to4 of 192.168.1.1
}

TEST(BlockedAddresses, AllowsPublicAddresses) {
  EXPECT_FALSE(blocked_address_reason("93.184.215.14"));
  EXPECT_FALSE(blocked_address_reason("172.32.0.1"));
  EXPECT_FALSE(blocked_address_reason("2606:4700::6810:84e5"));
  EXPECT_FALSE(blocked_address_reason("::ffff:8.8.8.8"));
}

TEST(BlockedAddresses, UnparsableIsRefused) { EXPECT_EQ(blocked_address_reason("not-an-ip"), "unparsable"); }

TEST(Networks, ContainAddressesOfBothFamilies) {
  const auto v4 = parse_network("10.1.0.0/16");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(network_contains(*v4, "10.1.200.3"));
  EXPECT_FALSE(network_contains(*v4, "10.2.0.1"));
  EXPECT_TRUE(network_contains(*v4, "::ffff:10.1.0.9"));
  const auto v6 = parse_network("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(network_contains(*v6, "fd12::1"));
  EXPECT_FALSE(network_contains(*v6, "fe80::1"));
  const auto single = parse_network("192.0.2.7");
  ASSERT_TRUE(single);
  EXPECT_TRUE(network_contains(*single, "192.0.2.7"));
  EXPECT_FALSE(network_contains(*single, "192.0.2.8"));
  EXPECT_FALSE(parse_network("10.0.0.0/33"));
  EXPECT_FALSE(parse_network("ten"));
}

TEST(HappyEyeballs, AlternatesFamiliesStartingWithTheFirst) {
  // v6 v6 v6 v4 v4 → v6 v4 v6 v4 v6
  EXPECT_EQ(connection_order({true, true, true, false, false}), (std::vector<std::size_t>{0, 3, 1, 4, 2}));
  // v4 v6 → v4 v6
  EXPECT_EQ(connection_order({false, true}), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(connection_order({false, false}), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(connection_order({}), (std::vector<std::size_t>{}));
}

// ---- Proxies ----

TEST(Proxies, ParsesProxyUrlWithCredentials) {
  const auto parsed = parse_proxy_url("http://alice:s%3Acret@proxy.example:3128");
  ASSERT_TRUE(parsed.proxy) << parsed.error;
  EXPECT_EQ(parsed.proxy->host, "proxy.example");
  EXPECT_EQ(parsed.proxy->port, "3128");
  EXPECT_EQ(parsed.proxy->authorization, basic_authorization("alice", "s:cret"));
  EXPECT_EQ(parsed.proxy->display, "http://proxy.example:3128");
}

TEST(Proxies, AcceptsHostAndPortWithoutScheme) {
  const auto parsed = parse_proxy_url("proxy.example:8080");
  ASSERT_TRUE(parsed.proxy) << parsed.error;
  EXPECT_EQ(parsed.proxy->port, "8080");
}

TEST(Proxies, RefusesOtherSchemesWithoutShowingCredentials) {
  const auto parsed = parse_proxy_url("socks5://bob:hunter2@proxy.example:1080");
  EXPECT_FALSE(parsed.proxy);
  EXPECT_EQ(parsed.error.find("hunter2"), std::string::npos) << parsed.error;
  EXPECT_NE(parsed.error.find("unsupported proxy scheme \"socks5\""), std::string::npos) << parsed.error;
}

TEST(Proxies, NoProxyMatchesDomainsAndSubdomains) {
  const std::vector<std::string> no_proxy = {"internal.example", ".corp.example"};
  EXPECT_TRUE(is_proxy_bypassed("internal.example", "443", no_proxy));
  EXPECT_TRUE(is_proxy_bypassed("feeds.internal.example", "443", no_proxy));
  EXPECT_TRUE(is_proxy_bypassed("a.corp.example", "80", no_proxy));
  EXPECT_TRUE(is_proxy_bypassed("corp.example", "80", no_proxy));
  EXPECT_FALSE(is_proxy_bypassed("notinternal.example", "443", no_proxy));
  EXPECT_FALSE(is_proxy_bypassed("news.example", "443", no_proxy));
}

TEST(Proxies, NoProxyMatchesAddressesNetworksPortsAndStar) {
  EXPECT_TRUE(is_proxy_bypassed("127.0.0.1", "8080", {"127.0.0.1"}));
  EXPECT_TRUE(is_proxy_bypassed("::1", "8080", {"::1"}));
  EXPECT_TRUE(is_proxy_bypassed("[::1]", "8080", {"[::1]:8080"}));
  EXPECT_TRUE(is_proxy_bypassed("10.3.4.5", "80", {"10.0.0.0/8"}));
  EXPECT_FALSE(is_proxy_bypassed("11.3.4.5", "80", {"10.0.0.0/8"}));
  EXPECT_TRUE(is_proxy_bypassed("news.example", "8080", {"news.example:8080"}));
  EXPECT_FALSE(is_proxy_bypassed("news.example", "443", {"news.example:8080"}));
  EXPECT_TRUE(is_proxy_bypassed("anything.example", "443", {"*"}));
}

TEST(Proxies, SplitsEnvironmentNoProxy) {
  EXPECT_EQ(split_no_proxy("localhost, .corp.example,10.0.0.0/8 "),
            (std::vector<std::string>{"localhost", ".corp.example", "10.0.0.0/8"}));
}

}  // namespace
}  // namespace tributary::fetch
