// `tributary poll --once`: polls every source once (within the concurrency
// and per-host limits), stores what is new, and exits — for cron and for
// benchmarks. Exit 0 when every poll got the feed (or "not modified"), 1
// when some failed. Refused while a daemon runs with the same database: it
// polls on its own schedule, and a second poller would hit the sources
// twice and move the next-poll times the daemon keeps.
//
// `tributary poll NAME|URL`: that source now. With a daemon running, the
// daemon polls it (through its control socket), within its host's limits
// and never against a Retry-After, and the command prints what it waited
// for and the poll's outcome line; with none, the command polls it once
// itself, as the daemon would. Exit 0 when polled (the feed, or "not
// modified"), 1 when the poll failed or was not made, 2 when no source
// has that name or URL.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdio>
#include <future>
#include <iostream>
#include <thread>

#include "app/commands.hpp"
#include "app/control_socket.hpp"
#include "app/filtering.hpp"
#include "app/manual_poll.hpp"
#include "app/pid_file.hpp"
#include "app/running_daemon.hpp"
#include "app/store_location.hpp"
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

// The scheduler and what it runs on, for polls made by the command itself
// while no daemon runs.
struct LocalPolling {
  std::unique_ptr<store::Store> store;
  boost::asio::io_context io{1};
  boost::asio::thread_pool worker{2};
  boost::asio::thread_pool writer{1};
  std::unique_ptr<fetch::Fetcher> fetcher;
  std::unique_ptr<schedule::Scheduler> scheduler;

  // Runs `task` on the loop until everything it started has ended.
  template <typename T>
  T run(boost::asio::awaitable<T> task) {
    std::future<T> done = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
    io.run();
    worker.join();
    writer.join();
    T result = done.get();
    store->checkpoint();
    return result;
  }
};

// nullptr after logging why the store or the fetcher cannot be set up.
std::unique_ptr<LocalPolling> start_local_polling(const config::Config& config, const std::filesystem::path& database) {
  auto polling = std::make_unique<LocalPolling>();
  try {
    if (database.has_parent_path()) std::filesystem::create_directories(database.parent_path());
    polling->store = std::make_unique<store::Store>(configured_store(config), store::store_options(config));
    // As the daemon does at start: filters changed since the last run judge
    // what is stored, not only what this poll brings.
    log_refilter(refilter_now(*polling->store));
    polling->fetcher =
        std::make_unique<fetch::Fetcher>(polling->io.get_executor(), fetch::fetcher_options(config.fetch));
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return nullptr;
  }
  polling->scheduler = std::make_unique<schedule::Scheduler>(
      schedule::Executors{polling->io.get_executor(), polling->worker.get_executor(), polling->writer.get_executor()},
      *polling->store, *polling->fetcher, config, schedule::SchedulerOptions{}, nullptr);
  return polling;
}

// A manual poll's last line printed, and its exit code.
int report_manual_poll(schedule::ManualPoll::Verdict verdict, const std::string& line) {
  using Verdict = schedule::ManualPoll::Verdict;
  switch (verdict) {
    case Verdict::succeeded:
      std::cout << line << "\n";
      return kExitOk;
    case Verdict::unknown:
      std::cerr << line << "\n";
      return kExitBadConfig;
    default:
      std::cerr << line << "\n";
      return kExitFailure;
  }
}

// The file names the source but the daemon does not know it yet: a
// reload (`tributary add` sends one) may still be under way. Asked again
// this often, this many times, before the command gives up.
constexpr auto kReloadRetryPause = std::chrono::milliseconds(500);
constexpr int kReloadRetries = 20;

