// Runs a program (the real tributary binary) as a child process for
// integration tests: output captured to a file, bounded waits, and a kill
// in the destructor so no test leaves a daemon behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace tributary::testing {

class ChildProcess {
 public:
  // Starts argv[0] with the arguments; stdout and stderr go to `log_file`.
  // The child's environment is child_environment(`environment`): a defined
  // one (PATH, TZ, LANG=C.UTF-8, a HOME of the test's, the sanitizers'
  // options) with the "NAME=value" entries of `environment` added, never
  // the caller's proxies, NOTIFY_SOCKET, XDG_* and the like. The child gets no open descriptor of
  // the test's but standard input and output, and `passed_descriptors`
  // (e.g. a listening socket for socket activation).
  ChildProcess(std::vector<std::string> argv, std::filesystem::path log_file, std::vector<std::string> environment = {},
               std::vector<int> passed_descriptors = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string output() const;

  // Waits until the output contains `needle`; returns the rest of that
  // line after it, or nullopt on timeout or exit.
  std::optional<std::string> wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);

  void signal(int signal_number);
  // Waits for exit; the exit code, or nullopt if it did not exit in time.
  // A death by signal gives 128 + the signal number.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool is_running();

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_file_;
  std::optional<int> exit_code_;
};

// Runs a command to completion (bounded) in child_environment(); returns
// exit code and output.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_command(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                          const std::string& standard_input = {});

// newsboat, as a reader subscribed to `url` alone, fetches it once
// (`newsboat -x reload`, an empty config, HOME `home`) into its SQLite
// cache, newsboat_cache(home), which the caller reads; bounded to 60 s.
CommandResult newsboat_reload(const TempDir& home, const std::string& url);
std::filesystem::path newsboat_cache(const TempDir& home);

}  // namespace tributary::testing
