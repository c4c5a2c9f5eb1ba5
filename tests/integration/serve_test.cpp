// The server as feed readers, browsers and abusers meet it: the real
// tributary binary polls three generated feeds from a fake upstream, then
// every route, conditional GET, gzip, HEAD, filters, paging, channels and
// the token are exercised over HTTP. The documents are checked by tools
// nobody here wrote — jing with the RFC 4287 schema, Python's feedparser,
// newsboat, headless Chromium — and the JSON Feed by the rules of its spec.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include "support/atom_reader.hpp"
#include "support/compression.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/raw_connection.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr int kItemsPerFeed = 12;
// 36 items; one of Gamma's carries the URL of one of Alpha's: 35 stories.
constexpr std::size_t kStories = 35;

std::string rfc822(std::time_t when) {
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text;
}

// Distinct text per item, so that no two items look like one story: words
// from a made-up vocabulary picked by a small deterministic generator.
std::string item_text(std::uint32_t seed, bool mentions_bridge) {
  static const char* kSyllables[] = {"ka", "lo", "mi", "ne", "su", "ta", "vo", "ri", "de", "pa", "zu", "be", "go"};
  std::string text = mentions_bridge ? "The new bridge opened. " : "";
  std::uint32_t state = seed * 2654435761u + 12345u;
  for (int word = 0; word < 45; ++word) {
    for (int syllable = 0; syllable < 3; ++syllable) {
      state = state * 1103515245u + 12345u;
      text += kSyllables[(state >> 16) % 13];
    }
    text += word % 9 == 8 ? ". " : " ";
  }
  return text;
}

struct FeedPlan {
  std::string title;
  std::string host;  // for item links
  int hours_offset = 0;
  bool has_url_guids = false;  // guid isPermaLink: the entry keeps it as its id
};

std::string make_rss(const FeedPlan& plan, std::time_t now, const std::string& shared_link = {}) {
  std::string rss = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>" + plan.title +
                    "</title><link>https://" + plan.host + "/</link><description>Test feed</description>\n";
  for (int i = 0; i < kItemsPerFeed; ++i) {
    std::string link = "https://" + plan.host + "/story-" + std::to_string(i);
    if (i == 0 && !shared_link.empty()) link = shared_link;
    const std::time_t published = now - (i * 3 + plan.hours_offset) * 3600;
    const std::uint32_t seed = static_cast<std::uint32_t>(std::hash<std::string>{}(plan.host) + i);
    rss += "<item><title>" + plan.title + " story " + std::to_string(i) + "</title><link>" + link + "</link>";
    if (plan.has_url_guids)
      rss += "<guid isPermaLink=\"true\">" + link + "</guid>";
    else
      rss += "<guid isPermaLink=\"false\">" + plan.host + "-" + std::to_string(i) + "</guid>";
    rss += "<pubDate>" + rfc822(published) + "</pubDate><description>" + item_text(seed, i % 5 == 0) +
           "</description></item>\n";
  }
  return rss + "</channel></rss>\n";
}

