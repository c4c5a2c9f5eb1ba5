// Bounded reads of files the operator names (the config, OPML lists,
// password files): a path that points at /dev/zero, a FIFO or a huge file
// must end in a message, not in a hang or an exhausted memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace tributary::core {

// What a path that is not a regular file gets.
enum class SpecialFiles {
  refuse,  // "is a character device, not a regular file"
  read,    // read like a file, up to the limit (a FIFO waits for its writer, as `cat` does)
};

struct FileRead {
  std::optional<std::string> bytes;  // the whole file, when it was read
  // Why not, to follow "cannot read PATH: ": "No such file or directory",
  // "not a regular file (a FIFO)", "too large (more than 4MiB)".
  std::string error;
  bool is_too_large = false;
};

// Reads at most `max_bytes` bytes (one more tells that the file is larger).
// Opening never blocks: a FIFO is refused, or read under SpecialFiles::read.
// max_bytes must be below UINT64_MAX.
FileRead read_file_limited(const std::filesystem::path& path, std::uint64_t max_bytes,
                           SpecialFiles special = SpecialFiles::refuse);

}  // namespace tributary::core
