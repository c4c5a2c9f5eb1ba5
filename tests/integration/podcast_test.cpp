// The RSS edition through the real binary (issue 25): the daemon polls two
// podcast feeds and a news feed from the fake upstream, and its /feed.rss
// and a podcast channel's /c/podcasts.rss are read by clients nobody here
// wrote — the W3C Feed Validation Service (no error, no warning), Universal
// Feed Parser (bozo 0, enclosures, itunes_duration), newsboat, and gPodder's
// podcastparser, which reads RSS podcasts only and is as strict as podcast
// apps: each episode's file (URL, size, type), duration and image, and the
// channel's image and explicit flag. Caching, paging and filters are the
// Atom edition's: ETag and 304, gzip, rel="next", ?source=. At the shipped
// defaults ([feed] without podcast settings) the channel's category and
// language come from the podcasts and the owner from a podcast channel;
// with no owner anywhere, that alone is missing and the log says so.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <map>
#include <memory>

#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* kRssType = "application/rss+xml; charset=utf-8";

struct PodcastSource {
  std::string name;
  std::string fixture;  // under tests/fixtures/podcast
  std::string tags;     // a TOML array
};

const std::vector<PodcastSource>& podcast_sources() {
  static const std::vector<PodcastSource> sources = {{"Night Shift", "night_shift.xml", R"(["podcast"])"},
                                                     {"Field Notes", "field_notes.xml", R"(["podcast"])"},
                                                     {"Newsroom", "newsroom.xml", R"(["news"])"}};
  return sources;
}

// What every client must get of each episode, written out from the
// fixtures: the file, its size and type (".m4a" typed from its name), the
// duration in seconds and as the feed wrote it (whole seconds when the
// feed's form was none of the specifications': "1805.7"), and the image
// (the podcast's own artwork when the episode has none).
struct Episode {
  std::string title;
  std::string url;
  std::int64_t size;
  std::string type;
  std::int64_t seconds;
  std::string duration_text;
  std::string image;
  bool is_explicit;
};

const std::vector<Episode>& episodes() {
  static const std::vector<Episode> all = {
      {"Episode 3: The Baker at 4 AM", "https://media.nightshift.example/ep3.mp3", 48234567, "audio/mpeg", 3723,
       "1:02:03", "https://nightshift.example/art/ep3.jpg", false},
      {"Episode 2: Night Nurses", "https://media.nightshift.example/ep2.m4a", 30111222, "audio/x-m4a", 2730, "45:30",
       "https://nightshift.example/art/show-3000.jpg", true},
      {"Trailer", "https://media.nightshift.example/trailer.mp3", 1200000, "audio/mpeg", 95, "95",
       "https://nightshift.example/art/show-3000.jpg", false},
      {"Owls in December", "https://fieldnotes.example/audio/owls.mp3", 20480000, "audio/mpeg", 1805, "1805",
       "https://fieldnotes.example/owls.png", false},
      {"Frost Patterns (video)", "https://fieldnotes.example/video/frost.mp4", 98000000, "video/mp4", 432, "00:07:12",
       "https://fieldnotes.example/frost.png", false}};
  return all;
}

const std::vector<std::string> kNewsTitles = {"AT&T tower approved for the hill", "Ferry timetable changes on Monday",
                                              "Council minutes (download)"};
// The news item's document: no type, and a URL that names no file.
constexpr const char* kUntypedEnclosure = "https://news.harbortown.example/download?doc=minutes";

constexpr const char* kFeedImage = "https://tributary.example/art/all.jpg";
constexpr const char* kChannelImage = "https://tributary.example/art/podcasts.jpg";

std::filesystem::path support_script(const char* name) {
  return std::filesystem::path(TRIBUTARY_SOURCE_DIR) / "tests/support" / name;
}

std::string text_of(const json::value& value) {
  return value.is_string() ? std::string(value.as_string()) : std::string();
}

