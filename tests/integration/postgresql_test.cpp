// The daemon on PostgreSQL ([storage] backend = "postgresql", issue 21),
// against a database of the tests' throwaway cluster: it serves the merged
// feed from there and keeps it across a restart, `status` reads the same
// database, /healthz reports a database that went away, the password never
// shows, and a server it cannot reach stops the start with a clear error.
#include <gtest/gtest.h>

#include <thread>

#include "support/atom_reader.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

// Trust authentication takes any password: this one must appear nowhere.
constexpr const char* kPassword = "pw-that-must-not-show";

class OnPostgresql : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = PostgresCluster::shared();
    if (!cluster_) GTEST_SKIP() << PostgresCluster::shared_skip_reason();
    database_name_ = cluster_->unique_database_name("daemon");
    url_ = cluster_->create_database(database_name_);
    upstream_.serve("/sarajevo.xml", {200,
                                      {{"Content-Type", "application/rss+xml; charset=utf-8"}},
                                      read_text_file(fixtures_dir() / "feeds/small_rss20.xml"),
                                      {},
                                      {}});
    upstream_.serve("/beograd.xml", {200,
                                     {{"Content-Type", "application/atom+xml"}},
                                     read_text_file(fixtures_dir() / "feeds/small_atom10.xml"),
                                     {},
                                     {}});
  }

  std::filesystem::path write_config(const std::string& url) {
    DaemonConfig config(dir_.path() / "tributary.db");
    config.postgresql(url)
        .storage("password_file = " + toml_string(dir_.write("pgpass", std::string(kPassword) + "\n").string()))
        .schedule("interval = \"1h\"")
        .source(upstream_.url("/sarajevo.xml"), "Sarajevo Daily")
        .source(upstream_.url("/beograd.xml"), "Beograd Wire");
    for (const auto& [path, name] : extra_sources_) config.source(upstream_.url(path), name);
    return dir_.write("tributary.toml", config.text());
  }

  std::unique_ptr<DaemonProcess> start(const std::string& log_name) {
    DaemonOptions options;
    options.environment.push_back("STATE_DIRECTORY=" + dir_.path().string());  // its pid file
    return std::make_unique<DaemonProcess>(write_config(url_), dir_.path() / log_name, std::move(options));
  }

  // The entry ids of the merged feed once it shows both sources' 4 items.
  static std::vector<std::string> entry_ids(const DaemonProcess& daemon) {
    const auto shows_both = [](const HttpReply& reply) {
      return reply.status == 200 && entries_of(reply.body).size() >= 4;
    };
    const HttpReply reply = daemon.wait_until_http("/feed.atom", shows_both, 30s);
    std::vector<std::string> ids;
    if (shows_both(reply))
      for (const Entry& entry : entries_of(reply.body)) ids.push_back(entry.id);
    return ids;
  }

  PostgresCluster* cluster_ = nullptr;
  std::vector<std::pair<std::string, std::string>> extra_sources_;  // (path, name) after the two above
  std::string database_name_;
  std::string url_;
  FakeUpstream upstream_;
  TempDir dir_;
};

TEST_F(OnPostgresql, ServesTheMergedFeedAndKeepsItAcrossARestart) {
  std::vector<std::string> before;
  {
    const auto daemon = start("first.log");
    ASSERT_TRUE(daemon->wait_until_listening()) << daemon->output();
    before = entry_ids(*daemon);
    ASSERT_EQ(before.size(), 4u) << daemon->output();
    EXPECT_EQ(daemon->get("/healthz").status, 200) << daemon->get("/healthz").body;
    EXPECT_EQ(daemon->stop(), 0) << daemon->output();
    EXPECT_NE(daemon->output().find("database postgresql://tributary@"), std::string::npos) << daemon->output();
    EXPECT_EQ(daemon->output().find(kPassword), std::string::npos) << daemon->output();
  }
  // The sources are not due (1h): what the feed shows comes from the database.
  const auto daemon = start("second.log");
  ASSERT_TRUE(daemon->wait_until_listening()) << daemon->output();
  EXPECT_EQ(entry_ids(*daemon), before);
  daemon->stop();

  const CommandResult status =
      run_command({tributary_binary().string(), "--config", (dir_.path() / "tributary.toml").string(), "status"}, 30s);
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("Sarajevo Daily"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("Beograd Wire"), std::string::npos) << status.output;
}

TEST_F(OnPostgresql, HealthzSaysWhenTheDatabaseGoesAway) {
  const auto daemon = start("daemon.log");
  ASSERT_TRUE(daemon->wait_until_listening()) << daemon->output();
  ASSERT_EQ(entry_ids(*daemon).size(), 4u) << daemon->output();
  cluster_->drop_database(database_name_);  // ends the daemon's sessions too
  const HttpReply health = daemon->wait_for_status("/healthz", 503, 20s);
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_NE(health.body.find("PostgreSQL"), std::string::npos) << health.body;
  EXPECT_EQ(health.body.find(kPassword), std::string::npos) << health.body;
  EXPECT_EQ(daemon->get("/feed.atom").status, 200) << "the feed stays as it was";
  cluster_->create_database(database_name_);  // an empty one: the daemon refuses nothing, but reconnects
}