// Where a link in a served document points on this daemon: its path and query.
std::string target_of(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(path);
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// The JSON Feed 1.1 rules (https://jsonfeed.org/version/1.1) as checks;
// the problems found, empty when the document follows them.
std::vector<std::string> json_feed_problems(const std::string& text) {
  std::vector<std::string> problems;
  json::error_code ec;
  const json::value document = json::parse(text, ec);
  if (ec || !document.is_object()) return {"not a JSON object: " + ec.message()};
  const json::object& feed = document.as_object();
  const auto is_string = [](const json::object& object, const char* key) {
    return object.contains(key) && object.at(key).is_string() && !object.at(key).as_string().empty();
  };
  const auto is_url = [](const json::object& object, const char* key) {
    if (!object.contains(key)) return true;  // optional
    if (!object.at(key).is_string()) return false;
    const std::string_view url = object.at(key).as_string();
    return url.starts_with("http://") || url.starts_with("https://");
  };
  const auto is_date = [](const json::object& object, const char* key) {
    if (!object.contains(key)) return true;
    if (!object.at(key).is_string()) return false;
    const std::string_view date = object.at(key).as_string();  // RFC 3339: 2025-12-17T10:00:00Z
    return date.size() >= 20 && date[4] == '-' && date[7] == '-' && date[10] == 'T' && date[13] == ':' &&
           (date.back() == 'Z' || date[date.size() - 3] == ':');
  };
  if (!feed.contains("version") || feed.at("version") != "https://jsonfeed.org/version/1.1")
    problems.push_back("version is not https://jsonfeed.org/version/1.1");
  if (!is_string(feed, "title")) problems.push_back("title missing");
  for (const char* key : {"home_page_url", "feed_url", "next_url"})
    if (!is_url(feed, key)) problems.push_back(std::string(key) + " is not an http(s) URL");
  if (feed.contains("authors")) {
    if (!feed.at("authors").is_array()) problems.push_back("authors is not an array");
  }
  if (!feed.contains("items") || !feed.at("items").is_array()) return problems.push_back("items missing"), problems;
  std::set<std::string> ids;
  for (const json::value& value : feed.at("items").as_array()) {
    if (!value.is_object()) {
      problems.push_back("an item is not an object");
      continue;
    }
    const json::object& item = value.as_object();
    if (!is_string(item, "id"))
      problems.push_back("an item has no id string");
    else if (!ids.insert(std::string(item.at("id").as_string())).second)
      problems.push_back("duplicate id " + std::string(item.at("id").as_string()));
    if (!is_string(item, "content_html") && !is_string(item, "content_text"))
      problems.push_back("item without content_html or content_text");
    for (const char* key : {"url", "external_url", "image", "banner_image"})
      if (!is_url(item, key)) problems.push_back(std::string("item ") + key + " is not an http(s) URL");
    for (const char* key : {"date_published", "date_modified"})
      if (!is_date(item, key)) problems.push_back(std::string("item ") + key + " is not RFC 3339");
    if (item.contains("tags") && !item.at("tags").is_array()) problems.push_back("item tags is not an array");
    if (item.contains("authors")) {
      if (!item.at("authors").is_array())
        problems.push_back("item authors is not an array");
      else
        for (const json::value& author : item.at("authors").as_array())
          if (!author.is_object() || author.as_object().empty()) problems.push_back("an author is not an object");
    }
    if (item.contains("attachments")) {
      for (const json::value& attachment : item.at("attachments").as_array())
        if (!attachment.is_object() || !is_string(attachment.as_object(), "url") ||
            !is_string(attachment.as_object(), "mime_type"))
          problems.push_back("an attachment lacks url or mime_type");
    }
    for (const auto& member : item)
      if (!member.key().starts_with("_") &&
          std::set<std::string_view>{"id", "url", "external_url", "title", "content_html", "content_text", "summary",
                                     "image", "banner_image", "date_published", "date_modified", "authors", "tags",
                                     "language", "attachments"}
                  .count(member.key()) == 0)
        problems.push_back("unknown item key " + std::string(member.key()) + " (extensions start with _)");
  }
  return problems;
}

class Serve : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::time_t now = std::time(nullptr);
    upstream_ = std::make_unique<FakeUpstream>();
    const FeedPlan alpha{"Alpha News", "alpha.example", 0, true};
    const FeedPlan beta{"Beta Sport", "beta.example", 1, false};
    const FeedPlan gamma{"Gamma Daily", "gamma.example", 2, false};
    shared_link_ = "https://alpha.example/story-3";
    upstream_->serve("/alpha.xml", {200, {{"Content-Type", "application/rss+xml"}}, make_rss(alpha, now), {}, {}});
    upstream_->serve("/beta.xml", {200, {{"Content-Type", "application/rss+xml"}}, make_rss(beta, now), {}, {}});
    upstream_->serve("/gamma.xml", {200,
                                    {{"Content-Type", "application/rss+xml"}},
                                    make_rss(gamma, now, shared_link_ + "?utm_source=gamma"),
                                    {},
                                    {}});
    dir_ = std::make_unique<TempDir>();
    DaemonConfig config(dir_->path() / "db/tributary.db");
    config.server("header_timeout = \"2s\"\nidle_timeout = \"30s\"")
        .schedule("interval = \"1h\"\nhost_delay = \"0s\"\nper_host = 4")
        .feed("title = \"Serve test\"\nsubtitle = \"Three feeds, merged\"\nentries = 20")
        .channel("name = \"news\"\ntitle = \"News only\"\ntags = [\"news\"]")
        .channel("name = \"alpha-only\"\nsources = [\"Alpha\"]")
        .channel("name = \"bridges\"\nquery = \"bridge\"")
        .source(upstream_->url("/alpha.xml"), "Alpha", "tags = [\"news\", \"balkans\"]")
        .source(upstream_->url("/beta.xml"), "Beta", "tags = [\"sport\"]")
        .source(upstream_->url("/gamma.xml"), "Gamma", "tags = [\"news\"]");
    daemon_ =
        std::make_unique<DaemonProcess>(dir_->write("tributary.toml", config.text()), dir_->path() / "daemon.log");
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    port_ = daemon_->port();
    const auto shows_every_story = [](const HttpReply& reply) {
      return reply.status == 200 && entries_of(reply.body).size() >= kStories;
    };
    is_ready_ = shows_every_story(daemon_->wait_until_http("/feed.atom?limit=500", shows_every_story, 60s));
    ASSERT_TRUE(is_ready_) << "the feed never showed all " << kStories << " stories\n" << daemon_->output();
  }

  static void TearDownTestSuite() {
    daemon_.reset();
    upstream_.reset();
    dir_.reset();
  }

  void SetUp() override {
    if (!is_ready_) GTEST_SKIP() << "the daemon did not come up (see SetUpTestSuite's failure)";
  }

  static HttpReply get(const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return http_get("127.0.0.1", port_, target, headers);
  }

  // Follows rel="next" from `target` (bounded); the ids in order.
  static std::vector<std::string> walk_pages(std::string target) {
    std::vector<std::string> ids;
    for (int page = 0; page < 100 && !target.empty(); ++page) {
      HttpReply reply = get(target);
      EXPECT_EQ(reply.status, 200) << target;
      if (reply.status != 200) break;
      for (const Entry& entry : entries_of(reply.body)) ids.push_back(entry.id);
      const std::string next = feed_link(reply.body, "next");
      target = next.empty() ? std::string() : target_of(next);
    }
    return ids;
  }

  // Runs jing and feedparser on one served document.
  static void expect_valid_atom(const std::string& target) {
    HttpReply reply = get(target);
    ASSERT_EQ(reply.status, 200) << target;
    const auto file = dir_->write("checked-" + std::to_string(++checked_) + ".atom", reply.body);
    if (!shared_dir().empty()) {
      const auto jing =
          run_command({"/usr/bin/jing", "-c", (shared_dir() / "schemas/atom.rnc").string(), file.string()}, 60s);
      EXPECT_EQ(jing.exit_code, 0) << target << "\n" << jing.output;
    }
    const auto parsed = run_command({"/usr/bin/python3", "-c",
                                     "import sys, feedparser\n"
                                     "d = feedparser.parse(open(sys.argv[1], 'rb').read())\n"
                                     "print('bozo', d.bozo, d.get('bozo_exception', ''), 'entries', len(d.entries))\n"
                                     "sys.exit(0 if d.bozo == 0 and len(d.entries) > 0 else 1)\n",
                                     file.string()},
                                    60s);
    EXPECT_EQ(parsed.exit_code, 0) << target << "\n" << parsed.output;
  }

  static inline std::unique_ptr<FakeUpstream> upstream_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline std::uint16_t port_ = 0;
  static inline bool is_ready_ = false;
  static inline std::string shared_link_;
  static inline int checked_ = 0;
};

