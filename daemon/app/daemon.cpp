// `tributary run`: wires the modules together and runs the event loop until
// SIGINT or SIGTERM; SIGHUP reloads the configuration. Speaks systemd's
// notify protocol (READY only once the store is open and migrated and the
// port listens; RELOADING/READY around a reload; STOPPING; STATUS; watchdog
// pings from the loop itself, so a stuck loop gets the service restarted)
// and takes its listening socket from systemd when one is passed.
//
// Threads: the I/O loop (this thread), a worker pool for parsing, and one
// writer thread that owns the store's write connection and renders the feed
// after each change. The WebSub hub (websub/hub.hpp) runs on the I/O loop
// and sees each newly rendered set of feeds there; it and the subscriber
// are wired in app/websub_wiring.cpp.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <set>
#include <variant>

#include "app/background_probe.hpp"
#include "app/commands.hpp"
#include "app/control_socket.hpp"
#include "app/filtering.hpp"
#include "app/fleet_listener.hpp"
#include "app/manual_poll.hpp"
#include "app/pid_file.hpp"
#include "app/store_location.hpp"
#include "app/systemd.hpp"
#include "app/websub_wiring.hpp"
#include "core/core.hpp"
#include "core/version.hpp"
#include "fetch/fetch.hpp"
#include "net/spawn.hpp"
#include "render/render.hpp"
#include "schedule/schedule.hpp"
#include "serve/connection_table.hpp"
#include "serve/health.hpp"
#include "serve/serve.hpp"
#include "serve/site.hpp"
#include "store/store.hpp"
#include "websub/hub.hpp"

