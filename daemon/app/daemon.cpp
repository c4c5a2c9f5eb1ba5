// `tributary run`: wires the modules together and runs until SIGINT/SIGTERM.
// Threads: the I/O loop (this thread), a worker pool for parsing, and one
// writer thread that owns the store's write connection and renders the feed
// after each change.
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <filesystem>
#include <future>

#include "app/commands.hpp"
#include "core/core.hpp"
#include "core/version.hpp"
#include "fetch/fetch.hpp"
#include "render/render.hpp"
#include "schedule/schedule.hpp"
#include "serve/serve.hpp"
#include "store/store.hpp"

namespace tributary::app {
namespace {

namespace asio = boost::asio;

constexpr auto kShutdownDeadline = std::chrono::seconds(10);

// Relative paths live under systemd's StateDirectory when there is one,
// else under the working directory.
std::filesystem::path resolve_database_path(const std::filesystem::path& configured) {
  if (configured.is_absolute() || configured == ":memory:") return configured;
  if (const char* state = std::getenv("STATE_DIRECTORY"); state && *state) {
    std::string first(state);
    first = first.substr(0, first.find(':'));  // several directories are colon-separated
    return std::filesystem::path(first) / configured;
  }
  return std::filesystem::absolute(configured);
}

std::string default_base_url(const std::string& address, std::uint16_t port) {
  std::string host = address;
  if (host == "0.0.0.0") host = "127.0.0.1";
  else if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port) + "/";
}

render::FeedHeader make_header(const config::Config& config, const std::string& base_url) {
  render::FeedHeader header;
  header.self_url = core::resolve_url(base_url, "feed.atom").value_or(base_url + "feed.atom");
  header.alternate_url = base_url;
  header.id = config.feed.id.empty() ? header.self_url : config.feed.id;
  header.title = config.feed.title;
  header.tag_authority = core::url_host(base_url);
  if (header.tag_authority.empty() || header.tag_authority.find(':') != std::string::npos)
    header.tag_authority = "localhost";
  return header;
}

asio::awaitable<void> shutdown_on_signal(asio::signal_set& signals, serve::Server& server,
                                         schedule::Scheduler& scheduler, asio::io_context& io) {
  auto [error, signal_number] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
  if (error) co_return;
  spdlog::info("received signal {}: stopping (in-flight polls get up to {} s)", signal_number,
               kShutdownDeadline.count());
  server.stop();
  co_await scheduler.stop(kShutdownDeadline);
  io.stop();
}

}  // namespace

int run_daemon(const config::Config& config) {
  const std::filesystem::path database = resolve_database_path(config.storage.database);
  try {
    if (database.has_parent_path()) std::filesystem::create_directories(database.parent_path());
  } catch (const std::filesystem::filesystem_error& error) {
    spdlog::critical("cannot create the database directory {}: {}", database.parent_path().string(),
                     error.code().message());
    return kExitFailure;
  }

  std::unique_ptr<store::Store> writer_store;
  std::unique_ptr<store::Store> reader_store;
  try {
    writer_store = std::make_unique<store::Store>(database.string());
    reader_store = std::make_unique<store::Store>(database.string());
  } catch (const store::StoreError& error) {
    spdlog::critical("{}", error.what());
    return kExitFailure;
  }
  spdlog::info("tributary {} starting: {} sources, database {}", core::kVersion, config.sources.size(),
               database.string());

  render::FeedSlot atom_feed;
  asio::io_context io(1);
  asio::thread_pool worker(2);
  asio::thread_pool writer(1);
  fetch::Fetcher fetcher(io.get_executor());

  serve::ServerOptions server_options;
  server_options.address = config.server.listen_address;
  server_options.port = config.server.port;
  server_options.title = config.feed.title;
  serve::Server server(io.get_executor(), server_options,
                       {&atom_feed, [&reader_store] { return reader_store->is_healthy(); }});
  try {
    server.start();
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return kExitFailure;
  }
  const std::string base_url =
      config.server.base_url.empty() ? default_base_url(config.server.listen_address, server.port()) : config.server.base_url;
  const render::FeedHeader header = make_header(config, base_url);

  // Runs on the writer thread: it owns writer_store.
  const auto render_feed = [&] {
    try {
      render::FeedHeader now_header = header;
      now_header.now = core::now_utc();
      const auto entries = writer_store->newest_entries(config.feed.entries);
      atom_feed.publish(render::make_rendered("application/atom+xml; charset=utf-8",
                                              render::render_atom(now_header, entries), now_header.now));
    } catch (const std::exception& error) {
      spdlog::error("rendering the feed failed: {}", error.what());
    }
  };
  render_feed();  // before any other thread runs: the first request finds a feed

  schedule::Scheduler scheduler({io.get_executor(), worker.get_executor(), writer.get_executor()}, *writer_store,
                                fetcher, config, {}, render_feed);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::co_spawn(io, shutdown_on_signal(signals, server, scheduler, io), asio::detached);
  scheduler.start();
  spdlog::info("listening on http://{}:{}/ — feed at {}", config.server.listen_address, server.port(),
               header.self_url);

  io.run();
  worker.join();
  writer.join();
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace tributary::app
