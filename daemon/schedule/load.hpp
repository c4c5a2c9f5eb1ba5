// Host loads as the configuration and the store tell them — for
// `tributary status` (no daemon needed), /sources.json and the landing page,
// which have no scheduler at hand. The same intervals the scheduler uses: a
// source's pinned interval, else its adaptive one as last stored, else the
// configured first interval; gone and removed sources ask nothing.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "config/config.hpp"
#include "schedule/policy.hpp"
#include "store/store.hpp"

namespace tributary::schedule {

// What the loads need from the configuration.
struct LoadSettings {
  Seconds host_delay{2};
  Seconds first_interval{15 * 60};                  // [schedule] interval
  std::unordered_map<std::string, Seconds> pinned;  // configured URL → [[source]] interval
};
LoadSettings load_settings(const config::Config& config);

// The source's share of its host's budget; nullopt for a gone or removed one.
std::optional<SourceLoad> source_load(const LoadSettings& settings, const store::SourceRecord& record,
                                      core::Timestamp now);

// host_loads() over the records.
std::vector<HostLoad> host_loads(const LoadSettings& settings, std::span<const store::SourceRecord> records,
                                 core::Timestamp now);

}  // namespace tributary::schedule
