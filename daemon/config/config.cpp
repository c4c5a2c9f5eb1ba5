// TOML → Config. A TableReader reads each table's keys with their types and
// remembers which keys it was asked for, so that every other key is reported
// as unknown with a suggestion from the keys that exist — the list of valid
// keys is written once, in the reading code itself.
#include "config/config.hpp"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "config/opml.hpp"
#include "core/core.hpp"

namespace tributary::config {
namespace {

class ErrorSink {
 public:
  explicit ErrorSink(std::string file) : file_(std::move(file)) {}

  void add(const toml::source_region& where, std::string message) {
    errors_.push_back(config_error(file_, where.begin.line, where.begin.column, std::move(message)));
  }
  void add(const Location& where, std::string message) {
    errors_.push_back({where, std::move(message)});
  }
  Location location(const toml::source_region& where) const {
    return {file_, where.begin.line, where.begin.column};
  }
  void warn(const Location& where, std::string message) { warnings_.push_back({where, std::move(message)}); }
  std::vector<ConfigError> take() { return std::move(errors_); }
  std::vector<ConfigError> take_warnings() { return std::move(warnings_); }
  bool empty() const { return errors_.empty(); }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
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

  // A duration that may be zero ("0s" turns a delay off).
  std::optional<Seconds> duration_or_zero(std::string_view key) {
    const toml::node* node = find(key);
    if (node && node->is_string() && core::parse_duration(node->as_string()->get()).value == Seconds{0}) return Seconds{0};
    return duration(key);
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

  std::optional<bool> boolean(std::string_view key) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_boolean()) return wrong_type(*node, key, "true or false");
    return node->as_boolean()->get();
  }

  // A string, or an array of strings, that `check` accepts: it returns why
  // not, or an empty string. Each mistake is reported where it is written.
  template <typename Check>
  std::optional<std::string> checked_string(std::string_view key, Check check) {
    auto value = string(key);
    if (!value) return std::nullopt;
    if (std::string why = check(*value); !why.empty()) {
      errors_.add(table_.get(key)->source(), qualified(key) + ": " + why);
      return std::nullopt;
    }
    return value;
  }
  template <typename Check>
  std::optional<std::vector<std::string>> checked_string_array(std::string_view key, Check check) {
    auto values = string_array(key);
    if (!values) return std::nullopt;
    bool is_valid = true;
    const toml::array& array = *table_.get(key)->as_array();
    for (std::size_t i = 0; i < values->size(); ++i) {
      if (std::string why = check((*values)[i]); !why.empty()) {
        errors_.add(array[i].source(), qualified(key) + ": " + why);
        is_valid = false;
      }
    }
    if (!is_valid) return std::nullopt;
    return values;
  }

  // An inline table of strings, `{ "X-Key" = "v" }`, in its written order;
  // `check(name, value)` says why a pair is refused.
  template <typename Check>
  std::optional<std::vector<std::pair<std::string, std::string>>> string_table(std::string_view key, Check check) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_table()) return wrong_type(*node, key, "a table of strings such as { \"X-Key\" = \"value\" }");
    std::vector<std::pair<std::string, std::string>> pairs;
    bool is_valid = true;
    for (const auto& [name, value] : *node->as_table()) {
      if (!value.is_string()) {
        errors_.add(value.source(), "wrong type for " + qualified(key) + "." + std::string(name.str()) +
                                        ": expected a string, found " + type_name(value));
        is_valid = false;
        continue;
      }
      if (std::string why = check(name.str(), value.as_string()->get()); !why.empty()) {
        errors_.add(name.source(), qualified(key) + ": " + why);
        is_valid = false;
        continue;
      }
      pairs.emplace_back(std::string(name.str()), value.as_string()->get());
    }
    if (!is_valid) return std::nullopt;
    // toml++ keeps tables sorted; the order of headers does not matter.
    return pairs;
  }

  // A string key with a fixed set of values: `choices` in the order the
  // messages list them.
  template <typename Value>
  std::optional<Value> one_of(std::string_view key,
                              std::initializer_list<std::pair<std::string_view, Value>> choices) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    std::string listed;
    for (std::size_t i = 0; const auto& [name, value] : choices) {
      listed += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + in_quotes(std::string(name));
      ++i;
    }
    if (!node->is_string()) return wrong_type(*node, key, "one of " + listed);
    const std::string& text = node->as_string()->get();
    for (const auto& [name, value] : choices)
      if (text == name) return value;
    errors_.add(node->source(), qualified(key) + " must be " + listed + ", not " + in_quotes(text));
    return std::nullopt;
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

