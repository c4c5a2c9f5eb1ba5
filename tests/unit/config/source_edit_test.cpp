// [[source]] blocks appended to and cut out of a configuration file's text:
// every other byte kept, and the result still a valid configuration.
#include "config/source_edit.hpp"

#include <gtest/gtest.h>

#include "config/config.hpp"

namespace tributary::config {
namespace {

constexpr std::string_view kFile =
    "# Tributary at the lake house\n"
    "[server]\n"
    "listen = \"127.0.0.1:8080\"   # loopback only\n"
    "\n"
    "# The gazette: hourly, it never posts more often\n"
    "[[source]]\n"
    "name = \"Mountain Gazette\"\n"
    "url = \"https://mountain-gazette.example/feed.xml\"\n"
    "interval = \"1h\"\n"
    "[source.headers]\n"
    "X-Reader = \"tributary\"\n"
    "\n"
    "# Kept with the next block\n"
    "[[source]]\n"
    "url = \"https://ohrid-notes.example/index.xml\"\n";

TEST(SourceEdit, AppendKeepsEveryByteBeforeTheBlock) {
  const std::string text =
      with_source_appended(kFile, {"Kotor \"Chronicle\"", "https://kotor.example/feed", {"news", "me"}, "30m"});
  ASSERT_TRUE(text.starts_with(kFile));
  EXPECT_EQ(text.substr(kFile.size()),
            "\n[[source]]\nname = \"Kotor \\\"Chronicle\\\"\"\nurl = \"https://kotor.example/feed\"\n"
            "tags = [\"news\", \"me\"]\ninterval = \"30m\"\n");
  const ConfigLoad loaded = parse_config(text, "t.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.front());
  ASSERT_EQ(loaded.config->sources.size(), 3u);
  EXPECT_EQ(loaded.config->sources[2].name, "Kotor \"Chronicle\"");
  EXPECT_EQ(loaded.config->sources[2].tags, (std::vector<std::string>{"news", "me"}));
}

TEST(SourceEdit, AppendTerminatesAnUnterminatedLastLineAndKeepsCrlf) {
  EXPECT_EQ(
      with_source_appended("[server]\r\nlisten = \"127.0.0.1:1\"", {"A", "https://a.example/", {}, ""}),
      "[server]\r\nlisten = \"127.0.0.1:1\"\r\n\r\n[[source]]\r\nname = \"A\"\r\nurl = \"https://a.example/\"\r\n");
  EXPECT_EQ(with_source_appended("", {"A", "https://a.example/", {}, ""}),
            "[[source]]\nname = \"A\"\nurl = \"https://a.example/\"\n");
}

TEST(SourceEdit, ControlCharactersAreEscaped) {
  EXPECT_EQ(toml_basic_string("a\tb\\c\x01"), "\"a\\u0009b\\\\c\\u0001\"");
}

TEST(SourceEdit, RemoveTakesTheBlockItsCommentAndSubtable) {
  const SourceRemoval removed = without_source_block(kFile, 8);  // the gazette's url line
  ASSERT_TRUE(removed.text) << removed.error;
  EXPECT_EQ(*removed.text,
            "# Tributary at the lake house\n"
            "[server]\n"
            "listen = \"127.0.0.1:8080\"   # loopback only\n"
            "\n"
            "# Kept with the next block\n"
            "[[source]]\n"
            "url = \"https://ohrid-notes.example/index.xml\"\n");
}

TEST(SourceEdit, RemoveTheLastBlockLeavesNoTrailingBlankLine) {
  const SourceRemoval removed = without_source_block(kFile, 15);
  ASSERT_TRUE(removed.text) << removed.error;
  EXPECT_TRUE(removed.text->ends_with("X-Reader = \"tributary\"\n")) << *removed.text;
}

TEST(SourceEdit, AppendThenRemoveGivesTheFileBack) {
  const std::string appended = with_source_appended(kFile, {"K", "https://kotor.example/feed", {}, ""});
  const ConfigLoad loaded = parse_config(appended, "t.toml");
  ASSERT_TRUE(loaded.config);
  const SourceRemoval removed = without_source_block(appended, loaded.config->sources.back().defined_at.line);
  ASSERT_TRUE(removed.text) << removed.error;
  EXPECT_EQ(*removed.text, kFile);
}

TEST(SourceEdit, ALineOutsideAnySourceBlockIsRefused) {
  EXPECT_FALSE(without_source_block(kFile, 3).text);
  EXPECT_FALSE(without_source_block(kFile, 99).text);
  // A bracketed line inside a multi-line array is no header.
  const std::string_view nested =
      "[[source]]\nurl = \"https://a.example/\"\ntags = [\n  \"x\",\n]\n[[source]]\nurl = \"https://b.example/\"\n";
  const SourceRemoval removed = without_source_block(nested, 2);
  ASSERT_TRUE(removed.text);
  EXPECT_EQ(*removed.text, "[[source]]\nurl = \"https://b.example/\"\n");
}

}  // namespace
}  // namespace tributary::config
