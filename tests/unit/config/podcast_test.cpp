// The podcast keys of [feed] and [[channel]] (issue 25): read, checked with
// FILE:LINE:COL errors, inherited by channels key by key, and a warning for
// a podcast that lacks what podcast apps require.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> messages(const std::vector<ConfigError>& errors) {
  std::vector<std::string> texts;
  for (const ConfigError& error : errors) texts.push_back(to_string(error));
  return texts;
}

constexpr const char* kCompleteFeed =
    "[feed]\nimage = \"https://x.example/art.jpg\"\nauthor = \"X Radio\"\nowner_name = \"Sam\"\n"
    "owner_email = \"sam@x.example\"\ncategory = \"News\"\nexplicit = false\nlanguage = \"en\"\n";

TEST(PodcastSettings, ReadFromFeedAndInheritedByChannels) {
  const ConfigLoad loaded =
      parse_config(std::string(kCompleteFeed) +
                       "[[channel]]\nname = \"pods\"\npodcast = true\nimage = \"https://x.example/pods.png\"\n"
                       "category = \"Society & Culture\"\nsubcategory = \"Documentary\"\nexplicit = true\n",
                   "test.toml");
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  EXPECT_THAT(messages(loaded.warnings), IsEmpty());
  const PodcastSettings& feed = loaded.config->feed.podcast;
  EXPECT_EQ(feed.image, "https://x.example/art.jpg");
  EXPECT_EQ(feed.owner_email, "sam@x.example");
  EXPECT_EQ(feed.is_explicit, false);
  EXPECT_EQ(feed.is_podcast, std::nullopt);
  const PodcastSettings channel = inherit(loaded.config->channels.at(0).podcast, feed);
  EXPECT_EQ(channel.is_podcast, true);
  EXPECT_EQ(channel.image, "https://x.example/pods.png");
  EXPECT_EQ(channel.author, "X Radio");
  EXPECT_EQ(channel.owner_name, "Sam");
  EXPECT_EQ(channel.category, "Society & Culture");
  EXPECT_EQ(channel.subcategory, "Documentary");
  EXPECT_EQ(channel.is_explicit, true);
  EXPECT_EQ(channel.language, "en");
}

TEST(PodcastSettings, ACategoryIsInheritedWithItsSubcategory) {
  PodcastSettings feed;
  feed.category = "Arts";
  feed.subcategory = "Books";
  PodcastSettings channel;
  channel.category = "News";
  EXPECT_EQ(inherit(channel, feed).subcategory, "") << "Books is no subcategory of News";
  EXPECT_EQ(inherit(PodcastSettings{}, feed).subcategory, "Books");
}

TEST(PodcastSettings, BadValuesAreErrorsWhereTheyAreWritten) {
  const ConfigLoad loaded = parse_config(
      "[feed]\nimage = \"art.jpg\"\nowner_email = \"sam at x\"\nlanguage = \"english!\"\npodcast = \"yes\"\n"
      "[[channel]]\nname = \"pods\"\nsubcategory = \"Books\"\n",
      "test.toml");
  EXPECT_FALSE(loaded.config);
  EXPECT_THAT(
      messages(loaded.errors),
      UnorderedElementsAre(::testing::StartsWith("test.toml:2:9: feed.image: \"art.jpg\" is not an http(s) URL"),
                           "test.toml:3:15: feed.owner_email: \"sam at x\" is not an e-mail address (e.g. "
                           "\"podcasts@example.org\")",
                           "test.toml:4:12: feed.language: \"english!\" is not a language tag (e.g. \"en\", \"de-CH\")",
                           ::testing::StartsWith("test.toml:5:11: wrong type for feed.podcast"),
                           "test.toml:8:15: channel.subcategory needs a category it belongs to (category = \"…\")"));
}

TEST(PodcastSettings, APodcastMissingWhatAppsRequireIsAWarning) {
  const ConfigLoad loaded =
      parse_config("[feed]\ncategory = \"News\"\n\n[[channel]]\nname = \"pods\"\npodcast = true\n", "test.toml");
  ASSERT_TRUE(loaded.config);
  EXPECT_THAT(messages(loaded.warnings),
              ElementsAre("test.toml:4:1: [[channel]] \"pods\" is a podcast (podcast = true) but sets no image, "
                          "explicit, author, owner_email: podcast apps and directories refuse a feed without them; "
                          "set them here or in [feed]",
                          "test.toml:1:1: [feed] sets no image, explicit, author, owner_email, and /feed.rss carries "
                          "the episodes of the podcast channel \"pods\": podcast apps and directories refuse a feed "
                          "without them; set them in [feed]"));
}