namespace tributary::app {
namespace {

namespace asio = boost::asio;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// In-flight polls and responses get this long to finish on SIGTERM
// (tributary.service gives the whole stop TimeoutStopSec=20s).
constexpr auto kShutdownDeadline = std::chrono::seconds(10);
// How often `systemctl status` is brought up to date.
constexpr auto kStatusPeriod = std::chrono::seconds(5);
// How often the daemon checks its own health when nobody asks /healthz, so
// that a damaged or vanished database is in the log either way.
constexpr auto kHealthPeriod = std::chrono::seconds(30);
// A PostgreSQL health probe that has not ended after this long is the
// verdict itself: the server does not answer.
constexpr auto kSlowHealthProbe = std::chrono::seconds(5);

std::string default_base_url(const std::string& address, std::uint16_t port) {
  std::string host = address;
  if (host == "0.0.0.0")
    host = "127.0.0.1";
  else if (host == "::")
    host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port) + "/";
}

// What the writer thread renders with: the site's settings and a count
// of store changes (a FeedSet's generation). A reload replaces the settings
// there.
struct WriterView {
  serve::SiteSettings settings;
  std::uint64_t generation = 0;
  // What the feed set left out and the log has said: each is said once,
  // not after every store change. Bounded by the entries there are.
  std::set<std::string> reported_left_out;
};

// Logs once each thing a rendered feed set left out (FeedSet::left_out).
void report_left_out(const serve::FeedSet& feeds, WriterView& view) {
  for (const std::string& what : feeds.left_out)
    if (view.reported_left_out.insert(what).second) spdlog::warn("{}", what);
}

// Everything the signal, reload, watchdog and status coroutines share. All
// of it is used on the I/O thread, except `feed` (writer thread).
struct Service {
  asio::io_context& io;
  asio::any_io_executor writer;
  ServiceNotifier& notifier;
  serve::Server& server;
  serve::Site& site;
  serve::HealthCheck& health;
  schedule::Scheduler& scheduler;
  fetch::Fetcher& fetcher;
  websub::Hub& hub;
  store::Store& reader_store;         // the I/O thread's own read connection
  store::Store& writer_store;         // writer thread
  WriterView& writer_view;            // writer thread
  std::function<void()> render_feed;  // run on the writer thread
  config::Config config;              // the configuration in effect
  std::string config_path;
  std::string listen_address;  // as bound (the config's, or the passed socket's)
  std::uint16_t port = 0;
  bool is_log_level_pinned = false;  // --log-level wins over [log] level on reload
  bool is_stopping = false;
  int exit_status = kExitOk;  // kExitFailure once a part it needs failed
  asio::signal_set* stop_signals = nullptr;
  asio::signal_set* hangups = nullptr;
  asio::steady_timer* watchdog_timer = nullptr;
  asio::steady_timer* status_timer = nullptr;
  asio::steady_timer* health_timer = nullptr;
  ControlServer* control = nullptr;  // none when its socket could not be made
};

std::string base_url_of(const Service& service, const config::Config& config) {
  return config.server.base_url.empty() ? default_base_url(service.listen_address, service.port)
                                        : config.server.base_url;
}

std::string format_clock(core::Timestamp t) {
  const std::string text = core::format_rfc3339(t);  // 2025-12-17T10:00:00Z
  return text.size() >= 19 ? text.substr(11, 8) : text;
}

// The sources at a glance, or why the store could not tell.
using Glance = std::variant<store::SourcesAtAGlance, std::string>;

Glance glance_of(store::Store& store) {
  try {
    return store.sources_at_a_glance();
  } catch (const std::exception& error) {
    return std::string(error.what());
  }
}

asio::awaitable<Glance> glance_on_writer(store::Store& writer_store) { co_return glance_of(writer_store); }

// "5 sources, 1 failing; last poll 10:42:07 UTC Balkan Insight: HTTP 200"
std::string status_line(const Service& service, const Glance& read) {
  const std::size_t configured = service.config.sources.size();
  std::string line = std::to_string(configured) + (configured == 1 ? " source" : " sources");
  if (const std::string* error = std::get_if<std::string>(&read)) return line + "; store unavailable: " + *error;
  const store::SourcesAtAGlance& glance = std::get<store::SourcesAtAGlance>(read);
  if (glance.failing > 0) line += ", " + std::to_string(glance.failing) + " failing";
  line += "; serving http://" + service.listen_address + ":" + std::to_string(service.port) + "/";
  if (!glance.last_polled) return line + "; no poll yet";
  const store::SourceRecord& last = *glance.last_polled;
  line += "; last poll " + format_clock(*last.last_poll_at) + " UTC " + last.name + ": ";
  if (!last.last_error.empty()) return line + "failed (" + last.last_error + ")";
  return line + (last.last_status == 304 ? "not modified" : "HTTP " + std::to_string(last.last_status));
}

// The status line, its glance read on the writer thread: a database that
// does not answer (a PostgreSQL server that hangs) holds that thread, not
// the I/O thread that serves every reader.
asio::awaitable<std::string> current_status_line(Service& service) {
  const Glance glance =
      co_await asio::co_spawn(service.writer, glance_on_writer(service.writer_store), asio::use_awaitable);
  co_return status_line(service, glance);
}

// Runs on the writer thread: the feeds' settings changed on reload.
asio::awaitable<void> apply_site_settings(WriterView& view, serve::SiteSettings next,
                                          std::function<void()> render_feed) {
  view.settings = std::move(next);
  render_feed();
  co_return;
}

// Runs on the writer thread: one batch of judging the stored items again
// (store::Store::refilter), with the filters of the new configuration set
// first when `filters` is given.
asio::awaitable<store::RefilterStep> refilter_batch(store::Store& store, std::optional<store::StoreOptions> filters) {
  if (filters) store.set_filters(std::move(filters->filters), std::move(filters->filter_signature));
  co_return store.refilter(store::Store::kRefilterBatch, core::now_utc());
}

// A reload that changes the filters judges every stored item again, a
// batch at a time, so that polls keep their turns on the writer; a store
// that fails keeps its marks (the next reload or start tries again).
asio::awaitable<void> apply_filters(Service& service, const config::Config& next) {
  std::optional<store::StoreOptions> options = store::store_options(next);
  RefilterTotals totals;
  try {
    for (;;) {
      auto batch =
          asio::co_spawn(service.writer, refilter_batch(service.writer_store, std::move(options)), asio::use_awaitable);
      const store::RefilterStep step = co_await std::move(batch);
      options.reset();
      totals.add(step);
      if (step.is_done) break;
    }
  } catch (const std::exception& error) {
    spdlog::error("reload: judging the stored items by the filters failed: {}", error.what());
  }
  log_refilter(totals);
}

// Settings a running daemon cannot change: the socket it listens on and
// the database it has open. They are logged and left as they are.
void keep_restart_only_settings(const config::Config& running, config::Config& next) {
  const auto note = [](const std::string& key, const std::string& from, const std::string& to) {
    if (from != to)
      spdlog::warn("reload: {} changed from \"{}\" to \"{}\"; that takes effect when tributary restarts", key, from,
                   to);
  };
  note("server.listen", running.server.listen_address, next.server.listen_address);
  note("server.port", std::to_string(running.server.port), std::to_string(next.server.port));
  note("storage.backend", std::string(config::to_string(running.storage.backend)),
       std::string(config::to_string(next.storage.backend)));
  note("storage.database", running.storage.database.string(), next.storage.database.string());
  // Shown redacted; a change of the password alone is still reported.
  const std::string running_url = config::redacted_storage_url(running.storage.url);
  const std::string next_url = config::redacted_storage_url(next.storage.url);
  if (running_url == next_url && running.storage.url != next.storage.url)
    spdlog::warn("reload: the password in storage.url changed; that takes effect when tributary restarts");
  note("storage.url", running_url, next_url);
  note("storage.password_file", running.storage.password_file.string(), next.storage.password_file.string());
  // The store was opened with these (store_options) and keeps them.
  note("storage.retention_items", std::to_string(running.storage.retention_items),
       std::to_string(next.storage.retention_items));
  note("storage.retention_age", core::format_duration(running.storage.retention_age),
       core::format_duration(next.storage.retention_age));
  note("storage.tombstone_age", core::format_duration(running.storage.tombstone_age),
       core::format_duration(next.storage.tombstone_age));
  note("storage.removed_source_grace", core::format_duration(running.storage.removed_source_grace),
       core::format_duration(next.storage.removed_source_grace));
  note("log.target", running.log.target, next.log.target);
  note("server.max_connections", std::to_string(running.server.max_connections),
       std::to_string(next.server.max_connections));
  note("server.idle_timeout", core::format_duration(running.server.idle_timeout),
       core::format_duration(next.server.idle_timeout));
  note("server.header_timeout", core::format_duration(running.server.header_timeout),
       core::format_duration(next.server.header_timeout));
  next.server.listen_address = running.server.listen_address;
  next.server.port = running.server.port;
  next.storage = running.storage;
  next.log.target = running.log.target;
  next.server.max_connections = running.server.max_connections;
  next.server.idle_timeout = running.server.idle_timeout;
  next.server.header_timeout = running.server.header_timeout;
}

asio::awaitable<void> reload(Service& service) {
  service.notifier.reloading();
  spdlog::info("reloading {}", service.config_path);
  config::ConfigLoad loaded = config::load_config_file(service.config_path);
  if (!loaded.config) {
    for (const config::ConfigError& error : loaded.errors) spdlog::error("{}", config::to_string(error));
    spdlog::error("reload failed: {} has {} error{}; keeping the configuration in effect", service.config_path,
                  loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s");
    service.notifier.ready(co_await current_status_line(service));
    co_return;
  }
  log_config_warnings(loaded.warnings);
  config::Config next = std::move(*loaded.config);
  // First what can still fail (a CA file that does not load): then nothing
  // has changed yet.
  bool is_fetcher_reconfigured = true;
  try {
    service.fetcher.reconfigure(fetch::fetcher_options(next.fetch));
  } catch (const std::exception& error) {
    spdlog::error("reload failed: {}; keeping the configuration in effect", error.what());
    is_fetcher_reconfigured = false;
  }
  if (!is_fetcher_reconfigured) {
    service.notifier.ready(co_await current_status_line(service));
    co_return;
  }
  keep_restart_only_settings(service.config, next);
  if (!service.is_log_level_pinned && next.log.level != service.config.log.level) {
    spdlog::set_level(spdlog::level::from_str(next.log.level));
    spdlog::info("reload: log level is now {}", next.log.level);
  }
  // Sources first: the store takes their new names and tags, which
  // channels select by. Then titles, channels, the token, source names: the
  // site takes the new settings for the next request, and the writer
  // re-renders every feed and channel from the store as it is now.
  auto reconfigured = service.scheduler.reconfigure(next);
  co_await std::move(reconfigured);
  co_await apply_filters(service, next);
  serve::SiteSettings settings = serve::site_settings(next, base_url_of(service, next));
  service.site.reconfigure(settings);
  reconfigure_websub(service.hub, service.scheduler, next, settings.base_url);
  auto applied =
      asio::co_spawn(service.writer, apply_site_settings(service.writer_view, std::move(settings), service.render_feed),
                     asio::use_awaitable);
  co_await std::move(applied);
  service.config = std::move(next);
  spdlog::info("reloaded {}: {} source{}", service.config_path, service.config.sources.size(),
               service.config.sources.size() == 1 ? "" : "s");
  service.notifier.ready(co_await current_status_line(service));
}

asio::awaitable<void> reload_on_hangup(Service& service) {
  for (;;) {
    auto [error, signal_number] = co_await service.hangups->async_wait(kUseTuple);
    if (error || service.is_stopping) co_return;
    co_await reload(service);
  }
}

// Starts no new polls and accepts no new connections; polls and responses
// in flight get kShutdownDeadline; then the loop ends. `reason` is logged.
asio::awaitable<void> shut_down(Service& service, std::string reason) {
  if (service.is_stopping) co_return;
  service.is_stopping = true;
  service.notifier.stopping();
  spdlog::info("{}: stopping (in-flight polls and requests get up to {} s)", reason, kShutdownDeadline.count());
  const auto deadline = std::chrono::steady_clock::now() + kShutdownDeadline;
  service.server.stop();  // no new connections; idle ones close, busy ones after their response
  if (service.control) service.control->stop();
  service.stop_signals->cancel();
  service.hangups->cancel();
  if (service.status_timer) service.status_timer->cancel();
  if (service.health_timer) service.health_timer->cancel();
  co_await service.scheduler.stop(kShutdownDeadline);
  // Responses still being written (a slow reader) get the rest of the deadline.
  co_await service.server.drain(
      std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration::zero()));
  if (const std::size_t left = service.server.open_connections(); left > 0)
    spdlog::warn("stopping with {} HTTP connection{} still open after {} s", left, left == 1 ? "" : "s",
                 kShutdownDeadline.count());
  service.fetcher.close_idle_connections();
  service.hub.stop();
  if (service.watchdog_timer) service.watchdog_timer->cancel();
  service.io.stop();
}

// The loop ends either way: a shutdown that itself fails stops it at once.
void spawn_shut_down(Service& service, std::string reason) {
  asio::co_spawn(service.io, shut_down(service, std::move(reason)),
                 net::FailDaemon("stopping", [&io = service.io] { io.stop(); }));
}

asio::awaitable<void> shutdown_on_signal(Service& service) {
  auto [error, signal_number] = co_await service.stop_signals->async_wait(kUseTuple);
  if (error) co_return;
  const char* name = sigabbrev_np(signal_number);
  spawn_shut_down(service, std::string("received SIG") + (name ? name : "?"));
}

// A part the daemon cannot live without failed (net::FailDaemon logged
// why): it stops as on SIGTERM, with a failure status, so that systemd
// restarts it (Restart=on-failure).
void fail_daemon(Service& service) {
  service.exit_status = kExitFailure;
  spawn_shut_down(service, "a part of the daemon failed");
}

// WATCHDOG=1 from the loop itself: if the loop hangs, the pings stop and
// systemd restarts the service (WatchdogSec=).
asio::awaitable<void> ping_watchdog(Service& service, std::chrono::microseconds period) {
  for (;;) {
    service.notifier.watchdog();
    service.watchdog_timer->expires_after(period);
    auto [error] = co_await service.watchdog_timer->async_wait(kUseTuple);
    if (error) co_return;
  }
}

asio::awaitable<void> refresh_status(Service& service) {
  for (;;) {
    service.status_timer->expires_after(kStatusPeriod);
    auto [error] = co_await service.status_timer->async_wait(kUseTuple);
    if (error || service.is_stopping) co_return;
    service.notifier.status(co_await current_status_line(service));
  }
}

asio::awaitable<void> check_health(Service& service) {
  for (;;) {
    service.health_timer->expires_after(kHealthPeriod);
    auto [error] = co_await service.health_timer->async_wait(kUseTuple);
    if (error || service.is_stopping) co_return;
    service.health.problem(serve::HealthCheck::Clock::now());  // a change is logged by the check itself
  }
}

// /healthz: the store's file and schema as the I/O thread's connection
// reads them, then whether the writer's last write went through.
std::string store_health_problem(store::Store& reader_store, const store::Store& writer_store) {
  std::string problem = reader_store.health_problem();
  if (problem.empty() && !writer_store.is_writable())
    problem = "the database does not take writes (the log says why; the feed stays as it was)";
  return problem;
}

void log_health_change(const store::StoreLocation& database, const std::string& problem, const std::string& previous) {
  if (problem.empty())
    spdlog::info("healthz: healthy again (was: {}); database {}", previous, database.shown());
  else
    spdlog::error("healthz: unhealthy, /healthz answers 503: {}; database {}", problem, database.shown());
}

// Every connection (readers, sources) is a file descriptor, and the soft
// limit is often 1024 (systemd's default) while the hard one is far higher:
// a server takes what it may, as nginx and others do. Returns the soft limit
// it ends with (nullopt when it cannot be read).
std::optional<std::size_t> raise_open_file_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return wanted;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur =
      limit.rlim_max == RLIM_INFINITY ? static_cast<rlim_t>(wanted) : std::min<rlim_t>(limit.rlim_max, wanted);
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return static_cast<std::size_t>(before);
  if (limit.rlim_cur >= wanted) spdlog::debug("raised the open file limit from {} to {}", before, limit.rlim_cur);
  return static_cast<std::size_t>(limit.rlim_cur);
}

