// Config loading: every class of mistake is reported at its FILE:LINE:COL.
#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace tributary::config {
namespace {

std::vector<std::string> errors_of(const std::string& toml) {
  std::vector<std::string> messages;
  for (const ConfigError& error : parse_config(toml, "test.toml").errors) messages.push_back(to_string(error));
  return messages;
}

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ConfigErrors, UnknownKeySuggestsTheClosestKnownOne) {
  EXPECT_THAT(errors_of("[schedule]\nintervall = \"15m\"\n"),
              ElementsAre("test.toml:2:1: unknown key \"intervall\" in [schedule] (did you mean \"interval\"?)"));
}

TEST(ConfigErrors, UnknownKeyFarFromAnyKnownOneHasNoSuggestion) {
  EXPECT_THAT(errors_of("[feed]\ncolour = \"blue\"\n"), ElementsAre("test.toml:2:1: unknown key \"colour\" in [feed]"));
}

TEST(ConfigErrors, UnknownTopLevelSection) {
  EXPECT_THAT(errors_of("[servr]\nport = 1\n"),
              ElementsAre("test.toml:1:2: unknown table [servr] (did you mean [server]?)"));
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
  const ConfigLoad loaded =
      load_config_file(std::filesystem::path(TRIBUTARY_SOURCE_DIR) / "config/tributary.example.toml");
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : to_string(loaded.errors[0]));
  EXPECT_GE(loaded.config->sources.size(), 3u);
}

// ---- [fetch] and [[source]] request options (the fetch module's keys) ----

TEST(ConfigFetch, ReadsTheFetcherKeys) {
  const ConfigLoad loaded = parse_config(R"toml(
[fetch]
connect_timeout = "5s"
from = "ops@example.org"
proxy = "http://proxy.example:3128"
https_proxy = "http://tls-proxy.example:3129"
no_proxy = ["localhost", ".internal.example"]
max_connections_per_host = 4
max_connections = 100
block_private_addresses = true
allowed_networks = ["10.1.0.0/16", "fd00::/8", "192.0.2.7"]
)toml",
                                         "fetch.toml");
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : to_string(loaded.errors[0]));
  const FetchConfig& fetch = loaded.config->fetch;
  EXPECT_EQ(fetch.connect_timeout, std::chrono::seconds(5));
  EXPECT_EQ(fetch.from, "ops@example.org");
  EXPECT_EQ(fetch.proxy, "http://proxy.example:3128");
  EXPECT_EQ(fetch.https_proxy, "http://tls-proxy.example:3129");
  EXPECT_THAT(fetch.no_proxy, ElementsAre("localhost", ".internal.example"));
  EXPECT_EQ(fetch.max_connections_per_host, 4u);
  EXPECT_EQ(fetch.max_connections, 100u);
  EXPECT_TRUE(fetch.block_private_addresses);
  EXPECT_THAT(fetch.allowed_networks, ElementsAre("10.1.0.0/16", "fd00::/8", "192.0.2.7"));
}

TEST(ConfigFetch, FetcherDefaults) {
  const ConfigLoad loaded = parse_config("", "empty.toml");
  ASSERT_TRUE(loaded.config);
  const FetchConfig& fetch = loaded.config->fetch;
  EXPECT_EQ(fetch.timeout, std::chrono::seconds(30));
  EXPECT_EQ(fetch.connect_timeout, std::chrono::seconds(10));
  EXPECT_EQ(fetch.max_connections_per_host, 2u);
  EXPECT_EQ(fetch.max_connections, 64u);
  EXPECT_FALSE(fetch.block_private_addresses);
  EXPECT_TRUE(fetch.proxy.empty());
  EXPECT_TRUE(fetch.from.empty());
}

TEST(ConfigFetch, BlockPrivateAddressesMustBeABoolean) {
  EXPECT_THAT(errors_of("[fetch]\nblock_private_addresses = \"yes\"\n"),
              ElementsAre("test.toml:2:27: wrong type for fetch.block_private_addresses: expected true or false, "
                          "found a string"));
}

TEST(ConfigFetch, ProxyMustBeAnHttpUrl) {
  EXPECT_THAT(errors_of("[fetch]\nproxy = \"socks5://proxy.example:1080\"\n"),
              ElementsAre("test.toml:2:9: fetch.proxy: expected an http:// proxy URL such as "
                          "\"http://proxy.example:3128\" (it tunnels https with CONNECT)"));
}