// A server that stops answering (its machine hangs) holds every query on
// it: the feed is served from memory meanwhile, at once, and /healthz
// answers at once too — 503 once the probe has waited 5 s.
TEST_F(OnPostgresql, AServerThatStopsAnsweringHoldsNeitherTheFeedNorHealthz) {
  const auto daemon = start("daemon.log");
  ASSERT_TRUE(daemon->wait_until_listening()) << daemon->output();
  ASSERT_EQ(entry_ids(*daemon).size(), 4u) << daemon->output();
  cluster_->freeze();
  struct Thaw {
    PostgresCluster* cluster;
    ~Thaw() { cluster->thaw(); }
  } thaw{cluster_};
  HttpReply health;
  for (int request = 0; request < 12; ++request) {
    const auto asked = std::chrono::steady_clock::now();
    health = daemon->get("/healthz");
    const HttpReply feed = daemon->get("/feed.atom");
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s) << "request " << request << " waited for the server";
    EXPECT_EQ(feed.status, 200);
    if (health.status == 503) break;
    std::this_thread::sleep_for(1s);
  }
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_NE(health.body.find("the PostgreSQL server has not answered for"), std::string::npos) << health.body;
  cluster_->thaw();
  EXPECT_EQ(daemon->wait_for_status("/healthz", 200, 30s).status, 200) << daemon->output();
}

// A raw HTTP/1.1 answer with `head`'s header lines and `body`.
std::string raw_answer(const std::string& status_line, const std::string& head, const std::string& body) {
  return "HTTP/1.1 " + status_line + "\r\n" + head + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

std::string one_item_rss(const std::string& title) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + title +
         "</title><link>http://peer.example/</link><description>d</description><item><title>" + title +
         " item</title><link>http://peer.example/" + title + "</link><guid>" + title +
         "-1</guid></item></channel></rss>";
}

// PostgreSQL's text holds valid UTF-8 only, where SQLite takes any bytes:
// what a peer sends that is not UTF-8 (validators, a redirect's target, a
// reason phrase, a body that is no feed) must fail no write, and lose no
// poll, on PostgreSQL either.
TEST_F(OnPostgresql, BytesFromPeersThatAreNotUtf8FailNoWrite) {
  upstream_.serve("/validators.xml",
                  {.raw_response = raw_answer("200 OK",
                                              "Content-Type: application/rss+xml\r\nETag: \"caf\xe9\xff\"\r\n"
                                              "Last-Modified: Thu, 01 Jan 2026 00:00:00 \xe9\xff\r\n",
                                              one_item_rss("Validators"))});
  upstream_.serve("/moved.xml",
                  {.raw_response = raw_answer("301 Moved Permanently", "Location: /caf\xe9-\xff.xml\r\n", "")});
  upstream_.serve("/reason.xml", {.raw_response = raw_answer("503 Unavailable \xe9\xff", "Content-Type: text/plain\r\n",
                                                             "down \xe9\xff for now")});
  upstream_.serve("/broken.json", {200,
                                   {{"Content-Type", "application/feed+json"}},
                                   "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"caf\xe9\xff\"",
                                   {},
                                   {}});
  upstream_.serve("/latin1.xml",
                  {200, {{"Content-Type", "application/rss+xml"}}, one_item_rss("Caf\xe9 Latin"), {}, {}});
  extra_sources_ = {{"/validators.xml", "Validators"},
                    {"/moved.xml", "Moved"},
                    {"/reason.xml", "Reason"},
                    {"/broken.json", "Broken"},
                    {"/latin1.xml", "Latin"}};
  const auto daemon = start("daemon.log");
  ASSERT_TRUE(daemon->wait_until_listening()) << daemon->output();
  const auto shows_all = [](const HttpReply& reply) {
    return reply.status == 200 && entries_of(reply.body).size() >= 6;
  };
  const HttpReply feed = daemon->wait_until_http("/feed.atom", shows_all, 30s);
  ASSERT_TRUE(shows_all(feed)) << feed.body << daemon->output();
  std::vector<std::string> titles;
  for (const Entry& entry : entries_of(feed.body)) titles.push_back(entry.title);
  EXPECT_NE(std::find(titles.begin(), titles.end(), "Validators item"), titles.end());
  EXPECT_NE(std::find(titles.begin(), titles.end(), "Caf\u00e9 Latin item"), titles.end());
  // Every source's poll was recorded: each shows its outcome, none is
  // still waiting for its first.
  const auto all_polled = [](const HttpReply& reply) {
    return reply.status == 200 && reply.body.find("\"last_poll\":null") == std::string::npos;
  };
  const HttpReply sources = daemon->wait_until_http("/sources.json", all_polled, 30s);
  EXPECT_TRUE(all_polled(sources)) << sources.body;
  EXPECT_NE(sources.body.find("503"), std::string::npos) << sources.body;
  EXPECT_EQ(daemon->stop(), 0) << daemon->output();
  const std::string log = daemon->output();
  EXPECT_EQ(log.find("invalid byte sequence"), std::string::npos) << log;
  EXPECT_EQ(log.find("writing to the database"), std::string::npos) << log;
}

TEST_F(OnPostgresql, AServerItCannotReachStopsTheStartSayingWhere) {
  DaemonOptions options;
  options.environment.push_back("STATE_DIRECTORY=" + dir_.path().string());
  const std::string unreachable = "postgresql://tributary@/nowhere?host=" + (dir_.path() / "no-server").string();
  DaemonProcess daemon(write_config(unreachable), dir_.path() / "daemon.log", std::move(options));
  const std::optional<int> status = daemon.wait(30s);
  ASSERT_TRUE(status.has_value()) << "still running\n" << daemon.output();
  EXPECT_NE(*status, 0);
  EXPECT_NE(daemon.output().find("cannot connect to PostgreSQL at postgresql://tributary@/nowhere"), std::string::npos)
      << daemon.output();
  EXPECT_EQ(daemon.output().find(kPassword), std::string::npos) << daemon.output();
}

}  // namespace
}  // namespace tributary::testing
