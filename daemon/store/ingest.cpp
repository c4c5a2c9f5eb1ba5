// Ingest: one poll's document into the store, with the three dedup levels
// of ARCHITECTURE.md — (1) the same item of the same source is updated in
// place; (2) an item whose story URL (canonical, AMP and mobile editions
// read as the article) is already known joins that item's story; (3) an
// item whose text is a copy of another source's item in the time window (a
// teaser, an edited copy: normalize::match_stories) joins that story — and
// the identity-quality fallbacks for feeds whose guids are useless.
#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <string>

#include "core/text.hpp"
#include "core/url.hpp"
#include "normalize/fingerprint.hpp"
#include "normalize/html.hpp"
#include "store/rows.hpp"
#include "store/sql_store.hpp"

namespace tributary::store {
namespace {

using rows::unix_or_null;

// The entry's plain text as normalize wrote it; read from its HTML only for
// an entry made some other way (tests) that carries HTML without it.
std::string text_of(const normalize::Entry& entry) {
  if (!entry.text.empty() || (entry.content_html.empty() && entry.summary_html.empty())) return entry.text;
  return rows::item_text(entry.content_html, entry.summary_html);
}

// Titles that many unrelated items share. Items titled like this are too
// generic to be matched by fingerprint; they still merge by URL.
constexpr std::array<std::string_view, 24> kGenericTitles = {"live updates",
                                                             "live",
                                                             "live blog",
                                                             "podcast",
                                                             "daily briefing",
                                                             "briefing",
                                                             "morning briefing",
                                                             "evening briefing",
                                                             "news",
                                                             "news update",
                                                             "update",
                                                             "updates",
                                                             "breaking news",
                                                             "newsletter",
                                                             "weekly roundup",
                                                             "daily roundup",
                                                             "roundup",
                                                             "the latest",
                                                             "today",
                                                             "headlines",
                                                             "top stories",
                                                             "untitled",
                                                             "in brief",
                                                             "what we know so far"};

constexpr int kMinTitleWords = 3;
constexpr std::size_t kMinWords = 30;

}  // namespace

bool is_story_matchable(const normalize::Entry& entry) {
  if (entry.story_keys.empty() || entry.word_count < kMinWords) return false;
  if (normalize::count_words(entry.title) < static_cast<std::size_t>(kMinTitleWords)) return false;
  std::string title;
  for (char c : core::to_lower_ascii(entry.title))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || static_cast<unsigned char>(c) >= 0x80) title += c;
  title = core::collapse_whitespace(title);
  for (std::string_view generic : kGenericTitles)
    if (title == generic) return false;
  return true;
}

namespace {

// What a reader would see change: when this differs, the item was edited.
std::string content_hash(const normalize::Entry& entry, const std::string& categories, const std::string& enclosures,
                         const std::string& authors, const std::string& episode) {
  std::string material;
  for (const std::string* part : {&entry.title, &entry.url, &entry.author_name, &entry.author_email,
                                  &entry.summary_html, &entry.content_html, &categories, &enclosures}) {
    material += *part;
    material.push_back('\x1f');
  }
  if (entry.published) material += std::to_string(core::to_unix_seconds(*entry.published));
  material.push_back('\x1f');
  if (entry.updated) material += std::to_string(core::to_unix_seconds(*entry.updated));
  // The first author is in author_name/author_email above; the others
  // only count when there are others, so that the hashes stored before
  // every author was kept still match an unchanged single-author item.
  if (entry.authors.size() > 1) material += '\x1f' + authors;
  // Likewise the podcast tags (kept since schema 9): an episode stored
  // before them is rewritten once, with them.
  if (episode != "{}") material += '\x1e' + episode;
  return core::sha256_hex(material).substr(0, 32);
}

// The key for sources whose guids cannot be trusted: the link, else the
// content.
normalize::IdentityKey link_identity(const normalize::Entry& entry) {
  if (!entry.canonical_url.empty()) return normalize::IdentityKey::from_url(entry.canonical_url);
  const std::string date = entry.published ? core::format_rfc3339(*entry.published) : std::string();
  return normalize::IdentityKey::from_content(entry.title + '\n' + date + '\n' + entry.content_html +
                                              entry.summary_html);
}

}  // namespace

std::vector<PreparedEntry> prepare_entries(const normalize::NormalizedFeed& feed) {
  std::vector<PreparedEntry> prepared;
  prepared.reserve(feed.entries.size());
  for (const normalize::Entry& entry : feed.entries) {
    PreparedEntry columns{rows::strings_json(entry.categories), rows::enclosures_json(entry.enclosures),
                          rows::authors_json(entry.authors), rows::episode_json(entry)};
    columns.content_hash =
        content_hash(entry, columns.categories, columns.enclosures, columns.authors, columns.episode);
    if (!entry.canonical_url.empty()) columns.story_url = core::story_url_key(entry.canonical_url);
    columns.is_story_matchable = is_story_matchable(entry);
    prepared.push_back(std::move(columns));
  }
  return prepared;
}

