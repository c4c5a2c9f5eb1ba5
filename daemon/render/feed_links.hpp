// The links every edition of a feed carries about itself: where it is
// (self), the WebSub hub that pushes it (W3C WebSub §4: rel="hub"; a
// filtered or paged view has none), and its pages (RFC 5005 §3: first,
// next). Written once for the Atom edition (as atom:link children of
// atom:feed) and the RSS edition (as atom:link children of the RSS
// channel, which RFC 5005, the RSS Advisory Board's best practices and
// the W3C feed validator accept), so that both advertise the same links.
// Internal to render.
#pragma once

#include <string_view>

#include "render/render.hpp"
#include "render/xml_writer.hpp"

namespace tributary::render {

// `element`: "link" in an Atom document, "atom:link" elsewhere; `type`:
// the edition's media type, which each link to it names.
void write_feed_links(XmlWriter& xml, const FeedHeader& header, std::string_view element, std::string_view type);

}  // namespace tributary::render
