// [[source]] blocks appended to and cut out of a configuration file's text
// (see source_edit.hpp). Lines are handled with their line endings, so a
// cut leaves every other byte where it was.
#include "config/source_edit.hpp"

#include <cstdio>

#include "core/text.hpp"

namespace tributary::config {
namespace {

// The file's lines, each with its line ending (the last may have none).
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::size_t length = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(0, length));
    text.remove_prefix(length);
  }
  return lines;
}

std::string_view without_comment(std::string_view line) {
  const std::size_t hash = line.find('#');
  return core::trim(hash == std::string_view::npos ? line : line.substr(0, hash));
}

bool is_blank(std::string_view line) { return core::trim(line).empty(); }
bool is_comment(std::string_view line) { return core::trim(line).starts_with('#'); }

// A table header's dotted name ("source", "source.headers", "fetch"), or
// nullopt for any other line. Keys are bare (A-Za-z0-9_-) or quoted; a line
// such as `["a", "b"],` inside a multi-line array is no header.
std::optional<std::string> header_name(std::string_view line, bool& is_array_table) {
  std::string_view text = without_comment(line);
  is_array_table = text.starts_with("[[") && text.ends_with("]]");
  const std::size_t brackets = is_array_table ? 2 : 1;
  if (!is_array_table && !(text.starts_with('[') && text.ends_with(']'))) return std::nullopt;
  if (text.size() <= 2 * brackets) return std::nullopt;
  text = text.substr(brackets, text.size() - 2 * brackets);
  std::string name;
  for (char c : text) {
    const bool is_key_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                             c == '-' || c == '.' || c == '"' || c == '\'';
    if (c == ' ' || c == '\t') continue;
    if (!is_key_char) return std::nullopt;
    if (c != '"' && c != '\'') name.push_back(c);
  }
  if (name.empty()) return std::nullopt;
  return name;
}

bool is_source_header(std::string_view line) {
  bool is_array_table = false;
  const auto name = header_name(line, is_array_table);
  return name && is_array_table && *name == "source";
}

// Headers of what belongs to the block: its own sub-tables.
bool is_block_subtable(std::string_view line) {
  bool is_array_table = false;
  const auto name = header_name(line, is_array_table);
  return name && name->starts_with("source.");
}

bool is_any_header(std::string_view line) {
  bool is_array_table = false;
  return header_name(line, is_array_table).has_value();
}

std::string_view newline_of(std::string_view text) {
  const std::size_t end = text.find('\n');
  return end != std::string_view::npos && end > 0 && text[end - 1] == '\r' ? "\r\n" : "\n";
}

}  // namespace

std::string toml_basic_string(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04X", byte);
      quoted += escape;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

// Appended piece by piece: "literal" + std::string(…) makes g++ 12 -O3 report
// a false -Wrestrict (GCC bug 105651) and the Release build fails.
std::string source_block(const NewSource& source, std::string_view newline) {
  std::string block = "[[source]]";
  const auto line = [&](std::string_view key, const std::string& value) {
    block += newline;
    block += key;
    block += " = ";
    block += value;
  };
  line("name", toml_basic_string(source.name));
  line("url", toml_basic_string(source.url));
  if (!source.tags.empty()) {
    std::string tags = "[";
    for (std::size_t i = 0; i < source.tags.size(); ++i) {
      if (i > 0) tags += ", ";
      tags += toml_basic_string(source.tags[i]);
    }
    tags += ']';
    line("tags", tags);
  }
  if (!source.interval.empty()) line("interval", toml_basic_string(source.interval));
  block += newline;
  return block;
}

std::string with_source_appended(std::string_view file_text, const NewSource& source) {
  const std::string_view newline = newline_of(file_text);
  std::string text(file_text);
  if (!text.empty() && !text.ends_with('\n')) text += newline;
  if (!text.empty() && !is_blank(lines_of(text).back())) text += newline;
  return text + source_block(source, newline);
}

SourceRemoval without_source_block(std::string_view file_text, std::uint32_t line_in_block) {
  const std::vector<std::string_view> lines = lines_of(file_text);
  if (line_in_block == 0 || line_in_block > lines.size()) return {std::nullopt, "no such line in the file"};
  // The block's header: the nearest header at or above the line.
  std::size_t header = line_in_block - 1;
  while (!is_any_header(lines[header]) || is_block_subtable(lines[header])) {
    if (header == 0) return {std::nullopt, "line " + std::to_string(line_in_block) + " is in no [[source]] block"};
    --header;
  }
  if (!is_source_header(lines[header]))
    return {std::nullopt, "line " + std::to_string(line_in_block) + " is in no [[source]] block"};
  std::size_t next = header + 1;  // the next table's header, or the end
  while (next < lines.size() && !(is_any_header(lines[next]) && !is_block_subtable(lines[next]))) ++next;
  std::size_t end = next;  // one past the block's last key line
  while (end > header + 1 && (is_blank(lines[end - 1]) || is_comment(lines[end - 1]))) --end;
  std::size_t begin = header;  // its comment lines right above it go with it
  while (begin > 0 && is_comment(lines[begin - 1])) --begin;
  // One blank line of the two that would now touch goes too.
  const bool is_blank_before = begin == 0 || is_blank(lines[begin - 1]);
  if (is_blank_before && end < lines.size() && is_blank(lines[end])) {
    ++end;
  } else if (begin > 0 && is_blank(lines[begin - 1]) && end == lines.size()) {
    --begin;
  }
  std::string text;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (i < begin || i >= end) text += lines[i];
  return {std::move(text), ""};
}

}  // namespace tributary::config