TEST_F(Serve, EveryRouteAnswersWithItsType) {
  const std::map<std::string, std::string> types = {{"/", "text/html"},
                                                    {"/feed.atom", "application/atom+xml"},
                                                    {"/feed.json", "application/feed+json"},
                                                    {"/sources.opml", "text/x-opml"},
                                                    {"/sources.json", "application/json"},
                                                    {"/healthz", "text/plain"},
                                                    {"/metrics", "text/plain; version=0.0.4"},
                                                    {"/c/news.atom", "application/atom+xml"},
                                                    {"/c/news.json", "application/feed+json"}};
  for (const auto& [target, type] : types) {
    HttpReply reply = get(target);
    EXPECT_EQ(reply.status, 200) << target << "\n" << reply.body;
    EXPECT_TRUE(reply.headers["content-type"].starts_with(type)) << target << ": " << reply.headers["content-type"];
  }
}

TEST_F(Serve, UnknownPathsAre404AndOtherMethods405) {
  EXPECT_EQ(get("/nope").status, 404);
  EXPECT_EQ(get("/c/no-such-channel.atom").status, 404);
  EXPECT_EQ(get("/feed.atom/extra").status, 404);
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    HttpReply reply = http_request("127.0.0.1", port_, method, "/feed.json");
    EXPECT_EQ(reply.status, 405) << method;
    EXPECT_EQ(reply.headers["allow"], "GET, HEAD") << method;
  }
}

TEST_F(Serve, BadParametersAre400) {
  EXPECT_EQ(get("/feed.atom?limit=abc").status, 400);
  EXPECT_EQ(get("/feed.atom?limit=0").status, 400);
  EXPECT_EQ(get("/feed.atom?before=yesterday").status, 400);
  EXPECT_EQ(get("/feed.atom?source=Nobody").status, 400);
  EXPECT_EQ(get("/feed.atom?q=%zz").status, 400);
}

// A 404 quotes the path it did not find as one clean line: a decoded path
// may hold control characters and bytes that are not UTF-8.
TEST_F(Serve, NotFoundAnswersQuoteThePathAsCleanText) {
  for (const std::string target : {"/%FF%01x%0Ay", "/c/%FF%01.atom"}) {
    const HttpReply reply = get(target);
    EXPECT_EQ(reply.status, 404) << target;
    ASSERT_FALSE(reply.body.empty()) << target;
    const bool is_clean = std::all_of(reply.body.begin(), reply.body.end() - 1, [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte >= 0x20 && byte < 0x7f;
    });
    EXPECT_TRUE(is_clean) << target << ": " << reply.body;
    EXPECT_TRUE(reply.body.ends_with("\n")) << reply.body;
  }
}

