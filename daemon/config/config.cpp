// TOML → Config. A TableReader reads each table's keys with their types and
// remembers which keys it was asked for, so that every other key is reported
// as unknown with a suggestion from the keys that exist — the list of valid
// keys is written once, in the reading code itself.
#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "core/core.hpp"

namespace tributary::config {
namespace {

class ErrorSink {
 public:
  explicit ErrorSink(std::string file) : file_(std::move(file)) {}

  void add(const toml::source_region& where, std::string message) {
    errors_.push_back({{file_, where.begin.line, where.begin.column}, std::move(message)});
  }
  void add(const Location& where, std::string message) {
    errors_.push_back({where, std::move(message)});
  }
  Location location(const toml::source_region& where) const {
    return {file_, where.begin.line, where.begin.column};
  }
  std::vector<ConfigError> take() { return std::move(errors_); }
  bool empty() const { return errors_.empty(); }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "nothing";
  }
}

class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, ErrorSink& errors)
      : table_(table), path_(std::move(path)), errors_(errors) {}

  std::optional<std::string> string(std::string_view key) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_string()) return wrong_type(*node, key, "a string");
    return node->as_string()->get();
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_integer()) return wrong_type(*node, key, "an integer");
    const std::int64_t value = node->as_integer()->get();
    if (value < min || value > max) {
      errors_.add(node->source(), qualified(key) + " must be between " + std::to_string(min) + " and " +
                                      std::to_string(max) + ", not " + std::to_string(value));
      return std::nullopt;
    }
    return value;
  }

  // A positive duration written as a string: "90s", "15m", "2h".
  std::optional<Seconds> duration(std::string_view key) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (node->is_integer() && node->as_integer()->get() <= 0) {
      errors_.add(node->source(), qualified(key) + " must be a positive duration, not " +
                                      std::to_string(node->as_integer()->get()));
      return std::nullopt;
    }
    if (!node->is_string()) return wrong_type(*node, key, "a duration string such as \"15m\"");
    const auto parsed = core::parse_duration(node->as_string()->get());
    if (!parsed.value) {
      errors_.add(node->source(), qualified(key) + ": " + parsed.error);
      return std::nullopt;
    }
    if (parsed.value->count() <= 0) {
      errors_.add(node->source(), qualified(key) + " must be a positive duration, not " +
                                      in_quotes(node->as_string()->get()));
      return std::nullopt;
    }
    return parsed.value;
  }

  // A size written as a string: "10MiB", or an integer count of bytes.
  std::optional<std::uint64_t> size(std::string_view key) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (node->is_integer()) {
      if (node->as_integer()->get() <= 0) {
        errors_.add(node->source(), qualified(key) + " must be a positive size");
        return std::nullopt;
      }
      return static_cast<std::uint64_t>(node->as_integer()->get());
    }
    if (!node->is_string()) return wrong_type(*node, key, "a size string such as \"10MiB\"");
    const auto parsed = core::parse_size(node->as_string()->get());
    if (!parsed.bytes) {
      errors_.add(node->source(), qualified(key) + ": " + parsed.error);
      return std::nullopt;
    }
    if (*parsed.bytes == 0) {
      errors_.add(node->source(), qualified(key) + " must be a positive size");
      return std::nullopt;
    }
    return parsed.bytes;
  }

  std::optional<std::vector<std::string>> string_array(std::string_view key) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_array()) return wrong_type(*node, key, "an array of strings");
    std::vector<std::string> values;
    for (const toml::node& element : *node->as_array()) {
      if (!element.is_string()) {
        errors_.add(element.source(),
                    "wrong type in " + qualified(key) + ": expected a string, found " + type_name(element));
        return std::nullopt;
      }
      values.push_back(element.as_string()->get());
    }
    return values;
  }

  const toml::table* table(std::string_view key) {
    const toml::node* node = find(key);
    if (!node) return nullptr;
    if (!node->is_table()) {
      wrong_type(*node, key, "a table");
      return nullptr;
    }
    return node->as_table();
  }

  const toml::array* array_of_tables(std::string_view key) {
    const toml::node* node = find(key);
    if (!node) return nullptr;
    if (!node->is_array_of_tables()) {
      wrong_type(*node, key, "an array of tables ([[" + std::string(key) + "]])");
      return nullptr;
    }
    return node->as_array();
  }

  // Reports every key that nobody asked for.
  void reject_unknown_keys() {
    for (const auto& [key, node] : table_) {
      if (known_.contains(std::string(key.str()))) continue;
      std::string message = "unknown key " + in_quotes(key.str());
      if (!path_.empty()) message += " in [" + path_ + "]";
      if (const auto suggestion = closest_known(key.str())) message += " (did you mean " + in_quotes(*suggestion) + "?)";
      errors_.add(key.source(), std::move(message));
    }
  }

  std::string qualified(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

 private:
  const toml::node* find(std::string_view key) {
    known_.insert(std::string(key));
    return table_.get(key);
  }

  std::nullopt_t wrong_type(const toml::node& node, std::string_view key, std::string_view expected) {
    errors_.add(node.source(), "wrong type for " + qualified(key) + ": expected " + std::string(expected) +
                                   ", found " + type_name(node));
    return std::nullopt;
  }

  std::optional<std::string> closest_known(std::string_view key) const {
    std::optional<std::string> best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const std::string& candidate : known_) {
      const std::size_t distance = core::edit_distance(key, candidate);
      if (distance < best_distance) {
        best_distance = distance;
        best = candidate;
      }
    }
    // Suggest only what looks like a typo, not any key at all.
    const std::size_t allowed = std::max<std::size_t>(1, std::min<std::size_t>(3, key.size() / 3));
    if (best_distance > allowed) return std::nullopt;
    return best;
  }

  const toml::table& table_;
  std::string path_;
  ErrorSink& errors_;
  std::set<std::string> known_;
};

