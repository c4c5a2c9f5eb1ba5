// Namespace URIs of the XML feed formats and the extensions we read.
#pragma once

#include <string_view>

namespace tributary::parse::ns {

inline constexpr std::string_view kAtom10 = "http://www.w3.org/2005/Atom";
inline constexpr std::string_view kAtom03 = "http://purl.org/atom/ns#";
inline constexpr std::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr std::string_view kRss10 = "http://purl.org/rss/1.0/";
inline constexpr std::string_view kRss090 = "http://my.netscape.com/rdf/simple/0.9/";
inline constexpr std::string_view kRss20Userland = "http://backend.userland.com/rss2";
inline constexpr std::string_view kRss20Harvard = "http://blogs.law.harvard.edu/tech/rss";
inline constexpr std::string_view kContent = "http://purl.org/rss/1.0/modules/content/";
inline constexpr std::string_view kDc = "http://purl.org/dc/elements/1.1/";
inline constexpr std::string_view kDcTerms = "http://purl.org/dc/terms/";
inline constexpr std::string_view kMedia = "http://search.yahoo.com/mrss/";
inline constexpr std::string_view kMediaAlt = "http://search.yahoo.com/mrss";
inline constexpr std::string_view kItunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
// Podcasting 2.0 (podcastindex.org): podcast:transcript.
inline constexpr std::string_view kPodcast = "https://podcastindex.org/namespace/1.0";
inline constexpr std::string_view kSyndication = "http://purl.org/rss/1.0/modules/syndication/";
inline constexpr std::string_view kXhtml = "http://www.w3.org/1999/xhtml";
inline constexpr std::string_view kXml = "http://www.w3.org/XML/1998/namespace";

}  // namespace tributary::parse::ns
