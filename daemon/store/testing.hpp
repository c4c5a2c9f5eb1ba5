// For tests and benches only: the SQLite database behind a Store, for
// checks that read (or damage) it with raw SQL, and the RAII SQLite layer
// (store/sqlite.hpp) to open a daemon's database file from outside. The
// daemon's modules never include this: they see store/store.hpp alone.
#pragma once

#include "store/postgresql_engine.hpp"
#include "store/sql_store.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_engine.hpp"
#include "store/store.hpp"

namespace tributary::store {

// Store's friend: the one way past its front door.
class StoreTesting {
 public:
  static Database& database_of(Store& store) { return store.impl_->database(); }
  static StoreEngine& engine_of(Store& store) { return store.impl_->engine(); }
};

// The store's connection: statements run on it see (and change) what the
// store sees.
inline Database& database_of(Store& store) { return StoreTesting::database_of(store); }

// The SQLite connection of a store on SQLite (throws for another engine):
// for checks of what only SQLite has (its handle, user_version).
inline SqliteDatabase& sqlite_database_of(Store& store) {
  auto* sqlite = dynamic_cast<SqliteEngine*>(&StoreTesting::engine_of(store));
  if (!sqlite) throw StoreError("not an SQLite store");
  return sqlite->sqlite();
}

// The indexer of a store on an SQLite file (null for ":memory:"; throws
// for another engine).
inline SearchIndexer* search_indexer_of(Store& store) {
  auto* sqlite = dynamic_cast<SqliteEngine*>(&StoreTesting::engine_of(store));
  if (!sqlite) throw StoreError("not an SQLite store");
  return sqlite->search_indexer();
}

}  // namespace tributary::store
