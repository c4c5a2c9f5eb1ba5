// Why a thread: a checkpoint reads each new WAL frame back, writes its page
// into the database file and syncs both files. At a million items that is
// most of an ingest's time when the writer does it itself (SQLite's
// automatic checkpoint runs inside the COMMIT that crosses the limit).
// SQLite lets a checkpoint run on another connection while the writer
// appends (PASSIVE mode takes no lock that a writer or reader waits for).
#include "store/checkpointer.hpp"

#include <sqlite3.h>

#include <memory>

#include "store/sqlite.hpp"

namespace tributary::store {

Checkpointer::Checkpointer(std::string path, int every_frames, int restart_frames)
    : path_(std::move(path)), every_frames_(every_frames), restart_frames_(restart_frames) {}

Checkpointer::~Checkpointer() {
  {
    const std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::after_commit(sqlite3* db, const char* schema, int frames) {
  std::unique_lock lock(mutex_);
  wal_frames_ = frames;
  if (frames < backfilled_) backfilled_ = 0;  // the WAL started over
  if (is_due() && !is_running_) {
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake_.notify_one();
  }
  lock.unlock();
  // Only what the thread has not copied yet. Busy (the thread is at it):
  // the next commit tries again.
  if (frames >= restart_frames_) sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

// The last stretch before restart_frames is left to the writer: a
// checkpoint of the thread in progress then would make the writer's busy
// and, holding a read lock, keep the next transaction from starting the WAL
// over.
bool Checkpointer::is_due() const {
  return wal_frames_ - backfilled_ >= every_frames_ && wal_frames_ < restart_frames_ - every_frames_ / 2;
}

int Checkpointer::completed() const {
  const std::lock_guard lock(mutex_);
  return completed_;
}

void Checkpointer::run() {
  std::unique_ptr<SqliteDatabase> db;  // its own connection, opened on first use
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return is_stopping_ || is_due(); });
    if (is_stopping_) return;
    const int frames = wal_frames_;
    is_running_ = true;
    lock.unlock();
    bool is_done = false;
    try {
      if (!db) {
        db = std::make_unique<SqliteDatabase>(path_, SqliteDatabase::Open::must_exist);
        // A new connection is in WAL mode only once it has read the
        // database; until then a checkpoint does nothing.
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = NORMAL");
      }
      // Busy (the writer is finishing a checkpoint itself) or failed: the
      // next frames will ask again; the writer's own checkpoint keeps the
      // WAL bounded either way.
      is_done =
          sqlite3_wal_checkpoint_v2(db->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK;
    } catch (const StoreError&) {
      db.reset();
    }
    lock.lock();
    is_running_ = false;
    // Counted as handled even when it failed, so that a failing checkpoint
    // is retried after more frames, not in a loop.
    backfilled_ = frames;
    if (is_done) ++completed_;
  }
}

}  // namespace tributary::store
