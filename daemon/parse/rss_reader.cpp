// RSS 0.9x/1.0/2.0 → ParsedFeed (see rss_reader.hpp). Elements are found by
// namespace and local name; the RSS elements themselves in no namespace or
// in any of the namespaces the family's versions gave them.
#include "parse/rss_reader.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "core/time.hpp"
#include "parse/extensions.hpp"
#include "parse/xml_names.hpp"
#include "parse/xml_tree.hpp"

namespace tributary::parse {
namespace {

bool is_rss_core(const xmlNode* node, std::string_view name) {
  if (!is_element(node) || !equals(node->name, name)) return false;
  return has_namespace(node, {}) || has_namespace(node, ns::kRss10) || has_namespace(node, ns::kRss090) ||
         has_namespace(node, ns::kRss20Userland) || has_namespace(node, ns::kRss20Harvard);
}

FeedFormat rss_format(std::string_view version) {
  version = core::trim(version);
  if (version == "0.91") return FeedFormat::rss091;
  if (version == "0.92") return FeedFormat::rss092;
  if (version == "0.93") return FeedFormat::rss093;
  if (version == "0.94") return FeedFormat::rss094;
  if (version == "0.90" || version == "0.9") return FeedFormat::rss090;
  return FeedFormat::rss20;
}

void sort_unique(std::vector<int>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

// ---- The document --------------------------------------------------------

void RssReader::read_rss(const xmlNode* root) {
  ParsedFeed& feed = walk_.feed();
  feed.format = rss_format(attribute(root, "version"));
  bool has_channel = false;
  for (const xmlNode* child = root->children; child; child = child->next) {
    if (is_rss_core(child, "channel") && !has_channel) {
      has_channel = true;
      read_channel(child);
    } else if (is_rss_core(child, "item")) {
      // Items outside <channel>: a common mistake; keep them.
      add_item(child);
    }
  }
  if (feed.feed.base.empty()) feed.feed.base = walk_.base_of(root);
  if (feed.feed.lang.empty()) feed.feed.lang = walk_.lang_of(root);
}

void RssReader::read_rdf(const xmlNode* root) {
  ParsedFeed& feed = walk_.feed();
  feed.format = FeedFormat::rss10;
  if (has_rss090_item_) feed.format = FeedFormat::rss090;
  for (const xmlNode* child = root->children; child; child = child->next) {
    if (is_element(child) && namespace_of(child) == ns::kRss090) feed.format = FeedFormat::rss090;
  }
  for (const xmlNode* child = root->children; child; child = child->next) {
    if (is_rss_core(child, "channel"))
      read_channel(child);
    else if (is_rss_core(child, "item"))
      add_item(child);
    else if (is_rss_core(child, "image") && feed.feed.image.empty())
      feed.feed.image = image_url(child);
  }
}

void RssReader::read_bare_channel(const xmlNode* channel) {
  walk_.feed().format = FeedFormat::rss20;
  read_channel(channel);
}

bool RssReader::read_closed_item(const xmlNode* item, const xmlNode* root) {
  const xmlNode* parent = item->parent;
  if (!is_rss_core(item, "item")) return false;
  if (parent == root) {
    if (local_name(root) == "RDF" && namespace_of(item) == ns::kRss090) has_rss090_item_ = true;
  } else {
    // In a channel: every channel of an RSS 1.0 document, the first of an <rss>.
    if (!is_rss_core(parent, "channel")) return false;
    const std::string_view root_name = local_name(root);
    if (root_name != "RDF" && (root_name != "rss" || !is_first_channel(parent))) return false;
  }
  add_item(item);
  return true;
}

// Whether `channel` is the first <channel> of its <rss>. The first one is
// found once and remembered (channels are never freed, and no channel can
// come before it later): looked for from every item, 50,000 one-item
// channels were a billion steps.
bool RssReader::is_first_channel(const xmlNode* channel) {
  if (!first_channel_) {
    const xmlNode* first = channel;
    for (const xmlNode* sibling = channel->prev; sibling; sibling = sibling->prev)
      if (is_rss_core(sibling, "channel")) first = sibling;
    first_channel_ = first;
  }
  return channel == first_channel_;
}

// ---- The channel ---------------------------------------------------------

void RssReader::read_channel(const xmlNode* channel) {
  FeedInfo& info = walk_.feed().feed;
  info.base = walk_.base_of(channel);
  info.lang = walk_.lang_of(channel);
  std::vector<Person> fallback_authors;
  for (const xmlNode* child = channel->children; child; child = child->next) {
    if (!is_element(child)) continue;
    if (read_channel_element(child, info, fallback_authors)) continue;
    if (read_syndication(walk_, child, info)) continue;
    if (is_rss_core(child, "skipHours"))
      read_skip_hours(child, info);
    else if (is_rss_core(child, "skipDays"))
      read_skip_days(child, info);
    else if (is(child, ns::kAtom10, "link")) {
      const std::string rel(core::trim(attribute(child, "rel")));
      if (rel == "self")
        info.self_link = attribute(child, "href");
      else if (rel == "hub")
        info.hub_links.push_back(attribute(child, "href"));
      else if ((rel.empty() || rel == "alternate") && info.link.empty())
        info.link = attribute(child, "href");
    } else if (is(child, ns::kAtom10, "id") && info.id.empty()) {
      info.id = walk_.text(child);
    } else if (is_rss_core(child, "item")) {
      add_item(child);
    }
  }
  if (info.authors.empty()) info.authors = std::move(fallback_authors);
  keep_first_of_each(info.authors, name_of);
}

// The channel's own description of itself: title, links, dates, people,
// image and how often to poll. False when `child` is none of those.
bool RssReader::read_channel_element(const xmlNode* child, FeedInfo& info, std::vector<Person>& fallback_authors) {
  const auto text = [&] { return walk_.text(child); };
  if (is_rss_core(child, "title"))
    info.title = {text(), TextType::html, {}};
  else if (is_rss_core(child, "link") && info.link.empty())
    info.link = text();
  else if (is_rss_core(child, "description"))
    info.subtitle = {text(), TextType::html, {}};
  else if (is_rss_core(child, "language") && info.lang.empty())
    info.lang = text();
  else if (is(child, ns::kDc, "language") && info.lang.empty())
    info.lang = text();
  else if (is_rss_core(child, "lastBuildDate"))
    info.updated = text();
  else if (is_rss_core(child, "pubDate") && info.updated.empty())
    info.updated = text();
  else if ((is(child, ns::kDc, "date") || is(child, ns::kAtom10, "updated")) && info.updated.empty())
    info.updated = text();
  else if (is_rss_core(child, "managingEditor") || is(child, ns::kDc, "creator"))
    add_person(info.authors, text());
  else if (is_itunes(child, "author")) {
    if (info.itunes_author.empty()) info.itunes_author = text();
    add_person(info.authors, text());
  } else if (is_rss_core(child, "webMaster") || is(child, ns::kDc, "publisher"))
    add_person(fallback_authors, text());
  else if (is_rss_core(child, "image") && info.image.empty())
    info.image = image_url(child);
  else if (is_itunes(child, "image"))
    read_itunes_image(child, info);
  else if (is_itunes(child, "explicit"))
    info.explicit_flag = text();
  else if (is_itunes(child, "category"))
    info.itunes_categories.push_back(itunes_category(child));
  else if (is_rss_core(child, "ttl")) {
    const auto minutes = small_number(text());
    if (minutes && *minutes > 0) info.ttl = std::chrono::minutes{*minutes};
  } else {
    return false;
  }
  return true;
}

// itunes:image: the podcast's square artwork, and its image when the
// channel has no <image> before it.
void RssReader::read_itunes_image(const xmlNode* node, FeedInfo& info) {
  std::string href = attribute(node, "href");
  if (info.itunes_image.empty()) info.itunes_image = href;
  if (info.image.empty()) info.image = std::move(href);
}

// itunes:category text="…", with its nested subcategories (Apple: one
// level deep; deeper ones are not read).
ItunesCategory RssReader::itunes_category(const xmlNode* node) {
  ItunesCategory category{attribute(node, "text"), {}};
  for (const xmlNode* child = node->children; child; child = child->next)
    if (is_itunes(child, "category")) category.subcategories.push_back(attribute(child, "text"));
  return category;
}

std::string RssReader::image_url(const xmlNode* image) {
  for (const xmlNode* child = image->children; child; child = child->next)
    if (is_rss_core(child, "url")) return walk_.text(child);
  return attribute(image, "resource");  // RSS 1.0 channel <image rdf:resource>
}

// <skipHours><hour>…</hour></skipHours>: 0–23; some feeds write 1–24
// (RSS 0.91 did), where 24 is midnight.
void RssReader::read_skip_hours(const xmlNode* node, FeedInfo& info) {
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (!is_rss_core(child, "hour")) continue;
    const auto hour = small_number(walk_.text(child));
    if (hour && *hour >= 0 && *hour <= 24) info.skip_hours.push_back(*hour % 24);
  }
  sort_unique(info.skip_hours);
}

// <skipDays><day>Monday</day></skipDays>; "mon" and "MONDAY" seen too.
void RssReader::read_skip_days(const xmlNode* node, FeedInfo& info) {
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (!is_rss_core(child, "day")) continue;
    const std::string day = walk_.text(child);
    for (std::size_t i = 0; i < core::kWeekdayNames.size(); ++i)
      if (day.size() >= 3 && core::starts_with_ignore_case(core::kWeekdayNames[i], day))
        info.skip_days.push_back(static_cast<int>(i));
  }
  sort_unique(info.skip_days);
}

// ---- Items ---------------------------------------------------------------

// An item while its elements are read: what decides between elements
// that say the same thing comes together at the end.
struct RssReader::ItemDraft {
  RawItem item;
  std::string description;
  std::string alternative_summary;  // itunes:summary, media:description
  bool has_guid = false;
};

RawItem RssReader::read_item(const xmlNode* node) {
  ItemDraft draft;
  RawItem& item = draft.item;
  item.base = walk_.base_of(node);
  item.lang = walk_.lang_of(node);
  // RSS 1.0 rdf:about; a guid overrides it.
  std::optional<std::string> about = namespaced_attribute(node, "about", ns::kRdf);
  item.id = about ? std::move(*about) : attribute(node, "about");
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (!is_element(child)) continue;
    if (!read_rss_element(child, draft) && !read_dublin_core_element(child, draft))
      read_extension_element(child, draft);
  }
  if (draft.description.empty()) draft.description = std::move(draft.alternative_summary);
  item.summary = {std::move(draft.description), TextType::html, {}};
  keep_first_of_each(item.authors, name_of);
  keep_first_of_each(item.contributors, name_of);
  keep_first_of_each(item.enclosures, url_of);  // <enclosure> and media:content of one file
  // RSS 2.0: a guid is a permalink unless isPermaLink="false".
  if (!item.id.empty() && draft.has_guid && item.is_guid_permalink && item.links.empty())
    item.links.push_back({item.id, "alternate", {}, {}, {}, item.base});
  return std::move(draft.item);
}