// max_connections, or fewer when the open-file limit is too low for it and
// the fetcher's connections (said once, at start).
std::uint32_t reader_connections_allowed(const config::Config& config) {
  const std::size_t wanted = std::size_t{config.server.max_connections} + config.fetch.max_connections +
                             4 * serve::kDescriptorsBesideConnections;
  const auto open_file_limit = raise_open_file_limit(wanted);
  if (!open_file_limit) return config.server.max_connections;
  const std::size_t allowed = serve::connections_within_descriptor_limit(
      *open_file_limit, config.server.max_connections, config.fetch.max_connections);
  if (*open_file_limit < wanted)
    spdlog::warn(
        "open files are limited to {} (hard limit); server.max_connections and the fetcher's connections want "
        "about {}: at most {} HTTP connections at once (server.max_connections = {})",
        *open_file_limit, wanted, allowed, config.server.max_connections);
  return static_cast<std::uint32_t>(allowed);
}

void create_database_directory(const std::filesystem::path& database) {
  if (!database.has_parent_path()) return;
  std::error_code error;
  std::filesystem::create_directories(database.parent_path(), error);
  if (error)
    throw std::runtime_error("cannot create the database directory " + database.parent_path().string() + ": " +
                             error.message());
}

struct OpenStores {
  std::unique_ptr<PidFile> pid_file;
  std::unique_ptr<store::Store> writer;
  std::unique_ptr<store::Store> reader;
};

