// The WebSub subscriber through the real binary (issue 19.1): a source whose
// feed advertises the tests' own hub (support/fake_hub.hpp) is subscribed
// to with a secret, the daemon answers the verification of intent, a
// signed push shows its new entry in /feed.atom within 3 s without a poll,
// forged and unsigned pushes are ignored, a short lease is renewed, a
// source removed by a reload is unsubscribed, and a hub that refuses or
// never verifies leaves the source polled as before.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <thread>

#include "support/daemon.hpp"
#include "support/fake_hub.hpp"
#include "support/fake_upstream.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// An Atom feed that advertises `hub` and its own `self` URL, with one entry
// per title.
std::string atom_feed(const std::string& hub, const std::string& self, const std::vector<std::string>& titles) {
  std::string feed =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
      "<title>Wire</title><id>urn:test:wire</id><updated>2026-12-01T10:00:00Z</updated>"
      "<link rel=\"hub\" href=\"" +
      hub + "\"/><link rel=\"self\" href=\"" + self + "\"/>";
  for (std::size_t i = 0; i < titles.size(); ++i) {
    const std::string id = "urn:test:wire:" + titles[i];
    feed += "<entry><title>" + titles[i] + "</title><id>" + id + "</id><link href=\"https://wire.example/" + titles[i] +
            "\"/><updated>2026-12-01T1" + std::to_string(i) + ":00:00Z</updated><content>The story of " + titles[i] +
            ", told in enough words to be a story of its own.</content></entry>";
  }
  return feed + "</feed>\n";
}

// The hub's requests, for failure messages.
std::string describe(const std::vector<HubRequest>& requests) {
  std::string text;
  for (const HubRequest& request : requests)
    text += request.mode + " answered " + std::to_string(request.answered) + ", verification " +
            std::to_string(request.verification_status) + (request.is_verified ? " (verified)" : "") + "\n";
  return text;
}

FakeResponse atom_response(std::string body) {
  return {200, {{"Content-Type", "application/atom+xml"}}, std::move(body)};
}

class WebSubSubscriber : public ::testing::Test {
 protected:
  std::string topic() const { return upstream_.url("/feed.xml"); }

  // The daemon with the source polled every `interval` (long: pushes must
  // not wait for a poll) and subscribing forced on.
  void start(const std::string& interval = "1h") {
    upstream_.serve("/feed.xml", atom_response(atom_feed(hub_.url(), topic(), {"First"})));
    config_path_ = dir_.write("tributary.toml", config_text(interval, true));
    daemon_ = std::make_unique<DaemonProcess>(config_path_, dir_.path() / "daemon.log");
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
  }

  std::string config_text(const std::string& interval, bool with_source) const {
    DaemonConfig config(dir_.path() / "t.db");
    config.schedule("host_delay = \"0s\"").raw("[websub]\nsubscribe = true\n");
    if (with_source) config.source(topic(), "Wire", "interval = " + toml_string(interval));
    return config.text();
  }

  void expect_verified() {
    ASSERT_TRUE(hub_.wait_for_verified("subscribe", 1, 15s)) << daemon_->output();
    ASSERT_TRUE(daemon_->wait_for_log("subscription verified", 5s)) << daemon_->output();
  }

  // The one source's "delivery" in /sources.json ("" when it cannot be read).
  std::string delivery_of_source() const {
    const HttpReply reply = daemon_->get("/sources.json");
    boost::system::error_code error;
    const boost::json::value document = boost::json::parse(reply.body, error);
    if (error) return {};
    const boost::json::value* source = document.find_pointer("/sources/0/delivery", error);
    return source && source->is_string() ? std::string(source->as_string()) : std::string();
  }

  bool feed_shows(const std::string& title, std::chrono::milliseconds timeout) const {
    const HttpReply reply = daemon_->wait_until_http(
        "/feed.atom", [&](const HttpReply& r) { return r.body.find(title) != std::string::npos; }, timeout);
    return reply.body.find(title) != std::string::npos;
  }

