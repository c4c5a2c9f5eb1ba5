// The RSS 2.0 edition (issue 25): well-formed whatever the stored strings
// hold; guid, pubDate, source, dc:creator, content:encoded as the RSS
// Advisory Board's specification says; enclosures always with a type
// (inferred from the file name, else left out and reported) and a length;
// the iTunes and Podcasting 2.0 tags of episodes and of a podcast channel;
// the paging links; and the JSON Feed's attachment duration.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "render/render.hpp"
#include "unit/render/fixtures.hpp"

namespace tributary::render {
namespace {

using fixtures::at;

FeedHeader header() { return fixtures::header("http://127.0.0.1:8080/feed.rss"); }

// An item with an outlet's title and a link as its id.
store::StoredEntry news_entry() {
  store::StoredEntry stored = fixtures::outlet_entry();
  stored.source_title = "The Outlet";
  stored.entry.identity_key = normalize::IdentityKey::from_id("https://outlet.example/a");
  stored.entry.original_id = "https://outlet.example/a";
  return stored;
}

store::StoredEntry episode_entry() {
  store::StoredEntry stored = news_entry();
  stored.source_config_url = "https://pod.example/feed.xml";
  stored.source_name = "The Pod";
  stored.source_title = "The Pod";
  stored.source_feed_url = "https://pod.example/feed.xml";
  stored.source_podcast_image_url = "https://pod.example/show.jpg";
  stored.source_podcast_author = "Pod People";
  normalize::Entry& entry = stored.entry;
  entry.identity_key = normalize::IdentityKey::from_id("pod-ep-7");
  entry.original_id = "pod-ep-7";
  entry.title = "Episode 7";
  entry.url = "https://pod.example/7";
  entry.content_html.clear();
  entry.summary_html = "<p>Show notes</p>";
  entry.enclosures = {{"https://cdn.pod.example/ep7.mp3", "audio/mpeg", 1234567}};
  entry.duration = std::chrono::seconds{3723};
  entry.episode.duration_text = "1:02:03";
  entry.episode.is_explicit = true;
  entry.episode.number = 7;
  entry.episode.season = 2;
  entry.episode.type = "full";
  entry.episode.transcripts = {{"https://pod.example/7.vtt", "text/vtt", "en", "captions"}};
  return stored;
}

using XmlDocument = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

// Strict XML 1.0: no recovery; null when the document is not well-formed.
XmlDocument parse_strictly(const std::string& document) {
  return XmlDocument(xmlReadMemory(document.data(), static_cast<int>(document.size()), "test.xml", nullptr,
                                   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                     &xmlFreeDoc);
}

const xmlChar* xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

// The string values of what `path` selects (namespace prefixes as the
// edition writes them).
std::vector<std::string> select(const std::string& document, const char* path) {
  const XmlDocument parsed = parse_strictly(document);
  if (!parsed) return {"(not well-formed)"};
  const std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> context(xmlXPathNewContext(parsed.get()),
                                                                                 &xmlXPathFreeContext);
  xmlXPathRegisterNs(context.get(), xml("atom"), xml("http://www.w3.org/2005/Atom"));
  xmlXPathRegisterNs(context.get(), xml("content"), xml("http://purl.org/rss/1.0/modules/content/"));
  xmlXPathRegisterNs(context.get(), xml("dc"), xml("http://purl.org/dc/elements/1.1/"));
  xmlXPathRegisterNs(context.get(), xml("itunes"), xml("http://www.itunes.com/dtds/podcast-1.0.dtd"));
  xmlXPathRegisterNs(context.get(), xml("media"), xml("http://search.yahoo.com/mrss/"));
  xmlXPathRegisterNs(context.get(), xml("podcast"), xml("https://podcastindex.org/namespace/1.0"));
  const std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> found(
      xmlXPathEvalExpression(xml(path), context.get()), &xmlXPathFreeObject);
  std::vector<std::string> values;
  for (int i = 0; found && found->nodesetval && i < found->nodesetval->nodeNr; ++i) {
    const std::unique_ptr<xmlChar, decltype(xmlFree)> text(xmlNodeGetContent(found->nodesetval->nodeTab[i]), xmlFree);
    values.emplace_back(text ? reinterpret_cast<const char*>(text.get()) : "");
  }
  return values;
}

using Values = std::vector<std::string>;

// Characters XML forbids or validators flag, and bytes that are not UTF-8.
const std::string kHostile = std::string(
                                 "a\x01"
                                 "b\x00"
                                 "c",
                                 5) +
                             "\x0b\x1f\x7f" + "\xc2\x85" + "\xef\xbf\xbe\xef\xb7\x90" + "\xff\xfe" + "\xed\xa0\x80" +
                             "<]]>&amp;\"'" + "d";

TEST(RssPublishableOutput, HostileTextInEveryFieldLeavesTheDocumentWellFormed) {
  store::StoredEntry stored = episode_entry();
  normalize::Entry& entry = stored.entry;
  entry.title = "T" + kHostile;
  entry.summary_html = "S" + kHostile;
  entry.content_html = "C" + kHostile;
  entry.url = "https://pod.example/7?q=" + kHostile;
  entry.authors = {{"N" + kHostile, "", ""}};
  entry.categories = {"K" + kHostile};
  entry.enclosures = {{"https://cdn.pod.example/e" + kHostile + ".mp3", "audio/mpeg" + kHostile, 5},
                      {"https://cdn.pod.example/b" + kHostile + ".mp4", "", std::nullopt}};
  entry.image_url = "https://pod.example/i" + kHostile;
  entry.episode.duration_text = "1:02" + kHostile;
  entry.episode.type = "full" + kHostile;
  entry.episode.transcripts = {{"https://pod.example/t" + kHostile, "text/vtt" + kHostile, kHostile, kHostile}};
  stored.source_title = "Src" + kHostile;
  stored.source_podcast_author = "A" + kHostile;
  FeedHeader feed = header();
  feed.title = "F" + kHostile;
  feed.subtitle = "Sub" + kHostile;
  feed.podcast = {true,
                  "https://x.example/" + kHostile,
                  "Au" + kHostile,
                  "O" + kHostile,
                  "o@x.example" + kHostile,
                  "Cat" + kHostile,
                  "Sub" + kHostile,
                  false,
                  "en" + kHostile};
  const std::vector<store::StoredEntry> entries = {stored, news_entry()};
  const std::string rss = render_rss(feed, entries);
  EXPECT_TRUE(parse_strictly(rss)) << rss;
  EXPECT_TRUE(core::is_valid_utf8(rss));
  EXPECT_EQ(select(rss, "/rss/channel/item").size(), 2u);
}

TEST(RssItems, GuidIsAPermalinkOnlyWhenItIsTheItemsUrl) {
  store::StoredEntry opaque = episode_entry();  // guid "pod-ep-7": not absolute, a tag: URI stands in
  const std::vector<store::StoredEntry> entries = {news_entry(), opaque};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "/rss/channel/item[1]/guid"), Values{"https://outlet.example/a"});
  EXPECT_EQ(select(rss, "/rss/channel/item/guid/@isPermaLink"), (Values{"true", "false"}));
  EXPECT_TRUE(select(rss, "/rss/channel/item[2]/guid")[0].starts_with("tag:localhost,2025:entry:"));
}

TEST(RssItems, DatesAreRfc822AndTheChannelSaysWhenItWasLastBuilt) {
  const std::vector<store::StoredEntry> entries = {news_entry()};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "/rss/channel/item/pubDate"), Values{"Mon, 30 Nov 2026 09:00:00 GMT"});
  EXPECT_EQ(select(rss, "/rss/channel/lastBuildDate"), Values{"Mon, 30 Nov 2026 09:00:00 GMT"});
}

