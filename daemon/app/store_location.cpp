#include "app/store_location.hpp"

#include <stdexcept>

#include "app/pid_file.hpp"
#include "core/file.hpp"

namespace tributary::app {
namespace {

constexpr std::uint64_t kMaxPasswordFileBytes = 64 * 1024;

// The file's text less its trailing line breaks (an editor's last newline
// is not part of the password).
std::string read_password(const std::filesystem::path& path) {
  const core::FileRead read = core::read_file_limited(path, kMaxPasswordFileBytes);
  if (!read.bytes) throw std::runtime_error("cannot read storage.password_file " + path.string() + ": " + read.error);
  std::string password = *read.bytes;
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  if (password.empty()) throw std::runtime_error("storage.password_file " + path.string() + " is empty");
  return password;
}

}  // namespace

store::StoreLocation configured_store(const config::Config& config) {
  const config::StorageConfig& storage = config.storage;
  if (storage.backend == config::StorageBackend::sqlite)
    return store::StoreLocation::sqlite(resolve_database_path(storage.database).string());
  return store::StoreLocation::postgresql(
      storage.url, storage.password_file.empty() ? std::string() : read_password(storage.password_file));
}

}  // namespace tributary::app
