// The site: routes and what each answers. Feed documents are immutable
// RenderedFeed objects (bytes, gzip copy, ETag); a request for the default
// feed or a channel only takes the current FeedSet's pointer. Filtered and
// paged views go to the reader thread and are cached there per query until
// the store changes.
#include "serve/site.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <set>
#include <span>

#include "core/metrics.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "serve/deadline.hpp"
#include "serve/feed_view.hpp"
#include "serve/http_rules.hpp"
#include "serve/routes.hpp"
#include "websub/hub.hpp"
#include "websub/hub_policy.hpp"

namespace tributary::serve {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kAtomType = "application/atom+xml; charset=utf-8";
constexpr std::string_view kJsonFeedType = "application/feed+json; charset=utf-8";
constexpr std::string_view kRssType = "application/rss+xml; charset=utf-8";
constexpr int kSparklineDays = 30;
constexpr std::size_t kViewCacheSize = 128;
constexpr std::size_t kLandingHeadlines = 10;
// A store query of the site's (a filtered view, a status page) that takes
// longer is answered 503 rather than holding the reader's connection for as
// long as it takes (under the server's write timeout, 30 s).
constexpr std::chrono::seconds kReaderDeadline{20};

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
    header.podcast = view.channel->podcast;
  }
  // The self link is where the reader fetched this document from
  // (RFC 4287 §4.2.7.2), parameters as the request wrote them.
  header.self_url = with_query(document_url, view.request_query);
  // A filtered view is a feed of its own; its pages share its id. Only the
  // plain documents are WebSub topics (their hub pushes them whole).
  if (!view.filter_query.empty()) header.id = with_query(document_url, view.filter_query);
  if (!view.filter_query.empty() || view.query.before) header.hub_url.clear();
  if (view.query.before)
    header.first_url = with_query(document_url, join_query({view.filter_query, view.limit_query, link_token}));
  return header;
}

// The view's document in its edition. `left_out`: what the RSS edition
// could not carry, for the log.
std::shared_ptr<const render::RenderedFeed> render_document(const FeedView& view, const render::FeedHeader& header,
                                                            std::span<const store::StoredEntry> entries,
                                                            core::Timestamp now, std::vector<std::string>* left_out) {
  switch (view.format) {
    case FeedFormat::json:
      return render::make_rendered(std::string(kJsonFeedType), render::render_json_feed(header, entries), now);
    case FeedFormat::rss:
      return render::make_rendered(std::string(kRssType), render::render_rss(header, entries, left_out), now);
    case FeedFormat::atom:
      break;
  }
  return render::make_rendered(std::string(kAtomType), render::render_atom(header, entries), now);
}

// A view's stories: `limit + 1` are read to know whether there is a next
// page.
std::vector<store::StoredEntry> view_entries(store::Store& store, const FeedView& view) {
  if (view.is_empty) return {};
  store::StoryQuery query = view.query;
  query.limit = view.query.limit + 1;
  return store.query_stories(query);
}

// One view's document from its stories (view_entries), in the view's format.
std::shared_ptr<const render::RenderedFeed> render_entries(const SiteSettings& settings, const FeedView& view,
                                                           std::span<const store::StoredEntry> entries,
                                                           core::Timestamp now, const std::string& link_token,
                                                           std::vector<std::string>* left_out) {
  render::FeedHeader header = view_header(settings, view, now, link_token);
  if (entries.size() > view.query.limit) {
    entries = entries.first(view.query.limit);
    const std::string document_url = settings.base_url + view_path(view);
    header.next_url =
        with_query(document_url, join_query({view.filter_query, view.limit_query,
                                             "before=" + store::to_string(entries.back().cursor), link_token}));
  }
  return render_document(view, header, entries, now, left_out);
}

void observe_render(const char* kind, Clock::time_point started) {
  core::metrics().observe("tributary_feed_render_seconds", {{"view", kind}},
                          std::chrono::duration<double>(Clock::now() - started).count());
}

