// Environment variables in tests. A test must not depend on what the shell
// that runs it exports (a corporate machine sets http_proxy and no_proxy, a
// service manager NOTIFY_SOCKET, a desktop XDG_*): in-process tests set or
// clear what they read with ScopedEnvironment, and child processes start
// from child_environment() instead of a copy of the caller's.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tributary::testing {

// Sets and clears variables of this process; the destructor restores each
// to what it was before the first change (or unsets it), in reverse order.
class ScopedEnvironment {
 public:
  ScopedEnvironment() = default;
  ~ScopedEnvironment();
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

  ScopedEnvironment& set(const std::string& name, const std::string& value);
  ScopedEnvironment& unset(const std::string& name);
  // Unsets every proxy variable, lower- and upper-case (http_proxy,
  // https_proxy, no_proxy, all_proxy).
  ScopedEnvironment& clear_proxies();

 private:
  void remember(const std::string& name);

  struct Saved {
    std::string name;
    std::optional<std::string> value;
  };
  std::vector<Saved> saved_;
};

// The proxy variables, lower- and upper-case.
const std::vector<std::string>& proxy_variables();

// The environment ("NAME=value" entries) a child process starts from, with
// `overrides` applied (an entry replaces the one of its name):
//   PATH (a default if unset), TMPDIR, the sanitizers' options and TZ from
//   this process — TZ on purpose, so that a run in another time zone
//   (scripts/test uses one) reaches the daemon;
//   LANG=C.UTF-8; HOME=a fresh directory of this test process (see
//   test_home()).
// Nothing else of the caller's: no proxy, NOTIFY_SOCKET, LISTEN_FDS,
// JOURNAL_STREAM, STATE_DIRECTORY, TRIBUTARY_CONFIG or XDG_* variable.
std::vector<std::string> child_environment(const std::vector<std::string>& overrides = {});

// An empty home directory for the children of this test process, created
// on first use and removed when the process exits; tools that write under
// $HOME (newsboat, chromium) never touch the user's.
const std::filesystem::path& test_home();

}  // namespace tributary::testing
