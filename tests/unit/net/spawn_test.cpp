// A coroutine that throws is never silent: LogFailure logs it, FailDaemon
// logs it as critical and stops the daemon (net/spawn.hpp).
#include "net/spawn.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace tributary::net {
namespace {

namespace asio = boost::asio;

asio::awaitable<void> throws_runtime_error() {
  throw std::runtime_error("the loop broke");
  co_return;
}

asio::awaitable<void> throws_an_int() {
  throw 42;
  co_return;
}

asio::awaitable<void> ends_well() { co_return; }

// Captures what spdlog's default logger writes while it lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::string text() const { return text_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream text_;
};

TEST(LogFailure, LogsTheExceptionAsAnErrorNamingTheTask) {
  CapturedLog log;
  asio::io_context io;
  asio::co_spawn(io, throws_runtime_error(), LogFailure("an HTTP connection"));
  io.run();
  EXPECT_EQ(log.text(), "error an HTTP connection failed: the loop broke\n");
}

TEST(LogFailure, NamesAnExceptionThatIsNotAStdException) {
  CapturedLog log;
  asio::io_context io;
  asio::co_spawn(io, throws_an_int(), LogFailure("a task"));
  io.run();
  EXPECT_EQ(log.text(), "error a task failed: an exception that is not a std::exception\n");
}

TEST(LogFailure, SaysNothingWhenTheTaskEndsWell) {
  CapturedLog log;
  asio::io_context io;
  asio::co_spawn(io, ends_well(), LogFailure("a task"));
  io.run();
  EXPECT_EQ(log.text(), "");
}

TEST(FailDaemon, LogsCriticalThenStopsTheDaemon) {
  CapturedLog log;
  asio::io_context io;
  int failures = 0;
  asio::co_spawn(io, throws_runtime_error(), FailDaemon("the scheduler's loop", [&failures] { ++failures; }));
  io.run();
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(log.text(),
            "critical the scheduler's loop failed: the loop broke; the daemon stops, as it cannot go on without it "
            "(under systemd it is restarted)\n");
}

TEST(FailDaemon, LeavesTheDaemonAloneWhenTheLoopEndsWell) {
  CapturedLog log;
  asio::io_context io;
  int failures = 0;
  asio::co_spawn(io, ends_well(), FailDaemon("the scheduler's loop", [&failures] { ++failures; }));
  io.run();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(log.text(), "");
}

}  // namespace
}  // namespace tributary::net