TEST(RssItems, AuthorsAreDcCreatorsAndTheOutletIsTheSource) {
  store::StoredEntry stored = news_entry();
  stored.source_feed_url = "https://user:secret@outlet.example/feed";
  stored.entry.authors = {{"Jo Doe", "", ""}, {"Al Roe", "", ""}};
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "//dc:creator"), (Values{"Jo Doe (Outlet)", "Al Roe (Outlet)"}));
  EXPECT_TRUE(select(rss, "//author").empty()) << "RSS <author> must be an e-mail address";
  EXPECT_EQ(select(rss, "//source"), Values{"The Outlet"});
  EXPECT_EQ(select(rss, "//source/@url"), Values{"https://outlet.example/feed"});
  EXPECT_EQ(rss.find("secret"), std::string::npos);
}

TEST(RssItems, HtmlContentIsContentEncodedWithTheSummaryAsDescription) {
  store::StoredEntry both = news_entry();
  both.entry.summary_html = "<p>Short</p>";
  const std::vector<store::StoredEntry> entries = {both, news_entry()};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "/rss/channel/item/description"), (Values{"<p>Short</p>", "<p>Text</p>"}));
  EXPECT_EQ(select(rss, "/rss/channel/item/content:encoded"), Values{"<p>Text</p>"});
}

