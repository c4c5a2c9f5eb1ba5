// The configuration file as `add` and `remove` change it: read whole, the
// new text checked as `tributary check` would before it replaces the old,
// and the replacement atomic (a temporary file in the same directory, with
// the same mode, renamed over it), so that a crash or a full disk leaves
// the old file or the new one, never half of one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace tributary::app {

struct ConfigFileEdit {
  std::filesystem::path path;
  std::string original;   // the bytes as read
  config::Config config;  // as loaded from them
};

// Reads and loads `path`; nullopt after printing the errors (prefixed with
// `command`) when it cannot be read or is invalid: nothing is edited then.
std::optional<ConfigFileEdit> open_config_for_edit(const std::filesystem::path& path, std::string_view command);

// Checks `text` as the file's new content (printing the errors, and that
// the file was left unchanged), then writes it in place of the original —
// unless the file changed since it was read. The new configuration, or
// nullopt when nothing was written.
std::optional<config::Config> commit_config_edit(const ConfigFileEdit& edit, const std::string& text,
                                                 std::string_view command);

}  // namespace tributary::app
