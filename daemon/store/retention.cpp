// Retention: per-source limits by count and age (never an item the source's
// latest document still lists), tombstones so purged items never return as
// new, sources removed from the config, and giving pages back.
#include <algorithm>
#include <set>

#include "store/rows.hpp"
#include "store/sql_store.hpp"

namespace tributary::store {

void SqlStore::purge_items(const std::vector<std::int64_t>& item_ids, std::int64_t now) {
  std::set<std::int64_t> stories;
  for (const std::int64_t id : item_ids) {
    Statement& select = db_.cached("SELECT source_id, identity_key, story_id FROM items WHERE id = ?1");
    select.bind(1, id);
    if (!select.step()) {
      select.reset();
      continue;
    }
    const std::int64_t source_id = select.int64(0);
    const std::string key = select.text(1);
    stories.insert(select.int64(2));
    select.reset();
    db_.cached(
           "INSERT INTO tombstones (source_id, identity_key, purged_at) VALUES (?1, ?2, ?3) "
           "ON CONFLICT (source_id, identity_key) DO UPDATE SET purged_at = excluded.purged_at")
        .bind(1, source_id)
        .bind(2, key)
        .bind(3, now)
        .run();
    note_index_reshaped();
    db_.cached("DELETE FROM story_fingerprints WHERE item_id = ?1").bind(1, id).run();
    fingerprints_.remove(id);
    if (engine_->indexes_in_background()) {
      queue_for_background_search(id);  // the indexer finds the item gone and drops its entry
    } else {
      engine_->drop_from_search(id);
      db_.cached("DELETE FROM search_pending WHERE item_id = ?1").bind(1, id).run();
      queued_texts_.erase(id);
    }
    db_.cached("DELETE FROM items WHERE id = ?1").bind(1, id).run();
  }
  for (const std::int64_t story : stories) refresh_story(story, now);
}

void SqlStore::apply_source_retention(std::int64_t source_id, std::int64_t now,
                                      const std::vector<std::int64_t>& listed_items) {
  // Two range scans of items_by_source that end at once when nothing is
  // due (this runs after every poll); what the document lists is kept.
  // UNION ALL, made distinct here: UNION kept its rows distinct in a
  // temporary B-tree, opened and closed at every poll.
  Statement& select = db_.cached(
      "SELECT id FROM items WHERE source_id = ?1 AND sort_time < ?2 UNION ALL "
      "SELECT id FROM (SELECT id FROM items WHERE source_id = ?1 ORDER BY sort_time DESC, id DESC "
      "LIMIT 9223372036854775807 OFFSET ?3) AS beyond");
  select.bind(1, source_id).bind(2, now - options_.retention_age.count());
  select.bind(3, static_cast<std::int64_t>(options_.retention_items));
  const std::set<std::int64_t> listed(listed_items.begin(), listed_items.end());
  std::vector<std::int64_t> doomed;
  while (select.step())
    if (const std::int64_t id = select.int64(0); !listed.contains(id)) doomed.push_back(id);
  select.reset();
  std::sort(doomed.begin(), doomed.end());
  doomed.erase(std::unique(doomed.begin(), doomed.end()), doomed.end());
  purge_items(doomed, now);
}

MaintenanceResult SqlStore::maintain(core::Timestamp now_time) {
  return noting_writability([&] { return run_maintenance(now_time); });
}

MaintenanceResult SqlStore::run_maintenance(core::Timestamp now_time) {
  MaintenanceResult result;
  const std::int64_t now = core::to_unix_seconds(now_time);
  {
    Transaction transaction(db_);
    // In a fleet, another daemon may be at it this moment: this one only
    // trims what it holds in memory, and does the rest at its next round.
    const bool is_my_turn = engine_->take_housekeeping_turn();
    // Fingerprints only matter within the story window of new items. Gone
    // before the index is loaded: a daemon starting on a store of old items
    // must not hold them all in memory first (bench/scale: 400 MB of 2
    // million year-old fingerprints at 100,000 sources).
    const std::int64_t fingerprint_cutoff = now - 2 * options_.story_window.count();
    if (is_my_turn) db_.cached("DELETE FROM story_fingerprints WHERE seen_at < ?1").bind(1, fingerprint_cutoff).run();
    sync_fingerprint_index();
    // Not a reshape for the other daemons: keys this old are outside every
    // window looked up, and each daemon's own housekeeping drops them.
    fingerprints_.remove_seen_before(fingerprint_cutoff);  // when it was loaded before
    if (!is_my_turn) {
      transaction.commit();
      result.is_skipped = true;
      return result;
    }
    std::vector<std::int64_t> doomed;
    Statement& old = db_.cached(
        "SELECT items.id FROM sources CROSS JOIN items "
        "WHERE items.source_id = sources.id AND items.sort_time < ?1 AND items.id NOT IN (" +
        db_.json_integers("(SELECT item_ids FROM source_listings WHERE source_listings.source_id = sources.id)") + ")");
    old.bind(1, now - options_.retention_age.count());
    while (old.step()) doomed.push_back(old.int64(0));
    old.reset();
    purge_items(doomed, now);
    result.purged_items += static_cast<int>(doomed.size());

    std::vector<std::int64_t> removed_sources;
    Statement& removed = db_.cached("SELECT id FROM sources WHERE removed_at IS NOT NULL AND removed_at < ?1");
    removed.bind(1, now - options_.removed_source_grace.count());
    while (removed.step()) removed_sources.push_back(removed.int64(0));
    removed.reset();
    for (const std::int64_t source : removed_sources) {
      std::vector<std::int64_t> items;
      Statement& of_source = db_.cached("SELECT id FROM items WHERE source_id = ?1");
      of_source.bind(1, source);
      while (of_source.step()) items.push_back(of_source.int64(0));
      of_source.reset();
      purge_items(items, now);
      result.purged_items += static_cast<int>(items.size());
      db_.cached("DELETE FROM tombstones WHERE source_id = ?1").bind(1, source).run();
      db_.cached("DELETE FROM sources WHERE id = ?1").bind(1, source).run();
      ++result.removed_sources;
    }

    db_.cached("DELETE FROM tombstones WHERE purged_at < ?1").bind(1, now - options_.tombstone_age.count()).run();
    result.expired_tombstones = db_.changes();
    // What is queued now: this round's purges, and what a crash or another
    // connection left.
    engine_->dequeue_indexed();
    const bool has_search_backlog = count_search_pending() > 0;
    if (has_search_backlog && !engine_->indexes_in_background()) index_queued_search(true);
    transaction.commit();
    if (has_search_backlog && engine_->indexes_in_background()) {
      search_queued_.reset();  // this store's next search waits for it
      engine_->start_search_indexing(0, true);
    }
  }
  engine_->give_back_space();
  return result;
}

}  // namespace tributary::store
