// Encodings, recovery from broken documents, and the parser's limits and
// defenses against hostile input.
#include "parse/encoding.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "parse/parse.hpp"
#include "support/temp_dir.hpp"

namespace tributary::parse {
namespace {

using testing::fixtures_dir;
using testing::read_text_file;

ParseOutcome parse_file(const std::string& name, const std::string& charset = {}) {
  return parse_feed(read_text_file(fixtures_dir() / "feeds" / name), {{}, charset, {}});
}

std::string first_title(const ParseOutcome& outcome) {
  if (!outcome.feed) return "error: " + outcome.error;
  if (outcome.feed->items.empty()) return "no items";
  return outcome.feed->items[0].title.value;
}

TEST(Encoding, Iso88591DeclaredReadsAsWindows1252) {
  const ParseOutcome outcome = parse_file("windows1252_declared_latin1.xml");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "windows-1252");
  EXPECT_EQ(outcome.feed->feed.title.value, "Zaèin");
  EXPECT_EQ(first_title(outcome), "\u201cSmart quotes\u201d \u2013 dash \u20ac euro, café");
}

TEST(Encoding, ReadsUtf16WithoutBom) {
  const ParseOutcome outcome = parse_file("utf16le_nobom.xml");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "utf-16le");
  EXPECT_EQ(outcome.feed->feed.title.value, "Unicode Šibenik ✓");
  EXPECT_EQ(first_title(outcome), "Đakovo 😀");  // a surrogate pair
}

TEST(Encoding, ReadsUtf16BigEndianWithBom) {
  const ParseOutcome outcome = parse_file("utf16be_bom.xml");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "utf-16be");
  EXPECT_EQ(first_title(outcome), "Đakovo 😀");
}

TEST(Encoding, ReplacesInvalidUtf8AndReportsIt) {
  const ParseOutcome outcome = parse_file("utf8_bom_invalid_bytes.xml");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->feed.title.value, "Invalid \uFFFD\uFFFD bytes");
  EXPECT_EQ(first_title(outcome), "ok \uFFFD( bad");
  EXPECT_TRUE(outcome.feed->is_recovered);
  EXPECT_EQ(outcome.feed->recovery_reason, "3 invalid utf-8 byte sequences replaced with U+FFFD");
}

TEST(Encoding, ReadsADeclaredLegacyCharsetThroughIconv) {
  const ParseOutcome outcome = parse_file("koi8r_declared.xml");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "koi8-r");
  EXPECT_EQ(first_title(outcome), "Привет, мир");
}

// A label with bytes that are not ASCII names no encoding; the message
// that quotes it (logged, printed by `tributary parse`) stays UTF-8.
TEST(Encoding, ALabelThatIsNotAsciiIsQuotedAsAscii) {
  const std::string feed =
      "<?xml version=\"1.0\" encoding=\"caf\xe9\x01\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>";
  const DecodedDocument declared = decode_document(feed, "");
  EXPECT_EQ(declared.repair, "unknown encoding \"caf\\xE9\\x01\", read as UTF-8");
  const DecodedDocument from_http = decode_document("<rss/>", "latin\xff");
  EXPECT_EQ(from_http.repair, "unknown encoding \"latin\\xFF\", read as UTF-8");
  EXPECT_EQ(from_http.encoding, "utf-8");
}

TEST(Encoding, HttpCharsetDecidesWhenTheDocumentDoesNotSay) {
  const ParseOutcome outcome = parse_file("undeclared_cp1251.xml", "windows-1251");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->feed.title.value, "Вести");
  EXPECT_EQ(first_title(outcome), "Београд");
}

TEST(Encoding, HttpCharsetWinsOverTheDeclaration) {
  // RFC 7303 §3: the charset parameter is authoritative.
  const std::string bytes =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>t</title>"
      "<item><title>\xE8\xE0</title></item></channel></rss>";
  const ParseOutcome outcome = parse_feed(bytes, {{}, "windows-1251", {}});
  EXPECT_EQ(first_title(outcome), "иа");
}

TEST(Encoding, ValidUtf8BeatsAServerWideLatin1Default) {
  // Apache's "AddDefaultCharset ISO-8859-1" in front of a UTF-8 feed.
  const std::string bytes =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>t</title>"
      "<item><title>Šibenik</title></item></channel></rss>";
  const ParseOutcome outcome = parse_feed(bytes, {{}, "ISO-8859-1", {}});
  EXPECT_EQ(first_title(outcome), "Šibenik");
}