// The elements of RSS itself. False when `child` is none of them.
bool RssReader::read_rss_element(const xmlNode* child, ItemDraft& draft) {
  RawItem& item = draft.item;
  if (is_rss_core(child, "title")) {
    item.title = {walk_.text(child), TextType::html, {}};
  } else if (is_rss_core(child, "link")) {
    std::string href = walk_.text(child);
    if (href.empty()) href = attribute(child, "href");
    if (!href.empty()) item.links.push_back({std::move(href), "alternate", {}, {}, {}, walk_.base_of(child)});
  } else if (is_rss_core(child, "guid")) {
    draft.has_guid = true;
    item.id = walk_.text(child);
    const std::string permalink = core::to_lower_ascii(core::trim(attribute(child, "isPermaLink")));
    item.is_guid_permalink = permalink != "false";
  } else if (is_rss_core(child, "description")) {
    draft.description = walk_.html_or_text(child);
  } else if (is_rss_core(child, "pubDate")) {
    item.published = walk_.text(child);
  } else if (is_rss_core(child, "author")) {
    add_person(item.authors, walk_.text(child));
  } else if (is_rss_core(child, "category")) {
    add_category(item, walk_.text(child));
  } else if (is_rss_core(child, "enclosure")) {
    std::string url = attribute(child, "url");
    if (url.empty()) url = attribute(child, "resource");  // RSS 1.0 enclosure module
    item.enclosures.push_back(
        {std::move(url), attribute(child, "type"), attribute(child, "length"), walk_.base_of(child)});
  } else if (is_rss_core(child, "source")) {
    item.source = SourceFeed{{}, walk_.text(child), attribute(child, "url"), {}};
  } else {
    return false;
  }
  return true;
}

