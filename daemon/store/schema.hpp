// The schema as forward-only migrations: migration N brings a database from
// user_version N-1 to N. Never edit a released migration; add one.
#pragma once

#include <span>
#include <string_view>

namespace tributary::store {

inline constexpr std::string_view kMigrations[] = {
    // 1: sources with poll state; items unique per source and identity key.
    R"sql(
CREATE TABLE sources (
  id              INTEGER PRIMARY KEY,
  config_url      TEXT NOT NULL UNIQUE,
  url             TEXT NOT NULL,
  name            TEXT NOT NULL,
  title           TEXT NOT NULL DEFAULT '',
  site_url        TEXT NOT NULL DEFAULT '',
  feed_id         TEXT NOT NULL DEFAULT '',
  feed_updated    INTEGER,
  etag            TEXT NOT NULL DEFAULT '',
  last_modified   TEXT NOT NULL DEFAULT '',
  last_poll_at    INTEGER,
  last_success_at INTEGER,
  next_poll_at    INTEGER,
  last_status     INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  error_count     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE items (
  id            INTEGER PRIMARY KEY,
  source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  identity_key  TEXT NOT NULL,
  original_id   TEXT NOT NULL DEFAULT '',
  title         TEXT NOT NULL DEFAULT '',
  url           TEXT NOT NULL DEFAULT '',
  canonical_url TEXT NOT NULL DEFAULT '',
  author_name   TEXT NOT NULL DEFAULT '',
  author_email  TEXT NOT NULL DEFAULT '',
  summary_html  TEXT NOT NULL DEFAULT '',
  content_html  TEXT NOT NULL DEFAULT '',
  categories    TEXT NOT NULL DEFAULT '[]',
  enclosures    TEXT NOT NULL DEFAULT '[]',
  lang          TEXT NOT NULL DEFAULT '',
  published     INTEGER,
  updated       INTEGER,
  first_seen    INTEGER NOT NULL,
  sort_time     INTEGER NOT NULL,
  fingerprint   INTEGER NOT NULL DEFAULT 0,
  content_hash  TEXT NOT NULL,
  UNIQUE (source_id, identity_key)
);
CREATE INDEX items_newest ON items (sort_time DESC, id DESC);
)sql",

    // 2: stories (groups of copies of one article across sources), the
    // fingerprint band index for near-duplicate search, full-text search,
    // retention (listed flag, tombstones) and per-source identity quality.
    R"sql(
ALTER TABLE sources ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sources ADD COLUMN identity_mode TEXT NOT NULL DEFAULT 'guid';
ALTER TABLE sources ADD COLUMN identity_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN removed_at INTEGER;

CREATE TABLE stories (
  id              INTEGER PRIMARY KEY,
  primary_item_id INTEGER NOT NULL,
  sort_time       INTEGER NOT NULL,
  updated         INTEGER NOT NULL,
  item_count      INTEGER NOT NULL
);
INSERT INTO stories (id, primary_item_id, sort_time, updated, item_count)
  SELECT id, id, sort_time, coalesce(updated, published, first_seen), 1 FROM items;
CREATE INDEX stories_newest ON stories (sort_time DESC, id DESC);

ALTER TABLE items ADD COLUMN story_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN is_republished INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN is_listed INTEGER NOT NULL DEFAULT 1;
UPDATE items SET story_id = id;
CREATE INDEX items_by_story ON items (story_id);
CREATE INDEX items_by_canonical_url ON items (canonical_url) WHERE canonical_url <> '';
CREATE INDEX items_by_source ON items (source_id, sort_time DESC, id DESC);
DROP INDEX items_newest;

-- Four 16-bit bands of each eligible item's 64-bit fingerprint: two
-- fingerprints within 3 bits share at least one band exactly.
CREATE TABLE fingerprint_bands (
  band    INTEGER NOT NULL,
  item_id INTEGER NOT NULL,
  seen_at INTEGER NOT NULL,
  PRIMARY KEY (band, item_id)
) WITHOUT ROWID;
CREATE INDEX fingerprint_bands_by_item ON fingerprint_bands (item_id);

CREATE TABLE tombstones (
  source_id    INTEGER NOT NULL,
  identity_key TEXT NOT NULL,
  purged_at    INTEGER NOT NULL,
  PRIMARY KEY (source_id, identity_key)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE items_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO items_fts (rowid, title, body) SELECT id, title, '' FROM items;
)sql",

    // 3: what the scheduler and the fetcher remember about each source:
    // the adaptive interval and rate of new items, what the source asked
    // for (hints, Retry-After, 410 Gone), permanent redirects seen on
    // consecutive polls, and the last body's hash.
    R"sql(
ALTER TABLE sources ADD COLUMN poll_interval INTEGER;
ALTER TABLE sources ADD COLUMN item_rate REAL NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN hints TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sources ADD COLUMN retry_after INTEGER;
ALTER TABLE sources ADD COLUMN gone_at INTEGER;
ALTER TABLE sources ADD COLUMN gone_spec TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN redirect_target TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN redirect_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN body_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN last_new_items INTEGER NOT NULL DEFAULT 0;
)sql",

