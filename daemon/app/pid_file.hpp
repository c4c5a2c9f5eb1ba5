// Where a running daemon can be found: the database path as the daemon
// resolves it, and the pid file it keeps next to the database
// (DATABASE.pid), locked (flock) for as long as it runs. The lock, not the
// file's existence, says whether a daemon runs: a file left behind by a
// killed daemon is unlocked, and a second daemon on the same database is
// refused.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace tributary::app {

// Relative paths live under systemd's StateDirectory ($STATE_DIRECTORY,
// the first one when there are several) when set, else under the working
// directory.
std::filesystem::path resolve_database_path(const std::filesystem::path& configured);

// "DATABASE.pid"; empty for ":memory:".
std::filesystem::path pid_file_path(const std::filesystem::path& database);

class PidFile {
 public:
  // Creates `path`, locks it and writes this process's pid. Throws
  // std::runtime_error when another daemon holds it, or it cannot be made.
  explicit PidFile(std::filesystem::path path);
  // Removes the file and releases the lock.
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

// The pid of the daemon that holds `path` locked, or nullopt when no daemon
// does (no file, or a stale one).
std::optional<pid_t> running_daemon_pid(const std::filesystem::path& path);

}  // namespace tributary::app
