// What normalize lets through: no control character, noncharacter or
// surrogate in any string it returns, from any format; a language that is
// a language tag and a media type that is a media type, or nothing.
#include "normalize/characters.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "core/text.hpp"
#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "parse/parse.hpp"
#include "unit/normalize/generated_inputs.hpp"

namespace tributary::normalize {
namespace {

NormalizedFeed normalize_document(const std::string& document) {
  const parse::ParseOutcome outcome = parse::parse_feed(document, {"https://chars.example/feed", {}, {}});
  if (!outcome.feed) throw std::runtime_error(outcome.error);
  return normalize_feed(*outcome.feed, {"https://chars.example/feed", *core::parse_rfc3339("2025-12-20T00:00:00Z")});
}

// Every string of a normalized feed, named for the message of a failure.
void for_each_string(const NormalizedFeed& feed,
                     const std::function<void(const std::string&, const std::string&)>& check) {
  const FeedMeta& meta = feed.feed;
  for (const auto& [name, value] : {std::pair{"feed.title", &meta.title},
                                    {"feed.site_url", &meta.site_url},
                                    {"feed.self_url", &meta.self_url},
                                    {"feed.id", &meta.id},
                                    {"feed.lang", &meta.lang},
                                    {"feed.subtitle", &meta.subtitle},
                                    {"feed.image_url", &meta.image_url}})
    check(name, *value);
  for (const Entry& entry : feed.entries) {
    for (const auto& [name, value] : {std::pair{"identity_key", &entry.identity_key.text()},
                                      {"original_id", &entry.original_id},
                                      {"title", &entry.title},
                                      {"url", &entry.url},
                                      {"canonical_url", &entry.canonical_url},
                                      {"author_name", &entry.author_name},
                                      {"author_email", &entry.author_email},
                                      {"summary_html", &entry.summary_html},
                                      {"content_html", &entry.content_html},
                                      {"lang", &entry.lang},
                                      {"image_url", &entry.image_url}})
      check(name, *value);
    for (const std::string& category : entry.categories) check("category", category);
    for (const Enclosure& enclosure : entry.enclosures) {
      check("enclosure.url", enclosure.url);
      check("enclosure.type", enclosure.type);
    }
    for (const Author& author : entry.authors) {
      check("author.name", author.name);
      check("author.email", author.email);
      check("author.uri", author.uri);
    }
  }
}

void expect_clean(const NormalizedFeed& feed) {
  for_each_string(feed, [](const std::string& name, const std::string& value) {
    EXPECT_TRUE(is_clean_text(value)) << name << ": " << ::testing::PrintToString(value);
  });
}

// A JSON Feed with `bad` (JSON escapes) in every field that is text.
std::string json_feed_with(const std::string& bad) {
  return R"({"version": "https://jsonfeed.org/version/1.1", "title": "T)" + bad + R"(", "description": "D)" + bad +
         R"(", "home_page_url": "https://chars.example/)" + bad + R"(", "language": "en)" + bad +
         R"(", "authors": [{"name": "A)" + bad + R"(", "url": "https://chars.example/a)" + bad +
         R"("}], "items": [{"id": "i)" + bad + R"(", "url": "https://chars.example/1", "title": "x)" + bad +
         R"(y", "content_text": "a)" + bad + R"(b", "summary": "s)" + bad + R"(", "language": "de)" + bad +
         R"(", "tags": ["t)" + bad +
         R"("], "attachments": [{"url": "https://chars.example/e.mp3", "mime_type": "audio/mpeg)" + bad +
         R"("}]}, {"id": "j", "title": "h", "content_html": "<p>c)" + bad + R"(d</p>"}]})";
}

TEST(ForbiddenCharacters, NoneLeavesAJsonFeed) {
  for (const std::string_view bad :
       {"\\u0001", "\\u0000", "\\u001f", "\\u007f", "\\u0085", "\\u009f", "\\ufffe", "\\uffff", "\\ufdd0", "\\ufdef",
        "\\ud800", "\\udfff", "\\ud83f\\udffe", "\\udbff\\udfff", "&#1;", "&#x85;", "&#xFFFE;"}) {
    SCOPED_TRACE(bad);
    const NormalizedFeed feed = normalize_document(json_feed_with(std::string(bad)));
    ASSERT_EQ(feed.entries.size(), 2u);
    expect_clean(feed);
  }
}

