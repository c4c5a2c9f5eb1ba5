// Documents that do not say their encoding (or say it wrongly): legacy
// charsets detected, double-encoded UTF-8 repaired, and what must never be
// touched — valid UTF-8 and a declared encoding. The fixtures under
// fixtures/feeds/languages are UTF-8 text of several sentences (detectors
// need text); each test converts them with iconv to the charset it needs.
#include <gtest/gtest.h>
#include <iconv.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

#include "parse/detect.hpp"
#include "parse/encoding.hpp"
#include "parse/parse.hpp"
#include "support/temp_dir.hpp"

namespace tributary::parse {
namespace {

using testing::fixtures_dir;
using testing::read_text_file;

std::string language_fixture(const std::string& name) {
  return read_text_file(fixtures_dir() / "feeds" / "languages" / (name + ".xml"));
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

// UTF-8 → `charset` with glibc's iconv; throws when a character has no
// encoding there (a fixture that does not fit its charset is a test bug).
std::string to_charset(std::string_view utf8, const std::string& charset) {
  iconv_t cd = iconv_open(charset.c_str(), "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv does not know " + charset);
  const std::unique_ptr<void, IconvCloser> guard(cd);
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &out_ptr, &out_left) == static_cast<std::size_t>(-1))
    throw std::runtime_error(charset + " cannot encode the fixture (errno " + std::to_string(errno) + ")");
  iconv(cd, nullptr, nullptr, &out_ptr, &out_left);  // the shift back of stateful charsets
  out.resize(out.size() - out_left);
  return out;
}

// What a CMS does when it reads UTF-8 as windows-1252 and writes it out as
// UTF-8 again (windows-1252's five unassigned bytes as the C1 controls).
std::string double_encode(std::string_view utf8) {
  static constexpr char32_t kHigh[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                         0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                         0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                         0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
  std::string out;
  for (const char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    const char32_t code_point = byte >= 0x80 && byte < 0xA0 ? kHigh[byte - 0x80] : byte;
    if (code_point < 0x80)
      out.push_back(static_cast<char>(code_point));
    else if (code_point < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
  }
  return out;
}

struct LanguageCase {
  std::string fixture;
  std::string charset;     // what the bytes are converted to
  std::string detected;    // what parse_feed must report
  std::string feed_title;  // written out: the expected reading
  std::string first_item_title;
};

void PrintTo(const LanguageCase& c, std::ostream* out) { *out << c.fixture << " in " << c.charset; }

const std::vector<LanguageCase> kLanguages = {
    {"french", "WINDOWS-1252", "windows-1252", "Santé et bien-être à Lyon",
     "Psychologue à domicile : une nouvelle offre pour les personnes âgées"},
    {"german", "WINDOWS-1252", "windows-1252", "Nachrichten aus Köln und Umgebung",
     "Brückensanierung: Sperrung der Mülheimer Brücke verlängert"},
    {"german", "ISO-8859-1", "windows-1252", "Nachrichten aus Köln und Umgebung",
     "Brückensanierung: Sperrung der Mülheimer Brücke verlängert"},
    {"czech", "WINDOWS-1250", "windows-1250", "Zprávy z Brna", "Tramvajová trať na Údolní ulici se otevře až v září"},
    {"czech", "ISO-8859-2", "iso-8859-2", "Zprávy z Brna", "Tramvajová trať na Údolní ulici se otevře až v září"},
    {"russian", "WINDOWS-1251", "windows-1251", "Новости Новосибирска", "В метро открылась новая станция"},
    {"russian", "KOI8-R", "koi8-r", "Новости Новосибирска", "В метро открылась новая станция"},
    {"japanese", "SHIFT_JIS", "shift_jis", "札幌市民ニュース", "雪まつりの準備が始まりました"},
    {"japanese", "EUC-JP", "euc-jp", "札幌市民ニュース", "雪まつりの準備が始まりました"},
    // uchardet names EUC-KR by its superset, Windows' code page 949.
    {"korean", "EUC-KR", "uhc", "부산 지역 소식", "해운대 해수욕장 다음 달 개장"},
};

class UndeclaredLegacyCharset : public ::testing::TestWithParam<LanguageCase> {};

TEST_P(UndeclaredLegacyCharset, IsDetectedAndReadRight) {
  const LanguageCase& language = GetParam();
  const std::string utf8 = language_fixture(language.fixture);
  const ParseOutcome outcome = parse_feed(to_charset(utf8, language.charset));
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, language.detected);
  EXPECT_EQ(outcome.feed->feed.title.value, language.feed_title);
  ASSERT_EQ(outcome.feed->items.size(), 3u);
  EXPECT_EQ(outcome.feed->items[0].title.value, language.first_item_title);
  EXPECT_EQ(outcome.feed->recovery_reason,
            "no encoding declared but the bytes are not UTF-8: read as " + language.detected + " (detected)");
  // Every other field reads as the UTF-8 original does.
  const ParseOutcome original = parse_feed(utf8);
  ASSERT_TRUE(original.feed) << original.error;
  EXPECT_EQ(outcome.feed->feed, original.feed->feed);
  EXPECT_EQ(outcome.feed->items, original.feed->items);
}

TEST_P(UndeclaredLegacyCharset, IsDetectedInAJsonFeedToo) {
  const LanguageCase& language = GetParam();
  const std::string json = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"" + language.feed_title +
                           "\", \"items\": [{\"id\": \"1\", \"title\": \"" + language.first_item_title + "\"}]}";
  const ParseOutcome outcome = parse_feed(to_charset(json, language.charset));
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->feed.title.value, language.feed_title);
  ASSERT_EQ(outcome.feed->items.size(), 1u);
  EXPECT_EQ(outcome.feed->items[0].title.value, language.first_item_title);
}

INSTANTIATE_TEST_SUITE_P(Languages, UndeclaredLegacyCharset, ::testing::ValuesIn(kLanguages));

class ValidUtf8 : public ::testing::TestWithParam<std::string> {};

TEST_P(ValidUtf8, IsNeverReinterpreted) {
  const std::string utf8 = language_fixture(GetParam());
  const DecodedDocument decoded = decode_document(utf8, {});
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_EQ(decoded.repair, "");
  EXPECT_EQ(decoded.text().data(), utf8.data()) << "read in place, not converted";
  const ParseOutcome outcome = parse_feed(utf8);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_FALSE(outcome.feed->is_recovered) << outcome.feed->recovery_reason;
}

INSTANTIATE_TEST_SUITE_P(Languages, ValidUtf8,
                         ::testing::Values("french", "german", "czech", "russian", "japanese", "korean"));

// The German fixture with one more item that costs "5 €", in ISO-8859-15,
// which writes "€" as 0xA4; the detector's choice (Latin-1, read as
// windows-1252) reads that byte as "¤": only a label gets it right.
std::string german_in_latin9() {
  std::string utf8 = language_fixture("german");
  utf8.insert(utf8.find("</channel>"), "<item><title>Eintritt: 5 € für Erwachsene</title></item>\n");
  return to_charset(utf8, "ISO-8859-15");
}

TEST(DeclaredEncoding, WinsOverDetection) {
  const std::string latin9 = german_in_latin9();
  const ParseOutcome detected = parse_feed(latin9);
  ASSERT_TRUE(detected.feed) << detected.error;
  EXPECT_EQ(detected.feed->encoding, "windows-1252");
  ASSERT_EQ(detected.feed->items.size(), 4u);
  EXPECT_EQ(detected.feed->items[3].title.value, "Eintritt: 5 ¤ für Erwachsene");

  const ParseOutcome declared = parse_feed("<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?>\n" + latin9);
  ASSERT_TRUE(declared.feed) << declared.error;
  EXPECT_EQ(declared.feed->encoding, "iso-8859-15");
  EXPECT_FALSE(declared.feed->is_recovered) << declared.feed->recovery_reason;
  ASSERT_EQ(declared.feed->items.size(), 4u);
  EXPECT_EQ(declared.feed->items[3].title.value, "Eintritt: 5 € für Erwachsene");
}

TEST(DeclaredEncoding, HttpCharsetWinsOverDetection) {
  const ParseOutcome outcome = parse_feed(german_in_latin9(), {{}, "iso-8859-15", {}});
  ASSERT_TRUE(outcome.feed) << outcome.error;
  ASSERT_EQ(outcome.feed->items.size(), 4u);
  EXPECT_EQ(outcome.feed->items[3].title.value, "Eintritt: 5 € für Erwachsene");
}

TEST(DeclaredEncoding, AUtf8LabelOnBytesThatAreNotUtf8IsOverruled) {
  const std::string document =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + to_charset(language_fixture("russian"), "WINDOWS-1251");
  const ParseOutcome outcome = parse_feed(document);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "windows-1251");
  EXPECT_EQ(outcome.feed->feed.title.value, "Новости Новосибирска");
  EXPECT_EQ(outcome.feed->recovery_reason,
            "the XML declaration says utf-8 but the bytes are not UTF-8: read as windows-1251 (detected)");
}

