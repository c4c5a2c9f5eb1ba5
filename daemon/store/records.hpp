// The store's value types: what goes in (a poll's record) and what comes
// out (sources, stored entries, results), plain structs without any tie to
// how they are kept. The renderer sees only these (render/render.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/podcast_categories.hpp"
#include "core/time.hpp"
#include "filter/filter.hpp"
#include "normalize/normalize.hpp"

namespace tributary::store {

using Seconds = std::chrono::seconds;

struct SourceRecord {
  std::int64_t id = 0;
  std::string config_url;  // identity: the URL the config names
  std::string url;         // the URL polled now
  std::string name;        // configured, else the URL's host
  bool is_named = false;   // the name was configured
  std::vector<std::string> tags;
  std::string title;  // from the feed document
  std::string site_url;
  std::string feed_id;
  std::string etag;
  std::string last_modified;
  std::optional<core::Timestamp> last_poll_at;
  std::optional<core::Timestamp> last_success_at;
  std::optional<core::Timestamp> next_poll_at;
  std::optional<core::Timestamp> feed_updated;
  std::optional<core::Timestamp> removed_at;  // dropped from the config
  int last_status = 0;
  std::string last_error;
  std::int64_t error_count = 0;
  std::int64_t item_count = 0;
  std::int64_t hidden_items = 0;  // of item_count, hidden by a [[filter]]
  std::string identity_mode;      // "guid", or "link" after the feed's guids proved useless
  std::string identity_reason;    // why identity_mode is not "guid"
  // The scheduler's memory of the source (see PollRecord).
  std::optional<Seconds> poll_interval;
  double item_rate = 0;
  int last_new_items = 0;
  std::string hints;  // JSON
  std::optional<core::Timestamp> retry_after;
  std::optional<core::Timestamp> gone_at;
  std::string gone_spec;
  std::string redirect_target;
  int redirect_streak = 0;
  std::string body_hash;
  // Its WebSub subscription, if any (SubscriptionRecord): the hub, the
  // state ("verified": pushed) and when the lease ends.
  std::string push_hub;
  std::string push_state;
  std::optional<core::Timestamp> push_expires_at;
};

// A source's WebSub subscription as kept (schedule/subscriber.hpp). The
// token is the last segment of its callback URL; the secret signs pushes.
struct SubscriptionRecord {
  std::int64_t source_id = 0;
  std::string hub;
  std::string topic;
  std::string token;
  std::string secret;
  std::string state;  // schedule::SubscriptionState as text
  Seconds lease{0};   // granted by the hub at verification
  std::optional<core::Timestamp> requested_at;
  std::optional<core::Timestamp> verified_at;
  std::optional<core::Timestamp> last_push_at;
  std::string last_error;
};

// The sources still in the configuration: how many fail, and which was
// polled last.
struct SourceStateCounts {
  std::map<std::string, std::int64_t> by_state;  // source_state's words
  std::int64_t pushed = 0;
};

struct SourcesAtAGlance {
  std::int64_t failing = 0;
  std::optional<SourceRecord> last_polled;
};

// The source as people see it: its configured name, else the feed's own
// title once a poll has read it, else the URL's host.
std::string display_name(const SourceRecord& source);

// What a status row says about a source: "ok", "new", "failing" (one
// error), "backing off" (several), "retry-after", "gone", "removed".
std::string source_state(const SourceRecord& source, core::Timestamp now);

// Whether the source's updates are pushed now: a verified WebSub
// subscription whose lease has not ended.
bool is_pushed(const SourceRecord& source, core::Timestamp now);
// How its updates arrive, for status pages: "pushed (hub HOST, lease until
// TIME)", "polled (hub HOST: subscribing)" or "polled".
std::string delivery(const SourceRecord& source, core::Timestamp now);

// One poll's outcome and the scheduler's state after it, recorded on its
// source so that a restart resumes where it was.
struct PollRecord {
  core::Timestamp polled_at;
  bool is_success = false;
  int http_status = 0;
  std::string error;  // what went wrong, when not a success
  std::string etag;   // validators to send next time (empty: keep)
  std::string last_modified;
  std::optional<core::Timestamp> next_poll_at;
  std::optional<Seconds> poll_interval;  // the adaptive interval in force (empty: keep)
  double item_rate = 0;                  // smoothed new items per day
  int new_items = 0;
  std::string hints;  // what the source asks for, as JSON (empty: keep)
  std::optional<core::Timestamp> retry_after;
  std::optional<core::Timestamp> gone_at;  // 410 Gone: not polled until its config changes
  std::string gone_spec;                   // the config it went gone under
  std::string redirect_target;             // a permanent redirect seen on consecutive polls
  int redirect_streak = 0;
  std::string body_hash;  // of the last body (empty: keep)
  std::string url;        // the URL to poll from now on (empty: keep)
};

struct IngestResult {
  int new_items = 0;
  int updated = 0;
  int unchanged = 0;
  int merged = 0;  // of the new items, those that joined an existing story
  bool changed() const { return new_items + updated > 0; }
};

// Another outlet's copy of a story.
struct StoryCopy {
  std::string source_name;
  std::string url;
};

// A stable position in the newest-first list of stories.
struct StoryCursor {
  core::Timestamp sort_time;
  std::int64_t story_id = 0;
};
std::string to_string(const StoryCursor& cursor);
std::optional<StoryCursor> parse_cursor(std::string_view text);

// An item as the renderer needs it: the entry, where it came from, and (for
// a story's primary item) the other outlets that carried the story.
struct StoredEntry {
  std::int64_t item_id = 0;
  std::int64_t story_id = 0;
  std::string source_config_url;
  std::string source_name;   // store::display_name of the source
  std::string source_title;  // the source feed's own title
  std::string source_site_url;
  std::string source_feed_url;
  std::string source_feed_id;
  std::optional<core::Timestamp> source_updated;
  std::string source_podcast_image_url;           // the source's podcast artwork, for episodes without their own
  std::string source_podcast_author;              // its itunes:author
  core::PodcastCategory source_podcast_category;  // its itunes:category (Apple's); empty: none
  core::Timestamp first_seen;
  core::Timestamp sort_time;  // published, else updated, else first seen
  normalize::Entry entry;
  std::vector<StoryCopy> copies;
  StoryCursor cursor;  // the story's place in the list: page on from here
};

struct StoryQuery {
  std::size_t limit = 50;
  std::vector<std::string> source_urls;  // configured URLs; empty: every source
  std::vector<std::string> tags;         // stories from sources with any of these
  std::string text;                      // full-text words (all must match)
  std::optional<StoryCursor> before;     // stories strictly older than this
};

// One batch of Store::refilter.
struct RefilterStep {
  std::size_t examined = 0;
  std::size_t hidden = 0;  // newly hidden
  std::size_t shown = 0;   // hidden before, shown now
  bool is_done = false;    // every stored item is judged by the filters set
};

// A stored item as filters see it (filter::ItemFields), with its source
// and its mark: the filter label that hides it now, or empty.
struct FilterableItem {
  std::int64_t item_id = 0;
  std::string source_url;  // configured
  std::string source_name;
  std::vector<std::string> source_tags;
  std::string title;
  std::string content_text;  // content, else summary, without markup
  std::string url;
  std::vector<std::string> authors;  // names and e-mail addresses
  std::vector<std::string> categories;
  std::string filtered_by;
};
filter::ItemFields item_fields(const FilterableItem& item);
filter::SourceFacts source_facts(const FilterableItem& item);

struct MaintenanceResult {
  int purged_items = 0;
  int removed_sources = 0;
  int expired_tombstones = 0;
  bool is_skipped = false;  // another daemon of the fleet was at it: nothing done but in memory
};

}  // namespace tributary::store