// The daemon with its three sources, started once for every test.
class PodcastDaemon : public ::testing::Environment {
 public:
  void SetUp() override {
    upstream_ = std::make_unique<FakeUpstream>();
    dir_ = std::make_unique<TempDir>();
    DaemonConfig config(dir_->path() / "db/tributary.db");
    // [feed] speaks for /feed.rss and is the channel's default; the
    // channel overrides the image and the explicit flag.
    config.schedule("interval = \"1h\"\nhost_delay = \"0s\"")
        .feed("title = \"Everything\"\nimage = " + toml_string(kFeedImage) +
              "\nauthor = \"Tributary Test\"\nowner_name = \"Ops\"\nowner_email = \"ops@tributary.example\""
              "\ncategory = \"News\"\nexplicit = false\nlanguage = \"en\"")
        .channel("name = \"podcasts\"\ntitle = \"Podcasts\"\ntags = [\"podcast\"]\npodcast = true\nimage = " +
                 toml_string(kChannelImage) +
                 "\ncategory = \"Society & Culture\"\nsubcategory = \"Documentary\"\nexplicit = true");
    for (const PodcastSource& source : podcast_sources()) {
      const std::string path = "/" + source.fixture;
      upstream_->serve(path, {200,
                              {{"Content-Type", "application/rss+xml"}},
                              read_text_file(fixtures_dir() / "podcast" / source.fixture),
                              {},
                              {}});
      config.source(upstream_->url(path), source.name, "tags = " + source.tags);
    }
    const auto config_file = dir_->write("tributary.toml", config.text());
    daemon_ = std::make_unique<DaemonProcess>(config_file, dir_->path() / "daemon.log");
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    ASSERT_TRUE(daemon_->wait_until_sources_polled(podcast_sources().size(), SourcesPolled::successfully, 60s))
        << daemon_->get("/sources.json").body << "\n"
        << daemon_->output();
    // Every item is in: 5 episodes and 3 news items.
    const HttpReply all = daemon_->wait_until_http(
        "/feed.rss", [](const HttpReply& reply) { return count_items(reply.body) == 8; }, 30s);
    ASSERT_EQ(count_items(all.body), 8u) << all.body;
    is_up_ = true;
  }

  void TearDown() override {
    daemon_.reset();
    upstream_.reset();
    dir_.reset();
  }

  static std::size_t count_items(const std::string& rss) {
    std::size_t count = 0;
    for (std::size_t at = rss.find("<item>"); at != std::string::npos; at = rss.find("<item>", at + 1)) ++count;
    return count;
  }

  static bool is_up() { return is_up_; }
  static DaemonProcess& daemon() { return *daemon_; }
  static const TempDir& dir() { return *dir_; }

 private:
  static inline std::unique_ptr<FakeUpstream> upstream_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline bool is_up_ = false;
};

[[maybe_unused]] ::testing::Environment* const kDaemon = ::testing::AddGlobalTestEnvironment(new PodcastDaemon);

// One RSS document as a client fetched it, saved to a file.
struct Fetched {
  std::string url;
  std::string content_type;
  std::string body;
  std::filesystem::path file;
};

Fetched fetch(const DaemonProcess& daemon, const TempDir& dir, const std::string& target) {
  const HttpReply reply = daemon.get(target);
  EXPECT_EQ(reply.status, 200) << target << "\n" << reply.body;
  static int count = 0;
  const auto file = dir.write("served-" + std::to_string(++count) + ".xml", reply.body);
  return {daemon.base_url() + target.substr(1),
          reply.headers.count("content-type") ? reply.headers.at("content-type") : "", reply.body, file};
}

Fetched fetch(const std::string& target) { return fetch(PodcastDaemon::daemon(), PodcastDaemon::dir(), target); }

constexpr const char* kOutput = "{output}";

// Runs a helper script with /usr/bin/python3, kOutput in `arguments` standing
// for the file it writes its JSON to; that JSON, or null with the failure
// added to the test.
json::value run_python(const std::vector<std::string>& arguments, const std::string& output_name) {
  const std::filesystem::path output = PodcastDaemon::dir().path() / output_name;
  std::vector<std::string> argv = {"/usr/bin/python3"};
  for (const std::string& argument : arguments) argv.push_back(argument == kOutput ? output.string() : argument);
  const CommandResult result = run_command(argv, 90s);
  if (result.exit_code != 0 || !std::filesystem::exists(output)) {
    ADD_FAILURE() << arguments.front() << " failed (" << result.exit_code << "):\n" << result.output;
    return nullptr;
  }
  return json::parse(read_text_file(output));
}

