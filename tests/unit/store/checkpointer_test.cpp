// The checkpoint thread: it copies WAL frames into the database file while
// the writer goes on, the writer's own checkpoint keeps the WAL bounded, and
// neither counts as a change for the writer's caches.
#include "store/checkpointer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store/testing.hpp"
#include "store_fixture.hpp"
#include "support/temp_dir.hpp"

namespace tributary::store {
namespace {

struct Hooked {
  Checkpointer* checkpointer;
  int wal_frames = 0;  // as of the last commit
};

int after_commit(void* context, sqlite3* db, const char* schema, int frames) {
  auto* hooked = static_cast<Hooked*>(context);
  hooked->wal_frames = frames;
  hooked->checkpointer->after_commit(db, schema, frames);
  return SQLITE_OK;
}

using test::single_integer;

TEST(Checkpointer, CopiesFramesOnItsThreadAndTheWalStartsOver) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "checkpointed.db").string();
  SqliteDatabase db(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)");
  constexpr int kEvery = 40;
  constexpr int kRestart = 160;
  Checkpointer checkpointer(path, kEvery, kRestart);
  Hooked hooked{&checkpointer};
  sqlite3_wal_hook(db.handle(), after_commit, &hooked);
  const std::int64_t data_version = single_integer(db, "PRAGMA data_version");
  const auto database_bytes_before = std::filesystem::file_size(path);

  // ~9 frames of 4 KiB per transaction. Once the WAL has passed kRestart
  // frames it must start over (the hook then reports a small WAL) — as
  // soon as the writer finds the thread idle, so the loop is bounded in
  // count, not in time.
  bool has_passed_restart = false;
  bool has_started_over = false;
  int rows_before_start_over = 0;  // all in the database file once the WAL started over
  int transactions = 0;
  for (; transactions < 2000 && (transactions < 60 || !has_started_over); ++transactions) {
    Transaction transaction(db);
    for (int row = 0; row < 8; ++row) db.cached("INSERT INTO t (payload) VALUES (randomblob(3000))").run();
    transaction.commit();
    if (hooked.wal_frames >= kRestart) {
      has_passed_restart = true;
    } else if (has_passed_restart && !has_started_over) {
      has_started_over = true;
      rows_before_start_over = transactions * 8;
    }
  }
  for (int attempt = 0; attempt < 500 && checkpointer.completed() == 0; ++attempt)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  EXPECT_GE(checkpointer.completed(), 1);
  EXPECT_TRUE(has_started_over);
  // Pages reached the database file, which only a checkpoint writes: the
  // WAL starts over only once every frame in it was copied, so the file
  // holds at least the rows committed before (each 3000 bytes in a page of
  // its own). How much of the rest is copied yet depends on the machine's
  // load (the checkpoints run on their own thread).
  EXPECT_GT(rows_before_start_over, 0);
  EXPECT_GE(std::filesystem::file_size(path),
            database_bytes_before + static_cast<std::uintmax_t>(rows_before_start_over) * 3000U);
  // A checkpoint changes no content: the writer's caches stay valid.
  EXPECT_EQ(single_integer(db, "PRAGMA data_version"), data_version);
  EXPECT_EQ(single_integer(db, "SELECT count(*) FROM t"), std::int64_t{transactions} * 8);
  Statement& check = db.cached("PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
  check.reset();
}

TEST(Checkpointer, StopsCleanlyWithoutEverStarting) {
  testing::TempDir dir;
  Checkpointer checkpointer((dir.path() / "never.db").string(), 10, 100);
  EXPECT_EQ(checkpointer.completed(), 0);
}

}  // namespace
}  // namespace tributary::store
