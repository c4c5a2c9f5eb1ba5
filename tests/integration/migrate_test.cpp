// `tributary migrate --to` (issue 21): a daemon's SQLite store copied into
// an empty PostgreSQL database and back, each copy then served by a daemon
// with the same entries (ids, order) and found by full-text search; a
// target that is not empty is refused with nothing copied.
#include <gtest/gtest.h>

#include "support/atom_reader.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

class Migrate : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = PostgresCluster::shared();
    if (!cluster_) GTEST_SKIP() << PostgresCluster::shared_skip_reason();
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

  // A configuration on SQLite (`sqlite_file`) or PostgreSQL (`url`).
  std::filesystem::path config_file(const std::string& name, const std::filesystem::path& sqlite_file,
                                    const std::string& url = {}) {
    DaemonConfig config(sqlite_file);
    if (!url.empty()) config.postgresql(url);
    config.schedule("interval = \"1h\"")
        .source(upstream_.url("/sarajevo.xml"), "Sarajevo Daily")
        .source(upstream_.url("/beograd.xml"), "Beograd Wire");
    return dir_.write(name, config.text());
  }

  // The ids of the feed a daemon with `config` serves (4 entries once both
  // sources are in), and how many entries `q=tram` finds.
  std::pair<std::vector<std::string>, std::size_t> served(const std::filesystem::path& config) {
    DaemonOptions options;
    options.environment.push_back("STATE_DIRECTORY=" + dir_.path().string());
    DaemonProcess daemon(config, dir_.path() / (config.stem().string() + ".log"), std::move(options));
    EXPECT_TRUE(daemon.wait_until_listening()) << daemon.output();
    const HttpReply reply = daemon.wait_until_http(
        "/feed.atom", [](const HttpReply& r) { return r.status == 200 && entries_of(r.body).size() >= 4; }, 30s);
    std::vector<std::string> ids;
    for (const Entry& entry : entries_of(reply.body)) ids.push_back(entry.id);
    const std::size_t found = entries_of(daemon.get("/feed.atom?q=tram").body).size();
    EXPECT_EQ(daemon.stop(), 0) << daemon.output();
    return {ids, found};
  }

  static CommandResult migrate(const std::filesystem::path& config, const std::string& target) {
    return run_command({tributary_binary().string(), "--config", config.string(), "migrate", "--to", target}, 60s);
  }

  PostgresCluster* cluster_ = nullptr;
  FakeUpstream upstream_;
  TempDir dir_;
};

TEST_F(Migrate, ToPostgresqlAndBackServesTheSameFeed) {
  const std::filesystem::path on_sqlite = config_file("sqlite.toml", dir_.path() / "first.db");
  const auto [ids, found] = served(on_sqlite);
  ASSERT_EQ(ids.size(), 4u);
  ASSERT_EQ(found, 1u) << "the SQLite store finds the tram story";

  const std::string url = cluster_->create_database(cluster_->unique_database_name("migrate"));
  const CommandResult there = migrate(on_sqlite, url);
  ASSERT_EQ(there.exit_code, 0) << there.output;
  EXPECT_NE(there.output.find("items: 4 rows"), std::string::npos) << there.output;
  EXPECT_NE(there.output.find("sources: 2 rows"), std::string::npos) << there.output;
  const std::filesystem::path on_postgresql = config_file("postgresql.toml", dir_.path() / "unused.db", url);
  EXPECT_EQ(served(on_postgresql), std::make_pair(ids, std::size_t{1}));

  const std::filesystem::path back = dir_.path() / "back.db";
  const CommandResult home = migrate(on_postgresql, back.string());
  ASSERT_EQ(home.exit_code, 0) << home.output;
  EXPECT_EQ(served(config_file("back.toml", back)), std::make_pair(ids, std::size_t{1}));
}

TEST_F(Migrate, RefusesATargetThatIsNotEmpty) {
  const std::filesystem::path on_sqlite = config_file("sqlite.toml", dir_.path() / "first.db");
  ASSERT_EQ(served(on_sqlite).first.size(), 4u);
  const std::string url = cluster_->create_database(cluster_->unique_database_name("migrate"));
  ASSERT_EQ(migrate(on_sqlite, url).exit_code, 0);
  const CommandResult again = migrate(on_sqlite, url);
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("not empty"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("Nothing was copied"), std::string::npos) << again.output;
}

}  // namespace
}  // namespace tributary::testing
