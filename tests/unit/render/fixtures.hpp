// What the renderers' tests start from: a feed header served from
// 127.0.0.1:8080 and one stored entry of an outlet, each test changing
// what it is about.
#pragma once

#include <string>
#include <string_view>

#include "core/time.hpp"
#include "render/render.hpp"

namespace tributary::render::fixtures {

inline core::Timestamp at(std::string_view rfc3339) { return *core::parse_rfc3339(rfc3339); }

// The merged feed's header; `self_url` is the edition's own URL.
inline FeedHeader header(const std::string& self_url) {
  FeedHeader feed;
  feed.id = "http://127.0.0.1:8080/feed.atom";
  feed.title = "Merged";
  feed.self_url = self_url;
  feed.alternate_url = "http://127.0.0.1:8080/";
  feed.tag_authority = "localhost";
  feed.now = at("2026-11-30T12:00:00Z");
  return feed;
}

// "A headline" by the source "Outlet", with a link and HTML text.
inline store::StoredEntry outlet_entry() {
  store::StoredEntry stored;
  stored.item_id = 1;
  stored.story_id = 1;
  stored.source_config_url = "https://outlet.example/feed";
  stored.source_name = "Outlet";
  stored.source_feed_url = "https://outlet.example/feed";
  stored.first_seen = at("2026-11-30T10:00:00Z");
  stored.sort_time = stored.first_seen;
  normalize::Entry& entry = stored.entry;
  entry.identity_key = normalize::IdentityKey::from_id("1");
  entry.original_id = "1";
  entry.title = "A headline";
  entry.url = "https://outlet.example/a";
  entry.content_html = "<p>Text</p>";
  entry.published = at("2026-11-30T09:00:00Z");
  return stored;
}

}  // namespace tributary::render::fixtures