TEST(Detection, MostlyUtf8WithAStrayLatin1ByteStaysUtf8) {
  // One pasted Latin-1 word in a UTF-8 document: U+FFFD there, the rest kept.
  const std::string document = language_fixture("czech");
  const std::string with_stray = document.substr(0, document.find("</description>")) + " caf\xE9" +
                                 document.substr(document.find("</description>"));
  const ParseOutcome outcome = parse_feed(with_stray);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "utf-8");
  EXPECT_EQ(outcome.feed->feed.subtitle.value, "Nejnovější zprávy z Brna a Jihomoravského kraje. caf\uFFFD");
  EXPECT_EQ(outcome.feed->recovery_reason, "1 invalid utf-8 byte sequence replaced with U+FFFD");
}

TEST(Detection, AFewAccentedBytesAreReadAsWindows1252) {
  // Too little for statistics: uchardet alone reads this as ISO-8859-10 ("Aņo").
  const ParseOutcome outcome = parse_feed("<rss><channel><title>A\xF1o nuevo</title></channel></rss>");
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "windows-1252");
  EXPECT_EQ(outcome.feed->feed.title.value, "Año nuevo");
  EXPECT_EQ(detect_legacy_charset("Caf\xE9"), "windows-1252");
}

TEST(DoubleEncoding, IsRepairedWhenTheWholeDocumentIsDoubleEncoded) {
  const std::string original = language_fixture("french");
  const ParseOutcome outcome = parse_feed(double_encode(original));
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "utf-8");
  EXPECT_EQ(outcome.feed->feed.title.value, "Santé et bien-être à Lyon");
  EXPECT_EQ(outcome.feed->recovery_reason,
            "double-encoded UTF-8 repaired (UTF-8 read as windows-1252 and encoded again)");
  const ParseOutcome expected = parse_feed(original);
  ASSERT_TRUE(expected.feed) << expected.error;
  EXPECT_EQ(outcome.feed->items, expected.feed->items);
}