TEST_F(Serve, NotModifiedOnEitherValidator) {
  for (const std::string target : {"/feed.atom", "/feed.json", "/c/news.atom", "/feed.atom?tag=news&limit=3"}) {
    HttpReply first = get(target);
    ASSERT_EQ(first.status, 200) << target;
    ASSERT_FALSE(first.headers["etag"].empty()) << target;
    ASSERT_FALSE(first.headers["last-modified"].empty()) << target;
    EXPECT_TRUE(first.headers["cache-control"].starts_with("public, max-age=")) << first.headers["cache-control"];
    HttpReply by_etag = get(target, {{"If-None-Match", first.headers["etag"]}});
    EXPECT_EQ(by_etag.status, 304) << target;
    EXPECT_TRUE(by_etag.body.empty());
    EXPECT_EQ(by_etag.headers["etag"], first.headers["etag"]);
    HttpReply by_date = get(target, {{"If-Modified-Since", first.headers["last-modified"]}});
    EXPECT_EQ(by_date.status, 304) << target;
    HttpReply other_etag = get(target, {{"If-None-Match", "\"something-else\""}});
    EXPECT_EQ(other_etag.status, 200) << target;
  }
}

TEST_F(Serve, GzipAndIdentityBodiesAreTheSameDocument) {
  for (const std::string target : {"/feed.atom", "/feed.json", "/feed.atom?q=bridge"}) {
    HttpReply identity = get(target);
    HttpReply gzipped = get(target, {{"Accept-Encoding", "gzip, deflate"}});
    ASSERT_EQ(identity.status, 200);
    ASSERT_EQ(gzipped.status, 200);
    EXPECT_EQ(identity.headers.count("content-encoding"), 0u);
    EXPECT_EQ(gzipped.headers["content-encoding"], "gzip");
    EXPECT_NE(gzipped.headers["vary"].find("Accept-Encoding"), std::string::npos);
    EXPECT_LT(gzipped.body.size(), identity.body.size());
    EXPECT_EQ(gzip_decompress(gzipped.body), identity.body) << target;
    EXPECT_EQ(identity.headers["etag"], gzipped.headers["etag"]);
  }
}

TEST_F(Serve, HeadHasTheHeadersOfGetAndNoBody) {
  for (const std::string target : {"/feed.atom", "/feed.json", "/", "/sources.json", "/feed.atom?limit=2"}) {
    HttpReply got = get(target);
    HttpReply head = http_request("127.0.0.1", port_, "HEAD", target);
    EXPECT_EQ(head.status, got.status) << target;
    EXPECT_TRUE(head.body.empty()) << target;
    EXPECT_EQ(head.headers["content-length"], std::to_string(got.body.size())) << target;
    EXPECT_EQ(head.headers["content-type"], got.headers["content-type"]) << target;
    if (target.starts_with("/feed")) {
      EXPECT_EQ(head.headers["etag"], got.headers["etag"]) << target;
    }
  }
}

TEST_F(Serve, FiltersBySourceTagAndText) {
  const auto alpha = entries_of(get("/feed.atom?source=Alpha&limit=100").body);
  ASSERT_EQ(alpha.size(), 12u);
  for (const Entry& entry : alpha) EXPECT_EQ(entry.source_title, "Alpha News");
  // By URL too.
  const auto beta = entries_of(get("/feed.atom?limit=100&source=" + upstream_->url("/beta.xml")).body);
  ASSERT_EQ(beta.size(), 12u);
  const auto sport = entries_of(get("/feed.atom?tag=sport&limit=100").body);
  ASSERT_EQ(sport.size(), 12u);
  for (const Entry& entry : sport) EXPECT_EQ(entry.source_title, "Beta Sport");
  // Alpha and Gamma; their shared story once.
  EXPECT_EQ(entries_of(get("/feed.atom?tag=news&limit=100").body).size(), 23u);
  // Items 0, 5 and 10 of each feed mention the bridge; Gamma's item 0 is Alpha's story 3.
  const auto bridges = entries_of(get("/feed.atom?q=bridge&limit=100").body);
  EXPECT_EQ(bridges.size(), 9u);
  for (const Entry& entry : bridges)
    EXPECT_TRUE(entry.title.ends_with(" 0") || entry.title.ends_with(" 5") || entry.title.ends_with(" 10") ||
                entry.title == "Alpha News story 3")
        << entry.title;
  EXPECT_EQ(entries_of(get("/feed.atom?q=nosuchwordanywhere").body).size(), 0u);
  EXPECT_EQ(entries_of(get("/feed.atom?source=Alpha&tag=sport").body).size(), 0u);
}

TEST_F(Serve, DefaultFeedHasTheConfiguredSizeAndAStoryOnce) {
  const std::string feed = get("/feed.atom").body;
  const auto entries = entries_of(feed);
  EXPECT_EQ(entries.size(), 20u);
  const auto all = entries_of(get("/feed.atom?limit=500").body);
  ASSERT_EQ(all.size(), kStories);
  const auto shared =
      std::find_if(all.begin(), all.end(), [](const Entry& entry) { return entry.link == shared_link_; });
  ASSERT_NE(shared, all.end());
  // Gamma's copy is Alpha's page with a tracking parameter: one story, and
  // no related link back to the entry's own page (issue 23).
  EXPECT_EQ(
      std::count_if(all.begin(), all.end(), [](const Entry& entry) { return entry.link.rfind(shared_link_, 0) == 0; }),
      1);
  EXPECT_TRUE(shared->related.empty()) << shared->related[0];
  // Alpha's guids are permalinks: they stay the entry ids.
  EXPECT_EQ(shared->id, shared_link_);
  EXPECT_NE(feed.find("<subtitle type=\"text\">Three feeds, merged</subtitle>"), std::string::npos);
  EXPECT_FALSE(feed_link(feed, "next").empty()) << "35 stories, 20 shown: there is a next page";
}