TEST(Encoding, DeclaredEncodingIsRead) {
  EXPECT_EQ(declared_encoding("<?xml version='1.0' encoding='ISO-8859-2'?><rss/>"), "ISO-8859-2");
  EXPECT_EQ(declared_encoding("\xEF\xBB\xBF<?xml version=\"1.0\" encoding = \"koi8-r\" ?>"), "koi8-r");
  EXPECT_EQ(declared_encoding("<?xml version=\"1.0\"?><rss encoding=\"x\"/>"), "");
}

TEST(Encoding, DropsControlCharacters) {
  const DecodedDocument decoded = decode_document(
      "a\x01"
      "b\x0B"
      "c\td",
      {});
  EXPECT_EQ(decoded.text(), "abc\td");
  EXPECT_EQ(decoded.repair, "2 control characters not allowed in XML removed");
}

TEST(Encoding, CleanUtf8IsReadInPlaceWithoutItsBom) {
  const std::string bytes = "\xEF\xBB\xBF<rss>\t\r\n<title>Šibenik 😀 ok</title>" + std::string(40, 'x') + "</rss>";
  const DecodedDocument decoded = decode_document(bytes, {});
  EXPECT_EQ(decoded.text(), std::string_view(bytes).substr(3));
  EXPECT_EQ(decoded.text().data(), bytes.data() + 3) << "clean UTF-8 is not copied";
  EXPECT_EQ(decoded.repair, "");
}

TEST(Encoding, FindsAControlCharacterPastTheFirstBlocks) {
  // Past several 16-byte blocks, and at each position within one.
  for (std::size_t at = 30; at < 50; ++at) {
    std::string bytes(64, 'a');
    bytes[at] = '\x1F';
    const DecodedDocument decoded = decode_document(bytes, {});
    EXPECT_EQ(decoded.text(), std::string(63, 'a')) << at;
    EXPECT_EQ(decoded.repair, "1 control character not allowed in XML removed") << at;
  }
}

TEST(Encoding, RepairsInvalidUtf8AfterACleanPrefix) {
  const std::string bytes = std::string(100, 'a') + "\xC3\xA9 \xC3( \xEF\xBF\xBE end";
  const DecodedDocument decoded = decode_document(bytes, {});
  EXPECT_EQ(decoded.text(), std::string(100, 'a') + "\xC3\xA9 \xEF\xBF\xBD(  end");
  EXPECT_EQ(decoded.repair, "1 invalid utf-8 byte sequence replaced with U+FFFD");
}

TEST(Recovery, ReadsHtmlEntitiesBareAmpersandsAndBrokenMarkup) {
  const ParseOutcome outcome = parse_file("broken_entities.xml");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_TRUE(outcome.feed->is_recovered);
  EXPECT_FALSE(outcome.feed->recovery_reason.empty());
  EXPECT_EQ(outcome.feed->feed.title.value, "Broken & Co © 2025");
  ASSERT_EQ(outcome.feed->items.size(), 2u);
  const RawItem& item = outcome.feed->items[0];
  EXPECT_EQ(item.title.value, "Fish\u00a0&\u00a0chips \u2013 AT&T \u2665 &notanentity; \u2013 \U0001F600 \uFFFD bell");
  EXPECT_EQ(item.links.at(0).href, "https://broken.example/a?x=1&y=2");
  EXPECT_EQ(item.summary.value, "Café <b>bold &lt;p&gt; 5 &lt; 6 →</b>");
  EXPECT_EQ(outcome.feed->items[1].title.value, "Second");
}

TEST(Recovery, ClosesMismatchedTagsWithoutLosingItems) {
  const ParseOutcome outcome = parse_file("mismatched_tags.xml");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_TRUE(outcome.feed->is_recovered);
  EXPECT_EQ(outcome.feed->recovery_reason, "line 3: unclosed <b> closed before </title>");
  ASSERT_EQ(outcome.feed->items.size(), 2u);
  EXPECT_EQ(outcome.feed->items[0].title.value, "One bold");
  EXPECT_EQ(outcome.feed->items[0].links.at(0).href, "https://mm.example/1");
  EXPECT_EQ(outcome.feed->items[1].title.value, "Two");
}

