// What every normalized feed must be, whatever the input: checked by the
// fuzz targets that run parse + normalize (a failed check traps, so that
// libFuzzer keeps the input). Header-only, for tests/fuzz.
#pragma once

#include <string>
#include <string_view>

#include "core/text.hpp"
#include "normalize/characters.hpp"
#include "normalize/normalize.hpp"

namespace tributary::fuzz {

inline void require(bool condition) {
  if (!condition) __builtin_trap();
}

// Text without a control character, noncharacter or surrogate.
inline void require_clean(std::string_view text) { require(normalize::is_clean_text(text)); }

// Empty, or an absolute http(s) URL.
inline void require_http_url(std::string_view url) {
  require_clean(url);
  const std::string lowered = core::to_lower_ascii(url.substr(0, 8));
  require(url.empty() || lowered.starts_with("http://") || lowered.starts_with("https://"));
}

inline void require_valid(const normalize::NormalizedFeed& feed) {
  const normalize::FeedMeta& meta = feed.feed;
  for (const std::string* text : {&meta.title, &meta.id, &meta.subtitle}) require_clean(*text);
  for (const std::string* url : {&meta.site_url, &meta.self_url, &meta.image_url}) require_http_url(*url);
  require(meta.lang.empty() || normalize::language_tag(meta.lang) == meta.lang);
  for (const normalize::Entry& entry : feed.entries) {
    require(!entry.identity_key.empty());
    for (const std::string* text : {&entry.identity_key.text(), &entry.original_id, &entry.title, &entry.author_name,
                                    &entry.author_email, &entry.summary_html, &entry.content_html})
      require_clean(*text);
    for (const std::string* url : {&entry.url, &entry.canonical_url, &entry.image_url}) require_http_url(*url);
    require(entry.lang.empty() || normalize::language_tag(entry.lang) == entry.lang);
    for (const std::string& category : entry.categories) require_clean(category);
    for (const normalize::Enclosure& enclosure : entry.enclosures) {
      require(!enclosure.url.empty());
      require_http_url(enclosure.url);
      require(enclosure.type.empty() || normalize::media_type(enclosure.type) == enclosure.type);
    }
    for (const normalize::Author& author : entry.authors) {
      require(!author.name.empty() || !author.email.empty() || !author.uri.empty());
      require_clean(author.name);
      require_clean(author.email);
      require_http_url(author.uri);
    }
  }
}

}  // namespace tributary::fuzz