TEST(ForbiddenCharacters, AreRemovedNotReplaced) {
  const NormalizedFeed feed = normalize_document(json_feed_with("\\u0001"));
  ASSERT_EQ(feed.entries.size(), 2u);
  EXPECT_EQ(feed.feed.title, "T");
  EXPECT_EQ(feed.entries[0].title, "xy");
  EXPECT_EQ(feed.entries[0].content_html, "ab");
  EXPECT_EQ(feed.entries[0].summary_html, "s");
  EXPECT_EQ(feed.entries[0].original_id, "i");
  EXPECT_EQ(feed.entries[0].categories, std::vector<std::string>{"t"});
  EXPECT_EQ(feed.entries[0].author_name, "A");
  EXPECT_EQ(feed.entries[1].content_html, "<p>cd</p>");
}

TEST(ForbiddenCharacters, TabsAndLineBreaksOfTextStay) {
  const NormalizedFeed feed = normalize_document(
      R"({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "content_text": "one\ttwo\r\nthree"}]})");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].content_html, "one\ttwo<br />three");
}

TEST(ForbiddenCharacters, NoneLeavesAnXmlFeed) {
  // XML 1.0 allows C1 controls and noncharacters in documents; RSS and Atom
  // carry them where a JSON Feed carries escapes.
  const std::string c1 = "\xC2\x85";                 // U+0085
  const std::string noncharacter = "\xEF\xB7\x90";   // U+FDD0
  const std::string plane_end = "\xF0\x9F\xBF\xBE";  // U+1FFFE
  const std::string bad = c1 + noncharacter + plane_end;
  const NormalizedFeed rss = normalize_document(
      "<rss version=\"2.0\"><channel><title>R" + bad + "</title><language>en" + bad + "</language><item><title>x" +
      bad + "y</title><guid>g" + bad + "</guid><description>&lt;p&gt;d" + bad +
      "&lt;/p&gt;</description><author>jo@x.example (J" + bad + "o)</author><category>c" + bad +
      "</category><enclosure url=\"https://chars.example/e.mp3\" type=\"audio/mpeg" + bad +
      "\"/></item></channel></rss>");
  ASSERT_EQ(rss.entries.size(), 1u);
  expect_clean(rss);
  EXPECT_EQ(rss.entries[0].title, "xy");
  EXPECT_EQ(rss.entries[0].content_html.empty() ? rss.entries[0].summary_html : rss.entries[0].content_html,
            "<p>d</p>");
  EXPECT_EQ(rss.entries[0].author_name, "Jo");
  // The type as written is no media type: the file name tells it (issue 25).
  EXPECT_EQ(rss.entries[0].enclosures.at(0).type, "audio/mpeg");
  EXPECT_EQ(rss.feed.lang, "");

  const NormalizedFeed atom = normalize_document(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr" + bad + "\"><title>A" + bad + "</title><id>urn:a" +
      bad + "</id><entry><id>urn:e</id><title type=\"html\">t" + bad +
      "</title><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">x" + bad +
      "</div></content><author><name>N" + bad + "</name><email>n@x.example" + bad + "</email></author></entry></feed>");
  ASSERT_EQ(atom.entries.size(), 1u);
  expect_clean(atom);
  EXPECT_EQ(atom.entries[0].title, "t");
  EXPECT_EQ(atom.entries[0].lang, "");
}

TEST(LanguageTag, KeepsTagsAndDropsTheRest) {
  EXPECT_EQ(language_tag("en"), "en");
  EXPECT_EQ(language_tag(" sr-Latn-ME "), "sr-Latn-ME");
  EXPECT_EQ(language_tag("en_US"), "en-US");
  EXPECT_EQ(language_tag("zh-Hant-TW"), "zh-Hant-TW");
  EXPECT_EQ(language_tag("x-klingon"), "x-klingon");
  EXPECT_EQ(language_tag("de-DE-1996"), "de-DE-1996");
  for (const std::string_view bad : {"", "e", "en-", "-en", "en--us", "english language", "en\x01", "12",
                                     "en-toolongsubtag", "fr;q=0.5", "<script>", "en-US,fr", "ελληνικά"})
    EXPECT_EQ(language_tag(bad), "") << ::testing::PrintToString(std::string(bad));
}

TEST(MediaType, KeepsMediaTypesAndDropsTheRest) {
  EXPECT_EQ(media_type("audio/mpeg"), "audio/mpeg");
  EXPECT_EQ(media_type(" Audio/MPEG "), "audio/mpeg");
  EXPECT_EQ(media_type("video/mp4; codecs=\"avc1.42E01E, mp4a.40.2\""), "video/mp4; codecs=\"avc1.42E01E, mp4a.40.2\"");
  EXPECT_EQ(media_type("application/rss+xml;charset=utf-8"), "application/rss+xml;charset=utf-8");
  EXPECT_EQ(media_type("image/*"), "image/*");
  using namespace std::string_view_literals;
  for (const std::string_view bad :
       {""sv, "audio"sv, "image"sv, "/mpeg"sv, "audio/"sv, "audio/mpeg\x01"sv, "audio/mp eg"sv, "audio/mpeg; x"sv,
        "audio/mpeg; x=\"unterminated"sv, "text/html\"><script>"sv, "a/b/c"sv, "audio/mpeg\0"sv})
    EXPECT_EQ(media_type(bad), "") << ::testing::PrintToString(std::string(bad));
}

