// Bounded waiting for tests: a condition polled until it holds or its time
// is up, never an open-ended loop.
#pragma once

#include <chrono>
#include <functional>

namespace tributary::testing {

// Checks `condition` every `interval` until it holds (true) or `timeout`
// has passed (false); checks once more at the end.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(100));

}  // namespace tributary::testing
