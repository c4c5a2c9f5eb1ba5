// What the daemon publishes, whatever its sources hold (issues 16 and 17):
// the real tributary binary polls a JSON Feed full of control characters,
// a feed behind credentials in its URL, undated and same-dated items, an
// entry with two authors, and two outlets carrying one story; then every document it serves is parsed
// strictly (libxml2 without recovery, Boost.JSON, strict UTF-8), searched for
// the password, and read for order, self links and channels after a reload.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <memory>

#include "core/text.hpp"
#include "support/atom_reader.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kPassword = "s3cr3t-pa55";

// Every field a JSON Feed item can carry text in, with C0 controls, NUL,
// DEL, C1 controls and noncharacters (JSON escapes, so the bytes are valid).
const std::string kHostileJsonFeed = R"json({
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Hostile\u0001 feed\uFFFE",
  "home_page_url": "https://hostile.example/",
  "authors": [{"name": "Feed\u0007 author"}],
  "items": [
    {"id": "h1", "url": "https://hostile.example/1", "title": "One\u0001 title\uFFFF",
     "content_text": "a\u0001b\u0000c\u001fd\u007fe\u0085f\uFDD0g",
     "summary": "sum\u0002mary", "language": "en\u0003",
     "date_published": "2026-11-30T08:00:00Z",
     "authors": [{"name": "Jo\u0008 Doe"}], "tags": ["t\u0004ag"],
     "attachments": [{"url": "https://hostile.example/a.mp3", "mime_type": "audio/mpeg\u0000", "size_in_bytes": 12}]},
    {"id": "h2", "url": "https://hostile.example/2", "title": "Two",
     "content_html": "<p>x\u0001y\uFFFEz</p>", "date_published": "2026-11-30T07:00:00Z"}
  ]
})json";

// RFC 4287 §4.2.1: an entry may have several authors, each its own element.
const std::string kTwoAuthorsAtom = R"xml(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Co-written</title><id>urn:uuid:co-written</id>
<updated>2026-11-30T09:00:00Z</updated><link href="https://cowritten.example/"/>
<entry><title>Written by two</title><id>urn:uuid:co-written-1</id><link href="https://cowritten.example/1"/>
<updated>2026-11-30T09:00:00Z</updated>
<author><name>Ann Author</name></author><author><name>Bob Writer</name><email>bob@cowritten.example</email></author>
<content type="html">&lt;p&gt;Two voices.&lt;/p&gt;</content></entry></feed>)xml";

std::string rss_item(const std::string& title, const std::string& link, const std::string& pub_date) {
  return "<item><title>" + title + "</title><link>" + link + "</link><guid>" + link + "</guid>" +
         (pub_date.empty() ? "" : "<pubDate>" + pub_date + "</pubDate>") + "<description>Text of " + title +
         "</description></item>";
}

std::string rss(const std::string& title, const std::string& items) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>" + title +
         "</title><link>https://example.org/</link><description>d</description>" + items + "</channel></rss>";
}