    // 4: cheaper bookkeeping per poll. What the source's latest document
    // lists (protected from retention) is one row per source instead of a
    // flag on every item, which each poll rewrote on all the items that
    // dropped out of the feed (a table of its own, so that recording a
    // poll does not rewrite the list); the fingerprint bands become one row
    // per item, appended in item order, indexed in memory
    // (store/fingerprint_index); full-text indexing is queued and batched.
    R"sql(
CREATE TABLE source_listings (
  source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  item_ids  TEXT NOT NULL  -- JSON array of items.id
);
INSERT INTO source_listings (source_id, item_ids)
  SELECT source_id, json_group_array(id) FROM items WHERE is_listed = 1 GROUP BY source_id;
ALTER TABLE items DROP COLUMN is_listed;

CREATE TABLE story_fingerprints (
  item_id     INTEGER PRIMARY KEY,
  story_id    INTEGER NOT NULL,
  fingerprint INTEGER NOT NULL,
  seen_at     INTEGER NOT NULL
);
INSERT INTO story_fingerprints (item_id, story_id, fingerprint, seen_at)
  SELECT items.id, items.story_id, items.fingerprint, bands.seen_at
  FROM (SELECT item_id, max(seen_at) AS seen_at FROM fingerprint_bands GROUP BY item_id) AS bands
  JOIN items ON items.id = bands.item_id;
DROP TABLE fingerprint_bands;

-- Items whose text waits to be indexed for full-text search (batched).
CREATE TABLE search_pending (
  item_id     INTEGER PRIMARY KEY,
  was_indexed INTEGER NOT NULL
);
)sql",

    // 5: whether a source's name was configured (else it is the URL's host
    // until the feed's own title is known), and every author of an item
    // (JSON array of {name, email, uri}; author_name/author_email stay the
    // first one's).
    R"sql(
ALTER TABLE sources ADD COLUMN is_named INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';
)sql",
    // 6: story dedup that catches teasers, edits and AMP links (issue 23).
    // Level 2 meets on story_url (core::story_url_key: the canonical URL
    // without AMP, mobile and www. forms) instead of canonical_url, which
    // stays what identity keys are made of; level 3 finds candidates by the
    // story keys of each eligible item (normalize::story_keys) and skips
    // the item's own source. Store::migrate fills both for stored rows.
    R"sql(
