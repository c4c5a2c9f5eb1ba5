// The man page tributary(1) documents every subcommand and every
// configuration key the code knows: the lists are read from the sources
// (CLI11's add_subcommand calls in main.cpp, the config readers' key
// lookups in every daemon/config/*.cpp), so a new key without
// documentation fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kSource = TRIBUTARY_SOURCE_DIR;

// Every "NAME" in `text` that follows `prefix` + optional identifier + `(`
// (and whitespace): e.g. prefix "reader." finds reader.string("listen").
std::set<std::string> quoted_arguments(const std::string& text, const std::string& prefix, bool has_identifier) {
  std::set<std::string> names;
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    std::size_t i = at + prefix.size();
    if (has_identifier) {
      const std::size_t start = i;
      while (i < text.size() && (std::islower(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
      if (i == start || i >= text.size() || text[i] != '(') continue;
      ++i;
    }
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size() || text[i] != '"') continue;
    const std::size_t end = text.find('"', i + 1);
    if (end != std::string::npos) names.insert(text.substr(i + 1, end - i - 1));
  }
  return names;
}

TEST(ManPage, DocumentsEverySubcommand) {
  const std::string page = read_text_file(kSource / "docs/tributary.1.scd");
  const auto subcommands = quoted_arguments(read_text_file(kSource / "daemon/app/main.cpp"), "add_subcommand(", false);
  ASSERT_GE(subcommands.size(), 5u);
  for (const std::string& name : subcommands)
    EXPECT_NE(page.find("\n*" + name + "*"), std::string::npos) << "docs/tributary.1.scd lacks subcommand " << name;
}

TEST(ManPage, DocumentsEveryConfigKey) {
  const std::string page = read_text_file(kSource / "docs/tributary.1.scd");
  std::set<std::string> keys;
  for (const auto& file : std::filesystem::directory_iterator(kSource / "daemon/config"))
    if (file.path().extension() == ".cpp") keys.merge(quoted_arguments(read_text_file(file.path()), "reader.", true));
  ASSERT_GE(keys.size(), 60u);
  for (const std::string& key : keys)
    EXPECT_NE(page.find("\n*" + key + "* ="), std::string::npos) << "docs/tributary.1.scd lacks config key " << key;
}

TEST(ManPage, RendersWithMan) {
  const std::filesystem::path page = std::filesystem::path(TRIBUTARY_BUILD_DIR) / "man/man1/tributary.1";
  ASSERT_TRUE(std::filesystem::exists(page)) << "build the target man";
  const CommandResult rendered = run_command({"/usr/bin/env", "MANWIDTH=80", "man", "-l", page.string()}, 60s);
  EXPECT_EQ(rendered.exit_code, 0) << rendered.output;
  EXPECT_NE(rendered.output.find("tributary - feed aggregation daemon"), std::string::npos) << rendered.output;
}

}  // namespace
}  // namespace tributary::testing
