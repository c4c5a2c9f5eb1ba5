// [[filter]]: block and keep rules over the items of some or all sources
// (README "Filters"). The pattern is compiled here once, as the daemon will
// compile it (config/filter_pattern.hpp), so that `check` and a reload
// refuse what the daemon could not run; source names are resolved to URLs
// once every source (OPML lists included) is known.
#include <algorithm>
#include <unordered_map>

#include "config/filter_pattern.hpp"
#include "config/sections.hpp"
#include "core/core.hpp"

namespace tributary::config {

std::string_view to_string(FilterAction action) { return action == FilterAction::block ? "block" : "keep"; }

std::string_view to_string(FilterField field) {
  switch (field) {
    case FilterField::title:
      return "title";
    case FilterField::content:
      return "content";
    case FilterField::author:
      return "author";
    case FilterField::category:
      return "category";
    case FilterField::url:
      return "url";
    case FilterField::any:
      return "any";
  }
  return "title";
}

void read_filter(TableReader& reader, const toml::table& table, ReadContext& context) {
  ErrorSink& errors = context.errors;
  FilterSpec filter;
  filter.defined_at = errors.location(table.source());
  const auto action =
      reader.one_of<FilterAction>("action", {{"block", FilterAction::block}, {"keep", FilterAction::keep}});
  if (!action && !table.contains("action"))
    errors.add(table.source(), "[[filter]] has no action (\"block\" or \"keep\")");
  const auto field = reader.one_of<FilterField>("field", {{"title", FilterField::title},
                                                          {"content", FilterField::content},
                                                          {"author", FilterField::author},
                                                          {"category", FilterField::category},
                                                          {"url", FilterField::url},
                                                          {"any", FilterField::any}});
  if (!field && !table.contains("field"))
    errors.add(table.source(), "[[filter]] has no field (title, content, author, category, url or any)");
  const auto pattern =
      reader.checked_string("pattern", [](const std::string& value) { return compile_filter_pattern(value).error; });
  if (!pattern && !table.contains("pattern")) errors.add(table.source(), "[[filter]] has no pattern");
  if (auto sources = reader.string_array("sources")) {
    const toml::array& written = *table.get("sources")->as_array();
    for (std::size_t i = 0; i < sources->size(); ++i)
      filter.source_locations.push_back(errors.location(written[i].source()));
    filter.sources = std::move(*sources);
  }
  if (auto tags = reader.tags("tags")) filter.tags = std::move(*tags);
  if (!action || !field || !pattern) return;
  filter.action = *action;
  filter.field = *field;
  filter.pattern = *pattern;
  context.config.filters.push_back(std::move(filter));
}

// A filter names its sources by name or URL, as a channel does; both
// become the configured URL. A name no source has is an error where it is
// written (a typo would otherwise scope the filter to nothing, silently).
void resolve_filter_sources(Config& config, ErrorSink& errors) {
  if (config.filters.empty()) return;
  std::unordered_map<std::string, const SourceSpec*> by_handle;
  for (const SourceSpec& source : config.sources)
    for (const std::string& handle : {source.name, source.url, core::canonical_url(source.url)})
      by_handle.emplace(handle, &source);
  for (FilterSpec& filter : config.filters) {
    std::vector<std::string> urls;
    for (std::size_t i = 0; i < filter.sources.size(); ++i) {
      const std::string& wanted = filter.sources[i];
      auto found = by_handle.find(wanted);
      if (found == by_handle.end()) found = by_handle.find(core::canonical_url(wanted));
      if (found == by_handle.end()) {
        errors.add(filter.source_locations.at(i),
                   "filter.sources: no source is named or has the URL " + in_quotes(core::redact_url(wanted)));
        continue;
      }
      if (std::find(urls.begin(), urls.end(), found->second->url) == urls.end()) urls.push_back(found->second->url);
    }
    filter.sources = std::move(urls);
  }
}

}  // namespace tributary::config
