// Host loads from the configuration and the store.
#include "schedule/load.hpp"

#include "core/url.hpp"

namespace tributary::schedule {

LoadSettings load_settings(const config::Config& config) {
  LoadSettings settings;
  settings.host_delay = config.schedule.host_delay;
  settings.first_interval = config.schedule.interval;
  for (const config::SourceSpec& source : config.sources)
    if (source.interval) settings.pinned.emplace(source.url, *source.interval);
  return settings;
}

std::optional<SourceLoad> source_load(const LoadSettings& settings, const store::SourceRecord& record,
                                      core::Timestamp now) {
  const std::string state = store::source_state(record, now);
  if (state == "gone" || state == "removed") return std::nullopt;
  SourceLoad load;
  load.host = core::url_host(record.url.empty() ? record.config_url : record.url);
  if (const auto pinned = settings.pinned.find(record.config_url); pinned != settings.pinned.end())
    load.interval = pinned->second;
  else
    load.interval = record.poll_interval.value_or(settings.first_interval);
  return load;
}

std::vector<HostLoad> host_loads(const LoadSettings& settings, std::span<const store::SourceRecord> records,
                                 core::Timestamp now) {
  std::vector<SourceLoad> loads;
  loads.reserve(records.size());
  for (const store::SourceRecord& record : records)
    if (auto load = source_load(settings, record, now)) loads.push_back(std::move(*load));
  return host_loads(loads, settings.host_delay);
}

}  // namespace tributary::schedule
