// Completion handlers for co_spawn that never let an exception pass in
// silence (see spawn.hpp).
#include "net/spawn.hpp"

#include <spdlog/spdlog.h>

namespace tributary::net {

std::string describe_exception(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& exception) {
    return exception.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

void LogFailure::operator()(std::exception_ptr error) const {
  if (!error) return;
  spdlog::error("{} failed: {}", what_, describe_exception(error));
}

void FailDaemon::operator()(std::exception_ptr error) const {
  if (!error) return;
  spdlog::critical("{} failed: {}; the daemon stops, as it cannot go on without it (under systemd it is restarted)",
                   what_, describe_exception(error));
  if (fail_) fail_();
}

}  // namespace tributary::net
