// The health probe off the I/O thread: an answer at once whatever the
// probe does, the probe's verdict once it ends, and a probe that does not
// end in time reported as such.
#include "app/background_probe.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <semaphore>

#include "support/wait.hpp"

namespace tributary::app {
namespace {

using namespace std::chrono_literals;

TEST(BackgroundProbe, AnswersAtOnceAndThenWithTheProbesVerdict) {
  std::atomic<int> probes{0};
  BackgroundProbe probe([&probes] { return ++probes == 1 ? std::string() : "the disk is full"; }, "the disk", 5s);
  EXPECT_EQ(probe.ask(), "");
  ASSERT_TRUE(testing::wait_until([&] { return probes.load() == 1; }, 5s, 10ms));
  ASSERT_TRUE(testing::wait_until([&] { return probe.ask() == "the disk is full"; }, 5s, 10ms));
  EXPECT_GE(probes.load(), 2);
}

TEST(BackgroundProbe, AProbeThatDoesNotEndInTimeIsTheVerdict) {
  std::binary_semaphore release(0);
  std::atomic<bool> is_blocked{false};
  BackgroundProbe probe(
      [&] {
        is_blocked = true;
        release.acquire();
        return std::string("the server answered at last: no database");
      },
      "the PostgreSQL server", 200ms);
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(probe.ask(), "");
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 100ms) << "ask() never waits for the probe";
  ASSERT_TRUE(testing::wait_until([&] { return is_blocked.load(); }, 5s, 10ms));
  ASSERT_TRUE(testing::wait_until(
      [&] { return probe.ask().find("the PostgreSQL server has not answered for") != std::string::npos; }, 5s, 20ms));
  release.release();
  ASSERT_TRUE(testing::wait_until([&] { return probe.ask() == "the server answered at last: no database"; }, 5s, 10ms));
  release.release();  // the probe that ask() started meanwhile ends too
}

}  // namespace
}  // namespace tributary::app
