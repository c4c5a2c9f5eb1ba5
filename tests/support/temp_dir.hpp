// A temporary directory removed with everything in it when the test ends.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

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

// A document of the shared corpus and the URL it was fetched from.
struct CorpusDocument {
  std::filesystem::path path;
  std::string base_url;
};
// The corpus's documents as its manifest.tsv lists them; empty when the
// shared directory or its corpus is absent (callers skip then).
std::vector<CorpusDocument> corpus_documents();

}  // namespace tributary::testing
