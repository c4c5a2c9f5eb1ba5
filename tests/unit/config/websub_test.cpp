// [websub] subscribe: "auto" (on only for a base URL a hub elsewhere can
// reach), true, false, and the mistakes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"

namespace tributary::config {
namespace {

bool subscribing(const std::string& toml) {
  const ConfigLoad load = parse_config(toml, "test.toml");
  EXPECT_TRUE(load.config) << (load.errors.empty() ? "" : to_string(load.errors.front()));
  return load.config && is_subscribing(*load.config);
}

TEST(WebSubConfig, AutoNeedsAReachableBaseUrl) {
  EXPECT_FALSE(subscribing(""));
  EXPECT_FALSE(subscribing("[server]\nbase_url = \"http://127.0.0.1:8080/\"\n"));
  EXPECT_FALSE(subscribing("[server]\nbase_url = \"http://localhost:8080/\"\n"));
  EXPECT_FALSE(subscribing("[server]\nbase_url = \"http://[::1]:8080/\"\n"));
  EXPECT_TRUE(subscribing("[server]\nbase_url = \"https://news.example.org/\"\n"));
  EXPECT_TRUE(subscribing("[server]\nbase_url = \"https://news.example.org/\"\n[websub]\nsubscribe = \"auto\"\n"));
}

TEST(WebSubConfig, TrueAndFalseForceIt) {
  EXPECT_TRUE(subscribing("[websub]\nsubscribe = true\n"));
  EXPECT_FALSE(subscribing("[server]\nbase_url = \"https://news.example.org/\"\n[websub]\nsubscribe = false\n"));
}

TEST(WebSubConfig, OtherValuesAreErrorsWhereTheyAreWritten) {
  const ConfigLoad load = parse_config("[websub]\nsubscribe = \"yes\"\n", "test.toml");
  ASSERT_FALSE(load.config);
  EXPECT_THAT(to_string(load.errors.at(0)), ::testing::HasSubstr("test.toml:2:13: websub.subscribe must be"));
}

}  // namespace
}  // namespace tributary::config
