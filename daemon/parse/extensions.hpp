// What RSS and Atom readers both read: the extension namespaces feeds of
// either format carry (Media RSS, the Syndication module), and the rules
// for collecting people, categories and enclosures once.
#pragma once

#include <libxml/tree.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "parse/feed_walk.hpp"
#include "parse/parse.hpp"
#include "parse/xml_names.hpp"
#include "parse/xml_tree.hpp"

namespace tributary::parse {

// A whole number as written ("15", " 2 "), else nullopt.
std::optional<int> small_number(std::string_view text);

// ---- Media RSS (http://search.yahoo.com/mrss/, written with and without
// its final slash)

inline bool is_media(const xmlNode* node, std::string_view name) {
  return is(node, ns::kMedia, name) || is(node, ns::kMediaAlt, name);
}

// media:content: an enclosure, and perhaps the item's image.
void add_media_content(FeedWalk& walk, const xmlNode* node, RawItem& item);
// media:group: its content, thumbnail, title and description.
void read_media_group(FeedWalk& walk, const xmlNode* group, RawItem& item, std::string& alternative_summary);

// ---- Apple's iTunes podcast tags. Their namespace URI is written with
// capitals by many feeds ("http://www.itunes.com/DTDs/PodCast-1.0.dtd", as
// Apple's own early examples did); Apple's apps read it either way.
bool is_itunes(const xmlNode* node, std::string_view name);

// ---- The Syndication module (sy:updatePeriod, sy:updateFrequency,
// sy:updateBase), in an RSS channel or an Atom feed. False when `node` is
// none of them.
bool read_syndication(FeedWalk& walk, const xmlNode* node, FeedInfo& info);

// ---- Collecting

void add_category(RawItem& item, std::string category);

// RSS names people by one string; the same one often twice (author and
// dc:creator). Duplicates go at the end of the item (keep_first_of_each).
void add_person(std::vector<Person>& people, std::string name);

inline std::string_view name_of(const Person& person) { return person.name; }
inline std::string_view url_of(const Enclosure& enclosure) { return enclosure.url; }

// Keeps the first of the values with the same key, in document order. A hash
// set rather than a look back over the values kept: an item may list 100,000
// of them.
template <typename Value, typename KeyOf>
void keep_first_of_each(std::vector<Value>& values, KeyOf key_of) {
  if (values.size() < 2) return;
  std::vector<bool> is_first(values.size());
  {
    std::unordered_set<std::string_view> seen;  // views into `values`, unmoved until the set is gone
    seen.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) is_first[i] = seen.insert(key_of(values[i])).second;
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!is_first[i]) continue;
    if (kept != i) values[kept] = std::move(values[i]);
    ++kept;
  }
  values.resize(kept);
}

}  // namespace tributary::parse
