// Shared helpers for store tests: real feed documents through the real
// parser and normalizer into a store.
#pragma once

#include <stdexcept>
#include <string>

#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "parse/parse.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"
#include "support/temp_dir.hpp"

namespace tributary::store::test {

// One integer from a query of one row (counts, pragmas).
inline std::int64_t single_integer(Database& db, std::string_view sql) {
  Statement& statement = db.cached(sql);
  statement.step();
  const std::int64_t value = statement.int64(0);
  statement.reset();
  return value;
}

inline core::Timestamp at(std::string_view rfc3339) { return *core::parse_rfc3339(rfc3339); }

inline normalize::NormalizedFeed load_feed(const std::string& name) {
  const std::string bytes = testing::read_text_file(testing::fixtures_dir() / name);
  parse::ParseOutcome parsed = parse::parse_feed(bytes, {"https://feeds.example/" + name, {}, {}});
  if (!parsed.feed) throw std::runtime_error(name + ": " + parsed.error);
  return normalize::normalize_feed(*parsed.feed, {"https://feeds.example/" + name, at("2025-12-18T00:00:00Z")});
}

inline config::SourceSpec spec(const std::string& url, const std::string& name = "Source",
                               std::vector<std::string> tags = {}) {
  config::SourceSpec source;
  source.url = url;
  source.name = name;
  source.is_named = true;
  source.tags = std::move(tags);
  return source;
}

// Ingests a fixture as the document of the source named after it.
inline IngestResult ingest_fixture(Store& store, const std::string& name,
                                   core::Timestamp now = at("2025-12-17T12:00:00Z")) {
  const auto id = store.ensure_source(spec("https://feeds.example/" + name, name));
  return store.ingest(id, load_feed(name), now);
}

inline std::int64_t count(Store& store, const std::string& sql) {
  Statement& statement = database_of(store).cached(sql);
  statement.step();
  const std::int64_t value = statement.int64(0);
  statement.reset();
  return value;
}

}  // namespace tributary::store::test
