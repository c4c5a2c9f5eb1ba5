// The site: routes and what each answers. Feed documents are immutable
// RenderedFeed objects (bytes, gzip copy, ETag); a request for the default
// feed or a channel only takes the current FeedSet's pointer. Filtered and
// paged views go to the reader thread and are cached there per query until
// the store changes.
#include "serve/site.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <set>

#include "core/metrics.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "serve/http_rules.hpp"

namespace tributary::serve {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kAtomType = "application/atom+xml; charset=utf-8";
constexpr std::string_view kJsonFeedType = "application/feed+json; charset=utf-8";
constexpr int kSparklineDays = 30;
constexpr std::size_t kViewCacheSize = 128;
constexpr std::size_t kLandingHeadlines = 10;

// What a feed request asks for, after the channel's own filters are folded in.
struct FeedView {
  const Channel* channel = nullptr;  // nullptr: the default feed
  bool is_json = false;
  bool is_plain = true;      // no parameters: the pre-rendered document
  bool is_empty = false;     // filters that cannot match anything
  store::StoryQuery query;   // limit is the page size
  std::string filter_query;  // the filters as a canonical query string (no paging, no token)
  std::string limit_query;   // "limit=N" when asked for
  std::string request_query;  // as the request wrote it: the document's self link, and its cache key
};

std::string view_path(const FeedView& view) {
  const std::string extension = view.is_json ? ".json" : ".atom";
  return view.channel ? "c/" + view.channel->name + extension : "feed" + extension;
}

// "a" and "b" → "a&b", skipping empty parts.
std::string join_query(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += '&';
    out += part;
  }
  return out;
}

// The query of a request target, as written ("" when it has none).
std::string raw_query(std::string_view target) {
  const auto mark = target.find('?');
  return mark == std::string_view::npos ? std::string() : std::string(target.substr(mark + 1));
}

std::string with_query(const std::string& url, const std::string& query) {
  return query.empty() ? url : url + "?" + query;
}

std::vector<std::string> intersect(const std::vector<std::string>& configured, const std::vector<std::string>& asked) {
  if (configured.empty()) return asked;
  if (asked.empty()) return configured;
  std::vector<std::string> both;
  for (const std::string& value : asked)
    if (std::find(configured.begin(), configured.end(), value) != configured.end()) both.push_back(value);
  return both;
}

// Reads source, tag, q, limit and before; the error text for a 400 otherwise.
std::string read_feed_parameters(const QueryParameters& parameters, const SiteSettings& settings, FeedView& view) {
  std::vector<std::string> source_urls;
  const std::vector<std::string> sources = query_values(parameters, "source");
  for (const std::string& wanted : sources) {
    // By URL (as configured, or without its credentials, as the feeds show
    // it), else by name, which must then name one source.
    const auto& names = settings.source_names;
    const auto by_url = std::find_if(names.begin(), names.end(), [&](const auto& entry) {
      return entry.second == wanted || core::redact_url(entry.second) == wanted;
    });
    if (by_url != names.end()) {
      source_urls.push_back(by_url->second);
      continue;
    }
    const auto named = std::count_if(names.begin(), names.end(), [&](const auto& entry) { return entry.first == wanted; });
    if (named == 0) return "unknown source \"" + wanted + "\" (give its name or its URL)";
    if (named > 1)
      return std::to_string(named) + " sources are named \"" + wanted + "\" (give the URL of the one you mean)";
    source_urls.push_back(std::find_if(names.begin(), names.end(), [&](const auto& entry) {
                            return entry.first == wanted;
                          })->second);
  }
  std::vector<std::string> tags = query_values(parameters, "tag");
  const std::vector<std::string> texts = query_values(parameters, "q");
  std::string text;
  for (const std::string& part : texts) text += (text.empty() ? "" : " ") + part;
  const std::vector<std::string> limits = query_values(parameters, "limit");
  view.query.limit = settings.entries;
  if (!limits.empty()) {
    // Larger numbers ask for the most there is: kMaxLimit.
    const std::optional<std::uint64_t> limit = parse_whole_number(limits.back());
    if (!limit || *limit == 0) return "limit must be a whole number from 1 to " + std::to_string(kMaxLimit);
    view.query.limit = static_cast<std::size_t>(std::min<std::uint64_t>(*limit, kMaxLimit));
    view.limit_query = "limit=" + std::to_string(view.query.limit);
  }
  const std::vector<std::string> befores = query_values(parameters, "before");
  if (!befores.empty()) {
    view.query.before = store::parse_cursor(befores.back());
    if (!view.query.before) return "before must be a cursor from a next link, not \"" + befores.back() + "\"";
  }
  view.is_plain = sources.empty() && tags.empty() && texts.empty() && limits.empty() && befores.empty();

  // The filters as a canonical query string: the self link and the cache key.
  // Credentials in a configured URL never reach a link.
  for (const std::string& url : source_urls)
    view.filter_query = join_query({view.filter_query, "source=" + encode_query_value(core::redact_url(url))});
  for (const std::string& tag : tags) view.filter_query = join_query({view.filter_query, "tag=" + encode_query_value(tag)});
  if (!core::trim(text).empty()) view.filter_query = join_query({view.filter_query, "q=" + encode_query_value(text)});

  // A channel's own filters narrow further.
  const Channel* channel = view.channel;
  view.query.source_urls = intersect(channel ? channel->source_urls : std::vector<std::string>{}, source_urls);
  view.query.tags = intersect(channel ? channel->tags : std::vector<std::string>{}, tags);
  view.is_empty = (!source_urls.empty() && view.query.source_urls.empty()) || (!tags.empty() && view.query.tags.empty());
  view.query.text = channel && !channel->query.empty() ? channel->query + " " + text : text;
  return {};
}

