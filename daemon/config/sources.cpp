// [[source]], [sources] opml and [[channel]]: where the feeds come from,
// and the checks that span several of them (duplicates, channels' sources).
// URLs in messages go through core::redact_url: a source URL may carry
// user:password.
#include <algorithm>
#include <cctype>
#include <sstream>
#include <unordered_map>

#include "config/opml.hpp"
#include "config/sections.hpp"
#include "core/core.hpp"
#include "core/file.hpp"
#include "core/http_fields.hpp"

namespace tributary::config {
namespace {

// RFC 9110 §5.1: a field name is a token. (Control characters in values
// are refused by the TableReader.)
std::string header_problem(std::string_view name, std::string_view /*value*/) {
  static constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  const bool is_token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kTokenPunctuation.find(c) != std::string_view::npos;
  });
  if (!is_token) return "header name " + in_quotes(name) + " is not a valid HTTP field name";
  if (core::is_reserved_header(name)) return "header " + in_quotes(name) + " is set by Tributary itself";
  return {};
}

std::string line_of(const Location& where) { return where.file + ":" + std::to_string(where.line); }

// The secret of a password file: read bounded, the trailing newline that
// editors add dropped. Its content never appears in a message.
std::optional<std::string> read_password_file(const std::filesystem::path& path, const toml::source_region& where,
                                              ErrorSink& errors) {
  const std::string key = "source.password_file: ";
  const core::FileRead read = core::read_file_limited(path, kMaxPasswordFileBytes);
  if (!read.bytes) {
    errors.add(where, key + "cannot read " + in_quotes(path.string()) + ": " + read.error);
    return std::nullopt;
  }
  std::string password = *read.bytes;
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  if (password.empty()) {
    errors.add(where, key + in_quotes(path.string()) + " is empty");
    return std::nullopt;
  }
  if (const auto control = first_control_character(password)) {
    errors.add(where, key + in_quotes(path.string()) + " contains the control character " + code_point_name(*control) +
                          " (RFC 7617 allows none in a password)");
    return std::nullopt;
  }
  return password;
}

void read_credentials(TableReader& reader, const toml::table& table, ErrorSink& errors, SourceSpec& source) {
  if (auto username = reader.checked_string("username", [](const std::string& value) -> std::string {
        return value.find(':') != std::string::npos ? "a Basic user name cannot contain ':' (RFC 7617)" : "";
      }))
    source.username = *username;
  const auto password = reader.string("password");
  const auto password_file = reader.string("password_file");
  if (password && table.contains("password_file")) {
    errors.add(reader.source_of("password_file"), "source.password and source.password_file are exclusive");
  } else if (password) {
    source.password = *password;
  } else if (password_file) {
    source.password_file = beside_config(errors.file(), *password_file);
    if (auto secret = read_password_file(source.password_file, reader.source_of("password_file"), errors))
      source.password = std::move(*secret);
  }
  if ((password || password_file) && source.username.empty() && !table.contains("username")) {
    errors.add(reader.source_of(password ? "password" : "password_file"),
               "source.password needs source.username (HTTP Basic sends both)");
  }
  const bool sets_authorization = std::any_of(source.headers.begin(), source.headers.end(), [](const auto& header) {
    return core::equals_ignore_case(header.first, "authorization");
  });
  if (sets_authorization && table.contains("username"))
    errors.add(reader.source_of("username"),
               "source.username and an Authorization header in source.headers are exclusive");
}

// Two [[source]] tables with one name: channels and `status` could not
// tell them apart.
void note_source_name(const std::string& name, const Location& where, ReadContext& context) {
  const auto [first, is_new] = context.source_names.try_emplace(name, where);
  if (!is_new)
    context.errors.add(where, "duplicate source name " + in_quotes(name) + " (first used at line " +
                                  std::to_string(first->second.line) + "); give each source its own name");
}

// An OPML source named like an earlier one: kept (feed readers export
// lists where two feeds share a title), with a warning.
// Sources named after their host (no name given) do not count.
// The first named source of each name; OPML sources join it as they come.
using FirstNamed = std::unordered_map<std::string, Location>;

FirstNamed first_named_sources(const Config& config) {
  FirstNamed first;
  for (const SourceSpec& source : config.sources)
    if (source.is_named) first.emplace(source.name, source.defined_at);
  return first;
}

void warn_of_shared_name(const SourceSpec& source, FirstNamed& first_named, ErrorSink& errors) {
  if (!source.is_named) return;
  const auto [first, is_first] = first_named.emplace(source.name, source.defined_at);
  if (is_first) return;
  errors.warn(source.defined_at, "source name " + in_quotes(source.name) + " is also used at " +
                                     line_of(first->second) + " (channels that name it get the first one)");
}

}  // namespace

// [sources] opml = "PATH" or ["PATH", …], relative to the config file.
void read_sources_table(TableReader& reader, const toml::table& table, ReadContext& context) {
  std::vector<std::string> paths;
  const toml::node* node = table.get("opml");
  if (node && node->is_string()) {
    if (auto path = reader.string("opml")) paths.push_back(*path);
  } else if (auto list = reader.string_array("opml")) {
    paths = std::move(*list);
  }
  for (const std::string& path : paths) {
    if (core::trim(path).empty()) {
      context.errors.add(node->source(), "sources.opml: empty path");
      continue;
    }
    context.config.opml_files.push_back(beside_config(context.errors.file(), path));
  }
}