// `poll NAME` answered by the running daemon, line by line.
int poll_through_daemon(const RunningDaemon& daemon, const std::string& name_or_url) {
  std::cout << "asking the tributary daemon (pid " << *daemon.pid << ") to poll " << name_or_url << " now\n"
            << std::flush;
  std::optional<schedule::ManualPoll::Verdict> verdict;
  std::string last_line;
  const auto on_line = [&](const std::string& line) {
    const std::size_t space = line.find(' ');
    const std::string word = line.substr(0, space);
    const std::string text = space == std::string::npos ? "" : line.substr(space + 1);
    if (word == "note") {
      std::cout << text << "\n" << std::flush;
      return;
    }
    verdict = verdict_of_word(word);
    last_line = verdict ? text : line;
  };
  for (int attempt = 0;; ++attempt) {
    verdict.reset();
    const auto answer = ask_daemon(control_socket_path(daemon.database), "poll " + name_or_url, on_line,
                                   kManualPollLimit + std::chrono::minutes(1));
    if (!answer) {
      std::cerr << "nothing was polled (the daemon runs, so this command does not poll on its own)\n";
      return kExitFailure;
    }
    const bool is_unknown_yet =
        verdict == schedule::ManualPoll::Verdict::unknown && last_line.starts_with("no source is named");
    if (!is_unknown_yet || attempt == kReloadRetries) break;
    std::this_thread::sleep_for(kReloadRetryPause);
  }
  if (!verdict) {
    std::cerr << "the daemon answered: " << last_line << "\n";
    return kExitFailure;
  }
  if (verdict == schedule::ManualPoll::Verdict::unknown && last_line.starts_with("no source is named"))
    last_line += " (the daemon's configuration; the file has it: `tributary reload` applies the file)";
  return report_manual_poll(*verdict, last_line);
}

}  // namespace

int poll_once(const config::Config& config) {
  const std::filesystem::path database = resolve_database_path(config.storage.database);
  if (const auto pid_file = pid_file_path(database); !pid_file.empty()) {
    if (const auto pid = running_daemon_pid(pid_file)) {
      std::cerr << "tributary poll --once: a tributary daemon (pid " << *pid << ") is running with this database ("
                << database.string() << "); it polls every source on its own schedule, and polling them here too "
                << "would hit them twice and move its next-poll times. Nothing was polled. `tributary status` shows "
                   "when each source is polled next; `tributary poll NAME` asks it to poll one now; stop the daemon "
                   "first to poll them all now.\n";
      return kExitFailure;
    }
  }
  const std::unique_ptr<LocalPolling> polling = start_local_polling(config, database);
  if (!polling) return kExitFailure;
  const schedule::PollSummary summary = polling->run(polling->scheduler->poll_all_once());
  std::cerr << "polled " << summary.polled << " sources: " << summary.succeeded << " ok, " << summary.not_modified
            << " not modified, " << summary.failed << " failed, " << summary.gone << " gone; " << summary.new_items
            << " new items, " << summary.updated_items << " updated\n"
            << scheduler_cost(summary) << "\n";
  // A 410 is a failed poll too: the feed is no longer there.
  return summary.failed + summary.gone > 0 ? kExitFailure : kExitOk;
}

int poll_source(const config::Config& config, const std::string& config_path, const std::string& name_or_url) {
  const bool is_configured = std::any_of(
      config.sources.begin(), config.sources.end(),
      [&](const config::SourceSpec& source) { return source.name == name_or_url || source.url == name_or_url; });
  if (!is_configured) {
    std::cerr << "no source in " << config_path << " is named \"" << name_or_url
              << "\" or has that URL (`tributary check` lists them)\n";
    return kExitBadConfig;
  }
  const RunningDaemon daemon = find_running_daemon(config);
  if (daemon.pid) return poll_through_daemon(daemon, name_or_url);
  std::cout << "no tributary daemon is running with " << config_path << "; polling " << name_or_url << " once here\n"
            << std::flush;
  const std::unique_ptr<LocalPolling> polling =
      start_local_polling(config, resolve_database_path(config.storage.database));
  if (!polling) return kExitFailure;
  const schedule::ManualPoll answer = polling->run(polling->scheduler->poll_one_once(name_or_url));
  return report_manual_poll(answer.verdict, answer.line);
}

}  // namespace tributary::app
