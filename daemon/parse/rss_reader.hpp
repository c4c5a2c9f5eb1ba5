// The RSS family's reader: RSS 0.9x and 2.0 (<rss>, or a bare <channel>),
// RSS 0.90 and 1.0 (<rdf:RDF>), with the extension elements feeds of this
// family carry (Dublin Core, content:encoded, Media RSS, iTunes, atom:link).
#pragma once

#include <libxml/tree.h>

#include "parse/feed_walk.hpp"
#include "parse/parse.hpp"

namespace tributary::parse {

class RssReader {
 public:
  explicit RssReader(FeedWalk& walk) : walk_(walk) {}

  // The document, once parsed, by its root element.
  void read_rss(const xmlNode* root);
  void read_rdf(const xmlNode* root);
  void read_bare_channel(const xmlNode* channel);  // a <channel> without <rss>: hand-written feeds

  // An item that just closed, during the parse, below the root element
  // `root` (<rss>, <rdf:RDF> or <channel>): read now when it sits where the
  // read_ functions would look for it, else left for them (false).
  bool read_closed_item(const xmlNode* item, const xmlNode* root);

 private:
  struct ItemDraft;

  void read_channel(const xmlNode* channel);
  bool read_channel_element(const xmlNode* child, FeedInfo& info, std::vector<Person>& fallback_authors);
  void read_skip_hours(const xmlNode* node, FeedInfo& info);
  void read_skip_days(const xmlNode* node, FeedInfo& info);
  std::string image_url(const xmlNode* image);
  void read_itunes_image(const xmlNode* node, FeedInfo& info);
  static ItunesCategory itunes_category(const xmlNode* node);
  bool is_first_channel(const xmlNode* channel);

  void add_item(const xmlNode* node) { walk_.add_item(node, read_item(node)); }
  RawItem read_item(const xmlNode* node);
  bool read_rss_element(const xmlNode* child, ItemDraft& draft);
  bool read_dublin_core_element(const xmlNode* child, ItemDraft& draft);
  bool read_extension_element(const xmlNode* child, ItemDraft& draft);
  void read_atom_link(const xmlNode* link, RawItem& item);

  FeedWalk& walk_;
  bool has_rss090_item_ = false;            // an RSS 0.90 item below <rdf:RDF>, read and freed already
  const xmlNode* first_channel_ = nullptr;  // the first <channel> of <rss>, once an item asked
};

}  // namespace tributary::parse
