// The WAL-batching VFS: what a commit wrote is in the files when COMMIT
// returns (another connection on the platform VFS sees it, and so does
// recovery from the WAL alone), and a commit of many pages reaches the
// file system in a few writes.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "store/testing.hpp"
#include "support/temp_dir.hpp"

namespace tributary::store {
namespace {

// A connection on the platform's own VFS, as another process would read.
class PlainConnection {
 public:
  explicit PlainConnection(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, "unix") != SQLITE_OK)
      throw std::runtime_error("cannot open " + path.string());
  }
  ~PlainConnection() { sqlite3_close(db_); }
  PlainConnection(const PlainConnection&) = delete;
  PlainConnection& operator=(const PlainConnection&) = delete;

  std::string text(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
      return std::string("prepare failed: ") + sqlite3_errmsg(db_);
    std::string out;
    const int rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW && sqlite3_column_text(statement, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    else if (rc != SQLITE_ROW)
      out = std::string("step failed: ") + sqlite3_errmsg(db_);
    sqlite3_finalize(statement);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// The table's contents in one line: rows, total payload, a checksum of ids
// times lengths, so lost or stale pages show.
std::string summary(PlainConnection& db) {
  return db.text("SELECT count(*) || ' ' || total(length(payload)) || ' ' || total(id * length(payload)) FROM t");
}
std::string summary(SqliteDatabase& db) {
  Statement& select =
      db.cached("SELECT count(*) || ' ' || total(length(payload)) || ' ' || total(id * length(payload)) FROM t");
  select.step();
  std::string out = select.text(0);
  select.reset();
  return out;
}

void insert_rows(Database& db, int rows, int bytes) {
  for (int i = 0; i < rows; ++i)
    db.cached("INSERT INTO t (payload) VALUES (randomblob(?1))").bind(1, std::int64_t{bytes}).run();
}

class WalBatchingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
    // The WAL keeps every frame (recovery below reads them all back).
    db_.exec("PRAGMA wal_autocheckpoint = 0");
    db_.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)");
    db_.exec("CREATE INDEX t_by_length ON t (length(payload), id)");
  }

  testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "batched.db";
  SqliteDatabase db_{path_.string()};
};

TEST_F(WalBatchingTest, WhatACommitWroteIsInTheFileWhenCommitReturns) {
  PlainConnection reader(path_);
  // Transactions of every shape the WAL code has: one frame; tens of
  // frames; more than the 1 MB kept in memory and than one write of the
  // unix VFS; spilled from a small page cache mid-transaction, with
  // spilled pages changed again (rewritten in place, checksums redone);
  // rolled back after a spill.
  struct Round {
    int rows;
    int bytes;
    int cache_pages;
    bool rewrites_spilled;
    bool rolls_back;
  };
  const Round rounds[] = {{1, 10, 2000, false, false},      {60, 3000, 2000, false, false},
                          {2000, 3000, 2000, false, false}, {400, 3000, 20, true, false},
                          {300, 3000, 20, false, true},     {1, 100, 2000, false, false},
                          {40, 5000, 20, true, false},      {2, 10, 2000, false, true}};
  for (const Round& round : rounds) {
    SCOPED_TRACE("round of " + std::to_string(round.rows) + " rows");
    db_.exec("PRAGMA cache_size = " + std::to_string(round.cache_pages));
    const std::string before = summary(db_);
    std::string inside;
    {
      Transaction transaction(db_);
      insert_rows(db_, round.rows, round.bytes);
      if (round.rewrites_spilled) db_.exec("UPDATE t SET payload = randomblob(length(payload) + 7) WHERE id % 5 = 0");
      inside = summary(db_);
      if (!round.rolls_back) transaction.commit();
    }  // else rolled back here
    const std::string expected = round.rolls_back ? before : inside;
    EXPECT_EQ(summary(db_), expected);
    EXPECT_EQ(summary(reader), expected);
  }
  EXPECT_EQ(reader.text("PRAGMA integrity_check"), "ok");
}

TEST_F(WalBatchingTest, RecoveryFromTheWalAloneFindsEveryCommit) {
  for (int round = 0; round < 6; ++round) {
    Transaction transaction(db_);
    insert_rows(db_, 10 + round * 150, 2500);
    transaction.commit();
  }
  const std::string expected = summary(db_);
  // A copy of the database and its WAL without the shared-memory index:
  // opening it rebuilds the index from the WAL's frames, checking each
  // frame's checksum, as after a crash.
  testing::TempDir copy;
  std::filesystem::copy_file(path_, copy.path() / "copy.db");
  std::filesystem::copy_file(path_.string() + "-wal", copy.path() / "copy.db-wal");
  ASSERT_GT(std::filesystem::file_size(copy.path() / "copy.db-wal"), 1'000'000U);
  PlainConnection recovered(copy.path() / "copy.db");
  EXPECT_EQ(summary(recovered), expected);
  EXPECT_EQ(recovered.text("PRAGMA integrity_check"), "ok");
}

// Write system calls of this process so far (Linux).
long write_calls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long value = 0;
  while (io >> key >> value)
    if (key == "syscw:") return value;
  return -1;
}

TEST_F(WalBatchingTest, ACommitOfManyPagesReachesTheFileSystemInAFewWrites) {
  if (write_calls() < 0) GTEST_SKIP() << "/proc/self/io is not readable here";
  Transaction transaction(db_);
  insert_rows(db_, 80, 3000);  // ~80 table pages and a few index pages
  const long before = write_calls();
  transaction.commit();
  const long writes = write_calls() - before;
  // SQLite alone issues two per page (frame header, page): 160 and more.
  EXPECT_LE(writes, 10);
  EXPECT_GE(writes, 1);
}

}  // namespace
}  // namespace tributary::store
