// Feed autodiscovery: the feeds an HTML page advertises with
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json"> in
// its head (the RSS Autodiscovery convention, RFC 4287 §7.1 "alternate"
// and JSON Feed 1.1's "Discovery"), each href resolved against the page's
// <base href> and URL (HTML §4.2.3), and the common locations to try when it
// names none. Pure, like the rest of `parse`: the caller fetches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse.hpp"

namespace tributary::parse {

// One advertised feed: an absolute http(s) URL, the media type as written
// (lower case, without parameters), and the link's title attribute.
struct FeedLink {
  std::string url;
  std::string type;
  std::string title;
  friend bool operator==(const FeedLink&, const FeedLink&) = default;
};

// Only the page's head is read: the bytes before its "</head" or "<body"
// (at most this many), so a huge or endless page costs no more than that.
inline constexpr std::size_t kMaxDiscoveryHeadBytes = 1024 * 1024;

// The feeds `html` advertises, in document order, each URL once; `page_url`
// is where the page was fetched from (after redirects), `charset` the HTTP
// Content-Type's (empty: the page's own <meta charset>). Links of other
// types, other rels, and hrefs that do not resolve to http(s) are skipped.
// Never throws; a page that is not HTML at all advertises nothing.
std::vector<FeedLink> discover_feed_links(std::string_view html, std::string_view page_url,
                                          std::string_view charset = {});

// The usual feed paths of blog engines and site generators (WordPress
// "/feed", Hugo "/index.xml", Jekyll "/feed.xml", …) on the page's origin,
// in the order to try them; empty when `page_url` is not absolute http(s).
std::vector<std::string> common_feed_locations(std::string_view page_url);

// "RSS", "Atom", "JSON Feed" for an advertised type.
std::string_view feed_type_label(std::string_view type);

// Whether parse_feed refused `outcome`'s document as an HTML page (a site's
// page where a feed was expected: the place to run discovery).
bool is_html_page(const ParseOutcome& outcome);

}  // namespace tributary::parse
