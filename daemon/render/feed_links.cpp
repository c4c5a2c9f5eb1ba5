// The self, hub and paging links of a feed document (see feed_links.hpp).
#include "render/feed_links.hpp"

namespace tributary::render {

void write_feed_links(XmlWriter& xml, const FeedHeader& header, std::string_view element, std::string_view type) {
  xml.empty(element, {{"rel", "self"}, {"type", type}, {"href", header.self_url}});
  if (!header.hub_url.empty()) xml.empty(element, {{"rel", "hub"}, {"href", header.hub_url}});
  if (!header.first_url.empty()) xml.empty(element, {{"rel", "first"}, {"type", type}, {"href", header.first_url}});
  if (!header.next_url.empty()) xml.empty(element, {{"rel", "next"}, {"type", type}, {"href", header.next_url}});
}

}  // namespace tributary::render
