// Shared helpers for store tests: real feed documents through the real
// parser and normalizer into a store, on either engine.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "parse/parse.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"
#include "support/postgres_cluster.hpp"
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

// dedup/boilerplate.xml: the item that edit_coach_item changes.
inline constexpr char kCoachTitle[] = "Football club signs a new head coach";

// An edit of dedup/boilerplate.xml: the coach item's text becomes one about
// an ocelot (no "assistant" left). False when the feed has no such item.
inline bool edit_coach_item(normalize::NormalizedFeed& feed) {
  bool is_edited = false;
  for (normalize::Entry& entry : feed.entries)
    if (entry.title == kCoachTitle) {
      entry.summary_html = "<p>The club thanks the ocelot.</p>";
      entry.text = "The club thanks the ocelot.";
      is_edited = true;
    }
  return is_edited;
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

// A suite whose tests run on both engines: SQLite (a database in memory,
// or a file for what must be reopened) and PostgreSQL (a fresh database of
// the tests' throwaway cluster per store; skipped, saying why, where the
// cluster cannot start). Declare one with STORE_TESTS_ON_BOTH_ENGINES and
// write its tests with TEST_P.
class EngineTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::postgresql && !testing::PostgresCluster::shared())
      GTEST_SKIP() << testing::PostgresCluster::shared_skip_reason();
  }
  void TearDown() override {
    if (testing::PostgresCluster* cluster = testing::PostgresCluster::shared(); cluster && !databases_.empty())
      for (const std::string& name : databases_) cluster->drop_database(name);
  }

  // An empty store of its own.
  Store open_store(StoreOptions options = {}) {
    if (GetParam() == Engine::sqlite) return Store(":memory:", std::move(options));
    return Store(new_location(), std::move(options));
  }
  // A new place for a store that is opened more than once (every call: another).
  StoreLocation new_location() {
    if (GetParam() == Engine::sqlite)
      return StoreLocation::sqlite((directory_.path() / ("store" + std::to_string(++files_) + ".db")).string());
    testing::PostgresCluster& cluster = *testing::PostgresCluster::shared();
    databases_.push_back(cluster.unique_database_name("store"));
    return StoreLocation::postgresql(cluster.create_database(databases_.back()));
  }

 private:
  testing::TempDir directory_;
  int files_ = 0;
  std::vector<std::string> databases_;
};

inline std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::sqlite ? "sqlite" : "postgresql";
}

}  // namespace tributary::store::test

// The fixture `suite` of EngineTest, instantiated for both engines.
#define STORE_TESTS_ON_BOTH_ENGINES(suite)                                                                           \
  class suite : public ::tributary::store::test::EngineTest {};                                                      \
  INSTANTIATE_TEST_SUITE_P(                                                                                          \
      Engines, suite, ::testing::Values(::tributary::store::Engine::sqlite, ::tributary::store::Engine::postgresql), \
      ::tributary::store::test::engine_name)
