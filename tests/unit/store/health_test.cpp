// Store::health_problem: a database file deleted, replaced, overwritten or
// truncated under an open store is noticed, from the file itself rather
// than the pages the connection has cached.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace tributary::store {
namespace {

void overwrite_in_place(const std::filesystem::path& path, const std::string& bytes) {
  // Same inode: truncated and rewritten, as `cat garbage > file` does.
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << bytes;
}

class StoreHealth : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<Store>(database_.string());
    config::SourceSpec spec;
    spec.url = "https://n.example/feed";
    spec.name = "News";
    store_->ensure_source(spec);
    ASSERT_EQ(store_->health_problem(), "");
  }

  testing::TempDir dir_;
  std::filesystem::path database_ = dir_.path() / "health.db";
  std::unique_ptr<Store> store_;
};

TEST_F(StoreHealth, AMemoryDatabaseIsHealthy) { EXPECT_EQ(Store(":memory:").health_problem(), ""); }

TEST_F(StoreHealth, NoticesTheFileDeletedAndItsReturn) {
  const auto moved = dir_.path() / "moved-away.db";
  std::filesystem::rename(database_, moved);
  const std::string problem = store_->health_problem();
  EXPECT_NE(problem.find("deleted or moved away"), std::string::npos) << problem;
  EXPECT_EQ(problem.find(database_.string()), std::string::npos) << "no paths: /healthz shows it to anyone";
  std::filesystem::rename(moved, database_);
  EXPECT_EQ(store_->health_problem(), "");
}

TEST_F(StoreHealth, NoticesAnotherFileInItsPlace) {
  const auto other = dir_.path() / "other.db";
  Store(other.string()).checkpoint();
  std::filesystem::rename(other, database_);
  const std::string problem = store_->health_problem();
  EXPECT_NE(problem.find("replaced"), std::string::npos) << problem;
}

TEST_F(StoreHealth, NoticesGarbageWrittenOverTheFile) {
  store_->checkpoint();
  EXPECT_EQ(store_->sources().size(), 1u);  // the pages are in the connection's cache now
  overwrite_in_place(database_, std::string(64 * 1024, '\x5a'));
  const std::string problem = store_->health_problem();
  EXPECT_NE(problem.find("no longer an SQLite database"), std::string::npos) << problem;
}

TEST_F(StoreHealth, NoticesATruncatedFile) {
  store_->checkpoint();
  overwrite_in_place(database_, "SQLite");
  const std::string problem = store_->health_problem();
  EXPECT_NE(problem.find("truncated"), std::string::npos) << problem;
}

TEST_F(StoreHealth, NoticesDamageBehindAnIntactHeader) {
  store_->checkpoint();
  std::string bytes;
  {
    std::ifstream file(database_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(file), {});
  }
  ASSERT_GT(bytes.size(), 4096u);
  // Keep the first 100 bytes (the header), wreck every page.
  for (std::size_t i = 100; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xA5);
  overwrite_in_place(database_, bytes);
  const std::string problem = store_->health_problem();
  EXPECT_FALSE(problem.empty());
}

}  // namespace
}  // namespace tributary::store
