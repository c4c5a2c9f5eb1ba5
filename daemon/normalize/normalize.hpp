// normalize: a ParsedFeed (the feed's own words) → `Entry` values in one clean
// shape: UTC dates, absolute http(s) URLs, plain-text titles, sanitized HTML,
// an identity key and a story fingerprint. No string it returns holds a
// control character, a noncharacter or a surrogate (normalize/characters.hpp);
// every URL is http or https, resolved against http(s) bases only (a
// "javascript:" xml:base is ignored). Pure: `now` and the document URL come
// in through NormalizeContext.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/podcast_categories.hpp"
#include "core/time.hpp"
#include "parse/parse.hpp"

namespace tributary::normalize {

struct Enclosure {
  std::string url;   // absolute http(s)
  std::string type;  // a media type ("audio/mpeg"), or empty
  std::optional<std::int64_t> length;
  friend bool operator==(const Enclosure&, const Enclosure&) = default;
};

// A person credited with an entry: any of the three may be empty, not all.
struct Author {
  std::string name;
  std::string email;
  std::string uri;  // absolute http(s)
  friend bool operator==(const Author&, const Author&) = default;
};

// What tells an item apart from the others of its source (ARCHITECTURE.md,
// dedup level 1): its guid, else its canonical link, else a digest of its
// content. Stored as text with the kind as a prefix — "id:<guid>",
// "url:<canonical link>", "hash:<32 hex digits>" — the text every database
// since schema 1 holds, so it must never change.
class IdentityKey {
 public:
  enum class Kind { kId, kUrl, kHash };

  IdentityKey() = default;  // empty: an entry not normalized yet
  static IdentityKey from_id(std::string_view guid);
  static IdentityKey from_url(std::string_view canonical_url);
  // The first 128 bits of the SHA-256 of `material` (whatever tells the
  // item apart when it has neither guid nor link), in hex.
  static IdentityKey from_content(std::string_view material);
  // A key as stored. Text without a known prefix (never written by
  // Tributary) reads as an opaque key of kind kHash, kept as it is.
  static IdentityKey from_stored(std::string text);
  // The prefix of a kind in the stored text ("url:"), for SQL that re-keys
  // stored rows.
  static std::string_view prefix(Kind kind);

  Kind kind() const { return kind_; }
  // The guid, the link or the digest: the text without its prefix.
  std::string_view value() const { return std::string_view(text_).substr(value_offset_); }
  // The text as stored, prefix included.
  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }
  friend bool operator==(const IdentityKey&, const IdentityKey&) = default;

 private:
  IdentityKey(Kind kind, std::string_view value);
  Kind kind_ = Kind::kHash;
  std::string text_;
  std::size_t value_offset_ = 0;
};

// podcast:transcript (Podcasting 2.0): a transcript or captions file.
struct Transcript {
  std::string url;   // absolute http(s)
  std::string type;  // a media type ("text/vtt"), inferred from the file name when the feed gave none
  std::string language;
  std::string rel;  // "captions", or empty
  friend bool operator==(const Transcript&, const Transcript&) = default;
};

// What a podcast app needs of an episode besides its file, image and
// duration (Entry::image_url, Entry::duration): Apple's iTunes tags and
// Podcasting 2.0's transcripts. Empty for other items.
struct EpisodeMeta {
  // itunes:duration as the feed wrote it, when it is one of the forms the
  // podcast specifications name ("3723", "62:03", "1:02:03"): written back
  // as it was; else Entry::duration (seconds) is.
  std::string duration_text;
  std::optional<bool> is_explicit;      // itunes:explicit of the episode, else of its podcast
  std::optional<std::int64_t> number;   // itunes:episode, ≥ 1
  std::optional<std::int64_t> season;   // itunes:season, ≥ 1
  std::string type;                     // itunes:episodeType: "full", "trailer", "bonus", or empty
  std::vector<Transcript> transcripts;  // podcast:transcript
  bool empty() const { return *this == EpisodeMeta{}; }
  friend bool operator==(const EpisodeMeta&, const EpisodeMeta&) = default;
};

struct Entry {
  IdentityKey identity_key;  // unique within its source
  std::string original_id;   // the feed's guid/id as written, if any
  std::string title;         // plain text
  std::string url;           // absolute http(s) link to the article
  std::string canonical_url;
  std::string author_name;  // of the first author with a name or an email
  std::string author_email;
  // Everyone the item credits as an author (Atom author, RSS author and
  // dc:creator, JSON Feed authors), in document order, each person once;
  // the feed's authors when the item names none. Contributors are not here.
  std::vector<Author> authors;
  std::string summary_html;  // sanitized
  std::string content_html;  // sanitized
  // html_to_text(content_html), else of summary_html: what full-text search
  // indexes and story matching compares. Written here, on a parse worker,
  // so that the store's one writer thread does not read the HTML again.
  std::string text;
  std::vector<std::string> categories;
  std::vector<Enclosure> enclosures;
  std::optional<core::Timestamp> published;
  std::optional<core::Timestamp> updated;
  std::uint64_t fingerprint = 0;
  std::size_t word_count = 0;                    // of title and text, for dedup guards
  std::vector<std::uint32_t> story_keys;         // normalize::story_keys of the text: finds possible copies
  std::string lang;                              // a BCP 47 language tag, or empty
  bool is_republished = false;                   // carries atom:source: a copy of another feed's entry
  std::string image_url;                         // absolute: media:thumbnail, itunes:image, JSON image
  std::optional<std::chrono::seconds> duration;  // itunes:duration
  EpisodeMeta episode;                           // the other podcast tags
  friend bool operator==(const Entry&, const Entry&) = default;
};

