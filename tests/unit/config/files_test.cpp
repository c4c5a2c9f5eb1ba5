// The files a config names are read bounded: /dev/zero, a FIFO or a huge
// file ends in a message naming the path, not in a hang or bad_alloc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "config/config.hpp"
#include "config/opml.hpp"
#include "core/file.hpp"
#include "support/temp_dir.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> messages(const std::vector<ConfigError>& errors) {
  std::vector<std::string> out;
  for (const ConfigError& error : errors) out.push_back(to_string(error));
  return out;
}

std::vector<std::string> errors_of(const std::string& toml) { return messages(parse_config(toml, "test.toml").errors); }

// A file of `size` bytes without writing them (a sparse file).
std::filesystem::path sparse_file(const testing::TempDir& dir, const std::string& name, std::uintmax_t size) {
  const auto path = dir.write(name, "");
  std::filesystem::resize_file(path, size);
  return path;
}

TEST(BoundedReads, ReadsAFileOfExactlyTheLimit) {
  testing::TempDir dir;
  const auto path = dir.write("exact", std::string(1000, 'x'));
  const core::FileRead read = core::read_file_limited(path, 1000);
  ASSERT_TRUE(read.bytes) << read.error;
  EXPECT_EQ(read.bytes->size(), 1000u);
}

TEST(BoundedReads, OneByteMoreIsTooLarge) {
  testing::TempDir dir;
  const core::FileRead read = core::read_file_limited(dir.write("over", std::string(1001, 'x')), 1000);
  EXPECT_FALSE(read.bytes);
  EXPECT_TRUE(read.is_too_large);
  EXPECT_EQ(read.error, "too large (more than 1000B)");
}

TEST(BoundedReads, RefusesDevicesFifosAndDirectories) {
  testing::TempDir dir;
  const auto fifo = dir.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(core::read_file_limited("/dev/zero", 1000).error, "not a regular file (a character device)");
  EXPECT_EQ(core::read_file_limited(fifo, 1000).error, "not a regular file (a FIFO)");  // and does not wait
  EXPECT_EQ(core::read_file_limited(dir.path(), 1000).error, "not a regular file (a directory)");
  EXPECT_EQ(core::read_file_limited(dir.path() / "absent", 1000).error, "No such file or directory");
}

TEST(BoundedReads, ReadsADeviceUpToTheLimitWhenAsked) {
  const core::FileRead read = core::read_file_limited("/dev/zero", 4096, core::SpecialFiles::read);
  EXPECT_FALSE(read.bytes);
  EXPECT_TRUE(read.is_too_large);
  const core::FileRead empty = core::read_file_limited("/dev/null", 4096, core::SpecialFiles::read);
  ASSERT_TRUE(empty.bytes) << empty.error;
  EXPECT_EQ(*empty.bytes, "");
}

TEST(ConfigFile, DevZeroIsRefusedNotReadForever) {
  EXPECT_THAT(messages(load_config_file("/dev/zero").errors),
              ElementsAre("/dev/zero:1:1: cannot read config file: not a regular file (a character device)"));
}

TEST(ConfigFile, AFifoIsRefusedWithoutWaitingForAWriter) {
  testing::TempDir dir;
  const auto fifo = dir.path() / "tributary.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THAT(messages(load_config_file(fifo).errors),
              ElementsAre(fifo.string() + ":1:1: cannot read config file: not a regular file (a FIFO)"));
}

TEST(ConfigFile, LargerThanFourMebibytesIsTooLarge) {
  testing::TempDir dir;
  const auto huge = sparse_file(dir, "huge.toml", 5ULL << 30);
  EXPECT_THAT(messages(load_config_file(huge).errors),
              ElementsAre(huge.string() + ":1:1: cannot read config file: too large (more than 4MiB)"));
  const auto just_over = dir.write("over.toml", std::string(4 * 1024 * 1024 + 1, '\n'));
  EXPECT_THAT(messages(load_config_file(just_over).errors),
              ElementsAre(just_over.string() + ":1:1: cannot read config file: too large (more than 4MiB)"));
}

TEST(ConfigFile, FourMebibytesIsStillRead) {
  testing::TempDir dir;
  std::string text = "[feed]\ntitle = \"Big\"\n";
  text += std::string(4 * 1024 * 1024 - text.size(), '\n');
  const ConfigLoad loaded = load_config_file(dir.write("big.toml", text));
  ASSERT_TRUE(loaded.config) << messages(loaded.errors).at(0);
  EXPECT_EQ(loaded.config->feed.title, "Big");
}

TEST(PasswordFile, DevZeroIsRefused) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://paid.example/feed.xml\"\nusername = \"reader\"\n"
                        "password_file = \"/dev/zero\"\n"),
              ElementsAre("test.toml:4:17: source.password_file: cannot read \"/dev/zero\": not a regular file (a "
                          "character device)"));
}

TEST(PasswordFile, LargerThan64KibibytesIsTooLarge) {
  testing::TempDir dir;
  const auto secret = dir.write("secret", std::string(64 * 1024 + 1, 'p'));
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://paid.example/feed.xml\"\nusername = \"reader\"\n"
                        "password_file = \"" +
                        secret.string() + "\"\n"),
              ElementsAre("test.toml:4:17: source.password_file: cannot read \"" + secret.string() +
                          "\": too large (more than 64KiB)"));
}

TEST(PasswordFile, AControlCharacterIsNamedButTheSecretIsNotShown) {
  testing::TempDir dir;
  const auto secret = dir.write("secret", "hunter\x01two\n");
  const auto errors = errors_of(
      "[[source]]\nurl = \"https://paid.example/feed.xml\"\nusername = \"reader\"\n"
      "password_file = \"" +
      secret.string() + "\"\n");
  EXPECT_THAT(errors, ElementsAre("test.toml:4:17: source.password_file: \"" + secret.string() +
                                  "\" contains the control character U+0001 (RFC 7617 allows none in a password)"));
}

TEST(CaFile, DevZeroIsRefused) {
  EXPECT_THAT(errors_of("[fetch]\nca_file = \"/dev/zero\"\n"),
              ElementsAre("test.toml:2:11: fetch.ca_file: cannot read \"/dev/zero\": not a regular file (a character "
                          "device)"));
}

TEST(OpmlFile, DevZeroIsRefused) {
  EXPECT_THAT(messages(load_opml_file("/dev/zero").errors),
              ElementsAre("/dev/zero:1:1: cannot read OPML file: not a regular file (a character device)"));
  EXPECT_THAT(errors_of("[sources]\nopml = \"/dev/zero\"\n"),
              ElementsAre("/dev/zero:1:1: cannot read OPML file: not a regular file (a character device)"));
}

TEST(OpmlFile, LargerThan16MebibytesIsTooLarge) {
  testing::TempDir dir;
  const auto huge = sparse_file(dir, "huge.opml", (16ULL << 20) + 1);
  EXPECT_THAT(messages(load_opml_file(huge).errors),
              ElementsAre(huge.string() + ":1:1: cannot read OPML file: too large (more than 16MiB)"));
}

}  // namespace
}  // namespace tributary::config
