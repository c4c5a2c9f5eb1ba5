// The parser's front door: the size limit, decoding to UTF-8, then JSON or
// XML by the first significant character — the document decides, never the
// Content-Type. XML is repaired (entities, bare "&") before libxml2 reads it.
#include "parse/parse.hpp"

#include "core/text.hpp"
#include "parse/encoding.hpp"
#include "parse/json_feed.hpp"
#include "parse/limits.hpp"
#include "parse/xml_feed.hpp"
#include "parse/xml_repair.hpp"

namespace tributary::parse {

std::string_view to_string(FeedFormat format) {
  switch (format) {
    case FeedFormat::rss090:
      return "rss090";
    case FeedFormat::rss091:
      return "rss091";
    case FeedFormat::rss092:
      return "rss092";
    case FeedFormat::rss093:
      return "rss093";
    case FeedFormat::rss094:
      return "rss094";
    case FeedFormat::rss10:
      return "rss10";
    case FeedFormat::rss20:
      return "rss20";
    case FeedFormat::atom03:
      return "atom03";
    case FeedFormat::atom10:
      return "atom10";
    case FeedFormat::json10:
      return "json10";
    case FeedFormat::json11:
      return "json11";
  }
  return "unknown";
}

namespace {

// An HTML page (a site's home page where its feed was expected) starts, past
// an XML declaration, comments and blanks, with "<!DOCTYPE html" or
// "<html". Said before libxml2 reads it as XML: an HTML5 page's unclosed
// <meta> and <link> and its unquoted attributes leave XML no root element
// to name.
bool is_html_page(std::string_view text) {
  while (true) {
    text = core::trim(text);
    if (text.starts_with("<?")) {
      const auto end = text.find("?>");
      if (end == std::string_view::npos) return false;
      text.remove_prefix(end + 2);
    } else if (text.starts_with("<!--")) {
      const auto end = text.find("-->");
      if (end == std::string_view::npos) return false;
      text.remove_prefix(end + 3);
    } else {
      break;
    }
  }
  const auto is_end_of_name = [&](std::size_t at) {
    return at >= text.size() || text[at] == '>' || text[at] == '/' || text[at] == ' ' || text[at] == '\t' ||
           text[at] == '\n' || text[at] == '\r';
  };
  if (core::starts_with_ignore_case(text, "<!doctype html") && is_end_of_name(14)) return true;
  return core::starts_with_ignore_case(text, "<html") && is_end_of_name(5);
}

}  // namespace

ParseOutcome parse_feed(std::string_view bytes, const ParseOptions& options) {
  if (bytes.size() > options.limits.max_document_bytes) {
    return {std::nullopt, document_too_large_error(bytes.size(), options.limits)};
  }
  DecodedDocument decoded = decode_document(bytes, options.charset);
  const std::string_view significant = core::trim(decoded.text());
  if (significant.empty()) return {std::nullopt, "not a feed: the document is empty"};
  ParseOutcome outcome;
  std::string repair = std::move(decoded.repair);
  if (significant.front() == '{') {
    outcome = parse_json_feed(significant, options);
  } else if (is_html_page(significant)) {
    return {std::nullopt, std::string(kHtmlPageError)};
  } else {
    MarkupRepair repaired = repair_markup(decoded.text());
    if (repaired.is_changed && repair.empty()) repair = std::move(repaired.reason);
    outcome = parse_xml_feed(repaired.is_changed ? std::string_view(repaired.text) : decoded.text(), options);
  }
  if (outcome.feed) {
    outcome.feed->encoding = decoded.encoding;
    if (!repair.empty() && !outcome.feed->is_recovered) {
      outcome.feed->is_recovered = true;
      outcome.feed->recovery_reason = std::move(repair);
    }
  }
  return outcome;
}

}  // namespace tributary::parse
