// Crash safety: a child ingests in a loop; the test SIGKILLs it at random
// moments (a bounded number of rounds), reopens the database and checks that
// it is intact, that every batch the child reported committed is there, and
// that nothing is duplicated.
#include <gtest/gtest.h>
#include <signal.h>

#include <random>
#include <sstream>
#include <thread>

#include "store/store.hpp"
#include "store_fixture.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::store {
namespace {

using namespace std::chrono_literals;

long long last_committed(const std::string& output) {
  long long last = -1;
  std::istringstream lines(output);
  std::string word;
  long long number = 0;
  while (lines >> word >> number)
    if (word == "committed") last = number;
  return last;
}

std::int64_t scalar(Store& store, const std::string& sql) { return test::single_integer(database_of(store), sql); }

TEST(CrashSafety, SigkillLosesAtMostTheBatchInFlight) {
  testing::TempDir dir;
  const std::string database = (dir.path() / "crash.db").string();
  std::mt19937 random(20251217);
  long long committed = -1;
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    testing::ChildProcess child({TRIBUTARY_CRASH_CHILD, database}, dir.path() / ("round" + std::to_string(round)));
    // Let it commit something, then kill it at a random moment.
    ASSERT_TRUE(child.wait_for_output("committed", 30s)) << child.output();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, 300)(random)));
    child.signal(SIGKILL);
    ASSERT_TRUE(child.wait(10s));
    committed = std::max(committed, last_committed(child.output()));

    Store store(database);
    Statement& check = database_of(store).cached("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.text(0), "ok");
    check.reset();
    const std::int64_t items = scalar(store, "SELECT count(*) FROM items");
    // Every reported batch is complete; at most one more committed before
    // its report was printed.
    EXPECT_GE(items, (committed + 1) * 10);
    EXPECT_LE(items, (committed + 2) * 10);
    EXPECT_EQ(items % 10, 0) << "a batch was half committed";
    EXPECT_EQ(scalar(store, "SELECT count(DISTINCT identity_key) FROM items"), items);
    EXPECT_EQ(scalar(store, "SELECT count(*) FROM stories"), items);
    // Each item is indexed for search or queued for it (a thread of its
    // own indexes, into a file of its own): never lost in between, and
    // indexed once the thread has caught up.
    EXPECT_EQ(scalar(store,
                     "SELECT count(*) FROM items WHERE id NOT IN (SELECT rowid FROM search.items_fts) "
                     "AND id NOT IN (SELECT item_id FROM search_pending)"),
              0);
    SearchIndexer* indexer = search_indexer_of(store);
    ASSERT_TRUE(indexer->wait_until_indexed(30s)) << indexer->last_error();
    EXPECT_EQ(scalar(store, "SELECT count(*) FROM search.items_fts"), items);
    EXPECT_EQ(scalar(store, "SELECT count(*) FROM items WHERE id NOT IN (SELECT rowid FROM search.items_fts)"), 0);
    SqliteDatabase search(database + "-search");
    search.exec("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')");
  }
  EXPECT_GE(committed, kRounds - 1);
}

}  // namespace
}  // namespace tributary::store
