// check and version, and config loading shared by the subcommands.
#include <iostream>

#include "app/commands.hpp"
#include "core/core.hpp"
#include "core/version.hpp"

namespace tributary::app {

std::optional<config::Config> load_config_or_report(const std::string& path) {
  config::ConfigLoad loaded = config::load_config_file(path);
  for (const config::ConfigError& error : loaded.errors) std::cerr << config::to_string(error) << "\n";
  for (const config::ConfigError& warning : loaded.warnings) std::cerr << "warning: " << config::to_string(warning) << "\n";
  return std::move(loaded.config);
}

int check_config(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return kExitBadConfig;
  std::cout << config_path << ": OK, " << config->sources.size() << " source"
            << (config->sources.size() == 1 ? "" : "s") << "\n";
  std::size_t name_width = 4;
  for (const config::SourceSpec& source : config->sources) name_width = std::max(name_width, source.name.size());
  for (const config::SourceSpec& source : config->sources) {
    std::string line = "  " + source.name + std::string(name_width - source.name.size() + 2, ' ') +
                       core::redact_url(source.url) + "  every " +
                       core::format_duration(source.interval.value_or(config->schedule.interval));
    if (!source.tags.empty()) {
      line += "  tags:";
      for (const std::string& tag : source.tags) line += " " + tag;
    }
    line += "  (" + source.defined_at.file + ":" + std::to_string(source.defined_at.line) + ")";
    std::cout << line << "\n";
  }
  return kExitOk;
}

int print_version() {
  std::cout << "tributary " << core::kVersion << "\n";
  return kExitOk;
}

}  // namespace tributary::app
