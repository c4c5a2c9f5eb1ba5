// Edits of a configuration file's text for `tributary add` and `remove`:
// a [[source]] block appended, or one block taken out, every other byte of
// the file kept (comments, layout, line endings). Pure text in, text out;
// the caller validates the result with parse_config before writing it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

struct NewSource {
  std::string name;
  std::string url;
  std::vector<std::string> tags;
  std::string interval;  // as the user wrote it ("1h"); empty: adaptive
};

// A TOML basic string (TOML 1.0 §String): quotes, backslashes and control
// characters escaped.
std::string toml_basic_string(std::string_view text);

// "[[source]]\nname = …\nurl = …\n…", with `newline` ("\n" or "\r\n").
std::string source_block(const NewSource& source, std::string_view newline = "\n");

// `file_text` (its last line terminated if it was not), a blank line, and
// the block, in the file's own line endings.
std::string with_source_appended(std::string_view file_text, const NewSource& source);

// `file_text` without the [[source]] block that holds 1-based line
// `line_in_block` (where config::SourceSpec::defined_at points): from its
// header (and the comment lines right above it) to its last key or
// sub-table line; comments and blank lines after it stay with what follows.
// `error` says why not when the line is in no [[source]] block.
struct SourceRemoval {
  std::optional<std::string> text;
  std::string error;
};
SourceRemoval without_source_block(std::string_view file_text, std::uint32_t line_in_block);

}  // namespace tributary::config
