// The normalization rules on the format fixtures: URL resolution order,
// canonical URLs, titles as plain text, sanitized HTML, authors, categories,
// enclosures, identity keys, the feed's polling hints, and more date forms.
#include <gtest/gtest.h>

#include "core/time.hpp"
#include "normalize/dates.hpp"
#include "normalize/normalize.hpp"
#include "support/temp_dir.hpp"

namespace tributary::normalize {
namespace {

using testing::fixtures_dir;
using testing::read_text_file;

const core::Timestamp kNow = *core::parse_rfc3339("2025-12-20T00:00:00Z");

NormalizedFeed normalize_text(const std::string& bytes, const std::string& url) {
  parse::ParseOutcome outcome = parse::parse_feed(bytes, {url, {}, {}});
  if (!outcome.feed) throw std::runtime_error(outcome.error);
  return normalize_feed(*outcome.feed, {url, kNow});
}

NormalizedFeed normalize_fixture(const std::string& name, const std::string& url) {
  return normalize_text(read_text_file(fixtures_dir() / "feeds" / name), url);
}

std::string utc(const std::optional<core::Timestamp>& t) { return t ? core::format_rfc3339(*t) : "null"; }
std::string utc(std::string_view text) { return utc(parse_feed_date(text)); }

// ---- URL resolution: xml:base, then the feed's own URL, then the document URL

std::string atom_with(const std::string& feed_attributes, const std::string& self_link) {
  return "<feed xmlns=\"http://www.w3.org/2005/Atom\"" + feed_attributes + "><title>t</title>" + self_link +
         "<entry><id>e1</id><title>T</title><link href=\"a/b\"/></entry></feed>";
}
const std::string kSelf = "<link rel=\"self\" href=\"https://self.example/feeds/atom.xml\"/>";

TEST(UrlResolution, DocumentUrlWhenNothingElse) {
  EXPECT_EQ(normalize_text(atom_with("", ""), "https://doc.example/x/feed").entries.at(0).url,
            "https://doc.example/x/a/b");
}

TEST(UrlResolution, FeedsOwnUrlBeforeTheDocumentUrl) {
  EXPECT_EQ(normalize_text(atom_with("", kSelf), "https://doc.example/x/feed").entries.at(0).url,
            "https://self.example/feeds/a/b");
}

TEST(UrlResolution, RelativeXmlBaseAgainstTheFeedsOwnUrl) {
  EXPECT_EQ(normalize_text(atom_with(" xml:base=\"/base/\"", kSelf), "https://doc.example/x/feed").entries.at(0).url,
            "https://self.example/base/a/b");
}

TEST(UrlResolution, AbsoluteXmlBaseFirst) {
  EXPECT_EQ(normalize_text(atom_with(" xml:base=\"https://base.example/dir/\"", kSelf), "https://doc.example/x/feed")
                .entries.at(0)
                .url,
            "https://base.example/dir/a/b");
}

TEST(UrlResolution, NestedXmlBaseOnEntryAndContent) {
  const NormalizedFeed feed = normalize_fixture("atom10_xmlbase.xml", "https://podgorica-press.example/atom.xml");
  const Entry& bar = feed.entries.at(0);
  EXPECT_EQ(bar.url, "https://podgorica-press.example/news/2025/12/bar-opens");  // the text/html alternate
  EXPECT_EQ(bar.content_html,
            "<p>A <a href=\"https://static.podgorica-press.example/menu.html\">menu</a> and "
            "<img src=\"https://static.podgorica-press.example/img/bar.jpg\" alt=\"bar\" />.</p>");
  ASSERT_EQ(bar.enclosures.size(), 1u);
  EXPECT_EQ(bar.enclosures[0].url, "https://podgorica-press.example/news/2025/12/img/bar.jpg");
  EXPECT_EQ(bar.enclosures[0].type, "image/jpeg");
  EXPECT_EQ(bar.enclosures[0].length, 12345);
  EXPECT_EQ(feed.entries.at(1).url, "https://podgorica-press.example/news/budget");
  EXPECT_EQ(feed.feed.site_url, "https://podgorica-press.example/news/");
  EXPECT_EQ(feed.feed.self_url, "https://podgorica-press.example/atom.xml");
  EXPECT_EQ(feed.feed.image_url, "https://podgorica-press.example/static/logo.png");
}

TEST(UrlResolution, RssRelativeLinksUseTheSelfLink) {
  const NormalizedFeed feed = normalize_fixture("rss20_extensions.xml", "https://split-radio.example/feed");
  const Entry& show = feed.entries.at(0);
  EXPECT_EQ(show.url, "https://feeds.split-radio.example/shows/2025-12-17");
  ASSERT_EQ(show.enclosures.size(), 2u);
  EXPECT_EQ(show.enclosures[0].url, "https://feeds.split-radio.example/audio/ms-20251217.mp3");
  EXPECT_EQ(show.enclosures[0].length, 30000000);
  EXPECT_EQ(show.enclosures[1].type, "audio/mp4");
}

TEST(UrlResolution, RelativeLinksWithoutAnyBaseAreDropped) {
  const NormalizedFeed feed = normalize_text(atom_with("", ""), "");
  EXPECT_EQ(feed.entries.at(0).url, "");
}

TEST(CanonicalUrl, DropsTrackingParametersAndFragment) {
  const NormalizedFeed feed = normalize_fixture("json11.json", "https://pristina-post.example/feed.json");
  const Entry& entry = feed.entries.at(0);
  EXPECT_EQ(entry.url, "https://pristina-post.example/a?utm_source=json&id=1#top");
  EXPECT_EQ(entry.canonical_url, "https://pristina-post.example/a?id=1");
  EXPECT_EQ(entry.image_url, "https://pristina-post.example/img/snow.jpg");
}

// ---- titles, text and HTML

TEST(Titles, DecodeDoubleEscapedEntitiesAndCollapseWhitespace) {
  const NormalizedFeed feed = normalize_fixture("atom10_xmlbase.xml", "https://podgorica-press.example/atom.xml");
  EXPECT_EQ(feed.entries.at(0).title, "Tom & Jerry's bar opens");
  EXPECT_EQ(feed.entries.at(1).title, "Budget passes & more");  // type="html": tags removed
  EXPECT_EQ(feed.feed.subtitle, "News daily");
}

TEST(Titles, HtmlEntitiesAndEscapedMarkup) {
  EXPECT_EQ(normalize_fixture("rss091.xml", "http://cafe-zagreb.example/rss").entries.at(0).title,
            "Menu\u00a0of the day \u2014 soup");
  EXPECT_EQ(normalize_fixture("atom03.xml", "http://ljubljana-log.example/atom").feed.title, "Ljubljana <Log>");
  EXPECT_EQ(normalize_fixture("atom03.xml", "http://ljubljana-log.example/atom").entries.at(1).title, "Castle hill");
}

TEST(Titles, LinkOnlyItemIsTitledByItsLink) {
  const std::string rss =
      "<rss version=\"2.0\"><channel><title>t</title><item><link>https://l.example/only</link>"
      "</item></channel></rss>";
  const NormalizedFeed feed = normalize_text(rss, "https://l.example/feed");
  EXPECT_EQ(feed.entries.at(0).title, "https://l.example/only");
}

TEST(Content, PlainTextSummaryIsEscapedNotInterpreted) {
  const NormalizedFeed feed = normalize_fixture("atom10_xmlbase.xml", "https://podgorica-press.example/atom.xml");
  EXPECT_EQ(feed.entries.at(1).summary_html, "Budget passes. &lt;script&gt; stays text.");
}

TEST(Content, RssContentIsSanitizedAndResolved) {
  const NormalizedFeed feed = normalize_fixture("rss20_extensions.xml", "https://split-radio.example/feed");
  const Entry& video = feed.entries.at(1);
  EXPECT_EQ(video.content_html,
            "<p>The Riva <b>at night</b>, filmed from the sea.</p>"
            "<img src=\"https://feeds.split-radio.example/img/riva.jpg\" alt=\"Riva\" />");
  EXPECT_EQ(video.summary_html, "<p>The Riva <b>at night</b>.</p>");
}

TEST(Content, JsonTextContentKeepsItsLines) {
  const NormalizedFeed feed = normalize_fixture("json10.json", "https://tirana-tech.example/feed.json");
  EXPECT_EQ(feed.entries.at(0).content_html, "Line one.<br />Line two &amp; more.");
  EXPECT_EQ(feed.entries.at(1).content_html, "<p>No title here </p>");
  EXPECT_EQ(feed.entries.at(1).url, "https://tirana-tech.example/102");
}

TEST(Content, Atom03Base64AndEscapedModes) {
  const NormalizedFeed feed = normalize_fixture("atom03.xml", "http://ljubljana-log.example/atom");
  EXPECT_EQ(feed.entries.at(0).content_html, "<p>Four <b>dragons</b>.</p>");
  EXPECT_EQ(feed.entries.at(0).summary_html, "Four dragons guard it.");
  EXPECT_EQ(feed.entries.at(1).content_html, "<p>Funicular &amp; views.</p>");
}

// ---- people, categories, dates, identity

TEST(Authors, FromEveryElementThatNamesOne) {
  const NormalizedFeed rss = normalize_fixture("rss20_extensions.xml", "https://split-radio.example/feed");
  EXPECT_EQ(rss.entries.at(0).author_name, "Marko Marić");  // dc:creator
  EXPECT_EQ(rss.entries.at(1).author_name, "");             // an email-only RSS author
  EXPECT_EQ(rss.entries.at(1).author_email, "video@split-radio.example");
  const NormalizedFeed old = normalize_fixture("rss091.xml", "http://cafe-zagreb.example/rss");
  EXPECT_EQ(old.entries.at(0).author_name, "Ivo Ivic");  // managingEditor, for items without one
  EXPECT_EQ(old.entries.at(0).author_email, "editor@cafe-zagreb.example");
  const NormalizedFeed atom = normalize_fixture("atom10_xmlbase.xml", "https://podgorica-press.example/atom.xml");
  EXPECT_EQ(atom.entries.at(0).author_name, "Milica Đurović");
  EXPECT_EQ(atom.entries.at(0).author_email, "milica@podgorica-press.example");
  EXPECT_EQ(atom.entries.at(1).author_name, "Desk");  // the feed's author
  const NormalizedFeed atom03 = normalize_fixture("atom03.xml", "http://ljubljana-log.example/atom");
  EXPECT_EQ(atom03.entries.at(0).author_email, "nina@ljubljana-log.example");
}

TEST(Categories, LabelsTermsAndSubjectsWithoutDuplicates) {
  EXPECT_EQ(normalize_fixture("atom10_xmlbase.xml", "https://p.example/").entries.at(0).categories,
            (std::vector<std::string>{"City life", "food"}));
  EXPECT_EQ(normalize_fixture("rss10_rdf.xml", "https://skopje-notes.example/rss").entries.at(0).categories,
            (std::vector<std::string>{"City", "Lights"}));
}

TEST(Dates, PublishedAndUpdatedInUtc) {
  const NormalizedFeed atom = normalize_fixture("atom10_xmlbase.xml", "https://p.example/");
  EXPECT_EQ(utc(atom.entries.at(0).published), "2025-12-17T10:00:00Z");
  EXPECT_EQ(utc(atom.entries.at(0).updated), "2025-12-17T10:30:00Z");
  EXPECT_EQ(utc(atom.feed.updated), "2025-12-17T11:00:00Z");
  const NormalizedFeed atom03 = normalize_fixture("atom03.xml", "http://l.example/");
  EXPECT_EQ(utc(atom03.entries.at(0).published), "2025-12-17T07:00:00Z");
  EXPECT_EQ(utc(normalize_fixture("rss10_rdf.xml", "https://s.example/").entries.at(0).published),
            "2025-12-16T20:15:00Z");
}

TEST(Dates, AnUnreadableDateIsNullNeverNow) {
  const std::string rss =
      "<rss version=\"2.0\"><channel><title>t</title><item><title>x</title>"
      "<pubDate>sometime last week</pubDate></item></channel></rss>";
  const NormalizedFeed feed = normalize_text(rss, "https://d.example/");
  EXPECT_FALSE(feed.entries.at(0).published);
}

TEST(DateParsing, ReadsMoreRealWorldForms) {
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 -0500"), "2025-12-17T14:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 MST"), "2025-12-17T16:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 MDT"), "2025-12-17T15:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 CDT"), "2025-12-17T14:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 PST"), "2025-12-17T17:30:00Z");
  EXPECT_EQ(utc("17 Dec 2025 09:30:00 A"), "2025-12-17T10:30:00Z");  // RFC 822 military signs
  EXPECT_EQ(utc("17 Dec 2025 09:30:00 N"), "2025-12-17T08:30:00Z");
  EXPECT_EQ(utc("17 Dec 2025 09:30:00 Y"), "2025-12-16T21:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 9:30:00 GMT"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("Wed,17 Dec 2025 09:30 GMT"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("Wed, 17-Dec-2025 09:30:00 GMT"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("Wed, 17 Dec 2025 09:30:00 +01:00"), "2025-12-17T08:30:00Z");
  EXPECT_EQ(utc("Wednesday, December 17, 2025 9:30 AM EST"), "2025-12-17T14:30:00Z");
  EXPECT_EQ(utc("Dec 17 2025 09:30:00 GMT"), "2025-12-17T09:30:00Z");
  EXPECT_EQ(utc("17 Dec 2025 09:30:00 GMT+2"), "2025-12-17T07:30:00Z");
  EXPECT_EQ(utc("2025-12-17T09:30:00,25+02:00"), "2025-12-17T07:30:00Z");
  EXPECT_EQ(utc("2025-12-17T09:30:00 +01:00"), "2025-12-17T08:30:00Z");
  EXPECT_EQ(utc("2025-12-17T09:30:00-0800"), "2025-12-17T17:30:00Z");
  EXPECT_EQ(utc("20251217"), "2025-12-17T00:00:00Z");
  EXPECT_EQ(utc("2025351"), "2025-12-17T00:00:00Z");
  EXPECT_EQ(utc("2025-W51"), "2025-12-15T00:00:00Z");
  EXPECT_EQ(utc("Wed, 31 Feb 2025 10:00:00 GMT"), "null");
  EXPECT_EQ(utc("0000-00-00T00:00:00Z"), "null");
}

TEST(Identity, GuidThenLinkThenHash) {
  const NormalizedFeed rss = normalize_fixture("rss20_extensions.xml", "https://split-radio.example/feed");
  EXPECT_EQ(rss.entries.at(0).identity_key.text(), "id:split-radio-ms-20251217");
  EXPECT_EQ(rss.entries.at(1).identity_key.text(), "url:https://split-radio.example/video/riva");
  const NormalizedFeed hashed = normalize_fixture("rss092.xml", "http://ohrid-pod.example/rss");
  const std::string& key = hashed.entries.at(0).identity_key.text();
  ASSERT_EQ(key.size(), 5u + 32u) << key;
  EXPECT_TRUE(key.starts_with("hash:"));
  EXPECT_EQ(key, normalize_fixture("rss092.xml", "http://ohrid-pod.example/rss").entries.at(0).identity_key.text());
  const std::string other =
      "<rss version=\"0.92\"><channel><title>t</title><item><description>Episode two."
      "</description></item></channel></rss>";
  EXPECT_NE(key, normalize_text(other, "http://ohrid-pod.example/rss").entries.at(0).identity_key.text());
}

// The stored text is what every database holds: it must never change.
TEST(Identity, EachKindHasItsStoredText) {
  const IdentityKey id = IdentityKey::from_id("urn:x:1");
  EXPECT_EQ(id.kind(), IdentityKey::Kind::kId);
  EXPECT_EQ(id.value(), "urn:x:1");
  EXPECT_EQ(id.text(), "id:urn:x:1");
  const IdentityKey url = IdentityKey::from_url("https://a.example/1");
  EXPECT_EQ(url.kind(), IdentityKey::Kind::kUrl);
  EXPECT_EQ(url.value(), "https://a.example/1");
  EXPECT_EQ(url.text(), "url:https://a.example/1");
  const IdentityKey hash = IdentityKey::from_content("abc");  // SHA-256 ba7816bf…
  EXPECT_EQ(hash.kind(), IdentityKey::Kind::kHash);
  EXPECT_EQ(hash.value(), "ba7816bf8f01cfea414140de5dae2223");
  EXPECT_EQ(hash.text(), "hash:ba7816bf8f01cfea414140de5dae2223");
}

TEST(Identity, StoredTextReadsBackAsTheSameKey) {
  for (const IdentityKey& key : {IdentityKey::from_id("42"), IdentityKey::from_id("url:not-a-link"),
                                 IdentityKey::from_url("https://a.example/1"), IdentityKey::from_content("abc")}) {
    const IdentityKey stored = IdentityKey::from_stored(key.text());
    EXPECT_EQ(stored, key) << key.text();
    EXPECT_EQ(stored.kind(), key.kind()) << key.text();
    EXPECT_EQ(stored.value(), key.value()) << key.text();
  }
}

TEST(Identity, StoredTextWithoutAKnownPrefixIsKeptAsItIs) {
  const IdentityKey key = IdentityKey::from_stored("legacy-42");
  EXPECT_EQ(key.kind(), IdentityKey::Kind::kHash);
  EXPECT_EQ(key.value(), "legacy-42");
  EXPECT_EQ(key.text(), "legacy-42");
}

TEST(Identity, RepublishedEntriesAreMarked) {
  const NormalizedFeed atom = normalize_fixture("atom10_xmlbase.xml", "https://p.example/");
  EXPECT_FALSE(atom.entries.at(0).is_republished);
  EXPECT_TRUE(atom.entries.at(1).is_republished);
  EXPECT_EQ(atom.entries.at(0).lang, "en");
  EXPECT_EQ(atom.entries.at(1).lang, "sr-Latn-ME");
}

TEST(Fingerprint, CountsTitleAndContentWords) {
  const NormalizedFeed a = normalize_fixture("rss10_rdf.xml", "https://s.example/");
  EXPECT_NE(a.entries.at(0).fingerprint, 0u);
  EXPECT_EQ(a.entries.at(0).word_count, 8u);  // "Stone bridge lights" + the content "New lights on the bridge."
}

// ---- the feed's polling hints

TEST(PollingHints, TtlSyndicationAndSkips) {
  const NormalizedFeed rss = normalize_fixture("rss20_extensions.xml", "https://split-radio.example/feed");
  EXPECT_EQ(rss.feed.ttl, std::chrono::seconds{90 * 60});
  EXPECT_EQ(rss.feed.update_interval, std::chrono::seconds{6 * 3600});  // daily, 4 times
  EXPECT_EQ(rss.feed.skip_hours, (std::vector<int>{0, 23}));
  EXPECT_EQ(rss.feed.skip_days, (std::vector<int>{1, 2}));
  EXPECT_FALSE(rss.feed.update_base);
  EXPECT_EQ(rss.feed.image_url, "https://split-radio.example/cover.jpg");
  EXPECT_EQ(rss.entries.at(0).duration, std::chrono::seconds{3723});
  EXPECT_EQ(rss.entries.at(0).image_url, "https://split-radio.example/ms.jpg");
  EXPECT_EQ(rss.entries.at(1).image_url, "https://cdn.split-radio.example/riva.jpg");

  const NormalizedFeed rdf = normalize_fixture("rss10_rdf.xml", "https://skopje-notes.example/rss");
  EXPECT_FALSE(rdf.feed.ttl);
  EXPECT_EQ(rdf.feed.update_interval, std::chrono::seconds{1800});  // hourly, twice
  EXPECT_EQ(utc(rdf.feed.update_base), "2000-01-01T12:00:00Z");

  const NormalizedFeed none = normalize_fixture("atom03.xml", "http://l.example/");
  EXPECT_FALSE(none.feed.ttl);
  EXPECT_FALSE(none.feed.update_interval);
  EXPECT_TRUE(none.feed.skip_hours.empty());
}

TEST(PollingHints, SyndicationIntervalRules) {
  EXPECT_EQ(syndication_interval("", std::nullopt), std::nullopt);
  EXPECT_EQ(syndication_interval("", 2), std::chrono::seconds{43200});  // daily by default
  EXPECT_EQ(syndication_interval("weekly", std::nullopt), std::chrono::seconds{604800});
  EXPECT_EQ(syndication_interval("Monthly", 1), std::chrono::seconds{2592000});
  EXPECT_EQ(syndication_interval("yearly", 365), std::chrono::seconds{86400});
  EXPECT_EQ(syndication_interval("fortnightly", 1), std::nullopt);
}

TEST(PollingHints, InvalidTtlIsIgnored) {
  const std::string rss =
      "<rss version=\"2.0\"><channel><title>t</title><ttl>soon</ttl><skipHours><hour>25</hour>"
      "<hour>x</hour><hour>5</hour></skipHours><skipDays><day>Funday</day></skipDays>"
      "<item><title>x</title></item></channel></rss>";
  const NormalizedFeed feed = normalize_text(rss, "https://t.example/");
  EXPECT_FALSE(feed.feed.ttl);
  EXPECT_EQ(feed.feed.skip_hours, (std::vector<int>{5}));
  EXPECT_TRUE(feed.feed.skip_days.empty());
}

TEST(Durations, ItunesForms) {
  EXPECT_EQ(parse_duration_text("3723"), std::chrono::seconds{3723});
  EXPECT_EQ(parse_duration_text("62:03"), std::chrono::seconds{3723});
  EXPECT_EQ(parse_duration_text("1:02:03"), std::chrono::seconds{3723});
  EXPECT_EQ(parse_duration_text("1:75"), std::nullopt);
  EXPECT_EQ(parse_duration_text("an hour"), std::nullopt);
  EXPECT_EQ(parse_duration_text(""), std::nullopt);
}

}  // namespace
}  // namespace tributary::normalize
