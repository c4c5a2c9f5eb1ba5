// A host's politeness budget: when its sources ask more than one request
// per host_delay, all of them are stretched by one factor — computed from
// the sources (host_loads, for status and the web pages), kept up to date
// by the scheduler (HostDemand), and read from the store (load.hpp).
#include <gtest/gtest.h>

#include "schedule/host_demand.hpp"
#include "schedule/load.hpp"
#include "schedule/policy.hpp"

namespace tributary::schedule {
namespace {

using namespace std::chrono_literals;
const core::Timestamp kNow = core::from_unix_seconds(1'765'000'000);

std::vector<SourceLoad> many(const std::string& host, int count, Seconds interval) {
  return std::vector<SourceLoad>(static_cast<std::size_t>(count), SourceLoad{host, interval});
}

TEST(Stretch, ADemandWithinTheBudgetIsNotStretched) {
  EXPECT_EQ(stretch_factor(0.25, 2s), 1.0);
  // 30 sources at 60 s on a 2 s host: exactly the budget, not 1.0000001×.
  EXPECT_EQ(stretch_factor(30.0 / 60.0, 2s), 1.0);
  EXPECT_EQ(stretch_factor(1000.0, 0s), 1.0);  // no host_delay, no budget
}

TEST(Stretch, ADemandOverTheBudgetStretchesByItsRatio) {
  EXPECT_DOUBLE_EQ(stretch_factor(1.0, 2s), 2.0);
  EXPECT_EQ(stretched(5min, 2.0), 10min);
  EXPECT_EQ(stretched(5min, 1.0), 5min);
  EXPECT_EQ(stretched(20s, 3.0), 60s);
}

TEST(HostLoads, ThreeHundredSourcesAtFiveMinutesOnATwoSecondHostNeedTenMinutes) {
  auto sources = many("github.com", 300, 5min);
  const auto tail = many("blog.example", 1, 15min);
  sources.insert(sources.end(), tail.begin(), tail.end());
  const std::vector<HostLoad> loads = host_loads(sources, 2s);
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(loads[0].host, "blog.example");  // sorted by host
  EXPECT_FALSE(loads[0].is_stretched());
  const HostLoad& github = loads[1];
  EXPECT_EQ(github.sources, 300u);
  EXPECT_EQ(github.round(), 10min);
  EXPECT_NEAR(github.stretch, 2.0, 1e-9);
  EXPECT_EQ(describe_stretch(github),
            "github.com: 300 sources need 10m per round at host_delay 2s; intervals stretched to 10m");
}

TEST(HostLoads, MixedIntervalsAreStretchedByOneFactor) {
  auto sources = many("news.example", 100, 4min);
  const auto hourly = many("news.example", 100, 1h);
  sources.insert(sources.end(), hourly.begin(), hourly.end());
  // 100/240 + 100/3600 per second × 2 s ≈ 0.889: fits.
  EXPECT_FALSE(host_loads(sources, 2s)[0].is_stretched());
  const HostLoad load = host_loads(sources, 5s)[0];
  ASSERT_TRUE(load.is_stretched());
  EXPECT_NEAR(load.stretch, 2.222, 0.001);
  EXPECT_EQ(describe_stretch(load),
            "news.example: 200 sources need 16m40s per round at host_delay 5s; intervals stretched 2.2× (4m–1h → "
            "8m53s–2h13m20s)");
}

TEST(HostDemand, FollowsSourcesThatComeGoAndChangeTheirInterval) {
  HostDemand demand;
  demand.set_host_delay(2s);
  for (int i = 0; i < 300; ++i) demand.add(0, 5min);
  EXPECT_NEAR(demand.stretch(0), 2.0, 1e-6);
  EXPECT_EQ(demand.stretch(1), 1.0);  // a host it never saw
  // Half of them adapt to 15 minutes: 150/300 + 150/900 per second × 2 s.
  for (int i = 0; i < 150; ++i) {
    demand.remove(0, 5min);
    demand.add(0, 15min);
  }
  EXPECT_NEAR(demand.stretch(0), 4.0 / 3.0, 1e-6);
  const HostLoad load = demand.load(0, "github.com");
  EXPECT_EQ(load.sources, 300u);
  EXPECT_EQ(load.shortest, 5min);
  EXPECT_EQ(load.longest, 15min);
  for (int i = 0; i < 150; ++i) demand.remove(0, 15min);
  for (int i = 0; i < 150; ++i) demand.remove(0, 5min);
  EXPECT_EQ(demand.stretch(0), 1.0);
  EXPECT_EQ(demand.load(0, "github.com").sources, 0u);
}

TEST(HostDemand, ReportsTheStartAndTheEndOfStretchingOnceEach) {
  HostDemand demand;
  demand.set_host_delay(2s);
  for (int i = 0; i < 30; ++i) demand.add(0, 60s);  // exactly the budget
  EXPECT_EQ(demand.take_change(0), HostDemand::Change::none);
  demand.add(0, 60s);
  EXPECT_EQ(demand.take_change(0), HostDemand::Change::started);
  demand.add(0, 60s);
  EXPECT_EQ(demand.take_change(0), HostDemand::Change::none);
  demand.remove(0, 60s);
  demand.remove(0, 60s);
  EXPECT_EQ(demand.take_change(0), HostDemand::Change::ended);
  EXPECT_EQ(demand.take_change(0), HostDemand::Change::none);
}

TEST(HostDemand, ExactAfterManyChanges) {
  // Fixed point: a million changes leave no drift that reads as a stretch.
  HostDemand demand;
  demand.set_host_delay(2s);
  for (int i = 0; i < 30; ++i) demand.add(0, 60s);
  for (int i = 0; i < 1'000'000; ++i) {
    const Seconds interval{61 + i % 7919};
    demand.add(0, interval);
    demand.remove(0, interval);
  }
  EXPECT_EQ(demand.stretch(0), 1.0);
  EXPECT_EQ(demand.take_change(0), HostDemand::Change::none);
}

store::SourceRecord record(const std::string& config_url, std::optional<Seconds> poll_interval = std::nullopt) {
  store::SourceRecord source;
  source.config_url = config_url;
  source.url = config_url;
  source.poll_interval = poll_interval;
  return source;
}

TEST(LoadsFromTheStore, UseTheSchedulersIntervals) {
  LoadSettings settings;
  settings.host_delay = 2s;
  settings.first_interval = 15min;
  settings.pinned["https://a.example/pinned.xml"] = 1min;
  // Pinned beats stored; stored (adaptive) beats the first interval.
  EXPECT_EQ(source_load(settings, record("https://a.example/pinned.xml", 2h), kNow)->interval, 1min);
  EXPECT_EQ(source_load(settings, record("https://a.example/adaptive.xml", 2h), kNow)->interval, 2h);
  EXPECT_EQ(source_load(settings, record("https://a.example/new.xml"), kNow)->interval, 15min);
  EXPECT_EQ(source_load(settings, record("https://A.example/new.xml"), kNow)->host, "a.example");
}

TEST(LoadsFromTheStore, CountThePolledHostAndSkipGoneAndRemovedSources) {
  LoadSettings settings;
  store::SourceRecord moved = record("https://old.example/feed.xml");
  moved.url = "https://new.example/feed.xml";  // a confirmed permanent redirect
  EXPECT_EQ(source_load(settings, moved, kNow)->host, "new.example");
  store::SourceRecord gone = record("https://a.example/gone.xml");
  gone.gone_at = kNow - 1h;
  EXPECT_FALSE(source_load(settings, gone, kNow));
  store::SourceRecord removed = record("https://a.example/removed.xml");
  removed.removed_at = kNow - 1h;
  EXPECT_FALSE(source_load(settings, removed, kNow));
  const std::vector<store::SourceRecord> records = {moved, gone, removed, record("https://a.example/x.xml")};
  const auto loads = host_loads(settings, records, kNow);
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(loads[0].host, "a.example");
  EXPECT_EQ(loads[0].sources, 1u);
  EXPECT_EQ(loads[1].host, "new.example");
}

}  // namespace
}  // namespace tributary::schedule
