// The daemon running with a configuration, for the commands that talk to
// it (`reload`, `add`, `remove`, `poll NAME`): found through the locked pid
// file next to the database the configuration names.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "config/config.hpp"

namespace tributary::app {

struct RunningDaemon {
  std::optional<pid_t> pid;
  std::filesystem::path database;                // as that daemon resolves it
  std::vector<std::filesystem::path> pid_files;  // looked at (for the message when none runs)
};

// A relative database path is looked for under the working directory and,
// run by hand, where tributary.service keeps it (/var/lib/tributary).
RunningDaemon find_running_daemon(const config::Config& config);

}  // namespace tributary::app
