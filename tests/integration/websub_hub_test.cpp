// The built-in WebSub hub through the real binary (issue 19.2): a
// subscriber peer of the project's own (support/websub_subscriber.hpp)
// subscribes to the daemon's feed, answers the verification of intent and
// receives each new version of the feed, signed; one that echoes a wrong
// challenge is not subscribed, one that fails is retried and then given
// up, one that unsubscribes gets nothing more; subscriptions survive a
// restart; with an external hub the daemon pings it instead, and [[push]]
// targets get the same signed deliveries; the RSS edition is a topic too.
// Every wait is bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/websub_peer.hpp"
#include "support/websub_subscriber.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

// The daemon's public address as its feeds name it; the hub checks topics
// against it, and nobody needs to reach it.
const std::string kBaseUrl = "http://tributary.example/";
const std::string kTopic = kBaseUrl + "feed.atom";

std::string rss(int items) {
  std::string xml =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title><link>http://wire.example/</link>";
  for (int i = 1; i <= items; ++i) {
    const std::string n = std::to_string(i);
    xml += "<item><title>Story number " + n + "</title><link>http://wire.example/" + n + "</link><guid>wire-" + n +
           "</guid><pubDate>Mon, 30 Nov 2026 0" + std::to_string(i % 10) + ":00:00 GMT</pubDate></item>";
  }
  return xml + "</channel></rss>";
}

class WebSubHub : public ::testing::Test {
 protected:
  void SetUp() override { upstream_.serve("/wire.xml", {200, {{"Content-Type", "application/rss+xml"}}, rss(1)}); }

  // The configuration every test starts from; `extra` is TOML added as is.
  DaemonConfig base_config(const std::string& extra = "", const std::string& retry_delay = "1s") const {
    DaemonConfig config(dir_.path() / "db/tributary.db");
    config.server("base_url = " + toml_string(kBaseUrl))
        .log("level = \"debug\"")
        .source(upstream_.url("/wire.xml"), "Wire", "interval = \"2s\"")
        .raw("[websub]\nretry_delay = " + toml_string(retry_delay) + "\ndelivery_attempts = 3\n" + extra);
    return config;
  }

  void start(const DaemonConfig& config) {
    daemon_ = std::make_unique<DaemonProcess>(dir_.write("tributary.toml", config.text()),
                                              dir_.path() / ("daemon" + std::to_string(++starts_) + ".log"));
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    ASSERT_TRUE(shows("Story number 1")) << daemon_->output();
  }

  // Whether /feed.atom shows `text` within 20 s.
  bool shows(const std::string& text) const {
    const auto has_text = [&text](const HttpReply& reply) {
      return reply.status == 200 && reply.body.find(text) != std::string::npos;
    };
    return has_text(daemon_->wait_until_http("/feed.atom", has_text, 20s));
  }

  HttpReply post_to_hub(const std::string& form) const {
    return http_request("127.0.0.1", daemon_->port(), "POST", "/websub/hub",
                        {{"Content-Type", "application/x-www-form-urlencoded"}}, 10s, form);
  }

  HttpReply request(const std::string& mode, const WebSubSubscriber& subscriber, const std::string& topic = kTopic) {
    std::string form = "hub.mode=" + mode + "&hub.topic=" + form_encode(topic) +
                       "&hub.callback=" + form_encode(subscriber.url("/callback?id=7"));
    if (!subscriber.secret().empty()) form += "&hub.secret=" + form_encode(subscriber.secret());
    if (mode == "subscribe") form += "&hub.lease_seconds=3600";
    return post_to_hub(form);
  }

  // Subscribes and waits until the daemon logs the subscription verified.
  void subscribe(const WebSubSubscriber& subscriber) {
    const HttpReply reply = request("subscribe", subscriber);
    ASSERT_EQ(reply.status, 202) << reply.body;
    ASSERT_TRUE(daemon_->wait_for_log("to feed.atom verified", 15s)) << daemon_->output();
  }

  // The upstream's feed gains stories up to `items`; the daemon shows it.
  void publish(int items) {
    upstream_.serve("/wire.xml", {200, {{"Content-Type", "application/rss+xml"}}, rss(items)});
    ASSERT_TRUE(shows("Story number " + std::to_string(items))) << daemon_->output();
  }

  FakeUpstream upstream_{"127.0.0.2"};  // the callbacks are on 127.0.0.1 (see CallbacksObey…)
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  int starts_ = 0;
};