std::shared_ptr<const render::RenderedFeed> render_view(store::Store& store, const SiteSettings& settings,
                                                        const FeedView& view, core::Timestamp now,
                                                        const std::string& link_token, const char* kind) {
  const Clock::time_point started = Clock::now();
  auto document = render_entries(settings, view, view_entries(store, view), now, link_token, nullptr);
  observe_render(kind, started);
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
  for (const char* state : {"ok", "new", "failing", "backing off", "retry-after", "gone", "removed"})
    by_state[state] = 0;
  const store::SourceStateCounts counts = store.source_state_counts(now);
  for (const auto& [state, count] : counts.by_state) by_state[state] += static_cast<double>(count);
  std::vector<std::pair<core::MetricLabels, double>> sources;
  for (const auto& [state, count] : by_state) sources.push_back({{{"state", state}}, count});
  text += core::gauge_lines("tributary_sources", "Sources by state", sources);
  std::map<std::string, double> by_topic;
  for (const store::HubSubscription& subscription : store.hub_subscriptions()) by_topic[subscription.topic] += 1;
  std::vector<std::pair<core::MetricLabels, double>> subscriptions;
  for (const auto& [topic, count] : by_topic) subscriptions.push_back({{{"topic", topic}}, count});
  text += core::gauge_lines("tributary_websub_hub_subscriptions", "The built-in WebSub hub's subscriptions, by topic",
                            subscriptions);
  const std::vector<std::pair<core::MetricLabels, double>> pushed_sources = {{{}, static_cast<double>(counts.pushed)}};
  text += core::gauge_lines("tributary_sources_pushed",
                            "Sources whose updates a verified WebSub subscription pushes (still polled, rarely)",
                            pushed_sources);
  return text;
}

