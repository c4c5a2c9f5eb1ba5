// Reads a served Atom document the way a test needs it: entries with their
// id, title, links and source, and the feed's own links (self, next, …).
#pragma once

#include <string>
#include <vector>

namespace tributary::testing {

struct Entry {
  std::string title;
  std::string link;
  std::string id;
  std::string source_title;
  std::string source_self;
  std::vector<std::string> related;  // link rel="related" hrefs
};

// Empty when the document does not parse.
std::vector<Entry> entries_of(const std::string& atom);

// The href of the feed-level <link rel="REL">; empty when absent.
std::string feed_link(const std::string& atom, const std::string& rel);

}  // namespace tributary::testing