TEST(DoubleEncoding, RepairsTheEllipsisAndQuotes) {
  EXPECT_EQ(undo_double_encoding(
                "Wait\xC3\xA2\xE2\x82\xAC\xC2\xA6 \xC3\xA2\xE2\x82\xAC\xC5\x93quoted\xC3\xA2\xE2\x82\xAC\xC2\x9D"),
            "Wait\u2026 \u201Cquoted\u201D");
  EXPECT_EQ(undo_double_encoding("Caf\xC3\x83\xC2\xA9"), "Caf\xC3\xA9");
}

// ASCII is passed over many bytes at a time: what lies between the runs
// (lines, tabs, a DEL, stretches longer than one step) must not change the
// verdict on them.
TEST(DoubleEncoding, JudgesRunsApartAcrossLongAsciiStretches) {
  const std::string ascii = std::string(37, 'a') + "\n\t" + std::string(20, 'b') + "\x7F\r\n";
  const std::string doubled = "\xC3\xA2\xE2\x82\xAC\xC2\xA6";  // "…" read as windows-1252 and encoded again
  EXPECT_EQ(undo_double_encoding(ascii + doubled + ascii + doubled + ascii),
            ascii + "\u2026" + ascii + "\u2026" + ascii);
  EXPECT_EQ(undo_double_encoding(ascii + ascii + ascii), std::nullopt);
  // One real "é" far down a long double-encoded document: not all of it.
  EXPECT_EQ(undo_double_encoding(ascii + doubled + ascii + ascii + "caf\xC3\xA9" + ascii), std::nullopt);
}

TEST(DoubleEncoding, LeavesLegitimateTextAlone) {
  for (const std::string_view text :
       {"Santé et bien-être à Lyon", "Größe über Straße", "Příliš žluťoučký kůň úpěl ďábelské ódy", "SÃO PAULO",
        "ÂGE D'OR", "Ã la carte", "plain ASCII only", "Â£ and ©", "«Ça va ?» — “oui”"}) {
    EXPECT_EQ(undo_double_encoding(text), std::nullopt) << text;
  }
  // Half of a document double-encoded and half not is left as it is.
  EXPECT_EQ(undo_double_encoding("Caf\xC3\x83\xC2\xA9 and café"), std::nullopt);
}

TEST(DoubleEncoding, ALatin1LabelOnUtf8BytesReadsThemAsUtf8) {
  const std::string document = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + language_fixture("german");
  const ParseOutcome outcome = parse_feed(document);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "utf-8");
  EXPECT_EQ(outcome.feed->feed.title.value, "Nachrichten aus Köln und Umgebung");
  EXPECT_EQ(outcome.feed->recovery_reason, "labelled windows-1252 but the bytes are UTF-8: read as UTF-8");
}

TEST(DoubleEncoding, ALatin1DocumentStaysLatin1) {
  const std::string document =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + to_charset(language_fixture("german"), "ISO-8859-1");
  const ParseOutcome outcome = parse_feed(document);
  ASSERT_TRUE(outcome.feed) << outcome.error;
  EXPECT_EQ(outcome.feed->encoding, "windows-1252");
  EXPECT_FALSE(outcome.feed->is_recovered) << outcome.feed->recovery_reason;
  EXPECT_EQ(outcome.feed->feed.title.value, "Nachrichten aus Köln und Umgebung");
}

}  // namespace
}  // namespace tributary::parse
