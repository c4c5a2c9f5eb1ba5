// Fair and polite at the shipped defaults, through the real daemon: many
// sources on one host and a few on another, `[schedule]` untouched but for
// the sources' intervals (per_host 2, host_delay 2s, max_concurrent 16).
// Every source of the crowded host is polled — about as often as the others,
// whatever its place in the configuration — no two requests reach that host
// closer than host_delay, the other host keeps its pace, and the stretch is
// said in the log (once), `tributary status`, /sources.json and the landing
// page.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <thread>

#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr int kCrowded = 20;     // sources on 127.0.0.1
constexpr int kQuiet = 4;        // sources on 127.0.0.2
constexpr auto kInterval = 20s;  // every source's pinned interval
// 20 sources at 20 s ask 1 request/s of a host that takes one per 2 s:
// stretched 2×, a 40 s round. The run covers two rounds and some.
constexpr auto kRun = 95s;
constexpr auto kHostDelay = 2s;  // the shipped default

std::string feed(const std::string& title) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + title +
         "</title><link>https://site.example/</link><item><title>" + title + " item</title><guid>" + title +
         "-1</guid></item></channel></rss>";
}

std::string crowded_path(int index) { return "/crowded" + std::to_string(index) + ".xml"; }
std::string quiet_path(int index) { return "/quiet" + std::to_string(index) + ".xml"; }

class PoliteAtTheDefaults : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    crowded_ = std::make_unique<FakeUpstream>("127.0.0.1");
    quiet_ = std::make_unique<FakeUpstream>("127.0.0.2");
    dir_ = std::make_unique<TempDir>();
    // No [schedule] section: the shipped politeness defaults.
    DaemonConfig config(dir_->path() / "t.db");
    config.log("target = \"stderr\"");
    const std::string interval = "interval = \"" + std::to_string(kInterval.count()) + "s\"";
    for (int i = 0; i < kCrowded; ++i) {
      crowded_->serve(crowded_path(i),
                      {200, {{"Content-Type", "application/rss+xml"}}, feed("crowded" + std::to_string(i))});
      config.source(crowded_->url(crowded_path(i)), "Crowded " + std::to_string(i), interval);
    }
    for (int i = 0; i < kQuiet; ++i) {
      quiet_->serve(quiet_path(i), {200, {{"Content-Type", "application/rss+xml"}}, feed("quiet" + std::to_string(i))});
      config.source(quiet_->url(quiet_path(i)), "Quiet " + std::to_string(i), interval);
    }
    config_ = dir_->write("tributary.toml", config.text());
    daemon_ = std::make_unique<DaemonProcess>(config_, dir_->path() / "daemon.log");
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    std::this_thread::sleep_for(kRun);
    // What the upstreams saw in the run, taken at once.
    for (int i = 0; i < kCrowded; ++i) crowded_requests_.push_back(crowded_->requests(crowded_path(i)));
    for (int i = 0; i < kQuiet; ++i) quiet_requests_.push_back(quiet_->requests(quiet_path(i)));
  }

  static void TearDownTestSuite() {
    if (daemon_) daemon_->stop(20s);
    daemon_.reset();
    crowded_.reset();
    quiet_.reset();
    dir_.reset();
  }

  static inline std::unique_ptr<FakeUpstream> crowded_;
  static inline std::unique_ptr<FakeUpstream> quiet_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::filesystem::path config_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline std::vector<std::vector<RecordedRequest>> crowded_requests_;
  static inline std::vector<std::vector<RecordedRequest>> quiet_requests_;
};

TEST_F(PoliteAtTheDefaults, EverySourceOfTheCrowdedHostIsPolledAboutEquallyOften) {
  ASSERT_EQ(crowded_requests_.size(), static_cast<std::size_t>(kCrowded));
  std::size_t fewest = SIZE_MAX, most = 0;
  std::string counts;
  for (const auto& requests : crowded_requests_) {
    fewest = std::min(fewest, requests.size());
    most = std::max(most, requests.size());
    counts += std::to_string(requests.size()) + " ";
  }
  // Configuration order decides nothing: the last source too, and each
  // within one poll of the others (two rounds of 40 s and some).
  EXPECT_GE(fewest, 2u) << "polls per source: " << counts << "\n" << daemon_->output();
  EXPECT_LE(most - fewest, 1u) << "polls per source: " << counts;
}

