// /healthz's verdict over time: probes at most once per interval, each
// change of verdict reported once.
#include "serve/health.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tributary::serve {
namespace {

using namespace std::chrono_literals;
using Clock = HealthCheck::Clock;

struct Recorder {
  std::string next_problem;
  int probes = 0;
  std::vector<std::pair<std::string, std::string>> reports;  // problem, previous

  HealthCheck check(Clock::duration reuse_for = 1s) {
    return HealthCheck(
        [this] {
          ++probes;
          return next_problem;
        },
        [this](const std::string& problem, const std::string& previous) { reports.emplace_back(problem, previous); },
        reuse_for);
  }
};

TEST(HealthCheck, HealthyReportsNothing) {
  Recorder recorder;
  HealthCheck check = recorder.check();
  const Clock::time_point start{};
  EXPECT_EQ(check.problem(start), "");
  EXPECT_EQ(check.problem(start + 5s), "");
  EXPECT_EQ(recorder.probes, 2);
  EXPECT_TRUE(recorder.reports.empty());
}

TEST(HealthCheck, ReusesARecentVerdict) {
  Recorder recorder;
  HealthCheck check = recorder.check(1s);
  const Clock::time_point start{};
  check.problem(start);
  recorder.next_problem = "the database file was deleted";
  EXPECT_EQ(check.problem(start + 500ms), "") << "probed 0.5 s ago";
  EXPECT_EQ(recorder.probes, 1);
  EXPECT_EQ(check.problem(start + 1s), "the database file was deleted");
  EXPECT_EQ(recorder.probes, 2);
}

TEST(HealthCheck, ReportsEachChangeOnce) {
  Recorder recorder;
  HealthCheck check = recorder.check(1s);
  Clock::time_point now{};
  const auto probe_later = [&] { return check.problem(now += 2s); };
  probe_later();
  recorder.next_problem = "deleted";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(probe_later(), "deleted");
  recorder.next_problem = "replaced";
  probe_later();
  probe_later();
  recorder.next_problem = "";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(probe_later(), "");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"deleted", ""}, {"replaced", "deleted"}, {"", "replaced"}};
  EXPECT_EQ(recorder.reports, expected);
}

TEST(HealthCheck, AnUnhealthyStartIsReported) {
  Recorder recorder;
  recorder.next_problem = "the database cannot be read";
  HealthCheck check = recorder.check();
  EXPECT_EQ(check.problem(Clock::time_point{}), "the database cannot be read");
  ASSERT_EQ(recorder.reports.size(), 1u);
  EXPECT_EQ(recorder.reports[0].second, "");
}

}  // namespace
}  // namespace tributary::serve
