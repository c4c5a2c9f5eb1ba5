// TableReader: typed, range-checked reads of one TOML table, and the
// messages for what it refuses.
#include "config/table_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "core/core.hpp"

namespace tributary::config {
namespace {

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return node.is_array_of_tables() ? "an array of tables" : "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "nothing";
  }
}

std::string range_text(const DurationRange& range) {
  return core::format_duration(range.min) + " and " + core::format_duration(range.max);
}

// Where a key of another table lives, when it is close enough to `key`.
struct OtherTableMatch {
  std::string key;
  std::string table;
  std::size_t distance = 0;
};
std::optional<OtherTableMatch> closest_in_other_tables(std::string_view key, std::string_view own_table,
                                                       const KeyCatalog& catalog) {
  std::optional<OtherTableMatch> best;
  for (const auto& [table, keys] : catalog.keys) {
    if (table == own_table || table.empty()) continue;
    const auto match = closest_key(key, keys);
    if (match && (!best || match->second < best->distance)) best = OtherTableMatch{match->first, table, match->second};
  }
  return best;
}

}  // namespace

std::optional<char32_t> first_control_character(std::string_view text, bool allow_tab) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && !(allow_tab && byte == '\t')) || byte == 0x7f) return byte;
    // U+0080–U+009F (C1) are 0xC2 0x80–0x9F in UTF-8; some terminals obey
    // U+009B as an escape sequence.
    if (byte == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) return next;
    }
  }
  return std::nullopt;
}

std::string code_point_name(char32_t code_point) {
  char name[16];
  std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(code_point));
  return name;
}

std::string escape_control_characters(std::string_view text) {
  if (!first_control_character(text)) return std::string(text);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool is_c1 = byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                       static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if (byte < 0x20 || byte == 0x7f || is_c1) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", is_c1 ? static_cast<unsigned char>(text[++i]) : byte);
      out += escaped;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// These messages are appended piece by piece: "…" + std::string(…)
// inserts at the front, which g++ 12 at -O3 flags with a false -Wrestrict
// (GCC bug 105651).
std::string in_quotes(std::string_view text) {
  std::string quoted(1, '"');
  quoted += escape_control_characters(text);
  quoted += '"';
  return quoted;
}

std::string KeyCatalog::header(std::string_view table) const {
  const bool is_array = arrays_of_tables.contains(table);
  std::string written(is_array ? "[[" : "[");
  written += table;
  written += is_array ? "]]" : "]";
  return written;
}

std::optional<std::pair<std::string, std::size_t>> closest_key(std::string_view key,
                                                               const std::set<std::string>& candidates) {
  std::optional<std::pair<std::string, std::size_t>> best;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = core::edit_distance(key, candidate);
    if (!best || distance < best->second) best = {candidate, distance};
  }
  // Suggest only what looks like a typo, not any key at all.
  const std::size_t allowed = std::max<std::size_t>(1, std::min<std::size_t>(3, key.size() / 3));
  if (!best || best->second > allowed) return std::nullopt;
  return best;
}

std::optional<std::string> TableReader::string(std::string_view key) {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (!node->is_string()) return wrong_type(*node, qualified(key), "a string");
  if (!is_free_of_control_characters(*node, qualified(key))) return std::nullopt;
  return node->as_string()->get();
}

std::optional<std::vector<std::string>> TableReader::string_array(std::string_view key) {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (!node->is_array()) return wrong_type(*node, qualified(key), "an array of strings");
  std::vector<std::string> values;
  bool is_valid = true;
  for (const toml::node& element : *node->as_array()) {
    if (!element.is_string()) {
      errors_.add(element.source(),
                  "wrong type in " + qualified(key) + ": expected a string, found " + type_name(element));
      return std::nullopt;
    }
    if (!is_free_of_control_characters(element, qualified(key))) is_valid = false;
    values.push_back(element.as_string()->get());
  }
  if (!is_valid) return std::nullopt;
  return values;
}

std::optional<std::vector<std::string>> TableReader::tags(std::string_view key) {
  auto values = string_array(key);
  if (!values) return std::nullopt;
  const toml::array& array = *table_.get(key)->as_array();
  bool is_valid = true;
  for (std::size_t i = 0; i < values->size(); ++i) {
    (*values)[i] = std::string(core::trim((*values)[i]));
    if ((*values)[i].empty()) {
      errors_.add(array[i].source(), qualified(key) + ": empty tag (a tag needs at least one visible character)");
      is_valid = false;
    }
  }
  if (!is_valid) return std::nullopt;
  return values;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (!node->is_integer()) return wrong_type(*node, qualified(key), "an integer");
  const std::int64_t value = node->as_integer()->get();
  if (value < min || value > max) {
    errors_.add(node->source(), qualified(key) + " must be between " + std::to_string(min) + " and " +
                                    std::to_string(max) + ", not " + std::to_string(value));
    return std::nullopt;
  }
  return value;
}

std::optional<Seconds> TableReader::duration(std::string_view key, DurationRange range) {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (node->is_integer() && node->as_integer()->get() <= 0 && range.min > Seconds{0}) {
    errors_.add(node->source(),
                qualified(key) + " must be a positive duration, not " + std::to_string(node->as_integer()->get()));
    return std::nullopt;
  }
  if (!node->is_string()) return wrong_type(*node, qualified(key), "a duration string such as \"15m\"");
  const std::string& text = node->as_string()->get();
  if (!is_free_of_control_characters(*node, qualified(key))) return std::nullopt;
  const auto parsed = core::parse_duration(text);
  if (!parsed.value && !parsed.is_too_large) {
    errors_.add(node->source(), qualified(key) + ": " + parsed.error);
    return std::nullopt;
  }
  if (parsed.value && parsed.value->count() <= 0 && range.min > Seconds{0}) {
    errors_.add(node->source(), qualified(key) + " must be a positive duration, not " + in_quotes(text));
    return std::nullopt;
  }
  // Bounded so that every later `now + interval` and timer deadline (in
  // nanoseconds: ±292 years) stays far from overflowing.
  if (parsed.is_too_large || *parsed.value < range.min || *parsed.value > range.max) {
    errors_.add(node->source(), qualified(key) + " must be between " + range_text(range) + ", not " + in_quotes(text));
    return std::nullopt;
  }
  return parsed.value;
}