bool is_well_formed_xml(const std::string& document) {
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> parsed(
      xmlReadMemory(document.data(), static_cast<int>(document.size()), "served.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      &xmlFreeDoc);
  return parsed != nullptr;
}

bool is_strict_json(const std::string& document) {
  boost::system::error_code error;
  boost::json::parse(document, error);
  return !error && core::is_valid_utf8(document);  // Boost.JSON accepts any bytes inside strings; readers need UTF-8
}

class Output : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    upstream_ = std::make_unique<FakeUpstream>();
    upstream_->serve("/hostile.json", {200, {{"Content-Type", "application/feed+json"}}, kHostileJsonFeed, {}, {}});
    upstream_->serve("/authors.atom", {200, {{"Content-Type", "application/atom+xml"}}, kTwoAuthorsAtom, {}, {}});
    upstream_->serve(
        "/private.xml",
        {200,
         {{"Content-Type", "application/rss+xml"}},
         rss("Private feed", rss_item("Private story", "https://private.example/1", "Mon, 30 Nov 2026 06:00:00 GMT")),
         {},
         {}});
    // Undated items, then three sharing one date: each group in the order listed.
    upstream_->serve("/ordered.xml", {200,
                                      {{"Content-Type", "application/rss+xml"}},
                                      rss("Ordered", rss_item("Undated first", "https://ordered.example/u1", "") +
                                                         rss_item("Undated second", "https://ordered.example/u2", "") +
                                                         rss_item("Undated third", "https://ordered.example/u3", "")),
                                      {},
                                      {}});
    upstream_->serve(
        "/tied.xml",
        {200,
         {{"Content-Type", "application/rss+xml"}},
         rss("Tied", rss_item("Tied first", "https://tied.example/1", "Sun, 01 Nov 2026 10:00:00 GMT") +
                         rss_item("Tied second", "https://tied.example/2", "Sun, 01 Nov 2026 10:00:00 GMT") +
                         rss_item("Tied third", "https://tied.example/3", "Sun, 01 Nov 2026 10:00:00 GMT")),
         {},
         {}});
    // One story at two outlets (the same canonical URL): Early published it first.
    upstream_->serve("/early.xml", {200,
                                    {{"Content-Type", "application/rss+xml"}},
                                    rss("Early Outlet", rss_item("Early's headline", "https://wire.example/story",
                                                                 "Mon, 02 Nov 2026 08:00:00 GMT")),
                                    {},
                                    {}});
    upstream_->serve("/late.xml",
                     {200,
                      {{"Content-Type", "application/rss+xml"}},
                      rss("Late Outlet", rss_item("Late's headline", "https://wire.example/story?utm_source=late",
                                                  "Mon, 02 Nov 2026 09:00:00 GMT")),
                      {},
                      {}});
    dir_ = std::make_unique<TempDir>();
    const std::string private_url = "http://reader:" + std::string(kPassword) + "@" + upstream_->host() + ":" +
                                    std::to_string(upstream_->port()) + "/private.xml";
    config_ = dir_->write("tributary.toml", config_text(private_url, "[\"wire\"]"));
    private_url_ = private_url;
    daemon_ = std::make_unique<DaemonProcess>(config_, dir_->path() / "daemon.log");
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    // Seven sources on one host at the shipped host_delay (2s): ready once
    // /sources.json shows a success for every one.
    is_ready_ = daemon_->wait_until_sources_polled(7, SourcesPolled::successfully, 60s);
    ASSERT_TRUE(is_ready_) << "not every source was polled\n" << daemon_->output();
  }

  // `early_tags` (a TOML array) and `tied_lines` change across a reload.
  static std::string config_text(const std::string& private_url, const std::string& early_tags,
                                 const std::string& tied_lines = "") {
    DaemonConfig config(dir_->path() / "tributary.db");
    config.schedule("interval = \"1h\"")
        .feed("title = \"Output test\"")
        .channel("name = \"wire\"\ntags = [\"wire\"]")
        .source(upstream_->url("/hostile.json"), "Hostile")
        .source(upstream_->url("/authors.atom"), "Co")
        .source(private_url, "Private")
        .source(upstream_->url("/ordered.xml"), "Ordered")
        .source(upstream_->url("/tied.xml"), "Tied", tied_lines)
        .source(upstream_->url("/early.xml"), "Early", "tags = " + early_tags)
        .source(upstream_->url("/late.xml"), "", "tags = [\"other\"]");
    return config.text();
  }

  static void TearDownTestSuite() {
    daemon_.reset();
    upstream_.reset();
    dir_.reset();
  }

  void SetUp() override {
    if (!is_ready_) GTEST_SKIP() << "the daemon did not come up (see SetUpTestSuite's failure)";
  }

  static HttpReply get(const std::string& target) { return daemon_->get(target); }

  static std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
  }

  static std::vector<std::string> titles_of(const std::string& atom) {
    std::vector<std::string> titles;
    for (const Entry& entry : entries_of(atom)) titles.push_back(entry.title);
    return titles;
  }

  static inline std::unique_ptr<FakeUpstream> upstream_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline std::filesystem::path config_;
  static inline std::string private_url_;
  static inline bool is_ready_ = false;
};

TEST_F(Output, EveryDocumentIsWellFormedWithControlCharactersInJsonFeedFields) {
  for (const char* target : {"/feed.atom", "/feed.atom?limit=500", "/feed.atom?source=Hostile", "/c/wire.atom",
                             "/feed.rss", "/feed.rss?source=Hostile", "/c/wire.rss", "/sources.opml"}) {
    HttpReply reply = get(target);
    ASSERT_EQ(reply.status, 200) << target;
    EXPECT_TRUE(is_well_formed_xml(reply.body)) << target << "\n" << reply.body;
  }
  for (const char* target : {"/feed.json", "/feed.json?limit=500", "/feed.json?source=Hostile", "/sources.json"}) {
    HttpReply reply = get(target);
    ASSERT_EQ(reply.status, 200) << target;
    EXPECT_TRUE(is_strict_json(reply.body)) << target << "\n" << reply.body;
    EXPECT_EQ(reply.body.find("\\u0001"), std::string::npos) << target;
    EXPECT_EQ(reply.body.find("\\u0000"), std::string::npos) << target;
  }
  const HttpReply atom = get("/feed.atom?source=Hostile");
  EXPECT_NE(atom.body.find("abcdefg"), std::string::npos) << atom.body;  // the text stays, the controls go
}

