// The XML side of the parser: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 via libxml2.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "parse/parse.hpp"

namespace tributary::parse {

// `text` must be UTF-8 (parse_feed decodes the bytes first).
ParseOutcome parse_xml_feed(std::string_view text, const ParseOptions& options);

// The two ways parse_xml_feed can feed libxml2, exposed for the test that
// holds them to one outcome; internal to parse.
//
// Pulled (xmlCtxtReadIO) is the reference. Its CDATA reader decodes and
// copies a section one character at a time, which is a third of the parse
// of a feed that carries its articles as CDATA. Pushed (xmlParseChunk,
// what libxml2's own xmlReader uses) copies CDATA by block and builds the
// same tree from a well-formed document; from a broken one it may not
// (a cut-off document is "Extra content at the end" there, and its last,
// incomplete text is held back), so it declines (nullopt) as soon as
// libxml2 reports the document not well-formed.
ParseOutcome parse_xml_feed_pulled(std::string_view text, const ParseOptions& options);
std::optional<ParseOutcome> parse_xml_feed_pushed(std::string_view text, const ParseOptions& options,
                                                  std::size_t chunk_size);

// An HTML page where a feed was expected (a site's home page): said by
// parse_feed before libxml2 reads it, and by the XML side for an <html>
// root that got past that check (XHTML).
inline constexpr std::string_view kHtmlPageError = "not a feed: the document is an HTML page";

// Large enough that libxml2's look-ahead for the end of each tag rarely
// meets the end of a chunk, small enough not to duplicate the document.
inline constexpr std::size_t kPushChunkSize = 64 * 1024;

}  // namespace tributary::parse