TEST(Recovery, KeepsEveryCompleteItemAndDropsTheCutOne) {
  const ParseOutcome outcome = parse_file("truncated.xml");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_TRUE(outcome.feed->is_recovered);
  EXPECT_TRUE(outcome.feed->recovery_reason.starts_with("truncated document: the incomplete last item was dropped"))
      << outcome.feed->recovery_reason;
  ASSERT_EQ(outcome.feed->items.size(), 2u);
  EXPECT_EQ(outcome.feed->items[0].id, "c-1");
  EXPECT_EQ(outcome.feed->items[1].id, "c-2");
}

TEST(Recovery, ReadsAtomCutOffMidEntry) {
  const std::string full = read_text_file(fixtures_dir() / "feeds" / "atom10_xmlbase.xml");
  const ParseOutcome outcome = parse_feed(full.substr(0, full.find("<summary")));
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_TRUE(outcome.feed->is_recovered);
  ASSERT_EQ(outcome.feed->items.size(), 1u);
  EXPECT_EQ(outcome.feed->items[0].id, "tag:podgorica-press.example,2025:1");
}

TEST(Recovery, KeepsEscapedAmpersandsPastTheFirstError) {
  // The repeated attribute makes the document not well-formed before the
  // link; libxml2's recovery then dropped every "&amp;" after it.
  const ParseOutcome outcome = parse_feed(
      "<rss version=\"2.0\"><channel><title>Tracking &amp; more</title><item><title x=\"1\" x=\"2\">One</title>"
      "<link>https://amp.example/a?utm_source=x&amp;b=1</link>"
      "<description>Fish &amp; chips &lt;b&gt;bold&lt;/b&gt; &quot;q&quot; &apos;a&apos;</description>"
      "</item></channel></rss>");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_TRUE(outcome.feed->is_recovered);
  EXPECT_EQ(outcome.feed->feed.title.value, "Tracking & more");
  ASSERT_EQ(outcome.feed->items.size(), 1u);
  const RawItem& item = outcome.feed->items[0];
  ASSERT_EQ(item.links.size(), 1u);
  EXPECT_EQ(item.links[0].href, "https://amp.example/a?utm_source=x&b=1");
  EXPECT_EQ(item.summary.value, "Fish & chips <b>bold</b> \"q\" 'a'");
}

TEST(Recovery, DropsAttributesPastTheLimit) {
  std::string attributes;
  for (int i = 0; i < 200; ++i) attributes += " a" + std::to_string(i) + "=\"&amp;" + std::to_string(i) + "\"";
  const ParseOutcome outcome =
      parse_feed("<rss version=\"2.0\"><channel><title>t</title>\n<item" + attributes +
                 "><title>kept</title><link href=\"x\"" + attributes + "/></item></channel></rss>");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->recovery_reason, "line 2: <item> has more than 128 attributes: the rest removed");
  ASSERT_EQ(outcome.feed->items.size(), 1u);
  EXPECT_EQ(outcome.feed->items[0].title.value, "kept");
}

TEST(Recovery, StrayEndTagsAfterUnclosedElementsStayCorrect) {
  const ParseOutcome outcome = parse_feed(
      "<rss version=\"2.0\"><channel><title>t</title><item><title>a <b>b <i>c</x></y></title>"
      "<link>https://stray.example/1</link></item></channel></rss>");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  ASSERT_EQ(outcome.feed->items.size(), 1u);
  EXPECT_EQ(outcome.feed->items[0].title.value, "a b c");
  EXPECT_EQ(outcome.feed->items[0].links.at(0).href, "https://stray.example/1");
  EXPECT_EQ(outcome.feed->recovery_reason, "line 1: end tag </x> without a start tag removed");
}

TEST(Recovery, HtmlPageIsNotAFeed) {
  const ParseOutcome outcome =
      parse_feed("<html><head><title>Home</title></head><body><p>Hi &nbsp; there</body></html>");
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "not a feed: the document is an HTML page");
}

TEST(Security, DoesNotLoadExternalParameterEntities) {
  testing::TempDir dir;
  const auto secret = dir.write("secret.dtd", "<!ENTITY leak \"TOP-SECRET\">");
  const std::string document = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY % ext SYSTEM \"file://" +
                               secret.string() +
                               "\"> %ext;]>\n<rss version=\"2.0\"><channel><title>t</title>"
                               "<item><title>x&leak;</title></item></channel></rss>";
  const ParseOutcome outcome = parse_feed(document);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  ASSERT_EQ(outcome.feed->items.size(), 1u);
  EXPECT_EQ(outcome.feed->items[0].title.value.find("TOP-SECRET"), std::string::npos);
}