// The pid file first: a second daemon must not migrate the database under
// the first one. It lives next to [storage] database, the daemon's state
// directory, with either engine.
OpenStores open_stores(const config::Config& config, const std::filesystem::path& state_file,
                       const store::StoreLocation& database) {
  OpenStores stores;
  if (const auto path = pid_file_path(state_file); !path.empty()) {
    try {
      stores.pid_file = std::make_unique<PidFile>(path);
    } catch (const std::runtime_error&) {
      // Several daemons may share a PostgreSQL database, also from one
      // machine and one state directory: the first keeps the pid file and
      // the control socket, the others run without.
      const std::optional<pid_t> other = database.is_postgresql ? running_daemon_pid(path) : std::nullopt;
      if (!other) throw;
      spdlog::warn(
          "the daemon with pid {} keeps the pid file {} and its control socket; this one shares the PostgreSQL "
          "database with it and runs without them (`tributary reload`, `status` and `poll NAME` reach that one; "
          "give each daemon its own [storage] database path or STATE_DIRECTORY to reach both)",
          *other, path.string());
    }
  }
  stores.writer = std::make_unique<store::Store>(database, store::store_options(config));
  stores.reader = std::make_unique<store::Store>(database);
  return stores;
}

serve::ServerOptions server_options_for(const config::Config& config, const std::optional<InheritedSocket>& inherited,
                                        std::uint32_t max_connections) {
  serve::ServerOptions server_options;
  server_options.address = inherited ? inherited->address : config.server.listen_address;
  server_options.port = inherited ? inherited->port : config.server.port;
  server_options.inherited_listen_fd = inherited ? inherited->fd : -1;
  server_options.idle_timeout = config.server.idle_timeout;
  server_options.header_timeout = config.server.header_timeout;
  server_options.max_connections = max_connections;
  allow_websub_posts(server_options, config);
  return server_options;
}

