// The renderers' guarantees (issues 16 and 17): every document is
// well-formed and strict UTF-8 whatever the stored strings hold, credentials
// in source URLs are never published, nothing empty is written, and the
// outlet is named the way [feed] attribution says.
#include "render/render.hpp"

#include <gtest/gtest.h>
#include <libxml/parser.h>

#include <boost/json/parse.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "unit/render/fixtures.hpp"

namespace tributary::render {
namespace {

using fixtures::at;

FeedHeader header() { return fixtures::header("http://127.0.0.1:8080/feed.atom"); }

store::StoredEntry stored_entry() { return fixtures::outlet_entry(); }

// Strict XML 1.0: no recovery, errors are failures.
bool is_well_formed_xml(const std::string& document) {
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> parsed(
      xmlReadMemory(document.data(), static_cast<int>(document.size()), "test.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      &xmlFreeDoc);
  return parsed != nullptr;
}

bool is_strict_json(const std::string& document) {
  boost::system::error_code error;
  boost::json::parse(document, error);
  return !error && core::is_valid_utf8(document);
}

// Characters XML forbids or validators flag, and bytes that are not UTF-8.
const std::string kHostile = std::string(
                                 "a\x01"
                                 "b\x00"
                                 "c",
                                 5) +
                             "\x0b\x1f\x7f" + "\xc2\x85\xc2\x9f" + "\xef\xbf\xbe\xef\xbf\xbf\xef\xb7\x90" + "\xff\xfe" +
                             "\xed\xa0\x80" + "\xef\xbf\xbd" + "d";

TEST(RenderedFeed, HttpFieldsCarryTheTypeTheValidatorsAndNothingElse) {
  const core::Timestamp changed = core::make_timestamp(1994, 11, 6, 8, 49, 37).value();
  const auto feed = make_rendered("application/atom+xml; charset=utf-8", "<feed/>", changed);
  ASSERT_EQ(feed->etag.size(), 34u);
  EXPECT_EQ(feed->http_fields,
            "Content-Type: application/atom+xml; charset=utf-8\r\n"
            "ETag: " +
                feed->etag +
                "\r\n"
                "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
}

TEST(PublishableOutput, HostileCharactersInEveryFieldLeaveTheAtomFeedWellFormed) {
  store::StoredEntry stored = stored_entry();
  normalize::Entry& entry = stored.entry;
  entry.title = "T" + kHostile;
  entry.summary_html = "S" + kHostile;
  entry.content_html = "C" + kHostile;
  entry.lang = "en" + kHostile;
  entry.author_name = "Au" + kHostile;
  entry.categories = {"cat" + kHostile};
  entry.enclosures = {{"https://outlet.example/a.mp3", "audio/mpeg" + kHostile, 12}};
  stored.source_title = "Src" + kHostile;
  stored.copies = {{"Other" + kHostile, "https://other.example/x"}};
  FeedHeader feed = header();
  feed.title = "Merged" + kHostile;
  feed.subtitle = "Sub" + kHostile;
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string atom = render_atom(feed, entries);
  EXPECT_TRUE(is_well_formed_xml(atom)) << atom;
  EXPECT_TRUE(core::is_valid_utf8(atom));
  EXPECT_EQ(core::publishable_text(atom), atom);  // nothing a validator flags is left
  EXPECT_NE(atom.find("<title type=\"text\">Tabcd</title>"), std::string::npos) << atom;
}

TEST(PublishableOutput, HostileCharactersInEveryFieldLeaveTheJsonFeedStrict) {
  store::StoredEntry stored = stored_entry();
  stored.entry.title = "T" + kHostile;
  stored.entry.content_html.clear();
  stored.entry.summary_html.clear();
  stored.entry.lang = "en" + kHostile;
  stored.entry.enclosures = {{"https://outlet.example/a.mp3", "audio/mpeg" + kHostile, 12}};
  stored.source_title = "Src" + kHostile;
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string json = render_json_feed(header(), entries);
  EXPECT_TRUE(is_strict_json(json)) << json;
  EXPECT_EQ(json.find("\\u0001"), std::string::npos) << json;
  EXPECT_EQ(json.find("\\u0000"), std::string::npos) << json;
  EXPECT_NE(json.find("\"title\":\"Tabcd\""), std::string::npos) << json;
}

TEST(PublishableOutput, SourcesJsonAndOpmlCarryNoInvalidBytes) {
  SourceStatus status;
  status.record.id = 1;
  status.record.config_url = "https://outlet.example/feed";
  status.record.name = "Name" + kHostile;
  status.record.last_error = "http: HTTP 500 " + kHostile;
  status.state = "failing";
  const std::vector<SourceStatus> sources = {status};
  EXPECT_TRUE(is_strict_json(render_sources_json(sources, {}, at("2026-11-30T12:00:00Z"))));
  EXPECT_TRUE(is_well_formed_xml(render_opml("Title" + kHostile, sources, at("2026-11-30T12:00:00Z"))));
  LandingPage page;
  page.title = "Title" + kHostile;
  page.now = at("2026-11-30T12:00:00Z");
  const std::string html = render_landing(page, sources);
  EXPECT_EQ(core::publishable_text(html), html);
}

TEST(Credentials, ASourceUrlsUserinfoIsNeverPublished) {
  store::StoredEntry stored = stored_entry();
  stored.source_config_url = "http://user:secret@outlet.example/feed";
  stored.source_feed_url = "http://user:secret@outlet.example/feed";
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string atom = render_atom(header(), entries);
  const std::string json = render_json_feed(header(), entries);
  EXPECT_EQ(atom.find("secret"), std::string::npos) << atom;
  EXPECT_EQ(json.find("secret"), std::string::npos) << json;
  EXPECT_NE(atom.find("<id>http://outlet.example/feed</id>"), std::string::npos) << atom;
}

TEST(AtomEntries, AnEntryWithoutTextHasNoContentElementButItsTitleAsSummary) {
  store::StoredEntry stored = stored_entry();
  stored.entry.content_html.clear();
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string atom = render_atom(header(), entries);
  EXPECT_EQ(atom.find("<content"), std::string::npos) << atom;
  EXPECT_NE(atom.find("<summary type=\"text\">A headline</summary>"), std::string::npos) << atom;
}

// RFC 4287 §4.1.1: an entry without atom:content must have an alternate
// link (the W3C validator: "Missing content or alternate link").
TEST(AtomEntries, AnEntryWithoutTextOrLinkHasItsTitleAsContent) {
  store::StoredEntry stored = stored_entry();
  stored.entry.content_html.clear();
  stored.entry.url.clear();
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string atom = render_atom(header(), entries);
  EXPECT_NE(atom.find("<content type=\"text\">A headline</content>"), std::string::npos) << atom;
  EXPECT_EQ(atom.find("<summary"), std::string::npos) << atom;
}

TEST(AtomEntries, TheSourceElementAlwaysHasUpdated) {
  store::StoredEntry stored = stored_entry();
  const std::vector<store::StoredEntry> entries = {stored};
  EXPECT_NE(render_atom(header(), entries).find("<updated>2026-11-30T09:00:00Z</updated></source>"), std::string::npos);
  stored.source_updated = at("2026-11-30T11:30:00Z");
  const std::vector<store::StoredEntry> with_updated = {stored};
  EXPECT_NE(render_atom(header(), with_updated).find("<updated>2026-11-30T11:30:00Z</updated></source>"),
            std::string::npos);
}

TEST(AtomEntries, AnAmpersandBeforeAWordIsACharacterReference) {
  // "1&1" reads like an entity to validators that tell text from HTML; the
  // RSS Profile's &#x26; does not.
  store::StoredEntry stored = stored_entry();
  stored.entry.title = "1&1 and AT&T & more";
  const std::vector<store::StoredEntry> entries = {stored};
  const std::string atom = render_atom(header(), entries);
  EXPECT_NE(atom.find("<title type=\"text\">1&#x26;1 and AT&#x26;T &amp; more</title>"), std::string::npos) << atom;
}

TEST(Attribution, AuthorModeNamesTheOutletInTheAuthor) {
  store::StoredEntry stored = stored_entry();
  stored.entry.author_name = "Jo Doe";
  EXPECT_EQ(display_authors(stored, config::Attribution::author), (std::vector<std::string>{"Jo Doe (Outlet)"}));
  EXPECT_EQ(display_authors(stored, config::Attribution::none), (std::vector<std::string>{"Jo Doe"}));
  stored.entry.author_name.clear();
  EXPECT_EQ(display_authors(stored, config::Attribution::author), (std::vector<std::string>{"Outlet"}));
  FeedHeader feed = header();
  const std::vector<store::StoredEntry> entries = {stored_entry()};
  EXPECT_NE(render_atom(feed, entries).find("<author><name>Outlet</name></author>"), std::string::npos);
}

TEST(Attribution, EveryAuthorIsNamedEachInItsOwnElement) {
  store::StoredEntry stored = stored_entry();
  stored.entry.author_name = "Ann Author";
  stored.entry.authors = {
      {"Ann Author", "", ""}, {"", "bob@example.org", ""}, {"Ann Author", "", "https://a.example/"}};
  EXPECT_EQ(display_authors(stored, config::Attribution::none),
            (std::vector<std::string>{"Ann Author", "bob@example.org"}));
  const std::vector<store::StoredEntry> entries = {stored};
  EXPECT_NE(render_atom(header(), entries)
                .find("<author><name>Ann Author (Outlet)</name></author><author><name>bob@example.org (Outlet)</name>"
                      "</author>"),
            std::string::npos);
}

TEST(Attribution, TitleModePrefixesTheOutlet) {
  store::StoredEntry stored = stored_entry();
  stored.entry.author_name = "Jo Doe";
  EXPECT_EQ(shown_title(stored, config::Attribution::title), "Outlet: A headline");
  EXPECT_EQ(shown_title(stored, config::Attribution::author), "A headline");
  EXPECT_EQ(display_authors(stored, config::Attribution::title), (std::vector<std::string>{"Jo Doe"}));
  FeedHeader feed = header();
  feed.attribution = config::Attribution::title;
  const std::vector<store::StoredEntry> entries = {stored};
  EXPECT_NE(render_json_feed(feed, entries).find("\"title\":\"Outlet: A headline\""), std::string::npos);
}

// W3C WebSub §4: discovery through the document itself.
TEST(WebSubDiscovery, AtomAndJsonFeedNameTheHub) {
  FeedHeader feed = header();
  feed.hub_url = "http://127.0.0.1:8080/websub/hub";
  const std::vector<store::StoredEntry> entries = {stored_entry()};
  EXPECT_NE(render_atom(feed, entries).find("<link rel=\"hub\" href=\"http://127.0.0.1:8080/websub/hub\"/>"),
            std::string::npos);
  EXPECT_NE(render_json_feed(feed, entries)
                .find("\"hubs\":[{\"type\":\"WebSub\",\"url\":\"http://127.0.0.1:8080/websub/hub\"}]"),
            std::string::npos);
}

TEST(WebSubDiscovery, NoHubNoLink) {
  const std::vector<store::StoredEntry> entries = {stored_entry()};
  EXPECT_EQ(render_atom(header(), entries).find("rel=\"hub\""), std::string::npos);
  EXPECT_EQ(render_json_feed(header(), entries).find("\"hubs\""), std::string::npos);
}

}  // namespace
}  // namespace tributary::render