TEST_F(WebSubHub, AdvertisesItsHubInTheFeedAndTheLinkHeader) {
  start(base_config());
  HttpReply atom = daemon_->get("/feed.atom");
  EXPECT_NE(atom.body.find("<link rel=\"hub\" href=\"http://tributary.example/websub/hub\"/>"), std::string::npos)
      << atom.body;
  EXPECT_EQ(atom.headers["link"],
            "<http://tributary.example/websub/hub>; rel=\"hub\", <http://tributary.example/feed.atom>; rel=\"self\"");
  const HttpReply json = daemon_->get("/feed.json");
  EXPECT_NE(json.body.find("\"hubs\":[{\"type\":\"WebSub\",\"url\":\"http://tributary.example/websub/hub\"}]"),
            std::string::npos)
      << json.body;
}

// The RSS edition (issue 25) is a topic like the Atom one: it names the
// hub (an atom:link in its channel, and the Link header), and a subscriber
// to it gets the new RSS document.
TEST_F(WebSubHub, TheRssEditionAdvertisesTheHubAndIsDelivered) {
  start(base_config());
  const std::string rss_topic = kBaseUrl + "feed.rss";
  HttpReply edition = daemon_->get("/feed.rss");
  EXPECT_NE(edition.body.find("<atom:link rel=\"hub\" href=\"http://tributary.example/websub/hub\"/>"),
            std::string::npos)
      << edition.body;
  EXPECT_EQ(edition.headers["link"],
            "<http://tributary.example/websub/hub>; rel=\"hub\", <" + rss_topic + ">; rel=\"self\"");
  WebSubSubscriber subscriber("an-rss-secret");
  ASSERT_EQ(request("subscribe", subscriber, rss_topic).status, 202);
  ASSERT_TRUE(daemon_->wait_for_log("to feed.rss verified", 15s)) << daemon_->output();
  publish(2);
  ASSERT_TRUE(subscriber.wait_for_posts(1, 10s)) << daemon_->output();
  const ReceivedPost delivery = subscriber.posts()[0];
  EXPECT_EQ(delivery.content_type, "application/rss+xml; charset=utf-8");
  EXPECT_NE(delivery.body.find("<title>Story number 2</title>"), std::string::npos) << delivery.body;
  EXPECT_EQ(delivery.link, "<http://tributary.example/websub/hub>; rel=\"hub\", <" + rss_topic + ">; rel=\"self\"");
  EXPECT_TRUE(delivery.is_signature_valid) << delivery.signature;
}