TEST(ConfigFetch, AllowedNetworksAreCheckedOneByOne) {
  EXPECT_THAT(errors_of("[fetch]\nallowed_networks = [\"10.0.0.0/8\", \"nope\", \"10.0.0.0/40\"]\n"),
              ElementsAre("test.toml:2:35: fetch.allowed_networks: \"nope\" is not an IP address or network such "
                          "as \"10.1.0.0/16\"",
                          "test.toml:2:43: fetch.allowed_networks: invalid prefix length in \"10.0.0.0/40\""));
}

TEST(ConfigFetch, ConnectionCapsHaveRanges) {
  EXPECT_THAT(errors_of("[fetch]\nmax_connections_per_host = 0\n"),
              ElementsAre("test.toml:2:28: fetch.max_connections_per_host must be between 1 and 64, not 0"));
}

TEST(ConfigFetch, FromMustBeAnEmailAddress) {
  EXPECT_THAT(errors_of("[fetch]\nfrom = \"the operator\"\n"),
              ElementsAre("test.toml:2:8: fetch.from: expected an e-mail address (RFC 9110 §10.1.2)"));
}

TEST(ConfigFetch, MisspelledFetchKeySuggestsTheRightOne) {
  EXPECT_THAT(errors_of("[fetch]\nconect_timeout = \"5s\"\n"),
              ElementsAre("test.toml:2:1: unknown key \"conect_timeout\" in [fetch] (did you mean "
                          "\"connect_timeout\"?)"));
}

TEST(ConfigSource, ReadsHeadersAndCredentials) {
  const ConfigLoad loaded = parse_config(R"toml(
[[source]]
url = "https://paid.example/feed.xml"
headers = { "X-Api-Key" = "k-123", "Accept-Language" = "bs" }
username = "reader"
password = "s3cret"
)toml",
                                         "source.toml");
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : to_string(loaded.errors[0]));
  const SourceSpec& source = loaded.config->sources.at(0);
  EXPECT_THAT(source.headers,
              ::testing::UnorderedElementsAre(std::pair<std::string, std::string>{"X-Api-Key", "k-123"},
                                              std::pair<std::string, std::string>{"Accept-Language", "bs"}));
  EXPECT_EQ(source.username, "reader");
  EXPECT_EQ(source.password, "s3cret");
}

TEST(ConfigSource, ReadsPasswordFileBesideTheConfig) {
  testing::TempDir dir;
  dir.write("secret.txt", "from-a-file\n");
  const auto path = dir.write("tributary.toml", R"toml(
[[source]]
url = "https://paid.example/feed.xml"
username = "reader"
password_file = "secret.txt"
)toml");
  const ConfigLoad loaded = load_config_file(path);
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : to_string(loaded.errors[0]));
  const SourceSpec& source = loaded.config->sources.at(0);
  EXPECT_EQ(source.password, "from-a-file");  // without the newline
  EXPECT_EQ(source.password_file, dir.path() / "secret.txt");
}

TEST(ConfigSource, UnreadablePasswordFile) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://paid.example/feed.xml\"\nusername = \"reader\"\n"
                        "password_file = \"/nonexistent/secret\"\n"),
              ElementsAre("test.toml:4:17: source.password_file: cannot read \"/nonexistent/secret\": No such file "
                          "or directory"));
}

TEST(ConfigSource, PasswordNeedsUsername) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://paid.example/feed.xml\"\npassword = \"s3cret\"\n"),
              ElementsAre("test.toml:3:12: source.password needs source.username (HTTP Basic sends both)"));
}

TEST(ConfigSource, PasswordAndPasswordFileAreExclusive) {
  testing::TempDir dir;
  const auto secret = dir.write("secret.txt", "x\n");
  const auto errors = errors_of(
      "[[source]]\nurl = \"https://paid.example/feed.xml\"\nusername = \"reader\"\n"
      "password = \"a\"\npassword_file = \"" +
      secret.string() + "\"\n");
  EXPECT_THAT(errors, ElementsAre("test.toml:5:17: source.password and source.password_file are exclusive"));
}

