// Config loading: every class of mistake is reported at its FILE:LINE:COL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "support/temp_dir.hpp"

namespace tributary::config {
namespace {

std::vector<std::string> errors_of(const std::string& toml) {
  std::vector<std::string> messages;
  for (const ConfigError& error : parse_config(toml, "test.toml").errors) messages.push_back(to_string(error));
  return messages;
}

using ::testing::ElementsAre;

TEST(ConfigErrors, UnknownKeySuggestsTheClosestKnownOne) {
  EXPECT_THAT(errors_of("[schedule]\nintervall = \"15m\"\n"),
              ElementsAre("test.toml:2:1: unknown key \"intervall\" in [schedule] (did you mean \"interval\"?)"));
}

TEST(ConfigErrors, UnknownKeyFarFromAnyKnownOneHasNoSuggestion) {
  EXPECT_THAT(errors_of("[feed]\ncolour = \"blue\"\n"), ElementsAre("test.toml:2:1: unknown key \"colour\" in [feed]"));
}

TEST(ConfigErrors, UnknownTopLevelSection) {
  EXPECT_THAT(errors_of("[servr]\nport = 1\n"),
              ElementsAre("test.toml:1:2: unknown key \"servr\" (did you mean \"server\"?)"));
}

TEST(ConfigErrors, WrongTypeNamesExpectedAndFound) {
  EXPECT_THAT(errors_of("[server]\nport = \"8080\"\n"),
              ElementsAre("test.toml:2:8: wrong type for server.port: expected an integer, found a string"));
}

TEST(ConfigErrors, PortOutOfRange) {
  EXPECT_THAT(errors_of("[server]\nport = 70000\n"),
              ElementsAre("test.toml:2:8: server.port must be between 0 and 65535, not 70000"));
}

TEST(ConfigErrors, MalformedSourceUrl) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"http//missing-colon.example/feed\"\n"),
              ElementsAre("test.toml:2:7: source.url: malformed URL \"http//missing-colon.example/feed\""));
}

TEST(ConfigErrors, UnsupportedScheme) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"ftp://example.org/feed.xml\"\n"),
              ElementsAre("test.toml:2:7: source.url: unsupported URL scheme \"ftp\" in "
                          "\"ftp://example.org/feed.xml\" (use http or https)"));
}

TEST(ConfigErrors, DuplicateSourceUrlComparesCanonicalForms) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://example.org/feed\"\n\n"
                        "[[source]]\nurl = \"https://EXAMPLE.org:443/feed\"\n"),
              ElementsAre("test.toml:5:7: duplicate source URL \"https://EXAMPLE.org:443/feed\" "
                          "(first defined at line 2)"));
}

TEST(ConfigErrors, ZeroInterval) {
  EXPECT_THAT(errors_of("[schedule]\ninterval = \"0s\"\n"),
              ElementsAre("test.toml:2:12: schedule.interval must be a positive duration, not \"0s\""));
}

TEST(ConfigErrors, NegativeInterval) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://example.org/\"\ninterval = \"-5m\"\n"),
              ElementsAre("test.toml:3:12: source.interval: negative duration \"-5m\""));
}

TEST(ConfigErrors, NegativeIntegerInterval) {
  EXPECT_THAT(errors_of("[schedule]\ninterval = -5\n"),
              ElementsAre("test.toml:2:12: schedule.interval must be a positive duration, not -5"));
}

TEST(ConfigErrors, UnknownDurationUnit) {
  EXPECT_THAT(errors_of("[schedule]\ninterval = \"15y\"\n"),
              ElementsAre("test.toml:2:12: schedule.interval: unknown duration unit \"y\" in \"15y\" "
                          "(use s, m, h, d or w)"));
}

TEST(ConfigErrors, UnknownSizeUnit) {
  EXPECT_THAT(errors_of("[fetch]\nmax_body_size = \"10MiBs\"\n"),
              ElementsAre("test.toml:2:17: fetch.max_body_size: unknown size unit \"MiBs\" in \"10MiBs\" "
                          "(use B, KiB, MiB, GiB, KB, MB or GB)"));
}

TEST(ConfigErrors, SourceWithoutUrl) {
  EXPECT_THAT(errors_of("[[source]]\nname = \"Nameless\"\n"), ElementsAre("test.toml:1:1: [[source]] has no url"));
}

TEST(ConfigErrors, TomlSyntaxError) {
  const auto errors = errors_of("[server]\nport = = 8080\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("test.toml:2:")) << errors[0];
  EXPECT_NE(errors[0].find("TOML syntax error"), std::string::npos) << errors[0];
}

TEST(ConfigErrors, AllMistakesAreReportedTogether) {
  const auto errors = errors_of("[server]\nport = \"x\"\n[schedule]\nintervall = \"1m\"\n");
  EXPECT_EQ(errors.size(), 2u);
}

TEST(ConfigErrors, UnreadableFile) {
  const ConfigLoad loaded = load_config_file("/nonexistent/tributary.toml");
  ASSERT_FALSE(loaded.config);
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(to_string(loaded.errors[0]),
            "/nonexistent/tributary.toml:1:1: cannot read config file: No such file or directory");
}

TEST(ConfigValues, ReadsEverySection) {
  const ConfigLoad loaded = parse_config(R"toml(
[server]
listen = "::1"
port = 9090
base_url = "https://news.example.org/"
[storage]
database = "/var/lib/tributary/t.db"
[fetch]
user_agent = "TestAgent/1"
timeout = "1m30s"
max_body_size = "2MiB"
[schedule]
interval = "2h"
[feed]
title = "Merged"
id = "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"
entries = 25
[log]
level = "debug"
[[source]]
url = "https://example.org/feed.xml"
tags = ["a", "b"]
interval = "90s"
[[source]]
url = "http://other.example/rss"
name = "Other"
)toml",
                                         "full.toml");
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : to_string(loaded.errors[0]));
  const Config& config = *loaded.config;
  EXPECT_EQ(config.server.listen_address, "::1");
  EXPECT_EQ(config.server.port, 9090);
  EXPECT_EQ(config.server.base_url, "https://news.example.org/");
  EXPECT_EQ(config.storage.database, "/var/lib/tributary/t.db");
  EXPECT_EQ(config.fetch.user_agent, "TestAgent/1");
  EXPECT_EQ(config.fetch.timeout, std::chrono::seconds(90));
  EXPECT_EQ(config.fetch.max_body_bytes, 2u * 1024 * 1024);
  EXPECT_EQ(config.schedule.interval, std::chrono::hours(2));
  EXPECT_EQ(config.feed.title, "Merged");
  EXPECT_EQ(config.feed.entries, 25u);
  EXPECT_EQ(config.log.level, "debug");
  ASSERT_EQ(config.sources.size(), 2u);
  EXPECT_EQ(config.sources[0].name, "example.org");  // default: the host
  EXPECT_THAT(config.sources[0].tags, ElementsAre("a", "b"));
  EXPECT_EQ(config.sources[0].interval, std::chrono::seconds(90));
  EXPECT_EQ(config.sources[0].defined_at.line, 21u);
  EXPECT_EQ(config.sources[1].name, "Other");
  EXPECT_FALSE(config.sources[1].interval);
}

TEST(ConfigValues, ExampleConfigIsValid) {
  const ConfigLoad loaded = load_config_file(std::filesystem::path(TRIBUTARY_SOURCE_DIR) / "config/tributary.example.toml");
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : to_string(loaded.errors[0]));
  EXPECT_GE(loaded.config->sources.size(), 3u);
}

}  // namespace
}  // namespace tributary::config