ALTER TABLE items ADD COLUMN story_url TEXT NOT NULL DEFAULT '';
DROP INDEX items_by_canonical_url;
CREATE INDEX items_by_story_url ON items (story_url) WHERE story_url <> '';
ALTER TABLE story_fingerprints ADD COLUMN source_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE story_fingerprints ADD COLUMN story_keys TEXT NOT NULL DEFAULT '';
)sql",
    // 7: WebSub subscriptions to the sources' hubs (issue 19.1), one per
    // source: the callback token and the secret the hub signs pushes with,
    // the state and the lease, so that a restart keeps answering the hub.
    R"sql(
CREATE TABLE websub_subscriptions (
  source_id     INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  hub           TEXT NOT NULL,
  topic         TEXT NOT NULL,
  token         TEXT NOT NULL UNIQUE,
  secret        TEXT NOT NULL,
  state         TEXT NOT NULL,
  lease_seconds INTEGER NOT NULL DEFAULT 0,
  requested_at  INTEGER,
  verified_at   INTEGER,
  last_push_at  INTEGER,
  last_error    TEXT NOT NULL DEFAULT ''
);
)sql",
    // 8: the built-in WebSub hub's subscriptions (issue 19.2), one per
    // (topic, callback) as W3C WebSub §5.1 keys them. Depends on nothing
    // but itself.
    R"sql(
CREATE TABLE hub_subscriptions (
  id            INTEGER PRIMARY KEY,
  topic         TEXT NOT NULL,
  topic_url     TEXT NOT NULL,
  callback      TEXT NOT NULL,
  secret        TEXT NOT NULL DEFAULT '',
  lease_seconds INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  verified_at   INTEGER NOT NULL,
  UNIQUE (topic, callback)
);
)sql",
    // 9 (issue 25; 7 and 8 are WebSub's): what a podcast app needs, kept
    // end to end. items.episode holds an episode's image, duration and
    // iTunes and Podcasting 2.0 tags as JSON (store/rows: episode_json;
    // '{}' for other items); a source keeps its podcast's artwork and
    // author, shown on episodes that have none of their own. Depends on
    // migrations 1-6 only.
    R"sql(
ALTER TABLE items ADD COLUMN episode TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sources ADD COLUMN podcast_image_url TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN podcast_author TEXT NOT NULL DEFAULT '';
)sql",
    // 10 (issue 20.3): items hidden by a [[filter]] are kept and marked —
    // filtered_by holds the filter's label (filter::FilterSet::label), ''
    // when shown — so that a reload can bring them back; retention removes
    // them as any other item. filter_state holds the signature of the
    // filters the marks were made with (filter::signature): the daemon
    // re-evaluates what is stored when it differs. Depends on migration 1
    // only.
    R"sql(
ALTER TABLE items ADD COLUMN filtered_by TEXT NOT NULL DEFAULT '';
CREATE INDEX items_hidden ON items (source_id) WHERE filtered_by <> '';
CREATE TABLE filter_state (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  signature TEXT NOT NULL
);
)sql",
    // 11 (issue 25): a source keeps its podcast's category and subcategory
    // (normalize::podcast_category_of: Apple's, in Apple's spelling; ''
    // when it names none), from which a merged podcast feed that sets no
    // category of its own derives one. Depends on migration 1 only.
    R"sql(
ALTER TABLE sources ADD COLUMN podcast_category TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN podcast_subcategory TEXT NOT NULL DEFAULT '';
)sql",

    // 12 (issue 22): the full-text index moves to a file of its own,
    // written by a thread of its own (store/search_indexer.hpp), so that
    // the writer does not do it. The store keeps the queue: each queueing
    // raises an item's version, and the indexer deletes only the versions
    // it did. The token names this store to its index's file: an index
    // that carries another (or none) is rebuilt, every item queued. The
    // old index goes; the new one is built from the items at the first
    // start.
    R"sql(
DROP TABLE IF EXISTS items_fts;
ALTER TABLE search_pending ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE search_identity (token TEXT NOT NULL);
INSERT INTO search_identity (token) VALUES (lower(hex(randomblob(16))));
)sql",
};

}  // namespace tributary::store
