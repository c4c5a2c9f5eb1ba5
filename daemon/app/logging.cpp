// Logging setup: to the systemd journal (structured fields, see
// journal_sink.hpp) when stderr is connected to it or the config says so,
// else to stderr with timestamps. The daemon logs one line per poll at info
// and details at debug; it logs no line per served request.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "app/commands.hpp"
#include "app/journal_sink.hpp"

namespace tributary::app {

void setup_logging(const std::string& level, const std::string& target) {
  bool use_journal = target == "journal" || (target == "auto" && is_stderr_journal_stream());
  if (use_journal && !is_journal_available()) {
    use_journal = false;
    std::fprintf(stderr, "tributary: the systemd journal is not available here; logging to stderr\n");
  }
  std::shared_ptr<spdlog::logger> logger;
  if (use_journal) {
    logger = std::make_shared<spdlog::logger>("tributary", std::make_shared<JournalSink>());
  } else {
    logger = spdlog::stderr_color_mt("tributary");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);  // one line per event; never lose the last ones
  spdlog::set_default_logger(logger);
}

}  // namespace tributary::app