TEST(PodcastSettings, ACompletePodcastHasNoWarning) {
  const ConfigLoad loaded = parse_config(
      std::string(kCompleteFeed) + "podcast = true\n[[channel]]\nname = \"pods\"\npodcast = true\n", "test.toml");
  ASSERT_TRUE(loaded.config);
  EXPECT_THAT(messages(loaded.warnings), IsEmpty());
}

// The operator owns all their feeds: the owner a podcast channel names is
// the owner of /feed.rss and of every other channel that names none.
TEST(PodcastSettings, APodcastChannelsOwnerIsTheOperatorsForEveryFeed) {
  const ConfigLoad loaded = parse_config(
      "[[channel]]\nname = \"news\"\n\n[[channel]]\nname = \"pods\"\npodcast = true\nowner_name = \"Ops\"\n"
      "owner_email = \"ops@x.example\"\n",
      "test.toml");
  ASSERT_TRUE(loaded.config);
  const std::optional<PodcastOwner> owner = configured_podcast_owner(*loaded.config);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->name, "Ops");
  EXPECT_EQ(owner->email, "ops@x.example");
  const PodcastSettings news = with_podcast_owner(inherit(loaded.config->channels.at(0).podcast, {}), owner);
  EXPECT_EQ(news.owner_email, "ops@x.example");
  // The warnings no longer ask for an owner_email anywhere.
  EXPECT_THAT(messages(loaded.warnings),
              ElementsAre("test.toml:4:1: [[channel]] \"pods\" is a podcast (podcast = true) but sets no image, "
                          "category, explicit, author: podcast apps and directories refuse a feed without them; "
                          "set them here or in [feed]",
                          "test.toml:4:1: [feed] sets no image, category, explicit, author, and /feed.rss carries "
                          "the episodes of the podcast channel \"pods\": podcast apps and directories refuse a feed "
                          "without them; set them in [feed]"));
  // [feed]'s own comes first; without any, there is none (none is made up).
  const ConfigLoad own = parse_config(
      std::string(kCompleteFeed) + "[[channel]]\nname = \"pods\"\npodcast = true\nowner_email = \"p@x.example\"\n",
      "test.toml");
  ASSERT_TRUE(own.config);
  EXPECT_EQ(configured_podcast_owner(*own.config)->email, "sam@x.example");
  const ConfigLoad none = parse_config("[[channel]]\nname = \"pods\"\npodcast = true\n", "test.toml");
  ASSERT_TRUE(none.config);
  EXPECT_FALSE(configured_podcast_owner(*none.config));
}

// Directories and the W3C validator take Apple's categories only: another
// is a warning where it is written; Apple's in another case is respelled.
TEST(PodcastSettings, ACategoryOutsideApplesListIsAWarning) {
  const ConfigLoad loaded = parse_config(
      "[feed]\ncategory = \"Tech\"\n[[channel]]\nname = \"a\"\ncategory = \"technology\"\nsubcategory = \"Gadgets\"\n"
      "[[channel]]\nname = \"b\"\ncategory = \"society & culture\"\nsubcategory = \"documentary\"\n",
      "test.toml");
  ASSERT_TRUE(loaded.config);
  EXPECT_THAT(messages(loaded.warnings),
              ElementsAre("test.toml:2:12: feed.category: \"Tech\" is not one of Apple's podcast categories: podcast "
                          "directories and the W3C Feed Validator take only Apple's categories (README, \"Podcasts\")",
                          "test.toml:6:15: channel.subcategory: \"Gadgets\" is not one of Apple's subcategories of "
                          "\"Technology\": podcast directories and the W3C Feed Validator take only Apple's categories "
                          "(README, \"Podcasts\")"));
  EXPECT_EQ(loaded.config->channels.at(0).podcast.category, "Technology");
  EXPECT_EQ(loaded.config->channels.at(1).podcast.category, "Society & Culture");
  EXPECT_EQ(loaded.config->channels.at(1).podcast.subcategory, "Documentary");
}

}  // namespace
}  // namespace tributary::config
