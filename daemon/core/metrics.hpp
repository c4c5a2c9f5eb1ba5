// Process-wide counters and histograms for /metrics (Prometheus text
// exposition format 0.0.4). Any thread may count; the server renders.
// Gauges that describe the store (stories, sources by state) are read at
// scrape time by the caller and appended with `gauge_lines`.
#pragma once

#include <atomic>
#include <initializer_list>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::core {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// One labelled counter's value. Counting into it takes no lock: a path
// that counts per request (the server's) finds its cell once, with
// Metrics::counter, and adds to it from then on; the labels are formatted
// only when the cell is made and when /metrics is read.
class CounterCell {
 public:
  void add(double amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Metrics {
 public:
  // Declares a family once (the first declaration wins); counting into an
  // undeclared family declares it as an untyped metric.
  void describe_counter(std::string_view name, std::string_view help);
  void describe_histogram(std::string_view name, std::string_view help, std::vector<double> bucket_bounds);

  void add(std::string_view name, const MetricLabels& labels = {}, double amount = 1);
  // The cell of `name` with `labels`, made (at 0) the first time: it lives
  // as long as the registry, and shows in render() from then on.
  CounterCell& counter(std::string_view name, const MetricLabels& labels = {});
  void observe(std::string_view name, const MetricLabels& labels, double value);

  // Every family in exposition format, sorted by name.
  std::string render() const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> bucket_counts;  // cumulative when rendered
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string type = "untyped";
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, CounterCell> counters;  // by rendered label set; nodes never move
    std::map<std::string, Histogram> histograms;  // by rendered label set
  };
  Family& family(std::string_view name);

  // Guards families_ (pollers, the writer and the server count), not the
  // values inside a CounterCell.
  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

// The process's registry.
Metrics& metrics();

// `# HELP`/`# TYPE` and one line per labelled value of a gauge.
std::string gauge_lines(std::string_view name, std::string_view help,
                        std::span<const std::pair<MetricLabels, double>> values);

// `{a="x",b="y"}` with values escaped as the format requires; "" for none.
std::string format_labels(const MetricLabels& labels);

}  // namespace tributary::core
