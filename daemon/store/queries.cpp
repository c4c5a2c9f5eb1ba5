// Queries for rendering: the newest stories, filtered by source, tag or
// full text, paged by a (sort time, story id) cursor.
#include <algorithm>
#include <map>
#include <set>

#include "core/text.hpp"
#include "core/url.hpp"
#include "store/rows.hpp"
#include "store/sql_store.hpp"

namespace tributary::store {
namespace {

using rows::timestamp_or_null;

constexpr std::string_view kEntryColumns =
    "SELECT items.id, items.story_id, sources.config_url, "
    "CASE WHEN sources.is_named <> 0 OR sources.title = '' THEN sources.name ELSE sources.title END, "
    "sources.title, sources.site_url, "
    "sources.url, sources.feed_id, sources.feed_updated, items.first_seen, items.sort_time, items.identity_key, "
    "items.original_id, items.title, items.url, items.canonical_url, items.author_name, items.author_email, "
    "items.summary_html, items.content_html, items.categories, items.enclosures, items.lang, items.published, "
    "items.updated, items.fingerprint, items.is_republished, stories.primary_item_id, items.authors, items.episode, "
    "sources.podcast_image_url, sources.podcast_author, sources.podcast_category, sources.podcast_subcategory "
    "FROM items JOIN sources ON sources.id = items.source_id JOIN stories ON stories.id = items.story_id ";

StoredEntry read_entry(Statement& row) {
  StoredEntry stored;
  stored.item_id = row.int64(0);
  stored.story_id = row.int64(1);
  stored.source_config_url = row.text(2);
  stored.source_name = row.text(3);
  stored.source_title = row.text(4);
  stored.source_site_url = row.text(5);
  stored.source_feed_url = row.text(6);
  stored.source_feed_id = row.text(7);
  stored.source_updated = timestamp_or_null(row.optional_int64(8));
  stored.first_seen = core::from_unix_seconds(row.int64(9));
  stored.sort_time = core::from_unix_seconds(row.int64(10));
  normalize::Entry& entry = stored.entry;
  entry.identity_key = normalize::IdentityKey::from_stored(row.text(11));
  entry.original_id = row.text(12);
  entry.title = row.text(13);
  entry.url = row.text(14);
  entry.canonical_url = row.text(15);
  entry.author_name = row.text(16);
  entry.author_email = row.text(17);
  entry.summary_html = row.text(18);
  entry.content_html = row.text(19);
  entry.categories = rows::strings_from_json(row.text(20));
  entry.enclosures = rows::enclosures_from_json(row.text(21));
  entry.lang = row.text(22);
  entry.published = timestamp_or_null(row.optional_int64(23));
  entry.updated = timestamp_or_null(row.optional_int64(24));
  entry.fingerprint = static_cast<std::uint64_t>(row.int64(25));
  entry.is_republished = row.int64(26) != 0;
  entry.authors = rows::authors_from_json(row.text(28));
  rows::read_episode_json(row.text(29), entry);
  stored.source_podcast_image_url = row.text(30);
  stored.source_podcast_author = row.text(31);
  stored.source_podcast_category = {row.text(32), row.text(33)};
  return stored;
}

}  // namespace

std::vector<StoredEntry> SqlStore::query_stories(const StoryQuery& query) {
  // The statement's shape depends on which filters are present; each shape
  // is prepared once and cached.
  // Items a [[filter]] hides count nowhere: a story is listed for its
  // shown copies only (filtered_by = '').
  std::string sql =
      "SELECT id, sort_time FROM stories WHERE EXISTS (SELECT 1 FROM items WHERE items.story_id = stories.id AND "
      "items.filtered_by = '')";
  if (!query.source_urls.empty())
    sql +=
        " AND id IN (SELECT story_id FROM items WHERE filtered_by = '' AND source_id IN "
        "(SELECT id FROM sources WHERE config_url IN (" +
        db_.json_strings("?1") + ")))";
  if (!query.tags.empty())
    sql +=
        " AND id IN (SELECT story_id FROM items WHERE filtered_by = '' AND source_id IN (SELECT sources.id FROM "
        "sources WHERE EXISTS (" +
        db_.json_strings("sources.tags") + " WHERE value IN (" + db_.json_strings("?2") + "))))";
  const std::string text_query = engine_->search_terms(query.text);
  const bool has_text = !core::trim(query.text).empty();
  if (has_text)
    sql += " AND id IN (SELECT story_id FROM items WHERE filtered_by = '' AND id IN (" +
           engine_->search_condition("?3") + "))";
  if (query.before) sql += " AND (sort_time < ?4 OR (sort_time = ?4 AND id < ?5))";
  sql += " ORDER BY sort_time DESC, id DESC LIMIT ?6";

  if (has_text && text_query.empty()) return {};  // only punctuation: nothing can match
  // What this store ingested is searchable at once; another connection's
  // backlog is indexed by its writer (see update_search_index) — where a
  // thread of its own indexes, the passes the writer asked for (at its last
  // lull) are waited for, so that a search sees what the feed shows.
  if (has_text && search_queued_ != std::size_t{0}) {
    try {
      update_search_index();
    } catch (const StoreError&) {
      // Writes fail (disk full): search what is indexed.
    }
  } else if (has_text && engine_->indexes_in_background()) {
    engine_->wait_for_asked_search_passes(kAskedPassesWait);
  }
  Statement& select = db_.cached(sql);
  if (!query.source_urls.empty()) select.bind(1, rows::strings_json(query.source_urls));
  if (!query.tags.empty()) select.bind(2, rows::strings_json(query.tags));
  if (has_text) select.bind(3, text_query);
  if (query.before) {
    select.bind(4, core::to_unix_seconds(query.before->sort_time));
    select.bind(5, query.before->story_id);
  }
  select.bind(6, static_cast<std::int64_t>(query.limit));
  std::vector<std::int64_t> story_ids;
  std::map<std::int64_t, std::int64_t> sort_times;
  while (select.step()) {
    story_ids.push_back(select.int64(0));
    sort_times[story_ids.back()] = select.int64(1);
  }
  select.reset();
  std::vector<StoredEntry> entries = load_stories(story_ids, query.source_urls);
  for (StoredEntry& stored : entries)
    stored.cursor = {core::from_unix_seconds(sort_times[stored.story_id]), stored.story_id};
  return entries;
}

std::vector<StoredEntry> SqlStore::load_stories(const std::vector<std::int64_t>& story_ids,
                                                const std::vector<std::string>& shown_sources) {
  if (story_ids.empty()) return {};
  Statement& select = db_.cached(std::string(kEntryColumns) + "WHERE items.story_id IN (" + db_.json_integers("?1") +
                                 ") AND items.filtered_by = '' "
                                 "ORDER BY items.story_id, items.is_republished, items.sort_time, items.id");
  select.bind(1, rows::integers_json(story_ids));
  // Every copy of each story, the primary first, then in the order a
  // story picks its primary (originals before republished, oldest first).
  std::map<std::int64_t, std::vector<StoredEntry>> copies;
  while (select.step()) {
    StoredEntry stored = read_entry(select);
    std::vector<StoredEntry>& story = copies[stored.story_id];
    const bool is_primary = stored.item_id == select.int64(27);
    story.push_back(std::move(stored));
    if (is_primary) std::rotate(story.begin(), story.end() - 1, story.end());
  }
  select.reset();
  const auto is_shown_source = [&](const StoredEntry& stored) {
    return std::find(shown_sources.begin(), shown_sources.end(), stored.source_config_url) != shown_sources.end();
  };
  std::vector<StoredEntry> result;
  result.reserve(story_ids.size());
  for (const std::int64_t id : story_ids) {
    auto story = copies.find(id);
    if (story == copies.end() || story->second.empty()) continue;
    std::vector<StoredEntry>& items = story->second;
    // A view of some sources shows their own copy of a story (their title,
    // link and author); the story's primary becomes one of the others.
    auto shown = items.begin();
    if (!shown_sources.empty() && !is_shown_source(*shown)) {
      const auto own = std::find_if(items.begin(), items.end(), is_shown_source);
      if (own != items.end()) shown = own;
    }
    StoredEntry entry = std::move(*shown);
    // The other outlets' distinct articles, each by its canonical URL (no
    // tracking parameters): never the entry's own page (an AMP or mobile
    // edition of it, or its URL with other parameters, is the same page),
    // never one page twice (one blog subscribed as Atom and as RSS).
    const auto page_of = [](const normalize::Entry& copy) {
      return core::story_url_key(copy.canonical_url.empty() ? copy.url : copy.canonical_url);
    };
    std::set<std::string> linked = {page_of(entry.entry)};
    for (auto copy = items.begin(); copy != items.end(); ++copy) {
      if (copy == shown || copy->entry.url.empty() || !linked.insert(page_of(copy->entry)).second) continue;
      const std::string& link = copy->entry.canonical_url.empty() ? copy->entry.url : copy->entry.canonical_url;
      entry.copies.push_back({copy->source_name, link});
    }
    result.push_back(std::move(entry));
  }
  return result;
}

std::map<std::int64_t, std::vector<int>> SqlStore::items_per_day(core::Timestamp now, int days) {
  constexpr std::int64_t kDay = 86400;
  const std::int64_t today = core::to_unix_seconds(now) / kDay;
  const std::int64_t first_day = today - days + 1;
  std::map<std::int64_t, std::vector<int>> counts;
  // Per source, so that each count is a range scan of items_by_source.
  std::vector<std::int64_t> source_ids;
  Statement& ids = db_.cached("SELECT id FROM sources");
  while (ids.step()) source_ids.push_back(ids.int64(0));
  Statement& select = db_.cached(
      "SELECT sort_time / 86400, count(*) FROM items WHERE source_id = ?1 AND sort_time >= ?2 AND sort_time < ?3 "
      "AND filtered_by = '' GROUP BY 1");
  for (const std::int64_t source_id : source_ids) {
    std::vector<int>& per_day = counts[source_id];
    per_day.assign(static_cast<std::size_t>(days), 0);
    select.reset();
    select.bind(1, source_id).bind(2, first_day * kDay).bind(3, (today + 1) * kDay);
    while (select.step()) {
      const std::int64_t day = select.int64(0) - first_day;
      if (day >= 0 && day < days) per_day[static_cast<std::size_t>(day)] = static_cast<int>(select.int64(1));
    }
  }
  return counts;
}

std::int64_t SqlStore::story_count() {
  Statement& select = db_.cached("SELECT count(*) FROM stories");
  select.step();
  const std::int64_t count = select.int64(0);
  select.reset();
  return count;
}

}  // namespace tributary::store