std::string cache_control(const SiteSettings& settings) {
  // Behind a token the feed is the reader's own: shared caches keep out.
  return std::string(settings.token.empty() ? "public" : "private") +
         ", max-age=" + std::to_string(settings.cache_max_age.count());
}

render::FeedHeader view_header(const SiteSettings& settings, const FeedView& view, core::Timestamp now,
                               const std::string& link_token) {
  render::FeedHeader header = settings.header;
  header.now = now;
  const std::string document_url = settings.base_url + view_path(view);
  if (view.channel) {
    header.title = view.channel->title;
    header.id = document_url;
  }
  // The self link is where the reader fetched this document from
  // (RFC 4287 §4.2.7.2), parameters as the request wrote them.
  header.self_url = with_query(document_url, view.request_query);
  // A filtered view is a feed of its own; its pages share its id.
  if (!view.filter_query.empty()) header.id = with_query(document_url, view.filter_query);
  if (view.query.before) header.first_url = with_query(document_url, join_query({view.filter_query, view.limit_query, link_token}));
  return header;
}

// Renders one view: `limit + 1` stories are read to know whether there is a
// next page.
std::shared_ptr<const render::RenderedFeed> render_view(store::Store& store, const SiteSettings& settings,
                                                        const FeedView& view, core::Timestamp now,
                                                        const std::string& link_token, const char* kind) {
  const Clock::time_point started = Clock::now();
  std::vector<store::StoredEntry> entries;
  if (!view.is_empty) {
    store::StoryQuery query = view.query;
    query.limit = view.query.limit + 1;
    entries = store.query_stories(query);
  }
  render::FeedHeader header = view_header(settings, view, now, link_token);
  if (entries.size() > view.query.limit) {
    entries.resize(view.query.limit);
    const std::string document_url = settings.base_url + view_path(view);
    header.next_url = with_query(document_url, join_query({view.filter_query, view.limit_query,
                                                           "before=" + store::to_string(entries.back().cursor), link_token}));
  }
  auto document = view.is_json
                      ? render::make_rendered(std::string(kJsonFeedType), render::render_json_feed(header, entries), now)
                      : render::make_rendered(std::string(kAtomType), render::render_atom(header, entries), now);
  core::metrics().observe("tributary_feed_render_seconds", {{"view", kind}},
                          std::chrono::duration<double>(Clock::now() - started).count());
  return document;
}