std::optional<std::uint64_t> TableReader::size(std::string_view key, SizeRange range) {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  const std::string range_message =
      qualified(key) + " must be between " + core::format_size(range.min) + " and " + core::format_size(range.max);
  if (node->is_integer()) {
    const std::int64_t value = node->as_integer()->get();
    if (value <= 0) {
      errors_.add(node->source(), qualified(key) + " must be a positive size");
      return std::nullopt;
    }
    if (static_cast<std::uint64_t>(value) < range.min || static_cast<std::uint64_t>(value) > range.max) {
      errors_.add(node->source(), range_message + ", not " + std::to_string(value));
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(value);
  }
  if (!node->is_string()) return wrong_type(*node, qualified(key), "a size string such as \"10MiB\"");
  const std::string& text = node->as_string()->get();
  if (!is_free_of_control_characters(*node, qualified(key))) return std::nullopt;
  const auto parsed = core::parse_size(text);
  if (!parsed.bytes && !parsed.is_too_large) {
    errors_.add(node->source(), qualified(key) + ": " + parsed.error);
    return std::nullopt;
  }
  if (parsed.bytes && *parsed.bytes == 0) {
    errors_.add(node->source(), qualified(key) + " must be a positive size");
    return std::nullopt;
  }
  if (parsed.is_too_large || *parsed.bytes < range.min || *parsed.bytes > range.max) {
    errors_.add(node->source(), range_message + ", not " + in_quotes(text));
    return std::nullopt;
  }
  return parsed.bytes;
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (!node->is_boolean()) return wrong_type(*node, qualified(key), "true or false");
  return node->as_boolean()->get();
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* node = find(key);
  if (!node) return nullptr;
  if (!node->is_table()) {
    wrong_type(*node, qualified(key), "a table");
    return nullptr;
  }
  return node->as_table();
}

const toml::array* TableReader::array_of_tables(std::string_view key) {
  const toml::node* node = find(key);
  if (!node) return nullptr;
  if (!node->is_array_of_tables()) {
    wrong_type(*node, qualified(key), "an array of tables ([[" + std::string(key) + "]])");
    return nullptr;
  }
  return node->as_array();
}

void TableReader::reject_unknown_keys(const KeyCatalog& catalog) {
  for (const auto& [key, node] : table_) {
    if (known_.contains(std::string(key.str()))) continue;
    errors_.add(key.source(), unknown_key_message(key.str(), node, catalog));
  }
}

std::string TableReader::unknown_key_message(std::string_view key, const toml::node& node,
                                             const KeyCatalog& catalog) const {
  const bool is_table = node.is_table() || node.is_array_of_tables();
  if (path_.empty() && is_table) {
    // A table of its own at the top level: a misspelled section.
    std::string message = node.is_table() ? "unknown table [" : "unknown table [[";
    message += escape_control_characters(key);
    message += node.is_table() ? "]" : "]]";
    if (const auto match = closest_key(key, known_)) message += " (did you mean " + catalog.header(match->first) + "?)";
    return message;
  }
  std::string message = "unknown key " + in_quotes(key);
  if (!path_.empty()) message += " in [" + path_ + "]";
  if (const auto match = path_.empty() ? std::nullopt : closest_key(key, known_))
    return message + " (did you mean " + in_quotes(match->first) + "?)";
  // A key written in the wrong table, or misspelled there.
  if (const auto other = closest_in_other_tables(key, path_, catalog)) {
    if (other->distance == 0) return message + " (it belongs in " + catalog.header(other->table) + ")";
    return message + " (did you mean " + in_quotes(other->key) + " in " + catalog.header(other->table) + "?)";
  }
  return message;
}

toml::source_region TableReader::source_of(std::string_view key) const {
  const toml::node* node = table_.get(key);
  return node ? node->source() : table_.source();
}

std::string TableReader::qualified(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const toml::node* TableReader::find(std::string_view key) {
  known_.insert(std::string(key));
  return table_.get(key);
}

const toml::table* TableReader::string_table_node(std::string_view key) {
  const toml::node* node = find(key);
  if (!node) return nullptr;
  if (!node->is_table()) {
    wrong_type(*node, qualified(key), "a table of strings such as { \"X-Key\" = \"value\" }");
    return nullptr;
  }
  return node->as_table();
}

std::nullopt_t TableReader::wrong_type(const toml::node& node, const std::string& qualified_key,
                                       std::string_view expected) {
  errors_.add(node.source(),
              "wrong type for " + qualified_key + ": expected " + std::string(expected) + ", found " + type_name(node));
  return std::nullopt;
}

bool TableReader::is_free_of_control_characters(const toml::node& string_node, const std::string& qualified_key,
                                                bool allow_tab) {
  const auto control = first_control_character(string_node.as_string()->get(), allow_tab);
  if (!control) return true;
  errors_.add(string_node.source(), qualified_key + " contains the control character " + code_point_name(*control) +
                                        ": remove it (it would reach feeds, logs and terminals)");
  return false;
}

}  // namespace tributary::config