PreparedDocument prepare_document(normalize::NormalizedFeed feed) {
  std::vector<PreparedEntry> entries = prepare_entries(feed);
  return {std::move(feed), std::move(entries)};
}

std::string SqlStore::identity_mode_for(std::int64_t source_id, const normalize::NormalizedFeed& feed,
                                        const std::vector<PreparedEntry>& prepared, GuidLookups& lookups) {
  Statement& select = db_.cached("SELECT identity_mode FROM sources WHERE id = ?1");
  select.bind(1, source_id);
  const std::string mode = select.step() ? select.text(0) : std::string("guid");
  select.reset();
  if (mode != "guid") return mode;
  const std::string reason = guid_problem(source_id, feed, prepared, lookups);
  if (reason.empty()) return mode;

  db_.cached("UPDATE sources SET identity_mode = 'link', identity_reason = ?2 WHERE id = ?1")
      .bind(1, source_id)
      .bind(2, reason)
      .run();
  // Re-key what is stored, so the next documents find their items again
  // (the text IdentityKey::from_url makes).
  // One item per link (two guids of one link: the first stored is the one
  // the link finds), and not where an item has that key already.
  db_.cached(
         "UPDATE items SET identity_key = ?2 || canonical_url "
         "WHERE source_id = ?1 AND canonical_url <> '' AND identity_key NOT LIKE ?2 || '%' "
         "AND id = (SELECT min(id) FROM items AS same WHERE same.source_id = ?1 "
         "AND same.canonical_url = items.canonical_url) AND NOT EXISTS "
         "(SELECT 1 FROM items AS keyed WHERE keyed.source_id = ?1 AND keyed.identity_key = ?2 || items.canonical_url)")
      .bind(1, source_id)
      .bind(2, normalize::IdentityKey::prefix(normalize::IdentityKey::Kind::kUrl))
      .run();
  return "link";
}

std::string SqlStore::guid_problem(std::int64_t source_id, const normalize::NormalizedFeed& feed,
                                   const std::vector<PreparedEntry>& prepared, GuidLookups& lookups) {
  std::set<std::string_view> guids;
  for (const normalize::Entry& entry : feed.entries) {
    if (!entry.original_id.empty() && !guids.insert(entry.original_id).second)
      return "the feed gives several items the same guid (\"" + entry.original_id.substr(0, 80) + "\")";
  }
  // Guid churn: most guids are new although their links are known. Known
  // to this source: a source with nothing stored yet (its first poll,
  // every source's at a cold start) cannot churn, and none of its items
  // can be found: one lookup for the document instead of one or two per
  // item.
  Statement& has_items = db_.cached("SELECT 1 FROM items WHERE source_id = ?1 LIMIT 1");
  const bool has_stored_items = has_items.bind(1, source_id).step();
  has_items.reset();
  if (!has_stored_items) {
    for (std::size_t position = 0; position < feed.entries.size(); ++position) lookups.note(position, std::nullopt);
    return {};
  }
  const auto has_guid_and_link = [](const normalize::Entry& entry) {
    return !entry.original_id.empty() && !entry.canonical_url.empty();
  };
  const auto with_guid = std::count_if(feed.entries.begin(), feed.entries.end(), has_guid_and_link);
  std::ptrdiff_t new_guid_known_link = 0;
  std::ptrdiff_t new_guid_new_link = 0;
  for (std::size_t position = 0; position < feed.entries.size(); ++position) {
    const normalize::Entry& entry = feed.entries[position];
    if (!has_guid_and_link(entry)) continue;
    // Once half are new items, churn cannot be the verdict: stop looking
    // (a poll with many new items is common, and this costs a lookup each).
    if (new_guid_new_link * 2 >= with_guid) break;
    // The lookup ingest_item makes too (kept for it, as the mode stays
    // guid unless the verdict is churn).
    std::optional<KnownItem> known = find_item(source_id, entry.identity_key);
    const bool is_known_guid = known.has_value();
    lookups.note(position, std::move(known));
    if (is_known_guid) continue;
    // By URL first (a handful of rows), not by source (all of its items):
    // `+source_id` keeps the planner off items_by_source.
    Statement& by_url = db_.cached("SELECT 1 FROM items WHERE story_url = ?2 AND story_url <> '' AND +source_id = ?1");
    by_url.bind(1, source_id).bind(2, prepared[position].story_url);
    if (by_url.step())
      ++new_guid_known_link;
    else
      ++new_guid_new_link;
    by_url.reset();
  }
  if (new_guid_known_link >= 3 && new_guid_known_link * 2 > with_guid)
    return "the feed gives known links new guids on every poll";
  return {};
}

