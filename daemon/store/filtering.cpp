// [[filter]] in the store (store.hpp, "Filters"): the verdict on an
// incoming item, the re-evaluation of what is stored a batch at a time, and
// the stored items as filters see them. The verdict is a label in
// items.filtered_by; every query for rendering (queries.cpp) and a story's
// choice of its primary (refresh_story) pass over hidden items.
#include <algorithm>
#include <set>

#include "store/rows.hpp"
#include "store/sql_store.hpp"

namespace tributary::store {
namespace {

// Names and e-mail addresses, each once (author_name/author_email are the
// first author's, and rows older than schema 5 have only them).
std::vector<std::string> author_texts(const std::vector<normalize::Author>& authors, const std::string& name,
                                      const std::string& email) {
  std::vector<std::string> texts;
  const auto add = [&texts](const std::string& text) {
    if (!text.empty() && std::find(texts.begin(), texts.end(), text) == texts.end()) texts.push_back(text);
  };
  for (const normalize::Author& author : authors) {
    add(author.name);
    add(author.email);
  }
  add(name);
  add(email);
  return texts;
}

constexpr std::string_view kFilterableColumns =
    "SELECT items.id, sources.config_url, "
    "CASE WHEN sources.is_named <> 0 OR sources.title = '' THEN sources.name ELSE sources.title END, sources.tags, "
    "items.title, items.content_html, items.summary_html, items.url, items.authors, items.author_name, "
    "items.author_email, items.categories, items.filtered_by, items.story_id "
    "FROM items JOIN sources ON sources.id = items.source_id WHERE items.id > ?1 ORDER BY items.id LIMIT ?2";

FilterableItem read_filterable(Statement& row) {
  FilterableItem item;
  item.item_id = row.int64(0);
  item.source_url = row.text(1);
  item.source_name = row.text(2);
  item.source_tags = rows::strings_from_json(row.text(3));
  item.title = row.text(4);
  item.content_text = rows::item_text(row.text(5), row.text(6));
  item.url = row.text(7);
  item.authors = author_texts(rows::authors_from_json(row.text(8)), row.text(9), row.text(10));
  item.categories = rows::strings_from_json(row.text(11));
  item.filtered_by = row.text(12);
  return item;
}

}  // namespace

filter::ItemFields item_fields(const FilterableItem& item) {
  return {item.title, item.content_text, item.url, item.authors, item.categories};
}

filter::SourceFacts source_facts(const FilterableItem& item) { return {item.source_url, item.source_tags}; }

void SqlStore::set_filters(std::shared_ptr<const filter::FilterSet> filters, std::string signature) {
  options_.filters = std::move(filters);
  options_.filter_signature = std::move(signature);
  refilter_after_ = 0;
}

std::string SqlStore::filter_verdict(std::int64_t source_id, const normalize::Entry& entry) {
  if (!options_.filters || options_.filters->empty()) return {};
  if (!filter_source_ || filter_source_->id != source_id) {
    Statement& select = db_.cached("SELECT config_url, tags FROM sources WHERE id = ?1");
    select.bind(1, source_id);
    filter_source_ = FilterSource{source_id, {}, {}};
    if (select.step()) {
      filter_source_->url = select.text(0);
      filter_source_->tags = rows::strings_from_json(select.text(1));
    }
    select.reset();
  }
  const std::string text = rows::item_text(entry.content_html, entry.summary_html);
  const std::vector<std::string> authors = author_texts(entry.authors, entry.author_name, entry.author_email);
  const filter::ItemFields fields{entry.title, text, entry.url, authors, entry.categories};
  const auto hidden_by = options_.filters->hidden_by(fields, {filter_source_->url, filter_source_->tags});
  return hidden_by ? options_.filters->label(*hidden_by) : std::string();
}

std::vector<FilterableItem> SqlStore::filterable_items(std::int64_t after_id, std::size_t limit) {
  Statement& select = db_.cached(std::string(kFilterableColumns));
  select.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<FilterableItem> items;
  while (select.step()) items.push_back(read_filterable(select));
  select.reset();
  return items;
}

RefilterStep SqlStore::refilter(std::size_t batch, core::Timestamp now) {
  return noting_writability(
      [&] { return refilter_batch(std::max<std::size_t>(batch, 1), core::to_unix_seconds(now)); });
}

// One transaction per batch: the writer serves polls between batches, and
// a crash loses one batch's work at most (the signature is written with
// the last one, so the next start judges everything again).
RefilterStep SqlStore::refilter_batch(std::size_t batch, std::int64_t now) {
  RefilterStep step;
  Statement& state = db_.cached("SELECT signature FROM filter_state WHERE id = 1");
  const std::string stored = state.step() ? state.text(0) : std::string();
  state.reset();
  if (stored == options_.filter_signature && refilter_after_ == 0) {
    step.is_done = true;
    return step;
  }
  Transaction transaction(db_);
  filter_source_.reset();  // sources' tags may have changed with the config
  Statement& select = db_.cached(std::string(kFilterableColumns));
  std::set<std::int64_t> stories;
  std::vector<std::pair<std::int64_t, std::string>> changes;
  std::int64_t after = refilter_after_;
  select.bind(1, after).bind(2, static_cast<std::int64_t>(batch));
  while (select.step()) {
    const FilterableItem item = read_filterable(select);
    ++step.examined;
    after = item.item_id;
    std::optional<std::size_t> hidden_by;
    if (options_.filters) hidden_by = options_.filters->hidden_by(item_fields(item), source_facts(item));
    std::string verdict = hidden_by ? options_.filters->label(*hidden_by) : std::string();
    if (verdict == item.filtered_by) continue;
    if (item.filtered_by.empty())
      ++step.hidden;
    else if (verdict.empty())
      ++step.shown;  // else hidden still, by another filter
    stories.insert(select.int64(13));
    changes.emplace_back(item.item_id, std::move(verdict));
  }
  select.reset();
  for (const auto& [item_id, verdict] : changes)
    db_.cached("UPDATE items SET filtered_by = ?2 WHERE id = ?1").bind(1, item_id).bind(2, verdict).run();
  for (const std::int64_t story_id : stories) refresh_story(story_id, now);
  if (step.examined < batch) {
    db_.cached(
           "INSERT INTO filter_state (id, signature) VALUES (1, ?1) "
           "ON CONFLICT (id) DO UPDATE SET signature = excluded.signature")
        .bind(1, options_.filter_signature)
        .run();
    after = 0;
    step.is_done = true;
  }
  transaction.commit();
  refilter_after_ = after;  // only once the batch is in: a failed one is done again
  return step;
}

}  // namespace tributary::store
