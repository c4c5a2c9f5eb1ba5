// Sources from OPML 2.0 subscription lists, as feed readers export them:
// every <outline> with an xmlUrl is a source; its title (or text) names it;
// the folders it sits in and its category attribute become tags.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace tributary::config {

struct OpmlLoad {
  std::vector<SourceSpec> sources;
  std::vector<ConfigError> errors;  // FILE:LINE:COL, like the TOML errors
};

OpmlLoad load_opml_file(const std::filesystem::path& path);
OpmlLoad parse_opml(std::string_view bytes, const std::string& file_label);

}  // namespace tributary::config