TEST_F(PoliteAtTheDefaults, NoTwoRequestsReachTheCrowdedHostCloserThanHostDelay) {
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  for (const auto& requests : crowded_requests_)
    for (const RecordedRequest& request : requests) arrivals.push_back(request.received_at);
  std::sort(arrivals.begin(), arrivals.end());
  ASSERT_GE(arrivals.size(), 2u);
  auto smallest = std::chrono::steady_clock::duration::max();
  for (std::size_t i = 1; i < arrivals.size(); ++i) smallest = std::min(smallest, arrivals[i] - arrivals[i - 1]);
  EXPECT_GE(smallest, kHostDelay) << std::chrono::duration_cast<std::chrono::milliseconds>(smallest).count() << " ms";
  // And the host was kept busy at that pace, not idle: one request per
  // host_delay (and the margin) over the run, less the start-up spread.
  EXPECT_GE(arrivals.size(), static_cast<std::size_t>((kRun - 10s) / kHostDelay));
}

TEST_F(PoliteAtTheDefaults, TheOtherHostKeepsItsOwnPace) {
  // Four sources at 20 s on their own host fit its budget: polled every
  // 20 s (± 10 % jitter) whatever the crowded host does.
  const auto expected = static_cast<std::size_t>(kRun / (kInterval * 11 / 10));
  for (std::size_t i = 0; i < quiet_requests_.size(); ++i)
    EXPECT_GE(quiet_requests_[i].size(), expected) << "quiet source " << i;
}

TEST_F(PoliteAtTheDefaults, TheLogSaysOnceThatTheCrowdedHostIsStretched) {
  const std::string line = "127.0.0.1: 20 sources need 40s per round at host_delay 2s; intervals stretched to 40s";
  const std::string log = daemon_->output();
  const auto first = log.find(line);
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find(line, first + 1), std::string::npos) << log;
  EXPECT_EQ(log.find("127.0.0.2: "), std::string::npos) << log;
}

TEST_F(PoliteAtTheDefaults, StatusSourcesJsonAndTheLandingPageSayItPerHost) {
  const std::string line = "127.0.0.1: 20 sources need 40s per round at host_delay 2s; intervals stretched to 40s";
  const CommandResult status = run_command({tributary_binary().string(), "--config", config_.string(), "status"}, 30s);
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find(line), std::string::npos) << status.output;

  const HttpReply sources = daemon_->get("/sources.json");
  ASSERT_EQ(sources.status, 200) << sources.body;
  const json::value document = json::parse(sources.body);
  const json::array& hosts = document.as_object().at("hosts").as_array();
  ASSERT_EQ(hosts.size(), 2u) << sources.body;
  const json::object& crowded = hosts[0].as_object();
  EXPECT_EQ(crowded.at("host").as_string(), "127.0.0.1");
  EXPECT_EQ(crowded.at("sources").to_number<int>(), kCrowded);
  EXPECT_TRUE(crowded.at("is_stretched").as_bool());
  EXPECT_NEAR(crowded.at("stretch").to_number<double>(), 2.0, 1e-9);
  EXPECT_EQ(crowded.at("summary").as_string(), line);
  const json::object& quiet = hosts[1].as_object();
  EXPECT_EQ(quiet.at("host").as_string(), "127.0.0.2");
  EXPECT_FALSE(quiet.at("is_stretched").as_bool());

  const HttpReply landing = daemon_->get("/");
  ASSERT_EQ(landing.status, 200);
  EXPECT_NE(landing.body.find("<p id=\"stretched\">"), std::string::npos) << landing.body;
  EXPECT_NE(landing.body.find(line), std::string::npos) << landing.body;
}

}  // namespace
}  // namespace tributary::testing