// The W3C validator's report on a fetched document (w3c_validate.py), null
// with the failure added to the test; skips the test when the shared
// directory is absent.
json::value w3c_report(const Fetched& fetched, const std::string& label) {
  const std::filesystem::path validator = shared_dir() / "tools/feedvalidator/src";
  if (!std::filesystem::is_directory(validator / "feedvalidator")) {
    ADD_FAILURE() << validator << " is missing";
    return nullptr;
  }
  const json::value report =
      run_python({support_script("w3c_validate.py").string(), "--validator", validator.string(), "--url", fetched.url,
                  "--content-type", fetched.content_type, "--output", kOutput, fetched.file.string()},
                 "w3c-" + label + ".json");
  if (report.is_null()) return report;
  EXPECT_EQ(text_of(report.at("feed_type")), "RSS");
  EXPECT_TRUE(report.at("network_attempts").as_array().empty()) << json::serialize(report.at("network_attempts"));
  return report;
}

// "WARNING MissingItunesEmail: …" of each event, for a failure message.
std::string describe_events(const json::value& report) {
  std::string said;
  for (const json::value& event : report.at("events").as_array())
    said += text_of(event.at("level")) + " " + text_of(event.at("class")) + ": " + text_of(event.at("text")) +
            "\n  line " + json::serialize(event.at("line")) + ": " + text_of(event.at("excerpt")) + "\n";
  return said;
}

// A document of the test: the merged feed and the podcast channel.
struct View {
  std::string label;
  std::string target;
  std::string channel_image;
  bool is_explicit;
  bool has_news;
};

void PrintTo(const View& view, std::ostream* out) { *out << view.target; }

class RssView : public ::testing::TestWithParam<View> {
 protected:
  void SetUp() override { ASSERT_TRUE(PodcastDaemon::is_up()) << "the daemon did not come up"; }
};

INSTANTIATE_TEST_SUITE_P(PodcastTest, RssView,
                         ::testing::Values(View{"merged", "/feed.rss", kFeedImage, false, true},
                                           View{"channel", "/c/podcasts.rss", kChannelImage, true, false}),
                         [](const ::testing::TestParamInfo<View>& view) { return view.param.label; });

TEST_P(RssView, W3cValidatorFindsNoErrorAndNoWarning) {
  if (shared_dir().empty()) GTEST_SKIP() << "the shared directory (../shared/tools/feedvalidator) is absent";
  const Fetched fetched = fetch(GetParam().target);
  EXPECT_EQ(fetched.content_type, kRssType);
  // The document validated advertises the built-in WebSub hub (the default)
  // as an atom:link in the channel: the validator must accept that too.
  EXPECT_NE(fetched.body.find("<atom:link rel=\"hub\" href=\"" + PodcastDaemon::daemon().base_url() + "websub/hub\"/>"),
            std::string::npos)
      << fetched.body;
  const json::value report = w3c_report(fetched, GetParam().label);
  ASSERT_FALSE(report.is_null());
  EXPECT_TRUE(report.at("events").as_array().empty()) << describe_events(report);
}

TEST_P(RssView, PodcastparserGetsEveryEpisodeAndTheChannel) {
  const Fetched fetched = fetch(GetParam().target);
  const json::value podcast = run_python(
      {support_script("podcast_readers.py").string(), kOutput, "podcastparser", fetched.url, fetched.file.string()},
      "podcastparser-" + GetParam().label + ".json");
  ASSERT_FALSE(podcast.is_null());
  EXPECT_EQ(text_of(podcast.at("cover_url")), GetParam().channel_image);
  EXPECT_EQ(podcast.at("explicit"), json::value(GetParam().is_explicit));
  std::map<std::string, const json::object*> by_title;
  for (const json::value& episode : podcast.at("episodes").as_array())
    by_title[text_of(episode.at("title"))] = &episode.as_object();
  EXPECT_EQ(by_title.size(), episodes().size() + (GetParam().has_news ? kNewsTitles.size() : 0));
  for (const Episode& expected : episodes()) {
    SCOPED_TRACE(expected.title);
    ASSERT_EQ(by_title.count(expected.title), 1u);
    const json::object& episode = *by_title.at(expected.title);
    ASSERT_EQ(episode.at("enclosures").as_array().size(), 1u);
    const json::value& file = episode.at("enclosures").as_array()[0];
    EXPECT_EQ(text_of(file.at("url")), expected.url);
    EXPECT_EQ(file.at("file_size").as_int64(), expected.size);
    EXPECT_EQ(text_of(file.at("mime_type")), expected.type);
    EXPECT_EQ(episode.at("total_time").as_int64(), expected.seconds);
    EXPECT_EQ(text_of(episode.at("episode_art_url")), expected.image);
    EXPECT_EQ(episode.at("explicit"), json::value(expected.is_explicit));
  }
}

