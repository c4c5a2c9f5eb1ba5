// What real readers and validators see (issue 17): the real tributary binary
// polls a varied set of real-world documents from the shared corpus (RSS
// 0.90, 1.0 and 2.0, Atom with HTML and xhtml content, a video feed, JSON
// Feed 1.0 and 1.1, undated items, ISO-8859-1 declared and undeclared,
// windows-1251, Urdu, one blog as both Atom and RSS, a source without a
// name, a failing source), then its merged feed, a channel and a filtered
// view are judged by tools nobody here wrote: the W3C Feed Validation
// Service (every warning class counted; the only one allowed is
// DuplicateUpdated), jing with the RFC 4287 RELAX NG schema, Universal Feed
// Parser, and three readers — newsboat, sfeed and rss2email (its mail goes
// to a stub sendmail). Every XML and JSON document served must be
// well-formed. A failure names each kind of problem once, with examples.
// CTest runs it twice: with the store in SQLite, and (the environment says
// TRIBUTARY_TEST_STORE=postgresql) in a database of the tests' throwaway
// PostgreSQL cluster, so that the judges read what either engine serves.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "support/atom_reader.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/postgres_cluster.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// One corpus document, served by the fake upstream as one source.
struct CorpusSource {
  std::string name;  // empty: the config names none (the daemon falls back to the URL's host)
  std::string corpus_path;
  std::string served_path;
  std::string content_type;
  std::string tags;  // a TOML array
};

const std::vector<CorpusSource>& corpus_sources() {
  static const std::string parser = "miniflux/internal/reader/parser/testdata/";
  static const std::string atom = "miniflux/internal/reader/atom/atom_10_test/";
  static const std::vector<CorpusSource> sources = {
      // A blog's Atom feed (HTML content), and the same blog as RSS 2.0: the same stories.
      {"Artificial truth (Atom)", parser + "large_atom.xml", "/dustri/atom.xml", "application/atom+xml",
       R"(["blog", "en"])"},
      {"Artificial truth (RSS)", parser + "large_rss.xml", "/dustri/rss.xml", "application/rss+xml",
       R"(["blog", "en"])"},
      // RSS 0.90: undated items, German, "1&1" in titles.
      {"heise online", parser + "rdf_UTF8.xml", "/heise/news.rdf", "application/rdf+xml", R"(["de", "news"])"},
      // RSS 2.0 in ISO-8859-1 with content:encoded; Cyrillic in windows-1251; Urdu (right to left) in CDATA.
      {"Golem.de", parser + "encoding_ISO-8859-1.xml", "/golem/rss.php", "application/rss+xml", R"(["de", "news"])"},
      {"iBash.Org.Ru", parser + "encoding_WINDOWS-1251.xml", "/ibash/rss.xml", "application/rss+xml", R"(["ru"])"},
      {"BBC Urdu", parser + "urdu_UTF8.xml", "/urdu/rss.xml", "application/rss+xml", R"(["news"])"},
      // GitHub's commit feed: Atom with HTML content and media:thumbnail.
      {"GitHub: miniflux commits", parser + "small_atom.xml", "/github/commits.atom", "application/atom+xml",
       R"(["code"])"},
      // RSS 1.0 with Dublin Core and URLs wrapped in spaces.
      {"bioRxiv Bioengineering", "miniflux/internal/reader/rdf/parser_test/TestParseFeedWithURLWrappedInSpaces_01.xml",
       "/biorxiv/rss1.xml", "application/rdf+xml", R"(["science"])"},
      // Atom with xhtml content: with two enclosures; with "AT&T", from a source the config does not name.
      {"My Podcast Feed", atom + "TestParseEntryWithEnclosures_01.xml", "/podcast/feed.atom", "application/atom+xml",
       R"(["en"])"},
      {"", atom + "TestParseEntryWithXHTMLContent_01.xml", "/unnamed/feed.atom", "application/atom+xml", "[]"},
      // A video feed as YouTube writes them: the text is in media:group/media:description.
      {"My Video Feed", atom + "TestParseMediaGroup_01.xml", "/video/feed.atom", "application/atom+xml", R"(["en"])"},
      // JSON Feed 1.0 with an attachment; JSON Feed 1.1: an undated item without a title whose
      // content_text has "<div>", "&" and "<" literally.
      {"The Record", "miniflux/internal/reader/json/parser_test/TestParsePodcast_01.json", "/record/feed.json",
       "application/json", R"(["en"])"},
      {"Plain text JSON",
       "miniflux/internal/reader/json/parser_test/TestParseItemWithPlainTextContentContainingHTMLCharacters_01.json",
       "/plain/feed.json", "application/feed+json", R"(["en"])"},
      // French in ISO-8859-1 without an encoding declaration, served without a charset.
      {"Le Cercle Psy", parser + "no_encoding_ISO-8859-1.xml", "/psy/rss", "application/rss+xml", R"(["fr"])"},
      // RSS 2.0 items that are an enclosure alone: no link, no text (an Atom entry without content needs an
      // alternate link, RFC 4287 §4.1.1).
      {"Enclosures only", "gofeed/testdata/parser/rss/issue_217_enclosure_children.xml", "/enclosures/rss.xml",
       "application/rss+xml", R"(["en"])"}};
  return sources;
}

