// The tributary command line: subcommands, options, dispatch.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "config/config.hpp"
#include "core/version.hpp"

namespace {

std::string default_config_path() {
  if (const char* from_env = std::getenv("TRIBUTARY_CONFIG"); from_env && *from_env) return from_env;
  return "/etc/tributary/tributary.toml";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tributary;
  CLI::App cli{
      "Tributary: a feed aggregation daemon. Polls RSS, Atom and JSON Feed sources, keeps each story once, "
      "and serves the merged feed over HTTP.",
      "tributary"};
  cli.require_subcommand(1);
  cli.fallthrough();
  app::GlobalOptions options;
  options.config_path = default_config_path();
  cli.add_option("--config", options.config_path,
                 "Configuration file (default: $TRIBUTARY_CONFIG or "
                 "/etc/tributary/tributary.toml)");
  cli.add_option("--log-level", options.log_level, "Log level, overriding the config's [log] level")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(config::kLogLevels), std::end(config::kLogLevels))));

  CLI::App* run = cli.add_subcommand("run", "Run the daemon in the foreground: poll sources, serve the merged feed");
  CLI::App* check = cli.add_subcommand("check", "Validate the configuration and list its sources");
  CLI::App* parse = cli.add_subcommand("parse", "Parse one feed document and print its items as JSON");
  std::string parse_file, parse_url, parse_content_type;
  parse->add_option("file", parse_file, "Feed document to read, or - for standard input")->required();
  parse->add_option("--url", parse_url, "The URL the document came from (to resolve relative links)");
  parse->add_option("--content-type", parse_content_type, "The HTTP Content-Type it came with (for its charset)");
  CLI::App* reload = cli.add_subcommand(
      "reload",
      "Ask the daemon running with this configuration to re-read it (SIGHUP; found through the pid file "
      "next to its database)");
  CLI::App* fetch = cli.add_subcommand(
      "fetch",
      "Fetch one URL as the daemon would (its [fetch] settings, the source's headers and credentials) and "
      "print the status, the headers that matter and a parse summary");
  app::FetchOptions fetch_options;
  fetch->add_option("url", fetch_options.url, "The http(s) URL to fetch")->required();
  fetch->add_option("--etag", fetch_options.etag, "Send If-None-Match with this ETag");
  fetch->add_option("--last-modified", fetch_options.last_modified, "Send If-Modified-Since with this date");
  fetch->add_option("--resolve", fetch_options.resolve, "HOST:ADDRESS to use instead of DNS (repeatable)");
  fetch->add_option("--ca-file", fetch_options.ca_file, "A PEM CA bundle to trust besides the system store");
  CLI::App* status = cli.add_subcommand("status",
                                        "Show each source's state, last success, next poll and items, "
                                        "from the store (no running daemon needed)");
  CLI::App* poll = cli.add_subcommand(
      "poll",
      "Poll one source now (the running daemon does, within its host's limits; with none running, this "
      "command), or with --once every source once, storing what is new (for cron)");
  bool is_poll_once = false;
  std::string poll_target;
  CLI::Option* poll_once =
      poll->add_flag("--once", is_poll_once, "Poll each source once and exit (no daemon may be running)");
  poll->add_option("source", poll_target, "The name or URL of the one source to poll now")->excludes(poll_once);
  CLI::App* filter = cli.add_subcommand("filter", "Work with the [[filter]] rules of the configuration");
  CLI::App* filter_test = filter->add_subcommand(
      "test", "Show what the file's filters would hide of the stored items, per filter, without changing anything");
  filter->require_subcommand(1);
  CLI::App* migrate = cli.add_subcommand(
      "migrate",
      "Copy the configured store into an empty database: PostgreSQL (--to postgresql://…) or SQLite (--to FILE)");
  std::string migrate_target;
  migrate->add_option("--to", migrate_target, "The target: a libpq URI, or an SQLite file path")->required();
  CLI::App* version = cli.add_subcommand("version", "Print the version");
  app::AddOptions add_options;
  CLI::App* add = cli.add_subcommand("add",
                                     "Add a source by its feed's or its site's URL (feed autodiscovery) to the "
                                     "configuration file, and reload the running daemon");
  add->add_option("url", add_options.url, "The feed's or the page's http(s) URL")->required();
  add->add_option("--name", add_options.name, "The source's name (default: the feed's title)");
  add->add_option("--tag", add_options.tags, "A tag (repeatable)");
  add->add_option("--interval", add_options.interval, "A fixed poll interval (\"1h\"; default: adaptive)");
  CLI::Option* pick = add->add_option("--pick", add_options.pick, "Of several advertised feeds, add the N-th")
                          ->check(CLI::PositiveNumber);
  add->add_flag("--all", add_options.is_all, "Add every advertised feed")->excludes(pick);
  std::string remove_target;
  CLI::App* remove = cli.add_subcommand("remove", "Remove a source's [[source]] block from the configuration file");
  remove->add_option("source", remove_target, "The source's name or URL")->required();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = cli.exit(error);
    return code == 0 ? app::kExitOk : app::kExitBadConfig;
  }

  if (*version) return app::print_version();
  if (*parse) {
    app::setup_logging(options.log_level.empty() ? "warn" : options.log_level);
    return app::parse_document(parse_file, parse_url, parse_content_type);
  }
  if (*check) return app::check_config(options.config_path);
  if (*fetch) {
    app::setup_logging(options.log_level.empty() ? "warn" : options.log_level);
    fetch_options.is_config_explicit = cli.get_option("--config")->count() > 0 || std::getenv("TRIBUTARY_CONFIG");
    return app::fetch_once(options.config_path, fetch_options);
  }
  if (*reload) return app::reload_daemon(options.config_path);
  if (*status) return app::print_status(options.config_path);
  if (*add || *remove) {
    app::setup_logging(options.log_level.empty() ? "warn" : options.log_level);
    return *add ? app::add_source(options.config_path, add_options)
                : app::remove_source(options.config_path, remove_target);
  }
  if (*filter_test) return app::test_filters(options.config_path);
  if (*migrate) {
    const auto config = app::load_config_or_report(options.config_path);
    if (!config) return app::kExitBadConfig;
    app::setup_logging(options.log_level.empty() ? "warn" : options.log_level, "stderr");
    return app::migrate_store(*config, migrate_target);
  }
  if (*poll) {
    const auto config = app::load_config_or_report(options.config_path);
    if (!config) return app::kExitBadConfig;
    if (!is_poll_once && poll_target.empty()) {
      std::cerr << "tributary poll: name a source (its name or URL), or give --once to poll them all\n";
      return app::kExitBadConfig;
    }
    if (!is_poll_once) {
      // The outcome line is the command's output; the log says only what went wrong.
      app::setup_logging(options.log_level.empty() ? "warn" : options.log_level, "stderr");
      return app::poll_source(*config, options.config_path, poll_target);
    }
    app::setup_logging(options.log_level.empty() ? config->log.level : options.log_level, "stderr");
    return app::poll_once(*config);
  }
  if (*run) {
    std::vector<config::ConfigError> warnings;
    const auto config = app::load_config_or_report(options.config_path, &warnings);
    if (!config) return app::kExitBadConfig;
    app::setup_logging(options.log_level.empty() ? config->log.level : options.log_level, config->log.target);
    app::log_config_warnings(warnings);
    return app::run_daemon(*config, options);
  }
  return app::kExitBadConfig;
}