std::optional<std::int64_t> SqlStore::find_story(std::int64_t source_id, const normalize::Entry& entry,
                                                 const std::string& story_url, std::int64_t sort_time,
                                                 bool is_matchable) {
  if (options_.dedup == config::DedupMode::off) return std::nullopt;
  std::vector<std::int64_t> stories;
  // Level 2: the same story URL (canonical, and AMP or mobile editions
  // read as the article), preferably from another source.
  if (!story_url.empty()) {
    // `story_url <> ''` repeats the partial index's condition: without it
    // SQLite cannot prove that ?1 is not empty, skips the index and scans
    // every item (ingest then slows down with the size of the store).
    // Read in id order and chosen here: ORDER BY (source_id = ?2) made
    // SQLite sort the rows in a temporary B-tree, opened and closed at each
    // new item (~1.5% of the writer's time in bench/scale's cold cycle);
    // the index gives them in id order as they are.
    Statement& by_url =
        db_.cached("SELECT story_id, source_id FROM items WHERE story_url = ?1 AND story_url <> '' ORDER BY id");
    by_url.bind(1, story_url);
    std::optional<std::int64_t> own_story;
    std::optional<std::int64_t> other_story;
    while (!other_story && by_url.step()) {
      if (by_url.int64(1) != source_id)
        other_story = by_url.int64(0);
      else if (!own_story)
        own_story = by_url.int64(0);
    }
    by_url.reset();
    if (const std::optional<std::int64_t> story = other_story ? other_story : own_story) stories.push_back(*story);
  }
  // Level 3: copies of the text within the time window.
  if (is_matchable)
    for (const std::int64_t story : stories_of_copies(source_id, entry, sort_time)) stories.push_back(story);
  if (stories.empty()) return std::nullopt;
  return merge_stories(std::move(stories));
}

// The stories of stored items that the entry's text is a copy of
// (normalize::match_stories), among the candidates its story keys find.
std::vector<std::int64_t> SqlStore::stories_of_copies(std::int64_t source_id, const normalize::Entry& entry,
                                                      std::int64_t sort_time) {
  // Candidates share several keys; unrelated items rarely one. Eight is
  // far more than the copies of one story that a window holds in practice
  // and bounds what one item costs.
  constexpr std::size_t kMostCandidates = 8;
  const std::int64_t window = options_.story_window.count();
  const std::vector<StoryCandidate> candidates =
      fingerprints_.candidates(entry.story_keys, sort_time - window, sort_time + window, source_id, kMostCandidates);
  std::vector<std::int64_t> stories;
  if (candidates.empty()) return stories;
  const normalize::StoryText text = normalize::story_text(entry.title, text_of(entry));
  Statement& stored = db_.cached("SELECT title, content_html, summary_html FROM items WHERE id = ?1");
  for (const StoryCandidate& candidate : candidates) {
    if (std::find(stories.begin(), stories.end(), candidate.story_id) != stories.end()) continue;
    stored.bind(1, candidate.item_id);
    std::optional<normalize::StoryText> other;
    if (stored.step()) other = normalize::story_text(stored.text(0), rows::item_text(stored.text(1), stored.text(2)));
    stored.reset();
    if (other && normalize::match_stories(text, *other, sort_time - candidate.seen_at) != normalize::StoryMatch::kNone)
      stories.push_back(candidate.story_id);
  }
  return stories;
}

// One story of several: the oldest keeps its id, the others' items join it.
std::int64_t SqlStore::merge_stories(std::vector<std::int64_t> story_ids) {
  std::sort(story_ids.begin(), story_ids.end());
  story_ids.erase(std::unique(story_ids.begin(), story_ids.end()), story_ids.end());
  const std::int64_t kept = story_ids.front();
  for (auto other = story_ids.begin() + 1; other != story_ids.end(); ++other) {
    Statement& items = db_.cached("SELECT id FROM items WHERE story_id = ?1");
    items.bind(1, *other);
    std::vector<std::int64_t> item_ids;
    while (items.step()) item_ids.push_back(items.int64(0));
    items.reset();
    if (!item_ids.empty()) note_index_reshaped();
    for (const std::int64_t item_id : item_ids) {
      db_.cached("UPDATE story_fingerprints SET story_id = ?2 WHERE item_id = ?1").bind(1, item_id).bind(2, kept).run();
      fingerprints_.set_story(item_id, kept);
    }
    db_.cached("UPDATE items SET story_id = ?2 WHERE story_id = ?1").bind(1, *other).bind(2, kept).run();
    db_.cached("DELETE FROM stories WHERE id = ?1").bind(1, *other).run();
  }
  return kept;
}

