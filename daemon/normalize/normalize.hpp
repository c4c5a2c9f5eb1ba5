// normalize: a ParsedFeed (the feed's own words) → `Entry` values in one clean
// shape: UTC dates, absolute URLs, plain-text titles, sanitized HTML, an
// identity key and a story fingerprint. Pure: `now` and the document URL
// come in through NormalizeContext.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "parse/parse.hpp"

namespace tributary::normalize {

struct Enclosure {
  std::string url;
  std::string type;
  std::optional<std::int64_t> length;
};

struct Entry {
  // Unique within its source: "id:<guid>", else "url:<canonical link>",
  // else "hash:<digest of title, date and content>".
  std::string identity_key;
  std::string original_id;  // the feed's guid/id as written, if any
  std::string title;        // plain text
  std::string url;          // absolute link to the article
  std::string canonical_url;
  std::string author_name;
  std::string author_email;
  std::string summary_html;  // sanitized
  std::string content_html;  // sanitized
  std::vector<std::string> categories;
  std::vector<Enclosure> enclosures;
  std::optional<core::Timestamp> published;
  std::optional<core::Timestamp> updated;
  std::uint64_t fingerprint = 0;
  std::size_t word_count = 0;  // of title and text, for dedup guards
  std::string lang;
  bool is_republished = false;  // carries atom:source: a copy of another feed's entry
};

struct FeedMeta {
  std::string title;
  std::string site_url;
  std::string self_url;
  std::string id;
  std::string lang;
  std::optional<core::Timestamp> updated;
};

struct NormalizedFeed {
  FeedMeta feed;
  std::vector<Entry> entries;
};

struct NormalizeContext {
  std::string document_url;  // the URL the bytes were fetched from, if any
  core::Timestamp now;
};

NormalizedFeed normalize_feed(const parse::ParsedFeed& parsed, const NormalizeContext& context);

// Splits an RSS author ("jo@example.com (Jo Doe)", "Jo Doe <jo@example.com>",
// "jo@example.com") into name and email.
struct Author {
  std::string name;
  std::string email;
};
Author split_author(std::string_view text);

}  // namespace tributary::normalize