std::vector<render::SourceStatus> source_statuses(store::Store& store, core::Timestamp now) {
  std::vector<render::SourceStatus> statuses;
  const auto per_day = store.items_per_day(now, kSparklineDays);
  for (store::SourceRecord& record : store.sources()) {
    render::SourceStatus status;
    status.state = store::source_state(record, now);
    const auto counts = per_day.find(record.id);
    status.items_per_day = counts != per_day.end() ? counts->second : std::vector<int>(kSparklineDays, 0);
    status.record = std::move(record);
    statuses.push_back(std::move(status));
  }
  return statuses;
}

// Each host's load against its politeness budget, from the same records.
std::vector<schedule::HostLoad> host_loads(const schedule::LoadSettings& settings,
                                           std::span<const render::SourceStatus> statuses, core::Timestamp now) {
  std::vector<schedule::SourceLoad> loads;
  loads.reserve(statuses.size());
  for (const render::SourceStatus& status : statuses)
    if (auto load = schedule::source_load(settings, status.record, now)) loads.push_back(std::move(*load));
  return schedule::host_loads(loads, settings.host_delay);
}

std::string metrics_text(store::Store& store, core::Timestamp now) {
  std::string text = core::metrics().render();
  const std::vector<std::pair<core::MetricLabels, double>> stories = {{{}, static_cast<double>(store.story_count())}};
  text += core::gauge_lines("tributary_stories", "Stories in the store (each shown once in the merged feed)", stories);
  std::map<std::string, double> by_state;
  for (const char* state : {"ok", "new", "failing", "backing off", "retry-after", "gone", "removed"}) by_state[state] = 0;
  for (const store::SourceRecord& record : store.sources()) by_state[store::source_state(record, now)] += 1;
  std::vector<std::pair<core::MetricLabels, double>> sources;
  for (const auto& [state, count] : by_state) sources.push_back({{{"state", state}}, count});
  text += core::gauge_lines("tributary_sources", "Sources by state", sources);
  return text;
}

// A rendered document as a response: validators, conditional GET, gzip.
Response document_response(const Request& request, std::shared_ptr<const render::RenderedFeed> document,
                           std::string route, std::string cache) {
  Response response;
  response.route = std::move(route);
  response.headers.emplace_back("Content-Type", document->content_type);
  response.headers.emplace_back("ETag", document->etag);
  response.headers.emplace_back("Last-Modified", core::format_http_date(document->last_modified));
  response.headers.emplace_back("Cache-Control", std::move(cache));
  response.headers.emplace_back("Vary", "Accept-Encoding, Authorization");
  // §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
  const bool is_not_modified = !request.if_none_match.empty()
                                   ? etag_matches(request.if_none_match, document->etag)
                                   : is_unmodified_since(request.if_modified_since, document->last_modified);
  if (is_not_modified) {
    response.status = 304;
    return response;
  }
  const bool use_gzip = accepts_gzip(request.accept_encoding) && !document->gzip_body.empty();
  if (use_gzip) response.headers.emplace_back("Content-Encoding", "gzip");
  response.shared_body = use_gzip ? std::string_view(document->gzip_body) : std::string_view(document->body);
  response.keep_alive = std::move(document);
  return response;
}

enum class Route { landing, feed, sources_json, sources_opml, healthz, metrics };

// The routes with a fixed path; channels (/c/NAME.atom, /c/NAME.json) are
// matched against the settings.
struct RouteEntry {
  std::string_view path;
  Route route;
  bool is_json = false;
};
constexpr RouteEntry kRoutes[] = {{"/", Route::landing},
                                  {"/feed.atom", Route::feed},
                                  {"/feed.json", Route::feed, true},
                                  {"/sources.json", Route::sources_json},
                                  {"/sources.opml", Route::sources_opml},
                                  {"/healthz", Route::healthz},
                                  {"/metrics", Route::metrics}};

// Monitors and load balancers probe health without a token; nothing else is
// open to them.
bool needs_token(std::string_view path) { return path != "/healthz"; }

// A path's route and, for feeds, which document; or why there is none.
struct Resolved {
  std::optional<Route> route;
  FeedView view;
  std::string label;      // the metrics label: the path, "/c/*.atom", or "(unknown)"
  std::string not_found;  // the 404's text when there is no route
};

