// schedule: decides when each source is polled and runs each poll through
// the pipeline — fetch (I/O loop) → parse + normalize (worker pool) → ingest
// (the store's writer thread). It adapts each source's interval to its rate
// of new items, honors what the source asks for (ttl, sy:update*, skipHours,
// skipDays, HTTP freshness, Retry-After, 410 Gone), backs off on failure,
// follows confirmed permanent redirects, and shapes load (a global and a
// per-host concurrency limit, a minimum delay between requests to one host,
// jitter) fairly: per host, the source that has waited longest goes
// first, and when a host's sources ask more requests than host_delay allows,
// all of them are stretched alike (logged once when it starts and once when
// it ends). One log line per poll outcome — except while the store refuses
// writes, which is logged once per interval, and costs the sources no
// backoff (it is not their fault).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "fetch/fetch.hpp"
#include "parse/parse.hpp"
#include "schedule/subscriber.hpp"
#include "store/store.hpp"

namespace tributary::schedule {

struct Executors {
  boost::asio::any_io_executor io;      // the event loop: timers, sockets, all scheduler state
  boost::asio::any_io_executor worker;  // CPU work: parse, normalize
  boost::asio::any_io_executor writer;  // the only thread that writes the store
};

struct SchedulerOptions {
  parse::ParseLimits parse_limits;
  std::chrono::seconds startup_spread{60};          // overdue sources start within this window
  std::chrono::seconds maintenance_interval{3600};  // retention and housekeeping
  int redirect_confirmations = 3;                   // consecutive polls a permanent redirect must be seen on
  // While writes to the store fail (disk full, read-only file system), the
  // failure is logged when it starts, then at most this often, and once
  // when writes work again — not once per poll.
  std::chrono::seconds storage_log_interval{60};
};

// What happened in one poll, for logs, status and tests.
struct PollReport {
  std::string source_name;
  std::string url;
  bool is_success = false;
  bool is_not_modified = false;
  bool is_gone = false;
  int http_status = 0;
  std::string error;  // "class: message" when not a success
  store::IngestResult ingest;
  std::chrono::milliseconds elapsed{0};        // the fetch
  std::chrono::milliseconds parse_elapsed{0};  // parse and normalize of what it fetched (worker pool)
};

// Totals of a `poll --once` run.
struct PollSummary {
  int polled = 0;
  int succeeded = 0;
  int not_modified = 0;
  int failed = 0;
  int gone = 0;
  int new_items = 0;
  int updated_items = 0;
  // CPU time of the scheduler's own bookkeeping — its loop choosing the
  // polls to start and sleeping till the next, and requeueing a source after
  // its poll; not the polls themselves (fetch, parse, store): for the scale
  // benchmark, and /metrics (tributary_scheduler_cpu_seconds_total).
  std::chrono::nanoseconds scheduler_cpu{0};
};

// A poll asked for by hand (`tributary poll NAME|URL`), and what came of it.
struct ManualPoll {
  enum class Verdict {
    pending,    // queued; outcome() tells how it ends
    succeeded,  // polled: the feed, or "not modified"
    failed,     // polled, and it failed (or it did not end in time)
    refused,    // not polled: the source asked for none now (Retry-After, 410), or the daemon is stopping
    unknown,    // no source, or several, by that name or URL
  };
  Verdict verdict = Verdict::pending;
  // Said before the poll starts: what it waits for (the host's per_host and
  // host_delay limits, sources due before it, a poll already in flight).
  std::vector<std::string> notes;
  std::string line;          // the poll's outcome line, as logged; or why it was not polled
  std::uint64_t ticket = 0;  // of a pending poll, for outcome()
};

class Scheduler {
 public:
  // `store` must only be used on executors.writer from now on; the
  // constructor itself runs before any other thread touches it.
  // `on_store_changed` runs on the writer thread after an ingest or a
  // retention pass that changed what the feed shows.
  Scheduler(Executors executors, store::Store& store, fetch::Fetcher& fetcher, const config::Config& config,
            SchedulerOptions options, std::function<void()> on_store_changed);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts polling on the I/O executor, and the hourly housekeeping.
  // `fail_daemon` runs (on the I/O executor) if the loop, the housekeeping
  // or a poll throws past its own error handling: the daemon cannot poll
  // on, half of it gone, and should stop with a failure status.
  void start(std::function<void()> fail_daemon);
  // Polls every source that is not gone once (honoring the concurrency and
  // per-host limits), then completes: `tributary poll --once`. Throws
  // std::runtime_error if a poll failed past its own error handling.
  boost::asio::awaitable<PollSummary> poll_all_once();
  // The daemon's answer to `tributary poll NAME|URL`: the source with that
  // name or URL is due now, and is polled as soon as its host's limits
  // allow — sources of that host overdue longer go first, and a
  // Retry-After or a 410 is respected, not bypassed (the answer says so
  // instead). Call on the I/O executor.
  ManualPoll request_poll(const std::string& name_or_url);
  // A pending answer completed: when its poll ends, the source is removed by
  // a reload, the daemon stops, or `limit` passes (the source stays due).
  boost::asio::awaitable<ManualPoll> outcome(ManualPoll pending, std::chrono::steady_clock::duration limit);
  // `tributary poll NAME|URL` with no daemon running: that source alone,
  // polled once, as request_poll would; then completes.
  boost::asio::awaitable<ManualPoll> poll_one_once(std::string name_or_url);
  // Applies a new configuration (reload): added sources are scheduled,
  // removed ones are no longer polled (a poll in flight finishes), changed
  // ones take their new name, tags and interval. Call on the I/O executor.
  boost::asio::awaitable<void> reconfigure(config::Config config);
  // WebSub (subscriber.hpp): whether and where from the sources' hubs are
  // subscribed to; call at start and after each reload, on the I/O
  // executor. Off until called.
  void configure_websub(SubscriberSettings settings);
  // A hub's call to /websub/TOKEN; on the I/O executor.
  boost::asio::awaitable<CallbackAnswer> websub_callback(std::string token, CallbackRequest request);
  // Several daemons on one PostgreSQL database (fleet.hpp): who is in the
  // fleet, and whether this daemon's sources differ from the fleet's, as
  // lines for /healthz (none on SQLite); on the I/O executor.
  std::vector<std::string> fleet_report() const;
  // This daemon's name in the fleet ("HOST:PID").
  const std::string& fleet_daemon() const;
  // Starts no new polls, and completes when the ones in flight have
  // finished or `deadline` has passed.
  boost::asio::awaitable<void> stop(std::chrono::steady_clock::duration deadline);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tributary::schedule