// The daemon's own loops; each one failing stops the daemon loudly.
void spawn_service_loops(Service& service) {
  const auto fail = [&service] { fail_daemon(service); };
  asio::co_spawn(service.io, shutdown_on_signal(service), net::FailDaemon("waiting for SIGTERM", fail));
  asio::co_spawn(service.io, reload_on_hangup(service), net::FailDaemon("reloading on SIGHUP", fail));
  if (const auto period = service.notifier.watchdog_period())
    asio::co_spawn(service.io, ping_watchdog(service, *period), net::FailDaemon("the systemd watchdog", fail));
  if (service.notifier.is_enabled())
    asio::co_spawn(service.io, refresh_status(service), net::FailDaemon("the systemd status", fail));
  asio::co_spawn(service.io, check_health(service), net::FailDaemon("the health check", fail));
}

// The control socket next to the pid file, for `tributary poll NAME`. A
// daemon that cannot make it polls and serves all the same; the command
// then says it cannot reach the daemon (and polls nothing itself).
std::unique_ptr<ControlServer> open_control_socket(asio::io_context& io, const std::filesystem::path& database,
                                                   schedule::Scheduler& scheduler) {
  const std::filesystem::path path = control_socket_path(database);
  if (path.empty()) return nullptr;
  try {
    return std::make_unique<ControlServer>(io.get_executor(), path,
                                           [&scheduler](std::string request, ControlReply& reply) {
                                             return answer_control_request(scheduler, std::move(request), reply);
                                           });
  } catch (const std::exception& error) {
    spdlog::warn("{}; `tributary poll NAME` cannot reach this daemon", error.what());
    return nullptr;
  }
}