void read_source(TableReader& reader, const toml::table& table, ReadContext& context) {
  ErrorSink& errors = context.errors;
  SourceSpec source;
  source.defined_at = errors.location(table.source());
  const auto url = reader.string("url");
  if (!url) {
    if (!table.contains("url")) errors.add(table.source(), "[[source]] has no url");
  } else {
    const auto check = core::check_http_url(*url);
    if (!check.url)
      errors.add(reader.source_of("url"), "source.url: " + check.error);
    else {
      source.url = *check.url;
      source.defined_at = errors.location(reader.source_of("url"));
    }
  }
  if (auto name = reader.string("name")) {
    source.name = std::string(core::trim(*name));
    if (!source.name.empty()) note_source_name(source.name, errors.location(reader.source_of("name")), context);
  }
  if (auto tags = reader.tags("tags")) source.tags = std::move(*tags);
  source.interval = reader.duration("interval", kIntervalRange);
  if (auto headers = reader.string_table("headers", header_problem)) source.headers = std::move(*headers);
  read_credentials(reader, table, errors, source);
  if (source.url.empty()) return;
  source.is_named = !source.name.empty();
  if (source.name.empty()) source.name = core::url_host(source.url);
  context.config.sources.push_back(std::move(source));
}

// [[channel]]: name, title, tags, sources, query.
void read_channel(TableReader& reader, const toml::table& table, ReadContext& context) {
  ErrorSink& errors = context.errors;
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
  if (auto tags = reader.tags("tags")) channel.tags = std::move(*tags);
  if (auto sources = reader.string_array("sources")) channel.sources = std::move(*sources);
  if (auto query = reader.string("query")) channel.query = *query;
  read_podcast_settings(reader, table, context, channel.podcast);
  if (channel.name.empty()) return;
  std::vector<ChannelConfig>& channels = context.config.channels;
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

// Hash maps, not scans: an OPML file of 100,000 sources is a real list.
void reject_duplicate_sources(const Config& config, ErrorSink& errors) {
  std::unordered_map<std::string, const SourceSpec*> seen;
  for (const SourceSpec& source : config.sources) {
    const auto [first, is_first] = seen.emplace(core::canonical_url(source.url), &source);
    if (is_first) continue;
    errors.add(source.defined_at, "duplicate source URL " + in_quotes(core::redact_url(source.url)) +
                                      " (first defined at line " + std::to_string(first->second->defined_at.line) +
                                      ")");
  }
}

// OPML sources join the TOML ones; a URL listed twice is reported once and
// the first definition wins (TOML entries come first).
void merge_opml_sources(Config& config, ErrorSink& errors) {
  std::unordered_map<std::string, Location> seen;
  for (const SourceSpec& source : config.sources) seen.emplace(core::canonical_url(source.url), source.defined_at);
  FirstNamed first_named = first_named_sources(config);
  for (const std::filesystem::path& file : config.opml_files) {
    OpmlLoad loaded = load_opml_file(file);
    for (ConfigError& error : loaded.errors) errors.add(error.where, std::move(error.message));
    for (ConfigError& warning : loaded.warnings) errors.warn(warning.where, std::move(warning.message));
    for (SourceSpec& source : loaded.sources) {
      const auto [duplicate, is_new] = seen.emplace(core::canonical_url(source.url), source.defined_at);
      if (!is_new) {
        errors.warn(source.defined_at, "source URL " + in_quotes(core::redact_url(source.url)) +
                                           " is already defined at " + line_of(duplicate->second) +
                                           "; that definition is used");
        continue;
      }
      warn_of_shared_name(source, first_named, errors);
      config.sources.push_back(std::move(source));
    }
  }
}

// A channel names its sources by URL or by name; both become the URL (the
// first source in order that has the name, the URL or its canonical form).
void resolve_channel_sources(Config& config, ErrorSink& errors) {
  if (config.channels.empty()) return;
  std::unordered_map<std::string, std::size_t> first_of;  // name, URL or canonical URL -> index
  for (std::size_t index = 0; index < config.sources.size(); ++index) {
    const SourceSpec& source = config.sources[index];
    for (const std::string& handle : {source.name, source.url, core::canonical_url(source.url)})
      first_of.emplace(handle, index);
  }
  const auto find = [&](const std::string& wanted) -> const SourceSpec* {
    std::optional<std::size_t> first;
    for (const std::string& handle : {wanted, core::canonical_url(wanted)}) {
      const auto found = first_of.find(handle);
      if (found != first_of.end() && (!first || found->second < *first)) first = found->second;
    }
    return first ? &config.sources[*first] : nullptr;
  };
  for (ChannelConfig& channel : config.channels) {
    std::vector<std::string> urls;
    for (const std::string& wanted : channel.sources) {
      const SourceSpec* match = find(wanted);
      if (!match) {
        errors.add(channel.defined_at, "channel " + in_quotes(channel.name) + ": no source is named or has the URL " +
                                           in_quotes(core::redact_url(wanted)));
        continue;
      }
      urls.push_back(match->url);
    }
    channel.sources = std::move(urls);
  }
}

std::filesystem::path beside_config(const std::string& config_file, const std::string& path) {
  const std::filesystem::path value(path);
  if (value.is_absolute()) return value;
  return std::filesystem::path(config_file).parent_path() / value;
}

}  // namespace tributary::config