  TempDir dir_;
  FakeUpstream upstream_;
  FakeHub hub_;
  std::filesystem::path config_path_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(WebSubSubscriber, SubscribesWithASecretAndAnswersTheVerification) {
  start();
  expect_verified();
  const HubRequest request = hub_.requests().at(0);
  EXPECT_EQ(request.mode, "subscribe");
  EXPECT_EQ(request.topic, topic());
  EXPECT_THAT(request.callback, StartsWith(daemon_->base_url() + "websub/"));
  EXPECT_GE(request.callback.size(), daemon_->base_url().size() + 7 + 32) << "the callback carries a long token";
  EXPECT_GE(request.secret.size(), 32u);
  EXPECT_LT(request.secret.size(), 200u);  // §5.1
  EXPECT_FALSE(request.lease_seconds.empty());
  EXPECT_EQ(request.answered, 202);
  EXPECT_EQ(request.verification_status, 200);
  EXPECT_TRUE(wait_until([&] { return delivery_of_source() == "pushed"; }, 5s)) << daemon_->get("/sources.json").body;
  // The landing page and `tributary status` say it too.
  EXPECT_THAT(daemon_->get("/").body, HasSubstr("pushed (hub 127.0.0.1, lease until "));
  const CommandResult status =
      run_command({tributary_binary().string(), "--config", config_path_.string(), "status"}, 60s);
  EXPECT_THAT(status.output, HasSubstr("pushed (hub 127.0.0.1, lease until ")) << status.output;
  EXPECT_THAT(daemon_->get("/metrics").body, HasSubstr("tributary_websub_subscriptions_total{event=\"verified\"} 1"));
}

TEST_F(WebSubSubscriber, AnswersNoVerificationItDidNotAskFor) {
  start();
  expect_verified();
  const std::string callback = hub_.requests().at(0).callback;
  const std::string path = callback.substr(daemon_->base_url().size() - 1);
  // A stranger's verification of another topic, of an unsubscription the
  // daemon never asked for, and of a made-up callback: 404, no challenge.
  EXPECT_EQ(daemon_->get(path + "?hub.mode=subscribe&hub.topic=https%3A%2F%2Fother.example%2F&hub.challenge=x").status,
            404);
  EXPECT_EQ(daemon_->get(path + "?hub.mode=unsubscribe&hub.topic=" + topic() + "&hub.challenge=x").status, 404);
  EXPECT_EQ(daemon_->get("/websub/made-up-token?hub.mode=subscribe&hub.topic=" + topic() + "&hub.challenge=x").status,
            404);
}

TEST_F(WebSubSubscriber, ASignedPushIsServedWithinThreeSecondsWithoutAPoll) {
  start();
  expect_verified();
  ASSERT_TRUE(feed_shows("First", 10s));
  const int polls = upstream_.hits("/feed.xml");
  const auto pushed_at = std::chrono::steady_clock::now();
  const std::vector<PushReply> replies =
      hub_.publish(topic(), atom_feed(hub_.url(), topic(), {"First", "Breaking"}), "application/atom+xml");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_GE(replies[0].status, 200);
  EXPECT_LT(replies[0].status, 300);
  EXPECT_TRUE(feed_shows("Breaking", 3s)) << daemon_->output();
  EXPECT_LT(std::chrono::steady_clock::now() - pushed_at, 3s);
  EXPECT_EQ(upstream_.hits("/feed.xml"), polls) << "the push, not a poll, brought the entry";
  const HttpReply metrics = daemon_->get("/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("tributary_websub_pushes_total{outcome=\"ingested\"} 1"));
}

// A push may be as large as a polled document ([fetch] max_body_size,
// 16 MiB by default): Beast checks a Content-Length against the header
// parser's body limit (1 MiB unless set) while it reads the header, which
// answered such a push 400 before it reached the callback.
TEST_F(WebSubSubscriber, APushLargerThanAMebibyteIsTaken) {
  start();
  expect_verified();
  std::string feed = atom_feed(hub_.url(), topic(), {"First", "Longread"});
  const std::string words(2 * 1024 * 1024, 'w');
  feed.insert(feed.find("</content></entry></feed>"), " " + words);
  const std::vector<PushReply> replies = hub_.publish(topic(), feed, "application/atom+xml");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, 200) << daemon_->output();
  EXPECT_TRUE(feed_shows("Longread", 3s)) << daemon_->output();
}

