// End to end: the real tributary binary polls a fake upstream serving two
// small feeds and serves the merged Atom feed, which is then read as a feed
// reader would — and checked by tools nobody here wrote (jing with the RFC
// 4287 RELAX NG schema, Python's feedparser).
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "support/atom_reader.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

class EndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    upstream_ = std::make_unique<FakeUpstream>();
    upstream_->serve("/sarajevo.xml", {200,
                                       {{"Content-Type", "application/rss+xml; charset=utf-8"}},
                                       read_text_file(fixtures_dir() / "feeds/small_rss20.xml"),
                                       "\"sd-1\"",
                                       {}});
    upstream_->serve("/beograd.xml", {200,
                                      {{"Content-Type", "application/atom+xml"}},
                                      read_text_file(fixtures_dir() / "feeds/small_atom10.xml"),
                                      {},
                                      {}});
    dir_ = std::make_unique<TempDir>();
    DaemonConfig config(dir_->path() / "db/tributary.db");
    config.schedule("interval = \"1h\"")
        .feed("title = \"Balkans merged\"")
        .log("level = \"debug\"")
        .source(upstream_->url("/sarajevo.xml"), "Sarajevo Daily")
        .source(upstream_->url("/beograd.xml"), "Beograd Wire");
    daemon_ =
        std::make_unique<DaemonProcess>(dir_->write("tributary.toml", config.text()), dir_->path() / "daemon.log");
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    // Both sources are polled at start; wait (bounded) until all 4 show.
    const auto shows_both = [](const HttpReply& reply) {
      return reply.status == 200 && entries_of(reply.body).size() >= 4;
    };
    const HttpReply reply = daemon_->wait_until_http("/feed.atom", shows_both, 30s);
    if (shows_both(reply)) feed_ = reply.body;
    ASSERT_FALSE(feed_.empty()) << "the feed never showed both sources' items\n" << daemon_->output();
    feed_file_ = dir_->write("served.atom", feed_);
  }

  static void TearDownTestSuite() {
    daemon_.reset();
    upstream_.reset();
    dir_.reset();
  }

  void SetUp() override {
    if (feed_.empty()) GTEST_SKIP() << "the daemon did not come up (see SetUpTestSuite's failure)";
  }

  static inline std::unique_ptr<FakeUpstream> upstream_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline std::string feed_;
  static inline std::filesystem::path feed_file_;
};

TEST_F(EndToEnd, ShowsTheItemsOfBothFeedsNewestFirst) {
  const auto entries = entries_of(feed_);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].title, "Tram line 3 reopens after repairs");                 // 2025-12-17 08:30Z
  EXPECT_EQ(entries[1].title, "Novi most otvoren");                                 // 07:15Z
  EXPECT_EQ(entries[2].title, "Koncert na Kalemegdanu");                            // 16th 20:00Z
  EXPECT_EQ(entries[3].title, "Council approves winter budget & heating subsidy");  // 16th 18:05Z
}

TEST_F(EndToEnd, EntriesLinkToTheArticles) {
  const auto entries = entries_of(feed_);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[1].link, "https://beograd-wire.example/vesti/novi-most");
  EXPECT_EQ(entries[2].link, "https://beograd-wire.example/vesti/koncert");
  EXPECT_EQ(entries[3].link, "https://sarajevo-daily.example/2025/12/16/winter-budget/");
}

TEST_F(EndToEnd, EntriesNameTheirSourceFeed) {
  const auto entries = entries_of(feed_);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].source_title, "Sarajevo Daily");
  EXPECT_EQ(entries[0].source_self, upstream_->url("/sarajevo.xml"));
  EXPECT_EQ(entries[1].source_title, "Beograd Wire");
  EXPECT_EQ(entries[1].source_self, upstream_->url("/beograd.xml"));
}