TEST(RssEnclosures, TypeComesFromTheFileNameWhenTheFeedGaveNone) {
  store::StoredEntry stored = episode_entry();
  stored.entry.enclosures = {{"https://cdn.pod.example/ep7.M4A?token=1", "", std::nullopt}};
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "//enclosure/@type"), Values{"audio/x-m4a"});
  EXPECT_EQ(select(rss, "//enclosure/@length"), Values{"0"}) << "the RSS profile: 0 when the size is unknown";
}

TEST(RssEnclosures, OneWithoutAnyTypeIsLeftOutAndReported) {
  store::StoredEntry stored = episode_entry();
  stored.entry.enclosures = {{"https://cdn.pod.example/download?id=7", "", 10},
                             {"https://cdn.pod.example/ep7.mp3", "audio/mpeg", 20}};
  const std::vector<store::StoredEntry> entries = {stored};
  std::vector<std::string> left_out;
  const std::string rss = render_rss(header(), entries, &left_out);
  EXPECT_EQ(select(rss, "//enclosure/@url"), Values{"https://cdn.pod.example/ep7.mp3"});
  EXPECT_EQ(rss.find("download?id=7"), std::string::npos);
  // Besides the channel tags nothing here can tell (RssChannelDerivation).
  const auto about_enclosure = std::count_if(left_out.begin(), left_out.end(), [](const std::string& note) {
    return note.find("enclosure https://cdn.pod.example/download?id=7") != std::string::npos;
  });
  EXPECT_EQ(about_enclosure, 1) << ::testing::PrintToString(left_out);
}

TEST(RssEnclosures, TheFirstIsTheEnclosureAndTheOthersMediaContent) {
  store::StoredEntry stored = episode_entry();
  stored.entry.enclosures.push_back({"https://cdn.pod.example/ep7.mp4", "video/mp4", 99});
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "//enclosure/@url"), Values{"https://cdn.pod.example/ep7.mp3"});
  EXPECT_EQ(select(rss, "//enclosure/@length"), Values{"1234567"});
  EXPECT_EQ(select(rss, "//media:content/@url"), Values{"https://cdn.pod.example/ep7.mp4"});
  EXPECT_EQ(select(rss, "//media:content/@fileSize"), Values{"99"});
}

TEST(RssEpisodes, CarryEveryItunesAndPodcastingTag) {
  const std::vector<store::StoredEntry> entries = {episode_entry()};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "//item/itunes:duration"), Values{"1:02:03"});
  EXPECT_EQ(select(rss, "//item/itunes:explicit"), Values{"true"});
  EXPECT_EQ(select(rss, "//item/itunes:episode"), Values{"7"});
  EXPECT_EQ(select(rss, "//item/itunes:season"), Values{"2"});
  EXPECT_EQ(select(rss, "//item/itunes:episodeType"), Values{"full"});
  EXPECT_EQ(select(rss, "//item/podcast:transcript/@url"), Values{"https://pod.example/7.vtt"});
  EXPECT_EQ(select(rss, "//item/podcast:transcript/@type"), Values{"text/vtt"});
  EXPECT_EQ(select(rss, "//item/podcast:transcript/@rel"), Values{"captions"});
}

TEST(RssEpisodes, ImageAndAuthorFallBackToTheirPodcasts) {
  store::StoredEntry own = episode_entry();
  own.entry.image_url = "https://pod.example/ep7.jpg";
  store::StoredEntry bare = episode_entry();
  bare.entry.original_id = "pod-ep-8";
  bare.entry.identity_key = normalize::IdentityKey::from_id("pod-ep-8");
  const std::vector<store::StoredEntry> entries = {own, bare};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "//item/itunes:image/@href"),
            (Values{"https://pod.example/ep7.jpg", "https://pod.example/show.jpg"}));
  EXPECT_EQ(select(rss, "//item/itunes:author"), (Values{"Pod People", "Pod People"}));
}

