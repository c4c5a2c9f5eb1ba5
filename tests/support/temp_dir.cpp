// TempDir and build-provided paths.
#include "support/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace tributary::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tributary-test-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  const auto file = path_ / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

std::filesystem::path tributary_binary() { return TRIBUTARY_TEST_BINARY; }
std::filesystem::path fixtures_dir() { return TRIBUTARY_TEST_FIXTURES; }

std::filesystem::path shared_dir() {
  if (const char* from_env = std::getenv("TRIBUTARY_SHARED_DIR"); from_env && *from_env) return from_env;
  const std::filesystem::path configured = TRIBUTARY_TEST_SHARED;
  std::error_code ignored;
  if (std::filesystem::is_directory(configured / "corpus", ignored)) return std::filesystem::canonical(configured);
  return {};
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<CorpusDocument> corpus_documents() {
  const std::filesystem::path corpus = shared_dir() / "corpus";
  std::ifstream manifest(corpus / "manifest.tsv");
  std::vector<CorpusDocument> documents;
  if (shared_dir().empty() || !manifest) return documents;
  std::string line;
  std::getline(manifest, line);  // header
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string path;
    std::string base_url;
    std::getline(fields, path, '\t');
    std::getline(fields, base_url, '\t');
    if (!path.empty()) documents.push_back({corpus / path, base_url});
  }
  return documents;
}

}  // namespace tributary::testing
