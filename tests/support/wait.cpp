// wait_until: a bounded polling loop.
#include "support/wait.hpp"

#include <thread>

namespace tributary::testing {

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  const auto give_up_at = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() > give_up_at) return false;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace tributary::testing