TEST(RssEpisodes, DurationInSecondsWhenTheFeedsFormWasNotOneOfTheSpecs) {
  store::StoredEntry stored = episode_entry();
  stored.entry.episode.duration_text.clear();  // the feed wrote "1:02:03.5"
  const std::vector<store::StoredEntry> entries = {stored};
  EXPECT_EQ(select(render_rss(header(), entries), "//item/itunes:duration"), Values{"3723"});
}

TEST(RssChannel, APodcastCarriesTheItunesTagsAppsRequire) {
  FeedHeader feed = header();
  feed.podcast.is_podcast = true;
  feed.podcast.image = "https://tributary.example/art.jpg";
  feed.podcast.author = "Ops";
  feed.podcast.owner_name = "Ops Team";
  feed.podcast.owner_email = "ops@tributary.example";
  feed.podcast.category = "Society & Culture";
  feed.podcast.subcategory = "Documentary";
  feed.podcast.is_explicit = false;
  feed.podcast.language = "en";
  const std::vector<store::StoredEntry> entries = {episode_entry()};
  const std::string rss = render_rss(feed, entries);
  EXPECT_EQ(select(rss, "/rss/channel/itunes:image/@href"), Values{"https://tributary.example/art.jpg"});
  EXPECT_EQ(select(rss, "/rss/channel/image/url"), Values{"https://tributary.example/art.jpg"});
  EXPECT_EQ(select(rss, "/rss/channel/image/title"), Values{"Merged"});
  EXPECT_EQ(select(rss, "/rss/channel/itunes:category/@text"), Values{"Society & Culture"});
  EXPECT_EQ(select(rss, "/rss/channel/itunes:category/itunes:category/@text"), Values{"Documentary"});
  EXPECT_EQ(select(rss, "/rss/channel/itunes:explicit"), Values{"false"});
  EXPECT_EQ(select(rss, "/rss/channel/itunes:author"), Values{"Ops"});
  EXPECT_EQ(select(rss, "/rss/channel/itunes:owner/itunes:email"), Values{"ops@tributary.example"});
  EXPECT_EQ(select(rss, "/rss/channel/itunes:owner/itunes:name"), Values{"Ops Team"});
  EXPECT_EQ(select(rss, "/rss/channel/language"), Values{"en"});
}

TEST(RssChannel, WithoutSettingsTheExplicitFlagAndLanguageComeFromTheEpisodes) {
  store::StoredEntry stored = episode_entry();
  stored.entry.lang = "de";
  const std::vector<store::StoredEntry> entries = {stored, news_entry()};
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "/rss/channel/itunes:explicit"), Values{"true"});
  EXPECT_EQ(select(rss, "/rss/channel/language"), Values{"de"});
}

TEST(RssChannel, AFeedWithoutEpisodesHasNoItunesTags) {
  const std::vector<store::StoredEntry> entries = {news_entry()};
  const std::string rss = render_rss(header(), entries);
  EXPECT_TRUE(select(rss, "//itunes:*").empty()) << rss;
  EXPECT_EQ(select(rss, "/rss/channel/description"), Values{"Merged"});
}

TEST(RssChannel, SelfAndPagingLinksAreAtomLinks) {
  FeedHeader feed = header();
  feed.first_url = "http://127.0.0.1:8080/feed.rss?limit=1";
  feed.next_url = "http://127.0.0.1:8080/feed.rss?limit=1&before=1-1";
  const std::vector<store::StoredEntry> entries = {news_entry()};
  const std::string rss = render_rss(feed, entries);
  EXPECT_EQ(select(rss, "/rss/channel/atom:link/@rel"), (Values{"self", "first", "next"}));
  EXPECT_EQ(select(rss, "/rss/channel/atom:link[@rel='next']/@href"), Values{feed.next_url});
  EXPECT_EQ(select(rss, "/rss/channel/atom:link/@type"),
            (Values{"application/rss+xml", "application/rss+xml", "application/rss+xml"}));
}