TEST_F(WebSubSubscriber, ForgedAndUnsignedPushesAreAcknowledgedAndIgnored) {
  start();
  expect_verified();
  for (const PushSignature signature : {PushSignature::forged, PushSignature::missing}) {
    const std::vector<PushReply> replies =
        hub_.publish(topic(), atom_feed(hub_.url(), topic(), {"First", "Forged"}), "application/atom+xml", signature);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_GE(replies[0].status, 200) << "§8: a bad signature is still acknowledged";
    EXPECT_LT(replies[0].status, 300);
  }
  // A genuine push after them shows that the forged ones were not merely slow.
  hub_.publish(topic(), atom_feed(hub_.url(), topic(), {"First", "Genuine"}), "application/atom+xml");
  ASSERT_TRUE(feed_shows("Genuine", 3s)) << daemon_->output();
  EXPECT_THAT(daemon_->get("/feed.atom").body, ::testing::Not(HasSubstr("Forged")));
  EXPECT_THAT(daemon_->get("/metrics").body,
              HasSubstr("tributary_websub_pushes_total{outcome=\"rejected_signature\"} 2"));
}

TEST_F(WebSubSubscriber, AVerifiedSourceIsStillPolledAtItsSafetyInterval) {
  start("2s");
  expect_verified();
  // The poll scheduled before the verification may still come at 2 s; from
  // then on the source waits 2 s × 4 (hubs drop subscriptions silently, so
  // it is polled all the same).
  ASSERT_TRUE(upstream_.wait_for_hits("/feed.xml", 2, 12s)) << daemon_->output();
  const int polls = upstream_.hits("/feed.xml");
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(upstream_.hits("/feed.xml"), polls) << "polled every 2 s despite the pushes";
  EXPECT_TRUE(upstream_.wait_for_hits("/feed.xml", polls + 1, 8s)) << "the safety poll came";
}

TEST_F(WebSubSubscriber, AShortLeaseIsRenewedBeforeItEnds) {
  hub_.set_granted_lease(2);
  start();
  expect_verified();
  EXPECT_TRUE(hub_.wait_for_verified("subscribe", 2, 10s)) << daemon_->output();
  EXPECT_TRUE(daemon_->wait_for_log("subscription renewed", 5s)) << daemon_->output();
  const std::vector<HubRequest> requests = hub_.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[1].callback, requests[0].callback) << "a renewal keeps its callback";
  EXPECT_EQ(requests[1].secret, requests[0].secret);
  EXPECT_LT(requests[1].received_at - requests[0].received_at, 3s) << "renewed before the lease of 2 s ended";
}

TEST_F(WebSubSubscriber, ASourceRemovedByAReloadIsUnsubscribed) {
  start();
  expect_verified();
  const std::string callback = hub_.requests().at(0).callback;
  dir_.write("tributary.toml", config_text("1h", false));
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(hub_.wait_for_verified("unsubscribe", 1, 10s)) << describe(hub_.requests()) << daemon_->output();
  const HubRequest unsubscribe = hub_.requests().back();
  EXPECT_EQ(unsubscribe.mode, "unsubscribe");
  EXPECT_EQ(unsubscribe.topic, topic());
  EXPECT_EQ(unsubscribe.callback, callback);
  EXPECT_TRUE(daemon_->wait_for_log("unsubscribed from", 5s)) << daemon_->output();
  // The callback is gone: a late push finds no subscription.
  EXPECT_EQ(daemon_->get(callback.substr(daemon_->base_url().size() - 1)).status, 404);
}

TEST_F(WebSubSubscriber, AHubThatNeverVerifiesLeavesTheSourcePolled) {
  hub_.set_verifying(false);
  start("1s");
  ASSERT_TRUE(hub_.wait_for_requests("subscribe", 1, 15s)) << daemon_->output();
  const int polls = upstream_.hits("/feed.xml");
  EXPECT_TRUE(upstream_.wait_for_hits("/feed.xml", polls + 2, 15s)) << daemon_->output();
  EXPECT_EQ(delivery_of_source(), "polled");
  EXPECT_THAT(daemon_->get("/sources.json").body, HasSubstr("\"state\":\"subscribing\""));
}

TEST_F(WebSubSubscriber, AHubThatRefusesIsLoggedAndTheSourcePolled) {
  hub_.set_answer_status(403);
  start("1s");
  ASSERT_TRUE(daemon_->wait_for_log("the hub refused the subscription: HTTP 403", 15s)) << daemon_->output();
  const int polls = upstream_.hits("/feed.xml");
  EXPECT_TRUE(upstream_.wait_for_hits("/feed.xml", polls + 2, 15s)) << daemon_->output();
  EXPECT_EQ(delivery_of_source(), "polled");
  EXPECT_THAT(daemon_->get("/sources.json").body, HasSubstr("\"state\":\"failed\""));
}

}  // namespace
}  // namespace tributary::testing
