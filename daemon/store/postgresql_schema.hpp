// The PostgreSQL schema as forward-only migrations, like SQLite's
// (store/schema.hpp): migration N brings a database from schema_version
// N-1 to N. Never edit a released migration; add one. Migration 1 is
// SQLite's schema 11 in PostgreSQL's terms: integers are BIGINT (Unix
// seconds, ids), flags stay 0/1 integers so that the store's SQL reads the
// same on both engines, names sort byte-wise as in SQLite (COLLATE "C"),
// and full-text search is a tsvector column with a GIN index instead of
// an FTS5 table.
#pragma once

#include <string_view>

namespace tributary::store {

inline constexpr std::string_view kPostgresMigrations[] = {
    // 1: everything of SQLite's schema 11.
    R"sql(
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TABLE sources (
  id                  BIGSERIAL PRIMARY KEY,
  config_url          TEXT COLLATE "C" NOT NULL UNIQUE,
  url                 TEXT NOT NULL,
  name                TEXT COLLATE "C" NOT NULL,
  title               TEXT NOT NULL DEFAULT '',
  site_url            TEXT NOT NULL DEFAULT '',
  feed_id             TEXT NOT NULL DEFAULT '',
  feed_updated        BIGINT,
  etag                TEXT NOT NULL DEFAULT '',
  last_modified       TEXT NOT NULL DEFAULT '',
  last_poll_at        BIGINT,
  last_success_at     BIGINT,
  next_poll_at        BIGINT,
  last_status         BIGINT NOT NULL DEFAULT 0,
  last_error          TEXT NOT NULL DEFAULT '',
  error_count         BIGINT NOT NULL DEFAULT 0,
  tags                TEXT NOT NULL DEFAULT '[]',
  identity_mode       TEXT NOT NULL DEFAULT 'guid',
  identity_reason     TEXT NOT NULL DEFAULT '',
  removed_at          BIGINT,
  poll_interval       BIGINT,
  item_rate           DOUBLE PRECISION NOT NULL DEFAULT 0,
  hints               TEXT NOT NULL DEFAULT '{}',
  retry_after         BIGINT,
  gone_at             BIGINT,
  gone_spec           TEXT NOT NULL DEFAULT '',
  redirect_target     TEXT NOT NULL DEFAULT '',
  redirect_streak     BIGINT NOT NULL DEFAULT 0,
  body_hash           TEXT NOT NULL DEFAULT '',
  last_new_items      BIGINT NOT NULL DEFAULT 0,
  is_named            BIGINT NOT NULL DEFAULT 0,
  podcast_image_url   TEXT NOT NULL DEFAULT '',
  podcast_author      TEXT NOT NULL DEFAULT '',
  podcast_category    TEXT NOT NULL DEFAULT '',
  podcast_subcategory TEXT NOT NULL DEFAULT ''
);
CREATE TABLE items (
  id             BIGSERIAL PRIMARY KEY,
  source_id      BIGINT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  identity_key   TEXT COLLATE "C" NOT NULL,
  original_id    TEXT NOT NULL DEFAULT '',
  title          TEXT NOT NULL DEFAULT '',
  url            TEXT NOT NULL DEFAULT '',
  canonical_url  TEXT NOT NULL DEFAULT '',
  author_name    TEXT NOT NULL DEFAULT '',
  author_email   TEXT NOT NULL DEFAULT '',
  summary_html   TEXT NOT NULL DEFAULT '',
  content_html   TEXT NOT NULL DEFAULT '',
  categories     TEXT NOT NULL DEFAULT '[]',
  enclosures     TEXT NOT NULL DEFAULT '[]',
  lang           TEXT NOT NULL DEFAULT '',
  published      BIGINT,
  updated        BIGINT,
  first_seen     BIGINT NOT NULL,
  sort_time      BIGINT NOT NULL,
  fingerprint    BIGINT NOT NULL DEFAULT 0,
  content_hash   TEXT NOT NULL,
  story_id       BIGINT NOT NULL DEFAULT 0,
  is_republished BIGINT NOT NULL DEFAULT 0,
  story_url      TEXT COLLATE "C" NOT NULL DEFAULT '',
  authors        TEXT NOT NULL DEFAULT '[]',
  episode        TEXT NOT NULL DEFAULT '{}',
  filtered_by    TEXT NOT NULL DEFAULT '',
  search         TSVECTOR,
  UNIQUE (source_id, identity_key)
);
CREATE INDEX items_by_story ON items (story_id);
CREATE INDEX items_by_story_url ON items (story_url) WHERE story_url <> '';
CREATE INDEX items_by_source ON items (source_id, sort_time DESC, id DESC);
CREATE INDEX items_hidden ON items (source_id) WHERE filtered_by <> '';
CREATE INDEX items_search ON items USING GIN (search);
CREATE TABLE stories (
  id              BIGSERIAL PRIMARY KEY,
  primary_item_id BIGINT NOT NULL,
  sort_time       BIGINT NOT NULL,
  updated         BIGINT NOT NULL,
  item_count      BIGINT NOT NULL
);
CREATE INDEX stories_newest ON stories (sort_time DESC, id DESC);
CREATE TABLE tombstones (
  source_id    BIGINT NOT NULL,
  identity_key TEXT COLLATE "C" NOT NULL,
  purged_at    BIGINT NOT NULL,
  PRIMARY KEY (source_id, identity_key)
);
CREATE TABLE source_listings (
  source_id BIGINT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  item_ids  TEXT NOT NULL
);
CREATE TABLE story_fingerprints (
  item_id     BIGINT PRIMARY KEY,
  story_id    BIGINT NOT NULL,
  fingerprint BIGINT NOT NULL,
  seen_at     BIGINT NOT NULL,
  source_id   BIGINT NOT NULL DEFAULT 0,
  story_keys  TEXT NOT NULL DEFAULT ''
);
CREATE TABLE search_pending (
  item_id     BIGINT PRIMARY KEY,
  was_indexed BIGINT NOT NULL
);
CREATE TABLE websub_subscriptions (
  source_id     BIGINT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  hub           TEXT NOT NULL,
  topic         TEXT NOT NULL,
  token         TEXT NOT NULL UNIQUE,
  secret        TEXT NOT NULL,
  state         TEXT NOT NULL,
  lease_seconds BIGINT NOT NULL DEFAULT 0,
  requested_at  BIGINT,
  verified_at   BIGINT,
  last_push_at  BIGINT,
  last_error    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE hub_subscriptions (
  id            BIGSERIAL PRIMARY KEY,
  topic         TEXT NOT NULL,
  topic_url     TEXT NOT NULL,
  callback      TEXT NOT NULL,
  secret        TEXT NOT NULL DEFAULT '',
  lease_seconds BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL,
  verified_at   BIGINT NOT NULL,
  UNIQUE (topic, callback)
);
CREATE TABLE filter_state (
  id        BIGINT PRIMARY KEY CHECK (id = 1),
  signature TEXT NOT NULL
);
-- Bumped by every transaction that changes the story-key index's rows,
-- which thereby take turns (the row lock) and can tell that another
-- connection wrote since their last turn (engine.hpp: others_wrote).
CREATE TABLE write_turns (
  id   BIGINT PRIMARY KEY CHECK (id = 1),
  turn BIGINT NOT NULL
);
INSERT INTO write_turns (id, turn) VALUES (1, 0);
)sql",
    // 2: several daemons on one database (store/fleet_records.hpp). A
    // poll's lease; the earliest time the fleet may send the next request
    // to a host (milliseconds, so that host_delay holds across daemons);
    // the daemons that beat lately, with the configuration each loaded.
    R"sql(
CREATE TABLE poll_leases (
  source_id  BIGINT PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
  holder     TEXT COLLATE "C" NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX poll_leases_by_holder ON poll_leases (holder);
CREATE TABLE fleet_hosts (
  host            TEXT COLLATE "C" PRIMARY KEY,
  next_request_ms BIGINT NOT NULL
);
CREATE TABLE fleet_daemons (
  daemon           TEXT COLLATE "C" PRIMARY KEY,
  seen_ms          BIGINT NOT NULL,
  config_signature TEXT NOT NULL,
  config_loaded_ms BIGINT NOT NULL
);
)sql",
    // 3: write turns tell new items' story keys from other changes to
    // them, so that a daemon loads only the rows new to it after another
    // daemon's ingest (engine.hpp: others_wrote).
    R"sql(
ALTER TABLE write_turns ADD COLUMN reshapes BIGINT NOT NULL DEFAULT 0;
)sql",
    // 4: the daemon whose claim set a host's next request time: it waits
    // only the spacing after its own claim, the others the claim's start
    // margin too (fleet_records.hpp: PollClaimRequest::start_margin).
    R"sql(
ALTER TABLE fleet_hosts ADD COLUMN holder TEXT COLLATE "C" NOT NULL DEFAULT '';
)sql",
};

}  // namespace tributary::store
