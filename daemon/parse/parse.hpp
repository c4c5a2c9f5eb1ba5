// parse: feed document bytes → `ParsedFeed`, the feed's own words, unresolved
// and unnormalized (dates and URLs are kept as text; `normalize` reads them).
// Pure: no clock, no network, no file system. libxml2 runs in recovery mode
// with network access and external entities disabled.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::parse {

enum class FeedFormat { rss090, rss091, rss092, rss093, rss094, rss10, rss20, atom03, atom10, json10, json11 };
std::string_view to_string(FeedFormat format);

enum class TextType { text, html, xhtml };

// A text construct: its value and how to read it. For `xhtml` the value is
// the serialized XHTML markup of the construct's children.
struct Text {
  std::string value;
  TextType type = TextType::text;
  std::string base;  // xml:base in effect here, if any

  friend bool operator==(const Text&, const Text&) = default;
};

struct Link {
  std::string href;
  std::string rel;  // empty means "alternate"
  std::string type;
  std::string title;
  std::string length;
  std::string base;  // xml:base in effect here, if any

  friend bool operator==(const Link&, const Link&) = default;
};

struct Person {
  std::string name;  // for RSS, the raw element text ("jo@example.com (Jo)")
  std::string email;
  std::string uri;

  friend bool operator==(const Person&, const Person&) = default;
};

struct Enclosure {
  std::string url;
  std::string type;
  std::string length;
  std::string base;

  friend bool operator==(const Enclosure&, const Enclosure&) = default;
};

// podcast:transcript (Podcasting 2.0): a transcript or captions file of an
// episode, attributes as written.
struct Transcript {
  std::string url;
  std::string type;  // "text/vtt", "application/srt", "text/html", …
  std::string language;
  std::string rel;  // "captions" when the file is closed captions
  std::string base;

  friend bool operator==(const Transcript&, const Transcript&) = default;
};

// A podcast's itunes:category, as written: its text attribute and those of
// the itunes:category elements nested in it (its subcategories).
struct ItunesCategory {
  std::string text;
  std::vector<std::string> subcategories;

  friend bool operator==(const ItunesCategory&, const ItunesCategory&) = default;
};

// atom:source of an entry republished from another feed (RFC 4287 §4.2.11),
// or RSS <source url="…">.
struct SourceFeed {
  std::string id;
  std::string title;
  std::string link;
  std::string updated;

  friend bool operator==(const SourceFeed&, const SourceFeed&) = default;
};

struct RawItem {
  std::string id;  // guid, atom:id, rdf:about, JSON id
  bool is_guid_permalink = false;
  Text title;
  std::vector<Link> links;
  std::string published;  // raw date text
  std::string updated;
  std::vector<Person> authors;  // author, dc:creator, itunes:author, JSON authors
  std::vector<Person> contributors;
  Text summary;
  Text content;
  std::vector<std::string> categories;
  std::vector<Enclosure> enclosures;  // enclosure, media:content, atom:link rel="enclosure", attachments
  std::string image;                  // media:thumbnail, itunes:image, JSON image (URL as written)
  std::string duration;               // itunes:duration as written ("1:02:03", "3723")
  // The other iTunes podcast tags of an episode, as written.
  std::string explicit_flag;            // itunes:explicit ("true", "yes", "clean", …)
  std::string episode;                  // itunes:episode
  std::string season;                   // itunes:season
  std::string episode_type;             // itunes:episodeType ("full", "trailer", "bonus")
  std::vector<Transcript> transcripts;  // podcast:transcript
  std::string base;                     // xml:base in effect for the item, if any
  std::string lang;                     // xml:lang in effect for the item, if any
  std::optional<SourceFeed> source;

  friend bool operator==(const RawItem&, const RawItem&) = default;
};

struct FeedInfo {
  Text title;
  Text subtitle;
  std::string link;  // the site (alternate) link
  std::string self_link;
  std::vector<std::string> hub_links;  // rel="hub" (WebSub §4), as written, in document order
  std::string id;
  std::string updated;
  std::vector<Person> authors;
  std::string image;  // RSS <image><url>, itunes:image, atom:logo, JSON icon
  // A podcast's own: its artwork and author, and whether it is explicit
  // (the default of its episodes), as written.
  std::string itunes_image;                       // itunes:image href
  std::string itunes_author;                      // itunes:author
  std::string explicit_flag;                      // itunes:explicit
  std::vector<ItunesCategory> itunes_categories;  // the channel's itunes:category, in document order
  std::string base;
  std::string lang;

  // What the feed says about how often to poll it (for the scheduler).
  std::optional<std::chrono::minutes> ttl;  // RSS 2.0 <ttl>
  std::string update_period;                // sy:updatePeriod as written ("hourly", "daily", …)
  std::optional<int> update_frequency;      // sy:updateFrequency (times per period)
  std::string update_base;                  // sy:updateBase, a date as written
  std::vector<int> skip_hours;              // <skipHours>: 0–23 (GMT), sorted, unique
  std::vector<int> skip_days;               // <skipDays>: 0 = Sunday … 6 = Saturday, sorted, unique

  friend bool operator==(const FeedInfo&, const FeedInfo&) = default;
};

struct ParsedFeed {
  FeedFormat format = FeedFormat::rss20;
  bool is_recovered = false;    // the document was broken and repaired
  std::string recovery_reason;  // the first problem found, when recovered
  std::string encoding;         // what the bytes were decoded from ("utf-8", "windows-1252", …)
  FeedInfo feed;
  std::vector<RawItem> items;

  friend bool operator==(const ParsedFeed&, const ParsedFeed&) = default;
};

// Each limit, when exceeded, makes parse_feed fail with a one-line error
// that names it; none of them makes it slow or large first.
struct ParseLimits {
  std::size_t max_document_bytes = 32 * 1024 * 1024;
  std::size_t max_items = 20000;
  std::size_t max_depth = 256;  // element nesting (libxml2's own cap is 256 as well)
};

struct ParseOptions {
  std::string document_url;  // where the bytes came from (for xml:base)
  std::string charset;       // from the HTTP Content-Type, if any
  ParseLimits limits;
};

struct ParseOutcome {
  std::optional<ParsedFeed> feed;
  std::string error;  // one line, when nothing could be read

  friend bool operator==(const ParseOutcome&, const ParseOutcome&) = default;
};

// Never throws for any input; `feed` is set when a feed could be read, else
// `error` says why not ("not a feed: …", "document too large: …").
ParseOutcome parse_feed(std::string_view bytes, const ParseOptions& options = {});

}  // namespace tributary::parse
