// `tributary add URL`: a source added by a feed's URL or by a site's page.
// The URL is fetched and parsed exactly as the daemon would (its Fetcher,
// [fetch] settings and address policy; parse and normalize); a page goes
// through feed autodiscovery — the feeds its head advertises, else the
// usual locations of its site. Only a candidate that yields a feed is
// added: a [[source]] block appended to the configuration file (every
// other byte kept), checked, written atomically, then the running daemon
// is told to reload. Exit 0 added, 1 nothing added (the reason said), 2 a
// usage error — or several feeds advertised and neither --pick nor --all.
#include <algorithm>
#include <iostream>

#include "app/command_fetch.hpp"
#include "app/commands.hpp"
#include "app/config_file.hpp"
#include "app/discovery_text.hpp"
#include "config/source_edit.hpp"
#include "core/core.hpp"
#include "normalize/normalize.hpp"
#include "parse/discovery.hpp"
#include "parse/parse.hpp"

namespace tributary::app {
namespace {

constexpr std::string_view kCommand = "tributary add";

// A URL fetched and read as the daemon would.
struct Reading {
  std::string url;    // as requested: what the [[source]] gets
  std::string error;  // why it is no feed; empty when it is one
  bool is_html_page = false;
  std::vector<parse::FeedLink> advertised;  // when an HTML page
  std::string title;                        // the feed's, one line
  std::size_t items = 0;                    // entries the store would get
};

Reading read_url(const config::Config& config, const std::string& url) {
  Reading reading{url, {}, false, {}, {}, 0};
  config::SourceSpec source;
  source.url = url;
  const auto result =
      run_fetch(fetch::fetcher_options(config.fetch), fetch::request_for(config.fetch, source), kCommand);
  if (!result) {
    reading.error = "the fetch could not run";
    return reading;
  }
  if (result->error != fetch::FetchError::none) {
    reading.error = std::string(fetch::to_string(result->error)) + ": " + result->message;
    return reading;
  }
  const std::string charset = core::charset_of(result->content_type);
  parse::ParseOutcome parsed = parse::parse_feed(result->body, {result->final_url, charset, {}});
  if (parse::is_html_page(parsed)) {
    reading.is_html_page = true;
    reading.advertised = parse::discover_feed_links(result->body, result->final_url, charset);
    reading.error = advertised_feeds_text(reading.advertised);
    return reading;
  }
  if (!parsed.feed) {
    reading.error = parsed.error;
    return reading;
  }
  const normalize::NormalizedFeed feed =
      normalize::normalize_feed(std::move(*parsed.feed), {result->final_url, core::now_utc()});
  reading.title = core::one_line(feed.feed.title, 64);
  reading.items = feed.entries.size();
  return reading;
}

// The page names no feed: the first of the usual locations that is one.
std::optional<Reading> probe_common_locations(const config::Config& config, const std::string& page_url) {
  for (const std::string& location : parse::common_feed_locations(page_url)) {
    Reading reading = read_url(config, location);
    if (reading.error.empty()) return reading;
  }
  return std::nullopt;
}

void list_candidates(const std::string& page_url, const std::vector<parse::FeedLink>& links) {
  std::cout << core::redact_url(page_url) << " advertises " << links.size() << " feeds:\n";
  for (std::size_t i = 0; i < links.size(); ++i) std::cout << "  " << i + 1 << ". " << feed_link_text(links[i]) << "\n";
  std::cout << "add one with --pick N, or all of them with --all\n";
}

// The feeds to add for `options.url`, each read; empty after saying why
// not, with `exit_code` set.
std::vector<Reading> choose_feeds(const config::Config& config, const AddOptions& options, int& exit_code) {
  exit_code = kExitFailure;
  Reading first = read_url(config, options.url);
  if (first.error.empty()) return {std::move(first)};
  const std::string where = core::redact_url(options.url);
  if (!first.is_html_page) {
    std::cerr << kCommand << ": " << where << ": " << first.error << "; nothing was added\n";
    return {};
  }
  if (first.advertised.empty()) {
    if (auto found = probe_common_locations(config, options.url)) return {std::move(*found)};
    std::cerr << kCommand << ": " << where << ": " << first.error
              << "; none of /feed, /rss, /atom.xml, /feed.xml, /index.xml, /rss.xml, /feed.json on its site is "
                 "a feed either; nothing was added\n";
    return {};
  }
  std::vector<parse::FeedLink> chosen = first.advertised;
  if (chosen.size() > 1 && !options.is_all) {
    if (options.pick == 0) {
      list_candidates(options.url, chosen);
      exit_code = kExitBadConfig;
      return {};
    }
    if (options.pick > static_cast<int>(chosen.size())) {
      std::cerr << kCommand << ": --pick " << options.pick << ": the page advertises " << chosen.size() << " feeds\n";
      exit_code = kExitBadConfig;
      return {};
    }
    chosen = {chosen[static_cast<std::size_t>(options.pick - 1)]};
  }
  std::vector<Reading> feeds;
  for (const parse::FeedLink& link : chosen) {
    Reading reading = read_url(config, link.url);
    if (!reading.error.empty()) {
      std::cerr << kCommand << ": " << where << " advertises " << core::redact_url(link.url)
                << ", but it is no feed: " << reading.error << "; nothing was added\n";
      return {};
    }
    feeds.push_back(std::move(reading));
  }
  return feeds;
}

const config::SourceSpec* source_with_url(const config::Config& config, const std::string& url) {
  const std::string wanted = core::canonical_url(url);
  for (const config::SourceSpec& source : config.sources)
    if (core::canonical_url(source.url) == wanted) return &source;
  return nullptr;
}

bool is_name_taken(const config::Config& config, const std::string& name) {
  return std::any_of(config.sources.begin(), config.sources.end(),
                     [&](const config::SourceSpec& source) { return source.name == name; });
}

// The feed's title (else its host), made unique with " (2)", " (3)", ….
std::string default_name(const config::Config& config, const Reading& feed) {
  const std::string base = feed.title.empty() ? core::url_host(feed.url) : feed.title;
  std::string name = base;
  for (int n = 2; is_name_taken(config, name); ++n) name = base + " (" + std::to_string(n) + ")";
  return name;
}

// Options that cannot work, said before anything is fetched.
bool check_options(const config::Config& config, const AddOptions& options) {
  if (const auto url = core::check_http_url(options.url); !url.url) {
    std::cerr << kCommand << ": " << core::redact_url(url.error) << "\n";
    return false;
  }
  if (!options.interval.empty())
    if (const auto interval = core::parse_duration(options.interval); !interval.value) {
      std::cerr << kCommand << ": --interval " << options.interval << ": " << interval.error << "\n";
      return false;
    }
  if (!options.name.empty() && is_name_taken(config, options.name)) {
    std::cerr << kCommand << ": a source is already named \"" << options.name << "\"; choose another --name\n";
    return false;
  }
  return true;
}

}  // namespace

int add_source(const std::string& config_path, const AddOptions& options) {
  const auto edit = open_config_for_edit(config_path, kCommand);
  if (!edit) return kExitBadConfig;
  if (!check_options(edit->config, options)) return kExitBadConfig;
  if (const config::SourceSpec* known = source_with_url(edit->config, options.url)) {
    std::cerr << kCommand << ": " << core::redact_url(options.url) << " is already the source \"" << known->name
              << "\" (" << known->defined_at.file << ":" << known->defined_at.line << "); nothing was added\n";
    return kExitFailure;
  }
  int exit_code = kExitFailure;
  const std::vector<Reading> feeds = choose_feeds(edit->config, options, exit_code);
  if (feeds.empty()) return exit_code;
  if (feeds.size() > 1 && !options.name.empty()) {
    std::cerr << kCommand << ": --name names one source, and --all adds " << feeds.size() << "; nothing was added\n";
    return kExitBadConfig;
  }
  config::Config planned = edit->config;
  std::string text = edit->original;
  std::vector<std::string> added;
  for (const Reading& feed : feeds) {
    if (const config::SourceSpec* known = source_with_url(planned, feed.url)) {
      std::cerr << kCommand << ": " << core::redact_url(feed.url) << " is already the source \"" << known->name
                << "\" (" << known->defined_at.file << ":" << known->defined_at.line << ")"
                << (feeds.size() > 1 ? "; skipped\n" : "; nothing was added\n");
      continue;
    }
    config::NewSource source{options.name.empty() ? default_name(planned, feed) : options.name, feed.url, options.tags,
                             options.interval};
    text = config::with_source_appended(text, source);
    config::SourceSpec planned_source;  // so that --all names and refuses against it too
    planned_source.url = feed.url;
    planned_source.name = source.name;
    planned.sources.push_back(std::move(planned_source));
    added.push_back("added \"" + source.name + "\" (" + core::redact_url(feed.url) +
                    "): " + std::to_string(feed.items) + " item" + (feed.items == 1 ? "" : "s"));
  }
  if (added.empty()) return kExitFailure;
  const auto config = commit_config_edit(*edit, text, kCommand);
  if (!config) return kExitFailure;
  for (const std::string& line : added) std::cout << line << "\n";
  return tell_daemon_to_reload(*config, config_path) ? kExitOk : kExitFailure;
}

}  // namespace tributary::app