TEST_F(Serve, PagingWalksTheWholeFeedWithoutGapsOrRepeats) {
  for (const std::string filter : {"", "tag=news&", "q=bridge&"}) {
    std::vector<std::string> expected;
    for (const Entry& entry : entries_of(get("/feed.atom?" + filter + "limit=500").body)) expected.push_back(entry.id);
    const std::vector<std::string> walked = walk_pages("/feed.atom?" + filter + "limit=4");
    EXPECT_EQ(walked, expected) << filter;
    EXPECT_EQ(std::set<std::string>(walked.begin(), walked.end()).size(), walked.size()) << filter;
  }
  // The default page's next link continues where it ends.
  const std::vector<std::string> from_default = walk_pages("/feed.atom");
  EXPECT_EQ(from_default.size(), kStories);
}

TEST_F(Serve, PagedDocumentsLinkToTheFirstPage) {
  const std::string first = get("/feed.atom?limit=5").body;
  const std::string next = feed_link(first, "next");
  ASSERT_FALSE(next.empty());
  const std::string second = get(target_of(next)).body;
  EXPECT_EQ(target_of(feed_link(second, "first")), "/feed.atom?limit=5");
  EXPECT_TRUE(feed_link(second, "self").find("before=") != std::string::npos);
}

TEST_F(Serve, ChannelsServeTheirOwnSelection) {
  const std::string news = get("/c/news.atom").body;
  const auto news_entries = entries_of(news);
  EXPECT_EQ(news_entries.size(), 20u);
  for (const Entry& entry : entries_of(get("/c/news.atom?limit=100").body))
    EXPECT_TRUE(entry.source_title == "Alpha News" || entry.source_title == "Gamma Daily") << entry.source_title;
  EXPECT_NE(news.find("<title type=\"text\">News only</title>"), std::string::npos);
  EXPECT_EQ(walk_pages("/c/news.atom?limit=7").size(), 23u);
  const auto bridges = entries_of(get("/c/bridges.atom").body);
  EXPECT_EQ(bridges.size(), 9u);
  // A channel's filters and the request's narrow together.
  EXPECT_EQ(entries_of(get("/c/bridges.atom?tag=sport").body).size(), 3u);
  EXPECT_EQ(entries_of(get("/c/news.atom?tag=sport").body).size(), 0u);
  const json::value alpha = json::parse(get("/c/alpha-only.json").body);
  EXPECT_EQ(alpha.at("items").as_array().size(), 12u);
  for (const json::value& item : alpha.at("items").as_array())
    EXPECT_EQ(item.at("_tributary").at("source").at("title"), "Alpha News");
}

TEST_F(Serve, EveryAtomVariantValidatesAndParses) {
  for (const char* target : {"/feed.atom", "/feed.atom?tag=news", "/feed.atom?q=bridge&limit=3", "/c/news.atom",
                             "/c/alpha-only.atom", "/feed.atom?limit=5"}) {
    expect_valid_atom(target);
  }
  // A page further on (a before= cursor).
  const std::string next = feed_link(get("/feed.atom?limit=5").body, "next");
  ASSERT_FALSE(next.empty());
  expect_valid_atom(target_of(next));
}

TEST_F(Serve, JsonFeedsFollowTheSpec) {
  for (const char* target : {"/feed.json", "/c/news.json", "/feed.json?limit=3", "/feed.json?q=bridge"}) {
    HttpReply reply = get(target);
    ASSERT_EQ(reply.status, 200) << target;
    const auto problems = json_feed_problems(reply.body);
    for (const std::string& problem : problems) ADD_FAILURE() << target << ": " << problem;
  }
  const json::value paged = json::parse(get("/feed.json?limit=3").body);
  ASSERT_TRUE(paged.as_object().contains("next_url"));
  const json::value second = json::parse(get(target_of(std::string(paged.at("next_url").as_string()))).body);
  EXPECT_EQ(second.at("items").as_array().size(), 3u);
  EXPECT_NE(second.at("items").as_array()[0].at("id"), paged.at("items").as_array()[0].at("id"));
}

TEST_F(Serve, LandingPageSubscribesAndShowsTheSources) {
  HttpReply reply = get("/");
  ASSERT_EQ(reply.status, 200);
  const std::string& page = reply.body;
  // Readers name a feed found by autodiscovery after its link's title: [feed] title.
  EXPECT_NE(page.find("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Serve test\" href=\"feed.atom\">"),
            std::string::npos);
  // The latest headlines under the subscribe links.
  EXPECT_NE(page.find("<ol class=\"latest\">"), std::string::npos);
  EXPECT_EQ(count_of(page.substr(page.find("<ol class=\"latest\">")), "<li>"), 10u);
  EXPECT_NE(page.find("href=\"c/news.atom\""), std::string::npos);
  EXPECT_NE(page.find("type=\"application/feed+json\""), std::string::npos);
  EXPECT_EQ(count_of(page, "<tr class=\"source\">"), 3u);
  EXPECT_EQ(count_of(page, "<svg"), 3u);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos) << "no external assets";
  EXPECT_NE(page.find("Alpha"), std::string::npos);
}

