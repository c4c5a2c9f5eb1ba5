// Copies committed WAL frames into the database file on a thread of its
// own, so that the thread that writes does not stop for it. Replaces
// SQLite's automatic checkpoint (install after_commit as the WAL hook).
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace tributary::store {

class Checkpointer {
 public:
  // `path`: the database file; `every_frames`: how many new WAL frames make
  // a checkpoint on the thread worth its two syncs; `restart_frames`: the
  // WAL size at which the writer copies what is left itself, so that its
  // next transaction starts the WAL over (a writer that never pauses would
  // otherwise grow it without end).
  Checkpointer(std::string path, int every_frames, int restart_frames);
  ~Checkpointer();  // finishes a checkpoint in progress, then stops
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // After each commit, on the writer's connection `db`, with the WAL's size
  // in frames (SQLite's WAL hook passes all three). Wakes the checkpoint
  // thread (starting it on first need) when enough frames arrived since its
  // last checkpoint; past restart_frames, checkpoints on `db` too.
  void after_commit(sqlite3* db, const char* schema, int frames);
  // Checkpoints completed so far (for tests).
  int completed() const;

 private:
  void run();
  bool is_due() const;  // with mutex_ held

  const std::string path_;
  const int every_frames_;
  const int restart_frames_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  int wal_frames_ = 0;  // as last noted
  int backfilled_ = 0;  // WAL frames in the database file after the last checkpoint
  bool is_running_ = false;
  bool is_stopping_ = false;
  int completed_ = 0;
  std::thread thread_;
};

}  // namespace tributary::store
