// `tributary add`, `remove`, and feed autodiscovery in `fetch` and `parse`,
// through the real binary against a fake site: a page that advertises its
// feed (relative href under <base>), a page that advertises none, a page
// with several, a site whose feed is only at a usual location. The
// configuration file keeps every byte but the block added or removed, and
// a running daemon serves the added feed's items within seconds.
#include <gtest/gtest.h>

#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

std::string rss(const std::string& title, const std::vector<std::string>& items) {
  std::string body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + title +
                     "</title><link>https://example.invalid/</link><description>d</description>";
  for (std::size_t i = 0; i < items.size(); ++i)
    body += "<item><title>" + items[i] + "</title><guid>" + title + "-" + std::to_string(i) + "</guid></item>";
  return body + "</channel></rss>";
}

FakeResponse html(const std::string& head) {
  return {200,
          {{"Content-Type", "text/html; charset=utf-8"}},
          "<!DOCTYPE html><html><head><title>Site</title>" + head + "</head><body><p>Hello</p></body></html>"};
}

FakeResponse feed(const std::string& body) { return {200, {{"Content-Type", "application/rss+xml"}}, body}; }

class SourceCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    // The gazette's site: its home page names the feed relative to <base>.
    upstream_.serve("/", html("<base href=\"/blog/\"><link rel=\"alternate\" type=\"application/rss+xml\" "
                              "title=\"Gazette\" href=\"feed.xml\">"));
    upstream_.serve("/blog/feed.xml",
                    feed(rss("Mountain Gazette", {"Avalanche warning lifted", "Pass reopens", "Hut season"})));
    upstream_.serve("/bakery/", html("<link rel=\"stylesheet\" href=\"/s.css\">"));
    upstream_.serve("/multi/", html("<link rel=alternate type=application/rss+xml href=posts.xml title=Posts>"
                                    "<link rel=alternate type=application/atom+xml href=/multi/comments.atom>"));
    upstream_.serve("/multi/posts.xml", feed(rss("Lake Posts", {"Ferry times"})));
    upstream_.serve("/multi/comments.atom", feed(rss("Lake Comments", {"Re: Ferry times", "Re: Re: Ferry"})));
    upstream_.serve("/lake.xml", feed(rss("Lake Notes", {"Ice is thin"})));
    original_ = "# Tributary for the valley (a comment add and remove keep)\n" +
                DaemonConfig(dir_.path() / "db/tributary.db").source(upstream_.url("/lake.xml"), "Lake Notes").text() +
                "\n# the end of the file, also kept\n";
    config_ = dir_.write("tributary.toml", original_);
  }

  CommandResult tributary(std::vector<std::string> words) const {
    words.insert(words.begin(), {tributary_binary().string(), "--config", config_.string()});
    return run_command(std::move(words), 60s);
  }
  std::string config_text() const { return read_text_file(config_); }

  TempDir dir_;
  FakeUpstream upstream_;
  std::string original_;
  std::filesystem::path config_;
};

TEST_F(SourceCommands, AddsTheFeedAPageAdvertisesAndTheRunningDaemonServesIt) {
  DaemonProcess daemon(config_, dir_.path() / "daemon.log");
  ASSERT_TRUE(daemon.wait_until_listening(60s)) << daemon.output();
  ASSERT_TRUE(daemon.wait_until_sources_polled(1, SourcesPolled::successfully, 30s)) << daemon.output();

  const CommandResult added = tributary({"add", upstream_.url("/"), "--tag", "mountains"});
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_NE(added.output.find("added \"Mountain Gazette\" (" + upstream_.url("/blog/feed.xml") + "): 3 items"),
            std::string::npos)
      << added.output;
  EXPECT_NE(added.output.find("asked the tributary daemon (pid " + std::to_string(daemon.pid())), std::string::npos)
      << added.output;
  const std::string text = config_text();
  ASSERT_TRUE(text.starts_with(original_)) << text;
  EXPECT_EQ(text.substr(original_.size()), "\n[[source]]\nname = \"Mountain Gazette\"\nurl = \"" +
                                               upstream_.url("/blog/feed.xml") + "\"\ntags = [\"mountains\"]\n");

  const HttpReply served = daemon.wait_until_http(
      "/feed.atom",
      [](const HttpReply& reply) { return reply.body.find("Avalanche warning lifted") != std::string::npos; }, 5s);
  EXPECT_NE(served.body.find("Avalanche warning lifted"), std::string::npos) << daemon.output();

  const CommandResult removed = tributary({"remove", "Mountain Gazette"});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_NE(removed.output.find("removed \"Mountain Gazette\""), std::string::npos) << removed.output;
  EXPECT_EQ(config_text(), original_);
  EXPECT_TRUE(daemon.wait_for_log("reloaded", 20s)) << daemon.output();
  EXPECT_EQ(daemon.stop(30s), 0) << daemon.output();
}