TEST_F(Serve, SourcesAsJsonAndOpml) {
  const json::value sources = json::parse(get("/sources.json").body);
  const json::array& list = sources.at("sources").as_array();
  ASSERT_EQ(list.size(), 3u);
  for (const json::value& source : list) {
    EXPECT_EQ(source.at("state"), "ok");
    EXPECT_EQ(source.at("items"), 12);
    EXPECT_EQ(source.at("last_status"), 200);
    EXPECT_TRUE(source.at("last_success").is_string());
    EXPECT_EQ(source.at("items_per_day").as_array().size(), 30u);
  }
  const std::string opml = get("/sources.opml").body;
  EXPECT_NE(opml.find("<opml version=\"2.0\">"), std::string::npos);
  EXPECT_EQ(count_of(opml, "<outline "), 3u);
  EXPECT_NE(opml.find("xmlUrl=\"" + upstream_->url("/alpha.xml") + "\""), std::string::npos);
  EXPECT_NE(opml.find("category=\"news,balkans\""), std::string::npos);
}

TEST_F(Serve, MetricsInPrometheusFormat) {
  get("/feed.atom?tag=sport");  // an on-demand render
  const std::string metrics = get("/metrics").body;
  for (const char* line :
       {"tributary_polls_total{outcome=\"ok\"} ", "# TYPE tributary_polls_total counter",
        "tributary_items_ingested_total{kind=\"new\"} 36", "tributary_items_ingested_total{kind=\"merged\"} 1",
        "tributary_fetch_duration_seconds_bucket{le=\"+Inf\"} ", "tributary_fetch_duration_seconds_count ",
        "tributary_feed_render_seconds_bucket{view=\"cached\",le=",
        "tributary_feed_render_seconds_count{view=\"on_demand\"}",
        "tributary_http_requests_total{route=\"/feed.atom\",code=\"200\"} ", "tributary_stories 35",
        "tributary_sources{state=\"ok\"} 3", "tributary_sources{state=\"gone\"} 0"})
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
}

TEST_F(Serve, NewsboatStoresEveryEntry) {
  TempDir home;
  const auto reloaded = newsboat_reload(home, "http://127.0.0.1:" + std::to_string(port_) + "/feed.atom?limit=100");
  const auto cache = newsboat_cache(home);
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.output;
  const auto counted = run_command({"/usr/bin/python3", "-c",
                                    "import sqlite3, sys\n"
                                    "db = sqlite3.connect(sys.argv[1])\n"
                                    "print(db.execute('select count(*) from rss_item').fetchone()[0])\n",
                                    cache.string()},
                                   30s);
  ASSERT_EQ(counted.exit_code, 0) << counted.output;
  EXPECT_EQ(std::stoul(counted.output), kStories) << counted.output;
}

TEST_F(Serve, LandingPageInAHeadlessBrowser) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium")) << "scripts/test installs Debian's chromium";
  TempDir profile;
  const std::string url = "http://127.0.0.1:" + std::to_string(port_) + "/";
  const std::vector<std::string> common = {"/usr/bin/chromium",
                                           "--headless",
                                           "--no-sandbox",
                                           "--disable-gpu",
                                           "--no-first-run",
                                           "--disable-background-networking",
                                           "--disable-component-update",
                                           "--disable-sync",
                                           "--user-data-dir=" + profile.path().string()};
  std::vector<std::string> dump = common;
  dump.push_back("--dump-dom");
  dump.push_back(url);
  const auto dom = run_command(dump, 120s);
  ASSERT_EQ(dom.exit_code, 0) << dom.output;
  EXPECT_NE(dom.output.find("<h1>Serve test</h1>"), std::string::npos) << dom.output;
  EXPECT_EQ(count_of(dom.output, "<tr class=\"source\">"), 3u) << dom.output;
  EXPECT_EQ(count_of(dom.output, "<svg class=\"spark\""), 3u);
  EXPECT_NE(dom.output.find("<td class=\"state ok\" data-label=\"State\">ok</td>"), std::string::npos) << dom.output;
  // The screenshot stays in the build tree for a person to look at.
  const std::filesystem::path artifacts = std::filesystem::path(TRIBUTARY_BUILD_DIR) / "artifacts";
  std::filesystem::create_directories(artifacts);
  const std::filesystem::path screenshot = artifacts / "landing-page.png";
  std::filesystem::remove(screenshot);
  std::vector<std::string> shoot = common;
  shoot.push_back("--window-size=1200,900");
  shoot.push_back("--screenshot=" + screenshot.string());
  shoot.push_back(url);
  const auto shot = run_command(shoot, 120s);
  ASSERT_EQ(shot.exit_code, 0) << shot.output;
  ASSERT_TRUE(std::filesystem::exists(screenshot)) << shot.output;
  EXPECT_GT(std::filesystem::file_size(screenshot), 5000u);
  EXPECT_EQ(read_text_file(screenshot).substr(0, 8), "\x89PNG\r\n\x1a\n");
  std::cout << "landing page screenshot: " << screenshot.string() << "\n";
}

