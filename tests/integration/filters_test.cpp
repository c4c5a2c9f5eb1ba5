// [[filter]] through the real daemon (issue 20.3): a block filter at start,
// another added by reload over an item already stored (gone from the Atom,
// JSON Feed and RSS editions), the filters removed (it comes back), a keep
// filter scoped by tag, an invalid pattern refused by `check` and by a
// reload (the daemon keeps its configuration), and `filter test`.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <signal.h>

#include <boost/json.hpp>
#include <memory>

#include "support/atom_reader.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

// An RSS 2.0 document of items (title, guid, a link on `site`), one hour
// apart, newest first.
std::string rss(const std::vector<std::string>& titles, const std::string& site = "news.example") {
  std::string items;
  for (std::size_t i = 0; i < titles.size(); ++i) {
    const std::string slug = "item-" + std::to_string(i);
    items += "<item><title>" + titles[i] + "</title><link>https://" + site + "/" + slug + "</link><guid>" + slug +
             "</guid><description>Text of " + titles[i] +
             ", long enough to be an article.</description><pubDate>Wed, 17 Dec 2025 " + std::to_string(20 - i) +
             ":00:00 GMT</pubDate></item>";
  }
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>News</title><link>https://news.example/</link>" +
         items + "</channel></rss>";
}

std::string block_filter(const std::string& field, const std::string& pattern, const std::string& scope = "") {
  return "[[filter]]\naction = \"block\"\nfield = \"" + field + "\"\npattern = " + toml_string(pattern) + "\n" + scope;
}

bool is_well_formed_xml(const std::string& text) {
  const std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(text.data(), static_cast<int>(text.size()), "feed.xml", nullptr, XML_PARSE_NONET), xmlFreeDoc);
  return doc != nullptr;
}

std::vector<std::string> atom_titles(const std::string& atom) {
  std::vector<std::string> titles;
  for (const Entry& entry : entries_of(atom)) titles.push_back(entry.title);
  return titles;
}

std::vector<std::string> json_titles(const std::string& text) {
  std::vector<std::string> titles;
  boost::system::error_code error;
  const boost::json::value feed = boost::json::parse(text, error);
  if (error || !feed.is_object()) return {"(not JSON)"};
  for (const boost::json::value& item : feed.at("items").as_array())
    titles.emplace_back(item.at("title").as_string().c_str());
  return titles;
}

bool contains(const std::vector<std::string>& titles, const std::string& title) {
  return std::find(titles.begin(), titles.end(), title) != titles.end();
}

class FiltersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_.serve("/a.xml", {.headers = {{"Content-Type", "application/rss+xml"}},
                               .body = rss({"Sponsored: buy this phone", "Rust jobs this week", "Plain news"})});
  }

  // The configuration with `filters` (TOML tables) and source A, pinned to
  // an hour: the daemon polls it once, at start.
  std::filesystem::path write_config(const std::string& filters) {
    DaemonConfig config(dir_.path() / "t.db");
    config.log("target = \"stderr\"");
    if (!filters.empty()) config.raw(filters);
    config.source(upstream_.url("/a.xml"), "A", "interval = \"1h\"\ntags = [\"jobs\"]");
    return dir_.write("tributary.toml", config.text());
  }

  // Every edition without `hidden` and with `shown`, each well-formed.
  void expect_editions(DaemonProcess& daemon, const std::string& hidden, const std::string& shown) {
    const HttpReply atom = daemon.get("/feed.atom");
    ASSERT_EQ(atom.status, 200);
    EXPECT_FALSE(contains(atom_titles(atom.body), hidden)) << atom.body;
    EXPECT_TRUE(contains(atom_titles(atom.body), shown)) << atom.body;
    const HttpReply json = daemon.get("/feed.json");
    EXPECT_FALSE(contains(json_titles(json.body), hidden)) << json.body;
    EXPECT_TRUE(contains(json_titles(json.body), shown)) << json.body;
    const HttpReply rss_edition = daemon.get("/feed.rss");
    EXPECT_TRUE(is_well_formed_xml(rss_edition.body)) << rss_edition.body;
    EXPECT_EQ(rss_edition.body.find(hidden), std::string::npos) << rss_edition.body;
    EXPECT_NE(rss_edition.body.find(shown), std::string::npos) << rss_edition.body;
    const HttpReply search = daemon.get("/feed.atom?q=" + hidden.substr(0, hidden.find(' ')));
    EXPECT_FALSE(contains(atom_titles(search.body), hidden)) << search.body;
  }

  // Reloads and waits until /feed.atom answers what `is_awaited` says.
  HttpReply reload_until(DaemonProcess& daemon, const std::string& filters,
                         const std::function<bool(const std::vector<std::string>&)>& is_awaited) {
    write_config(filters);
    daemon.signal(SIGHUP);
    return daemon.wait_until_http(
        "/feed.atom", [&](const HttpReply& reply) { return is_awaited(atom_titles(reply.body)); }, 30s);
  }

  std::int64_t hidden_items_in_sources_json(DaemonProcess& daemon) {
    const boost::json::value sources = boost::json::parse(daemon.get("/sources.json").body);
    return sources.at("sources").as_array().at(0).at("hidden_items").as_int64();
  }

  CommandResult run_tributary(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {TRIBUTARY_TEST_BINARY, "--config", (dir_.path() / "tributary.toml").string()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run_command(argv, 60s);
  }

  TempDir dir_;
  FakeUpstream upstream_;
};