bool has_control_characters(std::string_view text);

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
  if (auto token = reader.checked_string("token", [](const std::string& value) -> std::string {
        if (value.size() < 16) return "must be at least 16 characters (it guards the feeds)";
        if (value.find(':') != std::string::npos || has_control_characters(value) ||
            value.find(' ') != std::string::npos)
          return "must not contain spaces, ':' or control characters";
        return {};
      }))
    server.token = *token;
  if (auto count = reader.integer("max_connections", 1, 1'000'000)) server.max_connections = static_cast<std::uint32_t>(*count);
  if (auto timeout = reader.duration("idle_timeout")) server.idle_timeout = *timeout;
  if (auto timeout = reader.duration("header_timeout")) server.header_timeout = *timeout;
}

// ---- [fetch] and [[source]] request options ----

bool has_control_characters(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; });
}

// RFC 9110 §5.1: a field name is a token.
std::string header_problem(std::string_view name, std::string_view value) {
  static constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  const bool is_token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kTokenPunctuation.find(c) != std::string_view::npos;
  });
  if (!is_token) return "header name " + in_quotes(name) + " is not a valid HTTP field name";
  // The fetcher sets these itself (framing, connection, compression, validators).
  static constexpr std::string_view kReserved[] = {
      "host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
      "proxy-authorization", "proxy-connection", "accept-encoding", "if-none-match", "if-modified-since"};
  for (std::string_view reserved : kReserved)
    if (core::equals_ignore_case(reserved, name)) return "header " + in_quotes(name) + " is set by Tributary itself";
  if (has_control_characters(value)) return "the value of header " + in_quotes(name) + " contains control characters";
  return {};
}

std::string proxy_problem(std::string_view text) {
  const auto check = core::check_http_url(text);
  if (!check.url || !core::starts_with_ignore_case(core::trim(text), "http://"))
    return "expected an http:// proxy URL such as \"http://proxy.example:3128\" (it tunnels https with CONNECT)";
  return {};
}

// An IPv4 or IPv6 address with an optional /prefix.
std::string network_problem(std::string_view text) {
  const std::string value(core::trim(text));
  const std::size_t slash = value.find('/');
  const std::string address = value.substr(0, slash);
  unsigned char bytes[16];
  const bool is_v4 = inet_pton(AF_INET, address.c_str(), bytes) == 1;
  const bool is_v6 = !is_v4 && inet_pton(AF_INET6, address.c_str(), bytes) == 1;
  if (!is_v4 && !is_v6) return in_quotes(text) + " is not an IP address or network such as \"10.1.0.0/16\"";
  if (slash != std::string::npos) {
    const std::string prefix = value.substr(slash + 1);
    const bool is_number = !prefix.empty() && prefix.size() <= 3 &&
                           std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!is_number || std::stoi(prefix) > (is_v4 ? 32 : 128))
      return "invalid prefix length in " + in_quotes(text);
  }
  return {};
}

// A path in the config relative to the config file's directory.
std::filesystem::path beside_config(const std::string& config_file, const std::string& path) {
  const std::filesystem::path value(path);
  if (value.is_absolute()) return value;
  return std::filesystem::path(config_file).parent_path() / value;
}