// Keeps the item findable by its story keys (level 3) when it is eligible,
// and not when an edit made it ineligible.
void SqlStore::note_fingerprint(std::int64_t item_id, std::int64_t story_id, std::int64_t source_id,
                                const normalize::Entry& entry, std::int64_t sort_time, bool is_matchable,
                                bool is_new_item) {
  if (options_.dedup != config::DedupMode::story) return;
  // A new item's keys are all another daemon needs to load; an edited
  // one's replace or remove what it holds. A new item that cannot match
  // has no row: nothing to remove, nothing for the others to reload.
  if (!is_matchable && is_new_item) return;
  if (!is_new_item) note_index_reshaped();
  if (!is_matchable) {
    db_.cached("DELETE FROM story_fingerprints WHERE item_id = ?1").bind(1, item_id).run();
    fingerprints_.remove(item_id);
    return;
  }
  // Upserts rather than INSERT OR REPLACE here and below: with foreign keys
  // on, REPLACE's delete-then-insert cost ~6x an update (bench/ingest).
  db_.cached(
         "INSERT INTO story_fingerprints (item_id, story_id, fingerprint, seen_at, source_id, story_keys) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
         "ON CONFLICT (item_id) DO UPDATE SET story_id = excluded.story_id, fingerprint = excluded.fingerprint, "
         "seen_at = excluded.seen_at, source_id = excluded.source_id, story_keys = excluded.story_keys")
      .bind(1, item_id)
      .bind(2, story_id)
      .bind(3, static_cast<std::int64_t>(entry.fingerprint))
      .bind(4, sort_time)
      .bind(5, source_id)
      .bind(6, encode_story_keys(entry.story_keys))
      .run();
  index_fingerprint({item_id, story_id, source_id, sort_time, entry.story_keys});
}

void SqlStore::sync_fingerprint_index() {
  if (options_.dedup != config::DedupMode::story) return;
  // Asked every time: it also marks this turn.
  const StoreEngine::OthersWrote others = engine_->others_wrote();
  is_reshape_noted_ = false;
  if (is_fingerprint_index_current_ && others == StoreEngine::OthersWrote::nothing) return;
  const bool only_newer = is_fingerprint_index_current_ && others == StoreEngine::OthersWrote::only_new_items;
  if (!only_newer) {
    fingerprints_.clear();
    newest_indexed_item_ = 0;
  }
  Statement& select =
      db_.cached("SELECT item_id, story_id, source_id, seen_at, story_keys FROM story_fingerprints WHERE item_id > ?1");
  select.bind(1, newest_indexed_item_);
  while (select.step())
    index_fingerprint(
        {select.int64(0), select.int64(1), select.int64(2), select.int64(3), decode_story_keys(select.text(4))});
  select.reset();
  is_fingerprint_index_current_ = true;
}

void SqlStore::index_fingerprint(StoryKeyEntry entry) {
  newest_indexed_item_ = std::max(newest_indexed_item_, entry.item_id);
  fingerprints_.add(std::move(entry));
}

void SqlStore::note_index_reshaped() {
  if (options_.dedup != config::DedupMode::story || is_reshape_noted_) return;
  engine_->note_reshaped();
  is_reshape_noted_ = true;
}

// Full-text indexing is batched: FTS5 writes a new segment (and merges
// older ones) on every transaction that touches it, which made it a third
// of each poll's written pages; one segment for a few hundred items costs
// a fraction per item. `was_indexed`: the item may have an entry already
// (an edit), which must go before the new text is indexed. An engine that
// indexes in the background only needs the item's id: the indexer reads
// its text back.
void SqlStore::queue_for_search(std::int64_t item_id, bool was_indexed, const normalize::Entry& entry,
                                const std::string& content_hash) {
  if (engine_->indexes_in_background()) return queue_for_background_search(item_id);
  db_.cached("INSERT INTO search_pending (item_id, was_indexed) VALUES (?1, ?2) ON CONFLICT (item_id) DO NOTHING")
      .bind(1, item_id)
      .bind(2, std::int64_t{was_indexed})
      .run();
  const bool is_queued_now = db_.changes() > 0;
  // Queued before and edited since: the newest text, the first was_indexed.
  if (const auto queued = queued_texts_.find(item_id); queued != queued_texts_.end()) {
    queued->second.title = entry.title;
    queued->second.text = text_of(entry);
    queued->second.content_hash = content_hash;
    return;
  }
  bool first_was_indexed = was_indexed;
  if (!is_queued_now) {
    // Queued by another daemon of a fleet (or before this store lost
    // count), which indexes only the text it holds: this pass takes the
    // newest one along.
    Statement& queued = db_.cached("SELECT was_indexed FROM search_pending WHERE item_id = ?1");
    if (queued.bind(1, item_id).step()) first_was_indexed = queued.int64(0) != 0;
    queued.reset();
  }
  queued_texts_.emplace(item_id, QueuedText{first_was_indexed, entry.title, text_of(entry), content_hash});
  if (search_queued_) ++*search_queued_;
}