constexpr const char* kFailingPath = "/broken/feed.xml";  // answers 404
constexpr const char* kChannel = "deutsch";               // tags = ["de"]
constexpr const char* kFilteredSource = "Golem.de";

// The documents under test: each fetched once the daemon has polled every source.
struct View {
  std::string label;   // a test-name-safe name
  std::string target;  // path and query on the daemon
};

// gtest prints a failing test's parameter with this.
void PrintTo(const View& view, std::ostream* out) { *out << view.target; }

const std::vector<View>& atom_views() {
  static const std::vector<View> views = {
      {"merged_500", "/feed.atom?limit=500"},
      {"merged", "/feed.atom"},
      {"channel", std::string("/c/") + kChannel + ".atom"},
      {"filtered", std::string("/feed.atom?source=") + kFilteredSource + "&tag=de"}};
  return views;
}

const std::vector<std::string>& json_targets() {
  static const std::vector<std::string> targets = {
      "/feed.json?limit=500", "/feed.json", std::string("/c/") + kChannel + ".json",
      std::string("/feed.json?source=") + kFilteredSource + "&tag=de", "/sources.json"};
  return targets;
}

struct Fetched {
  std::string url;  // as a reader would have it: http://127.0.0.1:PORT/…
  std::string content_type;
  std::string body;
  std::filesystem::path file;
};

std::string collapse_spaces(const std::string& text) {
  std::string out;
  bool is_space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      is_space = !out.empty();
      continue;
    }
    if (is_space) out += ' ';
    is_space = false;
    out += c;
  }
  return out;
}

bool is_blank(const std::string& text) { return collapse_spaces(text).empty(); }

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

using XmlDocument = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

const xmlChar* xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

// The libxml2 errors of a strict parse (no recovery, no network); empty
// when the document is well-formed XML.
std::string xml_errors(const std::string& document) {
  std::string errors;
  xmlSetStructuredErrorFunc(&errors, [](void* sink, xmlErrorPtr error) {
    *static_cast<std::string*>(sink) += "line " + std::to_string(error->line) + ": " + error->message;
  });
  const XmlDocument parsed(xmlReadMemory(document.data(), static_cast<int>(document.size()), nullptr, nullptr,
                                         XML_PARSE_NONET | XML_PARSE_NOWARNING),
                           xmlFreeDoc);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (!parsed && errors.empty()) errors = "not parsed";
  return errors;
}

