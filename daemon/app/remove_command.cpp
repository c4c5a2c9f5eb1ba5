// `tributary remove NAME|URL`: that source's [[source]] block taken out of
// the configuration file (the rest kept byte for byte), the result checked
// and written atomically, and the running daemon told to reload. A source
// listed in an OPML file or another file is not this command's to edit: it
// says which file holds it. Exit 0 removed, 1 not (the reason said), 2 an
// invalid configuration.
#include <iostream>

#include "app/commands.hpp"
#include "app/config_file.hpp"
#include "config/source_edit.hpp"
#include "core/core.hpp"

namespace tributary::app {
namespace {

constexpr std::string_view kCommand = "tributary remove";

// The source named so, else the one with that URL (canonical forms
// compared); nullptr when none is.
const config::SourceSpec* find_source(const config::Config& config, const std::string& name_or_url) {
  for (const config::SourceSpec& source : config.sources)
    if (source.name == name_or_url) return &source;
  if (!core::check_http_url(name_or_url).url) return nullptr;
  const std::string wanted = core::canonical_url(name_or_url);
  for (const config::SourceSpec& source : config.sources)
    if (core::canonical_url(source.url) == wanted) return &source;
  return nullptr;
}

bool is_same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code error;
  return a == b || std::filesystem::equivalent(a, b, error);
}

}  // namespace

int remove_source(const std::string& config_path, const std::string& name_or_url) {
  const auto edit = open_config_for_edit(config_path, kCommand);
  if (!edit) return kExitBadConfig;
  const config::SourceSpec* source = find_source(edit->config, name_or_url);
  if (!source) {
    std::cerr << kCommand << ": no source is named or has the URL \"" << core::redact_url(name_or_url) << "\" in "
              << config_path << " (`tributary check` lists them); nothing was removed\n";
    return kExitFailure;
  }
  const std::string where = source->defined_at.file + ":" + std::to_string(source->defined_at.line);
  if (!is_same_file(source->defined_at.file, edit->path)) {
    std::cerr << kCommand << ": \"" << source->name << "\" comes from " << source->defined_at.file << " (" << where
              << "), not from a [[source]] block of " << config_path << "; remove it from that file\n";
    return kExitFailure;
  }
  const config::SourceRemoval removal = config::without_source_block(edit->original, source->defined_at.line);
  if (!removal.text) {
    std::cerr << kCommand << ": " << where << ": " << removal.error << "; nothing was removed\n";
    return kExitFailure;
  }
  const std::string name = source->name;
  const std::string url = core::redact_url(source->url);
  // The cut must take exactly this source: one fewer, and it is gone.
  const config::ConfigLoad check = config::parse_config(*removal.text, edit->path.string());
  if (check.config && (check.config->sources.size() + 1 != edit->config.sources.size() ||
                       find_source(*check.config, source->url) != nullptr)) {
    std::cerr << kCommand << ": " << where << ": the block of \"" << name
              << "\" could not be told apart from its neighbours; nothing was removed (edit the file by hand)\n";
    return kExitFailure;
  }
  const auto config = commit_config_edit(*edit, *removal.text, kCommand);
  if (!config) return kExitFailure;
  std::cout << "removed \"" << name << "\" (" << url << ")\n";
  return tell_daemon_to_reload(*config, config_path) ? kExitOk : kExitFailure;
}

}  // namespace tributary::app
