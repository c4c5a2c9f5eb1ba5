// The built-in hub's decisions (W3C WebSub §5, §7, §8), without sockets:
// reading subscription requests, topics, leases, verification, the
// delivery's request and the retry schedule.
#include "websub/hub_policy.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tributary::websub {
namespace {

using std::chrono::seconds;

constexpr std::string_view kForm = "application/x-www-form-urlencoded";

TopicSpace space(std::string token = "") {
  static const std::set<std::string, std::less<>> kDocuments = {"feed.atom", "feed.json", "c/news.atom"};
  return {"http://t.example/", [](std::string_view document) { return kDocuments.contains(document); },
          std::move(token)};
}

HubRequest accepted(std::string_view body, const TopicSpace& topics = space()) {
  auto read = read_hub_request(kForm, body, topics);
  if (auto* refusal = std::get_if<HubRefusal>(&read)) {
    ADD_FAILURE() << refusal->status << " " << refusal->reason;
    return {};
  }
  return std::get<HubRequest>(read);
}

HubRefusal refused(std::string_view body, const TopicSpace& topics = space(), std::string_view type = kForm) {
  auto read = read_hub_request(type, body, topics);
  if (auto* refusal = std::get_if<HubRefusal>(&read)) return *refusal;
  ADD_FAILURE() << "accepted: " << body;
  return {};
}

TEST(HubRequest, ReadsASubscription) {
  const HubRequest request = accepted(
      "hub.mode=subscribe&hub.topic=http%3A%2F%2Ft.example%2Fc%2Fnews.atom&hub.callback=https%3A%2F%2Fr.example%2Fcb%"
      "3Fa%3D1&hub.lease_seconds=86400&hub.secret=s3cr3t");
  EXPECT_EQ(request.mode, HubMode::subscribe);
  EXPECT_EQ(request.topic, "c/news.atom");
  EXPECT_EQ(request.topic_url, "http://t.example/c/news.atom");
  EXPECT_EQ(request.callback, "https://r.example/cb?a=1");
  EXPECT_EQ(request.lease_seconds, 86400);
  EXPECT_EQ(request.secret, "s3cr3t");
}

TEST(HubRequest, ReadsAnUnsubscriptionWithoutLeaseOrSecret) {
  const HubRequest request =
      accepted("hub.mode=unsubscribe&hub.topic=http://t.example/feed.json&hub.callback=http://r.example/cb");
  EXPECT_EQ(request.mode, HubMode::unsubscribe);
  EXPECT_EQ(request.topic, "feed.json");
  EXPECT_FALSE(request.lease_seconds);
  EXPECT_EQ(request.secret, "");
}

TEST(HubRequest, RefusesWhatIsNotASubscriptionRequest) {
  const std::string topic = "&hub.topic=http://t.example/feed.atom&hub.callback=http://r.example/cb";
  EXPECT_EQ(refused("hub.mode=subscribe" + topic, space(), "text/plain").status, 415);
  EXPECT_EQ(refused(topic.substr(1)).status, 400);  // no mode
  EXPECT_EQ(refused("hub.mode=publish&hub.url=http://t.example/feed.atom").status, 400);
  EXPECT_EQ(refused("hub.mode=subscribed" + topic).status, 400);
  EXPECT_EQ(refused("hub.mode=subscribe&hub.topic=http://t.example/feed.atom").status, 400);  // no callback
  EXPECT_EQ(refused("hub.mode=subscribe&hub.callback=http://r.example/cb").status, 400);      // no topic
  EXPECT_EQ(refused("hub.mode=subscribe" + topic + "&hub.callback=http://r.example/other").status, 400);
  EXPECT_EQ(refused("hub.mode=subscribe" + topic + "&hub.lease_seconds=0").status, 400);
  EXPECT_EQ(refused("hub.mode=subscribe" + topic + "&hub.lease_seconds=-5").status, 400);
  EXPECT_EQ(refused("hub.mode=subscribe" + topic + "&hub.lease_seconds=1e6").status, 400);
  EXPECT_EQ(refused("hub.mode=subscribe" + topic + "&hub.secret=" + std::string(200, 'x')).status, 400);
  EXPECT_EQ(refused("hub.mode=subscribe" + topic + "&hub.secret=%ZZ").status, 400);
  EXPECT_TRUE(accepted("hub.mode=subscribe" + topic + "&hub.secret=" + std::string(199, 'x')).secret.size() == 199);
  // The store keeps the secret as text (PostgreSQL's: UTF-8, no NUL).
  EXPECT_EQ(refused("hub.mode=subscribe" + topic + "&hub.secret=caf%E9").status, 400);
  EXPECT_EQ(refused("hub.mode=subscribe" + topic + "&hub.secret=a%00b").status, 400);
  EXPECT_EQ(accepted("hub.mode=subscribe" + topic + "&hub.secret=caf%C3%A9").secret, "caf\xc3\xa9");
}

TEST(HubRequest, RefusesCallbacksThatAreNotHttpUrls) {
  const std::string head = "hub.mode=subscribe&hub.topic=http://t.example/feed.atom&hub.callback=";
  EXPECT_EQ(refused(head + "ftp://r.example/cb").status, 400);
  EXPECT_EQ(refused(head + "/relative").status, 400);
  EXPECT_EQ(refused(head + "http://r.example/cb%23frag").status, 400);
  EXPECT_EQ(refused(head + "http://r.example/" + std::string(2100, 'a')).status, 400);
}

TEST(TopicDocument, IsOneOfTheSitesPlainDocuments) {
  EXPECT_EQ(std::get<std::string>(topic_document("http://t.example/feed.atom", space())), "feed.atom");
  EXPECT_EQ(std::get<HubRefusal>(topic_document("http://other.example/feed.atom", space())).status, 404);
  EXPECT_EQ(std::get<HubRefusal>(topic_document("http://t.example/c/sport.atom", space())).status, 404);
  EXPECT_EQ(std::get<HubRefusal>(topic_document("http://t.example/sources.json", space())).status, 404);
  EXPECT_EQ(std::get<HubRefusal>(topic_document("http://t.example/feed.atom?tag=x", space())).status, 404);
  EXPECT_EQ(std::get<HubRefusal>(topic_document("https://t.example/feed.atom", space())).status, 404);
}

TEST(TopicDocument, BehindATokenNeedsTheTokenInTheTopic) {
  const TopicSpace guarded = space("sixteen-char-token");
  EXPECT_EQ(std::get<HubRefusal>(topic_document("http://t.example/feed.atom", guarded)).status, 403);
  EXPECT_EQ(std::get<HubRefusal>(topic_document("http://t.example/feed.atom?token=sixteen-char-tokem", guarded)).status,
            403);
  EXPECT_EQ(
      std::get<HubRefusal>(topic_document("http://t.example/feed.atom?token=sixteen-char-token&tag=x", guarded)).status,
      403);
  EXPECT_EQ(std::get<std::string>(topic_document("http://t.example/feed.atom?token=sixteen-char-token", guarded)),
            "feed.atom");
}

TEST(GrantLease, TakesTheDefaultWhenNoneIsAskedAndCutsToTheMaximum) {
  EXPECT_EQ(grant_lease(std::nullopt, seconds(864000), seconds(2592000)), seconds(864000));
  EXPECT_EQ(grant_lease(3600, seconds(864000), seconds(2592000)), seconds(3600));
  EXPECT_EQ(grant_lease(99999999, seconds(864000), seconds(2592000)), seconds(2592000));
  EXPECT_EQ(grant_lease(5, seconds(864000), seconds(2592000)), kMinLease);
  // A default above the maximum (the config refuses it) is still cut.
  EXPECT_EQ(grant_lease(std::nullopt, seconds(7200), seconds(3600)), seconds(3600));
}

TEST(Verification, AddsTheHubFieldsToTheCallbacksQuery) {
  EXPECT_EQ(
      verification_url("http://r.example/cb", HubMode::subscribe, "http://t.example/feed.atom", "abc", seconds(3600)),
      "http://r.example/cb?hub.mode=subscribe&hub.topic=http%3A%2F%2Ft.example%2Ffeed.atom&hub.challenge=abc&hub."
      "lease_seconds=3600");
  EXPECT_EQ(verification_url("http://r.example/cb?id=7", HubMode::unsubscribe, "http://t.example/feed.atom", "abc",
                             std::nullopt),
            "http://r.example/cb?id=7&hub.mode=unsubscribe&hub.topic=http%3A%2F%2Ft.example%2Ffeed.atom&hub.challenge="
            "abc");
}

TEST(Verification, NeedsA2xxThatEchoesTheChallenge) {
  EXPECT_TRUE(is_verified(200, "abc", "abc"));
  EXPECT_TRUE(is_verified(202, "abc\n", "abc"));
  EXPECT_FALSE(is_verified(200, "abcd", "abc"));
  EXPECT_FALSE(is_verified(200, "", "abc"));
  EXPECT_FALSE(is_verified(404, "abc", "abc"));
  EXPECT_FALSE(is_verified(302, "abc", "abc"));
  EXPECT_FALSE(is_verified(200, "", ""));
}

TEST(ContentDistribution, CarriesTheDocumentItsTypeLinksAndSignature) {
  const OutgoingPost post =
      content_distribution("http://r.example/cb", "http://t.example/websub/hub", "http://t.example/feed.atom", "Jefe",
                           "application/atom+xml", "what do ya want for nothing?");
  EXPECT_EQ(post.url, "http://r.example/cb");
  EXPECT_EQ(post.body, "what do ya want for nothing?");
  ASSERT_EQ(post.headers.size(), 3u);
  EXPECT_EQ(post.headers[0], (std::pair<std::string, std::string>{"Content-Type", "application/atom+xml"}));
  EXPECT_EQ(post.headers[1].second,
            "<http://t.example/websub/hub>; rel=\"hub\", <http://t.example/feed.atom>; rel=\"self\"");
  // RFC 4231 test case 2.
  EXPECT_EQ(post.headers[2],
            (std::pair<std::string, std::string>{
                "X-Hub-Signature", "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"}));
}

TEST(ContentDistribution, IsUnsignedWithoutASecret) {
  const OutgoingPost post =
      content_distribution("http://r.example/cb", "", "http://t.example/feed.atom", "", "application/feed+json", "{}");
  ASSERT_EQ(post.headers.size(), 2u);
  EXPECT_EQ(post.headers[1].second, "<http://t.example/feed.atom>; rel=\"self\"");
}

TEST(PublishPing, NamesTheTopic) {
  const OutgoingPost ping = publish_ping("http://hub.example/", "http://t.example/feed.atom");
  EXPECT_EQ(ping.url, "http://hub.example/");
  EXPECT_EQ(ping.body, "hub.mode=publish&hub.url=http%3A%2F%2Ft.example%2Ffeed.atom");
}

TEST(RetryDelay, DoublesFromTheFirstUpToAnHour) {
  EXPECT_EQ(retry_delay(1, seconds(10)), seconds(10));
  EXPECT_EQ(retry_delay(2, seconds(10)), seconds(20));
  EXPECT_EQ(retry_delay(3, seconds(10)), seconds(40));
  EXPECT_EQ(retry_delay(9, seconds(10)), seconds(2560));
  EXPECT_EQ(retry_delay(10, seconds(10)), seconds(3600));
  EXPECT_EQ(retry_delay(1000, seconds(10)), seconds(3600));
  EXPECT_EQ(retry_delay(1, seconds(7200)), seconds(3600));
}

}  // namespace
}  // namespace tributary::websub
