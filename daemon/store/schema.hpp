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
};

}  // namespace tributary::store
