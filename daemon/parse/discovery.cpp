// Feed autodiscovery over libxml2's HTML parser (recovering, no network):
// <link> and <base> elements of a page's head → absolute feed URLs.
#include "parse/discovery.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <memory>

#include "core/text.hpp"
#include "core/url.hpp"
#include "parse/xml_feed.hpp"

namespace tributary::parse {
namespace {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// The feed media types. Plain application/json is left out on purpose:
// WordPress advertises its REST API with rel="alternate"
// type="application/json", which is no feed.
constexpr std::array kFeedTypes{std::string_view("application/rss+xml"), std::string_view("application/atom+xml"),
                                std::string_view("application/feed+json"), std::string_view("application/rdf+xml")};

constexpr std::array kCommonPaths{std::string_view("/feed"),      std::string_view("/rss"),
                                  std::string_view("/atom.xml"),  std::string_view("/feed.xml"),
                                  std::string_view("/index.xml"), std::string_view("/rss.xml"),
                                  std::string_view("/feed.json")};

// A page's element count is bounded by its (capped) size; this bounds the
// walk's recursion instead, against a head nested thousands deep.
constexpr int kMaxWalkDepth = 64;

std::string attribute(const xmlNode* node, const char* name) {
  std::unique_ptr<xmlChar, XmlCharDeleter> value(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
  return value ? std::string(core::trim(reinterpret_cast<const char*>(value.get()))) : std::string();
}

bool is_element(const xmlNode* node, std::string_view name) {
  return node->type == XML_ELEMENT_NODE && core::equals_ignore_case(reinterpret_cast<const char*>(node->name), name);
}

// "application/RSS+XML; charset=utf-8" → "application/rss+xml".
std::string media_type(std::string_view type) {
  return core::to_lower_ascii(core::trim(type.substr(0, std::min(type.find(';'), type.size()))));
}

// rel is a set of space-separated, case-insensitive tokens (HTML §4.6.7).
bool has_rel_token(std::string_view rel, std::string_view token) {
  while (!rel.empty()) {
    const std::size_t start = rel.find_first_not_of(" \t\n\r\f");
    if (start == std::string_view::npos) return false;
    rel.remove_prefix(start);
    const std::size_t end = std::min(rel.find_first_of(" \t\n\r\f"), rel.size());
    if (core::equals_ignore_case(rel.substr(0, end), token)) return true;
    rel.remove_prefix(end);
  }
  return false;
}

// The page up to its head's end: "</head", else "<body", else the cap.
std::string_view head_of(std::string_view html) {
  const std::string_view window = html.substr(0, std::min(html.size(), kMaxDiscoveryHeadBytes));
  const std::string lowered = core::to_lower_ascii(window);
  std::size_t end = lowered.find("</head");
  if (end == std::string::npos) end = lowered.find("<body");
  return end == std::string::npos ? window : window.substr(0, end);
}

struct HeadLinks {
  std::string base;  // the first <base href>, as written
  std::vector<const xmlNode*> links;
};

void collect(const xmlNode* node, int depth, HeadLinks& found) {
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (is_element(node, "link")) {
      found.links.push_back(node);
    } else if (is_element(node, "base") && found.base.empty()) {
      found.base = attribute(node, "href");
    }
    if (depth < kMaxWalkDepth) collect(node->children, depth + 1, found);
  }
}

DocPtr read_html(std::string_view head, std::string_view page_url, std::string_view charset) {
  xmlInitParser();
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING;
  const std::string url(page_url);
  const std::string encoding(charset);
  DocPtr doc(htmlReadMemory(head.data(), static_cast<int>(head.size()), url.c_str(),
                            encoding.empty() ? nullptr : encoding.c_str(), options));
  // A charset libxml2 does not know: let it sniff the page's own.
  if (!doc && !encoding.empty())
    doc.reset(htmlReadMemory(head.data(), static_cast<int>(head.size()), url.c_str(), nullptr, options));
  return doc;
}

bool is_http_url(std::string_view url) {
  return core::starts_with_ignore_case(url, "http://") || core::starts_with_ignore_case(url, "https://");
}

}  // namespace

std::vector<FeedLink> discover_feed_links(std::string_view html, std::string_view page_url, std::string_view charset) {
  const std::string_view head = head_of(html);
  if (head.empty()) return {};
  const DocPtr doc = read_html(head, page_url, charset);
  if (!doc) return {};
  HeadLinks found;
  collect(xmlDocGetRootElement(doc.get()), 0, found);
  // <base href> is itself resolved against the page's URL (HTML §2.4.1).
  std::string base(page_url);
  if (!found.base.empty())
    if (auto resolved = core::resolve_url(page_url, found.base); resolved && is_http_url(*resolved)) base = *resolved;
  std::vector<FeedLink> feeds;
  for (const xmlNode* link : found.links) {
    if (!has_rel_token(attribute(link, "rel"), "alternate")) continue;
    const std::string type = media_type(attribute(link, "type"));
    if (std::find(kFeedTypes.begin(), kFeedTypes.end(), type) == kFeedTypes.end()) continue;
    const std::string href = attribute(link, "href");
    if (href.empty()) continue;
    auto url = core::resolve_url(base, href);
    if (!url || !is_http_url(*url) || !core::check_http_url(*url).url) continue;
    const bool is_known =
        std::any_of(feeds.begin(), feeds.end(), [&](const FeedLink& feed) { return feed.url == *url; });
    if (!is_known) feeds.push_back({std::move(*url), type, core::one_line(attribute(link, "title"), 200)});
  }
  return feeds;
}

std::vector<std::string> common_feed_locations(std::string_view page_url) {
  if (!core::check_http_url(page_url).url) return {};
  std::vector<std::string> locations;
  for (std::string_view path : kCommonPaths)
    if (auto url = core::resolve_url(page_url, path)) locations.push_back(std::move(*url));
  return locations;
}

std::string_view feed_type_label(std::string_view type) {
  if (type == "application/atom+xml") return "Atom";
  if (type == "application/feed+json") return "JSON Feed";
  if (type == "application/rss+xml" || type == "application/rdf+xml") return "RSS";
  return "feed";
}

bool is_html_page(const ParseOutcome& outcome) { return !outcome.feed && outcome.error == kHtmlPageError; }

}  // namespace tributary::parse
