// A temporary directory removed with everything in it when the test ends.
#pragma once

#include <filesystem>
#include <string>

namespace tributary::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes a file under the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// Paths the build passes in: the tributary binary, the test fixtures, and
// the team's shared inputs (empty when that directory is not present).
std::filesystem::path tributary_binary();
std::filesystem::path fixtures_dir();
std::filesystem::path shared_dir();
std::string read_text_file(const std::filesystem::path& path);

}  // namespace tributary::testing