template <typename Section, typename ReadFn>
void read_section(TableReader& root, std::string_view name, ErrorSink& errors, Section& section, ReadFn read) {
  if (const toml::table* table = root.table(name)) {
    TableReader reader(*table, std::string(name), errors);
    read(reader, section);
    reader.reject_unknown_keys();
  }
}

void read_server(TableReader& reader, ServerConfig& server, ErrorSink& errors, const toml::table& table) {
  if (auto listen = reader.string("listen")) {
    if (core::trim(*listen).empty()) errors.add(table["listen"].node()->source(), "server.listen must not be empty");
    server.listen_address = std::string(core::trim(*listen));
  }
  if (auto port = reader.integer("port", 0, 65535)) server.port = static_cast<std::uint16_t>(*port);
  if (auto base_url = reader.string("base_url")) {
    const auto check = core::check_http_url(*base_url);
    if (!check.url) errors.add(table["base_url"].node()->source(), "server.base_url: " + check.error);
    else server.base_url = *check.url;
  }
}

void read_source(const toml::table& table, ErrorSink& errors, std::vector<SourceSpec>& sources) {
  TableReader reader(table, "source", errors);
  SourceSpec source;
  source.defined_at = errors.location(table.source());
  const auto url = reader.string("url");
  if (!url) {
    if (!table.contains("url")) errors.add(table.source(), "[[source]] has no url");
  } else {
    const auto check = core::check_http_url(*url);
    if (!check.url) errors.add(table["url"].node()->source(), "source.url: " + check.error);
    else {
      source.url = *check.url;
      source.defined_at = errors.location(table["url"].node()->source());
    }
  }
  if (auto name = reader.string("name")) source.name = std::string(core::trim(*name));
  if (auto tags = reader.string_array("tags")) source.tags = std::move(*tags);
  source.interval = reader.duration("interval");
  reader.reject_unknown_keys();
  if (source.url.empty()) return;
  if (source.name.empty()) source.name = core::url_host(source.url);
  sources.push_back(std::move(source));
}

