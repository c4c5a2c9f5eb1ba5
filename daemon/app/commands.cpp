// check and version, and config loading shared by the subcommands.
#include "app/commands.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "core/core.hpp"
#include "core/version.hpp"

namespace tributary::app {

std::optional<config::Config> load_config_or_report(const std::string& path,
                                                    std::vector<config::ConfigError>* warnings) {
  config::ConfigLoad loaded = config::load_config_file(path);
  for (const config::ConfigError& error : loaded.errors) std::cerr << config::to_string(error) << "\n";
  if (warnings) {
    *warnings = std::move(loaded.warnings);
  } else {
    for (const config::ConfigError& warning : loaded.warnings)
      std::cerr << "warning: " << config::to_string(warning) << "\n";
  }
  return std::move(loaded.config);
}

void log_config_warnings(const std::vector<config::ConfigError>& warnings) {
  for (const config::ConfigError& warning : warnings) spdlog::warn("{}", config::to_string(warning));
}

namespace {

// "every 30m" for a pinned interval; an adaptive one starts from
// [schedule] interval and moves between min_interval and max_interval.
std::string interval_text(const config::SourceSpec& source, const config::ScheduleConfig& schedule) {
  if (source.interval) return "every " + core::format_duration(*source.interval);
  return "adaptive, from " + core::format_duration(schedule.interval);
}

// "sqlite, var/tributary.db" or "postgresql, postgresql://tributary:***@db/news"
// (never the password).
std::string storage_text(const config::StorageConfig& storage) {
  std::string text(config::to_string(storage.backend));
  if (storage.backend == config::StorageBackend::sqlite) return text + ", " + storage.database.string();
  text += ", " + config::redacted_storage_url(storage.url);
  if (!storage.password_file.empty()) text += ", password from " + storage.password_file.string();
  return text;
}

}  // namespace

int check_config(const std::string& config_path) {
  std::vector<config::ConfigError> warnings;
  const auto config = load_config_or_report(config_path, &warnings);
  for (const config::ConfigError& warning : warnings) std::cerr << "warning: " << config::to_string(warning) << "\n";
  if (!config) return kExitBadConfig;
  std::cout << config_path << ": OK, " << config->sources.size() << " source"
            << (config->sources.size() == 1 ? "" : "s");
  if (!warnings.empty()) std::cout << "; " << warnings.size() << " warning" << (warnings.size() == 1 ? "" : "s");
  std::cout << "\n";
  std::size_t name_width = 4;
  for (const config::SourceSpec& source : config->sources) name_width = std::max(name_width, source.name.size());
  for (const config::SourceSpec& source : config->sources) {
    std::string line = "  " + source.name + std::string(name_width - source.name.size() + 2, ' ') +
                       core::redact_url(source.url) + "  " + interval_text(source, config->schedule);
    if (!source.tags.empty()) {
      line += "  tags:";
      for (const std::string& tag : source.tags) line += " " + tag;
    }
    line += "  (" + source.defined_at.file + ":" + std::to_string(source.defined_at.line) + ")";
    std::cout << line << "\n";
  }
  std::cout << "storage: " << storage_text(config->storage) << "\n";
  return kExitOk;
}

int print_version() {
  std::cout << "tributary " << core::kVersion << "\n";
  return kExitOk;
}

}  // namespace tributary::app
