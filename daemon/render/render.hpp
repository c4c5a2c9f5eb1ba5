// render: stored entries → feed documents (Atom 1.0, RSS 2.0, JSON Feed 1.1), the
// sources as OPML 2.0 and JSON, the landing page, and the immutable
// RenderedFeed objects the server hands out. Pure: `now` comes in.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/podcast_categories.hpp"
#include "core/time.hpp"
#include "schedule/policy.hpp"
#include "store/records.hpp"

namespace tributary::render {

struct FeedHeader {
  std::string id;  // atom:id of the merged feed
  std::string title;
  std::string subtitle;
  std::string self_url;       // where this document is served
  std::string alternate_url;  // the daemon's landing page
  std::string tag_authority;  // DNS name for entry tag: URIs
  core::Timestamp now;        // feed updated time when there are no entries
  // Paging (RFC 5005 §3): the first page, and the next (older) one when
  // there is more. Empty: not paged / no more.
  std::string first_url;
  std::string next_url;
  // The WebSub hub that pushes new versions of this document (W3C WebSub
  // §4: Atom's link rel="hub", the RSS channel's atom:link rel="hub", JSON
  // Feed 1.1's `hubs`). Empty: none.
  std::string hub_url;
  // How entries name their outlet for readers that ignore atom:source.
  config::Attribution attribution = config::Attribution::author;
  // The channel-level podcast tags of the RSS edition (config::inherit'ed
  // from [feed] for a channel); unset ones are left out or derived from
  // the entries (the explicit flag, the language).
  config::PodcastSettings podcast;
};

// When an entry last changed: updated, else published, else first seen.
core::Timestamp entry_updated(const store::StoredEntry& stored);
// The entry's title, or the start of its text when it has none (Atom
// requires a title; readers show the text's start).
std::string display_title(const normalize::Entry& entry);

// The outlet as readers see it: the source's configured name, else the
// feed's own title, else its host (store::display_name).
std::string source_display_name(const store::StoredEntry& stored);

// The entry's authors as readers show them: each author's name (else
// e-mail), or the outlet when the item names none (Atom requires an
// author; JSON Feed readers expect one). With Attribution::author each name
// also says the outlet: "Jo Doe (Outlet)".
std::vector<std::string> display_authors(const store::StoredEntry& stored, config::Attribution attribution);
// The entry's title as readers show it: display_title, prefixed with
// "Outlet: " under Attribution::title.
std::string shown_title(const store::StoredEntry& stored, config::Attribution attribution);

std::string render_atom(const FeedHeader& header, std::span<const store::StoredEntry> entries);
// RSS 2.0 as the RSS Advisory Board's specification describes it, with the
// content, Dublin Core, Atom (self and paging links), iTunes and Podcasting
// 2.0 namespaces. An enclosure without a media type that its file name does
// not tell is left out (podcast apps refuse the whole feed over one); each
// is described in `left_out`, when given, for the log, and so is each
// channel tag a podcast needs that a document with episodes goes without
// (the owner's e-mail, a category, the language: none is made up).
std::string render_rss(const FeedHeader& header, std::span<const store::StoredEntry> entries,
                       std::vector<std::string>* left_out = nullptr);

// The RSS channel's itunes:category: as configured (header.podcast), else
// the one most of the podcasts whose episodes are in `entries` name, each
// podcast counted once (its source's category: Apple's, see
// normalize::podcast_category_of), a tie going to the podcast of the newest
// episode; its subcategory the one most of those podcasts name. Empty when
// none names one.
core::PodcastCategory channel_category(const FeedHeader& header, std::span<const store::StoredEntry> entries);

// The enclosure's media type: as stored, else inferred from its file name
// (normalize::media_type_of_file; rows stored before inference), else empty.
std::string enclosure_type(const normalize::Enclosure& enclosure);
// Whether a podcast app would list the entry as an episode: it has an audio
// or video enclosure, a duration, or iTunes episode tags.
bool is_episode(const normalize::Entry& entry);
// JSON Feed 1.1; `_tributary` extension objects carry the source and the
// other outlets of a story.
std::string render_json_feed(const FeedHeader& header, std::span<const store::StoredEntry> entries);

// The entry's stable atom:id: the feed's own guid/id when it is an absolute
// IRI that identified the item, else a tag URI from the source's configured
// URL and the item's identity key; either survives restarts and re-polls.
std::string entry_id(std::string_view tag_authority, const store::StoredEntry& entry);
// The tag URI alone (used when another entry of the document already
// carries the same original id).
std::string tag_entry_id(std::string_view tag_authority, const store::StoredEntry& entry);
// Ids for a whole document: entry_id, with later duplicates replaced by
// their tag URI, so that ids within one document are unique.
std::vector<std::string> unique_entry_ids(std::string_view tag_authority, std::span<const store::StoredEntry> entries);

// A source as the landing page, /sources.json and /sources.opml show it.
struct SourceStatus {
  store::SourceRecord record;
  std::string state;               // store::source_state
  std::vector<int> items_per_day;  // oldest first, today last
};

// `hosts`: each host's load against its politeness budget (schedule::host_loads).
std::string render_sources_json(std::span<const SourceStatus> sources, std::span<const schedule::HostLoad> hosts,
                                core::Timestamp now);
std::string render_opml(std::string_view title, std::span<const SourceStatus> sources, core::Timestamp now);

struct FeedLink {
  std::string label;  // the feed's title, a channel's title
  std::string atom_url;
  std::string json_url;
  std::string rss_url;
};

// One of the newest stories, as the landing page lists it.
struct Headline {
  std::string title;
  std::string url;     // empty: shown without a link
  std::string outlet;  // the source's display name
  core::Timestamp when;
};

struct LandingPage {
  std::string title;
  std::string subtitle;
  std::vector<FeedLink> feeds;      // the first is the default feed
  std::vector<Headline> headlines;  // newest first
  std::string link_suffix;          // appended to every link ("?token=…" when the site needs it)
  core::Timestamp now;
  // schedule::describe_stretch of each host whose sources are stretched to
  // fit host_delay; shown under the sources when there are any.
  std::vector<std::string> stretched_hosts;
};

// A self-contained HTML page: no scripts, no external assets.
std::string render_landing(const LandingPage& page, std::span<const SourceStatus> sources);

// A feed document ready to serve: bytes, a gzip copy, validators.
struct RenderedFeed {
  std::string content_type;
  std::string body;
  std::string gzip_body;
  std::string etag;  // strong, from the bytes
  core::Timestamp last_modified;
  // "Content-Type: …\r\nETag: …\r\nLast-Modified: …\r\n": the header
  // fields every answer about this document carries (RFC 9110 §15.4.5: a
  // 304 too), formatted once rather than per request.
  std::string http_fields;
};

std::shared_ptr<const RenderedFeed> make_rendered(std::string content_type, std::string body,
                                                  core::Timestamp last_modified);

}  // namespace tributary::render