// Without `is_sweeping`, what this store queued; with it, every row of the
// queue, the others' texts read back (a crash's, a failed write's, a fleet
// daemon's that stopped before indexing what it queued). Each daemon of a
// fleet sweeping the other's rows at every pass made two passes over the
// same items, in different orders: PostgreSQL deadlocks, each costing both
// writers a second (deadlock_timeout) and the fleet half its polls
// (bench/fleet). So sweeps are for maintain() (one daemon of a fleet at a
// time) and for a store that lost count, and every pass goes in item id
// order, so that two that still meet (an item edited by two daemons, a
// sweep beside another daemon's pass) wait for each other instead.
std::size_t SqlStore::index_queued_search(bool is_sweeping) {
  std::size_t indexed = 0;
  const auto index_one = [&](std::int64_t item_id, bool was_indexed, std::string_view title, std::string_view text,
                             std::string_view content_hash) {
    engine_->index_for_search(item_id, was_indexed, title, text, content_hash);
    db_.cached("DELETE FROM search_pending WHERE item_id = ?1").bind(1, item_id).run();
    ++indexed;
  };
  if (!is_sweeping) {
    for (const auto& [item_id, queued] : queued_texts_)
      index_one(item_id, queued.was_indexed, queued.title, queued.text, queued.content_hash);
  } else {
    struct Pending {
      std::int64_t item_id = 0;
      bool was_indexed = false;
      struct Stored {
        std::string title;
        std::string html;
        std::string content_hash;
      };
      std::optional<Stored> stored;  // none: the item is gone
    };
    std::vector<Pending> pending;
    Statement& select = db_.cached(
        "SELECT search_pending.item_id, search_pending.was_indexed, items.id IS NOT NULL, items.title, "
        "CASE WHEN items.content_html <> '' THEN items.content_html ELSE items.summary_html END, items.content_hash "
        "FROM search_pending LEFT JOIN items ON items.id = search_pending.item_id ORDER BY search_pending.item_id");
    while (select.step()) {
      Pending row{select.int64(0), select.int64(1) != 0, std::nullopt};
      if (select.int64(2) != 0 && !queued_texts_.contains(row.item_id))
        row.stored.emplace(select.text(3), select.text(4), select.text(5));
      pending.push_back(std::move(row));
    }
    select.reset();
    for (const Pending& row : pending) {
      if (const auto queued = queued_texts_.find(row.item_id); queued != queued_texts_.end())
        index_one(row.item_id, queued->second.was_indexed, queued->second.title, queued->second.text,
                  queued->second.content_hash);
      else if (row.stored)
        index_one(row.item_id, row.was_indexed, row.stored->title, normalize::html_to_text(row.stored->html),
                  row.stored->content_hash);
      else
        db_.cached("DELETE FROM search_pending WHERE item_id = ?1").bind(1, row.item_id).run();
    }
  }
  queued_texts_.clear();
  search_queued_ = 0;
  return indexed;
}

std::size_t SqlStore::update_search_index() {
  if (search_queued_ == std::size_t{0}) return 0;  // a crash's leftovers wait for maintain()
  if (engine_->indexes_in_background()) {
    // Not indexed within the limit (a rebuild under way, a failing disk):
    // the queue keeps it, and the indexer goes on; this store stops
    // waiting for it, so that its next search is not held up again.
    const std::size_t queued = search_queued_.value_or(0);
    const bool is_indexed = engine_->wait_for_search_index(kSearchWait);
    search_queued_ = 0;
    if (!is_indexed) return 0;
    dequeue_indexed_now();
    return queued;
  }
  return noting_writability([&] {
    Transaction transaction(db_);
    // Lost count (a failed write): what is queued is read back.
    const std::size_t indexed = index_queued_search(!search_queued_.has_value());
    transaction.commit();
    return indexed;
  });
}

void SqlStore::queue_for_background_search(std::int64_t item_id) {
  engine_->queue_for_search(item_id);
  if (search_queued_) ++*search_queued_;
  ++queued_since_commit_;
}

// What the indexer did leaves the queue now, in a transaction of its own:
// the queue then holds only what is still to do.
void SqlStore::dequeue_indexed_now() {
  noting_writability([&] {
    Transaction transaction(db_);
    engine_->dequeue_indexed();
    transaction.commit();
  });
}

std::size_t SqlStore::update_search_index_at_lull() {
  if (!engine_->indexes_in_background()) return update_search_index();
  // Nothing new since the last lull (a document without changes): no pass
  // to wait for. What is started stays counted in search_queued_: a search
  // through this store waits for it.
  if (queued_since_lull_ == 0) return 0;
  queued_since_lull_ = 0;
  engine_->start_search_indexing(0, true);
  return 0;
}