TEST(ConfigSource, ErrorsNeverShowThePassword) {
  const auto errors = errors_of("[[source]]\nurl = \"https://paid.example/feed.xml\"\npassword = \"hunter2\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].find("hunter2"), std::string::npos) << errors[0];
}

TEST(ConfigSource, ReservedAndMalformedHeadersAreRefused) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/feed\"\nheaders = { \"Host\" = \"b.example\" }\n"),
              ElementsAre("test.toml:3:13: source.headers: header \"Host\" is set by Tributary itself"));
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/feed\"\nheaders = { \"Bad Name\" = \"x\" }\n"),
              ElementsAre("test.toml:3:13: source.headers: header name \"Bad Name\" is not a valid HTTP field name"));
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/feed\"\nheaders = { \"X-Key\" = 5 }\n"),
              ElementsAre("test.toml:3:23: wrong type for source.headers.X-Key: expected a string, found an "
                          "integer"));
}

TEST(ConfigSource, UsernameCannotContainAColon) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/feed\"\nusername = \"a:b\"\n"),
              ElementsAre("test.toml:3:12: source.username: a Basic user name cannot contain ':' (RFC 7617)"));
}

constexpr const char* kTwoSources =
    "[[source]]\nurl = \"https://a.example/feed\"\nname = \"Alpha\"\n"
    "[[source]]\nurl = \"https://b.example/feed\"\n";

TEST(Channels, SourcesByNameOrUrlBecomeUrls) {
  const auto loaded =
      parse_config(std::string(kTwoSources) +
                       "[[channel]]\nname = \"mixed\"\nsources = [\"Alpha\", \"https://b.example/feed\"]\n"
                       "tags = [\"news\"]\nquery = \"bridge\"\n",
                   "test.toml");
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : to_string(loaded.errors[0]));
  ASSERT_EQ(loaded.config->channels.size(), 1u);
  const ChannelConfig& channel = loaded.config->channels[0];
  EXPECT_EQ(channel.name, "mixed");
  EXPECT_EQ(channel.title, "mixed");
  EXPECT_EQ(channel.sources, (std::vector<std::string>{"https://a.example/feed", "https://b.example/feed"}));
  EXPECT_EQ(channel.tags, std::vector<std::string>{"news"});
  EXPECT_EQ(channel.query, "bridge");
}

TEST(Channels, MistakesNameTheirPlace) {
  EXPECT_THAT(errors_of(std::string(kTwoSources) + "[[channel]]\nname = \"x\"\nsources = [\"Nobody\"]\n"),
              ElementsAre("test.toml:6:1: channel \"x\": no source is named or has the URL \"Nobody\""));
  EXPECT_THAT(errors_of("[[channel]]\nname = \"Bad Name\"\n"),
              ElementsAre(HasSubstr("channel.name: must be 1 to 64 of a-z, 0-9")));
  EXPECT_THAT(errors_of("[[channel]]\ntitle = \"t\"\n"), ElementsAre("test.toml:1:1: [[channel]] has no name"));
  EXPECT_THAT(errors_of("[[channel]]\nname = \"a\"\n[[channel]]\nname = \"a\"\n"),
              ElementsAre(HasSubstr("duplicate channel name \"a\" (first defined at line 1)")));
  EXPECT_THAT(errors_of("[[channel]]\nname = \"a\"\ntgs = []\n"), ElementsAre(HasSubstr("unknown key \"tgs\"")));
}

TEST(ServerKeys, TokenAndLimits) {
  const auto loaded = parse_config(
      "[server]\ntoken = \"0123456789abcdef-x\"\nmax_connections = 100\nidle_timeout = \"5s\"\nheader_timeout = "
      "\"2s\"\n"
      "[feed]\nsubtitle = \"All of it\"\n",
      "test.toml");
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->server.token, "0123456789abcdef-x");
  EXPECT_EQ(loaded.config->server.max_connections, 100u);
  EXPECT_EQ(loaded.config->server.idle_timeout, Seconds(5));
  EXPECT_EQ(loaded.config->server.header_timeout, Seconds(2));
  EXPECT_EQ(loaded.config->feed.subtitle, "All of it");
  EXPECT_THAT(errors_of("[server]\ntoken = \"short\"\n"),
              ElementsAre(HasSubstr("server.token: must be at least 16 characters")));
  EXPECT_THAT(errors_of("[server]\ntoken = \"0123456789abcdef:x\"\n"),
              ElementsAre(HasSubstr("must not contain spaces, ':' or control characters")));
  EXPECT_THAT(errors_of("[server]\nmax_connections = 0\n"), ElementsAre(HasSubstr("between 1 and 1000000")));
}

}  // namespace
}  // namespace tributary::config
