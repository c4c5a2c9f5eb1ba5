// What the config lets through to feeds, logs and terminals: no credentials
// of a source URL in any message, no control character in any string.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "core/url.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> errors_of(const std::string& toml) {
  std::vector<std::string> messages;
  for (const ConfigError& error : parse_config(toml, "test.toml").errors) messages.push_back(to_string(error));
  return messages;
}

// ---- credentials ----

TEST(Credentials, AMalformedUrlIsShownWithoutThem) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"http://reader:s3cret@bad host.example/feed\"\n"),
              ElementsAre("test.toml:2:7: source.url: malformed URL \"http://bad host.example/feed\""));
}

TEST(Credentials, AnUnsupportedSchemeIsShownWithoutThem) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"ftp://reader:s3cret@example.org/feed.xml\"\n"),
              ElementsAre("test.toml:2:7: source.url: unsupported URL scheme \"ftp\" in "
                          "\"ftp://example.org/feed.xml\" (use http or https)"));
}

TEST(Credentials, ADuplicateSourceIsShownWithoutThem) {
  EXPECT_THAT(
      errors_of("[[source]]\nurl = \"https://reader:s3cret@example.org/feed\"\n"
                "[[source]]\nurl = \"https://reader:s3cret@EXAMPLE.org/feed\"\n"),
      ElementsAre("test.toml:4:7: duplicate source URL \"https://EXAMPLE.org/feed\" (first defined at line 2)"));
}

TEST(Credentials, AChannelsUnknownSourceIsShownWithoutThem) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/feed\"\n"
                        "[[channel]]\nname = \"c\"\nsources = [\"https://reader:s3cret@b.example/feed\"]\n"),
              ElementsAre("test.toml:3:1: channel \"c\": no source is named or has the URL "
                          "\"https://b.example/feed\""));
}

TEST(Credentials, ABaseUrlIsShownWithoutThem) {
  EXPECT_THAT(errors_of("[server]\nbase_url = \"gopher://admin:s3cret@news.example/\"\n"),
              ElementsAre("test.toml:2:12: server.base_url: unsupported URL scheme \"gopher\" in "
                          "\"gopher://news.example/\" (use http or https)"));
}

TEST(Credentials, RedactionCutsThemOutOfUnparsableUrlsToo) {
  EXPECT_EQ(core::redact_url("http://u:p@host:99999999999999999999/x"), "http://host:99999999999999999999/x");
  EXPECT_EQ(core::redact_url("http://u:p/w@host with space/x?a=b@c"), "http://host with space/x?a=b@c");
  EXPECT_EQ(core::redact_url("not a url at all"), "not a url at all");
  EXPECT_EQ(core::redact_url("https://medium.example/@writer/feed"), "https://medium.example/@writer/feed");
}

// ---- control characters ----

TEST(ControlCharacters, AreRefusedInTitlesNamedByKeyAndCodePoint) {
  EXPECT_THAT(errors_of("[feed]\ntitle = \"News\\u001b[2J\"\n"),
              ElementsAre("test.toml:2:9: feed.title contains the control character U+001B: remove it (it would "
                          "reach feeds, logs and terminals)"));
  EXPECT_THAT(errors_of("[feed]\nsubtitle = \"Line\\u0085break\"\n"),  // C1: NEL
              ElementsAre(HasSubstr("test.toml:2:12: feed.subtitle contains the control character U+0085")));
}

TEST(ControlCharacters, AreRefusedInSourceNamesAndTags) {
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/\"\nname = \"A\\nB\"\n"),
              ElementsAre(HasSubstr("test.toml:3:8: source.name contains the control character U+000A")));
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/\"\ntags = [\"ok\", \"bell\\u0007\"]\n"),
              ElementsAre(HasSubstr("test.toml:3:15: source.tags contains the control character U+0007")));
}

TEST(ControlCharacters, AreRefusedInChannelsAndTheUserAgent) {
  EXPECT_THAT(errors_of("[[channel]]\nname = \"c\"\ntitle = \"C\\u007f\"\n"),
              ElementsAre(HasSubstr("test.toml:3:9: channel.title contains the control character U+007F")));
  EXPECT_THAT(errors_of("[fetch]\nuser_agent = \"Bot\\t1\"\n"),
              ElementsAre(HasSubstr("test.toml:2:14: fetch.user_agent contains the control character U+0009")));
  EXPECT_THAT(errors_of("[storage]\ndatabase = \"a\\u0000b.db\"\n"),
              ElementsAre(HasSubstr("storage.database contains the control character U+0000")));
}

TEST(ControlCharacters, HeaderValuesMayHoldATabButNoOtherControl) {
  const auto loaded =
      parse_config("[[source]]\nurl = \"https://a.example/\"\nheaders = { \"X-Key\" = \"a\\tb\" }\n", "test.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  EXPECT_EQ(loaded.config->sources.at(0).headers.at(0).second, "a\tb");  // RFC 9110 §5.5 allows HTAB
  EXPECT_THAT(errors_of("[[source]]\nurl = \"https://a.example/\"\nheaders = { \"X-Key\" = \"a\\r\\nX: y\" }\n"),
              ElementsAre("test.toml:3:23: source.headers.X-Key contains the control character U+000D: remove it "
                          "(it would reach feeds, logs and terminals)"));
}

TEST(ControlCharacters, APasswordWithOneIsRefusedWithoutShowingIt) {
  const auto errors =
      errors_of("[[source]]\nurl = \"https://a.example/\"\nusername = \"u\"\npassword = \"hunter\\u00012\"\n");
  EXPECT_THAT(errors, ElementsAre("test.toml:4:12: source.password contains the control character U+0001: remove "
                                  "it (it would reach feeds, logs and terminals)"));
}

TEST(ControlCharacters, MessagesWriteThemEscaped) {
  // A quoted key may hold any character; the message must not carry it raw.
  const auto errors = errors_of("[feed]\n\"\\u001b[2J\" = 1\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "test.toml:2:1: unknown key \"\\u001B[2J\" in [feed]");
  EXPECT_THAT(errors[0], Not(HasSubstr("\x1b")));
}

TEST(InvalidUtf8, IsASyntaxErrorAtItsLine) {
  const auto errors = errors_of("[feed]\ntitle = \"caf\xe9\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("test.toml:2:")) << errors[0];
  EXPECT_THAT(errors[0], HasSubstr("TOML syntax error"));
}

}  // namespace
}  // namespace tributary::config