Resolved resolve_route(const std::string& path, const SiteSettings& settings) {
  Resolved resolved;
  const auto entry = std::find_if(std::begin(kRoutes), std::end(kRoutes),
                                  [&](const RouteEntry& candidate) { return candidate.path == path; });
  if (entry != std::end(kRoutes)) {
    resolved.route = entry->route;
    resolved.view.is_json = entry->is_json;
    resolved.label = path;
    return resolved;
  }
  resolved.label = "(unknown)";
  const bool is_channel_path = path.starts_with("/c/") && (path.ends_with(".atom") || path.ends_with(".json"));
  if (!is_channel_path) {
    resolved.not_found = "not found: " + path + "\n";
    return resolved;
  }
  const std::string name = path.substr(3, path.size() - 3 - 5);
  const auto channel = std::find_if(settings.channels.begin(), settings.channels.end(),
                                    [&](const Channel& candidate) { return candidate.name == name; });
  if (channel == settings.channels.end()) {
    resolved.not_found = "no channel named \"" + name + "\"\n";
    return resolved;
  }
  resolved.route = Route::feed;
  resolved.view.channel = &*channel;
  resolved.view.is_json = path.ends_with(".json");
  resolved.label = resolved.view.is_json ? "/c/*.json" : "/c/*.atom";
  return resolved;
}

}  // namespace

SiteSettings site_settings(const config::Config& config, const std::string& base_url) {
  SiteSettings settings;
  settings.base_url = base_url.ends_with('/') ? base_url : base_url + "/";
  render::FeedHeader& header = settings.header;
  header.self_url = settings.base_url + "feed.atom";
  header.alternate_url = settings.base_url;
  header.id = config.feed.id.empty() ? header.self_url : config.feed.id;
  header.title = config.feed.title;
  header.subtitle = config.feed.subtitle;
  header.attribution = config.feed.attribution;
  header.tag_authority = core::url_host(settings.base_url);
  // A tag URI's authority is a DNS name or an e-mail address (RFC 4151).
  if (header.tag_authority.empty() || header.tag_authority.find(':') != std::string::npos ||
      header.tag_authority.find('[') != std::string::npos)
    header.tag_authority = "localhost";
  settings.entries = config.feed.entries;
  for (const config::ChannelConfig& channel : config.channels)
    settings.channels.push_back({channel.name, channel.title, channel.tags, channel.sources, channel.query});
  for (const config::SourceSpec& source : config.sources) settings.source_names.emplace_back(source.name, source.url);
  settings.token = config.server.token;
  // A reader that polls more often than the fastest source cannot see more.
  std::chrono::seconds shortest = config.schedule.min_interval;
  for (const config::SourceSpec& source : config.sources)
    if (source.interval) shortest = std::min(shortest, *source.interval);
  settings.cache_max_age = std::clamp(shortest / 5, std::chrono::seconds(1), std::chrono::seconds(3600));
  settings.loads = schedule::load_settings(config);
  return settings;
}

FeedSet render_feed_set(store::Store& store, const SiteSettings& settings, core::Timestamp now,
                        std::uint64_t generation) {
  FeedSet feeds;
  feeds.generation = generation;
  feeds.changed_at = now;
  std::vector<const Channel*> views = {nullptr};
  for (const Channel& channel : settings.channels) views.push_back(&channel);
  for (const Channel* channel : views) {
    for (const bool is_json : {false, true}) {
      FeedView view;
      view.channel = channel;
      view.is_json = is_json;
      read_feed_parameters({}, settings, view);
      feeds.documents[view_path(view)] = render_view(store, settings, view, now, {}, "cached");
    }
  }
  return feeds;
}

void FeedSetSlot::publish(std::shared_ptr<const FeedSet> feeds) {
  std::lock_guard lock(mutex_);
  feeds_ = std::move(feeds);
}

std::shared_ptr<const FeedSet> FeedSetSlot::current() const {
  std::lock_guard lock(mutex_);
  return feeds_;
}

struct Site::Impl : std::enable_shared_from_this<Impl> {
  // Something made on the reader thread, or why not.
  struct Made {
    std::shared_ptr<const render::RenderedFeed> document;
    std::string error;
  };
  using Work = std::function<std::shared_ptr<const render::RenderedFeed>(Impl&)>;

