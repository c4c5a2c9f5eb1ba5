// The parser's front door: size limits, then JSON or XML by the first
// significant byte — the document decides, never the Content-Type.
#include "parse/parse.hpp"

#include "core/text.hpp"
#include "parse/json_feed.hpp"
#include "parse/xml_feed.hpp"

namespace tributary::parse {

std::string_view to_string(FeedFormat format) {
  switch (format) {
    case FeedFormat::rss090: return "rss090";
    case FeedFormat::rss091: return "rss091";
    case FeedFormat::rss092: return "rss092";
    case FeedFormat::rss093: return "rss093";
    case FeedFormat::rss094: return "rss094";
    case FeedFormat::rss10: return "rss10";
    case FeedFormat::rss20: return "rss20";
    case FeedFormat::atom03: return "atom03";
    case FeedFormat::atom10: return "atom10";
    case FeedFormat::json10: return "json10";
    case FeedFormat::json11: return "json11";
  }
  return "unknown";
}

ParseOutcome parse_feed(std::string_view bytes, const ParseOptions& options) {
  if (bytes.size() > options.limits.max_document_bytes) {
    return {std::nullopt, "document too large: " + std::to_string(bytes.size()) + " bytes (limit " +
                              std::to_string(options.limits.max_document_bytes) + ")"};
  }
  std::string_view significant = bytes;
  if (significant.starts_with("\xEF\xBB\xBF")) significant.remove_prefix(3);
  significant = core::trim(significant);
  if (significant.empty()) return {std::nullopt, "not a feed: the document is empty"};
  if (significant.front() == '{') return parse_json_feed(significant, options);
  return parse_xml_feed(bytes, options);
}

}  // namespace tributary::parse