std::int64_t SqlStore::count_search_pending() {
  Statement& count = db_.cached("SELECT count(*) FROM search_pending");
  const std::int64_t queued = count.step() ? count.int64(0) : 0;
  count.reset();
  return queued;
}

// A story's primary is its first publisher: the earliest copy, but never a
// republished one (atom:source) while an original exists, nor one a
// [[filter]] hides while another copy is shown.
void SqlStore::refresh_story(std::int64_t story_id, std::int64_t now) {
  Statement& primary = db_.cached(
      "SELECT id, sort_time, (SELECT count(*) FROM items WHERE story_id = ?1) FROM items WHERE story_id = ?1 "
      "ORDER BY filtered_by <> '', is_republished, sort_time, id LIMIT 1");
  primary.bind(1, story_id);
  if (!primary.step()) {
    primary.reset();
    db_.cached("DELETE FROM stories WHERE id = ?1").bind(1, story_id).run();
    return;
  }
  const std::int64_t item_id = primary.int64(0);
  const std::int64_t sort_time = primary.int64(1);
  const std::int64_t count = primary.int64(2);
  primary.reset();
  db_.cached(
         "UPDATE stories SET primary_item_id = ?2, sort_time = ?3, item_count = ?4, "
         "updated = CASE WHEN updated > ?5 THEN updated ELSE ?5 END "
         "WHERE id = ?1")
      .bind(1, story_id)
      .bind(2, item_id)
      .bind(3, sort_time)
      .bind(4, count)
      .bind(5, now)
      .run();
}

IngestResult SqlStore::ingest(std::int64_t source_id, const normalize::NormalizedFeed& feed,
                              const std::vector<PreparedEntry>& prepared, core::Timestamp now) {
  // A caller's mistake, not the store's: refused before anything is written.
  if (prepared.size() != feed.entries.size())
    throw std::invalid_argument("ingest: " + std::to_string(prepared.size()) + " prepared entries for a document of " +
                                std::to_string(feed.entries.size()));
  return noting_writability([&] { return ingest_document(source_id, feed, prepared, now); });
}

namespace {

using KeyedEntries = std::vector<std::pair<const normalize::Entry*, normalize::IdentityKey>>;

// Each item once (the first time a document lists it), keyed by the
// source's identity mode.
KeyedEntries keyed_entries(const normalize::NormalizedFeed& feed, bool use_guids) {
  KeyedEntries keyed;
  keyed.reserve(feed.entries.size());
  std::set<std::string> seen_keys;
  for (const normalize::Entry& entry : feed.entries) {
    normalize::IdentityKey key = use_guids ? entry.identity_key : link_identity(entry);
    if (seen_keys.insert(key.text()).second) keyed.emplace_back(&entry, std::move(key));
  }
  return keyed;
}

}  // namespace

// One transaction: the feed's own metadata, each item (new, edited or
// unchanged), then what the document lists and the source's retention.
IngestResult SqlStore::ingest_document(std::int64_t source_id, const normalize::NormalizedFeed& feed,
                                       const std::vector<PreparedEntry>& prepared, core::Timestamp now) {
  IngestResult result;
  Transaction transaction(db_);
  queued_since_commit_ = 0;
  engine_->dequeue_indexed();
  sync_fingerprint_index();
  filter_source_.reset();  // its tags may have changed since the last document
  update_feed_meta(source_id, feed.feed);
  GuidLookups guid_lookups(feed.entries.size());
  const bool use_guids = identity_mode_for(source_id, feed, prepared, guid_lookups) == "guid";
  const std::int64_t now_seconds = core::to_unix_seconds(now);
  std::vector<std::int64_t> listed_items;
  // Stored last listed first: a feed lists its newest first, and among
  // stories that tie on date (undated items all take the poll's time) the
  // later id sorts first, so the document's order survives.
  const KeyedEntries keyed = keyed_entries(feed, use_guids);
  for (auto item = keyed.rbegin(); item != keyed.rend(); ++item) {
    const auto position = static_cast<std::size_t>(item->first - feed.entries.data());
    // In guid mode an item's key is its entry's identity_key, the one
    // guid_problem looked up.
    const std::optional<KnownItem>* looked_up = use_guids ? guid_lookups.find(position) : nullptr;
    ingest_item(source_id, *item->first, prepared[position], item->second, looked_up, now_seconds, listed_items,
                result);
  }
  record_listing(source_id, listed_items);
  apply_source_retention(source_id, now_seconds, listed_items);
  const bool is_indexed_here = !engine_->indexes_in_background();
  if (is_indexed_here && search_queued_.value_or(Store::kSearchBatch) >= Store::kSearchBatch)
    index_queued_search(!search_queued_.has_value());
  transaction.commit();
  if (!is_indexed_here) {
    queued_since_lull_ += queued_since_commit_;
    engine_->start_search_indexing(queued_since_commit_, false);
  }
  return result;
}