std::string unreadable_file_problem(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return "cannot read " + in_quotes(path.string()) + ": " + std::error_code(errno, std::generic_category()).message();
  return {};
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
  if (auto headers = reader.string_table("headers", header_problem)) source.headers = std::move(*headers);
  if (auto username = reader.checked_string("username", [](const std::string& value) -> std::string {
        if (value.find(':') != std::string::npos) return "a Basic user name cannot contain ':' (RFC 7617)";
        return has_control_characters(value) ? "contains control characters" : "";
      }))
    source.username = *username;
  const auto password = reader.string("password");
  const std::string config_file = errors.location(table.source()).file;
  const auto password_file = reader.checked_string("password_file", [&config_file](const std::string& value) {
    return unreadable_file_problem(beside_config(config_file, value));
  });
  if (password && table.contains("password_file")) {
    errors.add(table["password_file"].node()->source(), "source.password and source.password_file are exclusive");
  } else if (password) {
    source.password = *password;
  } else if (password_file) {
    source.password_file = beside_config(config_file, *password_file);
    std::ifstream file(source.password_file, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    source.password = content.str();
    // The file usually ends with a newline that is not part of the secret.
    while (!source.password.empty() && (source.password.back() == '\n' || source.password.back() == '\r'))
      source.password.pop_back();
    if (source.password.empty())
      errors.add(table["password_file"].node()->source(),
                 "source.password_file: " + in_quotes(source.password_file.string()) + " is empty");
  }
  if ((password || password_file) && source.username.empty() && !table.contains("username")) {
    const auto& key = password ? table["password"] : table["password_file"];
    errors.add(key.node()->source(), "source.password needs source.username (HTTP Basic sends both)");
  }
  const bool sets_authorization = std::any_of(source.headers.begin(), source.headers.end(), [](const auto& header) {
    return core::equals_ignore_case(header.first, "authorization");
  });
  if (sets_authorization && table.contains("username"))
    errors.add(table["username"].node()->source(),
               "source.username and an Authorization header in source.headers are exclusive");
  reader.reject_unknown_keys();
  if (source.url.empty()) return;
  source.is_named = !source.name.empty();
  if (source.name.empty()) source.name = core::url_host(source.url);
  sources.push_back(std::move(source));
}

// [sources] opml = "PATH" or ["PATH", …], relative to the config file.
void read_opml_option(TableReader& reader, const toml::table& table, ErrorSink& errors, Config& config) {
  std::vector<std::string> paths;
  const toml::node* node = table.get("opml");
  if (node && node->is_string()) {
    if (auto path = reader.string("opml")) paths.push_back(*path);
  } else if (auto list = reader.string_array("opml")) {
    paths = std::move(*list);
  }
  const std::filesystem::path base = std::filesystem::path(config.path).parent_path();
  for (const std::string& path : paths) {
    if (core::trim(path).empty()) {
      errors.add(node->source(), "sources.opml: empty path");
      continue;
    }
    const std::filesystem::path file(path);
    config.opml_files.push_back(file.is_absolute() ? file : base / file);
  }
}

// OPML sources join the TOML ones; a URL listed twice is reported once and
// the first definition wins (TOML entries come first).
void merge_opml_sources(Config& config, ErrorSink& errors) {
  std::vector<std::pair<std::string, Location>> seen;
  for (const SourceSpec& source : config.sources) seen.emplace_back(core::canonical_url(source.url), source.defined_at);
  for (const std::filesystem::path& file : config.opml_files) {
    OpmlLoad loaded = load_opml_file(file);
    for (ConfigError& error : loaded.errors) errors.add(error.where, std::move(error.message));
    for (SourceSpec& source : loaded.sources) {
      const std::string canonical = core::canonical_url(source.url);
      const auto duplicate = std::find_if(seen.begin(), seen.end(), [&](const auto& entry) { return entry.first == canonical; });
      if (duplicate != seen.end()) {
        errors.warn(source.defined_at, "source URL " + in_quotes(source.url) + " is already defined at " +
                                           duplicate->second.file + ":" + std::to_string(duplicate->second.line) +
                                           "; that definition is used");
        continue;
      }
      seen.emplace_back(canonical, source.defined_at);
      config.sources.push_back(std::move(source));
    }
  }
}

// [[channel]]: name, title, tags, sources, query.
void read_channel(const toml::table& table, ErrorSink& errors, std::vector<ChannelConfig>& channels) {
  TableReader reader(table, "channel", errors);
  ChannelConfig channel;
  channel.defined_at = errors.location(table.source());
  const auto name = reader.checked_string("name", [](const std::string& value) -> std::string {
    const bool is_valid = !value.empty() && value.size() <= 64 && std::all_of(value.begin(), value.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    return is_valid ? "" : "must be 1 to 64 of a-z, 0-9, '-' and '_' (it is the channel's URL path)";
  });
  if (!name && !table.contains("name")) errors.add(table.source(), "[[channel]] has no name");
  if (name) channel.name = *name;
  if (auto title = reader.string("title")) channel.title = *title;
  if (auto tags = reader.string_array("tags")) channel.tags = std::move(*tags);
  if (auto sources = reader.string_array("sources")) channel.sources = std::move(*sources);
  if (auto query = reader.string("query")) channel.query = *query;
  reader.reject_unknown_keys();
  if (channel.name.empty()) return;
  for (const ChannelConfig& other : channels) {
    if (other.name == channel.name) {
      errors.add(channel.defined_at, "duplicate channel name " + in_quotes(channel.name) + " (first defined at line " +
                                         std::to_string(other.defined_at.line) + ")");
      return;
    }
  }
  if (channel.title.empty()) channel.title = channel.name;
  channels.push_back(std::move(channel));
}

// A channel names its sources by URL or by name; both become the URL.
void resolve_channel_sources(Config& config, ErrorSink& errors) {
  for (ChannelConfig& channel : config.channels) {
    std::vector<std::string> urls;
    for (const std::string& wanted : channel.sources) {
      const auto match = std::find_if(config.sources.begin(), config.sources.end(), [&](const SourceSpec& source) {
        return source.name == wanted || source.url == wanted ||
               core::canonical_url(source.url) == core::canonical_url(wanted);
      });
      if (match == config.sources.end()) {
        errors.add(channel.defined_at, "channel " + in_quotes(channel.name) + ": no source is named or has the URL " +
                                           in_quotes(wanted));
        continue;
      }
      urls.push_back(match->url);
    }
    channel.sources = std::move(urls);
  }
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

ConfigError config_error(std::string file, std::uint32_t line, std::uint32_t column, std::string message) {
  ConfigError error;
  error.where.file = std::move(file);
  error.where.line = line;
  error.where.column = column;
  error.message = std::move(message);
  return error;
}

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
    if (auto items = reader.integer("retention_items", 1, 10'000'000)) storage.retention_items = static_cast<std::uint32_t>(*items);
    if (auto age = reader.duration("retention_age")) storage.retention_age = *age;
    if (auto age = reader.duration("tombstone_age")) storage.tombstone_age = *age;
    if (auto grace = reader.duration("removed_source_grace")) storage.removed_source_grace = *grace;
  });
  read_section(root, "fetch", errors, config.fetch, [&file_label](TableReader& reader, FetchConfig& fetch) {
    if (auto user_agent = reader.string("user_agent")) fetch.user_agent = *user_agent;
    if (auto timeout = reader.duration("timeout")) fetch.timeout = *timeout;
    if (auto max_body = reader.size("max_body_size")) fetch.max_body_bytes = *max_body;
    if (auto connect_timeout = reader.duration("connect_timeout")) fetch.connect_timeout = *connect_timeout;
    if (auto from = reader.checked_string("from", [](const std::string& value) -> std::string {
          if (has_control_characters(value)) return "contains control characters";
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
    if (auto trusted = reader.boolean("proxy_blocks_private_addresses"))
      fetch.proxy_blocks_private_addresses = *trusted;
    if (auto networks = reader.checked_string_array("allowed_networks", network_problem))
      fetch.allowed_networks = std::move(*networks);
    if (auto ca_file = reader.checked_string("ca_file", [&file_label](const std::string& value) {
          return unreadable_file_problem(beside_config(file_label, value));
        }))
      fetch.ca_file = beside_config(file_label, *ca_file).string();
  });
  read_section(root, "schedule", errors, config.schedule, [](TableReader& reader, ScheduleConfig& schedule) {
    if (auto interval = reader.duration("interval")) schedule.interval = *interval;
    if (auto interval = reader.duration("min_interval")) schedule.min_interval = *interval;
    if (auto interval = reader.duration("max_interval")) schedule.max_interval = *interval;
    if (auto count = reader.integer("max_concurrent", 1, 10000)) schedule.max_concurrent = static_cast<std::uint32_t>(*count);
    if (auto count = reader.integer("per_host", 1, 1000)) schedule.per_host = static_cast<std::uint32_t>(*count);
    if (auto delay = reader.duration_or_zero("host_delay")) schedule.host_delay = *delay;
  });
  if (const toml::table* table = root.table("sources")) {
    TableReader reader(*table, "sources", errors);
    read_opml_option(reader, *table, errors, config);
    reader.reject_unknown_keys();
  }
  read_section(root, "feed", errors, config.feed, [](TableReader& reader, FeedConfig& feed) {
    if (auto title = reader.string("title")) feed.title = *title;
    if (auto subtitle = reader.string("subtitle")) feed.subtitle = *subtitle;
    if (auto id = reader.string("id")) feed.id = *id;
    if (auto entries = reader.integer("entries", 1, 10000)) feed.entries = static_cast<std::uint32_t>(*entries);
    if (auto dedup = reader.one_of<DedupMode>(
            "dedup", {{"off", DedupMode::off}, {"url", DedupMode::url}, {"story", DedupMode::story}}))
      feed.dedup = *dedup;
    if (auto attribution = reader.one_of<Attribution>(
            "attribution",
            {{"author", Attribution::author}, {"title", Attribution::title}, {"none", Attribution::none}}))
      feed.attribution = *attribution;
    if (auto distance = reader.integer("story_distance", 0, 3)) feed.story_distance = static_cast<int>(*distance);
    if (auto window = reader.duration("story_window")) feed.story_window = *window;
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
    if (auto target = reader.string("target")) {
      if (*target != "auto" && *target != "journal" && *target != "stderr")
        errors.add((*table)["target"].node()->source(),
                   "log.target " + in_quotes(*target) + " is not one of auto, journal, stderr");
      else config.log.target = *target;
    }
    reader.reject_unknown_keys();
  }
  if (const toml::array* sources = root.array_of_tables("source")) {
    for (const toml::node& node : *sources) read_source(*node.as_table(), errors, config.sources);
  }
  if (const toml::array* channels = root.array_of_tables("channel")) {
    for (const toml::node& node : *channels) read_channel(*node.as_table(), errors, config.channels);
  }
  root.reject_unknown_keys();
  reject_duplicate_sources(config.sources, errors);
  if (errors.empty()) merge_opml_sources(config, errors);
  if (errors.empty()) resolve_channel_sources(config, errors);

  if (!config.feed.id.empty() && !core::is_absolute_uri(config.feed.id)) {
    errors.add(root_table["feed"]["id"].node()->source(),
               "feed.id " + in_quotes(config.feed.id) + " is not an absolute URI (e.g. \"urn:uuid:…\" or a URL)");
  }

  std::vector<ConfigError> warnings = errors.take_warnings();
  if (!errors.empty()) return {std::nullopt, errors.take(), std::move(warnings)};
  return {std::move(config), {}, std::move(warnings)};
}

ConfigLoad load_config_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const std::string reason = std::error_code(errno, std::generic_category()).message();
    ConfigLoad failed;
    failed.errors.push_back(config_error(path.string(), 1, 1, "cannot read config file: " + reason));
    return failed;
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    ConfigLoad failed;
    failed.errors.push_back(config_error(path.string(), 1, 1, "cannot read config file"));
    return failed;
  }
  return parse_config(text.str(), path.string());
}

}  // namespace tributary::config
