// The tributary subcommands. Each returns the process exit code:
// 0 success, 1 runtime failure, 2 invalid configuration or usage.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "store/store.hpp"

namespace tributary::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadConfig = 2;

struct GlobalOptions {
  std::string config_path;
  std::string log_level;  // empty: from the config
};

// Loads the config, printing every error as FILE:LINE:COL: message, and
// every warning after "warning: " — unless `warnings` takes them (`run`
// logs them once its log is set up).
std::optional<config::Config> load_config_or_report(const std::string& path,
                                                    std::vector<config::ConfigError>* warnings = nullptr);
// Logs each warning of a config load (at start and on reload).
void log_config_warnings(const std::vector<config::ConfigError>& warnings);

// `target`: "stderr", "journal" or "auto" (see config::LogConfig).
void setup_logging(const std::string& level, const std::string& target = "stderr");

// `options`: the config path (re-read on SIGHUP) and a --log-level that
// stays pinned across reloads.
int run_daemon(const config::Config& config, const GlobalOptions& options);
// `tributary reload`: SIGHUP to the daemon running with this config.
int reload_daemon(const std::string& config_path);
int check_config(const std::string& config_path);
int parse_document(const std::string& file, const std::string& url, const std::string& content_type);
int print_version();

// `tributary status`: the sources' state from the store.
int print_status(const std::string& config_path);
// `tributary filter test`: what the file's [[filter]] rules would hide of
// the stored items, per filter, without changing anything.
int test_filters(const std::string& config_path);
// `tributary poll --once`.
int poll_once(const config::Config& config);
// `tributary migrate --to TARGET`: the configured store copied into an
// empty PostgreSQL database (a URI) or SQLite file.
int migrate_store(const config::Config& config, const std::string& target);
// `tributary poll NAME|URL`: that source now, by the running daemon or,
// with none running, by the command itself.
int poll_source(const config::Config& config, const std::string& config_path, const std::string& name_or_url);

// `tributary fetch URL`: one fetch with the daemon's fetcher and config;
// prints the status, the headers that matter and a parse summary.
struct FetchOptions {
  std::string url;
  std::string etag;                  // sent as If-None-Match
  std::string last_modified;         // sent as If-Modified-Since
  std::vector<std::string> resolve;  // "HOST:ADDRESS" instead of DNS
  std::string ca_file;               // a CA bundle trusted besides the system store
  bool is_config_explicit = false;   // else a missing config file means defaults
};
int fetch_once(const std::string& config_path, const FetchOptions& options);

// `tributary add URL`: a feed, or a page whose feeds autodiscovery finds,
// appended to the configuration file as a [[source]] block.
struct AddOptions {
  std::string url;
  std::string name;  // empty: the feed's title
  std::vector<std::string> tags;
  std::string interval;  // empty: adaptive
  int pick = 0;          // 1-based, among several advertised feeds; 0: none picked
  bool is_all = false;   // every advertised feed
};
int add_source(const std::string& config_path, const AddOptions& options);
// `tributary remove NAME|URL`: that source's [[source]] block taken out.
int remove_source(const std::string& config_path, const std::string& name_or_url);
// After `add` or `remove` changed the file: SIGHUP to the daemon running
// with `config`, or a note that none runs. False when the signal failed.
bool tell_daemon_to_reload(const config::Config& config, const std::string& config_path);

}  // namespace tributary::app