// Dublin Core and DC Terms, which stand in for RSS's own elements (an
// RSS 1.0 item has no others). False when `child` is none of them.
bool RssReader::read_dublin_core_element(const xmlNode* child, ItemDraft& draft) {
  RawItem& item = draft.item;
  if (is(child, ns::kDc, "title")) {
    if (item.title.value.empty()) item.title = {walk_.text(child), TextType::html, {}};
  } else if (is(child, ns::kDc, "identifier")) {
    if (item.id.empty()) item.id = walk_.text(child);
  } else if (is(child, ns::kDc, "description")) {
    if (draft.description.empty()) draft.description = walk_.text(child);
  } else if (is(child, ns::kDc, "date") || is(child, ns::kDcTerms, "issued") || is(child, ns::kDcTerms, "created")) {
    if (item.published.empty()) item.published = walk_.text(child);
  } else if (is(child, ns::kDcTerms, "modified")) {
    item.updated = walk_.text(child);
  } else if (is(child, ns::kDc, "creator")) {
    add_person(item.authors, walk_.text(child));
  } else if (is(child, ns::kDc, "contributor")) {
    add_person(item.contributors, walk_.text(child));
  } else if (is(child, ns::kDc, "subject")) {
    add_category(item, walk_.text(child));
  } else {
    return false;
  }
  return true;
}

