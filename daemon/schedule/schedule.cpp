// The scheduler: one loop coroutine that sleeps until the earliest due
// source, and one poll coroutine per due source, at most
// max_concurrent_polls at a time. All scheduler state lives on the I/O
// executor's single thread; the worker and writer only see copies.
#include "schedule/schedule.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <random>

#include "core/text.hpp"
#include "core/url.hpp"
#include "normalize/normalize.hpp"
#include "schedule/policy.hpp"

namespace tributary::schedule {
namespace {

namespace asio = boost::asio;
using core::Timestamp;

struct SourceState {
  std::int64_t id = 0;
  config::SourceSpec spec;
  std::string etag;
  std::string last_modified;
  PollPolicy policy;
  int consecutive_errors = 0;
  Timestamp next_due;
  bool is_polling = false;
};

// The outcome of parse + normalize, computed on the worker pool.
struct Digest {
  std::optional<normalize::NormalizedFeed> feed;
  std::string error;
  std::string recovery_reason;
  std::string format;
};


asio::awaitable<Digest> digest(std::string body, std::string url, std::string charset, parse::ParseLimits limits,
                               Timestamp now) {
  Digest result;
  parse::ParseOutcome parsed = parse::parse_feed(body, {url, charset, limits});
  if (!parsed.feed) {
    result.error = parsed.error;
    co_return result;
  }
  result.format = parse::to_string(parsed.feed->format);
  if (parsed.feed->is_recovered) result.recovery_reason = parsed.feed->recovery_reason;
  result.feed = normalize::normalize_feed(*parsed.feed, {url, now});
  co_return result;
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
        random(std::random_device{}()) {
    std::vector<std::int64_t> ids;
    for (const config::SourceSpec& spec : config.sources) ids.push_back(store.ensure_source(spec));
    store.retire_sources_except(ids, core::now_utc());
    adopt_sources(config, ids, store.sources(), core::now_utc());
  }

  // Replaces the source list with `config`'s, keeping the state of sources
  // that stay. `ids` are the store ids of config.sources, in order.
  void adopt_sources(const config::Config& config, const std::vector<std::int64_t>& ids,
                     const std::vector<store::SourceRecord>& records, Timestamp now) {
    fetch_config = config.fetch;
    std::vector<std::shared_ptr<SourceState>> adopted;
    std::size_t overdue = 0;
    for (std::size_t i = 0; i < config.sources.size(); ++i) {
      const config::SourceSpec& spec = config.sources[i];
      std::shared_ptr<SourceState> state;
      for (const auto& existing : sources)
        if (existing->id == ids[i]) state = existing;
      if (!state) {
        state = std::make_shared<SourceState>();
        state->id = ids[i];
        state->next_due = now;
        for (const store::SourceRecord& record : records) {
          if (record.id != state->id) continue;
          state->etag = record.etag;
          state->last_modified = record.last_modified;
          state->consecutive_errors = static_cast<int>(record.error_count);
          if (record.next_poll_at && *record.next_poll_at > now) state->next_due = *record.next_poll_at;
        }
        if (state->next_due <= now) ++overdue;
      }
      state->spec = spec;
      state->policy.interval = spec.interval.value_or(config.schedule.interval);
      state->policy.max_interval = options.max_interval;
      // A shorter interval takes effect now, not after the old one.
      if (state->consecutive_errors == 0 && state->next_due > now + state->policy.interval)
        state->next_due = now + state->policy.interval;
      adopted.push_back(std::move(state));
    }
    // Overdue sources start spread over a short window, not all at once.
    const auto spread = std::min<std::int64_t>(options.startup_spread.count(), static_cast<std::int64_t>(overdue / 10));
    for (auto& state : adopted) {
      if (state->next_due <= now && !state->is_polling && spread > 0)
        state->next_due = now + std::chrono::seconds{draw_below(spread + 1)};
    }
    sources = std::move(adopted);
  }

  // Runs on the writer: registers the sources and reads their records.
  static asio::awaitable<std::pair<std::vector<std::int64_t>, std::vector<store::SourceRecord>>> register_sources(
      std::shared_ptr<Impl> self, std::vector<config::SourceSpec> specs) {
    std::vector<std::int64_t> ids;
    for (const config::SourceSpec& spec : specs) ids.push_back(self->store.ensure_source(spec));
    self->store.retire_sources_except(ids, core::now_utc());
    co_return std::pair{std::move(ids), self->store.sources()};
  }

  std::int64_t draw_below(std::int64_t bound) {
    return std::uniform_int_distribution<std::int64_t>(0, std::max<std::int64_t>(0, bound - 1))(random);
  }
  double draw_unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(random); }

