// A feed request's query read into a view: sources by URL or name,
// tags, text, limit and the paging cursor, folded with a channel's own
// filters; the canonical filter string that links and caches use; and
// the errors a client is told.
#include "serve/feed_view.hpp"

#include <gtest/gtest.h>

#include "serve/site.hpp"

namespace tributary::serve {
namespace {

SiteSettings settings_with_sources() {
  SiteSettings settings;
  settings.entries = 50;
  settings.source_names = {{"Wire", "https://wire.example/feed"},
                           {"Daily", "https://user:secret@daily.example/rss"},
                           {"Twin", "https://a.example/feed"},
                           {"Twin", "https://b.example/feed"}};
  settings.channels = {{"balkans", "Balkans", {"balkans"}, {}, ""},
                       {"wire", "Wire only", {}, {"https://wire.example/feed"}, "election"}};
  return settings;
}

struct Read {
  FeedView view;
  std::string problem;
};

Read read(std::string_view target, const Channel* channel = nullptr) {
  static const SiteSettings settings = settings_with_sources();
  Read result;
  result.view.channel = channel;
  const std::optional<Target> parsed = parse_target(target);
  EXPECT_TRUE(parsed) << target;
  if (parsed) result.problem = read_feed_parameters(parsed->query, settings, result.view);
  return result;
}

TEST(FeedView, NoParametersIsThePlainDocument) {
  const Read plain = read("/feed.atom");
  EXPECT_EQ(plain.problem, "");
  EXPECT_TRUE(plain.view.is_plain);
  EXPECT_EQ(plain.view.query.limit, 50u);
  EXPECT_EQ(plain.view.filter_query, "");
  EXPECT_EQ(view_path(plain.view), "feed.atom");
}

TEST(FeedView, SourcesByUrlOrByNameAndNeverWithCredentialsInLinks) {
  const Read by_name = read("/feed.atom?source=Daily");
  EXPECT_EQ(by_name.problem, "");
  EXPECT_FALSE(by_name.view.is_plain);
  EXPECT_EQ(by_name.view.query.source_urls, std::vector<std::string>{"https://user:secret@daily.example/rss"});
  EXPECT_EQ(by_name.view.filter_query.find("secret"), std::string::npos) << by_name.view.filter_query;
  EXPECT_NE(by_name.view.filter_query.find("source=https"), std::string::npos) << by_name.view.filter_query;
  const Read redacted = read("/feed.atom?source=https%3A%2F%2Fdaily.example%2Frss");
  EXPECT_EQ(redacted.problem, "");
  EXPECT_EQ(redacted.view.query.source_urls, by_name.view.query.source_urls) << "the URL as the feeds show it";
}

TEST(FeedView, UnknownOrAmbiguousSourcesAreRefused) {
  EXPECT_EQ(read("/feed.atom?source=Nobody").problem, "unknown source \"Nobody\" (give its name or its URL)");
  EXPECT_EQ(read("/feed.atom?source=Twin").problem, "2 sources are named \"Twin\" (give the URL of the one you mean)");
  EXPECT_EQ(read("/feed.atom?source=https%3A%2F%2Fb.example%2Ffeed").problem, "");
}

// What a reader sent comes back in the answer as one clean line: no
// control characters, no bytes that are not UTF-8.
TEST(FeedView, RefusalsQuoteTheReadersWordsAsCleanText) {
  EXPECT_EQ(read("/feed.atom?source=%FF%01No%0Abody").problem, "unknown source \"No body\" (give its name or its URL)");
  EXPECT_EQ(read("/feed.atom?before=%FE%1Bx").problem, "before must be a cursor from a next link, not \"x\"");
}

TEST(FeedView, LimitIsBoundedAndBadLimitsRefused) {
  EXPECT_EQ(read("/feed.atom?limit=10").view.query.limit, 10u);
  EXPECT_EQ(read("/feed.atom?limit=10").view.limit_query, "limit=10");
  EXPECT_EQ(read("/feed.atom?limit=999999").view.query.limit, kMaxLimit);
  for (const char* bad : {"/feed.atom?limit=0", "/feed.atom?limit=-1", "/feed.atom?limit=ten", "/feed.atom?limit="})
    EXPECT_EQ(read(bad).problem, "limit must be a whole number from 1 to 500") << bad;
}

TEST(FeedView, BeforeTakesOnlyACursor) {
  const Read bad = read("/feed.atom?before=yesterday");
  EXPECT_EQ(bad.problem, "before must be a cursor from a next link, not \"yesterday\"");
  const std::string cursor = store::to_string({core::from_unix_seconds(1'765'000'000), 42});
  const Read paged = read("/feed.atom?before=" + cursor);
  EXPECT_EQ(paged.problem, "");
  ASSERT_TRUE(paged.view.query.before);
  EXPECT_EQ(paged.view.query.before->story_id, 42);
  EXPECT_EQ(paged.view.filter_query, "") << "paging is not a filter";
}

TEST(FeedView, TagsAndTextMakeTheCanonicalFilter) {
  const Read view = read("/feed.json?q=budget&tag=news&q=vote&token=ignored");
  EXPECT_EQ(view.problem, "");
  EXPECT_EQ(view.view.query.tags, std::vector<std::string>{"news"});
  EXPECT_EQ(view.view.query.text, "budget vote");
  EXPECT_EQ(view.view.filter_query, "tag=news&q=budget%20vote");
}

TEST(FeedView, AChannelsFiltersNarrowTheRequest) {
  const SiteSettings settings = settings_with_sources();
  const Read balkans = read("/c/balkans.atom?tag=sports", &settings.channels[0]);
  EXPECT_TRUE(balkans.view.is_empty) << "a tag outside the channel's cannot match";
  const Read inside = read("/c/balkans.atom?tag=balkans", &settings.channels[0]);
  EXPECT_FALSE(inside.view.is_empty);
  EXPECT_EQ(inside.view.query.tags, std::vector<std::string>{"balkans"});
  const Read wire = read("/c/wire.json?q=vote", &settings.channels[1]);
  EXPECT_EQ(wire.view.query.source_urls, std::vector<std::string>{"https://wire.example/feed"});
  EXPECT_EQ(wire.view.query.text, "election vote");
  FeedView json = wire.view;
  json.format = FeedFormat::json;
  EXPECT_EQ(view_path(json), "c/wire.json");
  FeedView rss = wire.view;
  rss.format = FeedFormat::rss;
  EXPECT_EQ(view_path(rss), "c/wire.rss");
  rss.channel = nullptr;
  EXPECT_EQ(view_path(rss), "feed.rss");
}

TEST(FeedView, QueryHelpers) {
  EXPECT_EQ(join_query({"a=1", "", "b=2"}), "a=1&b=2");
  EXPECT_EQ(raw_query("/feed.atom?limit=5&x"), "limit=5&x");
  EXPECT_EQ(raw_query("/feed.atom"), "");
  EXPECT_EQ(with_query("https://x.example/feed.atom", ""), "https://x.example/feed.atom");
  EXPECT_EQ(with_query("https://x.example/feed.atom", "limit=5"), "https://x.example/feed.atom?limit=5");
}

}  // namespace
}  // namespace tributary::serve