// /healthz: both connections' view of the database; a change of verdict
// is logged. `stores` and `database` outlive the check.
serve::HealthCheck health_check(const OpenStores& stores, const store::StoreLocation& database) {
  const auto report = [&database](const std::string& problem, const std::string& previous) {
    log_health_change(database, problem, previous);
  };
  if (!database.is_postgresql)  // a file: a stat and 100 bytes, at once
    return serve::HealthCheck([&stores] { return store_health_problem(*stores.reader, *stores.writer); }, report);
  // A server may not answer for a while: asked off the I/O thread, on a
  // connection of the probe's own.
  auto probe = std::make_shared<BackgroundProbe>(
      [&stores, health_store = std::make_shared<store::Store>(database)] {
        return store_health_problem(*health_store, *stores.writer);
      },
      "the PostgreSQL server", kSlowHealthProbe);
  return serve::HealthCheck([probe] { return probe->ask(); }, report);
}

// Renders the feed set and publishes it; runs on the writer thread, which
// owns the writer store and `view`. The hub sees each set on the I/O loop
// and delivers the documents that changed (the ETags tell).
std::function<void()> feed_renderer(store::Store& writer_store, WriterView& view, serve::FeedSetSlot& feeds,
                                    asio::any_io_executor io, websub::Hub& hub) {
  return [&writer_store, &view, &feeds, io, &hub] {
    try {
      auto rendered = std::make_shared<serve::FeedSet>(
          serve::render_feed_set(writer_store, view.settings, core::now_utc(), ++view.generation));
      asio::post(io, [&hub, rendered] { hub.observe(rendered->documents); });
      report_left_out(*rendered, view);
      feeds.publish(std::move(rendered));
    } catch (const std::exception& error) {
      spdlog::error("rendering the feed failed: {}", error.what());
    }
  };
}

