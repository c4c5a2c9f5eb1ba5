// `tributary poll --once`: polls every source once (within the concurrency
// and per-host limits), stores what is new, and exits — for cron and for
// benchmarks.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <iostream>

#include "app/commands.hpp"
#include "app/pid_file.hpp"
#include "fetch/fetch.hpp"
#include "schedule/schedule.hpp"
#include "store/store.hpp"

namespace tributary::app {

int poll_once(const config::Config& config) {
  namespace asio = boost::asio;
  const std::filesystem::path database = resolve_database_path(config.storage.database);
  std::unique_ptr<store::Store> writer_store;
  try {
    if (database.has_parent_path()) std::filesystem::create_directories(database.parent_path());
    writer_store = std::make_unique<store::Store>(database.string(), store::store_options(config));
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
            << " new items, " << summary.updated_items << " updated\n";
  return kExitOk;
}

}  // namespace tributary::app
