// The config module's room for its tables: one reader per top-level table
// ([server], [[source]], …), the ranges of their values, and the limits of
// the files a config names. config.cpp holds the service tables, storage.cpp
// [storage], sources.cpp the sources and channels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/table_reader.hpp"

namespace tributary::config {

// Ranges of durations. Each bound is far below what chrono arithmetic in
// nanoseconds can hold (±292 years), so `now + interval` never overflows.
inline constexpr DurationRange kTimeoutRange{Seconds{1}, Seconds{3600}};             // 1s … 1h
inline constexpr DurationRange kDelayRange{Seconds{0}, Seconds{3600}};               // 0s … 1h
inline constexpr DurationRange kIntervalRange{Seconds{1}, Seconds{365 * 86400}};     // 1s … 365d
inline constexpr DurationRange kStoryWindowRange{Seconds{1}, Seconds{365 * 86400}};  // 1s … 365d
inline constexpr DurationRange kAgeRange{Seconds{1}, Seconds{36500LL * 86400}};      // 1s … 100 years
// A fetched body is held in memory (compressed and decoded).
inline constexpr SizeRange kBodySizeRange{1024, 1024ULL * 1024 * 1024};  // 1KiB … 1GiB

// The files a config names are read whole, at most this much.
inline constexpr std::uint64_t kMaxConfigFileBytes = 4 * 1024 * 1024;
inline constexpr std::uint64_t kMaxOpmlFileBytes = 16 * 1024 * 1024;
inline constexpr std::uint64_t kMaxPasswordFileBytes = 64 * 1024;
inline constexpr std::uint64_t kMaxCaFileBytes = 16 * 1024 * 1024;

// What the table readers share while one file is read.
struct ReadContext {
  Config& config;
  ErrorSink& errors;
  // Names written in [[source]] tables → where, to refuse a second one.
  std::map<std::string, Location, std::less<>> source_names;
};

using SectionReadFn = void (*)(TableReader& reader, const toml::table& table, ReadContext& context);

struct Section {
  std::string_view name;
  bool is_array_of_tables;  // [[source]]: one table per entry
  SectionReadFn read;
};

// storage.cpp: [storage].
void read_storage(TableReader& reader, const toml::table& table, ReadContext& context);

// sources.cpp: [sources], [[source]], [[channel]] and what follows them.
void read_sources_table(TableReader& reader, const toml::table& table, ReadContext& context);
void read_source(TableReader& reader, const toml::table& table, ReadContext& context);
void read_channel(TableReader& reader, const toml::table& table, ReadContext& context);
// After every table is read: duplicates, the OPML lists, channels' sources.
void reject_duplicate_sources(const Config& config, ErrorSink& errors);
void merge_opml_sources(Config& config, ErrorSink& errors);
void resolve_channel_sources(Config& config, ErrorSink& errors);

// websub.cpp: [websub] and [[push]] (after [[channel]], which a push names).
void read_websub(TableReader& reader, const toml::table& table, ReadContext& context);
void read_push(TableReader& reader, const toml::table& table, ReadContext& context);

// podcast.cpp: the podcast keys of [feed] and [[channel]] (PodcastSettings),
// and after every table is read, a warning for each podcast feed that lacks
// a setting podcast apps require.
void read_podcast_settings(TableReader& reader, const toml::table& table, ReadContext& context,
                           PodcastSettings& settings);
void warn_incomplete_podcasts(const Config& config, ErrorSink& errors);

// filters.cpp: [[filter]], and after every source is read, the names in
// each filter's `sources` resolved to URLs.
void read_filter(TableReader& reader, const toml::table& table, ReadContext& context);
void resolve_filter_sources(Config& config, ErrorSink& errors);

// A path in the config, relative to the config file's directory.
std::filesystem::path beside_config(const std::string& config_file, const std::string& path);

}  // namespace tributary::config