TEST_F(FiltersTest, BlockAtStartThenByReloadOverAStoredItemThenBackWhenRemoved) {
  const std::string sponsored = block_filter("title", "(?i)^sponsored:");
  DaemonProcess daemon(write_config(sponsored), dir_.path() / "run.log");
  ASSERT_TRUE(daemon.wait_until_listening()) << daemon.output();
  ASSERT_TRUE(daemon.wait_until_sources_polled(1, SourcesPolled::successfully, 30s)) << daemon.output();
  expect_editions(daemon, "Sponsored: buy this phone", "Rust jobs this week");
  EXPECT_EQ(hidden_items_in_sources_json(daemon), 1);
  const CommandResult status = run_tributary({"status"});
  EXPECT_NE(status.output.find("ITEMS  HIDDEN"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("3      1       "), std::string::npos) << status.output;

  // A second filter over an item already stored: the source is not polled
  // again (pinned to an hour), the stored item disappears.
  HttpReply atom = reload_until(daemon, sponsored + block_filter("content", "(?i)\\bjobs\\b"),
                                [](const auto& titles) { return !contains(titles, "Rust jobs this week"); });
  EXPECT_EQ(atom_titles(atom.body), (std::vector<std::string>{"Plain news"})) << daemon.output();
  expect_editions(daemon, "Rust jobs this week", "Plain news");
  EXPECT_EQ(hidden_items_in_sources_json(daemon), 2);
  EXPECT_TRUE(daemon.wait_for_log("filters: 1 stored item hidden, 0 shown again (3 judged)", 10s)) << daemon.output();
  EXPECT_EQ(upstream_.hits("/a.xml"), 1);

  atom = reload_until(daemon, "", [](const auto& titles) { return titles.size() == 3; });
  EXPECT_EQ(atom_titles(atom.body),
            (std::vector<std::string>{"Sponsored: buy this phone", "Rust jobs this week", "Plain news"}))
      << daemon.output();
  EXPECT_EQ(hidden_items_in_sources_json(daemon), 0);
  EXPECT_EQ(daemon.stop(20s), 0) << daemon.output();
}

// poll --once judges what is stored when the filters changed since the
// last run, as the daemon does at start (the unchanged items it polls again
// are not judged at ingest).
TEST_F(FiltersTest, PollOnceJudgesStoredItemsWhenTheFiltersChanged) {
  write_config("");
  const CommandResult first = run_tributary({"poll", "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  write_config(block_filter("content", "(?i)\\bjobs\\b"));
  const CommandResult second = run_tributary({"poll", "--once"});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("filters: 1 stored item hidden, 0 shown again (3 judged)"), std::string::npos)
      << second.output;
  const CommandResult status = run_tributary({"status"});
  EXPECT_NE(status.output.find("3      1       "), std::string::npos) << status.output;
}

TEST_F(FiltersTest, AKeepFilterScopedByTagLetsOnlyMatchingItemsOfThoseSourcesPass) {
  upstream_.serve("/b.xml", {.headers = {{"Content-Type", "application/rss+xml"}},
                             .body = rss({"Go release notes", "Weather report"}, "other.example")});
  DaemonConfig config(dir_.path() / "t.db");
  config.raw("[[filter]]\naction = \"keep\"\nfield = \"any\"\npattern = \"(?i)rust|phone\"\ntags = [\"jobs\"]\n")
      .source(upstream_.url("/a.xml"), "A", "tags = [\"jobs\"]")
      .source(upstream_.url("/b.xml"), "B", "tags = [\"news\"]");
  DaemonProcess daemon(dir_.write("tributary.toml", config.text()), dir_.path() / "run.log");
  ASSERT_TRUE(daemon.wait_until_listening()) << daemon.output();
  ASSERT_TRUE(daemon.wait_until_sources_polled(2, SourcesPolled::successfully, 30s)) << daemon.output();
  const HttpReply atom = daemon.get("/feed.atom");
  std::vector<std::string> titles = atom_titles(atom.body);
  std::sort(titles.begin(), titles.end());
  EXPECT_EQ(titles, (std::vector<std::string>{"Go release notes", "Rust jobs this week", "Sponsored: buy this phone",
                                              "Weather report"}))
      << "A's \"Plain news\" is kept out; B has no tag the filter names\n"
      << atom.body;
  EXPECT_EQ(atom_titles(daemon.get("/feed.atom?tag=jobs").body).size(), 2u);
  EXPECT_EQ(daemon.stop(20s), 0) << daemon.output();
}

TEST_F(FiltersTest, AnInvalidPatternIsRefusedByCheckAndByReloadAndTheDaemonKeepsItsFilters) {
  const std::string invalid = "[[filter]]\naction = \"block\"\nfield = \"title\"\npattern = \"(?i)sponsored(\"\n";
  write_config(invalid);
  const CommandResult check = run_tributary({"check"});
  EXPECT_EQ(check.exit_code, 2) << check.output;
  EXPECT_NE(check.output.find("tributary.toml:11:11: filter.pattern: invalid RE2 pattern: missing ): (?i)sponsored("),
            std::string::npos)
      << check.output;

  DaemonProcess daemon(write_config(block_filter("title", "(?i)sponsored")), dir_.path() / "run.log");
  ASSERT_TRUE(daemon.wait_until_listening()) << daemon.output();
  ASSERT_TRUE(daemon.wait_until_sources_polled(1, SourcesPolled::successfully, 30s)) << daemon.output();
  write_config(invalid);
  const CommandResult reload = run_tributary({"reload"});
  EXPECT_EQ(reload.exit_code, 2) << reload.output;
  daemon.signal(SIGHUP);
  ASSERT_TRUE(daemon.wait_for_log("reload failed", 30s)) << daemon.output();
  EXPECT_NE(daemon.output().find("filter.pattern: invalid RE2 pattern"), std::string::npos) << daemon.output();
  expect_editions(daemon, "Sponsored: buy this phone", "Plain news");
  EXPECT_EQ(daemon.stop(20s), 0) << daemon.output();
}

TEST_F(FiltersTest, FilterTestPreviewsTheFileWithoutChangingAnything) {
  DaemonProcess daemon(write_config(block_filter("title", "(?i)sponsored")), dir_.path() / "run.log");
  ASSERT_TRUE(daemon.wait_until_listening()) << daemon.output();
  ASSERT_TRUE(daemon.wait_until_sources_polled(1, SourcesPolled::successfully, 30s)) << daemon.output();
  const std::string before = daemon.get("/feed.atom").body;

  write_config(block_filter("any", "(?i)jobs") +
               "[[filter]]\naction = \"keep\"\nfield = \"title\"\npattern = \"news|jobs\"\nsources = [\"A\"]\n");
  const CommandResult preview = run_tributary({"filter", "test"});
  EXPECT_EQ(preview.exit_code, 0) << preview.output;
  const std::string toml = (dir_.path() / "tributary.toml").string();
  for (const std::string& line : std::vector<std::string>{
           toml + ": 2 filters over 3 items stored in " + (dir_.path() / "t.db").string() + " (nothing is changed)\n",
           "filter 1: block any \"(?i)jobs\" (" + toml + ":8), every source: would block 1 item\n",
           "    Rust jobs this week — A\n",
           "filter 2: keep title \"news|jobs\" (" + toml + ":12), sources A: would keep out 1 item\n",
           "    Sponsored: buy this phone — A\n",
           "in all: 2 of 3 items hidden by the file (1 hidden now; 1 more would be hidden, 0 shown again)\n"})
    EXPECT_NE(preview.output.find(line), std::string::npos) << line << "\nin:\n" << preview.output;

  EXPECT_EQ(daemon.get("/feed.atom").body, before) << "a preview changes nothing";
  EXPECT_EQ(hidden_items_in_sources_json(daemon), 1);
  EXPECT_EQ(daemon.stop(20s), 0) << daemon.output();
}

}  // namespace
}  // namespace tributary::testing
