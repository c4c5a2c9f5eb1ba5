// Normalization of the small fixtures: the shape every item ends up in.
#include <gtest/gtest.h>

#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "parse/parse.hpp"
#include "support/temp_dir.hpp"

namespace tributary::normalize {
namespace {

using testing::fixtures_dir;
using testing::read_text_file;

NormalizedFeed normalize_fixture(const std::string& name, const std::string& url) {
  const std::string bytes = read_text_file(fixtures_dir() / "feeds" / name);
  parse::ParseOutcome outcome = parse::parse_feed(bytes, {url, {}, {}});
  if (!outcome.feed) throw std::runtime_error(outcome.error);
  return normalize_feed(*outcome.feed, {url, *core::parse_rfc3339("2025-12-20T00:00:00Z")});
}

TEST(NormalizeRss, GivesCleanEntries) {
  const NormalizedFeed feed = normalize_fixture("small_rss20.xml", "https://sarajevo-daily.example/feed/");
  ASSERT_EQ(feed.entries.size(), 2u);
  const Entry& first = feed.entries[0];
  EXPECT_EQ(first.identity_key, "id:sd-2025-1217-001");
  EXPECT_EQ(first.title, "Tram line 3 reopens after repairs");
  EXPECT_EQ(first.url, "https://sarajevo-daily.example/2025/12/17/tram-line-3/?utm_source=rss&utm_medium=feed");
  EXPECT_EQ(first.canonical_url, "https://sarajevo-daily.example/2025/12/17/tram-line-3/");
  EXPECT_EQ(core::format_rfc3339(*first.published), "2025-12-17T08:30:00Z");
  EXPECT_EQ(first.author_name, "Amra Hodžić");
  EXPECT_EQ(first.content_html,
            "<p>The tram line between <b>Baščaršija</b> and Ilidža runs again.</p>"
            "<p><a href=\"https://sarajevo-daily.example/transport/\">More transport news</a></p>");
  EXPECT_NE(first.fingerprint, 0u);

  const Entry& second = feed.entries[1];
  EXPECT_EQ(second.title, "Council approves winter budget & heating subsidy");
  EXPECT_EQ(second.author_name, "City Desk");
  EXPECT_EQ(second.author_email, "desk@sarajevo-daily.example");
  EXPECT_EQ(second.summary_html, "<p>The city council approved the winter budget.</p>");
  ASSERT_EQ(second.enclosures.size(), 1u);
  EXPECT_EQ(second.enclosures[0].length, 1234567);
}

TEST(NormalizeAtom, ResolvesXmlBaseAndSanitizesXhtml) {
  const NormalizedFeed feed = normalize_fixture("small_atom10.xml", "https://beograd-wire.example/atom.xml");
  ASSERT_EQ(feed.entries.size(), 2u);
  const Entry& first = feed.entries[0];
  EXPECT_EQ(first.title, "Novi most otvoren");
  EXPECT_EQ(core::format_rfc3339(*first.published), "2025-12-17T07:15:00Z");
  EXPECT_EQ(core::format_rfc3339(*first.updated), "2025-12-17T10:45:30Z");
  EXPECT_EQ(first.content_html,
            "<p>Most preko Save je <strong>otvoren</strong>.</p>"
            "<p><img src=\"https://beograd-wire.example/vesti/slike/most.jpg\" alt=\"Most\" /></p>");
  EXPECT_EQ(first.lang, "sr-Latn");
  const Entry& second = feed.entries[1];
  EXPECT_EQ(second.url, "https://beograd-wire.example/vesti/koncert");
  EXPECT_FALSE(second.published);
}

// The consuming normalize_feed (the scheduler's) frees each item as it
// goes; what it returns must not differ from the copying one.
TEST(NormalizeFeed, ConsumingTheParsedFeedGivesTheSameEntries) {
  const std::vector<testing::CorpusDocument> documents = testing::corpus_documents();
  if (documents.empty()) GTEST_SKIP() << "no shared corpus";
  std::size_t compared = 0;
  for (const auto& [path, base_url] : documents) {
    SCOPED_TRACE(path.string());
    parse::ParseOutcome outcome = parse::parse_feed(testing::read_text_file(path), {base_url, {}, {}});
    if (!outcome.feed) continue;
    const NormalizeContext context{base_url, *core::parse_rfc3339("2025-12-18T00:00:00Z")};
    const NormalizedFeed copied = normalize_feed(*outcome.feed, context);
    const NormalizedFeed consumed = normalize_feed(std::move(*outcome.feed), context);
    EXPECT_TRUE(copied == consumed);
    ++compared;
  }
  EXPECT_GT(compared, 500u);
}

TEST(SplitAuthor, EmailWithNameInParentheses) {
  const Author author = split_author("jo@example.com (Jo Doe)");
  EXPECT_EQ(author.name, "Jo Doe");
  EXPECT_EQ(author.email, "jo@example.com");
}

TEST(SplitAuthor, EmailOnly) {
  const Author author = split_author("jo@example.com");
  EXPECT_EQ(author.name, "");
  EXPECT_EQ(author.email, "jo@example.com");
}

TEST(SplitAuthor, NameWithEmailInAngleBrackets) {
  const Author author = split_author("Jo Doe <jo@example.com>");
  EXPECT_EQ(author.name, "Jo Doe");
  EXPECT_EQ(author.email, "jo@example.com");
}

}  // namespace
}  // namespace tributary::normalize
