// `tributary fetch URL`, the real binary against the fake upstream: what it
// prints, the config it applies (the source's headers and credentials, kept
// out of the output) and its exit codes.
#include <gtest/gtest.h>

#include "support/fake_upstream.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

const std::string kFeed =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Sarajevo Daily</title>"
    "<item><title>Tram line 3 reopens after repairs</title><guid>tram-3</guid></item></channel></rss>";

class FetchCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_.serve("/feed.xml",
                    {200,
                     {{"Content-Type", "application/rss+xml; charset=utf-8"}, {"Cache-Control", "max-age=600"}},
                     kFeed,
                     "\"v7\"",
                     "Wed, 17 Dec 2025 09:30:00 GMT"});
    dir_.write("feed-password", "pa55word-from-file\n");
    config_ = dir_.write("tributary.toml", R"toml(
[fetch]
user_agent = "FetchCommandTest/1"
from = "ops@example.org"

[[source]]
url = ")toml" + upstream_.url("/feed.xml") + R"toml("
name = "Sarajevo Daily"
headers = { "X-Api-Key" = "key-42" }
username = "reader"
password_file = "feed-password"
)toml");
  }

  CommandResult fetch(std::vector<std::string> arguments) {
    std::vector<std::string> argv = {tributary_binary().string(), "--config", config_.string(), "fetch"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run_command(argv, 30s);
  }

  FakeUpstream upstream_;
  TempDir dir_;
  std::filesystem::path config_;
};

TEST_F(FetchCommandTest, PrintsStatusHeadersAndParseSummary) {
  const CommandResult result = fetch({upstream_.url("/feed.xml")});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("status         200 OK"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("content-type   application/rss+xml; charset=utf-8"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("etag           \"v7\""), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("last-modified  Wed, 17 Dec 2025 09:30:00 GMT"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("fresh for      10m"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("feed           rss20, 1 item, \"Sarajevo Daily\""), std::string::npos) << result.output;
}

TEST_F(FetchCommandTest, AppliesTheConfigAndTheSourcesCredentialsWithoutPrintingThem) {
  const CommandResult result = fetch({upstream_.url("/feed.xml")});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto requests = upstream_.requests("/feed.xml");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.at("user-agent"), "FetchCommandTest/1");
  EXPECT_EQ(requests[0].headers.at("from"), "ops@example.org");
  EXPECT_EQ(requests[0].headers.at("x-api-key"), "key-42");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Basic cmVhZGVyOnBhNTV3b3JkLWZyb20tZmlsZQ==");
  EXPECT_EQ(result.output.find("pa55word"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("key-42"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("source         Sarajevo Daily"), std::string::npos) << result.output;
}

TEST_F(FetchCommandTest, SendsValidatorsAndReportsNotModified) {
  const CommandResult result = fetch({upstream_.url("/feed.xml"), "--etag", "\"v7\""});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("status         304 Not Modified"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("feed           not modified"), std::string::npos) << result.output;
}

TEST_F(FetchCommandTest, ShowsRedirects) {
  upstream_.serve("/old.xml", {301, {{"Location", "/feed.xml"}}, "", "", ""});
  const CommandResult result = fetch({upstream_.url("/old.xml")});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("redirect       301 " + upstream_.url("/old.xml") + " -> " + upstream_.url("/feed.xml")),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("permanent      yes"), std::string::npos) << result.output;
}

TEST_F(FetchCommandTest, HttpErrorExitsOneWithTheReason) {
  const CommandResult result = fetch({upstream_.url("/missing.xml")});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("error          http: HTTP 404 Not Found: no such fake route"), std::string::npos)
      << result.output;
}

TEST_F(FetchCommandTest, NotAFeedExitsOne) {
  upstream_.serve("/page.html", {200, {{"Content-Type", "text/html"}}, "<html><body>hello</body></html>", "", ""});
  const CommandResult result = fetch({upstream_.url("/page.html")});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  // A page: it says what the page advertises (here, nothing).
  EXPECT_NE(result.output.find("feed           not a feed: an HTML page that advertises no feed"), std::string::npos)
      << result.output;
}

TEST_F(FetchCommandTest, InvalidUrlExitsTwo) {
  const CommandResult result = fetch({"ftp://example.com/feed.xml"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

TEST_F(FetchCommandTest, FetchesHttpsWithAnExtraCaFileAndResolve) {
  const TestPki pki = make_test_pki();
  FakeUpstream secure(FakeUpstreamOptions{"127.0.0.1", pki.server.certificate_pem, pki.server.private_key_pem});
  secure.serve("/feed.xml", {200, {{"Content-Type", "application/rss+xml"}}, kFeed, "", ""});
  const auto ca_file = dir_.write("ca.pem", pki.ca.certificate_pem);
  const std::string url = "https://localhost:" + std::to_string(secure.port()) + "/feed.xml";
  const CommandResult trusted = fetch({url, "--ca-file", ca_file.string(), "--resolve", "localhost:127.0.0.1"});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.output;
  EXPECT_NE(trusted.output.find("feed           rss20, 1 item"), std::string::npos) << trusted.output;
  const CommandResult untrusted = fetch({url, "--resolve", "localhost:127.0.0.1"});
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.output;
  EXPECT_NE(untrusted.output.find("error          tls: "), std::string::npos) << untrusted.output;
}

}  // namespace
}  // namespace tributary::testing