// The ids of the entries whose atom:content or atom:summary is there but
// empty (no text, no xhtml child, no src): the element says "here is the
// text" and a reader shows an empty article.
std::vector<std::string> entries_with_empty_text(const std::string& atom) {
  const XmlDocument document(
      xmlReadMemory(atom.data(), static_cast<int>(atom.size()), nullptr, nullptr, XML_PARSE_NONET), xmlFreeDoc);
  if (!document) return {"(not parsed)"};
  const std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> xpath(xmlXPathNewContext(document.get()),
                                                                               xmlXPathFreeContext);
  xmlXPathRegisterNs(xpath.get(), xml("a"), xml("http://www.w3.org/2005/Atom"));
  const std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> ids(
      xmlXPathEvalExpression(xml("/a:feed/a:entry[a:content[not(@src) and not(*) and normalize-space(.)=''] or "
                                 "a:summary[not(*) and normalize-space(.)='']]/a:id"),
                             xpath.get()),
      xmlXPathFreeObject);
  std::vector<std::string> found;
  for (int i = 0; ids && ids->nodesetval && i < ids->nodesetval->nodeNr; ++i) {
    const std::unique_ptr<xmlChar, decltype(xmlFree)> text(xmlNodeGetContent(ids->nodesetval->nodeTab[i]), xmlFree);
    found.emplace_back(text ? reinterpret_cast<const char*>(text.get()) : "");
  }
  return found;
}

std::filesystem::path support_script(const char* name) {
  return std::filesystem::path(TRIBUTARY_SOURCE_DIR) / "tests/support" / name;
}