void SqlStore::update_feed_meta(std::int64_t source_id, const normalize::FeedMeta& feed) {
  // Rows are rewritten even when nothing changes: skip the common case.
  db_.cached(
         "UPDATE sources SET title = ?2, site_url = ?3, feed_id = ?4, feed_updated = coalesce(?5, feed_updated), "
         "podcast_image_url = ?6, podcast_author = ?7, podcast_category = ?8, podcast_subcategory = ?9 "
         "WHERE id = ?1 AND (title <> ?2 OR site_url <> ?3 OR feed_id <> ?4 "
         "OR (CAST(?5 AS BIGINT) IS NOT NULL AND feed_updated IS DISTINCT FROM ?5) OR podcast_image_url <> ?6 "
         "OR podcast_author <> ?7 OR podcast_category <> ?8 OR podcast_subcategory <> ?9)")
      .bind(1, source_id)
      .bind(2, feed.title)
      .bind(3, feed.site_url)
      .bind(4, feed.id)
      .bind(5, unix_or_null(feed.updated))
      .bind(6, feed.podcast_image_url)
      .bind(7, feed.podcast_author)
      .bind(8, feed.podcast_category.category)
      .bind(9, feed.podcast_category.subcategory)
      .run();
}

// An item of the document as it will be stored: its columns, and (once it
// proves new or edited) where it sorts and which stories it may join.
struct SqlStore::IncomingItem {
  const normalize::Entry& entry;
  const PreparedEntry& columns;
  const normalize::IdentityKey& key;
  std::optional<std::int64_t> updated;
  std::int64_t sort_time = 0;
  bool is_matchable = false;  // level 3 applies (checked once: find and note both ask)
  std::string filtered_by;    // the label of the [[filter]] that hides it; empty: shown
};

// Unchanged (or purged by retention while still listed): counted, left
// alone; edited: updated in place; new: inserted into a story.
void SqlStore::ingest_item(std::int64_t source_id, const normalize::Entry& entry, const PreparedEntry& prepared,
                           const normalize::IdentityKey& key, const std::optional<KnownItem>* looked_up,
                           std::int64_t now, std::vector<std::int64_t>& listed_items, IngestResult& result) {
  IncomingItem item{entry, prepared, key};
  const std::optional<KnownItem> known = looked_up ? *looked_up : find_item(source_id, key);
  if (known) listed_items.push_back(known->id);
  if (known && known->content_hash == prepared.content_hash) {
    ++result.unchanged;
    return;
  }
  // Purged by retention but still in the feed's window: not new again.
  if (!known && is_tombstoned(source_id, key)) {
    ++result.unchanged;
    return;
  }
  // An edit without its own updated date is dated by when we saw it.
  item.updated = entry.updated ? unix_or_null(entry.updated) : (known ? std::optional(now) : std::nullopt);
  item.sort_time = entry.published ? core::to_unix_seconds(*entry.published)
                   : entry.updated ? core::to_unix_seconds(*entry.updated)
                                   : now;
  item.is_matchable = options_.dedup == config::DedupMode::story && prepared.is_story_matchable;
  item.filtered_by = filter_verdict(source_id, entry);
  if (known) {
    update_item(source_id, *known, item, now);
    ++result.updated;
    return;
  }
  const std::optional<std::int64_t> story =
      find_story(source_id, entry, prepared.story_url, item.sort_time, item.is_matchable);
  listed_items.push_back(insert_item(source_id, item, story, now));
  ++result.new_items;
  if (story) ++result.merged;
}

std::optional<SqlStore::KnownItem> SqlStore::find_item(std::int64_t source_id, const normalize::IdentityKey& key) {
  Statement& lookup =
      db_.cached("SELECT id, content_hash, story_id FROM items WHERE source_id = ?1 AND identity_key = ?2");
  lookup.bind(1, source_id).bind(2, key.text());
  std::optional<KnownItem> known;
  if (lookup.step()) known = KnownItem{lookup.int64(0), lookup.text(1), lookup.int64(2)};
  lookup.reset();
  return known;
}

bool SqlStore::is_tombstoned(std::int64_t source_id, const normalize::IdentityKey& key) {
  Statement& tombstone = db_.cached("SELECT 1 FROM tombstones WHERE source_id = ?1 AND identity_key = ?2");
  tombstone.bind(1, source_id).bind(2, key.text());
  const bool is_purged = tombstone.step();
  tombstone.reset();
  return is_purged;
}

