// libxml2 pushed against libxml2 pulled (see parse/xml_feed.hpp): whenever
// the pushed parse accepts a document, its outcome is the pulled one's,
// field for field, however the document is cut into chunks. Checked over
// every XML document of the shared corpus and the fixtures, whole and cut
// short.
#include <gtest/gtest.h>

#include <array>

#include "core/text.hpp"
#include "parse/encoding.hpp"
#include "parse/xml_feed.hpp"
#include "parse/xml_repair.hpp"
#include "support/temp_dir.hpp"

namespace tributary::parse {
namespace {

// Chunk sizes that put chunk ends inside names, attribute values, entity
// references, CDATA markers and multi-byte characters, and the real one.
constexpr std::array<std::size_t, 3> kChunkSizes = {7, 61, kPushChunkSize};

// The text parse_feed hands to parse_xml_feed.
std::string xml_text_of(std::string_view bytes) {
  const DecodedDocument decoded = decode_document(bytes, {});
  MarkupRepair repaired = repair_markup(decoded.text());
  return repaired.is_changed ? std::move(repaired.text) : std::string(decoded.text());
}

// Expects agreement at every chunk size; returns whether the pushed parse
// accepted the document (at the real chunk size).
bool expect_pushed_as_pulled(std::string_view text, const ParseOptions& options, const std::string& label) {
  const ParseOutcome pulled = parse_xml_feed_pulled(text, options);
  bool is_accepted = false;
  for (const std::size_t chunk_size : kChunkSizes) {
    const std::optional<ParseOutcome> pushed = parse_xml_feed_pushed(text, options, chunk_size);
    if (chunk_size == kPushChunkSize) is_accepted = pushed.has_value();
    if (!pushed) continue;
    EXPECT_TRUE(*pushed == pulled) << label << ", chunks of " << chunk_size << " bytes; pulled: "
                                   << (pulled.feed ? "a feed of " + std::to_string(pulled.feed->items.size()) + " items"
                                                   : "error " + pulled.error)
                                   << ", pushed: "
                                   << (pushed->feed
                                           ? "a feed of " + std::to_string(pushed->feed->items.size()) + " items"
                                           : "error " + pushed->error);
  }
  return is_accepted;
}

constexpr std::string_view kSmallFeed =
    "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\n"
    "<item><title>One &amp; only</title><description><![CDATA[<p>caf\xC3\xA9 ]]]]><![CDATA[></p>]]></description>"
    "</item>\n<item><title>Two</title></item>\n</channel></rss>\n";

TEST(XmlPaths, PushedAcceptsAWellFormedFeedAsPulledReadsIt) {
  EXPECT_TRUE(expect_pushed_as_pulled(kSmallFeed, {}, "small feed"));
  const std::optional<ParseOutcome> pushed = parse_xml_feed_pushed(kSmallFeed, {}, kPushChunkSize);
  ASSERT_TRUE(pushed && pushed->feed);
  ASSERT_EQ(pushed->feed->items.size(), 2u);
  EXPECT_EQ(pushed->feed->items[0].summary.value, "<p>caf\xC3\xA9 ]]></p>");
}

TEST(XmlPaths, PushedDeclinesACutOffDocument) {
  // Pushed, the cut would read as "Extra content at the end of the
  // document" and the half title would be held back.
  const std::string_view cut = kSmallFeed.substr(0, kSmallFeed.find("Two") + 2);
  EXPECT_FALSE(parse_xml_feed_pushed(cut, {}, kPushChunkSize));
  const ParseOutcome outcome = parse_xml_feed(cut, {});
  ASSERT_TRUE(outcome.feed);
  EXPECT_EQ(outcome, parse_xml_feed_pulled(cut, {}));
}

TEST(XmlPaths, PushedDeclinesBrokenMarkupAtItsFirstError) {
  for (std::string_view broken :
       {"<rss><channel><item><title>a</b></title></item></channel></rss>", "<rss><channel></rss>",
        "<rss><channel><item a='1' a='2'/></channel></rss>", "<rss/><extra/>", "not xml at all"})
    EXPECT_FALSE(parse_xml_feed_pushed(broken, {}, kPushChunkSize)) << broken;
}

TEST(XmlPaths, PushedStopsAtTheSameLimitsAsPulled) {
  ParseOptions options;
  options.limits.max_items = 1;
  EXPECT_TRUE(expect_pushed_as_pulled(kSmallFeed, options, "one item allowed"));
  options = {};
  options.limits.max_depth = 3;
  EXPECT_TRUE(expect_pushed_as_pulled(kSmallFeed, options, "three levels allowed"));
}

TEST(XmlPaths, PushedReadsEveryCorpusDocumentAsPulledDoes) {
  std::vector<std::pair<std::filesystem::path, std::string>> documents;  // path, document URL
  for (const auto& [path, base_url] : testing::corpus_documents()) documents.emplace_back(path, base_url);
  if (documents.empty()) GTEST_SKIP() << "no shared corpus";
  for (const auto& entry : std::filesystem::directory_iterator(testing::fixtures_dir() / "feeds"))
    documents.emplace_back(entry.path(), "https://example.com/feed");
  ASSERT_GE(documents.size(), 700u);

  std::size_t xml_documents = 0;
  std::size_t accepted = 0;
  for (const auto& [path, base_url] : documents) {
    const std::string text = xml_text_of(testing::read_text_file(path));
    const std::string_view significant = core::trim(text);
    if (significant.empty() || significant.front() == '{') continue;  // JSON Feed, or nothing
    ++xml_documents;
    const ParseOptions options{base_url, {}, {}};
    if (expect_pushed_as_pulled(text, options, path.string())) ++accepted;
    // Cut short, where pushing and pulling part ways: the pushed parse must
    // decline rather than differ.
    for (const std::size_t eighths : {3, 7}) {
      const std::string_view cut = std::string_view(text).substr(0, text.size() * eighths / 8);
      expect_pushed_as_pulled(cut, options, path.string() + " cut at " + std::to_string(cut.size()));
    }
  }
  // The corpus is mostly well-formed: a pushed parse that declined most of
  // it would make this comparison, and the speed it is for, empty.
  EXPECT_GE(accepted, xml_documents * 9 / 10) << "of " << xml_documents;
  std::cout << "xml paths: " << xml_documents << " documents, " << accepted << " accepted pushed\n";
}

}  // namespace
}  // namespace tributary::parse
