// What a feed request asks for: the channel, the format, and the filters
// and paging of its query (source, tag, q, limit, before) folded together
// with the channel's own filters — and the links a page of it carries.
// Pure: read from the query and the site's settings, tested without a
// server or a store.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "serve/http_rules.hpp"
#include "store/store.hpp"

namespace tributary::serve {

struct Channel;
struct SiteSettings;

// The editions of every feed: one document each, the same entries.
enum class FeedFormat { atom, json, rss };
inline constexpr FeedFormat kFeedFormats[] = {FeedFormat::atom, FeedFormat::json, FeedFormat::rss};
// ".atom", ".json", ".rss": the path's extension.
std::string_view extension_of(FeedFormat format);

struct FeedView {
  const Channel* channel = nullptr;  // nullptr: the default feed
  FeedFormat format = FeedFormat::atom;
  bool is_plain = true;       // no parameters: the pre-rendered document
  bool is_empty = false;      // filters that cannot match anything
  store::StoryQuery query;    // limit is the page size
  std::string filter_query;   // the filters as a canonical query string (no paging, no token)
  std::string limit_query;    // "limit=N" when asked for
  std::string request_query;  // as the request wrote it: the document's self link, and its cache key
};

// Reads source, tag, q, limit and before into `view` (whose channel and
// format are set); empty when they are sound, else the text of the 400.
std::string read_feed_parameters(const QueryParameters& parameters, const SiteSettings& settings, FeedView& view);

// "feed.atom", "feed.json", "feed.rss", "c/NAME.atom", …: the document's
// path under the base URL.
std::string view_path(const FeedView& view);

// "a" and "b" → "a&b", skipping empty parts.
std::string join_query(std::initializer_list<std::string_view> parts);
// The query of a request target, as written ("" when it has none).
std::string raw_query(std::string_view target);
// `url`, with "?query" when there is one.
std::string with_query(const std::string& url, const std::string& query);

}  // namespace tributary::serve