// Fails the calling test (with what to do) when a tool is not installed.
::testing::AssertionResult is_installed(const std::filesystem::path& tool, const char* package) {
  if (std::filesystem::exists(tool)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << tool.string() << " is missing: install Debian's " << package
                                       << " (scripts/ensure-packages installs scripts/debian-packages.txt)";
}

// Runs tests/support/feed_readers.py; its JSON result, or null with the
// failure added to the test.
json::value python_reader(const std::vector<std::string>& arguments, const std::filesystem::path& output) {
  std::vector<std::string> argv = {"/usr/bin/python3", support_script("feed_readers.py").string(), output.string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  const CommandResult result = run_command(argv, 60s);
  if (result.exit_code != 0 || !std::filesystem::exists(output)) {
    ADD_FAILURE() << "feed_readers.py " << arguments.front() << " failed (" << result.exit_code << "):\n"
                  << result.output;
    return nullptr;
  }
  return json::parse(read_text_file(output));
}

std::string text_of(const json::value& value) {
  return value.is_string() ? std::string(value.as_string()) : std::string();
}

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// What a reader got wrong, by kind: each kind fails the test once, with how
// many entries it hit and a few examples, so that a failure reads as a list.
class Problems {
 public:
  void check(bool is_right, const std::string& kind, const std::string& example) {
    if (is_right) return;
    Found& found = kinds_[kind];
    if (found.examples.size() < 5) found.examples.push_back(example);
    ++found.count;
  }
  void expect_none(const std::string& reader) const {
    for (const auto& [kind, found] : kinds_) {
      std::string examples;
      for (const std::string& example : found.examples) examples += "\n    " + example;
      ADD_FAILURE() << reader << ": " << kind << " (" << found.count << "x), e.g." << examples;
    }
  }

 private:
  struct Found {
    int count = 0;
    std::vector<std::string> examples;
  };
  std::map<std::string, Found> kinds_;
};

// The daemon with its sources, started once for the whole program: every
// test reads the same documents.
class ReadersDaemon : public ::testing::Environment {
 public:
  void SetUp() override {
    if (shared_dir().empty()) return;  // the tests skip, as every test that needs ../shared does
    const char* store = std::getenv("TRIBUTARY_TEST_STORE");
    const bool on_postgresql = store && std::string(store) == "postgresql";
    PostgresCluster* cluster = on_postgresql ? PostgresCluster::shared() : nullptr;
    if (on_postgresql && !cluster) {
      skip_reason_ = PostgresCluster::shared_skip_reason();
      return;
    }
    upstream_ = std::make_unique<FakeUpstream>();
    dir_ = std::make_unique<TempDir>();
    DaemonConfig config = daemon_config(dir_->path() / "db/tributary.db");
    DaemonOptions options;
    if (cluster) {
      config.postgresql(cluster->create_database(cluster->unique_database_name("readers")));
      std::filesystem::create_directories(dir_->path() / "db");
      options.environment.push_back("STATE_DIRECTORY=" + (dir_->path() / "db").string());  // its pid file
    }
    daemon_ = std::make_unique<DaemonProcess>(dir_->write("tributary.toml", config.text()), dir_->path() / "daemon.log",
                                              std::move(options));
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    // Every configured source (the failing one too) has a last poll.
    ASSERT_TRUE(daemon_->wait_until_sources_polled(corpus_sources().size() + 1, SourcesPolled::at_all, 60s))
        << "not every source was polled within 60 s\n"
        << daemon_->get("/sources.json").body << "\n"
        << daemon_->output();
    ASSERT_TRUE(wait_until_the_feed_settles()) << daemon_->output();
    fetch_documents();
    is_up_ = !::testing::Test::HasFatalFailure();
  }

  void TearDown() override {
    daemon_.reset();
    upstream_.reset();
    dir_.reset();
  }

  static bool is_up() { return is_up_; }
  // Why the tests skip although ../shared is there (no PostgreSQL server).
  static const std::string& skip_reason() { return skip_reason_; }
  static const Fetched& fetched(const std::string& target) { return fetched_.at(target); }
  static std::string base_url() { return daemon_->base_url(); }
  static const std::filesystem::path& work_dir() { return dir_->path(); }

 private:
  // The daemon's configuration: the sources, a channel.
  static DaemonConfig daemon_config(const std::filesystem::path& database) {
    DaemonConfig config(database);
    config.schedule("interval = \"1h\"\nhost_delay = \"0s\"\nper_host = 16")
        .feed("title = \"What readers see\"")
        .channel("name = " + toml_string(std::string(kChannel)) + "\ntitle = \"Deutsch\"\ntags = [\"de\"]");
    serve_sources(config);
    return config;
  }

  // Serves the corpus documents and the failing source; adds their [[source]] tables.
  static void serve_sources(DaemonConfig& config) {
    for (const CorpusSource& source : corpus_sources()) {
      FakeResponse document;
      document.headers = {{"Content-Type", source.content_type}};
      document.body = read_text_file(shared_dir() / "corpus" / source.corpus_path);
      upstream_->serve(source.served_path, document);
      config.source(upstream_->url(source.served_path), source.name, "tags = " + source.tags);
    }
    upstream_->serve(kFailingPath, {404, {{"Content-Type", "text/plain"}}, "not here\n", {}, {}});
    config.source(upstream_->url(kFailingPath), "Broken");
  }

  // Fetches every document under test once, and saves each to a file.
  static void fetch_documents() {
    std::vector<std::string> targets = json_targets();
    for (const View& view : atom_views()) targets.push_back(view.target);
    targets.push_back("/sources.opml");
    for (const std::string& target : targets) {
      const HttpReply reply = daemon_->get(target);
      ASSERT_EQ(reply.status, 200) << target << "\n" << reply.body;
      const std::string extension = target.find(".json") != std::string::npos ? ".json" : ".xml";
      const std::string file = "served-" + std::to_string(fetched_.size() + 1) + extension;
      fetched_[target] = {base_url() + target.substr(1),
                          reply.headers.count("content-type") ? reply.headers.at("content-type") : "", reply.body,
                          dir_->write(file, reply.body)};
    }
  }

  // The last poll's items may still be on their way into the rendered feed:
  // wait until two reads a second apart carry the same ETag.
  static bool wait_until_the_feed_settles() {
    std::string last_etag;
    return wait_until(
        [&last_etag] {
          const HttpReply reply = daemon_->get("/feed.atom?limit=500");
          const std::string etag = reply.headers.count("etag") ? reply.headers.at("etag") : "";
          const bool is_settled = reply.status == 200 && !etag.empty() && etag == last_etag;
          last_etag = etag;
          return is_settled;
        },
        30s, 1s);
  }

  static inline std::unique_ptr<FakeUpstream> upstream_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline std::map<std::string, Fetched> fetched_;
  static inline bool is_up_ = false;
  static inline std::string skip_reason_;
};

[[maybe_unused]] ::testing::Environment* const kDaemon = ::testing::AddGlobalTestEnvironment(new ReadersDaemon);

std::string view_label(const ::testing::TestParamInfo<View>& view) { return view.param.label; }

void skip_without_shared_dir() {
  if (shared_dir().empty()) GTEST_SKIP() << "the shared directory (../shared: corpus, schema, validator) is absent";
  if (!ReadersDaemon::skip_reason().empty()) GTEST_SKIP() << ReadersDaemon::skip_reason();
}

// ---- each Atom view, judged by the validators and Universal Feed Parser ----

class AtomView : public ::testing::TestWithParam<View> {
 protected:
  void SetUp() override {
    skip_without_shared_dir();
    if (!IsSkipped()) {
      ASSERT_TRUE(ReadersDaemon::is_up()) << "the daemon did not come up (see the environment's failure)";
    }
  }
  const Fetched& document() const { return ReadersDaemon::fetched(GetParam().target); }
};

// One warning or error class of the W3C validator: how often, and the first
// occurrence of each of its first few messages (a class such as
// BadCharacters names the element in its message).
struct FoundClass {
  std::string level;
  int count = 0;
  std::map<std::string, std::string> examples;  // message → "line L: excerpt"
};

std::map<std::string, FoundClass> w3c_findings(const json::value& report) {
  std::map<std::string, FoundClass> classes;
  for (const json::value& event : report.at("events").as_array()) {
    FoundClass& found = classes[text_of(event.at("class"))];
    found.level = text_of(event.at("level"));
    ++found.count;
    const std::string message = text_of(event.at("text"));
    if (found.examples.size() < 4 && found.examples.count(message) == 0) {
      const json::value& line = event.at("line");
      found.examples[message] = "line " + (line.is_int64() ? std::to_string(line.as_int64()) : std::string("?")) +
                                ": " + text_of(event.at("excerpt"));
    }
  }
  return classes;
}

std::string describe(const std::string& name, const FoundClass& found) {
  std::string text = "  " + found.level + " " + name + " x" + std::to_string(found.count) + "\n";
  for (const auto& [message, example] : found.examples) text += "    " + message + "\n      " + example + "\n";
  return text;
}

std::string describe(const std::string& target, const std::map<std::string, FoundClass>& classes) {
  std::string text =
      "W3C Feed Validation Service on " + target + ": " + std::to_string(classes.size()) + " class(es)\n";
  for (const auto& [name, found] : classes) text += describe(name, found);
  return text;
}

TEST_P(AtomView, W3cValidatorFindsNothingButDuplicateUpdated) {
  const std::filesystem::path validator = shared_dir() / "tools/feedvalidator/src";
  ASSERT_TRUE(std::filesystem::is_directory(validator / "feedvalidator")) << validator << " is missing";
  const Fetched& fetched = document();
  const std::filesystem::path output = ReadersDaemon::work_dir() / ("w3c-" + GetParam().label + ".json");
  const CommandResult run = run_command(
      {"/usr/bin/python3", support_script("w3c_validate.py").string(), "--validator", validator.string(), "--url",
       fetched.url, "--content-type", fetched.content_type, "--output", output.string(), fetched.file.string()},
      90s);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json::value report = json::parse(read_text_file(output));
  EXPECT_EQ(text_of(report.at("feed_type")), "Atom 1.0");
  EXPECT_TRUE(report.at("network_attempts").as_array().empty())
      << "the validator tried the network (refused, so its findings may be skewed): "
      << json::serialize(report.at("network_attempts"));
  const std::map<std::string, FoundClass> classes = w3c_findings(report);
  std::cout << describe(GetParam().target, classes);  // every class, failing or not
  // RFC 4287 §4.2.15 lets two entries share atom:updated (undated items of
  // one poll do); the validator warns about it all the same.
  for (const auto& [name, found] : classes) EXPECT_EQ(name, "DuplicateUpdated") << describe(name, found);
}

TEST_P(AtomView, ValidatesAgainstTheAtomRelaxNgSchema) {
  ASSERT_TRUE(is_installed("/usr/bin/jing", "jing"));
  const CommandResult jing =
      run_command({"/usr/bin/jing", "-c", (shared_dir() / "schemas/atom.rnc").string(), document().file.string()}, 90s);
  EXPECT_EQ(jing.exit_code, 0) << GetParam().target << "\n" << jing.output;
}

// Universal Feed Parser reads every entry, each with an id, a title, a link
// and its text: every item of these sources has text (a summary, a
// description, content or media:description), so an entry without any, or
// with an empty content or summary, lost it.
TEST_P(AtomView, FeedparserReadsEveryEntryWithItsText) {
  const Fetched& fetched = document();
  const json::value read = python_reader({"feedparser", fetched.file.string()},
                                         ReadersDaemon::work_dir() / ("feedparser-" + GetParam().label + ".json"));
  ASSERT_FALSE(read.is_null());
  EXPECT_FALSE(read.at("bozo").as_bool()) << text_of(read.at("bozo_exception"));
  EXPECT_EQ(text_of(read.at("version")), "atom10");
  const std::vector<Entry> entries = entries_of(fetched.body);
  const json::array& read_entries = read.at("entries").as_array();
  ASSERT_EQ(read_entries.size(), entries.size());
  EXPECT_FALSE(entries.empty());
  Problems problems;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json::object& entry = read_entries[i].as_object();
    const std::string id = text_of(entry.at("id"));
    const std::string title = text_of(entry.at("title"));
    const std::string example = id + " \"" + title + "\"";
    problems.check(id == entries[i].id, "another id than atom:id", example + " vs " + entries[i].id);
    problems.check(ids.insert(id).second, "a duplicate id", example);
    problems.check(!is_blank(title), "no title", example);
    problems.check(collapse_spaces(title) == collapse_spaces(entries[i].title), "another title than atom:title",
                   example + " vs \"" + entries[i].title + "\"");
    problems.check(title.find(kReplacementCharacter) == std::string::npos,
                   "U+FFFD in the title (text that was not decoded)", example);
    problems.check(!text_of(entry.at("link")).empty(), "no link", example);
    // An entry without an alternate link (an enclosure alone) has none to
    // match: feedparser then takes its first link, the enclosure.
    problems.check(entries[i].link.empty() || text_of(entry.at("link")) == entries[i].link,
                   "another link than atom:link", example);
    bool has_text = !is_blank(text_of(entry.at("summary")));
    for (const json::value& content : entry.at("content").as_array())
      has_text = has_text || !is_blank(text_of(content));
    problems.check(has_text, "no text (neither content nor summary)", example);
  }
  problems.expect_none("feedparser on " + GetParam().target);
}

// An entry without text may leave out atom:content and atom:summary (RFC
// 4287 §4.1.1.1 then asks for an alternate link); an empty one shows a
// reader an empty article.
TEST_P(AtomView, NoEntryCarriesAnEmptyContentOrSummary) {
  const std::vector<std::string> ids = entries_with_empty_text(document().body);
  std::string list;
  for (const std::string& id : ids) list += "\n  " + id;
  EXPECT_TRUE(ids.empty()) << ids.size() << " entries with an empty atom:content or atom:summary:" << list;
}

INSTANTIATE_TEST_SUITE_P(Readers, AtomView, ::testing::ValuesIn(atom_views()), view_label);

// ---- every document served is well-formed ----

class Readers : public ::testing::Test {
 protected:
  void SetUp() override {
    skip_without_shared_dir();
    if (!IsSkipped()) {
      ASSERT_TRUE(ReadersDaemon::is_up()) << "the daemon did not come up (see the environment's failure)";
    }
  }
};

TEST_F(Readers, EveryXmlDocumentIsWellFormed) {
  std::vector<std::string> targets = {"/sources.opml"};
  for (const View& view : atom_views()) targets.push_back(view.target);
  for (const std::string& target : targets) EXPECT_EQ(xml_errors(ReadersDaemon::fetched(target).body), "") << target;
}

TEST_F(Readers, EveryJsonDocumentIsWellFormed) {
  std::vector<std::string> arguments = {"json"};
  for (const std::string& target : json_targets()) arguments.push_back(ReadersDaemon::fetched(target).file.string());
  const json::value read = python_reader(arguments, ReadersDaemon::work_dir() / "json-check.json");
  ASSERT_FALSE(read.is_null());
  for (const std::string& target : json_targets())
    EXPECT_TRUE(read.at(ReadersDaemon::fetched(target).file.string()).is_null())
        << target << ": " << json::serialize(read.at(ReadersDaemon::fetched(target).file.string()));
}

// ---- newsboat, sfeed and rss2email on the merged feed (its first page, and all of it) ----

class FeedReader : public AtomView {};

// newsboat subscribes over HTTP and stores every entry with its title, link,
// guid and text.
TEST_P(FeedReader, NewsboatStoresEveryEntry) {
  ASSERT_TRUE(is_installed("/usr/bin/newsboat", "newsboat"));
  const std::vector<Entry> entries = entries_of(document().body);
  TempDir home;
  const CommandResult reloaded = newsboat_reload(home, document().url);
  const auto cache = newsboat_cache(home);
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.output;
  EXPECT_EQ(reloaded.output, "") << "newsboat printed something while reloading";
  const json::value items = python_reader({"newsboat", cache.string()}, home.path() / "items.json");
  ASSERT_FALSE(items.is_null());
  EXPECT_EQ(items.as_array().size(), entries.size());
  std::map<std::string, const json::object*> by_guid;
  for (const json::value& item : items.as_array()) by_guid[text_of(item.at("guid"))] = &item.as_object();
  Problems problems;
  for (const Entry& entry : entries) {
    const std::string example = entry.id + " \"" + entry.title + "\"";
    problems.check(by_guid.count(entry.id) == 1, "not stored", example);
    if (by_guid.count(entry.id) == 0) continue;
    const json::object& item = *by_guid.at(entry.id);
    problems.check(collapse_spaces(text_of(item.at("title"))) == collapse_spaces(entry.title),
                   "another title than atom:title", example + " vs \"" + text_of(item.at("title")) + "\"");
    problems.check(text_of(item.at("url")) == entry.link, "another link than atom:link", example);
    problems.check(!is_blank(text_of(item.at("content"))), "no text", example);
  }
  problems.expect_none("newsboat on " + GetParam().target);
}

// sfeed turns the document into TSV: one line per entry with its
// timestamp, title, link, content and id (sfeed(1), "TAB-SEPARATED FORMAT
// FIELDS").
TEST_P(FeedReader, SfeedReadsEveryEntry) {
  ASSERT_TRUE(is_installed("/usr/bin/sfeed", "sfeed"));
  const std::vector<Entry> entries = entries_of(document().body);
  const CommandResult tsv = run_command({"/usr/bin/sfeed"}, 30s, document().body);
  ASSERT_EQ(tsv.exit_code, 0) << tsv.output;
  const std::vector<std::string> lines = split(tsv.output, '\n');
  ASSERT_EQ(lines.size(), entries.size()) << tsv.output;
  Problems problems;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::vector<std::string> fields = split(lines[i], '\t');
    ASSERT_GE(fields.size(), 6u) << lines[i];
    const std::string example = fields[5] + " \"" + fields[1] + "\"";
    problems.check(fields[5] == entries[i].id, "another id than atom:id", example + " vs " + entries[i].id);
    problems.check(!fields[0].empty(), "no timestamp (atom:updated unread)", example);
    problems.check(!is_blank(fields[1]), "no title", example);
    problems.check(fields[1] == collapse_spaces(entries[i].title), "another title than atom:title",
                   example + " vs \"" + entries[i].title + "\"");
    problems.check(fields[2] == entries[i].link, "another link than atom:link", example);
    problems.check(!is_blank(fields[3]), "no content", example);
    problems.check(fields[4] == "html" || fields[4] == "plain", "no content type", example);
  }
  problems.expect_none("sfeed on " + GetParam().target);
}

