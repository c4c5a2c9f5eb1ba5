// The config module's room for reading TOML tables: a TableReader reads each
// key of one table with its type and range and remembers which keys it was
// asked for, so that every other key is reported as unknown with a
// suggestion — the list of valid keys is written once, in the reading code.
// Every string it hands out is free of control characters: those strings
// reach feeds, logs and terminals.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace tributary::config {

// Collects errors and warnings with their FILE:LINE:COL.
class ErrorSink {
 public:
  explicit ErrorSink(std::string file) : file_(std::move(file)) {}

  void add(const toml::source_region& where, std::string message) { add(location(where), std::move(message)); }
  void add(const Location& where, std::string message) { errors_.push_back({where, std::move(message)}); }
  void warn(const Location& where, std::string message) { warnings_.push_back({where, std::move(message)}); }
  Location location(const toml::source_region& where) const { return {file_, where.begin.line, where.begin.column}; }
  const std::string& file() const { return file_; }
  std::vector<ConfigError> take() { return std::move(errors_); }
  std::vector<ConfigError> take_warnings() { return std::move(warnings_); }
  bool empty() const { return errors_.empty(); }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
};

// The keys each table accepts, for "did you mean" across tables: `prot = 1`
// at the top level → "port" in [server].
struct KeyCatalog {
  std::map<std::string, std::set<std::string>, std::less<>> keys;  // table name → its keys
  std::set<std::string, std::less<>> arrays_of_tables;             // written [[name]]: "source", "channel"
  // "[server]" or "[[source]]"
  std::string header(std::string_view table) const;
};

// The first control character (Unicode category Cc: U+0000–U+001F, U+007F,
// U+0080–U+009F) in UTF-8 text; tab passes when `allow_tab` (HTTP field
// values may hold it, RFC 9110 §5.5).
std::optional<char32_t> first_control_character(std::string_view text, bool allow_tab = false);
// "U+001B"
std::string code_point_name(char32_t code_point);
// A value in quotes for a message, control characters written as \u001B.
std::string in_quotes(std::string_view text);
// Control characters in `text` as \u001B, so a message is one safe line.
std::string escape_control_characters(std::string_view text);

// Bounds of a key's value; a value outside is an error that names them.
struct DurationRange {
  Seconds min;  // zero allows "0s"
  Seconds max;
};
struct SizeRange {
  std::uint64_t min;
  std::uint64_t max;
};

class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, ErrorSink& errors)
      : table_(table), path_(std::move(path)), errors_(errors) {}

  std::optional<std::string> string(std::string_view key);
  std::optional<std::vector<std::string>> string_array(std::string_view key);
  // Labels: each trimmed; an empty one is an error where it is written.
  std::optional<std::vector<std::string>> tags(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  // "90s", "15m", "2h", "1d", "1w", "1h30m".
  std::optional<Seconds> duration(std::string_view key, DurationRange range);
  // "10MiB", or an integer count of bytes.
  std::optional<std::uint64_t> size(std::string_view key, SizeRange range);
  std::optional<bool> boolean(std::string_view key);
  // A string key with a fixed set of values, listed in `choices` in the
  // order messages name them.
  template <typename Value>
  std::optional<Value> one_of(std::string_view key, std::initializer_list<std::pair<std::string_view, Value>> choices) {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    std::string listed;
    for (std::size_t i = 0; const auto& choice : choices) {
      listed += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + in_quotes(choice.first);
      ++i;
    }
    if (!node->is_string()) return wrong_type(*node, qualified(key), "one of " + listed);
    const std::string& text = node->as_string()->get();
    for (const auto& [name, value] : choices)
      if (text == name) return value;
    errors_.add(node->source(), qualified(key) + " must be " + listed + ", not " + in_quotes(text));
    return std::nullopt;
  }

  // A string, or an array of strings, that `check` accepts: it returns why
  // not, or an empty string. Each mistake is reported where it is written.
  template <typename Check>
  std::optional<std::string> checked_string(std::string_view key, Check check) {
    auto value = string(key);
    if (!value) return std::nullopt;
    if (std::string why = check(*value); !why.empty()) {
      errors_.add(source_of(key), qualified(key) + ": " + why);
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

  // An inline table of strings, `{ "X-Key" = "v" }` (toml++ keeps it
  // sorted; the order of headers does not matter); `check(name, value)`
  // says why a pair is refused.
  template <typename Check>
  std::optional<std::vector<std::pair<std::string, std::string>>> string_table(std::string_view key, Check check) {
    const toml::table* table = string_table_node(key);
    if (!table) return std::nullopt;
    std::vector<std::pair<std::string, std::string>> pairs;
    bool is_valid = true;
    for (const auto& [name, value] : *table) {
      const std::string where = qualified(key) + "." + std::string(name.str());
      if (!value.is_string()) {
        wrong_type(value, where, "a string");
        is_valid = false;
      } else if (!is_free_of_control_characters(value, where, /*allow_tab=*/true)) {
        is_valid = false;
      } else if (std::string why = check(name.str(), value.as_string()->get()); !why.empty()) {
        errors_.add(name.source(), qualified(key) + ": " + why);
        is_valid = false;
      } else {
        pairs.emplace_back(std::string(name.str()), value.as_string()->get());
      }
    }
    if (!is_valid) return std::nullopt;
    return pairs;
  }

  // A sub-table or an array of tables; reported when it is something else.
  const toml::table* table(std::string_view key);
  const toml::array* array_of_tables(std::string_view key);

  // Reports every key that nobody asked for, with the closest key of this
  // table, else of another table in `catalog`, as a suggestion.
  void reject_unknown_keys(const KeyCatalog& catalog);

  // The key's node (or null), counted as a known key.
  const toml::node* node(std::string_view key) { return find(key); }
  bool contains(std::string_view key) const { return table_.contains(key); }
  // Where the key's value is written; the table's own place when absent.
  toml::source_region source_of(std::string_view key) const;
  std::string qualified(std::string_view key) const;
  const std::set<std::string>& known_keys() const { return known_; }
  ErrorSink& errors() { return errors_; }

 private:
  const toml::node* find(std::string_view key);
  const toml::table* string_table_node(std::string_view key);
  std::nullopt_t wrong_type(const toml::node& node, const std::string& qualified_key, std::string_view expected);
  bool is_free_of_control_characters(const toml::node& string_node, const std::string& qualified_key,
                                     bool allow_tab = false);
  std::string unknown_key_message(std::string_view key, const toml::node& node, const KeyCatalog& catalog) const;

  const toml::table& table_;
  std::string path_;
  ErrorSink& errors_;
  std::set<std::string> known_;
};

// The closest candidate that looks like a typo of `key` (a few edits at
// most, fewer for short keys), if any, with its distance.
std::optional<std::pair<std::string, std::size_t>> closest_key(std::string_view key,
                                                               const std::set<std::string>& candidates);

}  // namespace tributary::config
