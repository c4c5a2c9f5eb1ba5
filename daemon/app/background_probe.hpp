// /healthz must answer at once, also while the database does not: a
// PostgreSQL server that stopped answering holds a query until the TCP
// timeout (30 s), and a reconnection up to connect_timeout (5 s) — too long
// for the I/O thread, which serves every reader. This runs such a probe
// on a thread of its own and answers with its last verdict; a probe that
// has been running for longer than `slow_after` is itself the verdict.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace tributary::app {

class BackgroundProbe {
 public:
  using Clock = std::chrono::steady_clock;
  // `probe`: empty when healthy, else why not; it runs on the probe's own
  // thread only. `slow` names what does not answer, for the verdict of a
  // probe that takes too long ("the PostgreSQL server").
  BackgroundProbe(std::function<std::string()> probe, std::string slow, Clock::duration slow_after);
  // Waits for a probe in flight to end.
  ~BackgroundProbe();
  BackgroundProbe(const BackgroundProbe&) = delete;
  BackgroundProbe& operator=(const BackgroundProbe&) = delete;

  // The last verdict (healthy before the first ends), and a new probe
  // started unless one runs. Any thread.
  std::string ask();

 private:
  void run(std::stop_token stop);

  std::function<std::string()> probe_;
  std::string slow_;
  Clock::duration slow_after_;
  std::mutex mutex_;
  std::condition_variable_any wanted_;
  bool is_wanted_ = false;
  std::optional<Clock::time_point> running_since_;
  std::string verdict_;
  std::jthread thread_;  // last: it starts once everything above is made
};

}  // namespace tributary::app