TEST_F(WebSubHub, VerifiesASubscriptionAndDeliversTheNextChangeSigned) {
  start(base_config());
  WebSubSubscriber subscriber("a-subscriber-secret");
  subscribe(subscriber);
  const std::vector<ReceivedVerification> verifications = subscriber.verifications();
  ASSERT_EQ(verifications.size(), 1u);
  EXPECT_EQ(verifications[0].mode, "subscribe");
  EXPECT_EQ(verifications[0].topic, kTopic);
  EXPECT_EQ(verifications[0].lease_seconds, "3600");
  EXPECT_GE(verifications[0].challenge.size(), 32u);
  EXPECT_EQ(verifications[0].target.rfind("/callback?id=7&hub.mode=subscribe", 0), 0u) << verifications[0].target;

  publish(2);
  ASSERT_TRUE(subscriber.wait_for_posts(1, 10s)) << daemon_->output();
  const ReceivedPost delivery = subscriber.posts()[0];
  EXPECT_EQ(delivery.target, "/callback?id=7");
  EXPECT_NE(delivery.body.find("Story number 2"), std::string::npos) << delivery.body;
  EXPECT_EQ(delivery.content_type, "application/atom+xml; charset=utf-8");
  EXPECT_EQ(delivery.link,
            "<http://tributary.example/websub/hub>; rel=\"hub\", <http://tributary.example/feed.atom>; rel=\"self\"");
  EXPECT_TRUE(delivery.is_signature_valid) << delivery.signature;
  EXPECT_EQ(delivery.signature.rfind("sha256=", 0), 0u);

  const HttpReply metrics = daemon_->get("/metrics");
  EXPECT_NE(metrics.body.find("tributary_websub_deliveries_total{kind=\"subscriber\"} 1"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("tributary_websub_hub_subscriptions{topic=\"feed.atom\"} 1"), std::string::npos)
      << metrics.body;
}

TEST_F(WebSubHub, ASubscriberThatGivesAWrongChallengeIsNotSubscribed) {
  start(base_config());
  WebSubSubscriber subscriber("secret");
  subscriber.answer_challenges(ChallengeAnswer::wrong);
  ASSERT_EQ(request("subscribe", subscriber).status, 202);
  ASSERT_TRUE(daemon_->wait_for_log("to feed.atom not verified: the answer did not echo hub.challenge", 15s))
      << daemon_->output();
  publish(2);
  std::this_thread::sleep_for(2s);  // the time a delivery takes, many times over
  EXPECT_TRUE(subscriber.posts().empty());
  EXPECT_NE(daemon_->get("/metrics")
                .body.find("tributary_websub_verifications_total{mode=\"subscribe\",result=\"failed\"} 1"),
            std::string::npos);
}

TEST_F(WebSubHub, AFailingSubscriberIsRetriedThenGivenUp) {
  start(base_config());
  WebSubSubscriber subscriber;
  subscriber.answer_posts(500);
  subscribe(subscriber);
  publish(2);
  // delivery_attempts = 3, retry_delay = 1s: at +0 s, +1 s, +3 s.
  ASSERT_TRUE(subscriber.wait_for_posts(3, 15s)) << daemon_->output();
  ASSERT_TRUE(daemon_->wait_for_log("gave up delivering feed.atom", 5s)) << daemon_->output();
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(subscriber.posts().size(), 3u) << "no fourth attempt";
  const std::string metrics = daemon_->get("/metrics").body;
  EXPECT_NE(metrics.find("tributary_websub_delivery_failures_total{kind=\"subscriber\"} 3"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tributary_websub_deliveries_abandoned_total{kind=\"subscriber\"} 1"), std::string::npos);
}

// A delivery waiting for its retry holds up neither SIGTERM nor the exit
// status (the sanitizer build fails the exit on a leak or a use after free).
TEST_F(WebSubHub, StopsCleanlyWhileADeliveryWaitsToBeRetried) {
  start(base_config("", "1h"));
  WebSubSubscriber subscriber;
  subscriber.answer_posts(503);
  subscribe(subscriber);
  publish(2);
  ASSERT_TRUE(subscriber.wait_for_posts(1, 10s)) << daemon_->output();
  ASSERT_TRUE(daemon_->wait_for_log("delivering feed.atom to", 5s)) << daemon_->output();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon_->stop(), std::optional<int>(0)) << daemon_->output();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST_F(WebSubHub, SubscribingAgainRenewsTheLeaseInPlace) {
  start(base_config());
  WebSubSubscriber subscriber("first-secret");
  subscribe(subscriber);
  ASSERT_EQ(request("subscribe", subscriber).status, 202);
  ASSERT_TRUE(daemon_->wait_for_log("to feed.atom renewed (lease 3600 s", 15s)) << daemon_->output();
  EXPECT_EQ(subscriber.verifications().size(), 2u);
  const HttpReply metrics = daemon_->wait_until_http(
      "/metrics",
      [](const HttpReply& reply) {
        return reply.body.find("tributary_websub_hub_subscriptions{topic=\"feed.atom\"} 1") != std::string::npos;
      },
      5s);
  EXPECT_NE(metrics.body.find("tributary_websub_hub_subscriptions{topic=\"feed.atom\"} 1"), std::string::npos)
      << metrics.body;
}

TEST_F(WebSubHub, AnUnsubscribedCallbackGetsNothingMore) {
  start(base_config());
  WebSubSubscriber subscriber;
  subscribe(subscriber);
  ASSERT_EQ(request("unsubscribe", subscriber).status, 202);
  ASSERT_TRUE(daemon_->wait_for_log("ended: unsubscribe verified", 15s)) << daemon_->output();
  ASSERT_EQ(subscriber.verifications().size(), 2u);
  EXPECT_EQ(subscriber.verifications()[1].mode, "unsubscribe");
  EXPECT_EQ(subscriber.verifications()[1].lease_seconds, "");
  publish(2);
  std::this_thread::sleep_for(2s);
  EXPECT_TRUE(subscriber.posts().empty());
}

TEST_F(WebSubHub, SubscriptionsSurviveARestart) {
  start(base_config());
  WebSubSubscriber subscriber("kept-secret");
  subscribe(subscriber);
  ASSERT_EQ(daemon_->stop(), std::optional<int>(0));
  start(base_config());
  ASSERT_TRUE(daemon_->wait_for_log("websub hub: 1 subscription from the store", 5s)) << daemon_->output();
  publish(2);
  ASSERT_TRUE(subscriber.wait_for_posts(1, 10s)) << daemon_->output();
  EXPECT_TRUE(subscriber.posts()[0].is_signature_valid);
  EXPECT_EQ(subscriber.verifications().size(), 1u) << "no second verification after the restart";
}

TEST_F(WebSubHub, RefusesTopicsThatAreNotItsFeedsAndOtherMethods) {
  start(base_config());
  WebSubSubscriber subscriber;
  const HttpReply other_site = request("subscribe", subscriber, "http://elsewhere.example/feed.atom");
  EXPECT_EQ(other_site.status, 404);
  EXPECT_NE(other_site.body.find("not a feed of this Tributary"), std::string::npos) << other_site.body;
  const HttpReply filtered = request("subscribe", subscriber, kBaseUrl + "feed.atom?tag=x");
  EXPECT_EQ(filtered.status, 404);
  EXPECT_EQ(post_to_hub("hub.mode=publish&hub.url=" + form_encode(kTopic)).status, 400);
  HttpReply get = daemon_->get("/websub/hub");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.headers["allow"], "POST");
  EXPECT_EQ(http_request("127.0.0.1", daemon_->port(), "POST", "/websub/hub", {{"Content-Type", "text/plain"}}, 10s,
                         "hub.mode=subscribe")
                .status,
            415);
  EXPECT_TRUE(subscriber.verifications().empty());
}

TEST_F(WebSubHub, BehindATokenTheHubIsOpenButATopicMustCarryIt) {
  const std::string token = "a-token-of-sixteen-or-more";
  DaemonConfig with_token = base_config();
  with_token.server("token = " + toml_string(token));
  daemon_ = std::make_unique<DaemonProcess>(dir_.write("tributary.toml", with_token.text()), dir_.path() / "d.log");
  ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
  WebSubSubscriber subscriber;
  EXPECT_EQ(request("subscribe", subscriber).status, 403);
  EXPECT_EQ(request("subscribe", subscriber, kTopic + "?token=wrong-token-of-sixteen").status, 403);
  EXPECT_EQ(request("subscribe", subscriber, kTopic + "?token=" + token).status, 202);
  EXPECT_TRUE(subscriber.wait_for_verifications(1, 15s));
}

TEST_F(WebSubHub, CallbacksObeyBlockPrivateAddresses) {
  start(base_config().fetch("block_private_addresses = true\nallowed_networks = [\"127.0.0.2/32\"]"));
  WebSubSubscriber subscriber;
  ASSERT_EQ(request("subscribe", subscriber).status, 202);
  ASSERT_TRUE(daemon_->wait_for_log("to feed.atom not verified", 15s)) << daemon_->output();
  EXPECT_TRUE(subscriber.verifications().empty()) << "the loopback callback was never asked";
}

TEST_F(WebSubHub, PingsAnExternalHubOnEveryChange) {
  WebSubSubscriber external_hub;
  start(base_config("hub = " + toml_string(external_hub.url("/hub")) + "\n"));
  HttpReply atom = daemon_->get("/feed.atom");
  EXPECT_NE(atom.body.find("<link rel=\"hub\" href=\"" + external_hub.url("/hub") + "\"/>"), std::string::npos);
  publish(2);
  // One ping per topic that changed (the Atom, JSON Feed and RSS editions),
  // each sent on its own: they arrive in any order.
  const std::string atom_ping = "hub.mode=publish&hub.url=http%3A%2F%2Ftributary.example%2Ffeed.atom";
  const auto is_atom_ping = [&](const ReceivedPost& post) { return post.body == atom_ping; };
  std::vector<ReceivedPost> pings;
  for (const auto until = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < until && std::none_of(pings.begin(), pings.end(), is_atom_ping);
       std::this_thread::sleep_for(50ms))
    pings = external_hub.posts();
  ASSERT_TRUE(std::any_of(pings.begin(), pings.end(), is_atom_ping)) << pings.size() << " pings\n" << daemon_->output();
  for (const ReceivedPost& ping : pings) {
    EXPECT_EQ(ping.target, "/hub");
    EXPECT_EQ(ping.content_type, "application/x-www-form-urlencoded");
    EXPECT_TRUE(ping.body.starts_with("hub.mode=publish&hub.url=http%3A%2F%2Ftributary.example%2Ffeed.")) << ping.body;
  }
  // The built-in hub is not there.
  EXPECT_EQ(request("subscribe", external_hub).status, 404);
}

TEST_F(WebSubHub, PushTargetsGetSignedDeliveries) {
  WebSubSubscriber target("push-secret");
  DaemonConfig pushing = base_config();
  pushing.raw("[[push]]\nurl = " + toml_string(target.url("/push")) + "\nsecret = \"push-secret\"\n");
  start(pushing);
  // A push target is there from the start: the first poll's feed went to it.
  ASSERT_TRUE(target.wait_for_posts(1, 10s)) << daemon_->output();
  publish(2);
  ASSERT_TRUE(target.wait_for_posts(2, 10s)) << daemon_->output();
  const std::vector<ReceivedPost> posts = target.posts();
  for (const ReceivedPost& post : posts) {
    EXPECT_EQ(post.target, "/push");
    EXPECT_TRUE(post.is_signature_valid) << post.signature;
  }
  EXPECT_EQ(posts[0].body.find("Story number 2"), std::string::npos);
  EXPECT_NE(posts.back().body.find("Story number 2"), std::string::npos) << posts.back().body;
}

}  // namespace
}  // namespace tributary::testing
