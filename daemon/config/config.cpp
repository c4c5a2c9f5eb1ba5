// TOML → Config: the table of top-level tables and their readers for the
// service settings ([server], [fetch], [schedule], [feed], [log]);
// storage.cpp reads [storage], sources.cpp the sources and channels,
// websub.cpp [websub] and [[push]]. Each reader asks a
// TableReader for its keys, so the keys it asks for are the valid ones.
#include "config/config.hpp"

#include <algorithm>

#include "config/sections.hpp"
#include "core/core.hpp"
#include "core/file.hpp"
#include "core/network.hpp"

namespace tributary::config {
namespace {

std::string proxy_problem(std::string_view text) {
  const auto check = core::check_http_url(text);
  if (!check.url || !core::starts_with_ignore_case(core::trim(text), "http://"))
    return "expected an http:// proxy URL such as \"http://proxy.example:3128\" (it tunnels https with CONNECT)";
  return {};
}

// An IPv4 or IPv6 address with an optional /prefix, as the fetcher reads it.
std::string network_problem(std::string_view text) {
  if (!core::parse_ip_bytes(text.substr(0, text.find('/'))))
    return in_quotes(text) + " is not an IP address or network such as \"10.1.0.0/16\"";
  if (!core::parse_network(text)) return "invalid prefix length in " + in_quotes(text);
  return {};
}

void read_server(TableReader& reader, const toml::table&, ReadContext& context) {
  ServerConfig& server = context.config.server;
  if (auto listen = reader.string("listen")) {
    if (core::trim(*listen).empty()) context.errors.add(reader.source_of("listen"), "server.listen must not be empty");
    server.listen_address = std::string(core::trim(*listen));
  }
  if (auto port = reader.integer("port", 0, 65535)) server.port = static_cast<std::uint16_t>(*port);
  if (auto base_url = reader.string("base_url")) {
    const auto check = core::check_http_url(*base_url);
    if (!check.url)
      context.errors.add(reader.source_of("base_url"), "server.base_url: " + check.error);
    else
      server.base_url = *check.url;
  }
  if (auto token = reader.checked_string("token", [](const std::string& value) -> std::string {
        if (value.size() < 16) return "must be at least 16 characters (it guards the feeds)";
        if (value.find(':') != std::string::npos || value.find(' ') != std::string::npos)
          return "must not contain spaces, ':' or control characters";
        return {};
      }))
    server.token = *token;
  if (auto count = reader.integer("max_connections", 1, 1'000'000))
    server.max_connections = static_cast<std::uint32_t>(*count);
  if (auto timeout = reader.duration("idle_timeout", kTimeoutRange)) server.idle_timeout = *timeout;
  if (auto timeout = reader.duration("header_timeout", kTimeoutRange)) server.header_timeout = *timeout;
}

void read_fetch(TableReader& reader, const toml::table&, ReadContext& context) {
  FetchConfig& fetch = context.config.fetch;
  if (auto user_agent = reader.string("user_agent")) fetch.user_agent = *user_agent;
  if (auto timeout = reader.duration("timeout", kTimeoutRange)) fetch.timeout = *timeout;
  if (auto max_body = reader.size("max_body_size", kBodySizeRange)) fetch.max_body_bytes = *max_body;
  if (auto connect_timeout = reader.duration("connect_timeout", kTimeoutRange))
    fetch.connect_timeout = *connect_timeout;
  if (auto from = reader.checked_string("from", [](const std::string& value) -> std::string {
        return value.find('@') == std::string::npos ? "expected an e-mail address (RFC 9110 §10.1.2)" : "";
      }))
    fetch.from = *from;
  if (auto proxy = reader.checked_string("proxy", proxy_problem)) fetch.proxy = std::string(core::trim(*proxy));
  if (auto proxy = reader.checked_string("https_proxy", proxy_problem))
    fetch.https_proxy = std::string(core::trim(*proxy));
  if (auto no_proxy = reader.string_array("no_proxy")) fetch.no_proxy = std::move(*no_proxy);
  if (auto cap = reader.integer("max_connections_per_host", 1, 64))
    fetch.max_connections_per_host = static_cast<std::uint32_t>(*cap);
  if (auto cap = reader.integer("max_connections", 1, 10000)) fetch.max_connections = static_cast<std::uint32_t>(*cap);
  if (auto block = reader.boolean("block_private_addresses")) fetch.block_private_addresses = *block;
  if (auto trusted = reader.boolean("proxy_blocks_private_addresses")) fetch.proxy_blocks_private_addresses = *trusted;
  if (auto networks = reader.checked_string_array("allowed_networks", network_problem))
    fetch.allowed_networks = std::move(*networks);
  const std::string& config_file = context.errors.file();
  if (auto ca_file = reader.checked_string("ca_file", [&config_file](const std::string& value) -> std::string {
        const std::filesystem::path path = beside_config(config_file, value);
        const core::FileRead read = core::read_file_limited(path, kMaxCaFileBytes);
        return read.bytes ? "" : "cannot read " + in_quotes(path.string()) + ": " + read.error;
      }))
    fetch.ca_file = beside_config(config_file, *ca_file).string();
}

// Adaptive intervals live between min_interval and max_interval: the two
// must leave room for them.
void check_interval_bounds(TableReader& reader, ReadContext& context) {
  const ScheduleConfig& schedule = context.config.schedule;
  if (schedule.min_interval <= schedule.max_interval) return;
  const auto shown = [&](std::string_view key, Seconds value) {
    return "schedule." + std::string(key) + " (" + core::format_duration(value) +
           (reader.contains(key) ? "" : ", the default") + ")";
  };
  const bool is_min_written = reader.contains("min_interval");
  context.errors.add(
      reader.source_of(is_min_written ? "min_interval" : "max_interval"),
      is_min_written
          ? shown("min_interval", schedule.min_interval) + " is above " + shown("max_interval", schedule.max_interval)
          : shown("max_interval", schedule.max_interval) + " is below " + shown("min_interval", schedule.min_interval));
}

void read_schedule(TableReader& reader, const toml::table&, ReadContext& context) {
  ScheduleConfig& schedule = context.config.schedule;
  if (auto interval = reader.duration("interval", kIntervalRange)) schedule.interval = *interval;
  const auto min_interval = reader.duration("min_interval", kIntervalRange);
  const auto max_interval = reader.duration("max_interval", kIntervalRange);
  if (min_interval) schedule.min_interval = *min_interval;
  if (max_interval) schedule.max_interval = *max_interval;
  // A bound that is itself wrong is reported once, as what it is.
  const bool are_bounds_valid =
      (min_interval || !reader.contains("min_interval")) && (max_interval || !reader.contains("max_interval"));
  if (are_bounds_valid) check_interval_bounds(reader, context);
  if (auto count = reader.integer("max_concurrent", 1, 10000))
    schedule.max_concurrent = static_cast<std::uint32_t>(*count);
  if (auto count = reader.integer("per_host", 1, 1000)) schedule.per_host = static_cast<std::uint32_t>(*count);
  if (auto delay = reader.duration("host_delay", kDelayRange)) schedule.host_delay = *delay;
}

void read_feed(TableReader& reader, const toml::table& table, ReadContext& context) {
  FeedConfig& feed = context.config.feed;
  read_podcast_settings(reader, table, context, feed.podcast);
  if (auto title = reader.string("title")) feed.title = *title;
  if (auto subtitle = reader.string("subtitle")) feed.subtitle = *subtitle;
  if (auto id = reader.checked_string("id", [](const std::string& value) -> std::string {
        return core::is_absolute_uri(value)
                   ? ""
                   : in_quotes(core::redact_url(value)) + " is not an absolute URI (e.g. \"urn:uuid:…\" or a URL)";
      }))
    feed.id = *id;
  if (auto entries = reader.integer("entries", 1, 10000)) feed.entries = static_cast<std::uint32_t>(*entries);
  if (auto dedup = reader.one_of<DedupMode>(
          "dedup", {{"off", DedupMode::off}, {"url", DedupMode::url}, {"story", DedupMode::story}}))
    feed.dedup = *dedup;
  if (auto attribution = reader.one_of<Attribution>(
          "attribution", {{"author", Attribution::author}, {"title", Attribution::title}, {"none", Attribution::none}}))
    feed.attribution = *attribution;
  if (auto distance = reader.integer("story_distance", 0, 3)) {
    // Kept readable so that older configs load; story dedup compares texts
    // since schema 6 (issue 23) and no longer counts fingerprint bits.
    feed.story_distance = static_cast<int>(*distance);
    context.errors.warn(context.errors.location(reader.source_of("story_distance")),
                        "feed.story_distance no longer has an effect (story dedup compares the texts of copies); "
                        "remove it");
  }
  if (auto window = reader.duration("story_window", kStoryWindowRange)) feed.story_window = *window;
}

void read_log(TableReader& reader, const toml::table&, ReadContext& context) {
  LogConfig& log = context.config.log;
  if (auto level = reader.string("level")) {
    const bool is_known = std::find(std::begin(kLogLevels), std::end(kLogLevels), *level) != std::end(kLogLevels);
    if (!is_known)
      context.errors.add(
          reader.source_of("level"),
          "log.level " + in_quotes(*level) + " is not one of trace, debug, info, warn, error, critical, off");
    else
      log.level = *level;
  }
  if (auto target = reader.string("target")) {
    if (*target != "auto" && *target != "journal" && *target != "stderr")
      context.errors.add(reader.source_of("target"),
                         "log.target " + in_quotes(*target) + " is not one of auto, journal, stderr");
    else
      log.target = *target;
  }
}

// Every top-level table, in the order they are read: [[channel]] after
// [[source]], whose names it refers to.
constexpr Section kSections[] = {
    {"server", false, read_server},
    {"storage", false, read_storage},
    {"fetch", false, read_fetch},
    {"schedule", false, read_schedule},
    {"sources", false, read_sources_table},
    {"feed", false, read_feed},
    {"log", false, read_log},
    {"source", true, read_source},
    {"channel", true, read_channel},
    {"websub", false, read_websub},
    {"push", true, read_push},
    {"filter", true, read_filter},
};

// The keys of every table, learnt by running each reader over an empty one.
const KeyCatalog& key_catalog() {
  static const KeyCatalog catalog = [] {
    KeyCatalog result;
    const toml::table empty;
    for (const Section& section : kSections) {
      Config scratch_config;
      ErrorSink scratch_errors("");
      ReadContext scratch{scratch_config, scratch_errors, {}};
      TableReader reader(empty, std::string(section.name), scratch_errors);
      section.read(reader, empty, scratch);
      result.keys[std::string(section.name)] = reader.known_keys();
      result.keys[""].insert(std::string(section.name));
      if (section.is_array_of_tables) result.arrays_of_tables.insert(std::string(section.name));
    }
    return result;
  }();
  return catalog;
}

// `[source]` for `[[source]]`, `[[sources]]` for `[sources]`: the message
// says how the table is written, and which one was likely meant.
void report_wrong_table_kind(const Section& section, const toml::node& node, ErrorSink& errors) {
  const std::string name(section.name);
  if (section.is_array_of_tables) {
    errors.add(node.source(),
               "[" + name + "] must be written [[" + name + "]] (an array of tables, one per " + name + ")");
    return;
  }
  std::string message = "[[" + name + "]] must be written [" + name + "] (one table)";
  std::set<std::string> arrays(key_catalog().arrays_of_tables.begin(), key_catalog().arrays_of_tables.end());
  if (const auto match = closest_key(name, arrays)) message += "; did you mean [[" + match->first + "]]?";
  errors.add(node.source(), std::move(message));
}

void read_section(TableReader& root, const Section& section, ReadContext& context) {
  const toml::node* node = root.node(section.name);
  if (!node) return;
  const bool is_some_table = node->is_table() || node->is_array_of_tables();
  if (is_some_table && node->is_array_of_tables() != section.is_array_of_tables) {
    report_wrong_table_kind(section, *node, context.errors);
    return;
  }
  const auto read_one = [&](const toml::table& table) {
    TableReader reader(table, std::string(section.name), context.errors);
    section.read(reader, table, context);
    reader.reject_unknown_keys(key_catalog());
  };
  if (section.is_array_of_tables) {
    if (const toml::array* tables = root.array_of_tables(section.name))
      for (const toml::node& table : *tables) read_one(*table.as_table());
  } else if (const toml::table* table = root.table(section.name)) {
    read_one(*table);
  }
}

// A message is one line of text: a control character in it (from a key the
// file spells with \u escapes, or a file name) is written as \u001B.
ConfigError one_line(ConfigError error) {
  error.where.file = escape_control_characters(error.where.file);
  error.message = escape_control_characters(error.message);
  return error;
}

}  // namespace

ConfigError config_error(std::string file, std::uint32_t line, std::uint32_t column, std::string message) {
  ConfigError error;
  error.where.file = std::move(file);
  error.where.line = line;
  error.where.column = column;
  error.message = std::move(message);
  return error;
}

std::string to_string(const ConfigError& error) {
  const ConfigError safe = one_line(error);
  return safe.where.file + ":" + std::to_string(safe.where.line) + ":" + std::to_string(safe.where.column) + ": " +
         safe.message;
}

ConfigLoad parse_config(std::string_view toml_text, const std::string& file_label) {
  ErrorSink errors(file_label);
  toml::table root_table;
  try {
    root_table = toml::parse(toml_text, file_label);
  } catch (const toml::parse_error& error) {
    errors.add(error.source(), "TOML syntax error: " + std::string(error.description()));
    return {std::nullopt, errors.take()};
  }

  Config config;
  config.path = file_label;
  ReadContext context{config, errors, {}};
  TableReader root(root_table, "", errors);
  for (const Section& section : kSections) read_section(root, section, context);
  root.reject_unknown_keys(key_catalog());
  reject_duplicate_sources(config, errors);
  if (errors.empty()) merge_opml_sources(config, errors);
  if (errors.empty()) resolve_channel_sources(config, errors);
  if (errors.empty()) resolve_filter_sources(config, errors);
  if (errors.empty()) warn_incomplete_podcasts(config, errors);

  std::vector<ConfigError> warnings = errors.take_warnings();
  if (!errors.empty()) return {std::nullopt, errors.take(), std::move(warnings)};
  return {std::move(config), {}, std::move(warnings)};
}

ConfigLoad load_config_file(const std::filesystem::path& path) {
  const core::FileRead read = core::read_file_limited(path, kMaxConfigFileBytes);
  if (!read.bytes) {
    ConfigLoad failed;
    failed.errors.push_back(config_error(path.string(), 1, 1, "cannot read config file: " + read.error));
    return failed;
  }
  return parse_config(*read.bytes, path.string());
}

}  // namespace tributary::config
