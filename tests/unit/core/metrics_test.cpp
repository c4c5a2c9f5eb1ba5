// The metrics registry as /metrics shows it: counters counted through
// add() and through a kept CounterCell land in the same line, label values
// are escaped, histograms are cumulative, and counting from several threads
// loses nothing.
#include "core/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tributary::core {
namespace {

TEST(Metrics, KeptCellAndAddCountIntoOneLine) {
  Metrics registry;
  registry.describe_counter("requests_total", "Requests by route and code");
  CounterCell& cell = registry.counter("requests_total", {{"route", "/feed.atom"}, {"code", "304"}});
  cell.add();
  cell.add();
  registry.add("requests_total", {{"route", "/feed.atom"}, {"code", "304"}});
  EXPECT_EQ(&registry.counter("requests_total", {{"route", "/feed.atom"}, {"code", "304"}}), &cell);
  EXPECT_EQ(registry.render(),
            "# HELP requests_total Requests by route and code\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"/feed.atom\",code=\"304\"} 3\n");
}

TEST(Metrics, ACellShowsFromTheMomentItIsMade) {
  Metrics registry;
  registry.describe_counter("refused_total", "Refused");
  registry.counter("refused_total");
  EXPECT_EQ(registry.render(), "# HELP refused_total Refused\n# TYPE refused_total counter\nrefused_total 0\n");
}

TEST(Metrics, FractionalAmountsAddUp) {
  Metrics registry;
  registry.add("cpu_seconds_total", {}, 0.25);
  registry.counter("cpu_seconds_total").add(0.5);
  EXPECT_EQ(registry.render(), "# TYPE cpu_seconds_total untyped\ncpu_seconds_total 0.75\n");
}

TEST(Metrics, LabelValuesAreEscapedAndLabelSetsSorted) {
  Metrics registry;
  registry.add("errors_total", {{"class", "b\"q\\n\n"}});
  registry.add("errors_total", {{"class", "a"}}, 2);
  EXPECT_EQ(registry.render(),
            "# TYPE errors_total untyped\n"
            "errors_total{class=\"a\"} 2\n"
            "errors_total{class=\"b\\\"q\\\\n\\n\"} 1\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics registry;
  registry.describe_histogram("render_seconds", "Render time", {0.01, 0.1});
  registry.observe("render_seconds", {{"view", "cached"}}, 0.005);
  registry.observe("render_seconds", {{"view", "cached"}}, 0.05);
  registry.observe("render_seconds", {{"view", "cached"}}, 3);
  EXPECT_EQ(registry.render(),
            "# HELP render_seconds Render time\n"
            "# TYPE render_seconds histogram\n"
            "render_seconds_bucket{view=\"cached\",le=\"0.01\"} 1\n"
            "render_seconds_bucket{view=\"cached\",le=\"0.1\"} 2\n"
            "render_seconds_bucket{view=\"cached\",le=\"+Inf\"} 3\n"
            "render_seconds_sum{view=\"cached\"} 3.055\n"
            "render_seconds_count{view=\"cached\"} 3\n");
}

TEST(Metrics, CountingFromSeveralThreadsLosesNothing) {
  Metrics registry;
  CounterCell& kept = registry.counter("hits_total", {{"route", "/"}});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&registry, &kept, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (t % 2 == 0)
          kept.add();
        else
          registry.add("hits_total", {{"route", "/"}});
      }
    });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(kept.value(), kThreads * kPerThread);
  EXPECT_EQ(registry.render(), "# TYPE hits_total untyped\nhits_total{route=\"/\"} 40000\n");
}

}  // namespace
}  // namespace tributary::core
