// What the scheduler says about its polls (see poll_report.hpp).
#include "schedule/poll_report.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/log_fields.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"

namespace tributary::schedule {

PollLine describe_poll(const PollReport& report, int consecutive_errors, std::chrono::seconds next_in) {
  if (report.is_gone)
    return {spdlog::level::warn, fmt::format("poll {} ({}): 410 Gone; no longer polled until its configuration changes",
                                             report.source_name, report.url)};
  if (report.is_success) {
    // The duration covers parsing too (issue 16.7): a document that is
    // slow to parse shows in the log, not only one slow to download.
    return {spdlog::level::info,
            fmt::format("poll {} ({}): {} {} new, {} updated, {} unchanged in {} ms (parse {} ms); next in {}",
                        report.source_name, report.url,
                        report.is_not_modified ? std::string("not modified,")
                                               : "HTTP " + std::to_string(report.http_status) + ",",
                        report.ingest.new_items, report.ingest.updated, report.ingest.unchanged,
                        (report.elapsed + report.parse_elapsed).count(), report.parse_elapsed.count(),
                        core::format_duration(next_in))};
  }
  return {spdlog::level::warn,
          fmt::format("poll {} ({}) failed: {} (attempt {}, retry in {})", report.source_name, report.url, report.error,
                      consecutive_errors, core::format_duration(next_in))};
}

void log_poll(const PollLine& line, const PollReport& report) {
  const core::LogFields fields{{"SOURCE_NAME", report.source_name},
                               {"SOURCE_URL", report.url},
                               {"HTTP_STATUS", report.http_status ? std::to_string(report.http_status) : ""}};
  spdlog::log(line.level, "{}", line.text);
}

void count_in_metrics(const PollReport& report) {
  core::Metrics& metrics = core::metrics();
  const char* outcome = report.is_gone           ? "gone"
                        : !report.is_success     ? "error"
                        : report.is_not_modified ? "not_modified"
                                                 : "ok";
  metrics.add("tributary_polls_total", {{"outcome", outcome}});
  if (!report.is_success && !report.is_gone) {
    // The error's class ("timeout", "http", "parse", …): a small, fixed set.
    const std::string error_class = report.error.substr(0, std::min(report.error.find(':'), std::size_t{32}));
    metrics.add("tributary_poll_errors_total", {{"class", error_class}});
  }
  metrics.add("tributary_items_ingested_total", {{"kind", "new"}}, report.ingest.new_items);
  metrics.add("tributary_items_ingested_total", {{"kind", "updated"}}, report.ingest.updated);
  metrics.add("tributary_items_ingested_total", {{"kind", "merged"}}, report.ingest.merged);
  if (report.http_status != 0)
    metrics.observe("tributary_fetch_duration_seconds", {}, static_cast<double>(report.elapsed.count()) / 1000.0);
}

void add_to_summary(PollSummary& summary, const PollReport& report) {
  ++summary.polled;
  if (report.is_gone)
    ++summary.gone;
  else if (!report.is_success)
    ++summary.failed;
  else if (report.is_not_modified)
    ++summary.not_modified;
  else
    ++summary.succeeded;
  summary.new_items += report.ingest.new_items;
  summary.updated_items += report.ingest.updated;
}

void StorageTrouble::failed(const std::string& message) {
  const SteadyTime now = std::chrono::steady_clock::now();
  const auto interval = core::format_duration(log_interval_);
  if (!is_failing_) {
    is_failing_ = true;
    failed_writes_ = 1;
    unlogged_failures_ = 0;
    failing_since_ = last_logged_ = now;
    spdlog::error(
        "storage: writing to the database failed: {}; polls go on, the feed stays as it was and /healthz answers "
        "503 until a write succeeds (this is logged again at most every {})",
        message, interval);
    return;
  }
  ++failed_writes_;
  ++unlogged_failures_;
  if (now - last_logged_ < log_interval_) return;
  spdlog::error("storage: writing to the database still fails: {} ({} failed writes in the last {})", message,
                unlogged_failures_, interval);
  unlogged_failures_ = 0;
  last_logged_ = now;
}

void StorageTrouble::succeeded() {
  if (!is_failing_) return;
  const auto failing_for =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - failing_since_);
  spdlog::info("storage: writing to the database works again, after {} failed writes over {}", failed_writes_,
               core::format_duration(failing_for));
  is_failing_ = false;
}

}  // namespace tributary::schedule
