// The daemon's pid file: create, lock, write, remove; and finding the
// running daemon from another process (`tributary reload`).
#include "app/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace tributary::app {
namespace {

std::string read_all(int fd) {
  std::string text;
  char buffer[64];
  if (lseek(fd, 0, SEEK_SET) < 0) return text;
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return text;
}

std::optional<pid_t> parse_pid(const std::string& text) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || value <= 0) return std::nullopt;
  return static_cast<pid_t>(value);
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::filesystem::path resolve_database_path(const std::filesystem::path& configured) {
  if (configured.is_absolute() || configured == ":memory:") return configured;
  if (const char* state = std::getenv("STATE_DIRECTORY"); state && *state) {
    std::string first(state);
    first = first.substr(0, first.find(':'));  // several directories are colon-separated
    return std::filesystem::path(first) / configured;
  }
  return std::filesystem::absolute(configured);
}

std::filesystem::path pid_file_path(const std::filesystem::path& database) {
  if (database.empty() || database == ":memory:") return {};
  std::filesystem::path path = database;
  path += ".pid";
  return path;
}

PidFile::PidFile(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot create the pid file " + path_.string() + ": " + errno_text());
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string reason = errno == EWOULDBLOCK ? "" : errno_text();
    const auto other = parse_pid(read_all(fd_));
    close(fd_);
    fd_ = -1;
    if (!reason.empty()) throw std::runtime_error("cannot lock the pid file " + path_.string() + ": " + reason);
    throw std::runtime_error("another tributary daemon" +
                             (other ? " (pid " + std::to_string(*other) + ")" : std::string()) +
                             " is running with this database (" + path_.string() +
                             " is locked); stop it first, or point [storage] database at another file");
  }
  const std::string text = std::to_string(getpid()) + "\n";
  if (ftruncate(fd_, 0) != 0 || write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    const std::string reason = errno_text();
    close(fd_);
    fd_ = -1;
    throw std::runtime_error("cannot write the pid file " + path_.string() + ": " + reason);
  }
}

PidFile::~PidFile() {
  if (fd_ < 0) return;
  unlink(path_.c_str());  // before unlocking: no one finds an unlocked file of ours
  close(fd_);
}

std::optional<pid_t> running_daemon_pid(const std::filesystem::path& path) {
  // A daemon that is just starting has locked the file but may not have
  // written its pid yet: give it a moment.
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (;;) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) {  // nobody holds it: stale
      close(fd);
      return std::nullopt;
    }
    const auto pid = parse_pid(read_all(fd));
    close(fd);
    if (pid) return pid;
    if (std::chrono::steady_clock::now() > give_up_at) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace tributary::app
