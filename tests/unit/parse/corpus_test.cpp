// Every document of the shared real-world corpus (../shared/corpus, listed in
// its manifest.tsv with the URL it came from) through parse + normalize: no
// crash and no sanitizer report (this runs in the sanitizer build), every
// item with an id and a title or content, every link absolute.
#include <gtest/gtest.h>

#include <chrono>

#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "parse/parse.hpp"
#include "support/temp_dir.hpp"

namespace tributary {
namespace {

bool is_absolute_link(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://", "mailto:", "ftp://", "tel:", "data:image/"})
    if (url.starts_with(scheme)) return true;
  return false;
}

// The values of every href="…" and src="…" our sanitizer wrote.
std::vector<std::string> links_in(std::string_view html) {
  std::vector<std::string> links;
  for (std::string_view attribute : {" href=\"", " src=\"", " poster=\"", " cite=\""}) {
    for (auto at = html.find(attribute); at != std::string_view::npos; at = html.find(attribute, at + 1)) {
      const auto start = at + attribute.size();
      links.emplace_back(html.substr(start, html.find('"', start) - start));
    }
  }
  return links;
}

TEST(Corpus, EveryDocumentParsesSafelyIntoCleanEntries) {
  const std::vector<testing::CorpusDocument> documents = testing::corpus_documents();
  if (documents.empty()) GTEST_SKIP() << "no shared corpus";
  ASSERT_GE(documents.size(), 700u) << "the manifest lists fewer documents than the corpus holds";
  const core::Timestamp now = *core::parse_rfc3339("2026-01-01T00:00:00Z");
  std::size_t feeds = 0;
  std::size_t entries = 0;
  for (const testing::CorpusDocument& document : documents) {
    SCOPED_TRACE(document.path.string());
    const std::string bytes = testing::read_text_file(document.path);
    const auto started = std::chrono::steady_clock::now();
    const parse::ParseOutcome outcome = parse::parse_feed(bytes, {document.base_url, {}, {}});
    if (!outcome.feed) {
      EXPECT_FALSE(outcome.error.empty());
      EXPECT_EQ(outcome.error.find('\n'), std::string::npos) << "errors are one line";
      continue;
    }
    ++feeds;
    const normalize::NormalizedFeed feed = normalize::normalize_feed(*outcome.feed, {document.base_url, now});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(outcome.feed->is_recovered, !outcome.feed->recovery_reason.empty());
    EXPECT_TRUE(feed.feed.site_url.empty() || is_absolute_link(feed.feed.site_url)) << feed.feed.site_url;
    for (const normalize::Entry& entry : feed.entries) {
      ++entries;
      EXPECT_FALSE(entry.identity_key.empty());
      EXPECT_FALSE(entry.title.empty() && entry.content_html.empty() && entry.summary_html.empty())
          << "an entry with neither title nor content: " << entry.identity_key.text();
      EXPECT_TRUE(entry.url.empty() || is_absolute_link(entry.url)) << entry.url;
      for (const normalize::Enclosure& enclosure : entry.enclosures)
        EXPECT_TRUE(is_absolute_link(enclosure.url)) << enclosure.url;
      for (const std::string* html : {&entry.content_html, &entry.summary_html})
        for (const std::string& link : links_in(*html)) EXPECT_TRUE(is_absolute_link(link)) << link << " in " << *html;
      EXPECT_EQ(entry.content_html.find("<script"), std::string::npos);
    }
  }
  // Most of the corpus is feeds; a parser that reads few of them is broken.
  EXPECT_GE(feeds, documents.size() * 9 / 10);
  EXPECT_GE(entries, 500u);
  std::cout << "corpus: " << documents.size() << " documents, " << feeds << " read as feeds, " << entries
            << " entries\n";
}

}  // namespace
}  // namespace tributary