TEST_P(RssView, FeedparserReadsEnclosuresAndDurationsWithoutComplaint) {
  const Fetched fetched = fetch(GetParam().target);
  const json::value parsed =
      run_python({support_script("podcast_readers.py").string(), kOutput, "feedparser", fetched.file.string()},
                 "feedparser-" + GetParam().label + ".json");
  ASSERT_FALSE(parsed.is_null());
  EXPECT_FALSE(parsed.at("bozo").as_bool()) << text_of(parsed.at("bozo_exception"));
  EXPECT_EQ(text_of(parsed.at("version")), "rss20");
  EXPECT_EQ(text_of(parsed.at("image")), GetParam().channel_image);
  std::map<std::string, const json::object*> by_title;
  for (const json::value& entry : parsed.at("entries").as_array())
    by_title[text_of(entry.at("title"))] = &entry.as_object();
  for (const Episode& expected : episodes()) {
    SCOPED_TRACE(expected.title);
    ASSERT_EQ(by_title.count(expected.title), 1u);
    const json::object& entry = *by_title.at(expected.title);
    EXPECT_EQ(text_of(entry.at("itunes_duration")), expected.duration_text);
    EXPECT_EQ(text_of(entry.at("image")), expected.image);
    ASSERT_EQ(entry.at("enclosures").as_array().size(), 1u);
    const json::value& file = entry.at("enclosures").as_array()[0];
    EXPECT_EQ(text_of(file.at("href")), expected.url);
    EXPECT_EQ(text_of(file.at("length")), std::to_string(expected.size));
    EXPECT_EQ(text_of(file.at("type")), expected.type);
  }
  for (const std::string& title : kNewsTitles) {
    ASSERT_EQ(by_title.count(title), GetParam().has_news ? 1u : 0u) << title;
    if (GetParam().has_news) {
      EXPECT_TRUE(by_title.at(title)->at("enclosures").as_array().empty());
    }
  }
}

TEST_P(RssView, NewsboatStoresEveryItem) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/newsboat")) << "install Debian's newsboat";
  const Fetched fetched = fetch(GetParam().target);
  TempDir home;
  const CommandResult reloaded = newsboat_reload(home, fetched.url);
  const auto cache = newsboat_cache(home);
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.output;
  EXPECT_EQ(reloaded.output, "") << "newsboat printed something while reloading";
  const CommandResult stored =
      run_command({"/usr/bin/python3", "-c",
                   "import sqlite3,sys\n"
                   "for (t, e) in sqlite3.connect(sys.argv[1]).execute("
                   "'SELECT title, enclosure_url FROM rss_item ORDER BY title'): print(t + '\\t' + (e or ''))",
                   cache.string()},
                  30s);
  ASSERT_EQ(stored.exit_code, 0) << stored.output;
  std::string expected;
  std::map<std::string, std::string> rows;
  for (const Episode& episode : episodes()) rows[episode.title] = episode.url;
  if (GetParam().has_news) {
    for (const std::string& title : kNewsTitles) rows[title] = "";
  }
  for (const auto& [title, url] : rows) expected += title + "\t" + url + "\n";
  EXPECT_EQ(stored.output, expected);
}

