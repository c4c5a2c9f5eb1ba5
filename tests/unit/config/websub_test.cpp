// [websub] and [[push]]: the hub's mode, its limits, static push targets and
// subscribing to the sources' hubs ("auto" on only for a base URL a hub
// elsewhere can reach, true, false), with mistakes at their FILE:LINE:COL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;

ConfigLoad loaded(const std::string& toml) { return parse_config(toml, "test.toml"); }

std::vector<std::string> errors_of(const std::string& toml) {
  std::vector<std::string> messages;
  for (const ConfigError& error : loaded(toml).errors) messages.push_back(to_string(error));
  return messages;
}

bool subscribing(const std::string& toml) {
  const ConfigLoad load = loaded(toml);
  EXPECT_TRUE(load.config) << (load.errors.empty() ? "" : to_string(load.errors.front()));
  return load.config && is_subscribing(*load.config);
}

TEST(WebSubConfig, DefaultsToTheBuiltInHub) {
  const ConfigLoad load = loaded("");
  ASSERT_TRUE(load.config);
  EXPECT_EQ(load.config->websub.hub, HubMode::builtin);
  EXPECT_EQ(load.config->websub.default_lease, std::chrono::seconds(10 * 86400));
  EXPECT_EQ(load.config->websub.max_lease, std::chrono::seconds(30 * 86400));
  EXPECT_TRUE(load.config->pushes.empty());
}

TEST(WebSubConfig, ReadsAnExternalHubOrOff) {
  const ConfigLoad external = loaded("[websub]\nhub = \"https://hub.example/\"\n");
  ASSERT_TRUE(external.config);
  EXPECT_EQ(external.config->websub.hub, HubMode::external);
  EXPECT_EQ(external.config->websub.hub_url, "https://hub.example/");
  const ConfigLoad off = loaded("[websub]\nhub = \"off\"\ndelivery_attempts = 2\nretry_delay = \"5s\"\n");
  ASSERT_TRUE(off.config);
  EXPECT_EQ(off.config->websub.hub, HubMode::off);
  EXPECT_EQ(off.config->websub.delivery_attempts, 2u);
  EXPECT_EQ(off.config->websub.retry_delay, std::chrono::seconds(5));
}

TEST(WebSubConfig, RefusesAHubThatIsNeitherAModeNorAUrl) {
  EXPECT_THAT(errors_of("[websub]\nhub = \"built-in\"\n"),
              ElementsAre("test.toml:2:7: websub.hub: must be \"builtin\", \"off\" or a hub's http(s) URL "
                          "(malformed URL \"built-in\")"));
}

TEST(WebSubConfig, RefusesADefaultLeaseAboveTheMaximum) {
  EXPECT_THAT(errors_of("[websub]\ndefault_lease = \"40d\"\n"),
              ElementsAre("test.toml:2:17: websub.default_lease (40d) is above websub.max_lease (30d)"));
  EXPECT_THAT(errors_of("[websub]\nmax_lease = \"10s\"\n"),
              ElementsAre("test.toml:2:13: websub.max_lease must be between 1m and 365d, not \"10s\""));
}

TEST(WebSubConfig, UnknownKeySuggestsTheClosest) {
  EXPECT_THAT(errors_of("[websub]\nmax_subscription = 5\n"),
              ElementsAre("test.toml:2:1: unknown key \"max_subscription\" in [websub] (did you mean "
                          "\"max_subscriptions\"?)"));
}

TEST(WebSubConfig, SubscribeAutoNeedsAReachableBaseUrl) {
  EXPECT_FALSE(subscribing(""));
  EXPECT_FALSE(subscribing("[server]\nbase_url = \"http://127.0.0.1:8080/\"\n"));
  EXPECT_FALSE(subscribing("[server]\nbase_url = \"http://localhost:8080/\"\n"));
  EXPECT_FALSE(subscribing("[server]\nbase_url = \"http://[::1]:8080/\"\n"));
  EXPECT_TRUE(subscribing("[server]\nbase_url = \"https://news.example.org/\"\n"));
  EXPECT_TRUE(subscribing("[server]\nbase_url = \"https://news.example.org/\"\n[websub]\nsubscribe = \"auto\"\n"));
}

TEST(WebSubConfig, SubscribeTrueAndFalseForceIt) {
  EXPECT_TRUE(subscribing("[websub]\nsubscribe = true\n"));
  EXPECT_FALSE(subscribing("[server]\nbase_url = \"https://news.example.org/\"\n[websub]\nsubscribe = false\n"));
}

TEST(WebSubConfig, SubscribeOtherValuesAreErrorsWhereTheyAreWritten) {
  EXPECT_THAT(errors_of("[websub]\nsubscribe = \"yes\"\n"),
              ElementsAre("test.toml:2:13: websub.subscribe must be \"auto\", true or false"));
}

// The hub's keys and the subscriber's are one table: both read at once,
// and a typo of either is told with the other's keys known.
TEST(WebSubConfig, HubAndSubscribeKeysShareTheTable) {
  const ConfigLoad load = loaded("[websub]\nhub = \"off\"\nsubscribe = true\ntimeout = \"5s\"\n");
  ASSERT_TRUE(load.config) << (load.errors.empty() ? "" : to_string(load.errors[0]));
  EXPECT_EQ(load.config->websub.hub, HubMode::off);
  EXPECT_EQ(load.config->websub.subscribe, SubscribeMode::on);
  EXPECT_EQ(load.config->websub.timeout, std::chrono::seconds(5));
  EXPECT_THAT(errors_of("[websub]\nsubscrbe = true\n"),
              ElementsAre("test.toml:2:1: unknown key \"subscrbe\" in [websub] (did you mean \"subscribe\"?)"));
}

TEST(PushConfig, ReadsTargetsWithTheirChannel) {
  const ConfigLoad load = loaded(
      "[[channel]]\nname = \"news\"\n[[push]]\nurl = \"https://hook.example/a\"\nsecret = \"s\"\nchannel = \"news\"\n"
      "[[push]]\nurl = \"http://hook.example/b\"\n");
  ASSERT_TRUE(load.config) << (load.errors.empty() ? "" : to_string(load.errors[0]));
  ASSERT_EQ(load.config->pushes.size(), 2u);
  EXPECT_EQ(load.config->pushes[0].url, "https://hook.example/a");
  EXPECT_EQ(load.config->pushes[0].secret, "s");
  EXPECT_EQ(load.config->pushes[0].channel, "news");
  EXPECT_EQ(load.config->pushes[1].channel, "");
}

TEST(PushConfig, RefusesAMissingUrlAnUnknownChannelAndALongSecret) {
  EXPECT_THAT(errors_of("[[push]]\nsecret = \"s\"\n"), ElementsAre("test.toml:1:1: [[push]] has no url"));
  EXPECT_THAT(errors_of("[[push]]\nurl = \"http://h.example/\"\nchannel = \"nope\"\n"),
              ElementsAre("test.toml:3:11: push.channel: no [[channel]] is named \"nope\""));
  EXPECT_THAT(errors_of("[[push]]\nurl = \"http://h.example/\"\nsecret = \"" + std::string(200, 'x') + "\"\n"),
              ElementsAre("test.toml:3:10: push.secret: must be less than 200 bytes (W3C WebSub §5.1)"));
}

}  // namespace
}  // namespace tributary::config
