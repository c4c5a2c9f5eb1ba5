// Checked, atomic replacement of the configuration file (see config_file.hpp).
#include "app/config_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "config/sections.hpp"
#include "core/file.hpp"

namespace tributary::app {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Writes all of `text` to `fd`; false (errno set) on failure.
bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

// `text` into a new file beside `path` with `mode`, synced, renamed over
// `path`, and the directory synced (so the rename survives a crash). Empty
// on success, else what failed.
std::string replace_atomically(const std::filesystem::path& path, std::string_view text, mode_t mode) {
  // Appended, not "." + std::string: g++ 12 -O3 reports a false -Wrestrict
  // there (GCC bug 105651) and the Release build fails.
  std::string temp_name = ".";
  temp_name += path.filename().string();
  temp_name += ".tributary-XXXXXX";
  std::string temp = (path.parent_path() / temp_name).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return "cannot create a temporary file beside " + path.string() + ": " + errno_text();
  std::string error;
  if (::fchmod(fd, mode) != 0) error = "cannot set the mode of " + temp + ": " + errno_text();
  if (error.empty() && !write_all(fd, text)) error = "cannot write " + temp + ": " + errno_text();
  if (error.empty() && ::fsync(fd) != 0) error = "cannot sync " + temp + ": " + errno_text();
  ::close(fd);
  if (error.empty() && ::rename(temp.c_str(), path.c_str()) != 0)
    error = "cannot rename " + temp + " to " + path.string() + ": " + errno_text();
  if (!error.empty()) {
    ::unlink(temp.c_str());
    return error;
  }
  const std::string directory = path.has_parent_path() ? path.parent_path().string() : ".";
  if (const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return "";
}

}  // namespace

std::optional<ConfigFileEdit> open_config_for_edit(const std::filesystem::path& path, std::string_view command) {
  const core::FileRead read = core::read_file_limited(path, config::kMaxConfigFileBytes);
  if (!read.bytes) {
    std::cerr << command << ": cannot read " << path.string() << ": " << read.error << "\n";
    return std::nullopt;
  }
  config::ConfigLoad loaded = config::parse_config(*read.bytes, path.string());
  for (const config::ConfigError& error : loaded.errors) std::cerr << config::to_string(error) << "\n";
  if (!loaded.config) {
    std::cerr << command << ": " << path.string() << " is invalid as it stands; fix it first (nothing was changed)\n";
    return std::nullopt;
  }
  return ConfigFileEdit{path, std::move(*read.bytes), std::move(*loaded.config)};
}

std::optional<config::Config> commit_config_edit(const ConfigFileEdit& edit, const std::string& text,
                                                 std::string_view command) {
  config::ConfigLoad checked = config::parse_config(text, edit.path.string());
  if (!checked.config) {
    for (const config::ConfigError& error : checked.errors) std::cerr << config::to_string(error) << "\n";
    std::cerr << command << ": the edited configuration would not pass `tributary check`; " << edit.path.string()
              << " was left unchanged\n";
    return std::nullopt;
  }
  // Another edit since we read it (an editor, a second `add`): ours would
  // undo it.
  const core::FileRead now = core::read_file_limited(edit.path, config::kMaxConfigFileBytes);
  if (!now.bytes || *now.bytes != edit.original) {
    std::cerr << command << ": " << edit.path.string() << " changed while this command ran; nothing was written, "
              << "run it again\n";
    return std::nullopt;
  }
  // A symlinked file (/etc/tributary/tributary.toml → a checkout) is
  // replaced where it lives; the link stays.
  std::error_code link_error;
  const std::filesystem::path target = std::filesystem::is_symlink(edit.path, link_error)
                                           ? std::filesystem::canonical(edit.path, link_error)
                                           : edit.path;
  struct stat status {};
  const mode_t mode = ::stat(target.c_str(), &status) == 0 ? (status.st_mode & 07777) : 0644;
  if (const std::string error = replace_atomically(target, text, mode); !error.empty()) {
    std::cerr << command << ": " << error << "; " << edit.path.string() << " was left unchanged\n";
    return std::nullopt;
  }
  return std::move(checked.config);
}

}  // namespace tributary::app
