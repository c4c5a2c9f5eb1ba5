// Logging setup: spdlog to stderr with timestamps.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/commands.hpp"

namespace tributary::app {

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("tributary");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);  // one line per event; never lose the last ones
  spdlog::set_default_logger(logger);
}

}  // namespace tributary::app
