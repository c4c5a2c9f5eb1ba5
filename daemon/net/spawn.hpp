// What a coroutine started with co_spawn does when it throws. asio::detached
// swallows the exception: a loop that dies that way leaves the daemon
// half-alive (accepting but not polling, or the reverse) and the log silent.
// Every co_spawn in the daemon names one of these instead.
#pragma once

#include <exception>
#include <functional>
#include <string>

namespace tributary::net {

// The exception's message, or a description when it carries none.
std::string describe_exception(std::exception_ptr error);

// For a task whose failure is its own (one connection, one signal wait): an
// exception is logged as an error naming `what`, and the daemon goes on.
// `what` must outlive the task (a string literal).
class LogFailure {
 public:
  explicit LogFailure(const char* what) noexcept : what_(what) {}
  void operator()(std::exception_ptr error) const;

 private:
  const char* what_;
};

// For work the daemon cannot live without (the accept loop, the scheduler's
// loop, a poll holding a host slot): an exception is logged as critical,
// then `fail` runs — the daemon stops with a failure status, and systemd
// restarts it. Without `fail` (a command run once), the critical log alone.
class FailDaemon {
 public:
  FailDaemon(const char* what, std::function<void()> fail) : what_(what), fail_(std::move(fail)) {}
  void operator()(std::exception_ptr error) const;

 private:
  const char* what_;
  std::function<void()> fail_;
};

}  // namespace tributary::net