TEST_F(EndToEnd, EntryIdsAreUniqueAndStable) {
  const auto entries = entries_of(feed_);
  std::set<std::string> ids;
  for (const Entry& entry : entries) {
    // The source's own id when it is an absolute IRI, a tag: URI otherwise.
    EXPECT_TRUE(entry.id.starts_with("tag:") || entry.id.starts_with("http")) << entry.id;
    ids.insert(entry.id);
  }
  EXPECT_EQ(ids.size(), entries.size());
  const auto again = entries_of(daemon_->get("/feed.atom").body);
  ASSERT_EQ(again.size(), entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(again[i].id, entries[i].id);
}

TEST_F(EndToEnd, SanitizesContent) {
  EXPECT_EQ(feed_.find("<script"), std::string::npos);
  EXPECT_EQ(feed_.find("&lt;script"), std::string::npos);
  EXPECT_EQ(feed_.find("onerror"), std::string::npos);
}

TEST_F(EndToEnd, AnswersConditionalRequestsWith304) {
  const HttpReply first = daemon_->get("/feed.atom");
  ASSERT_EQ(first.status, 200);
  ASSERT_FALSE(first.headers.at("etag").empty());
  const HttpReply second = daemon_->get("/feed.atom", {{"If-None-Match", first.headers.at("etag")}});
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
}

TEST_F(EndToEnd, SecondPollSendsTheStoredEtag) {
  // The first poll stored the ETag; the fake upstream recorded each request.
  const auto requests = upstream_->requests("/sarajevo.xml");
  ASSERT_GE(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.count("if-none-match"), 0u);
  EXPECT_TRUE(requests[0].headers.at("user-agent").starts_with("Tributary/"));
}

TEST_F(EndToEnd, ValidatesAgainstTheAtomRelaxNgSchema) {
  if (shared_dir().empty()) GTEST_SKIP() << "the shared directory (../shared) with schemas/atom.rnc is not present";
  const auto result =
      run_command({"/usr/bin/jing", "-c", (shared_dir() / "schemas/atom.rnc").string(), feed_file_.string()}, 60s);
  EXPECT_EQ(result.exit_code, 0) << result.output << "\n" << feed_;
}

TEST_F(EndToEnd, ParsesCleanlyInFeedparser) {
  const auto result = run_command({"/usr/bin/python3", "-c",
                                   "import sys, feedparser\n"
                                   "d = feedparser.parse(open(sys.argv[1], 'rb').read())\n"
                                   "print('bozo', d.bozo, d.get('bozo_exception', ''), 'entries', len(d.entries))\n"
                                   "sys.exit(0 if d.bozo == 0 and len(d.entries) == 4 else 1)\n",
                                   feed_file_.string()},
                                  60s);
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_F(EndToEnd, ReportsHealth) {
  const HttpReply reply = daemon_->get("/healthz");
  EXPECT_EQ(reply.status, 200);
}

TEST_F(EndToEnd, UnknownPathIs404AndOtherMethodsAre405) {
  EXPECT_EQ(daemon_->get("/nope").status, 404);
  const HttpReply post = http_request("127.0.0.1", daemon_->port(), "DELETE", "/feed.atom");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers.at("allow"), "GET, HEAD");
}

// The full-text index is derived data in a file beside the database. Lost
// under a running daemon, it is a health problem (searches would miss what
// is indexed from then on); a start without it rebuilds it in the
// background, says so once, and searches find the items again. Runs before
// the last test, which stops the restarted daemon.
TEST_F(EndToEnd, ALostSearchIndexIsUnhealthyThenRebuiltAtTheNextStart) {
  const std::filesystem::path database = dir_->path() / "db/tributary.db";
  for (const char* suffix : {"-search", "-search-wal", "-search-shm"})
    std::filesystem::remove(database.string() + suffix);
  const auto is_unhealthy = [](const HttpReply& reply) { return reply.status == 503; };
  const HttpReply health = daemon_->wait_until_http("/healthz", is_unhealthy, 10s);
  EXPECT_EQ(health.status, 503);
  EXPECT_NE(health.body.find("the full-text index file tributary.db-search was deleted or moved away while open"),
            std::string::npos)
      << health.body;
  EXPECT_EQ(health.body.find(dir_->path().string()), std::string::npos) << "a path in /healthz: " << health.body;
  const std::optional<std::string> logged = daemon_->wait_for_log("healthz: unhealthy, /healthz answers 503: ", 5s);
  ASSERT_TRUE(logged) << daemon_->output();
  EXPECT_TRUE(logged->starts_with("the full-text index file tributary.db-search")) << *logged;
  ASSERT_EQ(daemon_->stop(20s), 0) << daemon_->output();
  EXPECT_EQ(daemon_->output().find("search: the full-text index"), std::string::npos) << daemon_->output();

  daemon_ = std::make_unique<DaemonProcess>(dir_->path() / "tributary.toml", dir_->path() / "restarted.log");
  ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
  const std::optional<std::string> line = daemon_->wait_for_log("search: the full-text index", 10s);
  ASSERT_TRUE(line) << daemon_->output();
  EXPECT_NE(line->find("rebuilt from the 4 stored items"), std::string::npos) << *line;
  const auto finds_tram = [](const HttpReply& reply) {
    return reply.status == 200 && entries_of(reply.body).size() == 1;
  };
  EXPECT_TRUE(finds_tram(daemon_->wait_until_http("/feed.atom?q=tram", finds_tram, 20s)));
  EXPECT_EQ(daemon_->get("/healthz").status, 200);
}

// Last: it stops the daemon.
TEST_F(EndToEnd, StopsCleanlyOnSigterm) {
  EXPECT_EQ(daemon_->stop(20s), 0) << daemon_->output();
  EXPECT_NE(daemon_->output().find("stopped"), std::string::npos);
}

}  // namespace
}  // namespace tributary::testing