TEST_F(SourceCommands, APageWithoutFeedsIsRefusedAndTheFileKept) {
  const CommandResult added = tributary({"add", upstream_.url("/bakery/")});
  EXPECT_EQ(added.exit_code, 1) << added.output;
  EXPECT_NE(added.output.find("an HTML page that advertises no feed"), std::string::npos) << added.output;
  EXPECT_NE(added.output.find("nothing was added"), std::string::npos) << added.output;
  EXPECT_EQ(config_text(), original_);
  // It looked for the usual locations on the site.
  EXPECT_EQ(upstream_.hits("/feed"), 1);
  EXPECT_EQ(upstream_.hits("/feed.json"), 1);
}

TEST_F(SourceCommands, AUsualLocationIsFoundWhenThePageNamesNone) {
  upstream_.serve("/index.xml", feed(rss("Hugo Site", {"First post", "Second post"})));
  const CommandResult added = tributary({"add", upstream_.url("/bakery/"), "--name", "Bakery", "--interval", "2h"});
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_NE(added.output.find("added \"Bakery\" (" + upstream_.url("/index.xml") + "): 2 items"), std::string::npos)
      << added.output;
  EXPECT_NE(added.output.find("no tributary daemon is running"), std::string::npos) << added.output;
  EXPECT_TRUE(
      config_text().ends_with("name = \"Bakery\"\nurl = \"" + upstream_.url("/index.xml") + "\"\ninterval = \"2h\"\n"));
}

TEST_F(SourceCommands, SeveralFeedsAreListedUntilOneIsPicked) {
  const CommandResult listed = tributary({"add", upstream_.url("/multi/")});
  EXPECT_EQ(listed.exit_code, 2) << listed.output;
  EXPECT_NE(listed.output.find("1. " + upstream_.url("/multi/posts.xml") + " (RSS, \"Posts\")"), std::string::npos)
      << listed.output;
  EXPECT_NE(listed.output.find("2. " + upstream_.url("/multi/comments.atom") + " (Atom)"), std::string::npos)
      << listed.output;
  EXPECT_EQ(config_text(), original_);

  const CommandResult picked = tributary({"add", upstream_.url("/multi/"), "--pick", "2"});
  ASSERT_EQ(picked.exit_code, 0) << picked.output;
  EXPECT_NE(picked.output.find("added \"Lake Comments\""), std::string::npos) << picked.output;
  EXPECT_EQ(config_text().find("posts.xml"), std::string::npos);

  const CommandResult all = tributary({"add", upstream_.url("/multi/"), "--all"});
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("added \"Lake Posts\""), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("is already the source \"Lake Comments\""), std::string::npos) << all.output;
  const CommandResult check = tributary({"check"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("OK, 3 sources"), std::string::npos) << check.output;
}

TEST_F(SourceCommands, ADuplicateUrlIsRefused) {
  const CommandResult added = tributary({"add", upstream_.url("/lake.xml")});
  EXPECT_EQ(added.exit_code, 1) << added.output;
  EXPECT_NE(added.output.find("is already the source \"Lake Notes\""), std::string::npos) << added.output;
  EXPECT_EQ(config_text(), original_);
}

TEST_F(SourceCommands, RemoveRefusesASourceFromAnOpmlFileAndAnUnknownOne) {
  dir_.write("list.opml",
             "<?xml version=\"1.0\"?><opml version=\"2.0\"><head/><body><outline type=\"rss\" text=\"Kotor\" "
             "xmlUrl=\"" +
                 upstream_.url("/kotor.xml") + "\"/></body></opml>");
  const std::string with_opml = original_ + "[sources]\nopml = \"list.opml\"\n";
  dir_.write("tributary.toml", with_opml);
  const CommandResult opml = tributary({"remove", "Kotor"});
  EXPECT_EQ(opml.exit_code, 1) << opml.output;
  EXPECT_NE(opml.output.find("comes from " + (dir_.path() / "list.opml").string()), std::string::npos) << opml.output;
  const CommandResult unknown = tributary({"remove", "Nowhere Times"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("no source is named"), std::string::npos) << unknown.output;
  EXPECT_EQ(config_text(), with_opml);
  // By URL, the TOML one goes.
  const CommandResult removed = tributary({"remove", upstream_.url("/lake.xml")});
  EXPECT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_EQ(config_text().find("lake.xml"), std::string::npos) << config_text();
}

TEST_F(SourceCommands, FetchAndParseNameTheFeedsAPageAdvertises) {
  const CommandResult fetched = tributary({"fetch", upstream_.url("/multi/")});
  EXPECT_EQ(fetched.exit_code, 1) << fetched.output;
  EXPECT_NE(fetched.output.find("an HTML page that advertises these feeds: " + upstream_.url("/multi/posts.xml")),
            std::string::npos)
      << fetched.output;
  const std::filesystem::path page = dir_.write("page.html", html("<link rel=alternate type=application/atom+xml "
                                                                  "href=atom.xml>")
                                                                 .body);
  const CommandResult parsed = tributary({"parse", page.string(), "--url", "https://kotor.example/blog/"});
  EXPECT_EQ(parsed.exit_code, 1) << parsed.output;
  EXPECT_NE(parsed.output.find("an HTML page that advertises these feeds: https://kotor.example/blog/atom.xml (Atom)"),
            std::string::npos)
      << parsed.output;
}

}  // namespace
}  // namespace tributary::testing
