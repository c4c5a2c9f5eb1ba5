// Podcast episodes (issue 25): the iTunes tags as values — every form of
// itunes:duration, explicit flags, episode numbers, episode types — the
// media type of an enclosure the feed did not type, and the tags read end
// to end from podcast feeds (the fixtures and the shared corpus's).
#include <gtest/gtest.h>

#include "normalize/media_types.hpp"
#include "normalize/normalize.hpp"
#include "support/temp_dir.hpp"

namespace tributary::normalize {
namespace {

using std::chrono::seconds;
using testing::fixtures_dir;
using testing::read_text_file;
using testing::shared_dir;

const core::Timestamp kNow = *core::parse_rfc3339("2026-12-03T12:00:00Z");

NormalizedFeed normalize_file(const std::filesystem::path& path, const std::string& url) {
  parse::ParseOutcome outcome = parse::parse_feed(read_text_file(path), {url, {}, {}});
  if (!outcome.feed) throw std::runtime_error(outcome.error);
  return normalize_feed(*outcome.feed, {url, kNow});
}

TEST(Durations, SecondsMinutesAndHours) {
  EXPECT_EQ(parse_duration_text("3723"), seconds{3723});
  EXPECT_EQ(parse_duration_text("62:03"), seconds{3723});
  EXPECT_EQ(parse_duration_text("1:02:03"), seconds{3723});
  EXPECT_EQ(parse_duration_text("01:02:03"), seconds{3723});
  EXPECT_EQ(parse_duration_text("0:7:2"), seconds{422});  // single digits, as hand-written feeds have them
  EXPECT_EQ(parse_duration_text("125:00:00"), seconds{450000});
}

TEST(Durations, AFractionIsDroppedAndSpaceIgnored) {
  EXPECT_EQ(parse_duration_text("3723.5"), seconds{3723});
  EXPECT_EQ(parse_duration_text("01:02:03.500"), seconds{3723});
  EXPECT_EQ(parse_duration_text(" \t62:03\n"), seconds{3723});
}

TEST(Durations, GarbageIsNoDuration) {
  for (const char* garbage :
       {"",     " ",        "an hour",    "45 min",   "1:75",   "1:02:75", "-30", "+30", "1:2:3:4",
        "1::2", ":30",      "30:",        "1:02:03.", "1.5:00", "0x20",    "3e3", "1,5", "99999999999999999999",
        "0",    "00:00:00", "1:02:03.5.1"})
    EXPECT_EQ(parse_duration_text(garbage), std::nullopt) << '"' << garbage << '"';
}

TEST(Durations, CanonicalFormsAreTheOnesValidatorsAccept) {
  for (const char* form : {"3723", "62:03", "1:02:03", "01:02:03", " 45:30 "})
    EXPECT_TRUE(is_canonical_duration(form)) << form;
  for (const char* form : {"1:2", "1:02:3", "1:02:03.5", "3723.5", "1:75", "0", "x"})
    EXPECT_FALSE(is_canonical_duration(form)) << form;
}

TEST(ItunesTags, ExplicitFlagsInEverySpelling) {
  for (const char* yes : {"true", "yes", "Explicit", " TRUE "}) EXPECT_EQ(parse_explicit_flag(yes), true) << yes;
  for (const char* no : {"false", "no", "clean", "Clean"}) EXPECT_EQ(parse_explicit_flag(no), false) << no;
  for (const char* unknown : {"", "maybe", "1"}) EXPECT_EQ(parse_explicit_flag(unknown), std::nullopt) << unknown;
}

TEST(ItunesTags, EpisodeNumbersAndTypes) {
  EXPECT_EQ(parse_episode_number(" 12 "), 12);
  EXPECT_EQ(parse_episode_number("0"), std::nullopt);
  EXPECT_EQ(parse_episode_number("-1"), std::nullopt);
  EXPECT_EQ(parse_episode_number("3b"), std::nullopt);
  EXPECT_EQ(parse_episode_number("12345678901"), std::nullopt);
  EXPECT_EQ(parse_episode_type("Trailer"), "trailer");
  EXPECT_EQ(parse_episode_type(" bonus "), "bonus");
  EXPECT_EQ(parse_episode_type("special"), "");
}

TEST(MediaTypes, InferredFromTheFileNamesExtension) {
  EXPECT_EQ(media_type_of_file("https://cdn.example/ep/42.mp3"), "audio/mpeg");
  EXPECT_EQ(media_type_of_file("https://cdn.example/ep/42.MP3?token=a.b#t=10"), "audio/mpeg");
  EXPECT_EQ(media_type_of_file("https://cdn.example/42.m4a"), "audio/x-m4a");
  EXPECT_EQ(media_type_of_file("https://cdn.example/42.mp4"), "video/mp4");
  EXPECT_EQ(media_type_of_file("https://cdn.example/42.ogg"), "audio/ogg");
  EXPECT_EQ(media_type_of_file("https://cdn.example/book.epub"), "application/epub+zip");
  EXPECT_EQ(media_type_of_file("https://cdn.example/download?file=42.mp3"), "") << "the query names no file";
  EXPECT_EQ(media_type_of_file("https://cdn.example/42"), "");
  EXPECT_EQ(media_type_of_file("https://cdn.example/42."), "");
  EXPECT_EQ(media_type_of_file("https://cdn.example.mp3/"), "");
  EXPECT_EQ(media_type_of_file("https://cdn.example/42.xyz"), "");
  EXPECT_EQ(transcript_type_of_file("https://x.example/42.vtt"), "text/vtt");
  EXPECT_EQ(transcript_type_of_file("https://x.example/42.srt"), "application/srt");
}

// Apple's list only, in Apple's spelling: anything else makes the feed
// invalid to directories and to the W3C validator.
TEST(PodcastCategories, OnlyApplesAreKept) {
  using Written = std::vector<parse::ItunesCategory>;
  EXPECT_EQ(podcast_category_of(Written{{" tv & film ", {"film reviews"}}}),
            (core::PodcastCategory{"TV & Film", "Film Reviews"}));
  EXPECT_EQ(podcast_category_of(Written{{"Technology", {"Tech News"}}}), (core::PodcastCategory{"Technology", ""}))
      << "Tech News is a subcategory of News, not of Technology";
  EXPECT_EQ(podcast_category_of(Written{{"Religion & Spirituality", {"Religion", "Islam"}}}),
            (core::PodcastCategory{"Religion & Spirituality", "Islam"}))
      << "\"Religion\": Apple lists it, the W3C validator does not";
  EXPECT_EQ(podcast_category_of(Written{{"", {"News"}}, {"Tech", {}}, {"Games & Hobbies", {}}}),
            core::PodcastCategory{});
  EXPECT_EQ(podcast_category_of(Written{}), core::PodcastCategory{});
}

TEST(PodcastFeeds, EveryItunesTagOfEpisodesAndChannel) {
  const NormalizedFeed feed =
      normalize_file(fixtures_dir() / "podcast/night_shift.xml", "https://nightshift.example/feed.xml");
  EXPECT_EQ(feed.feed.podcast_image_url, "https://nightshift.example/art/show-3000.jpg");
  EXPECT_EQ(feed.feed.podcast_author, "Night Shift Radio & Friends");
  EXPECT_EQ(feed.feed.podcast_category, (core::PodcastCategory{"Society & Culture", "Documentary"}));
  ASSERT_EQ(feed.entries.size(), 3u);
  const Entry& third = feed.entries[0];
  EXPECT_EQ(third.duration, seconds{3723});
  EXPECT_EQ(third.episode.duration_text, "1:02:03");
  EXPECT_EQ(third.image_url, "https://nightshift.example/art/ep3.jpg");
  EXPECT_EQ(third.episode.is_explicit, false);
  EXPECT_EQ(third.episode.number, 3);
  EXPECT_EQ(third.episode.season, 1);
  EXPECT_EQ(third.episode.type, "full");
  ASSERT_EQ(third.episode.transcripts.size(), 1u);
  EXPECT_EQ(third.episode.transcripts[0], (Transcript{"https://nightshift.example/ep3.vtt", "text/vtt", "en", ""}));
  const Entry& second = feed.entries[1];
  EXPECT_EQ(second.duration, seconds{2730});
  EXPECT_EQ(second.episode.is_explicit, true);
  EXPECT_EQ(second.image_url, "") << "no image of its own: the renderer shows the podcast's";
  ASSERT_EQ(second.enclosures.size(), 1u);
  EXPECT_EQ(second.enclosures[0].type, "audio/x-m4a") << "the feed gave no type; the file name tells it";
  const Entry& trailer = feed.entries[2];
  EXPECT_EQ(trailer.episode.type, "trailer");
  EXPECT_EQ(trailer.episode.is_explicit, false) << "the channel's itunes:explicit is its episodes' default";
}

TEST(PodcastFeeds, TheItunesNamespaceWithCapitalsAndDurationsWithFractions) {
  const NormalizedFeed feed =
      normalize_file(fixtures_dir() / "podcast/field_notes.xml", "https://fieldnotes.example/feed.xml");
  EXPECT_EQ(feed.feed.podcast_image_url, "https://fieldnotes.example/cover.png");
  EXPECT_EQ(feed.feed.podcast_author, "Ada Birch");
  EXPECT_EQ(feed.feed.podcast_category, (core::PodcastCategory{"Science", "Nature"}))
      << "the first of Apple's categories, and of its subcategories, in Apple's spelling";
  ASSERT_EQ(feed.entries.size(), 2u);
  EXPECT_EQ(feed.entries[0].duration, seconds{1805});
  EXPECT_EQ(feed.entries[0].episode.duration_text, "") << "\"1805.7\" is written back as whole seconds";
  EXPECT_EQ(feed.entries[0].episode.is_explicit, false) << "\"clean\"";
  EXPECT_EQ(feed.entries[0].episode.number, 12);
  EXPECT_EQ(feed.entries[1].duration, seconds{432});
  EXPECT_EQ(feed.entries[1].image_url, "https://fieldnotes.example/frost.png");
}

// The shared corpus's podcast documents (gofeed's and miniflux's tests).
TEST(PodcastFeeds, CorpusDocuments) {
  if (shared_dir().empty()) GTEST_SKIP() << "the shared directory (../shared/corpus) is absent";
  const std::filesystem::path corpus = shared_dir() / "corpus";
  const NormalizedFeed capitals = normalize_file(
      corpus / "gofeed/testdata/translator/rss/feed_fallbacks_-_rss_channel_itunes.xml", "https://example.org/feed");
  EXPECT_EQ(capitals.feed.podcast_image_url, "http://example.org/itunes.png");
  EXPECT_EQ(capitals.feed.podcast_author, "Itunes Author");
  EXPECT_TRUE(capitals.feed.podcast_category.empty()) << "\"Tech\" is none of Apple's categories";
  // Two categories, each with a subcategory: the first is the podcast's.
  const NormalizedFeed categories =
      normalize_file(corpus / "miniflux/internal/reader/rss/parser_test/TestParseFeedWithItunesCategories_01.xml",
                     "https://example.org/");
  EXPECT_EQ(categories.feed.podcast_category, (core::PodcastCategory{"Society & Culture", "Documentary"}));
  const NormalizedFeed duration = normalize_file(
      corpus / "miniflux/internal/reader/rss/parser_test/TestParseItunesDuration_01.xml", "https://example.org/");
  ASSERT_EQ(duration.entries.size(), 1u);
  EXPECT_EQ(duration.entries[0].duration, seconds{5025});
  EXPECT_EQ(duration.entries[0].episode.duration_text, "1:23:45");
  const NormalizedFeed invalid =
      normalize_file(corpus / "miniflux/internal/reader/rss/parser_test/TestParseIncorrectItunesDuration_01.xml",
                     "https://example.org/");
  ASSERT_EQ(invalid.entries.size(), 1u);
  EXPECT_EQ(invalid.entries[0].duration, std::nullopt);
  EXPECT_TRUE(invalid.entries[0].episode.empty());
  // JSON Feed 1.1: the attachment's duration_in_seconds is the episode's.
  const NormalizedFeed json = normalize_file(
      corpus / "miniflux/internal/reader/json/parser_test/TestParsePodcast_01.json", "http://therecord.co/feed.json");
  ASSERT_EQ(json.entries.size(), 1u);
  EXPECT_EQ(json.entries[0].duration, seconds{6629});
}

}  // namespace
}  // namespace tributary::normalize