TEST(CleanText, FindsEveryKindOfForbiddenCharacter) {
  EXPECT_TRUE(is_clean_text("plain ASCII, tab\t, line\n, return\r, é, 😀, \uFFFD"));
  for (const std::string_view bad :
       {std::string_view("\0", 1), std::string_view("\x01"), std::string_view("\x7F"), std::string_view("\xC2\x80"),
        std::string_view("\xC2\x9F"), std::string_view("\xEF\xB7\x90"), std::string_view("\xEF\xB7\xAF"),
        std::string_view("\xEF\xBF\xBE"), std::string_view("\xEF\xBF\xBF"), std::string_view("\xF4\x8F\xBF\xBF"),
        std::string_view("\xED\xA0\x80"), std::string_view("\xC3"), std::string_view("\xFF")}) {
    const std::string text = "12345678" + std::string(bad) + "12345678";
    EXPECT_FALSE(is_clean_text(text)) << ::testing::PrintToString(text);
    EXPECT_TRUE(is_clean_text(without_forbidden_characters(text))) << ::testing::PrintToString(text);
  }
  EXPECT_EQ(without_forbidden_characters("a\xED\xA0\x80"
                                         "b"),
            "ab");  // a surrogate goes whole
  EXPECT_EQ(without_forbidden_characters("a\xC3"
                                         "b"),
            "a\uFFFD"
            "b");  // a cut sequence is marked
}

// is_clean_text reads common sequences its own way; it must say what
// decoding every character and asking the output's rule says, on byte
// strings made of every kind of piece (edges of each range, cut and
// overlong sequences, surrogates) at every alignment.
TEST(CleanText, EqualsDecodingEveryCharacterOnGeneratedBytes) {
  const auto reference = [](std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
      char32_t c = 0;
      const std::size_t length = core::decode_utf8(text, pos, c);
      if (length == 0 || (c != 0xFFFD && !core::is_publishable(c))) return false;
      pos += length;
    }
    return true;
  };
  // XML 1.0 §2.2 Char, what core::is_valid_utf8 accepts.
  const auto xml_reference = [](std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
      char32_t c = 0;
      const std::size_t length = core::decode_utf8(text, pos, c);
      const bool is_xml_char = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
                               (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
      if (length == 0 || !is_xml_char) return false;
      pos += length;
    }
    return true;
  };
  const std::vector<std::string> pieces = {"a",
                                           "plain text ",
                                           "\t",
                                           "\n",
                                           "\r",
                                           std::string("\0", 1),
                                           "\x01",
                                           "\x1F",
                                           "\x7E",
                                           "\x7F",
                                           "\xC2\x80",
                                           "\xC2\x9F",
                                           "\xC2\xA0",
                                           "\xC3\xA9",
                                           "\xDF\xBF",
                                           "\xC0\xAF",
                                           "\xC1\xBF",
                                           "\xC3",
                                           "\xE0\xA0\x80",
                                           "\xE0\x9F\xBF",
                                           "\xE2\x80\x94",
                                           "\xED\x9F\xBF",
                                           "\xED\xA0\x80",
                                           "\xED\xBF\xBF",
                                           "\xEE\x80\x80",
                                           "\xEF\xB7\x8F",
                                           "\xEF\xB7\x90",
                                           "\xEF\xB7\xAF",
                                           "\xEF\xB7\xB0",
                                           "\xEF\xBF\xBD",
                                           "\xEF\xBF\xBE",
                                           "\xEF\xBF\xBF",
                                           "\xE2\x80",
                                           "\xF0\x9F\x98\x80",
                                           "\xF4\x8F\xBF\xBF",
                                           "\xF0\x9F\xBF\xBE",
                                           "\xF4\x90\x80\x80",
                                           "\x80",
                                           "\xBF",
                                           "\xFF",
                                           "\xF8\x88\x80\x80\x80"};
  testing::TestNumbers next(7);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (std::size_t i = 0, n = next() % 12; i < n; ++i) {
      // Mostly clean pieces, so that a forbidden one lands at every offset.
      const std::size_t index = next() % 4 == 0 ? next() % pieces.size() : next() % 2;
      text += pieces[index];
    }
    ASSERT_EQ(is_clean_text(text), reference(text)) << ::testing::PrintToString(text);
    // The fast sanitizer's check of its input reads ASCII runs the same way.
    ASSERT_EQ(core::is_valid_utf8(text), xml_reference(text)) << ::testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace tributary::normalize
