// The scheduler: one loop coroutine that sleeps until the poll queue
// (poll_queue.hpp) has a source to start — the most overdue one whose host
// may take a request — and one poll coroutine per started source. All
// scheduler state lives on the I/O executor's single thread; the worker and
// writer only see copies. The timing decisions are the pure functions of
// policy.hpp; a host's sources are stretched alike when their intervals ask
// more than host_delay allows (host_demand.hpp).
#include "schedule/schedule.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>
#include <unordered_map>

#include "core/metrics.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "net/spawn.hpp"
#include "normalize/normalize.hpp"
#include "schedule/change_pacer.hpp"
#include "schedule/fleet.hpp"
#include "schedule/host_demand.hpp"
#include "schedule/outcome.hpp"
#include "schedule/pipeline.hpp"
#include "schedule/policy.hpp"
#include "schedule/poll_queue.hpp"
#include "schedule/poll_report.hpp"
#include "schedule/subscriber.hpp"

namespace tributary::schedule {
namespace {

namespace asio = boost::asio;
using core::Timestamp;
using HostId = PollQueue::HostId;

constexpr Timestamp kNever = Timestamp::max();
// The loop wakes at least this often, so that a jump of the wall clock
// (due times are wall-clock times) is noticed within it.
constexpr auto kLongestSleep = std::chrono::seconds(60);
// A poll's request leaves a little after the poll starts (connecting
// first, or the loop starting other polls): the steady spacing between two
// starts on one host is host_delay plus this, so that the origin sees at
// least host_delay between two requests.
constexpr auto kHostDelayMargin = std::chrono::milliseconds(50);
// The scheduler's CPU time goes to /metrics about this often.
constexpr auto kCpuReportPeriod = std::chrono::seconds(1);
// How stale readers' feeds may get while ingests keep queueing (a cold
// start of many sources): the site is rendered at most this often then.
constexpr auto kChangePublishInterval = std::chrono::seconds(1);

// CPU time of the calling thread: what the scheduler's bookkeeping costs,
// whatever else the machine does.
std::chrono::nanoseconds thread_cpu_now() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

QueueLimits queue_limits(const config::ScheduleConfig& schedule) {
  QueueLimits limits{schedule.max_concurrent, schedule.per_host, schedule.host_delay};
  if (schedule.host_delay.count() > 0) limits.host_spacing += kHostDelayMargin;
  return limits;
}

struct SourceState {
  std::int64_t id = 0;
  config::SourceSpec spec;
  std::string signature;  // of the spec: a 410 lasts until this changes
  SourcePoll poll;        // what the polls so far taught (outcome.hpp)
  std::string host;       // of poll.url
  Timestamp next_due;
  HostId host_id = 0;  // of `host`, in the poll queue
  bool is_polling = false;
  bool is_polled_once = false;  // poll --once: done
  bool is_removed = false;      // dropped by a reload (its poll may still be in flight)
  bool is_forced = false;       // polled when its host allows, due or not (by hand, poll --once)
  // Where the source counts in its host's demand, and at what interval
  // (set while it counts): what HostDemand::remove must be given.
  std::optional<HostId> counted_host;
  Seconds counted_interval{0};
};

// What a poll in progress holds: its host's request slot (counted in the
// queue's in-flight polls) until its request is done, then a place among
// the documents fetched ahead of the writer until its document is stored
// (or proves to be none), then only its record's hop to the writer.
enum class PollHold { request_slot, document_ahead, recording };

// A `tributary poll NAME` waiting for its poll to end.
struct ManualWaiter {
  ManualWaiter(asio::any_io_executor io, std::int64_t id) : source_id(id), settled(io) {}
  std::int64_t source_id;
  asio::steady_timer settled;  // cancelled when the answer is no longer pending
  ManualPoll answer;
};

// "in 2 s", "in 1 min 30 s": what a manual poll waits for, said at once.
std::string wait_text(std::chrono::steady_clock::duration wait) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait);
  return core::format_duration(std::max(seconds, std::chrono::seconds(1)));
}

}  // namespace

struct Scheduler::Impl : std::enable_shared_from_this<Impl> {
  Impl(Executors executors_in, store::Store& store_in, fetch::Fetcher& fetcher_in, const config::Config& config,
       SchedulerOptions options_in, std::function<void()> on_change_in)
      : executors(std::move(executors_in)),
        store(store_in),
        fetcher(fetcher_in),
        options(options_in),
        on_store_changed(std::move(on_change_in)),
        wake(executors.io),
        drained(executors.io),
        random(std::random_device{}()),
        storage(options_in.storage_log_interval),
        is_fleet(store_in.is_shared()),
        beat_timer(executors.io) {
    core::metrics().describe_counter(
        "tributary_scheduler_cpu_seconds_total",
        "CPU time of the scheduler's own bookkeeping: choosing polls to start, requeueing sources after a poll");
    const std::vector<std::int64_t> ids = store.register_sources(config.sources, core::now_utc());
    loaded_configuration(config);
    // A push goes the way of a polled document (ingest_push).
    Subscriber::Ingest ingest_pushed = [this](std::int64_t id, std::string body, std::string content_type) {
      return ingest_push(shared_from_this(), id, std::move(body), std::move(content_type));
    };
    subscriber =
        std::make_unique<Subscriber>(executors, store, fetcher, std::move(ingest_pushed), store.subscriptions());
    adopt_sources(config, ids, store.sources(), core::now_utc());
  }