// W3C WebSub §4: the RSS edition names the hub as the Atom edition does,
// an atom:link in the channel (the W3C feed validator accepts it there).
TEST(RssChannel, TheWebSubHubIsAnAtomLinkInTheChannel) {
  FeedHeader feed = header();
  feed.hub_url = "http://127.0.0.1:8080/websub/hub";
  const std::vector<store::StoredEntry> entries = {news_entry()};
  const std::string rss = render_rss(feed, entries);
  EXPECT_EQ(select(rss, "/rss/channel/atom:link/@rel"), (Values{"self", "hub"}));
  EXPECT_EQ(select(rss, "/rss/channel/atom:link[@rel='hub']/@href"), Values{feed.hub_url});
  EXPECT_TRUE(select(rss, "/rss/channel/atom:link[@rel='hub']/@type").empty()) << "a hub is no RSS document";
  EXPECT_TRUE(select(render_rss(header(), entries), "//atom:link[@rel='hub']").empty()) << "no hub, no link";
}

// An episode of the podcast at `source_url`, whose own itunes:category is
// `category`, listed at `when`.
store::StoredEntry episode_of(const std::string& source_url, core::PodcastCategory category, const char* when,
                              const std::string& id) {
  store::StoredEntry stored = episode_entry();
  stored.source_config_url = source_url;
  stored.source_feed_url = source_url;
  stored.source_podcast_category = std::move(category);
  stored.sort_time = at(when);
  stored.entry.published = stored.sort_time;
  stored.entry.original_id = id;
  stored.entry.identity_key = normalize::IdentityKey::from_id(id);
  return stored;
}

// A channel that sets no category takes the one most of its podcasts name,
// each podcast one vote however many of its episodes are in it.
TEST(RssChannelDerivation, TheCategoryIsTheOneMostPodcastsName) {
  const std::vector<store::StoredEntry> entries = {
      episode_of("https://a.example/feed", {"News", "Tech News"}, "2026-11-30T11:00:00Z", "a1"),
      episode_of("https://a.example/feed", {"News", "Tech News"}, "2026-11-30T10:00:00Z", "a2"),
      episode_of("https://a.example/feed", {"News", "Tech News"}, "2026-11-30T09:00:00Z", "a3"),
      episode_of("https://b.example/feed", {"Science", ""}, "2026-11-29T10:00:00Z", "b1"),
      episode_of("https://c.example/feed", {"Science", "Nature"}, "2026-11-28T10:00:00Z", "c1")};
  EXPECT_EQ(channel_category(header(), entries), (core::PodcastCategory{"Science", "Nature"}));
  const std::string rss = render_rss(header(), entries);
  EXPECT_EQ(select(rss, "/rss/channel/itunes:category/@text"), Values{"Science"});
  EXPECT_EQ(select(rss, "/rss/channel/itunes:category/itunes:category/@text"), Values{"Nature"});
}

// A tie goes to the podcast of the newest episode, wherever it is listed.
TEST(RssChannelDerivation, ATieGoesToThePodcastOfTheNewestEpisode) {
  std::vector<store::StoredEntry> entries = {
      episode_of("https://a.example/feed", {"News", "Daily News"}, "2026-11-30T09:00:00Z", "a1"),
      episode_of("https://b.example/feed", {"Comedy", ""}, "2026-11-30T10:00:00Z", "b1")};
  EXPECT_EQ(channel_category(header(), entries), (core::PodcastCategory{"Comedy", ""}));
  entries.push_back(episode_of("https://a.example/feed", {"News", "Daily News"}, "2026-11-30T11:00:00Z", "a2"));
  EXPECT_EQ(channel_category(header(), entries), (core::PodcastCategory{"News", "Daily News"}));
}