  Impl(asio::any_io_executor query_executor_in, std::string database_path_in, SiteSettings settings_in,
       const FeedSetSlot& feeds_in, std::function<std::string()> health_problem_in)
      : query_executor(std::move(query_executor_in)),
        database_path(std::move(database_path_in)),
        settings(std::make_shared<const SiteSettings>(std::move(settings_in))),
        feeds(feeds_in),
        health_problem(std::move(health_problem_in)) {}

  // Reader thread only.
  store::Store& store() {
    if (!reader) reader = std::make_unique<store::Store>(database_path);
    return *reader;
  }

  static asio::awaitable<Made> run_on_reader(std::shared_ptr<Impl> self, Work work) {
    Made made;
    try {
      made.document = work(*self);
    } catch (const std::exception& error) {
      made.error = error.what();
      self->reader.reset();  // reopened by the next request
    }
    co_return made;
  }

  asio::awaitable<Made> on_reader(Work work) {
    auto made = asio::co_spawn(query_executor, run_on_reader(shared_from_this(), std::move(work)), asio::use_awaitable);
    co_return co_await std::move(made);
  }

  asio::any_io_executor query_executor;
  std::string database_path;
  std::shared_ptr<const SiteSettings> settings;  // I/O thread; each request takes a snapshot
  const FeedSetSlot& feeds;
  std::function<std::string()> health_problem;  // I/O thread
  // Reader thread only:
  std::unique_ptr<store::Store> reader;
  std::map<std::string, std::shared_ptr<const render::RenderedFeed>> view_cache;
  std::uint64_t view_cache_generation = 0;
};