  std::int64_t draw_below(std::int64_t bound) {
    return std::uniform_int_distribution<std::int64_t>(0, std::max<std::int64_t>(0, bound - 1))(random);
  }
  double draw_unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(random); }

  // Fleet: the configuration this daemon loaded, and when (its beats say so).
  void loaded_configuration(const config::Config& config) {
    config_signature = configuration_signature(config.sources);
    config_loaded = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }

  // Replaces the source list with `config`'s, keeping the state of sources
  // that stay. `ids` are the store ids of config.sources, in order.
  void adopt_sources(const config::Config& config, const std::vector<std::int64_t>& ids,
                     const std::vector<store::SourceRecord>& records, Timestamp now) {
    fetch_config = config.fetch;
    schedule_config = config.schedule;
    queue.set_limits(queue_limits(config.schedule));
    demand.set_host_delay(config.schedule.host_delay);
    std::unordered_map<std::int64_t, const store::SourceRecord*> records_by_id;
    records_by_id.reserve(records.size());
    for (const store::SourceRecord& record : records) records_by_id.emplace(record.id, &record);
    std::unordered_map<std::int64_t, std::shared_ptr<SourceState>> adopted;
    adopted.reserve(config.sources.size());
    std::size_t overdue = 0;
    for (std::size_t i = 0; i < config.sources.size(); ++i) {
      const config::SourceSpec& spec = config.sources[i];
      const std::string signature = source_signature(spec);
      std::shared_ptr<SourceState> state;
      if (const auto existing = sources.find(ids[i]); existing != sources.end()) state = existing->second;
      if (!state) {
        const auto record = records_by_id.find(ids[i]);
        state =
            new_source_state(ids[i], spec, signature, record == records_by_id.end() ? nullptr : record->second, now);
        if (state->next_due <= now) ++overdue;
      } else if (state->signature != signature) {
        state->poll.gone_at.reset();  // a changed configuration gets another chance after 410
      }
      if (!state->spec.url.empty() && state->spec.url != spec.url) state->poll.url = spec.url;
      state->spec = spec;
      state->signature = signature;
      state->host = core::url_host(state->poll.url);
      state->host_id = queue.host_id(state->host);
      apply_configured_interval(*state);
      adopted.emplace(ids[i], std::move(state));
    }
    for (auto& [id, state] : sources) {
      if (adopted.contains(id)) continue;
      queue.erase(id);
      uncount(*state);
      state->is_removed = true;
      if (!state->is_polling)
        settle_manual(id, ManualPoll::Verdict::refused,
                      fmt::format("{} was removed from the configuration by a reload; not polled", state->spec.name));
    }
    sources = std::move(adopted);
    std::map<std::int64_t, std::string> names;
    for (const auto& [id, state] : sources) names.emplace(id, state->spec.name);
    subscriber->retain(names);
    // Demand first: the host's stretch decides the due times below.
    for (auto& [id, state] : sources) recount(*state);
    // Overdue sources start spread over a short window, not all at once.
    const auto spread = std::min<std::int64_t>(options.startup_spread.count(), static_cast<std::int64_t>(overdue / 10));
    for (auto& [id, state] : sources) {
      // A shorter interval takes effect now, not after the old one.
      const Seconds interval = wait_interval(*state);
      if (state->poll.consecutive_errors == 0 && state->next_due != kNever && state->next_due > now + interval)
        state->next_due = now + interval;
      if (state->next_due <= now && !state->is_polling && spread > 0)
        state->next_due = now + Seconds{draw_below(spread + 1)};
      if (!state->is_polling && !state->poll.gone_at) queue.push(id, state->host_id, state->next_due);
    }
    if (is_running)
      for (HostId host = 0; host < queue.host_count(); ++host) report_stretch(host);
  }

  // A source's interval as configured: a pinned interval wins over what
  // polls taught; one never set starts at [schedule] interval.
  void apply_configured_interval(SourceState& state) const {
    if (state.spec.interval) state.poll.interval = *state.spec.interval;
    if (state.poll.interval.count() == 0) state.poll.interval = schedule_config.interval;
  }

  // A source the scheduler has not seen since it started: its state as the
  // store remembers it (`record`, when there is one).
  std::shared_ptr<SourceState> new_source_state(std::int64_t id, const config::SourceSpec& spec,
                                                const std::string& signature, const store::SourceRecord* record,
                                                Timestamp now) {
    auto state = std::make_shared<SourceState>();
    state->id = id;
    state->poll = resume_poll_state(spec.url, record, signature);
    state->next_due = now;
    if (record && record->next_poll_at && *record->next_poll_at > now) state->next_due = *record->next_poll_at;
    return state;
  }

  // The source's share of its host's budget follows its interval and its
  // host; gone and removed sources have none.
  void recount(SourceState& state) {
    uncount(state);
    if (state.is_removed || state.poll.gone_at) return;
    demand.add(state.host_id, state.poll.interval);
    state.counted_host = state.host_id;
    state.counted_interval = state.poll.interval;
  }
  void uncount(SourceState& state) {
    if (!state.counted_host) return;
    demand.remove(*state.counted_host, state.counted_interval);
    state.counted_host.reset();
  }

  // The source's interval, stretched with the other sources of its host
  // when together they ask more than host_delay allows.
  Seconds polite_interval(const SourceState& state) const {
    return stretched(state.poll.interval, demand.stretch(state.host_id));
  }

  // The interval the next poll waits: a pushed source's is its safety
  // interval (subscription.hpp), hubs being known to drop subscriptions.
  Seconds wait_interval(const SourceState& state) const {
    const Seconds polite = polite_interval(state);
    return subscriber->is_pushed(state.id) ? safety_interval(polite, subscriber->timing()) : polite;
  }

  // A verified push for the source: parsed, normalized and ingested as a
  // polled document is (digest, ingest): the new items' count, or nullopt.
  static asio::awaitable<std::optional<int>> ingest_push(std::shared_ptr<Impl> self, std::int64_t source_id,
                                                         std::string body, std::string content_type) {
    const auto found = self->sources.find(source_id);
    if (found == self->sources.end()) co_return std::nullopt;
    const std::shared_ptr<SourceState> state = found->second;
    const Timestamp now = core::now_utc();
    Digest digested = co_await asio::co_spawn(
        self->executors.worker,
        digest(std::move(body), state->poll.url, core::charset_of(content_type), self->options.parse_limits, now),
        asio::use_awaitable);
    if (!digested.document) {
      spdlog::warn("websub: {}: a push could not be read: {}", state->spec.name, digested.error);
      co_return std::nullopt;
    }
    const store::IngestResult result = co_await store_document(self, source_id, std::move(*digested.document), now);
    co_return result.new_items;
  }

  // Logs a host going over its budget, or back under it — once each.
  void report_stretch(HostId host) {
    switch (demand.take_change(host)) {
      case HostDemand::Change::started:
        spdlog::warn("{} (every source of this host alike, none skipped)",
                     describe_stretch(demand.load(host, queue.host_name(host))));
        break;
      case HostDemand::Change::ended: {
        const HostLoad load = demand.load(host, queue.host_name(host));
        spdlog::info("{}: {} source{} fit host_delay {} again ({} per round); intervals no longer stretched", load.host,
                     load.sources, load.sources == 1 ? "" : "s", core::format_duration(load.host_delay),
                     core::format_duration(load.round()));
        break;
      }
      case HostDemand::Change::none:
        break;
    }
  }

  void add_scheduler_cpu(std::chrono::nanoseconds started) {
    const std::chrono::nanoseconds spent = thread_cpu_now() - started;
    summary.scheduler_cpu += spent;
    unreported_cpu += spent;
  }
  void report_scheduler_cpu(SteadyTime steady_now) {
    if (steady_now - cpu_reported_at < kCpuReportPeriod) return;
    core::metrics().add("tributary_scheduler_cpu_seconds_total", {},
                        std::chrono::duration<double>(unreported_cpu).count());
    unreported_cpu = std::chrono::nanoseconds::zero();
    cpu_reported_at = steady_now;
  }

  // Runs on the writer: registers the sources and reads their records.
  static asio::awaitable<std::pair<std::vector<std::int64_t>, std::vector<store::SourceRecord>>> register_sources(
      std::shared_ptr<Impl> self, std::vector<config::SourceSpec> specs) {
    std::vector<std::int64_t> ids = self->store.register_sources(specs, core::now_utc());
    co_return std::pair{std::move(ids), self->store.sources()};
  }

  // Polls started and not ended: those holding a slot, and those whose
  // request is done and whose document is being parsed or stored.
  std::size_t polls_running() const { return queue.in_flight() + polls_storing; }
  bool is_done_once() const { return is_once_mode && queue.queued() == 0 && polls_running() == 0; }
  // A running daemon of a fleet sleeps a random moment past each target
  // (fleet_wake_delay); poll --once does not.
  bool has_wake_jitter() const { return is_fleet && !is_once_mode; }

  // The daemon's loop: says which hosts are stretched, then polls.
  static asio::awaitable<void> run(std::shared_ptr<Impl> self) {
    self->is_running = true;
    for (HostId host = 0; host < self->queue.host_count(); ++host) self->report_stretch(host);
    co_await run_loop(self);
  }

  // Starts every poll the queue allows now, O(log n) each. Called by the
  // loop when it wakes and by a poll that ends (its slot frees the next
  // one at once, without a round trip through the loop's timer).
  // `cpu_started`: the scheduler's CPU meter, paused while a poll starts.
  void start_due_polls(Timestamp now, SteadyTime steady_now, std::chrono::nanoseconds& cpu_started) {
    // A poll that ended without waiting (it cannot, but if it did) would
    // come back here from co_spawn below: the outer call goes on popping.
    if (is_starting_polls) return;
    is_starting_polls = true;
    while (!is_fetching_ahead_of_writer()) {
      const std::optional<PollQueue::Start> start = queue.pop(now, steady_now);
      if (!start) break;
      const auto found = sources.find(start->source);
      if (found == sources.end()) {  // cannot be: a removed source leaves the queue
        queue.finish(start->host);
        continue;
      }
      found->second->is_polling = true;
      // co_spawn runs the poll at once, up to its first wait (building the
      // request, connecting): the poll's work, not the scheduler's.
      add_scheduler_cpu(cpu_started);
      asio::co_spawn(executors.io, poll(shared_from_this(), found->second, *start),
                     net::FailDaemon("a poll", [self = shared_from_this()] { self->fail(); }));
      cpu_started = thread_cpu_now();
    }
    is_starting_polls = false;
  }

  // The loop sleeps until the queue's next due time or host slot; it is
  // woken when that moves earlier (or poll --once is done), not after every
  // poll.
  void wake_loop_if_sooner(SteadyTime steady_now) {
    if (is_done_once()) {
      wake.cancel();
      return;
    }
    if (is_fetching_ahead_of_writer()) return;  // document_settled wakes it
    const auto next = queue.next_wake(std::chrono::system_clock::now(), steady_now);
    // A fleet's sleep runs up to kFleetWakeJitter past its target anyway:
    // only a target earlier by more than that is worth a new sleep.
    const std::chrono::steady_clock::duration slack =
        has_wake_jitter() ? kFleetWakeJitter : std::chrono::steady_clock::duration::zero();
    if (next && steady_now + *next + slack < wake.expiry()) wake.cancel();
  }

  static asio::awaitable<void> run_loop(std::shared_ptr<Impl> self) {
    while (!self->is_stopping && !self->is_done_once()) {
      std::chrono::nanoseconds cpu_started = thread_cpu_now();
      const std::chrono::system_clock::time_point wall_now = std::chrono::system_clock::now();
      const Timestamp now = std::chrono::floor<std::chrono::seconds>(wall_now);
      const SteadyTime steady_now = std::chrono::steady_clock::now();
      self->start_due_polls(now, steady_now, cpu_started);
      // Held back by the writer, the loop is woken by document_settled.
      const auto next =
          self->is_fetching_ahead_of_writer() ? std::nullopt : self->queue.next_wake(wall_now, steady_now);
      std::chrono::steady_clock::duration wait = next.value_or(kLongestSleep);
      if (next && self->has_wake_jitter()) wait += fleet_wake_delay(self->draw_unit());
      wait = std::clamp<std::chrono::steady_clock::duration>(wait, std::chrono::milliseconds(1), kLongestSleep);
      self->wake.expires_after(wait);
      self->add_scheduler_cpu(cpu_started);
      self->report_scheduler_cpu(steady_now);
      co_await self->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  // poll --once: the loop until every source was polled (or refused). In
  // a fleet it beats meanwhile as a daemon does: a poll that outlasts
  // kPollLease would otherwise lose its lease, and another daemon poll
  // the source again while this one still does.
  static asio::awaitable<void> run_once(std::shared_ptr<Impl> self) {
    if (self->is_fleet) asio::co_spawn(self->executors.io, fleet_loop(self), asio::detached);
    co_await run_loop(self);
    self->is_beat_over = true;
    self->beat_timer.cancel();
    if (self->is_fleet) co_await leave_fleet(self);
  }

  // A daemon (or poll --once) that ends cleanly leaves the fleet at once:
  // the others' /healthz and `tributary status` stop counting it, and no
  // lease of it waits to lapse.
  static asio::awaitable<void> leave_fleet(std::shared_ptr<Impl> self) {
    try {
      co_await asio::co_spawn(self->executors.writer, leave_on_writer(self), asio::use_awaitable);
    } catch (const store::StoreError& error) {
      spdlog::debug("fleet: leaving failed (the others stop counting this daemon within {} s): {}",
                    store::kFleetMemberSilence.count(), error.what());
    }
  }
  static asio::awaitable<void> leave_on_writer(std::shared_ptr<Impl> self) {
    self->store.leave_fleet(self->daemon_name);
    co_return;
  }

  // Runs on the writer: retention and housekeeping.
  static asio::awaitable<store::MaintenanceResult> maintain(std::shared_ptr<Impl> self) {
    const store::MaintenanceResult result = self->store.maintain(core::now_utc());
    self->publish_changes(result.purged_items > 0);
    co_return result;
  }

  static asio::awaitable<void> maintenance_loop(std::shared_ptr<Impl> self) {
    asio::steady_timer timer(self->executors.io);
    while (!self->is_stopping) {
      try {
        const store::MaintenanceResult result =
            co_await asio::co_spawn(self->executors.writer, maintain(self), asio::use_awaitable);
        if (result.is_skipped)
          spdlog::debug("retention: another daemon of the fleet is at it; next round");
        else if (result.purged_items + result.removed_sources + result.expired_tombstones > 0)
          spdlog::info("retention: purged {} items, {} removed sources, {} expired tombstones", result.purged_items,
                       result.removed_sources, result.expired_tombstones);
      } catch (const std::exception& error) {
        spdlog::error("retention failed: {}", error.what());
      }
      timer.expires_after(self->options.maintenance_interval);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  // Stores a document on the writer, from the I/O thread. The document is
  // freed here once stored, on the I/O thread: not on the writer, which
  // every poll waits for.
  static asio::awaitable<store::IngestResult> store_document(std::shared_ptr<Impl> self, std::int64_t source_id,
                                                             store::PreparedDocument document, Timestamp now) {
    self->queued_ingests.fetch_add(1);
    const auto held = std::make_shared<const store::PreparedDocument>(std::move(document));
    co_return co_await asio::co_spawn(self->executors.writer, ingest(self, source_id, held, now), asio::use_awaitable);
  }

  // On the writer; `document` is also held by store_document.
  static asio::awaitable<store::IngestResult> ingest(std::shared_ptr<Impl> self, std::int64_t source_id,
                                                     std::shared_ptr<const store::PreparedDocument> document,
                                                     Timestamp now) {
    self->queued_ingests.fetch_sub(1);
    store::IngestResult result;
    try {
      result = self->store.ingest(source_id, *document, now);
    } catch (...) {
      self->publish_changes(false);  // what earlier ingests held back
      throw;
    }
    // Full-text indexing waits for a lull (or a batch): one index segment
    // for a burst of polls. Done before readers are told, so that a search
    // sees what the feed shows — where the index has a thread of its own,
    // started here, and a search waits for the pass asked for (see
    // store.hpp: update_search_index_at_lull), while the writer goes on.
    // When it cannot be written, the items are stored all the same and are
    // indexed at the next lull or maintenance.
    std::size_t indexed = 0;
    if (self->queued_ingests.load() == 0) {
      try {
        indexed = self->store.update_search_index_at_lull();
      } catch (const store::StoreError&) {
      }
    }
    // Also when only the search index moved (earlier polls' items): views
    // filtered by `q=` are cached per store change.
    self->publish_changes(result.changed() || indexed > 0);
    co_return result;
  }

  // Writer thread: tells readers (re-renders the site) now or once the
  // burst of ingests allows (change_pacer.hpp).
  void publish_changes(bool is_changed) {
    if (!change_pacer.should_publish(is_changed, queued_ingests.load() > 0, ChangePacer::Clock::now())) return;
    if (on_store_changed) on_store_changed();
    if (!is_fleet) return;
    try {
      store.announce_change(daemon_name);  // the fleet's other daemons render anew
    } catch (const store::StoreError& error) {
      spdlog::debug("fleet: could not tell the other daemons of a change: {}", error.what());
    }
  }

  // `started_on`: the host whose slot the poll holds (a confirmed redirect
  // may move the source to another one meanwhile).
  static asio::awaitable<void> poll(std::shared_ptr<Impl> self, std::shared_ptr<SourceState> state,
                                    PollQueue::Start start) {
    std::optional<SteadyTime> start_by;
    if (self->is_fleet) {
      const std::optional<GrantedClaim> granted = co_await claim(self, state, start);
      if (!granted) co_return;
      start_by = granted->start_by;
    }
    const HostId started_on = start.host;
    PollReport report;
    report.source_name = state->spec.name;
    report.url = core::redact_url(state->poll.url);
    bool is_storage_failure = false;
    bool is_sent = true;
    PollHold hold = PollHold::request_slot;
    try {
      is_sent = co_await poll_once(self, state, report, start_by, started_on, hold);
      self->storage.succeeded();
    } catch (const store::StoreError& error) {
      // The store refuses writes (disk full, read-only file system): the
      // poll is lost, the daemon is not, and the source did nothing wrong —
      // it comes again after its usual interval, not after a backoff.
      is_storage_failure = true;
      report.is_success = false;
      report.error = std::string("store: ") + error.what();
      const PollPolicy policy{self->polite_interval(*state), self->schedule_config.max_interval};
      state->next_due = next_poll_after_success(policy, core::now_utc(), self->draw_unit());
      self->storage.failed(error.what());
    } catch (const std::exception& error) {
      // Anything else that escaped a poll: lost too, with a backoff.
      report.is_success = false;
      report.error = std::string("internal: ") + error.what();
      ++state->poll.consecutive_errors;
      const PollPolicy policy{self->polite_interval(*state), self->schedule_config.max_interval};
      state->next_due =
          next_poll_after_failure(policy, core::now_utc(), state->poll.consecutive_errors, self->draw_unit());
    }
    if (self->is_fleet) co_await release(self, state->id);
    if (is_sent) {
      const PollLine line = describe_poll(report, state->poll.consecutive_errors,
                                          std::chrono::duration_cast<Seconds>(state->next_due - core::now_utc()));
      if (is_storage_failure)
        spdlog::debug("poll {} ({}): not stored: {}", report.source_name, report.url, report.error);
      else
        log_poll(line, report);
      self->settle_manual(state->id, report.is_success ? ManualPoll::Verdict::succeeded : ManualPoll::Verdict::failed,
                          line.text);
      add_to_summary(self->summary, report);
      count_in_metrics(report);
    } else {
      // Nothing was asked of the source: it stays due (and a poll asked
      // for by hand stays asked for), and is claimed again once its host
      // is free.
      spdlog::debug("fleet: {} ({}) not polled now: {} after its claim; it is claimed again", report.source_name,
                    report.url, report.error);
    }
    std::chrono::nanoseconds cpu_started = thread_cpu_now();
    state->is_polling = false;
    if (is_sent) state->is_forced = false;
    switch (hold) {
      case PollHold::request_slot:
        self->queue.finish(started_on);
        break;
      case PollHold::document_ahead:
        self->document_settled(hold);
        --self->polls_storing;
        break;
      case PollHold::recording:
        --self->polls_storing;
        break;
    }
    if (self->is_once_mode && is_sent)
      state->is_polled_once = true;
    else if (!state->is_removed && !state->poll.gone_at)
      self->queue.push(state->id, state->host_id, state->next_due);
    self->after_poll_slot_freed(cpu_started);
  }

  // A poll's slot is free again: the polls it held back may start.
  void after_poll_slot_freed(std::chrono::nanoseconds cpu_started) {
    if (!is_stopping) {
      const Timestamp now = core::now_utc();
      const SteadyTime steady_now = std::chrono::steady_clock::now();
      start_due_polls(now, steady_now, cpu_started);
      wake_loop_if_sooner(steady_now);
    }
    add_scheduler_cpu(cpu_started);
    if (is_stopping && polls_running() == 0) drained.cancel();
  }

  // A poll's request is done (its response read, or failed): its slot goes
  // to the next poll while this one's document is parsed and stored — the
  // limits are on requests to the hosts, and a slot held through the
  // writer's queue would idle the network while the store works.
  void free_slot_after_request(HostId host, PollHold& hold) {
    std::chrono::nanoseconds cpu_started = thread_cpu_now();
    ++polls_storing;
    ++documents_ahead;
    hold = PollHold::document_ahead;
    queue.finish(host);
    after_poll_slot_freed(cpu_started);
  }

  // Fetching runs at most twice max_concurrent documents ahead of the
  // writer, counting the requests in flight (memory stays bounded): past
  // that, a poll starts only when a document is stored, one for one.
  // Bounded so rather than by polls holding their request slots until
  // stored: a held slot came free only once the writer had stored every
  // document queued before its own, so the polls went in waves — a burst
  // of requests, the writer storing their documents, then the writer idle
  // while the next burst was fetched (a sixth of bench/scale's cold cycle).
  bool is_fetching_ahead_of_writer() const {
    return queue.in_flight() + documents_ahead >= 2 * queue.limits().max_concurrent;
  }

  // The poll's document is stored, or it has none: what is left is its
  // record's hop to the writer.
  void document_settled(PollHold& hold) {
    if (hold != PollHold::document_ahead) return;
    hold = PollHold::recording;
    const bool was_ahead = is_fetching_ahead_of_writer();
    --documents_ahead;
    if (!was_ahead) return;
    std::chrono::nanoseconds cpu_started = thread_cpu_now();
    after_poll_slot_freed(cpu_started);
  }

  // A granted claim: the poll is this daemon's, and its request starts by
  // `start_by` (when the fleet spaces the host: fleet_start_margin) or is
  // not sent.
  struct GrantedClaim {
    std::optional<SteadyTime> start_by;
  };

  // What claim_on_writer did, and when (the claim's hold of its host
  // counts from then).
  struct ClaimMade {
    store::PollClaim claim;
    SteadyTime made_at;
  };

  // Fleet: the poll is this daemon's once claimed in the database; its
  // host's spacing then counts from the claim, as the fleet's does. Else
  // the source is given back to the queue — due when the claim says, its
  // host's spacing as before the start (no request left) or held while
  // the fleet's last request to the host is too recent — and nullopt.
  static asio::awaitable<std::optional<GrantedClaim>> claim(std::shared_ptr<Impl> self,
                                                            std::shared_ptr<SourceState> state,
                                                            PollQueue::Start start) {
    store::PollClaimRequest request;
    request.source_id = state->id;
    request.daemon = self->daemon_name;
    request.host = state->host;
    request.now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    request.lease = kPollLease;
    request.host_spacing = std::chrono::duration_cast<std::chrono::milliseconds>(self->queue.limits().host_spacing);
    request.start_margin = fleet_start_margin(request.host_spacing);
    request.is_forced = state->is_forced || self->is_once_mode;
    store::PollClaim claim;
    SteadyTime made_at{};
    bool is_store_down = false;
    try {
      ClaimMade made =
          co_await asio::co_spawn(self->executors.writer, claim_on_writer(self, request), asio::use_awaitable);
      claim = std::move(made.claim);
      made_at = made.made_at;
      self->storage.succeeded();
    } catch (const store::StoreError& error) {
      // No claim, no poll: polling anyway could poll twice, and what it
      // found could not be stored. The source waits, without a backoff.
      self->storage.failed(error.what());
      is_store_down = true;
      claim.verdict = store::PollClaim::Verdict::leased;
      claim.holder = "nobody (the database is unreachable)";
      claim.retry_at = request.now + kLeasedRecheck;
    }
    if (claim.verdict == store::PollClaim::Verdict::claimed) {
      if (claim.source) self->adopt_stored(*state, *claim.source);
      self->queue.hold(start.host, std::chrono::steady_clock::now() + self->queue.limits().host_spacing);
      GrantedClaim granted;
      if (request.start_margin > std::chrono::milliseconds(0)) granted.start_by = made_at + request.start_margin;
      co_return granted;
    }
    if (claim.source) self->adopt_stored(*state, *claim.source);
    ClaimRetry retry = retry_after_claim(claim, state->next_due, request.now);
    if (is_store_down) retry.why = "the database is unreachable; it is polled once a claim can be made";
    spdlog::debug("fleet: {} not polled by this daemon now: {}", state->spec.name, retry.why);
    std::chrono::nanoseconds cpu_started = thread_cpu_now();
    state->is_polling = false;
    self->queue.abandon(start);
    if (retry.host_hold) self->queue.hold(start.host, std::chrono::steady_clock::now() + *retry.host_hold);
    state->next_due = retry.due;
    const bool is_settled = retry.is_settled && (state->is_forced || self->is_once_mode);
    if (is_settled) {
      state->is_forced = false;
      self->settle_manual(state->id, ManualPoll::Verdict::refused,
                          fmt::format("{} ({}) was not polled by this daemon: {}", state->spec.name,
                                      core::redact_url(state->poll.url), retry.why));
    }
    if (self->is_once_mode && is_settled)
      state->is_polled_once = true;
    else if (!state->is_removed && !state->poll.gone_at)
      self->queue.push(state->id, state->host_id, state->next_due);
    self->after_poll_slot_freed(cpu_started);
    co_return std::nullopt;
  }

  // The time is taken again here: the claim may have waited for the
  // writer's other work, and the fleet's host spacing counts from when the
  // request may leave (a claim made earlier would let the next one too soon).
  static asio::awaitable<ClaimMade> claim_on_writer(std::shared_ptr<Impl> self, store::PollClaimRequest request) {
    const SteadyTime made_at = std::chrono::steady_clock::now();
    request.now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    co_return ClaimMade{self->store.claim_poll(request), made_at};
  }

  // Fleet: the poll is recorded; its lease is given up (else it lapses).
  static asio::awaitable<void> release(std::shared_ptr<Impl> self, std::int64_t source_id) {
    try {
      co_await asio::co_spawn(self->executors.writer, release_on_writer(self, source_id), asio::use_awaitable);
    } catch (const store::StoreError& error) {
      spdlog::debug("fleet: could not give up the lease of a poll (it lapses by itself): {}", error.what());
    }
  }

  // Coroutines with their parameters in their frames (a lambda's captures
  // would not outlive the co_spawn call).
  static asio::awaitable<void> release_on_writer(std::shared_ptr<Impl> self, std::int64_t source_id) {
    self->store.release_poll(source_id, self->daemon_name);
    co_return;
  }
  static asio::awaitable<store::FleetView> beat_on_writer(std::shared_ptr<Impl> self, store::FleetBeat beat) {
    co_return self->store.fleet_beat(beat);
  }

  // Fleet: what the database holds of the source, which another daemon's
  // polls may have changed since this one last polled it.
  void adopt_stored(SourceState& state, const store::SourceRecord& record) {
    const std::string url_before = state.poll.url;
    state.poll = resume_poll_state(state.spec.url, &record, state.signature);
    apply_configured_interval(state);
    if (state.poll.url != url_before) {
      state.host = core::url_host(state.poll.url);
      state.host_id = queue.host_id(state.host);
    }
    update_demand(state);
  }

  // Fleet: every kFleetBeat, the leases of polls in flight are renewed and
  // the fleet's members read; a difference of configuration is logged when
  // it starts and when it ends. A reload beats at once.
  static asio::awaitable<void> fleet_loop(std::shared_ptr<Impl> self) {
    while (!self->is_stopping && !self->is_beat_over) {
      store::FleetBeat beat{self->daemon_name, self->config_signature, self->config_loaded,
                            std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()),
                            kPollLease};
      try {
        const store::FleetView view =
            co_await asio::co_spawn(self->executors.writer, beat_on_writer(self, beat), asio::use_awaitable);
        self->note_fleet(fleet_standing(view, self->daemon_name, self->config_signature));
      } catch (const store::StoreError& error) {
        spdlog::debug("fleet: the beat failed (leases lapse unless the next one works): {}", error.what());
      }
      if (self->is_stopping || self->is_beat_over) break;  // told while the beat was on the writer
      self->beat_timer.expires_after(kFleetBeat);
      co_await self->beat_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  void note_fleet(FleetStanding standing) {
    if (standing.members != fleet.members) spdlog::info("fleet: {}", standing.members);
    if (standing.difference != fleet.difference) {
      if (!standing.difference.empty())
        spdlog::warn("fleet: {}", standing.difference);
      else
        spdlog::info("fleet: this daemon's sources are the fleet's again");
    }
    fleet = std::move(standing);
  }

  // Manual polls (`tributary poll NAME`): the waiters of `source_id` get
  // their answer.
  void settle_manual(std::int64_t source_id, ManualPoll::Verdict verdict, const std::string& line) {
    for (auto& [ticket, waiter] : manual_waiters) {
      if (waiter->source_id != source_id || waiter->answer.verdict != ManualPoll::Verdict::pending) continue;
      waiter->answer.verdict = verdict;
      waiter->answer.line = line;
      waiter->settled.cancel();
    }
  }
  void settle_every_manual(const std::string& why) {
    for (auto& [ticket, waiter] : manual_waiters) {
      if (waiter->answer.verdict != ManualPoll::Verdict::pending) continue;
      waiter->answer.verdict = ManualPoll::Verdict::refused;
      waiter->answer.line = why;
      waiter->settled.cancel();
    }
  }

  // The source a manual poll names — by its name, else by its URL (as
  // configured, or as polled since a permanent redirect) — or the answer
  // that says none or several do.
  std::shared_ptr<SourceState> find_named(const std::string& name_or_url, ManualPoll& answer) const {
    std::vector<std::shared_ptr<SourceState>> named;
    std::vector<std::shared_ptr<SourceState>> at_url;
    for (const auto& [id, state] : sources) {
      if (state->spec.name == name_or_url) named.push_back(state);
      if (state->spec.url == name_or_url || state->poll.url == name_or_url) at_url.push_back(state);
    }
    const std::vector<std::shared_ptr<SourceState>>& found = named.empty() ? at_url : named;
    if (found.size() == 1) return found.front();
    answer.verdict = ManualPoll::Verdict::unknown;
    const std::string quoted = fmt::format("\"{}\"", core::one_line(name_or_url, 200));
    if (found.empty()) {
      answer.line = fmt::format("no source is named {} or has that URL", quoted);
      return nullptr;
    }
    answer.line = fmt::format("{} sources are named {}; give the URL of the one to poll:", found.size(), quoted);
    for (const std::shared_ptr<SourceState>& state : found) {
      answer.line += ' ';
      answer.line += core::redact_url(state->spec.url);
    }
    return nullptr;
  }

  // Why `state` may not be polled now, whoever asks: a 410, or a
  // Retry-After not yet past. Empty when it may be.
  static std::string reason_not_to_poll(const SourceState& state, Timestamp now) {
    if (state.poll.gone_at)
      return fmt::format("{} ({}) answered 410 Gone on {}; it is not polled until its [[source]] block changes",
                         state.spec.name, core::redact_url(state.poll.url), core::format_rfc3339(*state.poll.gone_at));
    if (state.poll.hints.retry_after && *state.poll.hints.retry_after > now)
      return fmt::format("{} ({}) asked for no requests before {} (Retry-After, {} from now); not polled",
                         state.spec.name, core::redact_url(state.poll.url),
                         core::format_rfc3339(*state.poll.hints.retry_after),
                         core::format_duration(std::chrono::ceil<Seconds>(*state.poll.hints.retry_after - now)));
    return {};
  }

  // What a manual poll of `state` waits for before it starts, said at once.
  std::vector<std::string> wait_notes(const SourceState& state, Timestamp now, SteadyTime steady_now) const {
    std::vector<std::string> notes;
    const std::string& host = state.host;
    if (state.is_polling) {
      notes.push_back(fmt::format("a poll of {} is in flight; its outcome follows", state.spec.name));
      return notes;
    }
    const QueueLimits& limits = queue.limits();
    const std::string host_delay = core::format_duration(schedule_config.host_delay);
    if (const std::size_t in_flight = queue.in_flight(state.host_id); in_flight >= limits.per_host)
      notes.push_back(fmt::format("{} has {} polls in flight (per_host = {}): this one starts when one of them ends",
                                  host, in_flight, limits.per_host));
    if (const std::size_t before = queue.waiting_before(state.host_id, now); before > 0)
      notes.push_back(fmt::format("{} {} of {} waited longer and go first, host_delay {} apart", before,
                                  before == 1 ? "source" : "sources", host, host_delay));
    if (const auto spacing = queue.spacing_left(state.host_id, steady_now); spacing.count() > 0)
      notes.push_back(
          fmt::format("host_delay {}: the next request to {} may leave in {}", host_delay, host, wait_text(spacing)));
    if (queue.in_flight() >= limits.max_concurrent)
      notes.push_back(fmt::format("{} polls are in flight (max_concurrent = {}): this one starts when one of them ends",
                                  queue.in_flight(), limits.max_concurrent));
    return notes;
  }

  // A manual poll's answer when it is not to be polled; else registers its
  // waiter (pending) and queues the source due now.
  ManualPoll queue_manual(const std::shared_ptr<SourceState>& state, Timestamp now, SteadyTime steady_now) {
    ManualPoll answer;
    if (const std::string reason = reason_not_to_poll(*state, now); !reason.empty()) {
      answer.verdict = ManualPoll::Verdict::refused;
      answer.line = reason;
      return answer;
    }
    answer.notes = wait_notes(*state, now, steady_now);
    answer.ticket = next_ticket++;
    manual_waiters.emplace(answer.ticket, std::make_shared<ManualWaiter>(executors.io, state->id));
    if (!state->is_polling) {
      state->next_due = now;
      state->is_forced = true;
      queue.push(state->id, state->host_id, now);
    }
    spdlog::info("poll {} ({}) asked for by hand{}", state->spec.name, core::redact_url(state->poll.url),
                 answer.notes.empty() ? std::string() : fmt::format(": {}", answer.notes.front()));
    return answer;
  }

  // Something threw past its own error handling (a defect): the daemon is
  // told to stop; poll --once stops and reports it.
  void fail() {
    if (fail_daemon) {
      fail_daemon();
      return;
    }
    has_failed = true;
    is_stopping = true;
    wake.cancel();
  }

  // A permanent redirect confirmed over several polls (outcome.hpp): the
  // source is polled at its new URL from now on, on that URL's host.
  void note_move(SourceState& state, const std::string& from) {
    spdlog::warn("source {} moved permanently: {} → {} (seen on {} consecutive polls); polling the new URL",
                 state.spec.name, core::redact_url(from), core::redact_url(state.poll.url),
                 options.redirect_confirmations);
    state.host = core::url_host(state.poll.url);
    state.host_id = queue.host_id(state.host);
  }

  // After a poll changed the source's interval, host (a confirmed redirect)
  // or standing (410): its host's demand, and the log when that crosses the
  // budget.
  void update_demand(SourceState& state) {
    const std::optional<HostId> before = state.counted_host;
    const Seconds interval_before = state.counted_interval;
    if (before == state.host_id && interval_before == state.poll.interval && !state.poll.gone_at && !state.is_removed)
      return;
    recount(state);
    if (!is_running) return;
    if (before) report_stretch(*before);
    if (state.counted_host && state.counted_host != before) report_stretch(*state.counted_host);
  }

  fetch::FetchRequest request_for(const SourceState& state) const {
    fetch::FetchRequest request = fetch::request_for(fetch_config, state.spec);
    request.url = state.poll.url;
    request.etag = state.poll.etag;
    request.last_modified = state.poll.last_modified;
    request.previous_body_hash = state.poll.body_hash;
    return request;
  }

  OutcomeRules rules_for(const SourceState& state) const {
    return {schedule_config.min_interval, schedule_config.max_interval, state.spec.interval,
            options.redirect_confirmations, state.signature};
  }

  // Parses, normalizes and prepares a fetched body for the store on the
  // worker pool. A document that cannot be read turns the outcome into a
  // failure.
  static asio::awaitable<std::optional<store::PreparedDocument>> read_body(std::shared_ptr<Impl> self,
                                                                           const SourceState& state,
                                                                           fetch::FetchResult& fetched, Timestamp now,
                                                                           PollOutcome& outcome, PollReport& report) {
    const auto digest_start = std::chrono::steady_clock::now();
    Digest digested =
        co_await asio::co_spawn(self->executors.worker,
                                digest(std::move(fetched.body), fetched.final_url,
                                       core::charset_of(fetched.content_type), self->options.parse_limits, now),
                                asio::use_awaitable);
    report.parse_elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - digest_start);
    if (!digested.document) {
      outcome.kind = PollOutcome::Kind::failure;
      outcome.error = "parse: " + digested.error;
      co_return std::nullopt;
    }
    if (!digested.recovery_reason.empty())
      spdlog::debug("source {}: recovered a broken {} document: {}", state.spec.name, digested.format,
                    digested.recovery_reason);
    const normalize::FeedMeta& info = digested.document->feed.feed;
    outcome.feed_hints = PollOutcome::FeedHints{info.ttl, info.update_interval, info.skip_hours, info.skip_days};
    co_return std::move(digested.document);
  }

  // One poll's I/O — fetch, parse, ingest, record — around the pure state
  // change of apply_outcome.
  // false: the request could not start by `start_by` (fleet_start_margin)
  // and was not sent; `report.error` says how late it was, and nothing
  // else changed.
  static asio::awaitable<bool> poll_once(std::shared_ptr<Impl> self, std::shared_ptr<SourceState> state,
                                         PollReport& report, std::optional<SteadyTime> start_by, HostId started_on,
                                         PollHold& hold) {
    fetch::FetchRequest request = self->request_for(*state);
    request.start_by = start_by;
    fetch::FetchResult fetched = co_await self->fetcher.fetch(std::move(request));
    if (fetched.error == fetch::FetchError::late) {
      report.error = std::move(fetched.message);
      co_return false;
    }
    self->free_slot_after_request(started_on, hold);
    report.http_status = fetched.status;
    report.elapsed = fetched.elapsed;
    report.is_not_modified = fetched.is_not_modified();
    const Timestamp now = core::now_utc();
    PollOutcome outcome = outcome_of(fetched);
    std::optional<store::PreparedDocument> document;
    if (fetched.is_success()) document = co_await read_body(self, *state, fetched, now, outcome, report);
    if (document)
      self->subscriber->discovered(state->id, discover_hub(fetched.link, fetched.final_url, document->feed.feed));
    if (fetched.is_not_modified()) self->subscriber->polled_unchanged(state->id);
    if (document) {
      report.ingest = co_await store_document(self, state->id, std::move(*document), now);
      outcome.new_items = report.ingest.new_items;
    }
    self->document_settled(hold);

    PollUpdate update = apply_outcome(state->poll, outcome, self->rules_for(*state), now);
    const std::string previous_url = state->poll.url;
    state->poll = std::move(update.state);
    if (update.is_moved) self->note_move(*state, previous_url);
    self->update_demand(*state);
    const std::optional<Timestamp> next = schedule_next(state->poll, update.wait, self->wait_interval(*state),
                                                        self->schedule_config.max_interval, now, self->draw_unit());
    // Fleet: the other daemons learn this due time from the database and
    // wake for it as this one does; which of them claims it is left to
    // each one's random sleep past it (fleet_wake_delay).
    state->next_due = next.value_or(kNever);
    report.is_success = update.record.is_success;
    report.is_gone = outcome.kind == PollOutcome::Kind::gone;
    report.error = outcome.error;
    update.record.next_poll_at = next;
    co_await asio::co_spawn(self->executors.writer, record_poll(self, state->id, std::move(update.record)),
                            asio::use_awaitable);
    co_return true;
  }

  static asio::awaitable<void> record_poll(std::shared_ptr<Impl> self, std::int64_t source_id, store::PollRecord poll) {
    self->store.record_poll(source_id, poll);
    co_return;
  }

  Executors executors;
  store::Store& store;  // used on executors.writer only
  fetch::Fetcher& fetcher;
  SchedulerOptions options;
  std::function<void()> on_store_changed;
  // Everything below belongs to the I/O executor's thread.
  std::unique_ptr<Subscriber> subscriber;  // WebSub: pushes from the sources' hubs
  config::FetchConfig fetch_config;
  config::ScheduleConfig schedule_config;
  std::unordered_map<std::int64_t, std::shared_ptr<SourceState>> sources;  // by store id
  PollQueue queue;    // the sources waiting for their poll; the polls in flight per host
  HostDemand demand;  // what each host's sources ask of it, by the queue's host ids
  asio::steady_timer wake;
  asio::steady_timer drained;  // stop(): cancelled when the last poll in flight ends
  std::function<void()> fail_daemon;
  bool has_failed = false;  // poll --once: something threw (see fail())
  // Polls past their request (free_slot_after_request) that have not ended.
  std::size_t polls_storing = 0;
  // Of those, the ones whose document is not stored yet (document_settled).
  std::size_t documents_ahead = 0;
  // Ingests handed to the writer and not yet started there (both threads).
  std::atomic<int> queued_ingests{0};
  ChangePacer change_pacer{kChangePublishInterval};  // writer thread only
  bool is_stopping = false;
  bool is_once_mode = false;
  bool is_running = false;         // the daemon's loop (not poll --once): stretched hosts are logged
  bool is_starting_polls = false;  // within start_due_polls
  PollSummary summary;
  // Manual polls waiting for their outcome, by ticket.
  std::unordered_map<std::uint64_t, std::shared_ptr<ManualWaiter>> manual_waiters;
  std::uint64_t next_ticket = 1;
  std::chrono::nanoseconds unreported_cpu{0};  // scheduler CPU not yet added to /metrics
  SteadyTime cpu_reported_at{};
  std::mt19937_64 random;
  StorageTrouble storage;  // while writes to the store fail
  // Fleet (fleet.hpp): several daemons on one database claim each poll.
  const bool is_fleet;
  const std::string daemon_name = fleet_daemon_name();
  std::string config_signature;           // of the configuration loaded last
  store::WallMilliseconds config_loaded;  // when
  FleetStanding fleet;                    // as the last beat told
  asio::steady_timer beat_timer;
  bool is_beat_over = false;  // poll --once has polled all it was to
};

Scheduler::Scheduler(Executors executors, store::Store& store, fetch::Fetcher& fetcher, const config::Config& config,
                     SchedulerOptions options, std::function<void()> on_store_changed)
    : impl_(
          std::make_shared<Impl>(std::move(executors), store, fetcher, config, options, std::move(on_store_changed))) {}

Scheduler::~Scheduler() = default;

void Scheduler::start(std::function<void()> fail_daemon) {
  impl_->fail_daemon = std::move(fail_daemon);
  asio::co_spawn(impl_->executors.io, Impl::run(impl_), net::FailDaemon("the scheduler's loop", impl_->fail_daemon));
  asio::co_spawn(impl_->executors.io, Impl::maintenance_loop(impl_),
                 net::FailDaemon("the scheduler's housekeeping", impl_->fail_daemon));
  impl_->subscriber->start(impl_->fail_daemon);
  if (impl_->is_fleet)
    asio::co_spawn(impl_->executors.io, Impl::fleet_loop(impl_),
                   net::FailDaemon("the fleet's beat", impl_->fail_daemon));
}

std::vector<std::string> Scheduler::fleet_report() const {
  std::vector<std::string> lines;
  if (!impl_->fleet.members.empty()) lines.push_back("fleet: " + impl_->fleet.members);
  if (!impl_->fleet.difference.empty()) lines.push_back("fleet: " + impl_->fleet.difference);
  return lines;
}

const std::string& Scheduler::fleet_daemon() const { return impl_->daemon_name; }

void Scheduler::configure_websub(SubscriberSettings settings) { impl_->subscriber->configure(std::move(settings)); }

asio::awaitable<CallbackAnswer> Scheduler::websub_callback(std::string token, CallbackRequest request) {
  std::shared_ptr<Impl> self = impl_;
  co_return co_await self->subscriber->answer(std::move(token), std::move(request));
}

asio::awaitable<PollSummary> Scheduler::poll_all_once() {
  std::shared_ptr<Impl> self = impl_;
  self->is_once_mode = true;
  const Timestamp now = core::now_utc();
  for (const auto& [id, state] : self->sources) {
    // A source that said not before then (Retry-After), or 410: once means
    // once, not now anyway — the same rule as a poll asked for by hand.
    if (const std::string reason = Impl::reason_not_to_poll(*state, now); !reason.empty()) {
      if (!state->poll.gone_at) spdlog::info("skipping {}", reason);
      state->is_polled_once = true;
      self->queue.erase(id);
      continue;
    }
    state->next_due = now;  // due now, but within the limits
    self->queue.push(id, state->host_id, now);
  }
  co_await Impl::run_once(self);
  if (self->has_failed)
    throw std::runtime_error("a poll failed unexpectedly (see the log above); not every source was polled");
  co_return self->summary;
}

ManualPoll Scheduler::request_poll(const std::string& name_or_url) {
  Impl& self = *impl_;
  ManualPoll answer;
  if (self.is_stopping) {
    answer.verdict = ManualPoll::Verdict::refused;
    answer.line = "the daemon is stopping; nothing was polled";
    return answer;
  }
  const std::shared_ptr<SourceState> state = self.find_named(name_or_url, answer);
  if (!state) return answer;
  std::chrono::nanoseconds cpu_started = thread_cpu_now();
  const Timestamp now = core::now_utc();
  const SteadyTime steady_now = std::chrono::steady_clock::now();
  answer = self.queue_manual(state, now, steady_now);
  if (answer.verdict == ManualPoll::Verdict::pending) {
    self.start_due_polls(now, steady_now, cpu_started);
    self.wake_loop_if_sooner(steady_now);
  }
  self.add_scheduler_cpu(cpu_started);
  return answer;
}

asio::awaitable<ManualPoll> Scheduler::outcome(ManualPoll pending, std::chrono::steady_clock::duration limit) {
  std::shared_ptr<Impl> self = impl_;
  const auto found = self->manual_waiters.find(pending.ticket);
  if (found == self->manual_waiters.end()) co_return pending;
  const std::shared_ptr<ManualWaiter> waiter = found->second;
  if (waiter->answer.verdict == ManualPoll::Verdict::pending) {
    waiter->settled.expires_after(limit);
    co_await waiter->settled.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  self->manual_waiters.erase(pending.ticket);
  ManualPoll answer = std::move(waiter->answer);
  answer.notes = std::move(pending.notes);
  if (answer.verdict == ManualPoll::Verdict::pending) {
    // The source stays due: it is polled when its host's limits allow.
    answer.verdict = ManualPoll::Verdict::failed;
    answer.line = fmt::format("not polled within {} (its host's limits, see above); it stays due", wait_text(limit));
  }
  co_return answer;
}

asio::awaitable<ManualPoll> Scheduler::poll_one_once(std::string name_or_url) {
  std::shared_ptr<Impl> self = impl_;
  self->is_once_mode = true;
  ManualPoll answer;
  const std::shared_ptr<SourceState> state = self->find_named(name_or_url, answer);
  for (const auto& [id, other] : self->sources) {
    self->queue.erase(id);
    other->is_polled_once = true;
  }
  if (!state) co_return answer;
  answer = self->queue_manual(state, core::now_utc(), std::chrono::steady_clock::now());
  if (answer.verdict != ManualPoll::Verdict::pending) co_return answer;
  co_await Impl::run_once(self);
  if (self->has_failed) throw std::runtime_error("the poll failed unexpectedly (see the log above)");
  co_return co_await outcome(std::move(answer), std::chrono::seconds(1));
}

asio::awaitable<void> Scheduler::reconfigure(config::Config config) {
  std::shared_ptr<Impl> self = impl_;
  auto [ids, records] = co_await asio::co_spawn(self->executors.writer, Impl::register_sources(self, config.sources),
                                                asio::use_awaitable);
  self->adopt_sources(config, ids, records, core::now_utc());
  self->loaded_configuration(config);
  self->wake.cancel();
  self->beat_timer.cancel();  // the fleet hears of it now
}

asio::awaitable<void> Scheduler::stop(std::chrono::steady_clock::duration deadline) {
  std::shared_ptr<Impl> self = impl_;
  self->is_stopping = true;
  self->wake.cancel();
  self->beat_timer.cancel();
  self->subscriber->stop();
  // Those not in flight will not be polled; those in flight answer when they end.
  for (const auto& [id, state] : self->sources)
    if (!state->is_polling) self->settle_manual(id, ManualPoll::Verdict::refused, "the daemon is stopping; not polled");
  // The last poll to end cancels the timer (see poll()); all of this runs
  // on the I/O thread, so none ends between the check and the wait.
  if (self->polls_running() > 0) {
    self->drained.expires_after(deadline);
    co_await self->drained.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (self->polls_running() > 0) spdlog::warn("stopping with {} polls still in flight", self->polls_running());
  self->settle_every_manual("the daemon is stopping; not polled");
  if (self->is_fleet) co_await Impl::leave_fleet(self);
}

}  // namespace tributary::schedule
