// copy_store: one store's rows into another, either engine to either
// (`tributary migrate`).
#include <algorithm>

#include "store/rows.hpp"
#include "store/sql_store.hpp"

namespace tributary::store {
namespace {

// In an order that satisfies the foreign keys (sources first). Not copied:
// what each engine keeps of its own (schema version, write turns, the
// search index and its queue, which are built anew).
constexpr std::string_view kTables[] = {"sources",
                                        "items",
                                        "stories",
                                        "tombstones",
                                        "source_listings",
                                        "story_fingerprints",
                                        "websub_subscriptions",
                                        "hub_subscriptions",
                                        "filter_state"};

std::vector<std::string> columns_of(Database& db, std::string_view table) {
  Statement& select = db.cached("SELECT * FROM " + std::string(table) + " LIMIT 0");
  select.step();
  std::vector<std::string> columns;
  for (int column = 0; column < select.column_count(); ++column) columns.push_back(select.column_name(column));
  select.reset();
  return columns;
}

std::int64_t count_rows(Database& db, std::string_view table) {
  Statement& count = db.cached("SELECT count(*) FROM " + std::string(table));
  const std::int64_t rows = count.step() ? count.int64(0) : 0;
  count.reset();
  return rows;
}

std::string joined(const std::vector<std::string>& names, std::string_view separator) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : std::string(separator)) + name;
  return text;
}

// The table's rows, as text (each engine reads its numbers back from it),
// in the columns both schemas have — the PostgreSQL schema's search column
// is the search index, made anew.
std::int64_t copy_table(Database& from, Database& to, std::string_view table) {
  const std::vector<std::string> target = columns_of(to, table);
  std::vector<std::string> columns;
  for (const std::string& column : columns_of(from, table))
    if (std::find(target.begin(), target.end(), column) != target.end()) columns.push_back(column);
  std::vector<std::string> parameters;
  for (std::size_t i = 1; i <= columns.size(); ++i) parameters.push_back("?" + std::to_string(i));
  Statement& select = from.cached("SELECT " + joined(columns, ", ") + " FROM " + std::string(table) + " ORDER BY 1");
  Statement& insert = to.cached("INSERT INTO " + std::string(table) + " (" + joined(columns, ", ") + ") VALUES (" +
                                joined(parameters, ", ") + ")");
  std::int64_t copied = 0;
  while (select.step()) {
    insert.reset();
    for (int column = 0; column < static_cast<int>(columns.size()); ++column) {
      if (select.is_null(column))
        insert.bind_null(column + 1);
      else
        insert.bind(column + 1, select.text(column));
    }
    insert.run();
    ++copied;
  }
  select.reset();
  return copied;
}

}  // namespace

CopyResult copy_store(Store& from_store, Store& to_store, const CopyProgress& progress) {
  Database& from = from_store.impl_->database();
  Database& to = to_store.impl_->database();
  StoreEngine& to_engine = to_store.impl_->engine();
  if (count_rows(to, "sources") > 0)
    throw StoreError("the target database is not empty (it has sources): copy only into a new, empty one");
  CopyResult result;
  // The command refuses while a daemon runs: nobody else writes meanwhile
  // (and on SQLite this holds the write lock).
  Transaction reading(from);
  Transaction writing(to);
  for (const std::string_view table : kTables) {
    const std::int64_t copied = copy_table(from, to, table);
    result.rows.emplace_back(table, copied);
    if (progress) progress(std::string(table), copied);
  }
  Statement& texts = to.cached("SELECT id, title, content_html, summary_html, content_hash FROM items ORDER BY id");
  while (texts.step())
    to_engine.index_for_search(texts.int64(0), false, texts.text(1), rows::item_text(texts.text(2), texts.text(3)),
                               texts.text(4));
  texts.reset();
  to_engine.continue_ids_after_copy();
  for (const auto& [table, copied] : result.rows) {
    const std::int64_t source_rows = count_rows(from, table);
    const std::int64_t target_rows = count_rows(to, table);
    if (source_rows != copied || target_rows != copied)
      throw StoreError("copying " + table + ": " + std::to_string(copied) + " rows read, " +
                       std::to_string(source_rows) + " in the source, " + std::to_string(target_rows) +
                       " in the target (nothing was copied)");
  }
  writing.commit();
  return result;
}

}  // namespace tributary::store