// News items (no episode) of a source that names a category do not vote;
// a configured category is taken as it is.
TEST(RssChannelDerivation, OnlyEpisodesVoteAndAConfiguredCategoryWins) {
  store::StoredEntry news = news_entry();
  news.source_podcast_category = {"News", ""};
  const std::vector<store::StoredEntry> entries = {
      news, episode_of("https://b.example/feed", {"History", ""}, "2026-11-29T10:00:00Z", "b1")};
  EXPECT_EQ(channel_category(header(), entries), (core::PodcastCategory{"History", ""}));
  FeedHeader configured = header();
  configured.podcast.category = "Arts";
  configured.podcast.subcategory = "Books";
  EXPECT_EQ(channel_category(configured, entries), (core::PodcastCategory{"Arts", "Books"}));
  const std::vector<store::StoredEntry> only_news = {news};
  EXPECT_TRUE(select(render_rss(header(), only_news), "//itunes:category").empty());
}

// What a podcast channel needs and nothing can tell is said for the log,
// naming the setting; an owner is never made up.
TEST(RssChannelDerivation, WhatCannotBeDerivedIsReportedNotInvented) {
  store::StoredEntry bare = episode_entry();  // no category, no language
  const std::vector<store::StoredEntry> entries = {bare};
  std::vector<std::string> left_out;
  const std::string rss = render_rss(header(), entries, &left_out);
  EXPECT_TRUE(select(rss, "//itunes:owner").empty());
  EXPECT_TRUE(select(rss, "/rss/channel/itunes:category").empty());
  EXPECT_TRUE(select(rss, "/rss/channel/language").empty());
  ASSERT_EQ(left_out.size(), 3u) << ::testing::PrintToString(left_out);
  EXPECT_NE(left_out[0].find("http://127.0.0.1:8080/feed.rss"), std::string::npos) << left_out[0];
  EXPECT_NE(left_out[0].find("set owner_email in [feed]"), std::string::npos) << left_out[0];
  EXPECT_NE(left_out[1].find("set category in [feed]"), std::string::npos) << left_out[1];
  EXPECT_NE(left_out[2].find("set language in [feed]"), std::string::npos) << left_out[2];

  store::StoredEntry known = episode_of("https://b.example/feed", {"History", ""}, "2026-11-29T10:00:00Z", "b1");
  known.entry.lang = "en";
  FeedHeader owned = header();
  owned.podcast.owner_email = "ops@tributary.example";
  const std::vector<store::StoredEntry> complete = {known};
  left_out.clear();
  const std::string derived = render_rss(owned, complete, &left_out);
  EXPECT_TRUE(left_out.empty()) << ::testing::PrintToString(left_out);
  EXPECT_EQ(select(derived, "/rss/channel/itunes:owner/itunes:email"), Values{"ops@tributary.example"});
  EXPECT_EQ(select(derived, "/rss/channel/language"), Values{"en"});

  const std::vector<store::StoredEntry> news = {news_entry()};
  left_out.clear();
  render_rss(header(), news, &left_out);
  EXPECT_TRUE(left_out.empty()) << "no episodes, no podcast tags to miss";
}

TEST(Episodes, AreEntriesWithAudioOrVideoOrPodcastTags) {
  store::StoredEntry stored = news_entry();
  EXPECT_FALSE(is_episode(stored.entry));
  stored.entry.enclosures = {{"https://x.example/a.pdf", "application/pdf", 1}};
  EXPECT_FALSE(is_episode(stored.entry));
  stored.entry.enclosures = {{"https://x.example/a.mp3", "", std::nullopt}};
  EXPECT_TRUE(is_episode(stored.entry));
  EXPECT_TRUE(is_episode(episode_entry().entry));
}

TEST(JsonFeedAttachments, TheAudioFileCarriesTheDuration) {
  store::StoredEntry stored = episode_entry();
  stored.entry.enclosures.insert(stored.entry.enclosures.begin(),
                                 normalize::Enclosure{"https://pod.example/notes.pdf", "", 5});
  const std::vector<store::StoredEntry> entries = {stored};
  const boost::json::value feed = boost::json::parse(render_json_feed(header(), entries));
  const boost::json::array& attachments = feed.at("items").at(0).at("attachments").as_array();
  ASSERT_EQ(attachments.size(), 2u);
  EXPECT_EQ(attachments[0].at("mime_type").as_string(), "application/pdf");
  EXPECT_FALSE(attachments[0].as_object().contains("duration_in_seconds"));
  EXPECT_EQ(attachments[1].at("duration_in_seconds").as_int64(), 3723);
}

}  // namespace
}  // namespace tributary::render