// A rendered document as a response: validators, conditional GET, gzip.
// Its Content-Type, ETag and Last-Modified were formatted with it
// (RenderedFeed::http_fields); a 304 carries them too (RFC 9110 §15.4.5).
Response document_response(const Request& request, std::shared_ptr<const render::RenderedFeed> document,
                           std::string route, std::string cache) {
  Response response;
  response.route = std::move(route);
  response.headers.reserve(4);  // and the feeds' Link: one allocation
  response.headers.emplace_back("Cache-Control", std::move(cache));
  response.headers.emplace_back("Vary", "Accept-Encoding, Authorization");
  // §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
  const bool is_not_modified = !request.if_none_match.empty()
                                   ? etag_matches(request.if_none_match, document->etag)
                                   : is_unmodified_since(request.if_modified_since, document->last_modified);
  if (is_not_modified) {
    response.status = 304;
  } else {
    const bool use_gzip = accepts_gzip(request.accept_encoding) && !document->gzip_body.empty();
    if (use_gzip) response.headers.emplace_back("Content-Encoding", "gzip");
    response.shared_body = use_gzip ? std::string_view(document->gzip_body) : std::string_view(document->body);
  }
  response.document_fields = document->http_fields;
  response.keep_alive = std::move(document);
  return response;
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
  header.hub_url = websub::advertised_hub_url(config.websub, settings.base_url);
  // A feed that names no owner is the operator's all the same: the owner
  // they named for another feed is its owner (never one made up).
  const std::optional<config::PodcastOwner> owner = config::configured_podcast_owner(config);
  header.podcast = config::with_podcast_owner(config.feed.podcast, owner);
  header.tag_authority = core::url_host(settings.base_url);
  // A tag URI's authority is a DNS name or an e-mail address (RFC 4151).
  if (header.tag_authority.empty() || header.tag_authority.find(':') != std::string::npos ||
      header.tag_authority.find('[') != std::string::npos)
    header.tag_authority = "localhost";
  settings.entries = config.feed.entries;
  for (const config::ChannelConfig& channel : config.channels)
    settings.channels.push_back(
        {channel.name, channel.title, channel.tags, channel.sources, channel.query,
         config::with_podcast_owner(config::inherit(channel.podcast, config.feed.podcast), owner)});
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
  // The editions of a view differ in format only: its stories are read
  // once for all of them.
  for (const Channel* channel : views) {
    std::optional<std::vector<store::StoredEntry>> entries;
    for (const FeedFormat format : kFeedFormats) {
      const Clock::time_point started = Clock::now();
      FeedView view;
      view.channel = channel;
      view.format = format;
      read_feed_parameters({}, settings, view);
      if (!entries) entries = view_entries(store, view);
      const std::string path = view_path(view);
      feeds.documents[path] = render_entries(settings, view, *entries, now, {}, &feeds.left_out);
      if (!settings.header.hub_url.empty())
        feeds.discovery_links[path] = websub::discovery_link(settings.header.hub_url, settings.base_url + path);
      observe_render("cached", started);
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

struct Site::Impl {
  // Something made on the reader thread, or why not.
  struct Made {
    std::shared_ptr<const render::RenderedFeed> document;
    std::string error;
  };
  using Work = std::function<std::shared_ptr<const render::RenderedFeed>(Impl&)>;

  // One request as its handler sees it.
  struct Call {
    const Request& request;
    const QueryParameters& query;
    std::shared_ptr<const SiteSettings> settings;  // a snapshot: a reload does not change it midway
    std::string captured;                          // the route pattern's {name}
    std::string label;                             // for the metrics
    std::string link_token;                        // "token=…" for links, when the request came with one
    FeedFormat format = FeedFormat::atom;          // a feed route's edition
  };
  using Handler = asio::awaitable<Response> (*)(std::shared_ptr<Impl>, const Call&);

  enum class Access { token, open };
  struct Route {
    std::string_view pattern;  // routes.hpp: match_path
    Access access;
    Handler handler;
    FeedFormat format;  // feed routes: the edition
  };

  Impl(asio::any_io_executor query_executor_in, store::StoreLocation database_in, SiteSettings settings_in,
       const FeedSetSlot& feeds_in, std::function<std::string()> health_problem_in)
      : query_executor(std::move(query_executor_in)),
        database(std::move(database_in)),
        settings(std::make_shared<const SiteSettings>(std::move(settings_in))),
        feeds(feeds_in),
        health_problem(std::move(health_problem_in)) {}

  // Reader thread only.
  store::Store& store() {
    if (!reader) reader = std::make_unique<store::Store>(database);
    return *reader;
  }

  // Runs `work` on the reader thread, for at most kReaderDeadline.
  static asio::awaitable<Made> on_reader(std::shared_ptr<Impl> self, Work work) {
    std::function<Made()> run = [self, work = std::move(work)] {
      Made made;
      try {
        made.document = work(*self);
      } catch (const std::exception& error) {
        made.error = error.what();
        self->reader.reset();  // reopened by the next request
      }
      return made;
    };
    std::optional<Made> made = co_await call_with_deadline(self->query_executor, std::move(run), kReaderDeadline);
    if (!made) co_return Made{nullptr, "no answer within " + core::format_duration(kReaderDeadline)};
    co_return std::move(*made);
  }

  static Response unavailable(const Made& made, const std::string& label) {
    return text_response(503, "store unavailable: " + made.error + "\n", label);
  }

  static asio::awaitable<Response> health(std::shared_ptr<Impl> self, const Call& call) {
    const std::string problem = self->health_problem ? self->health_problem() : "no health check is wired";
    std::string body = problem.empty() ? "ok\n" : "unhealthy: " + problem + "\n";
    if (self->health_details)
      for (const std::string& line : self->health_details()) body += line + '\n';
    co_return text_response(problem.empty() ? 200 : 503, body, call.label);
  }

  // Not a coroutine of its own: feed()'s, handed on (a frame less per request).
  static asio::awaitable<Response> default_feed(std::shared_ptr<Impl> self, const Call& call) {
    return feed(std::move(self), call, nullptr);
  }

  static asio::awaitable<Response> channel_feed(std::shared_ptr<Impl> self, const Call& call) {
    const std::vector<Channel>& channels = call.settings->channels;
    const auto channel = std::find_if(channels.begin(), channels.end(),
                                      [&](const Channel& candidate) { return candidate.name == call.captured; });
    if (channel == channels.end())
      co_return text_response(404, "no channel named \"" + quoted_request_text(call.captured) + "\"\n", call.label);
    co_return co_await feed(self, call, &*channel);
  }

  // A feed: the pre-rendered document, or a filtered or paged view made on
  // the reader thread and cached there until the store changes.
  static asio::awaitable<Response> feed(std::shared_ptr<Impl> self, const Call& call, const Channel* channel) {
    const std::shared_ptr<const FeedSet> feeds = self->feeds.current();
    if (!feeds) co_return text_response(503, "the feed is not ready yet\n", call.label);
    FeedView view;
    view.channel = channel;
    view.format = call.format;
    if (std::string problem = read_feed_parameters(call.query, *call.settings, view); !problem.empty())
      co_return text_response(400, problem + "\n", call.label);
    if (view.is_plain) {
      const std::string path = view_path(view);
      const auto document = feeds->documents.find(path);
      if (document == feeds->documents.end()) co_return text_response(503, "the feed is not ready yet\n", call.label);
      Response response = document_response(call.request, document->second, call.label, cache_control(*call.settings));
      if (const auto link = feeds->discovery_links.find(path); link != feeds->discovery_links.end())
        response.headers.emplace_back("Link", link->second);
      co_return response;
    }
    view.request_query = raw_query(call.request.target);
    const std::string key = view_path(view) + "?" + view.request_query;
    const std::uint64_t generation = feeds->generation;
    const core::Timestamp changed_at = feeds->changed_at;
    // Named, not a temporary inside the co_await expression: g++ 12
    // destroys such temporaries twice.
    Work render_filtered = [settings = call.settings, view, key, generation, changed_at,
                            link_token = call.link_token](Impl& site) {
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
    Made made = co_await on_reader(self, std::move(render_filtered));
    if (!made.document) co_return unavailable(made, call.label);
    co_return document_response(call.request, std::move(made.document), call.label, cache_control(*call.settings));
  }

  // Status pages: made per request on the reader thread, from the store as
  // it is now; never kept by caches.
  static asio::awaitable<Response> status_page(std::shared_ptr<Impl> self, const Call& call, Work make,
                                               std::string cache) {
    if (!self->feeds.current()) co_return text_response(503, "the feed is not ready yet\n", call.label);
    Made made = co_await on_reader(self, std::move(make));
    if (!made.document) co_return unavailable(made, call.label);
    co_return document_response(call.request, std::move(made.document), call.label, std::move(cache));
  }

  static asio::awaitable<Response> metrics(std::shared_ptr<Impl> self, const Call& call) {
    Work make = [](Impl& site) {
      const core::Timestamp now = core::now_utc();
      return render::make_rendered("text/plain; version=0.0.4; charset=utf-8", metrics_text(site.store(), now), now);
    };
    co_return co_await status_page(self, call, std::move(make), "no-store");
  }

  static asio::awaitable<Response> sources_json(std::shared_ptr<Impl> self, const Call& call) {
    Work make = [settings = call.settings](Impl& site) {
      const core::Timestamp now = core::now_utc();
      const std::vector<render::SourceStatus> statuses = source_statuses(site.store(), now);
      const std::vector<schedule::HostLoad> hosts = host_loads(settings->loads, statuses, now);
      return render::make_rendered("application/json; charset=utf-8", render::render_sources_json(statuses, hosts, now),
                                   now);
    };
    co_return co_await status_page(self, call, std::move(make), "no-cache");
  }

  static asio::awaitable<Response> sources_opml(std::shared_ptr<Impl> self, const Call& call) {
    Work make = [title = call.settings->header.title](Impl& site) {
      const core::Timestamp now = core::now_utc();
      return render::make_rendered("text/x-opml; charset=utf-8",
                                   render::render_opml(title, source_statuses(site.store(), now), now), now);
    };
    co_return co_await status_page(self, call, std::move(make), "no-cache");
  }

  static asio::awaitable<Response> landing(std::shared_ptr<Impl> self, const Call& call) {
    const std::string link_suffix = call.link_token.empty() ? std::string() : "?" + call.link_token;
    Work make = [settings = call.settings, link_suffix](Impl& site) {
      const core::Timestamp now = core::now_utc();
      const std::vector<render::SourceStatus> statuses = source_statuses(site.store(), now);
      render::LandingPage page;
      page.title = settings->header.title;
      page.subtitle = settings->header.subtitle;
      // Readers name a feed found by autodiscovery after its link's title.
      page.feeds.push_back({page.title, "feed.atom", "feed.json", "feed.rss"});
      for (const store::StoredEntry& stored : site.store().newest_entries(kLandingHeadlines))
        page.headlines.push_back(
            {render::display_title(stored.entry), stored.entry.url, stored.source_name, stored.sort_time});
      for (const Channel& channel : settings->channels)
        page.feeds.push_back({channel.title, "c/" + channel.name + ".atom", "c/" + channel.name + ".json",
                              "c/" + channel.name + ".rss"});
      page.link_suffix = link_suffix;
      page.now = now;
      for (const schedule::HostLoad& host : host_loads(settings->loads, statuses, now))
        if (host.is_stretched()) page.stretched_hosts.push_back(schedule::describe_stretch(host));
      return render::make_rendered("text/html; charset=utf-8", render::render_landing(page, statuses), now);
    };
    co_return co_await status_page(self, call, std::move(make), "no-cache");
  }

  // POST /websub/hub: a subscription request to the built-in hub (W3C
  // WebSub §5.1). Open without the token: a subscriber proves itself by
  // answering the verification of intent, and a topic behind the token
  // must carry it (websub/hub_policy.hpp).
  static asio::awaitable<Response> websub_hub(std::shared_ptr<Impl> self, const Call& call) {
    if (call.request.method != "POST") {
      Response response = text_response(405, "the WebSub hub takes subscription requests by POST\n", call.label);
      response.headers.emplace_back("Allow", "POST");
      co_return response;
    }
    if (!self->hub) co_return text_response(404, "this Tributary runs no hub of its own\n", call.label);
    const websub::HubReply reply = self->hub->handle_request(call.request.content_type, call.request.body);
    co_return text_response(reply.status, reply.text, call.label);
  }

  // A hub's verification or push to /websub/TOKEN (WebSub §5.3, §7): the
  // subscriber's.
  static asio::awaitable<Response> websub_callback(std::shared_ptr<Impl> self, const Call& call) {
    if (!self->websub) co_return text_response(404, "no such subscription\n", call.label);
    Request request = call.request;
    Response response = co_await self->websub(std::move(request), call.captured);
    response.route = call.label;
    co_return response;
  }

  // Every route: GET and HEAD (the server refuses other methods with 405
  // before a request gets here, but a POST under /websub/). Monitors and
  // load balancers probe health without a token, subscribers reach the hub
  // and hubs call back without one; nothing else is open to them. The first
  // pattern that matches wins: /websub/hub comes before the callbacks'
  // /websub/{name}, whose capture is a subscription's random token (43
  // base64url characters, websub/token.hpp), never a source's name, so no
  // callback can be "hub" and no source name can shadow the hub.
  static constexpr Route kRoutes[] = {
      {"/", Access::token, &landing, FeedFormat::atom},
      {"/feed.atom", Access::token, &default_feed, FeedFormat::atom},
      {"/feed.json", Access::token, &default_feed, FeedFormat::json},
      {"/feed.rss", Access::token, &default_feed, FeedFormat::rss},
      {"/c/{name}.atom", Access::token, &channel_feed, FeedFormat::atom},
      {"/c/{name}.json", Access::token, &channel_feed, FeedFormat::json},
      {"/c/{name}.rss", Access::token, &channel_feed, FeedFormat::rss},
      {"/sources.json", Access::token, &sources_json, FeedFormat::atom},
      {"/sources.opml", Access::token, &sources_opml, FeedFormat::atom},
      {"/healthz", Access::open, &health, FeedFormat::atom},
      {"/metrics", Access::token, &metrics, FeedFormat::atom},
      {"/websub/hub", Access::open, &websub_hub, FeedFormat::atom},
      {"/websub/{name}", Access::open, &websub_callback, FeedFormat::atom},
  };

  // Whether the request carries the site's token: ?token=… or HTTP Basic
  // auth (any user name).
  static bool is_authorized(const Request& request, const std::vector<std::string>& tokens, const std::string& token) {
    if (!tokens.empty() && secrets_equal(tokens.back(), token)) return true;
    const auto password = basic_auth_password(request.authorization);
    return password && secrets_equal(*password, token);
  }

  static asio::awaitable<Response> handle(std::shared_ptr<Impl> self, Request request) {
    std::shared_ptr<const SiteSettings> settings = self->settings;
    const std::optional<Target> target = parse_target(request.target);
    if (!target) co_return text_response(400, "malformed request target\n", "(invalid)");
    const Route* route = nullptr;
    std::string captured;
    for (const Route& candidate : kRoutes) {
      if (std::optional<std::string> match = match_path(candidate.pattern, target->path)) {
        route = &candidate;
        captured = std::move(*match);
        break;
      }
    }
    const std::string label = route ? route_label(route->pattern) : "(unknown)";
    // The token guards everything but the health check — unknown paths and
    // channels too, so that nobody learns without it which ones exist.
    const std::vector<std::string> tokens = query_values(target->query, "token");
    const bool needs_token = !route || route->access == Access::token;
    if (!settings->token.empty() && needs_token && !is_authorized(request, tokens, settings->token)) {
      Response response = text_response(401, "this feed needs its token: ?token=… or HTTP Basic auth\n", label);
      response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Tributary\", charset=\"UTF-8\"");
      co_return response;
    }
    if (!route) co_return text_response(404, "not found: " + quoted_request_text(target->path) + "\n", label);
    // Links in the documents made for this request carry the token the way it came.
    std::string link_token =
        !tokens.empty() && !settings->token.empty() ? "token=" + encode_query_value(settings->token) : std::string();
    const Call call{request, target->query,         std::move(settings), std::move(captured),
                    label,   std::move(link_token), route->format};
    co_return co_await route->handler(self, call);
  }

  asio::any_io_executor query_executor;
  store::StoreLocation database;
  std::shared_ptr<const SiteSettings> settings;  // I/O thread; each request takes a snapshot
  const FeedSetSlot& feeds;
  std::function<std::string()> health_problem;               // I/O thread
  std::function<std::vector<std::string>()> health_details;  // I/O thread
  websub::Hub* hub = nullptr;                                // I/O thread
  Site::WebSubCallback websub;                               // I/O thread; set before the server starts
  // Reader thread only:
  std::unique_ptr<store::Store> reader;
  std::map<std::string, std::shared_ptr<const render::RenderedFeed>> view_cache;
  std::uint64_t view_cache_generation = 0;
};

Site::Site(asio::any_io_executor query_executor, store::StoreLocation database, SiteSettings settings,
           const FeedSetSlot& feeds, std::function<std::string()> health_problem)
    : impl_(std::make_shared<Impl>(std::move(query_executor), std::move(database), std::move(settings), feeds,
                                   std::move(health_problem))) {
  core::Metrics& metrics = core::metrics();
  metrics.describe_counter("tributary_polls_total", "Polls by outcome: ok, not_modified, error, gone");
  metrics.describe_counter("tributary_poll_errors_total", "Failed polls by error class");
  metrics.describe_counter("tributary_items_ingested_total", "Items stored: new, updated, merged into a story");
  metrics.describe_histogram("tributary_fetch_duration_seconds",
                             "Time a poll's fetch took: connecting, redirects and the body (parsing not included)",
                             {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  metrics.describe_histogram("tributary_feed_render_seconds",
                             "Time to render a feed document: cached (after a store change) or on_demand",
                             {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1});
}

Site::~Site() = default;

void Site::reconfigure(SiteSettings settings) {
  impl_->settings = std::make_shared<const SiteSettings>(std::move(settings));
}

void Site::set_hub(websub::Hub* hub) { impl_->hub = hub; }

void Site::set_health_details(std::function<std::vector<std::string>()> details) {
  impl_->health_details = std::move(details);
}

asio::awaitable<Response> Site::handle(Request request) { return Impl::handle(impl_, std::move(request)); }

void Site::set_websub_callback(WebSubCallback callback) { impl_->websub = std::move(callback); }

}  // namespace tributary::serve
