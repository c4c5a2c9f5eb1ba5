// The factory of the XML side: a document goes to its format's reader by
// its root element (<rss>, <rdf:RDF> or a bare <channel> to the RSS
// reader, <feed> to the Atom reader), once for the document and once per
// item that closes during the parse; no reader is asked per node.
#pragma once

#include <libxml/tree.h>

#include <cstddef>

#include "parse/atom_reader.hpp"
#include "parse/feed_walk.hpp"
#include "parse/parse.hpp"
#include "parse/rss_reader.hpp"

namespace tributary::parse {

class XmlFeedReader {
 public:
  XmlFeedReader(const ParseOptions& options, std::size_t text_budget, const DocumentProgress& progress)
      : walk_(options, text_budget, progress), rss_(walk_), atom_(walk_) {}
  XmlFeedReader(const XmlFeedReader&) = delete;
  XmlFeedReader& operator=(const XmlFeedReader&) = delete;

  // An item or entry that just closed, during the parse: read now when it
  // sits where read() would look for one (then the caller frees it), else
  // left in the tree for read() to decide about. Items are thus read in
  // document order, all before the feed's own elements.
  bool read_closed_item(xmlNode* node);

  // The whole document, once parsed: its head and whatever items are left.
  ParseOutcome read(xmlDoc* doc, bool is_well_formed);

  bool dropped_incomplete_item() const { return walk_.dropped_incomplete_item(); }

 private:
  FeedWalk walk_;
  RssReader rss_;
  AtomReader atom_;
};

}  // namespace tributary::parse
