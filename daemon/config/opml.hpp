// Sources from OPML 2.0 subscription lists, as feed readers export them:
// every <outline> with an xmlUrl is a source; its title (or text) names it;
// the folders it sits in and its category attribute become tags.
// Lenient per outline: `feed://` and `feed:https://` URLs are read as http(s),
// an outline whose xmlUrl is still not an absolute http(s) URL is skipped
// with a warning, and the others load. A file that cannot be read or is not
// OPML at all is an error.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace tributary::config {

struct OpmlLoad {
  std::vector<SourceSpec> sources;
  std::vector<ConfigError> errors;    // FILE:LINE:COL, like the TOML errors
  std::vector<ConfigError> warnings;  // outlines skipped or cleaned
};

// Reads at most kMaxOpmlFileBytes (config/sections.hpp) of a regular file.
OpmlLoad load_opml_file(const std::filesystem::path& path);
OpmlLoad parse_opml(std::string_view bytes, const std::string& file_label);

}  // namespace tributary::config
