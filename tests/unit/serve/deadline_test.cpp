// Work on another thread awaited for at most a deadline: a result in time
// is returned, a late one is dropped, an exception comes back.
#include "serve/deadline.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <stdexcept>
#include <thread>

namespace tributary::serve {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using Clock = std::chrono::steady_clock;

// Awaits `work` (on a pool thread) on a one-thread io_context; `answered`:
// when the awaiting side had its answer.
template <typename Result>
std::optional<Result> run(std::function<Result()> work, std::chrono::milliseconds deadline, std::exception_ptr& error,
                          Clock::time_point* answered = nullptr) {
  asio::io_context io(1);
  asio::thread_pool pool(1);
  std::optional<Result> result;
  asio::co_spawn(io, call_with_deadline<Result>(pool.get_executor(), std::move(work), deadline),
                 [&](std::exception_ptr thrown, std::optional<Result> value) {
                   error = thrown;
                   result = std::move(value);
                   if (answered) *answered = Clock::now();
                 });
  io.run_for(10s);
  pool.join();
  return result;
}

TEST(CallWithDeadline, ReturnsAResultInTime) {
  std::exception_ptr error;
  const auto started = Clock::now();
  const std::optional<int> result = run<int>([] { return 42; }, 5000ms, error);
  EXPECT_EQ(result, 42);
  EXPECT_FALSE(error);
  EXPECT_LT(Clock::now() - started, 4s) << "the result ends the wait, not the deadline";
}

TEST(CallWithDeadline, GivesUpOnWorkThatTakesLonger) {
  std::exception_ptr error;
  const auto started = Clock::now();
  Clock::time_point answered;
  const std::optional<int> result = run<int>(
      [] {
        std::this_thread::sleep_for(1500ms);
        return 42;
      },
      100ms, error, &answered);
  EXPECT_EQ(result, std::nullopt);
  EXPECT_FALSE(error);
  EXPECT_GE(answered - started, 100ms);
  EXPECT_LT(answered - started, 1400ms) << "answered at the deadline, not when the work ended";
}

TEST(CallWithDeadline, RethrowsWhatTheWorkThrew) {
  std::exception_ptr error;
  const std::optional<int> result =
      run<int>([]() -> int { throw std::runtime_error("database is locked"); }, 5000ms, error);
  EXPECT_EQ(result, std::nullopt);
  ASSERT_TRUE(error);
  try {
    std::rethrow_exception(error);
  } catch (const std::runtime_error& thrown) {
    EXPECT_STREQ(thrown.what(), "database is locked");
  }
}

}  // namespace
}  // namespace tributary::serve