Site::Site(asio::any_io_executor query_executor, std::string database_path, SiteSettings settings,
           const FeedSetSlot& feeds, std::function<std::string()> health_problem)
    : impl_(std::make_shared<Impl>(std::move(query_executor), std::move(database_path), std::move(settings), feeds,
                                   std::move(health_problem))) {
  core::Metrics& metrics = core::metrics();
  metrics.describe_counter("tributary_polls_total", "Polls by outcome: ok, not_modified, error, gone");
  metrics.describe_counter("tributary_poll_errors_total", "Failed polls by error class");
  metrics.describe_counter("tributary_items_ingested_total", "Items stored: new, updated, merged into a story");
  metrics.describe_histogram("tributary_fetch_duration_seconds", "Time from request to parsed response per poll",
                             {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  metrics.describe_histogram("tributary_feed_render_seconds",
                             "Time to render a feed document: cached (after a store change) or on_demand",
                             {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1});
}

Site::~Site() = default;

void Site::reconfigure(SiteSettings settings) { impl_->settings = std::make_shared<const SiteSettings>(std::move(settings)); }

asio::awaitable<Response> Site::handle(Request request) {
  std::shared_ptr<Impl> self = impl_;
  std::shared_ptr<const SiteSettings> settings = self->settings;
  const std::optional<Target> target = parse_target(request.target);
  if (!target) co_return text_response(400, "malformed request target\n", "(invalid)");
  const Resolved resolved = resolve_route(target->path, *settings);

  // The token guards everything but the health check — unknown paths and
  // channels too, so that nobody learns without it which ones exist.
  const std::vector<std::string> tokens = query_values(target->query, "token");
  const bool has_query_token = !tokens.empty();
  if (!settings->token.empty() && needs_token(target->path)) {
    bool is_authorized = has_query_token && secrets_equal(tokens.back(), settings->token);
    if (!is_authorized) {
      const auto password = basic_auth_password(request.authorization);
      is_authorized = password && secrets_equal(*password, settings->token);
    }
    if (!is_authorized) {
      Response response =
          text_response(401, "this feed needs its token: ?token=… or HTTP Basic auth\n", resolved.label);
      response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Tributary\", charset=\"UTF-8\"");
      co_return response;
    }
  }
  if (!resolved.route) co_return text_response(404, resolved.not_found, resolved.label);
  const Route route = *resolved.route;
  FeedView view = resolved.view;
  const std::string& label = resolved.label;
  // Links in the documents made for this request carry the token the way it came.
  const std::string link_token =
      has_query_token && !settings->token.empty() ? "token=" + encode_query_value(settings->token) : std::string();

  if (route == Route::healthz) {
    const std::string problem = self->health_problem ? self->health_problem() : "no health check is wired";
    co_return problem.empty() ? text_response(200, "ok\n", label)
                              : text_response(503, "unhealthy: " + problem + "\n", label);
  }

  const std::shared_ptr<const FeedSet> feeds = self->feeds.current();
  if (!feeds) co_return text_response(503, "the feed is not ready yet\n", label);

  if (route == Route::feed) {
    if (std::string problem = read_feed_parameters(target->query, *settings, view); !problem.empty())
      co_return text_response(400, problem + "\n", label);
    if (view.is_plain) {
      const auto document = feeds->documents.find(view_path(view));
      if (document == feeds->documents.end()) co_return text_response(503, "the feed is not ready yet\n", label);
      co_return document_response(request, document->second, label, cache_control(*settings));
    }
    view.request_query = raw_query(request.target);
    const std::string key = view_path(view) + "?" + view.request_query;
    const std::uint64_t generation = feeds->generation;
    const core::Timestamp changed_at = feeds->changed_at;
    // Named, not a temporary inside the co_await expression: g++ 12
    // destroys such temporaries twice.
    Impl::Work render_filtered = [settings, view, key, generation, changed_at, link_token](Impl& site) {
      if (site.view_cache_generation != generation) {
        site.view_cache.clear();
        site.view_cache_generation = generation;
      }
      if (const auto cached = site.view_cache.find(key); cached != site.view_cache.end()) return cached->second;
      auto document = render_view(site.store(), *settings, view, changed_at, link_token, "on_demand");
      if (site.view_cache.size() >= kViewCacheSize) site.view_cache.clear();
      site.view_cache.emplace(key, document);
      return document;
    };
    Impl::Made made = co_await self->on_reader(std::move(render_filtered));
    if (!made.document) co_return text_response(503, "store unavailable: " + made.error + "\n", label);
    co_return document_response(request, std::move(made.document), label, cache_control(*settings));
  }

  // Status pages: made per request, from the store as it is now.
  const std::string title = settings->header.title;
  const std::string link_suffix = link_token.empty() ? std::string() : "?" + link_token;
  Impl::Work render_status = [route, settings, title, link_suffix](Impl& site) {
    const core::Timestamp now = core::now_utc();
    if (route == Route::metrics)
      return render::make_rendered("text/plain; version=0.0.4; charset=utf-8", metrics_text(site.store(), now), now);
    const std::vector<render::SourceStatus> statuses = source_statuses(site.store(), now);
    const std::vector<schedule::HostLoad> hosts = host_loads(settings->loads, statuses, now);
    if (route == Route::sources_json)
      return render::make_rendered("application/json; charset=utf-8", render::render_sources_json(statuses, hosts, now),
                                   now);
    if (route == Route::sources_opml)
      return render::make_rendered("text/x-opml; charset=utf-8", render::render_opml(title, statuses, now), now);
    render::LandingPage page;
    page.title = title;
    page.subtitle = settings->header.subtitle;
    // Readers name a feed found by autodiscovery after its link's title.
    page.feeds.push_back({title, "feed.atom", "feed.json"});
    for (const store::StoredEntry& stored : site.store().newest_entries(kLandingHeadlines))
      page.headlines.push_back(
          {render::display_title(stored.entry), stored.entry.url, stored.source_name, stored.sort_time});
    for (const Channel& channel : settings->channels)
      page.feeds.push_back({channel.title, "c/" + channel.name + ".atom", "c/" + channel.name + ".json"});
    page.link_suffix = link_suffix;
    page.now = now;
    for (const schedule::HostLoad& host : hosts)
      if (host.is_stretched()) page.stretched_hosts.push_back(schedule::describe_stretch(host));
    return render::make_rendered("text/html; charset=utf-8", render::render_landing(page, statuses), now);
  };
  Impl::Made made = co_await self->on_reader(std::move(render_status));
  if (!made.document) co_return text_response(503, "store unavailable: " + made.error + "\n", label);
  const std::string cache = route == Route::metrics ? "no-store" : "no-cache";
  co_return document_response(request, std::move(made.document), label, cache);
}

}  // namespace tributary::serve
