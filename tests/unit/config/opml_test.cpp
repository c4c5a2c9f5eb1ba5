// OPML lists are read outline by outline: one outline that cannot be a
// source is skipped with a FILE:LINE warning, and the others load.
#include "config/opml.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "support/temp_dir.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> messages(const std::vector<ConfigError>& errors) {
  std::vector<std::string> out;
  for (const ConfigError& error : errors) out.push_back(to_string(error));
  return out;
}

std::vector<std::string> urls(const std::vector<SourceSpec>& sources) {
  std::vector<std::string> out;
  for (const SourceSpec& source : sources) out.push_back(source.url);
  return out;
}

std::string opml(const std::string& outlines) {
  return "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>s</title></head><body>\n" + outlines +
         "</body></opml>\n";
}

TEST(OpmlLeniency, FeedSchemeUrlsAreReadAsHttp) {
  const OpmlLoad loaded = parse_opml(opml("<outline text=\"A\" xmlUrl=\"feed://a.example/rss\"/>\n"
                                          "<outline text=\"B\" xmlUrl=\"feed:https://b.example/atom\"/>\n"
                                          "<outline text=\"C\" xmlUrl=\"FEED:http://c.example/x\"/>\n"),
                                     "subs.opml");
  EXPECT_THAT(messages(loaded.errors), IsEmpty());
  EXPECT_THAT(messages(loaded.warnings), IsEmpty());
  EXPECT_THAT(urls(loaded.sources),
              ElementsAre("http://a.example/rss", "https://b.example/atom", "http://c.example/x"));
}

TEST(OpmlLeniency, ARelativeXmlUrlIsSkippedWithAWarning) {
  const OpmlLoad loaded = parse_opml(opml("<outline text=\"Good\" xmlUrl=\"https://good.example/feed\"/>\n"
                                          "<outline text=\"Relative\" xmlUrl=\"/feeds/local.xml\"/>\n"
                                          "<outline text=\"Also good\" xmlUrl=\"https://also.example/feed\"/>\n"),
                                     "subs.opml");
  EXPECT_THAT(messages(loaded.errors), IsEmpty());
  EXPECT_THAT(messages(loaded.warnings),
              ElementsAre("subs.opml:4:1: outline \"Relative\" skipped: its xmlUrl \"/feeds/local.xml\" is not an "
                          "absolute URL (an OPML list needs http(s) URLs)"));
  EXPECT_THAT(urls(loaded.sources), ElementsAre("https://good.example/feed", "https://also.example/feed"));
}

TEST(OpmlLeniency, AnotherSchemeIsSkippedWithoutShowingCredentials) {
  const OpmlLoad loaded =
      parse_opml(opml("<outline text=\"Mail\" xmlUrl=\"imap://me:s3cret@mail.example/INBOX\"/>\n"), "subs.opml");
  EXPECT_THAT(messages(loaded.warnings),
              ElementsAre("subs.opml:3:1: outline \"Mail\" skipped: xmlUrl: unsupported URL scheme \"imap\" in "
                          "\"imap://mail.example/INBOX\" (use http or https)"));
  EXPECT_THAT(loaded.sources, IsEmpty());
}

TEST(OpmlLeniency, AMalformedDocumentIsStillAnError) {
  const OpmlLoad loaded = parse_opml("<opml><body><outline xmlUrl=\"https://a.example/\"", "subs.opml");
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_TRUE(to_string(loaded.errors[0]).starts_with("subs.opml:1:1: not a valid OPML document: "))
      << to_string(loaded.errors[0]);
}

TEST(OpmlLeniency, ControlCharactersInTitlesAreRemovedWithAWarning) {
  // U+0085 (NEL) is a C1 control that XML 1.0 allows.
  const OpmlLoad loaded = parse_opml(
      opml("<outline text=\"Next&#x85;Line\" xmlUrl=\"https://a.example/feed\" category=\"/Tech&#x9B;\"/>\n"),
      "subs.opml");
  EXPECT_THAT(messages(loaded.warnings),
              ElementsAre("subs.opml:3:1: outline title \"Next\\u0085Line\" contains the control character U+0085; "
                          "control characters were removed",
                          "subs.opml:3:1: category \"Tech\\u009B\" contains the control character U+009B; control "
                          "characters were removed"));
  ASSERT_EQ(loaded.sources.size(), 1u);
  EXPECT_EQ(loaded.sources[0].name, "NextLine");
  EXPECT_THAT(loaded.sources[0].tags, ElementsAre("Tech"));
}

TEST(OpmlLeniency, TheConfigLoadsWithTheWarnings) {
  testing::TempDir dir;
  dir.write("subs.opml", opml("<outline text=\"Relative\" xmlUrl=\"feed.xml\"/>\n"
                              "<outline text=\"Podcast\" xmlUrl=\"feed://pod.example/rss\"/>\n"));
  const auto path = dir.write("tributary.toml", "[sources]\nopml = \"subs.opml\"\n");
  const ConfigLoad loaded = load_config_file(path);
  ASSERT_TRUE(loaded.config) << messages(loaded.errors).at(0);
  EXPECT_THAT(urls(loaded.config->sources), ElementsAre("http://pod.example/rss"));
  EXPECT_THAT(messages(loaded.warnings),
              ElementsAre((dir.path() / "subs.opml").string() +
                          ":3:1: outline \"Relative\" skipped: its xmlUrl \"feed.xml\" is not an absolute URL (an "
                          "OPML list needs http(s) URLs)"));
}

TEST(OpmlLeniency, ASharedTitleLoadsBothWithAWarning) {
  testing::TempDir dir;
  dir.write("subs.opml",
            opml("<outline text=\"News\" xmlUrl=\"https://a.example/feed\"/>\n"
                 "<outline text=\"News\" xmlUrl=\"https://b.example/feed\"/>\n"
                 "<outline xmlUrl=\"https://c.example/one\"/>\n<outline xmlUrl=\"https://c.example/two\"/>\n"));
  const auto path = dir.write("tributary.toml", "[sources]\nopml = \"subs.opml\"\n");
  const ConfigLoad loaded = load_config_file(path);
  ASSERT_TRUE(loaded.config) << messages(loaded.errors).at(0);
  EXPECT_EQ(loaded.config->sources.size(), 4u);
  const std::string file = (dir.path() / "subs.opml").string();
  // The two untitled outlines are named after their host: no warning.
  EXPECT_THAT(messages(loaded.warnings), ElementsAre(file + ":4:1: source name \"News\" is also used at " + file +
                                                     ":3 (channels that name it get the first one)"));
}

}  // namespace
}  // namespace tributary::config
