// The tributary subcommands. Each returns the process exit code:
// 0 success, 1 runtime failure, 2 invalid configuration or usage.
#pragma once

#include <string>

#include "config/config.hpp"

namespace tributary::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadConfig = 2;

struct GlobalOptions {
  std::string config_path;
  std::string log_level;  // empty: from the config
};

// Loads the config, printing every error as FILE:LINE:COL: message.
std::optional<config::Config> load_config_or_report(const std::string& path);

void setup_logging(const std::string& level);

int run_daemon(const config::Config& config);
int check_config(const std::string& config_path);
int parse_document(const std::string& file, const std::string& url, const std::string& content_type);
int print_version();

}  // namespace tributary::app
