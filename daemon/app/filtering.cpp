// The daemon's side of [[filter]] (filtering.hpp) and `tributary filter
// test`, the preview of the configuration file's filters over the store.
#include "app/filtering.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/pid_file.hpp"
#include "app/store_location.hpp"
#include "core/core.hpp"
#include "filter/filter.hpp"

namespace tributary::app {

void RefilterTotals::add(const store::RefilterStep& step) {
  examined += step.examined;
  hidden += step.hidden;
  shown += step.shown;
}

void log_refilter(const RefilterTotals& totals) {
  if (totals.examined == 0) return;
  spdlog::info("filters: {} stored item{} hidden, {} shown again ({} judged)", totals.hidden,
               totals.hidden == 1 ? "" : "s", totals.shown, totals.examined);
}

RefilterTotals refilter_now(store::Store& store) {
  RefilterTotals totals;
  for (;;) {
    const store::RefilterStep step = store.refilter(store::Store::kRefilterBatch, core::now_utc());
    totals.add(step);
    if (step.is_done) return totals;
  }
}

namespace {

// "every source", "sources Alpha, https://b.example/feed; tags tech"
std::string scope_text(const config::FilterSpec& filter, const config::Config& config) {
  if (filter.sources.empty() && filter.tags.empty()) return "every source";
  std::string text;
  for (const std::string& url : filter.sources) {
    std::string shown = core::redact_url(url);
    for (const config::SourceSpec& source : config.sources)
      if (source.url == url) shown = source.name;
    text += (text.empty() ? "sources " : ", ") + shown;
  }
  for (std::size_t i = 0; i < filter.tags.size(); ++i)
    text += (i == 0 ? (text.empty() ? "tags " : "; tags ") : ", ") + filter.tags[i];
  return text;
}

std::string items_text(std::size_t count) { return std::to_string(count) + (count == 1 ? " item" : " items"); }

void print_preview(const filter::Preview& preview, const filter::FilterSet& filters, const config::Config& config) {
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const config::FilterSpec& spec = filters.spec(i);
    const bool is_block = spec.action == config::FilterAction::block;
    std::cout << "filter " << (i + 1) << ": " << filters.label(i) << ", " << scope_text(spec, config) << ": would "
              << (is_block ? "block " : "keep out ") << items_text(preview.filters[i].hidden) << "\n";
    for (const std::string& example : preview.filters[i].examples) std::cout << "    " << example << "\n";
    if (preview.filters[i].hidden > preview.filters[i].examples.size())
      std::cout << "    … and " << (preview.filters[i].hidden - preview.filters[i].examples.size()) << " more\n";
  }
  std::cout << "in all: " << preview.hidden << " of " << items_text(preview.items) << " hidden by the file ("
            << preview.hidden_now << " hidden now; " << preview.newly_hidden << " more would be hidden, "
            << preview.shown_again << " shown again)\n";
}

}  // namespace

int test_filters(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return kExitBadConfig;
  const std::filesystem::path database = resolve_database_path(config->storage.database);
  const bool is_sqlite = config->storage.backend == config::StorageBackend::sqlite;
  if (is_sqlite && !std::filesystem::exists(database)) {
    std::cerr << "tributary filter test: no database at " << database.string()
              << " (has tributary run yet? filters are tested on stored items)\n";
    return kExitFailure;
  }
  const filter::FilterSet filters(config->filters);
  filter::Preview preview(filters.size());
  try {
    store::Store db(configured_store(*config));
    for (std::int64_t after = 0;;) {
      const std::vector<store::FilterableItem> items = db.filterable_items(after, store::Store::kRefilterBatch);
      for (const store::FilterableItem& item : items)
        preview.add(filters.hidden_by(store::item_fields(item), store::source_facts(item)), !item.filtered_by.empty(),
                    item.title, item.source_name);
      if (items.size() < store::Store::kRefilterBatch) break;
      after = items.back().item_id;
    }
  } catch (const std::exception& error) {
    std::cerr << "tributary filter test: " << error.what() << "\n";
    return kExitFailure;
  }
  std::cout << config_path << ": " << filters.size() << (filters.size() == 1 ? " filter" : " filters") << " over "
            << items_text(preview.items) << " stored in " << database.string() << " (nothing is changed)\n";
  print_preview(preview, filters, *config);
  return kExitOk;
}

}  // namespace tributary::app