// ---- abuse: the next normal request is answered promptly throughout ----

void expect_prompt_answer(std::uint16_t port) {
  const auto started = Clock::now();
  HttpReply reply = http_request("127.0.0.1", port, "GET", "/healthz", {}, 3s);
  EXPECT_EQ(reply.status, 200) << reply.error;
  EXPECT_LT(Clock::now() - started, 2s);
}

TEST_F(Serve, OversizedHeadersAre431) {
  RawConnection connection("127.0.0.1", port_);
  ASSERT_TRUE(connection.is_open());
  std::string request = "GET /feed.atom HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 40; ++i) request += "X-Padding-" + std::to_string(i) + ": " + std::string(1000, 'a') + "\r\n";
  connection.send(request + "\r\n");
  EXPECT_TRUE(connection.receive(5s).starts_with("HTTP/1.1 431"));
  expect_prompt_answer(port_);
}

TEST_F(Serve, LongRequestLineIs414) {
  RawConnection connection("127.0.0.1", port_);
  ASSERT_TRUE(connection.is_open());
  connection.send("GET /feed.atom?q=" + std::string(20000, 'b') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(connection.receive(5s).starts_with("HTTP/1.1 414"));
  expect_prompt_answer(port_);
}

TEST_F(Serve, RequestBodiesAre413AndGarbageIs400) {
  RawConnection with_body("127.0.0.1", port_);
  with_body.send("GET /feed.atom HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_TRUE(with_body.receive(5s).starts_with("HTTP/1.1 413"));
  RawConnection post("127.0.0.1", port_);  // the method is what is wrong (serve_abuse_test has more)
  post.send("POST /feed.atom HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_TRUE(post.receive(5s).starts_with("HTTP/1.1 405"));
  RawConnection chunked("127.0.0.1", port_);
  chunked.send("GET /feed.atom HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  EXPECT_TRUE(chunked.receive(5s).starts_with("HTTP/1.1 413"));
  RawConnection garbage("127.0.0.1", port_);
  garbage.send("HELLO THERE\r\n\r\n");
  EXPECT_TRUE(garbage.receive(5s).starts_with("HTTP/1.1 400"));
  RawConnection binary("127.0.0.1", port_);
  binary.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n");
  EXPECT_TRUE(binary.receive(5s).starts_with("HTTP/1.1 400"));
  expect_prompt_answer(port_);
}

TEST_F(Serve, SlowHeaderTrickleIsCutOff) {
  // header_timeout is 2 s in this suite's config.
  RawConnection slow("127.0.0.1", port_);
  ASSERT_TRUE(slow.is_open());
  const auto started = Clock::now();
  slow.send("GET /feed.atom HTTP/1.1\r\n");
  bool is_cut_off = false;
  for (int i = 0; i < 40 && !is_cut_off; ++i) {  // one header byte every 250 ms, for at most 10 s
    expect_prompt_answer(port_);
    if (!slow.send("X")) is_cut_off = true;
    const std::string answer = slow.receive(250ms);
    if (!answer.empty()) {
      EXPECT_TRUE(answer.starts_with("HTTP/1.1 408")) << answer;
      is_cut_off = true;
    }
  }
  EXPECT_TRUE(is_cut_off);
  EXPECT_LT(Clock::now() - started, 6s);
}

TEST_F(Serve, TwoThousandIdleConnectionsDoNotBlockReaders) {
  // This process needs the descriptors too (the soft limit may be 1024).
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 4096 && (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= 4096)) {
    limit.rlim_cur = 4096;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 2000; ++i) {
    idle.push_back(std::make_unique<RawConnection>("127.0.0.1", port_));
    ASSERT_TRUE(idle.back()->is_open()) << i;
  }
  expect_prompt_answer(port_);
  HttpReply feed = http_request("127.0.0.1", port_, "GET", "/feed.atom", {}, 3s);
  EXPECT_EQ(feed.status, 200);
  // Some send a request and half-close: each still gets its answer.
  for (std::size_t i = 0; i < idle.size(); i += 100) {
    idle[i]->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    idle[i]->shutdown_write();
  }
  for (std::size_t i = 0; i < idle.size(); i += 100) EXPECT_TRUE(idle[i]->receive(5s).starts_with("HTTP/1.1 200"));
  idle.clear();
  expect_prompt_answer(port_);
}

TEST_F(Serve, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection connection("127.0.0.1", port_);
  ASSERT_TRUE(connection.is_open());
  connection.send(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /feed.json?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string answers = connection.receive(10s);
  const std::size_t first = answers.find("HTTP/1.1 200");
  const std::size_t json = answers.find("\"version\":\"https://jsonfeed.org/version/1.1\"");
  const std::size_t missing = answers.find("HTTP/1.1 404");
  const std::size_t last = answers.rfind("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << answers;
  ASSERT_NE(json, std::string::npos) << answers;
  ASSERT_NE(missing, std::string::npos) << answers;
  EXPECT_LT(first, json);
  EXPECT_LT(json, missing);
  EXPECT_LT(missing, last);
  EXPECT_EQ(count_of(answers, "HTTP/1.1 "), 5u);
  EXPECT_TRUE(answers.ends_with("ok\n")) << "the last answer is the health check, then the connection closes";
}

// Last: stopping with connections open drains them and exits promptly.
TEST_F(Serve, StopsPromptlyWithIdleConnectionsOpen) {
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(std::make_unique<RawConnection>("127.0.0.1", port_));
  const auto started = Clock::now();
  EXPECT_EQ(daemon_->stop(15s), 0) << daemon_->output();
  EXPECT_LT(Clock::now() - started, 5s);
  for (auto& connection : idle) EXPECT_TRUE(connection->is_closed_by_peer(1s));
}

// ---- the token, on a daemon that serves on IPv6 ----

class ServeWithToken : public ::testing::Test {
 protected:
  static constexpr const char* kToken = "s3cret-reader-token-0123";

  static void SetUpTestSuite() {
    upstream_ = std::make_unique<FakeUpstream>();
    FeedPlan plan{"Token Feed", "token.example", 0, false};
    upstream_->serve("/token.xml",
                     {200, {{"Content-Type", "application/rss+xml"}}, make_rss(plan, std::time(nullptr)), {}, {}});
    dir_ = std::make_unique<TempDir>();
    DaemonConfig config(dir_->path() / "tributary.db");
    config.listen("::1").server("token = " + toml_string(kToken)).source(upstream_->url("/token.xml"), "Token");
    daemon_ =
        std::make_unique<DaemonProcess>(dir_->write("tributary.toml", config.text()), dir_->path() / "daemon.log");
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    ASSERT_EQ(daemon_->host(), "::1") << daemon_->output();
    port_ = daemon_->port();
  }
  static void TearDownTestSuite() {
    daemon_.reset();
    upstream_.reset();
    dir_.reset();
  }
  void SetUp() override {
    if (port_ == 0) GTEST_SKIP() << "the daemon did not come up";
  }
  static HttpReply get(const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return http_get("::1", port_, target, headers);
  }

  static inline std::unique_ptr<FakeUpstream> upstream_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline std::uint16_t port_ = 0;
};

TEST_F(ServeWithToken, EveryRouteButHealthNeedsTheToken) {
  for (const char* target : {"/", "/feed.atom", "/feed.json", "/sources.opml", "/sources.json", "/metrics"}) {
    HttpReply reply = get(target);
    EXPECT_EQ(reply.status, 401) << target;
    EXPECT_TRUE(reply.headers["www-authenticate"].starts_with("Basic realm=")) << target;
    EXPECT_EQ(get(std::string(target) + "?token=wrong-token-wrong-token").status, 401) << target;
    EXPECT_EQ(get(std::string(target) + "?token=" + kToken).status, 200) << target;
  }
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(ServeWithToken, BasicAuthWithTheTokenAsPassword) {
  // "reader:s3cret-reader-token-0123" and "reader:nope" in base64.
  EXPECT_EQ(get("/feed.atom", {{"Authorization", "Basic cmVhZGVyOnMzY3JldC1yZWFkZXItdG9rZW4tMDEyMw=="}}).status, 200);
  EXPECT_EQ(get("/feed.atom", {{"Authorization", "Basic cmVhZGVyOm5vcGU="}}).status, 401);
  EXPECT_EQ(get("/feed.atom", {{"Authorization", "Bearer s3cret-reader-token-0123"}}).status, 401);
  HttpReply reply = get("/feed.atom", {{"Authorization", "Basic cmVhZGVyOnMzY3JldC1yZWFkZXItdG9rZW4tMDEyMw=="}});
  EXPECT_TRUE(reply.headers["cache-control"].starts_with("private")) << reply.headers["cache-control"];
}

TEST_F(ServeWithToken, LinksCarryTheTokenTheWayItCame) {
  const std::string page = get(std::string("/?token=") + kToken).body;
  EXPECT_NE(page.find(std::string("href=\"feed.atom?token=") + kToken + "\""), std::string::npos) << page;
  // Up to 12 items arrive with the first poll; page through them by the token.
  const HttpReply first_page = daemon_->wait_until_http(
      std::string("/feed.atom?limit=2&token=") + kToken,
      [](const HttpReply& reply) { return !feed_link(reply.body, "next").empty(); }, 30s);
  const std::string next = feed_link(first_page.body, "next");
  ASSERT_FALSE(next.empty());
  EXPECT_NE(next.find(std::string("token=") + kToken), std::string::npos) << next;
  EXPECT_EQ(get(target_of(next)).status, 200);
}

}  // namespace
}  // namespace tributary::testing
