// `tributary reload`: asks the running daemon to re-read its configuration
// (SIGHUP). It finds the daemon through the pid file next to the database
// that the configuration names, so it reaches the daemon that uses that
// configuration and no other.
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

#include "app/commands.hpp"
#include "app/pid_file.hpp"

namespace tributary::app {

int reload_daemon(const std::string& config_path) {
  // The daemon would keep its old configuration anyway; saying so here is
  // quicker than the journal.
  const auto config = load_config_or_report(config_path);
  if (!config) {
    std::cerr << "not reloading: " << config_path << " is invalid (the daemon keeps its current configuration)\n";
    return kExitBadConfig;
  }
  std::vector<std::filesystem::path> databases{resolve_database_path(config->storage.database)};
  // Run by hand, a relative path cannot see the service's $STATE_DIRECTORY:
  // also look where tributary.service keeps it.
  const char* state = std::getenv("STATE_DIRECTORY");
  if (config->storage.database.is_relative() && (state == nullptr || *state == '\0'))
    databases.push_back(std::filesystem::path("/var/lib/tributary") / config->storage.database);

  for (const std::filesystem::path& database : databases) {
    const std::filesystem::path pid_file = pid_file_path(database);
    if (pid_file.empty()) continue;
    const auto pid = running_daemon_pid(pid_file);
    if (!pid) continue;
    if (kill(*pid, SIGHUP) != 0) {
      std::cerr << "cannot signal the tributary daemon (pid " << *pid << "): " << std::strerror(errno) << "\n";
      return kExitFailure;
    }
    std::cout << "asked the tributary daemon (pid " << *pid << ", database " << database.string()
              << ") to reload its configuration; its log says how it went\n";
    return kExitOk;
  }
  std::cerr << "no tributary daemon is running with " << config_path << ": no locked pid file at";
  for (const std::filesystem::path& database : databases) std::cerr << " " << pid_file_path(database).string();
  std::cerr << "\n";
  return kExitFailure;
}

}  // namespace tributary::app