TEST_F(Output, CredentialsInASourceUrlAreNeverPublished) {
  const std::string redacted = "http://" + upstream_->host() + ":" + std::to_string(upstream_->port()) + "/private.xml";
  for (const std::string& target :
       std::vector<std::string>{"/", "/feed.atom", "/feed.json", "/feed.rss", "/feed.atom?source=Private",
                                "/feed.rss?source=Private", "/feed.json?source=Private&limit=1",
                                "/feed.atom?source=" + redacted, "/sources.json", "/sources.opml", "/metrics"}) {
    HttpReply reply = get(target);
    EXPECT_EQ(reply.status, 200) << target << "\n" << reply.body;
    EXPECT_EQ(reply.body.find(kPassword), std::string::npos) << target << "\n" << reply.body;
  }
  // The entry names its source by the URL without credentials.
  const std::vector<Entry> entries = entries_of(get("/feed.atom?source=Private").body);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].source_self, redacted);
  EXPECT_EQ(daemon_->output().find(kPassword), std::string::npos) << daemon_->output();
}

TEST_F(Output, ItemsThatTieOnDateKeepTheirFeedsOrder) {
  EXPECT_EQ(titles_of(get("/feed.atom?source=Ordered").body),
            (std::vector<std::string>{"Undated first", "Undated second", "Undated third"}));
  EXPECT_EQ(titles_of(get("/feed.atom?source=Tied").body),
            (std::vector<std::string>{"Tied first", "Tied second", "Tied third"}));
}

TEST_F(Output, ThePollLogsDurationIncludesParsing) {
  // Issue 16.7: a document slow to parse must show in the poll's duration.
  EXPECT_NE(daemon_->output().find(" ms (parse "), std::string::npos) << daemon_->output();
}

TEST_F(Output, AnEntryKeepsEveryAuthor) {
  const HttpReply atom = get("/feed.atom?source=Co");
  ASSERT_EQ(atom.status, 200);
  EXPECT_NE(
      atom.body.find("<author><name>Ann Author (Co)</name></author><author><name>Bob Writer (Co)</name></author>"),
      std::string::npos)
      << atom.body;
  const HttpReply json = get("/feed.json?source=Co");
  ASSERT_EQ(json.status, 200);
  const boost::json::value document = boost::json::parse(json.body);
  const boost::json::array& authors = document.at("items").at(0).at("authors").as_array();
  ASSERT_EQ(authors.size(), 2u) << json.body;
  EXPECT_EQ(authors[0].at("name").as_string(), "Ann Author (Co)");
  EXPECT_EQ(authors[1].at("name").as_string(), "Bob Writer (Co)");
}

TEST_F(Output, AViewOfOneOutletShowsItsOwnCopyOfAStory) {
  const std::vector<Entry> merged = entries_of(get("/feed.atom?tag=wire&tag=other").body);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].title, "Early's headline");
  const std::string late_view = "/feed.atom?source=" + upstream_->url("/late.xml");
  const std::vector<Entry> late = entries_of(get(late_view).body);
  ASSERT_EQ(late.size(), 1u) << get(late_view).body;
  EXPECT_EQ(late[0].title, "Late's headline");
  EXPECT_EQ(late[0].link, "https://wire.example/story?utm_source=late");
  // Early's copy is this very page without the tracking parameter: no
  // related link points back at it (issue 23).
  EXPECT_TRUE(late[0].related.empty()) << late[0].related[0];
  // An unnamed source is shown by its feed's title.
  EXPECT_EQ(late[0].source_title, "Late Outlet");
  EXPECT_NE(get("/").body.find("Late Outlet"), std::string::npos);
}

TEST_F(Output, AViewsSelfLinkIsTheUrlItWasRequestedAt) {
  for (const std::string& target : std::vector<std::string>{"/feed.atom?limit=500", "/feed.atom?tag=other&limit=5",
                                                            "/feed.atom?limit=5&tag=other", "/feed.atom?source=Tied"}) {
    const HttpReply reply = get(target);
    ASSERT_EQ(reply.status, 200) << target;
    EXPECT_EQ(feed_link(reply.body, "self"), daemon_->base_url() + target.substr(1));
  }
}

TEST_F(Output, AChannelFollowsTheTagsOfAReload) {
  EXPECT_EQ(titles_of(get("/c/wire.atom").body), (std::vector<std::string>{"Early's headline"}));
  // Early leaves the channel, Tied joins it.
  dir_->write("tributary.toml", config_text(private_url_, "[\"other\"]", "tags = [\"wire\"]"));
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(daemon_->wait_for_log("reloaded ", 30s)) << daemon_->output();
  // Readers subscribe to the channel's plain URL: it must follow at once.
  EXPECT_EQ(titles_of(get("/c/wire.atom").body), (std::vector<std::string>{"Tied first", "Tied second", "Tied third"}));
}

}  // namespace
}  // namespace tributary::testing