TEST(Security, BillionLaughsEndsFastAndBounded) {
  std::string entities = "<!ENTITY lol \"lollollollollollollollollollol\">\n";
  std::string previous = "lol";
  for (int i = 1; i <= 9; ++i) {
    const std::string name = "lol" + std::to_string(i);
    entities += "<!ENTITY " + name + " \"";
    for (int k = 0; k < 10; ++k) entities += "&" + previous + ";";
    entities += "\">\n";
    previous = name;
  }
  const std::string document = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n" + entities +
                               "]>\n<rss version=\"2.0\"><channel><title>t</title><item><title>&lol9;</title>"
                               "<description>&lol9;</description></item></channel></rss>";
  const auto started = std::chrono::steady_clock::now();
  const ParseOutcome outcome = parse_feed(document);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  if (outcome.feed) {
    EXPECT_TRUE(outcome.feed->is_recovered);
    for (const RawItem& item : outcome.feed->items) {
      EXPECT_LT(item.title.value.size(), 64u * 1024 * 1024);
      EXPECT_LT(item.summary.value.size(), 64u * 1024 * 1024);
    }
  }
}

TEST(Security, QuadraticBlowupOfOneLargeEntityIsBounded) {
  const std::string document = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"" + std::string(50000, 'a') +
                               "\">]><rss version=\"2.0\"><channel><title>t</title><item><title>" +
                               [] {
                                 std::string refs;
                                 for (int i = 0; i < 20000; ++i) refs += "&a;";
                                 return refs;
                               }() +
                               "</title></item></channel></rss>";
  const auto started = std::chrono::steady_clock::now();
  const ParseOutcome outcome = parse_feed(document);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  if (outcome.feed && !outcome.feed->items.empty()) {
    EXPECT_LE(outcome.feed->items[0].title.value.size(), document.size() * 4 + 1024 * 1024);
  }
}

TEST(Limits, RejectsADocumentOverTheSizeLimit) {
  ParseOptions options;
  options.limits.max_document_bytes = 100;
  const ParseOutcome outcome = parse_feed(std::string(101, ' '), options);
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "document too large: 101 bytes (limit 100)");
}

TEST(Limits, RejectsTooManyItems) {
  ParseOptions options;
  options.limits.max_items = 3;
  std::string document = "<rss version=\"2.0\"><channel><title>t</title>";
  for (int i = 0; i < 4; ++i) document += "<item><title>x</title></item>";
  document += "</channel></rss>";
  const ParseOutcome outcome = parse_feed(document, options);
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "too many items: the document has more than 3 (the limit)");
  std::string json = R"({"version":"https://jsonfeed.org/version/1.1","items":[{},{},{},{}]})";
  EXPECT_EQ(parse_feed(json, options).error, "too many items: the document has more than 3 (the limit)");
}

TEST(Limits, AcceptsExactlyTheItemLimit) {
  ParseOptions options;
  options.limits.max_items = 3;
  std::string document = "<rss version=\"2.0\"><channel><title>t</title>";
  for (int i = 0; i < 3; ++i) document += "<item><title>x</title></item>";
  document += "</channel></rss>";
  const ParseOutcome outcome = parse_feed(document, options);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->items.size(), 3u);
}

TEST(Limits, RejectsNestingDeeperThanTheLimit) {
  std::string document = "<rss version=\"2.0\"><channel><title>t</title><item><description>";
  for (int i = 0; i < 5000; ++i) document += "<div>";
  document += "</description></item></channel></rss>";
  const auto started = std::chrono::steady_clock::now();
  const ParseOutcome outcome = parse_feed(document);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_FALSE(outcome.feed);
  EXPECT_EQ(outcome.error, "document nesting deeper than 256 levels (the limit)");
  ParseOptions shallow;
  shallow.limits.max_depth = 4;
  EXPECT_EQ(parse_feed("<rss><channel><item><title><b>x</b></title></item></channel></rss>", shallow).error,
            "document nesting deeper than 4 levels (the limit)");
}

}  // namespace
}  // namespace tributary::parse
