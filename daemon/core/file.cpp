// Bounded file reads: open without blocking, look at what the path is, then
// read at most the limit plus one byte.
#include "core/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "core/text.hpp"

namespace tributary::core {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string errno_text(int error) { return std::error_code(error, std::generic_category()).message(); }

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

FileRead too_large(std::uint64_t max_bytes) {
  return {std::nullopt, "too large (more than " + format_size(max_bytes) + ")", true};
}

}  // namespace

FileRead read_file_limited(const std::filesystem::path& path, std::uint64_t max_bytes, SpecialFiles special) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (file.get() < 0) return {std::nullopt, errno_text(errno)};
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return {std::nullopt, errno_text(errno)};
  const bool is_regular = S_ISREG(info.st_mode);
  if (S_ISDIR(info.st_mode) || (!is_regular && special == SpecialFiles::refuse))
    return {std::nullopt, std::string("not a regular file (") + kind_of(info.st_mode) + ")"};
  if (is_regular && static_cast<std::uint64_t>(info.st_size) > max_bytes) return too_large(max_bytes);
  if (!is_regular) {
    // Read a FIFO or a device as `cat` would: wait for its data (a FIFO
    // that has no writer at all reads as empty rather than blocking).
    const int flags = ::fcntl(file.get(), F_GETFL);
    if (flags < 0 || ::fcntl(file.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) return {std::nullopt, errno_text(errno)};
  }
  std::string bytes;
  // A regular file may still grow between fstat and read: the bound holds
  // for what is read, not for what fstat said.
  char buffer[64 * 1024];
  for (;;) {
    const std::uint64_t wanted = max_bytes - bytes.size() + 1;  // one byte past the limit tells
    const ssize_t count = ::read(file.get(), buffer, std::min<std::uint64_t>(sizeof buffer, wanted));
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return {std::nullopt, errno_text(errno)};
    if (count == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(count));
    if (bytes.size() > max_bytes) return too_large(max_bytes);
  }
  return {std::move(bytes), {}};
}

}  // namespace tributary::core
