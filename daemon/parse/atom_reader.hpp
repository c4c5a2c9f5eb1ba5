// The Atom reader: Atom 1.0 (RFC 4287) and Atom 0.3, whose elements share
// names but not the namespace (the document's root says which one it is),
// with Dublin Core and Media RSS (a video feed's text) in its entries.
#pragma once

#include <libxml/tree.h>

#include <string>

#include "parse/feed_walk.hpp"
#include "parse/parse.hpp"

namespace tributary::parse {

class AtomReader {
 public:
  explicit AtomReader(FeedWalk& walk) : walk_(walk) {}

  // The document, once parsed, from its root <feed>.
  void read_feed(const xmlNode* root);

  // An entry that just closed, during the parse, below the root <feed>:
  // read now when it is one of the feed's entries, else left (false).
  bool read_closed_entry(const xmlNode* entry, const xmlNode* root);

 private:
  bool is_atom(const xmlNode* node, std::string_view name) const;
  void set_namespace(std::string_view atom_ns) {
    if (atom_ns_ != atom_ns) atom_ns_ = std::string(atom_ns);
  }

  bool read_feed_element(const xmlNode* child, FeedInfo& info);
  void add_entry(const xmlNode* node) { walk_.add_item(node, read_entry(node)); }
  RawItem read_entry(const xmlNode* node);
  bool read_entry_element(const xmlNode* child, RawItem& item, std::string& created);
  bool read_entry_extension(const xmlNode* child, RawItem& item, std::string& media_description);
  SourceFeed read_source(const xmlNode* node);
  Text read_text(const xmlNode* node);
  Person read_person(const xmlNode* node);
  Link read_link(const xmlNode* node);

  FeedWalk& walk_;
  std::string atom_ns_;  // the root's namespace: Atom 1.0's, Atom 0.3's, or none
};

}  // namespace tributary::parse