  static asio::awaitable<void> run_loop(std::shared_ptr<Impl> self) {
    while (!self->is_stopping) {
      const Timestamp now = core::now_utc();
      std::optional<Timestamp> earliest;
      for (const auto& state : self->sources) {
        if (state->is_polling) continue;
        if (state->next_due <= now) {
          if (self->in_flight >= self->options.max_concurrent_polls) continue;  // woken when one finishes
          state->is_polling = true;
          ++self->in_flight;
          asio::co_spawn(self->executors.io, poll(self, state), asio::detached);
        } else if (!earliest || state->next_due < *earliest) {
          earliest = state->next_due;
        }
      }
      const auto wait = earliest ? std::clamp<std::chrono::seconds>(*earliest - now, std::chrono::seconds{0},
                                                                   std::chrono::seconds{3600})
                                 : std::chrono::seconds{3600};
      self->wake.expires_after(wait);
      co_await self->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  // Runs on the writer: retention and housekeeping.
  static asio::awaitable<store::MaintenanceResult> maintain(std::shared_ptr<Impl> self) {
    const store::MaintenanceResult result = self->store.maintain(core::now_utc());
    if (result.purged_items > 0 && self->on_store_changed) self->on_store_changed();
    co_return result;
  }

  static asio::awaitable<void> maintenance_loop(std::shared_ptr<Impl> self) {
    asio::steady_timer timer(self->executors.io);
    while (!self->is_stopping) {
      try {
        const store::MaintenanceResult result =
            co_await asio::co_spawn(self->executors.writer, maintain(self), asio::use_awaitable);
        if (result.purged_items + result.removed_sources + result.expired_tombstones > 0)
          spdlog::info("retention: purged {} items, {} removed sources, {} expired tombstones", result.purged_items,
                       result.removed_sources, result.expired_tombstones);
      } catch (const std::exception& error) {
        spdlog::error("retention failed: {}", error.what());
      }
      timer.expires_after(self->options.maintenance_interval);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  static asio::awaitable<store::IngestResult> write_outcome(std::shared_ptr<Impl> self, std::int64_t source_id,
                                                            std::optional<normalize::NormalizedFeed> feed,
                                                            store::PollRecord record) {
    store::IngestResult result;
    if (feed) result = self->store.ingest(source_id, *feed, record.polled_at);
    self->store.record_poll(source_id, record);
    if (result.changed() && self->on_store_changed) self->on_store_changed();
    co_return result;
  }

  static asio::awaitable<void> poll(std::shared_ptr<Impl> self, std::shared_ptr<SourceState> state) {
    PollReport report;
    report.source_name = state->spec.name;
    report.url = core::redact_url(state->spec.url);
    try {
      co_await poll_once(self, state, report);
    } catch (const std::exception& error) {
      // A store failure (disk full, database locked): the poll is lost,
      // the daemon is not. The next attempt comes after the backoff.
      report.is_success = false;
      report.error = std::string("store: ") + error.what();
      ++state->consecutive_errors;
      state->next_due = next_poll_after_failure(state->policy, core::now_utc(), state->consecutive_errors,
                                                self->draw_unit());
    }
    log_report(report, *state);
    state->is_polling = false;
    --self->in_flight;
    self->wake.cancel();
  }

  static asio::awaitable<void> poll_once(std::shared_ptr<Impl> self, std::shared_ptr<SourceState> state,
                                         PollReport& report) {
    fetch::FetchRequest request;
    request.url = state->spec.url;
    request.etag = state->etag;
    request.last_modified = state->last_modified;
    request.user_agent = self->fetch_config.user_agent;
    request.timeout = self->fetch_config.timeout;
    request.max_body_bytes = self->fetch_config.max_body_bytes;
    fetch::FetchResult fetched = co_await self->fetcher.fetch(std::move(request));
    report.http_status = fetched.status;
    report.elapsed = fetched.elapsed;

    const Timestamp now = core::now_utc();
    std::optional<normalize::NormalizedFeed> feed;
    std::string error;
    if (fetched.is_success()) {
      Digest digested = co_await asio::co_spawn(
          self->executors.worker,
          digest(std::move(fetched.body), fetched.final_url, core::charset_of(fetched.content_type),
                 self->options.parse_limits, now),
          asio::use_awaitable);
      if (digested.feed) {
        feed = std::move(digested.feed);
        if (!digested.recovery_reason.empty())
          spdlog::debug("source {}: recovered a broken {} document: {}", state->spec.name, digested.format,
                        digested.recovery_reason);
      } else {
        error = "parse: " + digested.error;
      }
    } else if (!fetched.is_not_modified()) {
      error = std::string(fetch::to_string(fetched.error)) + ": " + fetched.message;
    }

    store::PollRecord record;
    record.polled_at = now;
    record.http_status = fetched.status;
    record.is_success = error.empty();
    if (record.is_success) {
      state->consecutive_errors = 0;
      state->next_due = next_poll_after_success(state->policy, now, self->draw_unit());
      record.etag = fetched.etag;
      record.last_modified = fetched.last_modified;
    } else {
      ++state->consecutive_errors;
      state->next_due = next_poll_after_failure(state->policy, now, state->consecutive_errors, self->draw_unit());
      record.error = error;
    }
    record.next_poll_at = state->next_due;

    report.is_success = record.is_success;
    report.is_not_modified = fetched.is_not_modified();
    report.error = error;
    report.ingest = co_await asio::co_spawn(self->executors.writer,
                                            write_outcome(self, state->id, std::move(feed), record),
                                            asio::use_awaitable);
    if (record.is_success) {
      if (!fetched.etag.empty()) state->etag = fetched.etag;
      if (!fetched.last_modified.empty()) state->last_modified = fetched.last_modified;
    }
  }

  static void log_report(const PollReport& report, const SourceState& state) {
    const auto next_in = std::chrono::duration_cast<std::chrono::seconds>(state.next_due - core::now_utc());
    if (report.is_success) {
      spdlog::info("poll {} ({}): {} {} new, {} updated, {} unchanged in {} ms; next in {}", report.source_name,
                   report.url, report.is_not_modified ? "not modified," : "HTTP " + std::to_string(report.http_status) + ",",
                   report.ingest.new_items, report.ingest.updated, report.ingest.unchanged, report.elapsed.count(),
                   core::format_duration(next_in));
    } else {
      spdlog::warn("poll {} ({}) failed: {} (attempt {}, retry in {})", report.source_name, report.url, report.error,
                   state.consecutive_errors, core::format_duration(next_in));
    }
  }

  Executors executors;
  store::Store& store;  // used on executors.writer only
  fetch::Fetcher& fetcher;
  config::FetchConfig fetch_config;
  SchedulerOptions options;
  std::function<void()> on_store_changed;
  // Everything below belongs to the I/O executor's thread.
  std::vector<std::shared_ptr<SourceState>> sources;
  asio::steady_timer wake;
  std::size_t in_flight = 0;
  bool is_stopping = false;
  std::mt19937_64 random;
};

Scheduler::Scheduler(Executors executors, store::Store& store, fetch::Fetcher& fetcher, const config::Config& config,
                     SchedulerOptions options, std::function<void()> on_store_changed)
    : impl_(std::make_shared<Impl>(std::move(executors), store, fetcher, config, options, std::move(on_store_changed))) {}

Scheduler::~Scheduler() = default;

asio::awaitable<void> Scheduler::reconfigure(config::Config config) {
  std::shared_ptr<Impl> self = impl_;
  auto [ids, records] =
      co_await asio::co_spawn(self->executors.writer, Impl::register_sources(self, config.sources), asio::use_awaitable);
  self->adopt_sources(config, ids, records, core::now_utc());
  self->wake.cancel();
}

void Scheduler::start() {
  asio::co_spawn(impl_->executors.io, Impl::run_loop(impl_), asio::detached);
  asio::co_spawn(impl_->executors.io, Impl::maintenance_loop(impl_), asio::detached);
}

asio::awaitable<void> Scheduler::stop(std::chrono::steady_clock::duration deadline) {
  std::shared_ptr<Impl> self = impl_;
  self->is_stopping = true;
  self->wake.cancel();
  const auto give_up_at = std::chrono::steady_clock::now() + deadline;
  asio::steady_timer pause(self->executors.io);
  while (self->in_flight > 0 && std::chrono::steady_clock::now() < give_up_at) {
    pause.expires_after(std::chrono::milliseconds(50));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (self->in_flight > 0) spdlog::warn("stopping with {} polls still in flight", self->in_flight);
}

}  // namespace tributary::schedule