// rss2email subscribes over HTTP and mails one message per entry — to a
// stub sendmail that keeps each message in a file — with the entry's title
// as subject and its text as body, and complains about nothing.
TEST_P(FeedReader, Rss2emailMailsEveryEntry) {
  ASSERT_TRUE(is_installed("/usr/bin/r2e", "rss2email"));
  const std::vector<Entry> entries = entries_of(document().body);
  TempDir home;
  const std::filesystem::path outbox = home.path() / "outbox";
  std::filesystem::create_directories(outbox);
  const auto sendmail = home.write("sendmail",
                                   "#!/bin/sh\n# rss2email's sendmail: keeps the message, sends nothing.\n"
                                   "cat > \"$(mktemp '" +
                                       outbox.string() + "/message-XXXXXX')\"\n");
  std::filesystem::permissions(sendmail, std::filesystem::perms::owner_all);
  const auto config = home.write("rss2email.cfg",
                                 "[DEFAULT]\nfrom = reader@tributary.invalid\n"
                                 "to = reader@tributary.invalid\nemail-protocol = sendmail\n"
                                 "sendmail = " +
                                     sendmail.string() + "\nuse-8bit = True\n");
  const std::vector<std::string> r2e = {"/usr/bin/env",
                                        "HOME=" + home.path().string(),
                                        "no_proxy=127.0.0.1",
                                        "NO_PROXY=127.0.0.1",
                                        "/usr/bin/r2e",
                                        "-c",
                                        config.string(),
                                        "-d",
                                        (home.path() / "rss2email.json").string()};
  std::vector<std::string> subscribe = r2e;
  subscribe.insert(subscribe.end(), {"add", "merged", document().url});
  const CommandResult added = run_command(subscribe, 30s);
  ASSERT_EQ(added.exit_code, 0) << added.output;
  std::vector<std::string> run = r2e;
  run.push_back("run");
  const CommandResult ran = run_command(run, 90s);
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  Problems problems;
  // It logs each step at INFO on standard error; anything else is a complaint.
  for (const std::string& line : split(ran.output, '\n'))
    problems.check(line.find(" [INFO] ") != std::string::npos, "a complaint", line);
  const json::value mails = python_reader({"mails", outbox.string()}, home.path() / "mails.json");
  ASSERT_FALSE(mails.is_null());
  EXPECT_EQ(mails.as_array().size(), entries.size()) << "one message per entry";
  std::multiset<std::string> titles;
  for (const Entry& entry : entries) titles.insert(collapse_spaces(entry.title));
  for (const json::value& mail : mails.as_array()) {
    const std::string subject = collapse_spaces(text_of(mail.at("subject")));
    const auto title = titles.find(subject);
    problems.check(title != titles.end(), "a subject that is no (other) entry's title", subject);
    if (title != titles.end()) titles.erase(title);
    problems.check(!is_blank(text_of(mail.at("body"))), "an empty message", subject);
  }
  problems.expect_none("rss2email on " + GetParam().target);
}

INSTANTIATE_TEST_SUITE_P(Readers, FeedReader, ::testing::Values(atom_views()[1], atom_views()[0]), view_label);

}  // namespace
}  // namespace tributary::testing
