// The launcher of the integration tests: the real `tributary run` as a
// child process, with a configuration built for the test, and what a test
// needs of it — the port it listens on, its log, bounded waits (until it
// listens, until a log line comes, until every source was polled, until an
// HTTP answer says what the test waits for) and a clean stop with SIGTERM
// and its exit status. The one place that reads the line in which the
// daemon logs the address it serves on.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace tributary::testing {

// The TOML of a daemon's configuration, by section. It starts as
// [server] listen = "127.0.0.1", port = 0 (any free port: the launcher reads
// which from the log) and [storage] database = `database`; every other
// section is written only when a test adds lines to it, so what a test
// leaves out is the shipped default. `lines` are TOML key lines ("a = 1",
// several separated by newlines).
class DaemonConfig {
 public:
  explicit DaemonConfig(std::filesystem::path database);

  // [storage] on PostgreSQL: the database at `url` instead of the SQLite
  // file (which the daemon's pid file is still named after: give each
  // daemon its own STATE_DIRECTORY).
  DaemonConfig& postgresql(const std::string& url);
  DaemonConfig& storage(const std::string& lines);   // further [storage] lines
  DaemonConfig& listen(const std::string& address);  // "::1", …
  DaemonConfig& port(std::uint16_t port);
  DaemonConfig& server(const std::string& lines);  // further [server] lines ("token = …")
  DaemonConfig& fetch(const std::string& lines);
  DaemonConfig& schedule(const std::string& lines);
  DaemonConfig& feed(const std::string& lines);
  DaemonConfig& log(const std::string& lines);
  // One [[channel]] table.
  DaemonConfig& channel(const std::string& lines);
  // One [[source]] table: its url, its name when not empty, and `lines`.
  DaemonConfig& source(const std::string& url, const std::string& name = "", const std::string& lines = "");
  // TOML written as is after the sections above and before the channels
  // and sources; it starts with a table header ("[sources]\nopml = …").
  DaemonConfig& raw(const std::string& toml);

  const std::filesystem::path& database() const { return database_; }
  std::string text() const;

 private:
  DaemonConfig& append(std::string& section, const std::string& lines);

  std::filesystem::path database_;
  std::string postgresql_url_;
  std::string listen_ = "127.0.0.1";
  std::uint16_t port_ = 0;
  std::string server_, storage_, fetch_, schedule_, feed_, log_, raw_, tables_;
};

// `text` as a TOML basic string, quotes included.
std::string toml_string(const std::string& text);

struct DaemonOptions {
  // "NAME=value" entries added to the child's defined environment
  // (child_environment(): nothing of the test runner's but what it lists).
  std::vector<std::string> environment;
  // Words before the binary, e.g. {"/usr/bin/prlimit", "--nofile=128:128", "--"}.
  std::vector<std::string> wrapper;
  // Descriptors the daemon inherits (a socket for socket activation).
  std::vector<int> passed_descriptors;
};

// Which record of a source /sources.json must show.
enum class SourcesPolled {
  at_all,        // a last_poll, whatever its outcome
  successfully,  // a last_success
};

// `tributary --config CONFIG run`, its output (stdout and stderr) in
// `log_file`. The destructor kills a daemon still running (SIGKILL); stop()
// is the clean way out.
class DaemonProcess {
 public:
  DaemonProcess(const std::filesystem::path& config_file, const std::filesystem::path& log_file,
                DaemonOptions options = {});

  // Waits until the daemon logs the address it listens on; then port() and
  // host() say it. False if it did not within `timeout` (or exited).
  bool wait_until_listening(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::uint16_t port() const { return port_; }       // 0 until wait_until_listening() saw it
  const std::string& host() const { return host_; }  // as logged: "127.0.0.1", "::1"
  // "http://127.0.0.1:PORT/" ("http://[::1]:PORT/").
  std::string base_url() const;

  // Waits until the log has `needle`; the rest of its line, or nullopt.
  std::optional<std::string> wait_for_log(const std::string& needle, std::chrono::milliseconds timeout);
  std::string output() const { return process_.output(); }

  // One request to the daemon (its port must be known).
  HttpReply get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Asks for `target` every 200 ms until `is_awaited` holds for the answer
  // or `timeout` passes; the last answer (check it: it may be a late one).
  HttpReply wait_until_http(const std::string& target, const std::function<bool(const HttpReply&)>& is_awaited,
                            std::chrono::milliseconds timeout,
                            const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  HttpReply wait_for_status(const std::string& target, int status, std::chrono::milliseconds timeout) const;
  // Waits until /sources.json lists `count` sources, each polled (`how`).
  bool wait_until_sources_polled(std::size_t count, SourcesPolled how, std::chrono::milliseconds timeout) const;

  // SIGTERM, then waits for the exit: its status, or nullopt if the daemon
  // did not exit within `timeout`.
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void signal(int signal_number) { process_.signal(signal_number); }
  std::optional<int> wait(std::chrono::milliseconds timeout) { return process_.wait(timeout); }
  bool is_running() { return process_.is_running(); }
  pid_t pid() const { return process_.pid(); }

 private:
  ChildProcess process_;
  std::uint16_t port_ = 0;
  std::string host_;
};

}  // namespace tributary::testing