void reject_duplicate_sources(const std::vector<SourceSpec>& sources, ErrorSink& errors) {
  std::vector<std::pair<std::string, const SourceSpec*>> seen;
  for (const SourceSpec& source : sources) {
    const std::string canonical = core::canonical_url(source.url);
    bool is_duplicate = false;
    for (const auto& [other_url, other] : seen) {
      if (other_url != canonical) continue;
      errors.add(source.defined_at, "duplicate source URL " + in_quotes(source.url) + " (first defined at line " +
                                        std::to_string(other->defined_at.line) + ")");
      is_duplicate = true;
      break;
    }
    if (!is_duplicate) seen.emplace_back(canonical, &source);
  }
}

}  // namespace

std::string to_string(const ConfigError& error) {
  return error.where.file + ":" + std::to_string(error.where.line) + ":" + std::to_string(error.where.column) +
         ": " + error.message;
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
  TableReader root(root_table, "", errors);

  if (const toml::table* table = root.table("server")) {
    TableReader reader(*table, "server", errors);
    read_server(reader, config.server, errors, *table);
    reader.reject_unknown_keys();
  }
  read_section(root, "storage", errors, config.storage, [](TableReader& reader, StorageConfig& storage) {
    if (auto database = reader.string("database")) storage.database = *database;
  });
  read_section(root, "fetch", errors, config.fetch, [](TableReader& reader, FetchConfig& fetch) {
    if (auto user_agent = reader.string("user_agent")) fetch.user_agent = *user_agent;
    if (auto timeout = reader.duration("timeout")) fetch.timeout = *timeout;
    if (auto max_body = reader.size("max_body_size")) fetch.max_body_bytes = *max_body;
  });
  read_section(root, "schedule", errors, config.schedule, [](TableReader& reader, ScheduleConfig& schedule) {
    if (auto interval = reader.duration("interval")) schedule.interval = *interval;
  });
  read_section(root, "feed", errors, config.feed, [](TableReader& reader, FeedConfig& feed) {
    if (auto title = reader.string("title")) feed.title = *title;
    if (auto id = reader.string("id")) feed.id = *id;
    if (auto entries = reader.integer("entries", 1, 10000)) feed.entries = static_cast<std::uint32_t>(*entries);
  });
  if (const toml::table* table = root.table("log")) {
    TableReader reader(*table, "log", errors);
    if (auto level = reader.string("level")) {
      const bool is_known = std::find(std::begin(kLogLevels), std::end(kLogLevels), *level) != std::end(kLogLevels);
      if (!is_known)
        errors.add((*table)["level"].node()->source(),
                   "log.level " + in_quotes(*level) + " is not one of trace, debug, info, warn, error, critical, off");
      else config.log.level = *level;
    }
    reader.reject_unknown_keys();
  }
  if (const toml::array* sources = root.array_of_tables("source")) {
    for (const toml::node& node : *sources) read_source(*node.as_table(), errors, config.sources);
  }
  root.reject_unknown_keys();
  reject_duplicate_sources(config.sources, errors);

  if (!config.feed.id.empty() && !core::is_absolute_uri(config.feed.id)) {
    errors.add(root_table["feed"]["id"].node()->source(),
               "feed.id " + in_quotes(config.feed.id) + " is not an absolute URI (e.g. \"urn:uuid:…\" or a URL)");
  }

  if (!errors.empty()) return {std::nullopt, errors.take()};
  return {std::move(config), {}};
}

ConfigLoad load_config_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const std::string reason = std::error_code(errno, std::generic_category()).message();
    return {std::nullopt, {{{path.string(), 1, 1}, "cannot read config file: " + reason}}};
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    return {std::nullopt, {{{path.string(), 1, 1}, "cannot read config file"}}};
  }
  return parse_config(text.str(), path.string());
}

}  // namespace tributary::config
