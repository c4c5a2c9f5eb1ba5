// `tributary poll --once`: polls every source once (within the concurrency
// and per-host limits), stores what is new, and exits — for cron and for
// benchmarks. Exit 0 when every poll got the feed (or "not modified"), 1
// when some failed. Refused while a daemon runs with the same database: it
// polls on its own schedule, and a second poller would hit the sources
// twice and move the next-poll times the daemon keeps.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdio>
#include <iostream>

#include "app/commands.hpp"
#include "app/filtering.hpp"
#include "app/pid_file.hpp"
#include "fetch/fetch.hpp"
#include "schedule/schedule.hpp"
#include "store/store.hpp"

namespace tributary::app {

namespace {

// "scheduler: 0.004094 s CPU for 2000 polls (2.0 µs per poll)" — the
// scheduler's own bookkeeping, for the scale benchmark.
std::string scheduler_cost(const schedule::PollSummary& summary) {
  const double seconds = std::chrono::duration<double>(summary.scheduler_cpu).count();
  char text[160];
  std::snprintf(text, sizeof text, "scheduler: %.6f s CPU for %d polls (%.1f µs per poll)", seconds, summary.polled,
                summary.polled > 0 ? seconds * 1e6 / summary.polled : 0.0);
  return text;
}

}  // namespace

int poll_once(const config::Config& config) {
  namespace asio = boost::asio;
  const std::filesystem::path database = resolve_database_path(config.storage.database);
  if (const auto pid_file = pid_file_path(database); !pid_file.empty()) {
    if (const auto pid = running_daemon_pid(pid_file)) {
      std::cerr << "tributary poll --once: a tributary daemon (pid " << *pid << ") is running with this database ("
                << database.string() << "); it polls every source on its own schedule, and polling them here too "
                << "would hit them twice and move its next-poll times. Nothing was polled. `tributary status` shows "
                   "when each source is polled next; stop the daemon first to poll them all now.\n";
      return kExitFailure;
    }
  }
  std::unique_ptr<store::Store> writer_store;
  try {
    if (database.has_parent_path()) std::filesystem::create_directories(database.parent_path());
    writer_store = std::make_unique<store::Store>(database.string(), store::store_options(config));
    // As the daemon does at start: filters changed since the last run judge
    // what is stored, not only what this poll brings.
    log_refilter(refilter_now(*writer_store));
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return kExitFailure;
  }
  asio::io_context io(1);
  asio::thread_pool worker(2);
  asio::thread_pool writer(1);
  std::unique_ptr<fetch::Fetcher> fetcher;
  try {
    fetcher = std::make_unique<fetch::Fetcher>(io.get_executor(), fetch::fetcher_options(config.fetch));
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return kExitFailure;
  }
  schedule::Scheduler scheduler({io.get_executor(), worker.get_executor(), writer.get_executor()}, *writer_store,
                                *fetcher, config, {}, {});
  std::future<schedule::PollSummary> done = asio::co_spawn(io, scheduler.poll_all_once(), asio::use_future);
  io.run();
  worker.join();
  writer.join();
  const schedule::PollSummary summary = done.get();
  writer_store->checkpoint();
  std::cerr << "polled " << summary.polled << " sources: " << summary.succeeded << " ok, " << summary.not_modified
            << " not modified, " << summary.failed << " failed, " << summary.gone << " gone; " << summary.new_items
            << " new items, " << summary.updated_items << " updated\n"
            << scheduler_cost(summary) << "\n";
  // A 410 is a failed poll too: the feed is no longer there.
  return summary.failed + summary.gone > 0 ? kExitFailure : kExitOk;
}

}  // namespace tributary::app