struct FeedMeta {
  std::string title;
  std::string site_url;
  std::string self_url;
  std::vector<std::string> hub_urls;  // WebSub hubs the document advertises: absolute http(s) URLs
  std::string id;
  std::string lang;
  std::optional<core::Timestamp> updated;
  std::string subtitle;   // plain text
  std::string image_url;  // absolute
  // A podcast's artwork (itunes:image, else image_url) and author
  // (itunes:author): what its episodes show in a merged podcast feed.
  std::string podcast_image_url;
  std::string podcast_author;
  // Its category (podcast_category_of): what a merged podcast feed that
  // sets none of its own derives its itunes:category from.
  core::PodcastCategory podcast_category;

  // The feed's own word on polling, for the scheduler; each is absent when
  // the feed does not say (or says something unreadable).
  std::optional<std::chrono::seconds> ttl;              // RSS <ttl> (minutes in the feed)
  std::optional<std::chrono::seconds> update_interval;  // sy:updatePeriod / sy:updateFrequency
  std::optional<core::Timestamp> update_base;           // sy:updateBase
  std::vector<int> skip_hours;                          // 0–23, GMT
  std::vector<int> skip_days;                           // 0 = Sunday … 6 = Saturday
  friend bool operator==(const FeedMeta&, const FeedMeta&) = default;
};

struct NormalizedFeed {
  FeedMeta feed;
  std::vector<Entry> entries;
  friend bool operator==(const NormalizedFeed&, const NormalizedFeed&) = default;
};

struct NormalizeContext {
  std::string document_url;  // the URL the bytes were fetched from, if any
  core::Timestamp now;
};

NormalizedFeed normalize_feed(const parse::ParsedFeed& parsed, const NormalizeContext& context);
// The same, consuming the parsed feed: each item is freed once normalized,
// so that the next items' strings reuse its memory (a large feed otherwise
// holds both forms at once, in freshly faulted pages).
NormalizedFeed normalize_feed(parse::ParsedFeed&& parsed, const NormalizeContext& context);

// Splits an RSS author ("jo@example.com (Jo Doe)", "Jo Doe <jo@example.com>",
// "jo@example.com") into name and email.
Author split_author(std::string_view text);

// sy:updatePeriod ("hourly", "daily", "weekly", "monthly", "yearly"; daily
// when empty) divided by sy:updateFrequency (1 when absent): the interval
// the feed says it changes at. nullopt when both are absent or unreadable.
std::optional<std::chrono::seconds> syndication_interval(std::string_view period, std::optional<int> frequency);

// itunes:duration → seconds: "3723", "62:03", "1:02:03", each with an
// optional fraction that is dropped ("3723.5", "1:02:03.250"); white space
// around is ignored. nullopt for anything else ("1:75", "45 min", "-3",
// "1:2:3:4", "") and for zero, which feeds write for "unknown".
std::optional<std::chrono::seconds> parse_duration_text(std::string_view text);
// Whether `text` (trimmed) is itunes:duration in a form the podcast
// specifications name and validators accept: whole seconds, or minutes and
// seconds, or hours, minutes and seconds, each field after the first in two
// digits below 60 ("3723", "62:03", "1:02:03"; not "1:2", "1:02:03.5").
bool is_canonical_duration(std::string_view text);
// itunes:explicit: "true", "yes", "explicit" → true; "false", "no",
// "clean" → false (case and white space ignored); nullopt otherwise.
std::optional<bool> parse_explicit_flag(std::string_view text);
// itunes:episode and itunes:season: a whole number ≥ 1, else nullopt.
std::optional<std::int64_t> parse_episode_number(std::string_view text);
// itunes:episodeType: "full", "trailer" or "bonus" (lower-cased); empty otherwise.
std::string parse_episode_type(std::string_view text);
// A podcast's category from its channel's itunes:category elements: the
// first that is one of Apple's categories (Apple takes the first as the
// primary one), with the first of its subcategories that is Apple's, each
// in Apple's spelling; empty when none is. Other texts ("Tech",
// "Gadgets", retired ones) are dropped: a feed carrying them is invalid.
core::PodcastCategory podcast_category_of(const std::vector<parse::ItunesCategory>& categories);

}  // namespace tributary::normalize