// content:encoded, Media RSS, iTunes and Atom elements in an RSS item.
// False when `child` is none of them.
bool RssReader::read_extension_element(const xmlNode* child, ItemDraft& draft) {
  RawItem& item = draft.item;
  if (is(child, ns::kContent, "encoded")) {
    item.content = {walk_.html_or_text(child), TextType::html, walk_.base_of(child)};
  } else if (is_media(child, "category")) {
    add_category(item, walk_.text(child));
  } else if (is_media(child, "content")) {
    add_media_content(walk_, child, item);
  } else if (is_media(child, "group")) {
    read_media_group(walk_, child, item, draft.alternative_summary);
  } else if (is_media(child, "thumbnail")) {
    if (item.image.empty()) item.image = attribute(child, "url");
  } else if (is_media(child, "description")) {
    if (draft.alternative_summary.empty()) draft.alternative_summary = walk_.text(child);
  } else if (is_media(child, "title")) {
    if (item.title.value.empty()) item.title = {walk_.text(child), TextType::text, {}};
  } else if (is_itunes(child, "category")) {
    add_category(item, attribute(child, "text"));
  } else if (is_itunes(child, "author")) {
    add_person(item.authors, walk_.text(child));
  } else if (is_itunes(child, "summary")) {
    draft.alternative_summary = walk_.text(child);
  } else if (is_itunes(child, "image")) {
    if (item.image.empty()) item.image = attribute(child, "href");
  } else if (is_itunes(child, "duration")) {
    item.duration = walk_.text(child);
  } else if (is_itunes(child, "explicit")) {
    item.explicit_flag = walk_.text(child);
  } else if (is_itunes(child, "episode")) {
    item.episode = walk_.text(child);
  } else if (is_itunes(child, "season")) {
    item.season = walk_.text(child);
  } else if (is_itunes(child, "episodeType")) {
    item.episode_type = walk_.text(child);
  } else if (is(child, ns::kPodcast, "transcript")) {
    item.transcripts.push_back({attribute(child, "url"), attribute(child, "type"), attribute(child, "language"),
                                attribute(child, "rel"), walk_.base_of(child)});
  } else if (is(child, ns::kAtom10, "updated")) {
    item.updated = walk_.text(child);
  } else if (is(child, ns::kAtom10, "published")) {
    if (item.published.empty()) item.published = walk_.text(child);
  } else if (is(child, ns::kAtom10, "link")) {
    read_atom_link(child, item);
  } else if (is(child, ns::kAtom10, "id")) {
    if (!draft.has_guid) item.id = walk_.text(child);
  } else {
    return false;
  }
  return true;
}

// atom:link in an RSS item: an enclosure or one more link.
void RssReader::read_atom_link(const xmlNode* link, RawItem& item) {
  std::string rel(core::trim(attribute(link, "rel")));
  if (rel == "enclosure") {
    item.enclosures.push_back(
        {attribute(link, "href"), attribute(link, "type"), attribute(link, "length"), walk_.base_of(link)});
  } else {
    item.links.push_back({attribute(link, "href"),
                          rel.empty() ? "alternate" : rel,
                          attribute(link, "type"),
                          attribute(link, "title"),
                          {},
                          walk_.base_of(link)});
  }
}

}  // namespace tributary::parse