TEST_P(RssView, AnUnchangedDocumentIsNotModifiedAndGzipped) {
  DaemonProcess& daemon = PodcastDaemon::daemon();
  const HttpReply first = daemon.get(GetParam().target, {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(first.headers.count("etag"), 1u);
  EXPECT_EQ(first.headers.at("content-encoding"), "gzip") << "pre-compressed once per change";
  const HttpReply again = daemon.get(GetParam().target, {{"If-None-Match", first.headers.at("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
}

TEST(RssPaging, NextLinksLeadThroughEveryItemAndFiltersApply) {
  ASSERT_TRUE(PodcastDaemon::is_up());
  DaemonProcess& daemon = PodcastDaemon::daemon();
  std::string target = "/feed.rss?limit=3";
  std::size_t items = 0;
  for (int page = 0; page < 5 && !target.empty(); ++page) {
    const HttpReply reply = daemon.get(target);
    ASSERT_EQ(reply.status, 200) << target;
    items += PodcastDaemon::count_items(reply.body);
    const std::string marker = "<atom:link rel=\"next\" type=\"application/rss+xml\" href=\"";
    const std::size_t next = reply.body.find(marker);
    target.clear();
    if (next == std::string::npos) break;
    const std::size_t start = next + marker.size();
    std::string href = reply.body.substr(start, reply.body.find('"', start) - start);
    for (std::size_t amp = href.find("&amp;"); amp != std::string::npos; amp = href.find("&amp;", amp + 1))
      href.replace(amp, 5, "&");
    target = href.substr(daemon.base_url().size() - 1);
  }
  EXPECT_EQ(items, 8u);
  const HttpReply news = daemon.get("/feed.rss?source=Newsroom");
  ASSERT_EQ(news.status, 200);
  EXPECT_EQ(PodcastDaemon::count_items(news.body), 3u);
  EXPECT_EQ(news.headers.at("content-type"), kRssType);
}

// An enclosure whose type nobody can tell is left out of the RSS edition
// (a podcast app refuses a whole feed over one) and kept in the Atom
// edition, which allows it; the log says so once, not after every change.
TEST(RssEnclosures, OneWithoutATypeIsLeftOutAndTheLogSaysSoOnce) {
  ASSERT_TRUE(PodcastDaemon::is_up());
  DaemonProcess& daemon = PodcastDaemon::daemon();
  EXPECT_EQ(daemon.get("/feed.rss").body.find(kUntypedEnclosure), std::string::npos);
  EXPECT_NE(daemon.get("/feed.atom").body.find(kUntypedEnclosure), std::string::npos);
  const std::string said = std::string("enclosure ") + kUntypedEnclosure + " has no media type";
  const std::string log = daemon.output();
  const std::size_t first = log.find(said);
  EXPECT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find(said, first + 1), std::string::npos) << "said more than once:\n" << log;
}

TEST(RssAutodiscovery, TheLandingPageListsEveryRssEdition) {
  ASSERT_TRUE(PodcastDaemon::is_up());
  const HttpReply landing = PodcastDaemon::daemon().get("/");
  ASSERT_EQ(landing.status, 200);
  // Readers name a feed found by autodiscovery after its link's title.
  const std::string merged =
      "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Everything (RSS)\" href=\"feed.rss\">";
  const std::string channel =
      "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Podcasts (RSS)\" href=\"c/podcasts.rss\">";
  EXPECT_NE(landing.body.find(merged), std::string::npos) << landing.body;
  EXPECT_NE(landing.body.find(channel), std::string::npos) << landing.body;
}

// ---- At the shipped defaults: [feed] without podcast settings ------------

// A daemon of its own whose [feed] sets no podcast key and whose schedule
// is the shipped one, polling the same three sources; `channels`: its
// [[channel]] tables.
struct DefaultsDaemon {
  FakeUpstream upstream;
  TempDir dir;
  std::unique_ptr<DaemonProcess> daemon;
};

std::unique_ptr<DefaultsDaemon> start_at_defaults(const std::vector<std::string>& channels) {
  auto started = std::make_unique<DefaultsDaemon>();
  DaemonConfig config(started->dir.path() / "db/tributary.db");
  config.feed("title = \"Everything\"");
  for (const std::string& channel : channels) config.channel(channel);
  for (const PodcastSource& source : podcast_sources()) {
    const std::string path = "/" + source.fixture;
    started->upstream.serve(path, {200,
                                   {{"Content-Type", "application/rss+xml"}},
                                   read_text_file(fixtures_dir() / "podcast" / source.fixture),
                                   {},
                                   {}});
    config.source(started->upstream.url(path), source.name, "tags = " + source.tags);
  }
  const auto config_file = started->dir.write("tributary.toml", config.text());
  started->daemon = std::make_unique<DaemonProcess>(config_file, started->dir.path() / "daemon.log");
  DaemonProcess& daemon = *started->daemon;
  EXPECT_TRUE(daemon.wait_until_listening()) << daemon.output();
  EXPECT_TRUE(daemon.wait_until_sources_polled(podcast_sources().size(), SourcesPolled::successfully, 60s))
      << daemon.get("/sources.json").body << "\n"
      << daemon.output();
  const HttpReply all = daemon.wait_until_http(
      "/feed.rss", [](const HttpReply& reply) { return PodcastDaemon::count_items(reply.body) == 8; }, 30s);
  EXPECT_EQ(PodcastDaemon::count_items(all.body), 8u) << all.body;
  return started;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

constexpr const char* kLacksOwner = "carries podcast episodes but no owner's e-mail (itunes:owner)";

// The shipped [feed] and a podcast channel that names its owner (the
// operator): /feed.rss and the channel take the category and language the
// podcasts name in their own channels, and the channel's owner; the W3C
// validator finds nothing to warn about in either.
TEST(RssAtDefaults, WithAPodcastChannelsOwnerEveryDocumentValidatesWithoutWarning) {
  if (shared_dir().empty()) GTEST_SKIP() << "the shared directory (../shared/tools/feedvalidator) is absent";
  ASSERT_TRUE(PodcastDaemon::is_up());
  const auto started =
      start_at_defaults({"name = \"podcasts\"\ntitle = \"Podcasts\"\ntags = [\"podcast\"]\n"
                         "podcast = true\nowner_name = \"Ops\"\nowner_email = \"ops@tributary.example\""});
  const DaemonProcess& daemon = *started->daemon;
  const std::vector<std::pair<std::string, std::string>> documents = {{"/feed.rss", "defaults-merged"},
                                                                      {"/c/podcasts.rss", "defaults-channel"}};
  for (const auto& [target, label] : documents) {
    SCOPED_TRACE(target);
    const Fetched fetched = fetch(daemon, started->dir, target);
    // Night Shift ("Society & Culture", "Documentary") and Field Notes
    // ("science"/"nature" after a retired category: "Science", "Nature")
    // tie at one podcast each; Night Shift has the newest episode.
    EXPECT_NE(fetched.body.find("<itunes:category text=\"Society &amp; Culture\"><itunes:category "
                                "text=\"Documentary\"/></itunes:category>"),
              std::string::npos)
        << fetched.body;
    EXPECT_NE(fetched.body.find("<itunes:owner><itunes:name>Ops</itunes:name><itunes:email>ops@tributary.example"
                                "</itunes:email></itunes:owner>"),
              std::string::npos)
        << fetched.body;
    EXPECT_EQ(fetched.body.find("sam@nightshift.example"), std::string::npos) << "a source's owner is not ours";
    EXPECT_EQ(occurrences(fetched.body, "<language>"), 1u) << fetched.body;
    const json::value report = w3c_report(fetched, label);
    ASSERT_FALSE(report.is_null());
    EXPECT_TRUE(report.at("events").as_array().empty()) << describe_events(report);
  }
  EXPECT_EQ(daemon.output().find("carries podcast episodes but"), std::string::npos) << daemon.output();
}

// No podcast setting anywhere: the category and language still come from
// the podcasts, but no owner can be found and none is made up. The
// validator's one warning is the missing owner's e-mail, and the log says
// once which setting to add.
TEST(RssAtDefaults, WithoutAnyOwnerTheOwnerIsAllThatIsMissingAndTheLogSaysSoOnce) {
  if (shared_dir().empty()) GTEST_SKIP() << "the shared directory (../shared/tools/feedvalidator) is absent";
  ASSERT_TRUE(PodcastDaemon::is_up());
  const auto started = start_at_defaults({});
  DaemonProcess& daemon = *started->daemon;
  const Fetched fetched = fetch(daemon, started->dir, "/feed.rss");
  EXPECT_EQ(fetched.body.find("itunes:owner"), std::string::npos) << fetched.body;
  const json::value report = w3c_report(fetched, "no-owner");
  ASSERT_FALSE(report.is_null());
  std::vector<std::string> classes;
  for (const json::value& event : report.at("events").as_array())
    classes.push_back(text_of(event.at("level")) + " " + text_of(event.at("class")));
  EXPECT_EQ(classes, std::vector<std::string>{"warning MissingItunesEmail"}) << describe_events(report);
  ASSERT_TRUE(daemon.wait_for_log(kLacksOwner, 10s)) << daemon.output();
  const std::string log = daemon.output();
  EXPECT_EQ(occurrences(log, kLacksOwner), 1u) << log;
  EXPECT_NE(log.find(daemon.base_url() + "feed.rss " + kLacksOwner), std::string::npos) << log;
  EXPECT_NE(log.find("set owner_email in [feed] or in a [[channel]] with podcast = true"), std::string::npos) << log;
  EXPECT_EQ(occurrences(log, "carries podcast episodes but"), 1u) << "the category and language were found:\n" << log;
}

}  // namespace
}  // namespace tributary::testing