void SqlStore::update_item(std::int64_t source_id, const KnownItem& known, const IncomingItem& item, std::int64_t now) {
  const normalize::Entry& entry = item.entry;
  db_.cached(
         "UPDATE items SET original_id = ?2, title = ?3, url = ?4, canonical_url = ?5, author_name = ?6, "
         "author_email = ?7, summary_html = ?8, content_html = ?9, categories = ?10, enclosures = ?11, "
         "lang = ?12, published = ?13, updated = ?14, fingerprint = ?15, content_hash = ?16, "
         "sort_time = CASE WHEN CAST(?13 AS BIGINT) IS NULL AND CAST(?17 AS BIGINT) IS NULL THEN sort_time ELSE ?18 "
         "END, "
         "is_republished = ?19, story_url = ?20, authors = ?21, episode = ?22, filtered_by = ?23 WHERE id = ?1")
      .bind(1, known.id)
      .bind(2, entry.original_id)
      .bind(3, entry.title)
      .bind(4, entry.url)
      .bind(5, entry.canonical_url)
      .bind(6, entry.author_name)
      .bind(7, entry.author_email)
      .bind(8, entry.summary_html)
      .bind(9, entry.content_html)
      .bind(10, item.columns.categories)
      .bind(11, item.columns.enclosures)
      .bind(12, entry.lang)
      .bind(13, unix_or_null(entry.published))
      .bind(14, item.updated)
      .bind(15, static_cast<std::int64_t>(entry.fingerprint))
      .bind(16, item.columns.content_hash)
      .bind(17, unix_or_null(entry.updated))
      .bind(18, item.sort_time)
      .bind(19, std::int64_t{entry.is_republished})
      .bind(20, item.columns.story_url)
      .bind(21, item.columns.authors)
      .bind(22, item.columns.episode)
      .bind(23, item.filtered_by)
      .run();
  queue_for_search(known.id, true, entry, item.columns.content_hash);
  note_fingerprint(known.id, known.story_id, source_id, entry, item.sort_time, item.is_matchable, false);
  refresh_story(known.story_id, now);
}

std::int64_t SqlStore::insert_item(std::int64_t source_id, const IncomingItem& item, std::optional<std::int64_t> story,
                                   std::int64_t now) {
  const normalize::Entry& entry = item.entry;
  const bool is_merged = story.has_value();
  if (!story) {
    // Completed with its primary once the item has an id.
    Statement& insert = db_.cached_insert(
        "INSERT INTO stories (primary_item_id, sort_time, updated, item_count) VALUES (0, ?1, ?2, 1)");
    story = db_.insert_row(insert.bind(1, item.sort_time).bind(2, now));
  }
  Statement& insert = db_.cached_insert(
      "INSERT INTO items (source_id, identity_key, original_id, title, url, canonical_url, author_name, "
      "author_email, summary_html, content_html, categories, enclosures, lang, published, updated, "
      "first_seen, sort_time, fingerprint, content_hash, story_id, is_republished, story_url, authors, episode, "
      "filtered_by) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
      "?23, ?24, ?25)");
  insert.bind(1, source_id)
      .bind(2, item.key.text())
      .bind(3, entry.original_id)
      .bind(4, entry.title)
      .bind(5, entry.url)
      .bind(6, entry.canonical_url)
      .bind(7, entry.author_name)
      .bind(8, entry.author_email)
      .bind(9, entry.summary_html)
      .bind(10, entry.content_html)
      .bind(11, item.columns.categories)
      .bind(12, item.columns.enclosures)
      .bind(13, entry.lang)
      .bind(14, unix_or_null(entry.published))
      .bind(15, item.updated)
      .bind(16, now)
      .bind(17, item.sort_time)
      .bind(18, static_cast<std::int64_t>(entry.fingerprint))
      .bind(19, item.columns.content_hash)
      .bind(20, *story)
      .bind(21, std::int64_t{entry.is_republished})
      .bind(22, item.columns.story_url)
      .bind(23, item.columns.authors)
      .bind(24, item.columns.episode)
      .bind(25, item.filtered_by);
  const std::int64_t item_id = db_.insert_row(insert);
  queue_for_search(item_id, false, entry, item.columns.content_hash);
  note_fingerprint(item_id, *story, source_id, entry, item.sort_time, item.is_matchable, true);
  if (is_merged)
    refresh_story(*story, now);
  else
    db_.cached("UPDATE stories SET primary_item_id = ?2 WHERE id = ?1").bind(1, *story).bind(2, item_id).run();
  return item_id;
}

// What the document lists now is protected from retention; what it no
// longer lists is not.
void SqlStore::record_listing(std::int64_t source_id, const std::vector<std::int64_t>& listed_items) {
  db_.cached(
         "INSERT INTO source_listings (source_id, item_ids) VALUES (?1, ?2) "
         "ON CONFLICT (source_id) DO UPDATE SET item_ids = excluded.item_ids")
      .bind(1, source_id)
      .bind(2, rows::integers_json(listed_items))
      .run();
}

}  // namespace tributary::store