// Every other thread has stopped: leave one self-contained database file.
void close_stores(OpenStores& stores) {
  stores.reader.reset();
  try {
    stores.writer->checkpoint();
  } catch (const std::exception& error) {
    spdlog::warn("closing the database: {}", error.what());
  }
  stores.writer.reset();
}

// From the listening socket to the loop's end. Throws what makes start-up
// fail (the caller logs it); a part that fails later stops the loop with
// Service::exit_status set.
int serve_until_stopped(const config::Config& config, const GlobalOptions& options, ServiceNotifier& notifier,
                        std::uint32_t reader_connections) {
  asio::io_context io(1);
  // Registered first: a SIGHUP or SIGTERM during start-up waits for the loop
  // instead of killing the process.
  asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  asio::signal_set hangups(io, SIGHUP);
  const std::optional<InheritedSocket> inherited = listen_socket_from_systemd();
  // Also where the pid file and the control socket are, with either engine.
  const std::filesystem::path state_file = resolve_database_path(config.storage.database);
  create_database_directory(state_file);
  const store::StoreLocation database = configured_store(config);
  OpenStores stores = open_stores(config, state_file, database);
  spdlog::info("tributary {} starting: {} sources, database {}", core::kVersion, config.sources.size(),
               database.shown());
  if (const std::int64_t items = stores.writer->search_rebuild_items(); items > 0)
    spdlog::warn(
        "search: the full-text index beside the database ({}-search) was missing or not this database's; it is "
        "rebuilt from the {} stored items in the background, and searches (q=) find only what is done until then",
        database.shown(), items);

  serve::FeedSetSlot feeds;
  asio::thread_pool worker(2);  // parse and normalize
  asio::thread_pool writer(1);  // the store's writes and the feed's rendering
  asio::thread_pool reader(1);  // the site's store queries (serve/site.hpp)
  fetch::Fetcher fetcher(io.get_executor(), fetch::fetcher_options(config.fetch));
  const serve::ServerOptions server_options = server_options_for(config, inherited, reader_connections);
  // The base URL may depend on the port the server binds: settings follow.
  serve::HealthCheck health = health_check(stores, database);
  serve::Site site(reader.get_executor(), database, serve::SiteSettings{}, feeds,
                   [&health] { return health.problem(serve::HealthCheck::Clock::now()); });
  serve::Server server(io.get_executor(), server_options,
                       [&site](serve::Request request) { return site.handle(std::move(request)); });
  Service* running = nullptr;  // set below; the loop has not run before
  const auto fail = [&running] { fail_daemon(*running); };
  server.start(fail);
  if (inherited)
    spdlog::info("socket activation: serving on the socket systemd passed ({}:{}); [server] listen and port are unused",
                 inherited->address, inherited->port);

  WriterView writer_view;  // writer thread from the scheduler's start on
  const std::uint16_t port = server.port();
  const std::string base_url =
      config.server.base_url.empty() ? default_base_url(server_options.address, port) : config.server.base_url;
  writer_view.settings = serve::site_settings(config, base_url);
  site.reconfigure(writer_view.settings);
  const std::unique_ptr<websub::Hub> hub =
      start_hub(io.get_executor(), writer.get_executor(), *stores.writer, config, writer_view.settings.base_url);
  const std::function<void()> render_feed = feed_renderer(*stores.writer, writer_view, feeds, io.get_executor(), *hub);
  log_refilter(refilter_now(*stores.writer));  // filters changed while the daemon was stopped
  render_feed();                               // before any other thread runs: the first request finds a feed

  schedule::Scheduler scheduler({io.get_executor(), worker.get_executor(), writer.get_executor()}, *stores.writer,
                                fetcher, config, {}, render_feed);
  site.set_health_details([&scheduler] { return scheduler.fleet_report(); });
  // Several daemons on one PostgreSQL database: another one's ingest
  // changes what this one serves.
  std::jthread fleet_listener;
  if (database.is_postgresql)
    fleet_listener = listen_for_fleet_changes(database, scheduler.fleet_daemon(), writer.get_executor(), render_feed);
  serve_websub(site, *hub, scheduler, config, writer_view.settings.base_url);
  const std::unique_ptr<ControlServer> control =
      stores.pid_file ? open_control_socket(io, state_file, scheduler) : nullptr;
  asio::steady_timer watchdog_timer(io);
  asio::steady_timer status_timer(io);
  asio::steady_timer health_timer(io);
  Service service{.io = io,
                  .writer = writer.get_executor(),
                  .notifier = notifier,
                  .server = server,
                  .site = site,
                  .health = health,
                  .scheduler = scheduler,
                  .fetcher = fetcher,
                  .hub = *hub,
                  .reader_store = *stores.reader,
                  .writer_store = *stores.writer,
                  .writer_view = writer_view,
                  .render_feed = render_feed,
                  .config = config,
                  .config_path = options.config_path,
                  .listen_address = server_options.address,
                  .port = port,
                  .is_log_level_pinned = !options.log_level.empty(),
                  .stop_signals = &stop_signals,
                  .hangups = &hangups,
                  .watchdog_timer = &watchdog_timer,
                  .status_timer = &status_timer,
                  .health_timer = &health_timer,
                  .control = control.get()};
  running = &service;
  spawn_service_loops(service);
  spdlog::info("listening on http://{}:{}/ — feed at {}", server_options.address, port,
               writer_view.settings.header.self_url);
  scheduler.start(fail);
  if (control) control->start(fail);
  // The store is open and migrated, the port accepts connections.
  notifier.ready(status_line(service, glance_of(*stores.reader)));  // before the loop: the database just answered

  io.run();
  if (fleet_listener.joinable()) {
    fleet_listener.request_stop();
    fleet_listener.join();
  }
  worker.join();
  writer.join();
  reader.join();
  close_stores(stores);
  spdlog::info(service.exit_status == kExitOk ? "stopped" : "stopped after a failure");
  return service.exit_status;
}

}  // namespace

int run_daemon(const config::Config& config, const GlobalOptions& options) {
  const std::uint32_t reader_connections = reader_connections_allowed(config);
  ServiceNotifier notifier;
  notifier.status("Starting");
  try {
    return serve_until_stopped(config, options, notifier, reader_connections);
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return kExitFailure;
  }
}

}  // namespace tributary::app
