// The metrics registry: one mutex over the families and their label sets,
// because counting into a new label set is rare next to the work it counts
// and a scrape walks everything; counter values are atomic cells, so that a
// path which keeps its cell (every HTTP request) counts without the lock.
#include "core/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace tributary::core {
namespace {

std::string format_value(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return std::to_string(static_cast<long long>(value));
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// Adds one label to a rendered label set: `{a="x"}` + le → `{a="x",le="0.5"}`.
std::string with_label(const std::string& rendered, std::string_view name, std::string_view value) {
  const std::string label = std::string(name) + "=\"" + escape_label_value(value) + "\"";
  if (rendered.empty()) return "{" + label + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + label + "}";
}

}  // namespace

std::string format_labels(const MetricLabels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name + "=\"" + escape_label_value(value) + "\"";
  }
  return out + "}";
}

Metrics::Family& Metrics::family(std::string_view name) {
  auto found = families_.find(name);
  if (found == families_.end()) found = families_.emplace(std::string(name), Family{}).first;
  return found->second;
}

void Metrics::describe_counter(std::string_view name, std::string_view help) {
  std::lock_guard lock(mutex_);
  Family& described = family(name);
  if (described.help.empty()) {
    described.type = "counter";
    described.help = help;
  }
}

void Metrics::describe_histogram(std::string_view name, std::string_view help, std::vector<double> bucket_bounds) {
  std::lock_guard lock(mutex_);
  Family& described = family(name);
  if (described.help.empty()) {
    described.type = "histogram";
    described.help = help;
    described.bounds = std::move(bucket_bounds);
  }
}

CounterCell& Metrics::counter(std::string_view name, const MetricLabels& labels) {
  const std::string key = format_labels(labels);
  std::lock_guard lock(mutex_);
  return family(name).counters[key];
}

void Metrics::add(std::string_view name, const MetricLabels& labels, double amount) {
  counter(name, labels).add(amount);
}

void Metrics::observe(std::string_view name, const MetricLabels& labels, double value) {
  const std::string key = format_labels(labels);
  std::lock_guard lock(mutex_);
  Family& observed = family(name);
  Histogram& histogram = observed.histograms[key];
  if (histogram.bucket_counts.size() != observed.bounds.size())
    histogram.bucket_counts.assign(observed.bounds.size(), 0);
  for (std::size_t i = 0; i < observed.bounds.size(); ++i)
    if (value <= observed.bounds[i]) ++histogram.bucket_counts[i];
  ++histogram.count;
  histogram.sum += value;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, described] : families_) {
    if (!described.help.empty()) out += "# HELP " + name + " " + escape_help(described.help) + "\n";
    out += "# TYPE " + name + " " + described.type + "\n";
    for (const auto& [labels, cell] : described.counters)
      out += name + labels + " " + format_value(cell.value()) + "\n";
    for (const auto& [labels, histogram] : described.histograms) {
      // Buckets are counted as "value <= bound" already, so each is cumulative.
      for (std::size_t i = 0; i < described.bounds.size() && i < histogram.bucket_counts.size(); ++i)
        out += name + "_bucket" + with_label(labels, "le", format_value(described.bounds[i])) + " " +
               std::to_string(histogram.bucket_counts[i]) + "\n";
      out += name + "_bucket" + with_label(labels, "le", "+Inf") + " " + std::to_string(histogram.count) + "\n";
      out += name + "_sum" + labels + " " + format_value(histogram.sum) + "\n";
      out += name + "_count" + labels + " " + std::to_string(histogram.count) + "\n";
    }
  }
  return out;
}

Metrics& metrics() {
  static Metrics registry;
  return registry;
}

std::string gauge_lines(std::string_view name, std::string_view help,
                        std::span<const std::pair<MetricLabels, double>> values) {
  std::string out =
      "# HELP " + std::string(name) + " " + escape_help(help) + "\n# TYPE " + std::string(name) + " gauge\n";
  for (const auto& [labels, value] : values)
    out += std::string(name) + format_labels(labels) + " " + format_value(value) + "\n";
  return out;
}

}  // namespace tributary::core
