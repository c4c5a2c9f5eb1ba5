// RSS and Atom documents → ParsedFeed. libxml2 builds a tree in recovery
// mode (never with NOENT, DTDLOAD or HUGE, and with an external entity loader
// that refuses everything); this file walks the tree by namespace and local
// name, one reader per format family. Two SAX hooks watch the parse: one
// stops it as soon as a depth or item limit is passed (and notes whether any
// xml:base or xml:lang appears, so that most documents skip those lookups);
// the other marks each item as it closes and, when the item sits where the
// walk would look for it, reads it there and then frees its subtree. So the
// tree never holds more than the feed's head and one item (a 10 MB document
// as one tree cost more than the parse itself), and an item a truncated
// document was cut off in is never closed, stays in the tree, and is dropped
// by the final walk rather than stored half.
#include "parse/xml_feed.hpp"

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "core/text.hpp"
#include "parse/xml_names.hpp"
#include "parse/xml_repair.hpp"

namespace tributary::parse {
namespace {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct ContextDeleter {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};
struct BufferDeleter {
  void operator()(xmlBuffer* buffer) const { xmlBufferFree(buffer); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;
using ContextPtr = std::unique_ptr<xmlParserCtxt, ContextDeleter>;
using XmlCharPtr = std::unique_ptr<xmlChar, XmlCharDeleter>;
using BufferPtr = std::unique_ptr<xmlBuffer, BufferDeleter>;

std::string_view view(const xmlChar* text) {
  return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

// No document may make the parser open a file or a URL (XXE).
xmlParserInputPtr refuse_external_entity(const char* /*url*/, const char* /*id*/, xmlParserCtxtPtr /*context*/) {
  return nullptr;
}

void initialize_libxml2_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_external_entity);
  });
}

bool is_item_name(const xmlChar* name) {
  const auto text = name ? std::string_view(reinterpret_cast<const char*>(name)) : std::string_view();
  return text == "item" || text == "entry";
}

// An item element whose end tag the parser saw points to itself in its
// _private field (which libxml2 leaves to applications, and zeroes in new
// nodes). A mark on the node rather than a set of addresses: the addresses
// of freed items are reused.
void mark_closed(xmlNode* node) { node->_private = node; }
bool is_closed(const xmlNode* node) { return node->_private == node; }

class XmlFeedReader;

// What the SAX hooks see while libxml2 builds the tree (reached through the
// parser context's _private pointer; one per parse, one thread).
struct ParseWatch {
  std::size_t max_depth = 0;
  std::size_t max_items = 0;
  std::size_t item_count = 0;
  bool is_too_deep = false;
  bool has_too_many_items = false;
  bool is_truncated = false;
  bool is_entity_bomb = false;  // libxml2 stopped an entity expansion (billion laughs)
  std::string first_error;
  int error_count = 0;
  bool has_xml_base = false;                 // some element so far carries xml:base
  bool has_xml_lang = false;                 // … or xml:lang
  XmlFeedReader* reader = nullptr;           // reads each item as it closes
  std::size_t document_size = 0;
  const std::string_view* unread = nullptr;  // what libxml2 has not pulled in yet
  std::exception_ptr failure;                // thrown while reading an item; rethrown after the parse
};

ParseWatch* watch_of(void* user_data) {
  auto* context = static_cast<xmlParserCtxt*>(user_data);
  return context ? static_cast<ParseWatch*>(context->_private) : nullptr;
}

void collect_error(void* user_data, xmlErrorPtr error) {
  ParseWatch* watch = watch_of(user_data);
  if (!watch || !error || error->level < XML_ERR_ERROR) return;
  const std::string_view message = error->message ? std::string_view(error->message) : std::string_view();
  if (message.starts_with("Excessive depth")) watch->is_too_deep = true;
  if (message.find("entity reference loop") != std::string_view::npos ||
      message.find("amplification") != std::string_view::npos || error->code == XML_ERR_ENTITY_LOOP)
    watch->is_entity_bomb = true;
  if (error->code == XML_ERR_TAG_NOT_FINISHED || error->code == XML_ERR_DOCUMENT_END ||
      message.find("Premature end of data") != std::string_view::npos || message.find("EndTag: '</' not found") != std::string_view::npos)
    watch->is_truncated = true;
  if (watch->error_count++ == 0) {
    std::string text = core::collapse_whitespace(message.empty() ? std::string_view("malformed XML") : message);
    watch->first_error = "line " + std::to_string(error->line) + ": " + text;
  }
}

void watch_start_element(void* user_data, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                         int namespace_count, const xmlChar** namespaces, int attribute_count, int defaulted_count,
                         const xmlChar** attributes) {
  auto* context = static_cast<xmlParserCtxt*>(user_data);
  ParseWatch* watch = watch_of(user_data);
  if (watch && static_cast<std::size_t>(context->nameNr) + 1 > watch->max_depth) {
    watch->is_too_deep = true;
    xmlStopParser(context);
    return;
  }
  if (watch && is_item_name(localname) && ++watch->item_count > watch->max_items) {
    watch->has_too_many_items = true;
    xmlStopParser(context);
    return;
  }
  // Five pointers per attribute: local name, prefix, URI, value, value end.
  // The "xml" prefix is reserved (Namespaces in XML §3), so it names the
  // XML namespace wherever it appears.
  for (int i = 0; watch && i < attribute_count; ++i) {
    if (view(attributes[i * 5 + 1]) != "xml") continue;
    const std::string_view name = view(attributes[i * 5]);
    if (name == "base") watch->has_xml_base = true;
    else if (name == "lang") watch->has_xml_lang = true;
  }
  xmlSAX2StartElementNs(user_data, localname, prefix, uri, namespace_count, namespaces, attribute_count,
                        defaulted_count, attributes);
}

// RFC 4648 base64, for Atom 0.3's mode="base64"; whitespace is skipped and
// decoding stops at the first character that is not base64.
std::string decode_base64(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '+' || c == '-') value = 62;
    else if (c == '/' || c == '_') value = 63;
    else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    else break;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return core::sanitize_utf8(out);
}

std::optional<int> small_number(std::string_view text) {
  text = core::trim(text);
  int value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

void sort_unique(std::vector<int>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

bool is_element(const xmlNode* node) { return node && node->type == XML_ELEMENT_NODE; }
std::string_view local_name(const xmlNode* node) { return view(node->name); }
std::string_view namespace_of(const xmlNode* node) { return node->ns ? view(node->ns->href) : std::string_view(); }

// Whether a libxml2 string (null reads as empty) is `expected`, without
// measuring it first: element names are compared a few dozen times per
// element while the readers look for the one they know.
bool equals(const xmlChar* text, std::string_view expected) {
  if (!text) return expected.empty();
  // A shorter `text` ends in its NUL, which no expected character matches.
  for (const char c : expected)
    if (static_cast<char>(*text++) != c) return false;
  return *text == '\0';
}

bool has_namespace(const xmlNode* node, std::string_view uri) {
  return node->ns ? equals(node->ns->href, uri) : uri.empty();
}

bool is(const xmlNode* node, std::string_view ns_uri, std::string_view name) {
  return is_element(node) && equals(node->name, name) && has_namespace(node, ns_uri);
}

// An attribute's value. Read from the node in place, as xmlGetNoNsProp
// would (without its copy); a value holding an entity reference, or a
// document whose DTD may default attributes, goes through libxml2.
std::string attribute_value(const xmlAttr* attr) {
  const xmlNode* value = attr->children;
  if (!value) return {};
  if (!value->next && (value->type == XML_TEXT_NODE || value->type == XML_CDATA_SECTION_NODE))
    return std::string(view(value->content));
  XmlCharPtr joined(xmlNodeListGetString(attr->doc, value, 1));
  return std::string(view(joined.get()));
}

const xmlAttr* find_attribute(const xmlNode* node, std::string_view name, const xmlNs* ns) {
  for (const xmlAttr* attr = node->properties; attr; attr = attr->next) {
    if (view(attr->name) != name) continue;
    if (!ns && !attr->ns) return attr;
    if (ns && attr->ns && view(attr->ns->href) == view(ns->href)) return attr;
  }
  return nullptr;
}

std::string attribute(const xmlNode* node, const char* name) {
  if (const xmlAttr* attr = find_attribute(node, name, nullptr)) return attribute_value(attr);
  if (node->doc && node->doc->intSubset) {
    XmlCharPtr value(xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name)));
    if (!value && node->ns) value.reset(xmlGetNsProp(node, reinterpret_cast<const xmlChar*>(name), node->ns->href));
    return value ? std::string(view(value.get())) : std::string();
  }
  // Attributes written with a prefix of the element's own namespace.
  const xmlAttr* prefixed = node->ns ? find_attribute(node, name, node->ns) : nullptr;
  return prefixed ? attribute_value(prefixed) : std::string();
}

std::string xml_attribute(const xmlNode* node, const char* name) {
  XmlCharPtr value(xmlGetNsProp(node, reinterpret_cast<const xmlChar*>(name),
                                reinterpret_cast<const xmlChar*>(ns::kXml.data())));
  return value ? std::string(view(value.get())) : std::string();
}

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

// Walks the document tree. Text extraction follows entity references with a
// budget, so a document that declares exponentially nested entities cannot
// make us build gigabytes of text (billion laughs).
class XmlFeedReader {
 public:
  XmlFeedReader(const ParseOptions& options, std::size_t text_budget, const ParseWatch& watch)
      : options_(options), text_budget_(text_budget), watch_(watch) {}

  bool dropped_incomplete_item() const { return dropped_incomplete_item_; }

  // An item or entry that just closed, during the parse: read now when it
  // sits where read() would look for one (then the caller frees it), else
  // left in the tree for read() to decide about. Items are thus read in
  // document order, all before the feed's own elements.
  bool read_closed_item(xmlNode* node) {
    const xmlNode* parent = node->parent;
    if (is_document_element(parent)) {
      const std::string_view root_name = local_name(parent);
      if (root_name == "feed") {
        const std::string_view root_ns = namespace_of(parent);
        if (atom_ns_ != root_ns) atom_ns_ = std::string(root_ns);
        if (!is_atom(node, "entry")) return false;
        add_item(feed_, node, read_atom_entry(node));
        return true;
      }
      if ((root_name != "rss" && root_name != "RDF" && root_name != "channel") || !is_rss_core(node, "item"))
        return false;
      if (root_name == "RDF" && namespace_of(node) == ns::kRss090) has_rss090_item_ = true;
    } else {
      // In a channel: every channel of an RSS 1.0 document, the first of an <rss>.
      if (!is_rss_core(parent, "channel") || !is_rss_core(node, "item")) return false;
      const xmlNode* root = parent->parent;
      if (!is_document_element(root)) return false;
      const std::string_view root_name = local_name(root);
      if (root_name != "RDF" && (root_name != "rss" || !is_first_channel(parent))) return false;
    }
    add_item(feed_, node, read_rss_item(node));
    return true;
  }

  // The whole document, once parsed: its head and whatever items are left.
  ParseOutcome read(xmlDoc* doc, bool is_well_formed) {
    is_well_formed_ = is_well_formed;
    xmlNode* root = xmlDocGetRootElement(doc);
    if (!root) return fail("not a feed: the document has no root element");
    ParsedFeed& feed = feed_;
    const std::string_view name = local_name(root);
    const std::string_view root_ns = namespace_of(root);
    if (name == "rss") {
      feed.format = rss_format(attribute(root, "version"));
      read_rss(root, feed);
    } else if (name == "RDF") {
      read_rdf(root, feed);
    } else if (name == "feed") {
      const bool is_atom03 = root_ns == ns::kAtom03 || (root_ns.empty() && attribute(root, "version") == "0.3");
      feed.format = is_atom03 ? FeedFormat::atom03 : FeedFormat::atom10;
      atom_ns_ = std::string(root_ns);
      read_atom_feed(root, feed);
    } else if (name == "channel") {
      // A bare <channel> without <rss>: seen in hand-written feeds.
      feed.format = FeedFormat::rss20;
      read_rss_channel(root, feed);
    } else if (core::equals_ignore_case(name, "html")) {
      return fail("not a feed: the document is an HTML page");
    } else {
      return fail("not a feed: unexpected root element <" + std::string(name) + ">");
    }
    if (too_many_items_) {
      return fail("too many items: the document has more than " + std::to_string(options_.limits.max_items) +
                  " (the limit)");
    }
    if (too_deep_) {
      return fail("document nesting deeper than " + std::to_string(options_.limits.max_depth) + " levels (the limit)");
    }
    if (text_budget_exhausted_) {
      feed.is_recovered = true;
      feed.recovery_reason = "entity expansion exceeded its limit; text was truncated";
    }
    return {std::move(feed_), {}};
  }

 private:
  static ParseOutcome fail(std::string message) { return {std::nullopt, std::move(message)}; }

  // The root element. (While libxml2 parses an entity's replacement text
  // it hangs it below a "pseudoroot" element of the document: no feed root.)
  static bool is_document_element(const xmlNode* node) {
    return is_element(node) && node->parent && node->parent->type == XML_DOCUMENT_NODE;
  }

  // Whether `channel` is the first <channel> of its <rss>. The first one is
  // found once and remembered (channels are never freed, and no channel can
  // come before it later): looked for from every item, 50,000 one-item
  // channels were a billion steps.
  bool is_first_channel(const xmlNode* channel) {
    if (!first_channel_) {
      const xmlNode* first = channel;
      for (const xmlNode* sibling = channel->prev; sibling; sibling = sibling->prev)
        if (is_rss_core(sibling, "channel")) first = sibling;
      first_channel_ = first;
    }
    return channel == first_channel_;
  }

  static FeedFormat rss_format(std::string_view version) {
    version = core::trim(version);
    if (version == "0.91") return FeedFormat::rss091;
    if (version == "0.92") return FeedFormat::rss092;
    if (version == "0.93") return FeedFormat::rss093;
    if (version == "0.94") return FeedFormat::rss094;
    if (version == "0.90" || version == "0.9") return FeedFormat::rss090;
    return FeedFormat::rss20;
  }

  // ---- text ---------------------------------------------------------------

  void append_text(const xmlNode* node, std::string& out, std::size_t depth) {
    if (depth > options_.limits.max_depth) {
      too_deep_ = true;
      return;
    }
    for (const xmlNode* child = node->children; child; child = child->next) {
      // Every node costs a little, so that entities expanding to empty
      // elements (no text to count) cannot make the walk exponential.
      if (text_budget_ < kNodeCost) {
        text_budget_exhausted_ = true;
        return;
      }
      text_budget_ -= kNodeCost;
      switch (child->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE: {
          const std::string_view text = view(child->content);
          if (text.size() > text_budget_) {
            text_budget_exhausted_ = true;
            out.append(text.substr(0, text_budget_));
            text_budget_ = 0;
            return;
          }
          text_budget_ -= text.size();
          out.append(text);
          break;
        }
        case XML_ENTITY_REF_NODE:
          // The entity's replacement text hangs below the reference node.
          if (child->children) append_text(child->children, out, depth + 1);
          break;
        case XML_ELEMENT_NODE: append_text(child, out, depth + 1); break;
        default: break;
      }
      if (text_budget_exhausted_) return;
    }
  }

  std::string text(const xmlNode* node) {
    std::string out;
    append_text(node, out, 0);
    const std::string_view trimmed = core::trim(out);
    const auto leading = static_cast<std::size_t>(trimmed.data() - out.data());
    out.erase(leading + trimmed.size());
    out.erase(0, leading);
    return out;
  }

  // Serializes the children of an element as markup (Atom xhtml content).
  std::string inner_markup(const xmlNode* node) {
    if (has_entity_reference(node, 0)) {
      // Serializing would expand entity references without our budget;
      // xhtml content that uses DTD entities is read as its text instead.
      std::string plain;
      append_text(node, plain, 0);
      std::string escaped;
      for (char c : plain) {
        if (c == '<') escaped += "&lt;";
        else if (c == '&') escaped += "&amp;";
        else escaped.push_back(c);
      }
      return escaped;
    }
    BufferPtr buffer(xmlBufferCreate());
    for (xmlNode* child = node->children; child; child = child->next) {
      xmlNodeDump(buffer.get(), node->doc, child, 0, 0);
      if (static_cast<std::size_t>(xmlBufferLength(buffer.get())) > text_budget_) {
        text_budget_exhausted_ = true;
        break;
      }
    }
    std::string out(view(xmlBufferContent(buffer.get())));
    text_budget_ -= std::min(text_budget_, out.size());
    return out;
  }

  bool has_entity_reference(const xmlNode* node, std::size_t depth) const {
    if (depth > options_.limits.max_depth) return false;
    for (const xmlNode* child = node->children; child; child = child->next) {
      if (child->type == XML_ENTITY_REF_NODE) return true;
      if (child->type == XML_ELEMENT_NODE && has_entity_reference(child, depth + 1)) return true;
    }
    return false;
  }

  // RSS description and content:encoded hold escaped HTML; some feeds put
  // the HTML in unescaped, as child elements. Those are kept as markup.
  std::string html_or_text(const xmlNode* node) {
    for (const xmlNode* child = node->children; child; child = child->next)
      if (child->type == XML_ELEMENT_NODE) return std::string(core::trim(inner_markup(node)));
    return text(node);
  }

  // Whether an xml: attribute may be in effect at `node`: one was seen on
  // some element, or a DTD (internal subset) may default one.
  static bool may_carry(bool has_attribute, const xmlNode* node) {
    return has_attribute || (node->doc && node->doc->intSubset);
  }

  // The effective xml:base of a node, when some ancestor-or-self sets one.
  // (Without any xml:base, `normalize` resolves against the feed's URLs.)
  std::string base_of(const xmlNode* node) {
    if (!may_carry(watch_.has_xml_base, node)) return {};
    for (const xmlNode* scan = node; is_element(scan); scan = scan->parent) {
      if (!xml_attribute(scan, "base").empty()) {
        XmlCharPtr base(xmlNodeGetBase(scan->doc, node));
        return base ? std::string(view(base.get())) : std::string();
      }
    }
    return {};
  }

  std::string lang_of(const xmlNode* node) {
    if (!may_carry(watch_.has_xml_lang, node)) return {};
    XmlCharPtr lang(xmlNodeGetLang(node));
    return lang ? std::string(view(lang.get())) : std::string();
  }

  // ---- RSS ----------------------------------------------------------------

  static bool is_rss_core(const xmlNode* node, std::string_view name) {
    if (!is_element(node) || !equals(node->name, name)) return false;
    return has_namespace(node, {}) || has_namespace(node, ns::kRss10) || has_namespace(node, ns::kRss090) ||
           has_namespace(node, ns::kRss20Userland) || has_namespace(node, ns::kRss20Harvard);
  }

  static bool is_media(const xmlNode* node, std::string_view name) {
    return is(node, ns::kMedia, name) || is(node, ns::kMediaAlt, name);
  }

  void read_rss(xmlNode* root, ParsedFeed& feed) {
    bool has_channel = false;
    for (xmlNode* child = root->children; child; child = child->next) {
      if (is_rss_core(child, "channel") && !has_channel) {
        has_channel = true;
        read_rss_channel(child, feed);
      } else if (is_rss_core(child, "item")) {
        // Items outside <channel>: a common mistake; keep them.
        add_item(feed, child, read_rss_item(child));
      }
    }
    if (feed.feed.base.empty()) feed.feed.base = base_of(root);
    if (feed.feed.lang.empty()) feed.feed.lang = lang_of(root);
  }

  void read_rdf(xmlNode* root, ParsedFeed& feed) {
    feed.format = FeedFormat::rss10;
    if (has_rss090_item_) feed.format = FeedFormat::rss090;
    for (xmlNode* child = root->children; child; child = child->next) {
      if (is_element(child) && namespace_of(child) == ns::kRss090) feed.format = FeedFormat::rss090;
    }
    for (xmlNode* child = root->children; child; child = child->next) {
      if (is_rss_core(child, "channel")) read_rss_channel(child, feed);
      else if (is_rss_core(child, "item")) add_item(feed, child, read_rss_item(child));
      else if (is_rss_core(child, "image") && feed.feed.image.empty()) feed.feed.image = rss_image_url(child);
    }
  }

  std::string rss_image_url(xmlNode* image) {
    for (xmlNode* child = image->children; child; child = child->next)
      if (is_rss_core(child, "url")) return text(child);
    return attribute(image, "resource");  // RSS 1.0 channel <image rdf:resource>
  }

  // <skipHours><hour>…</hour></skipHours>: 0–23; some feeds write 1–24
  // (RSS 0.91 did), where 24 is midnight.
  void read_skip_hours(xmlNode* node, FeedInfo& info) {
    for (xmlNode* child = node->children; child; child = child->next) {
      if (!is_rss_core(child, "hour")) continue;
      const auto hour = small_number(text(child));
      if (hour && *hour >= 0 && *hour <= 24) info.skip_hours.push_back(*hour % 24);
    }
    sort_unique(info.skip_hours);
  }

  void read_skip_days(xmlNode* node, FeedInfo& info) {
    static constexpr std::string_view kDays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
                                                 "saturday"};
    for (xmlNode* child = node->children; child; child = child->next) {
      if (!is_rss_core(child, "day")) continue;
      const std::string day = core::to_lower_ascii(text(child));
      for (int i = 0; i < 7; ++i) {
        const std::string_view name = kDays[i];
        if (day == name || (day.size() >= 3 && name.starts_with(day))) info.skip_days.push_back(i);
      }
    }
    sort_unique(info.skip_days);
  }

  void read_rss_channel(xmlNode* channel, ParsedFeed& feed) {
    FeedInfo& info = feed.feed;
    info.base = base_of(channel);
    info.lang = lang_of(channel);
    std::vector<Person> fallback_authors;
    for (xmlNode* child = channel->children; child; child = child->next) {
      if (!is_element(child)) continue;
      if (is_rss_core(child, "title")) info.title = {text(child), TextType::html, {}};
      else if (is_rss_core(child, "link") && info.link.empty()) info.link = text(child);
      else if (is_rss_core(child, "description")) info.subtitle = {text(child), TextType::html, {}};
      else if (is_rss_core(child, "language") && info.lang.empty()) info.lang = text(child);
      else if (is(child, ns::kDc, "language") && info.lang.empty()) info.lang = text(child);
      else if (is_rss_core(child, "lastBuildDate")) info.updated = text(child);
      else if (is_rss_core(child, "pubDate") && info.updated.empty()) info.updated = text(child);
      else if ((is(child, ns::kDc, "date") || is(child, ns::kAtom10, "updated")) && info.updated.empty())
        info.updated = text(child);
      else if (is_rss_core(child, "managingEditor") || is(child, ns::kDc, "creator") || is(child, ns::kItunes, "author"))
        add_person(info.authors, text(child));
      else if (is_rss_core(child, "webMaster") || is(child, ns::kDc, "publisher")) add_person(fallback_authors, text(child));
      else if (is_rss_core(child, "image") && info.image.empty()) info.image = rss_image_url(child);
      else if (is(child, ns::kItunes, "image") && info.image.empty()) info.image = attribute(child, "href");
      else if (is_rss_core(child, "ttl")) {
        const auto minutes = small_number(text(child));
        if (minutes && *minutes > 0) info.ttl = std::chrono::minutes{*minutes};
      } else if (is(child, ns::kSyndication, "updatePeriod")) info.update_period = core::to_lower_ascii(text(child));
      else if (is(child, ns::kSyndication, "updateFrequency")) {
        const auto frequency = small_number(text(child));
        if (frequency && *frequency > 0) info.update_frequency = frequency;
      } else if (is(child, ns::kSyndication, "updateBase")) info.update_base = text(child);
      else if (is_rss_core(child, "skipHours")) read_skip_hours(child, info);
      else if (is_rss_core(child, "skipDays")) read_skip_days(child, info);
      else if (is(child, ns::kAtom10, "link")) {
        const std::string rel(core::trim(attribute(child, "rel")));
        if (rel == "self") info.self_link = attribute(child, "href");
        else if ((rel.empty() || rel == "alternate") && info.link.empty()) info.link = attribute(child, "href");
      } else if (is(child, ns::kAtom10, "id") && info.id.empty()) {
        info.id = text(child);
      } else if (is_rss_core(child, "item")) {
        add_item(feed, child, read_rss_item(child));
      }
    }
    if (info.authors.empty()) info.authors = std::move(fallback_authors);
    keep_first_of_each(info.authors, name_of);
  }

  static void add_category(RawItem& item, std::string category) {
    if (category.empty()) return;
    // Items with categories mostly have a few: room for them at once
    // rather than growing one, two, four.
    if (item.categories.empty()) item.categories.reserve(4);
    item.categories.push_back(std::move(category));
  }

  // RSS names people by one string; the same one often twice (author and
  // dc:creator). Duplicates go at the end of the item (keep_first_of_each).
  static void add_person(std::vector<Person>& people, std::string name) {
    if (name.empty()) return;
    people.push_back({std::move(name), {}, {}});
  }

  static std::string_view name_of(const Person& person) { return person.name; }
  static std::string_view url_of(const Enclosure& enclosure) { return enclosure.url; }

  RawItem read_rss_item(xmlNode* node) {
    RawItem item;
    item.base = base_of(node);
    item.lang = lang_of(node);
    {
      // RSS 1.0 rdf:about; a guid overrides it.
      XmlCharPtr about(xmlGetNsProp(node, reinterpret_cast<const xmlChar*>("about"),
                                    reinterpret_cast<const xmlChar*>(ns::kRdf.data())));
      item.id = about ? std::string(view(about.get())) : attribute(node, "about");
    }
    std::string description;
    std::string alternative_summary;  // itunes:summary, media:description
    bool has_guid = false;
    for (xmlNode* child = node->children; child; child = child->next) {
      if (!is_element(child)) continue;
      if (is_rss_core(child, "title")) {
        item.title = {text(child), TextType::html, {}};
      } else if (is(child, ns::kDc, "title") && item.title.value.empty()) {
        item.title = {text(child), TextType::html, {}};
      } else if (is_rss_core(child, "link")) {
        std::string href = text(child);
        if (href.empty()) href = attribute(child, "href");
        if (!href.empty()) item.links.push_back({std::move(href), "alternate", {}, {}, {}, base_of(child)});
      } else if (is_rss_core(child, "guid")) {
        has_guid = true;
        item.id = text(child);
        const std::string permalink = core::to_lower_ascii(core::trim(attribute(child, "isPermaLink")));
        item.is_guid_permalink = permalink != "false";
      } else if (is(child, ns::kDc, "identifier") && item.id.empty()) {
        item.id = text(child);
      } else if (is_rss_core(child, "description")) {
        description = html_or_text(child);
      } else if (is(child, ns::kDc, "description") && description.empty()) {
        description = text(child);
      } else if (is(child, ns::kContent, "encoded")) {
        item.content = {html_or_text(child), TextType::html, base_of(child)};
      } else if (is_rss_core(child, "pubDate")) {
        item.published = text(child);
      } else if (is(child, ns::kDc, "date") || is(child, ns::kDcTerms, "issued") || is(child, ns::kDcTerms, "created")) {
        if (item.published.empty()) item.published = text(child);
      } else if (is(child, ns::kDcTerms, "modified") || is(child, ns::kAtom10, "updated")) {
        item.updated = text(child);
      } else if (is(child, ns::kAtom10, "published")) {
        if (item.published.empty()) item.published = text(child);
      } else if (is_rss_core(child, "author") || is(child, ns::kDc, "creator") || is(child, ns::kItunes, "author")) {
        add_person(item.authors, text(child));
      } else if (is(child, ns::kDc, "contributor")) {
        add_person(item.contributors, text(child));
      } else if (is_rss_core(child, "category") || is(child, ns::kDc, "subject") || is_media(child, "category")) {
        add_category(item, text(child));
      } else if (is(child, ns::kItunes, "category")) {
        add_category(item, attribute(child, "text"));
      } else if (is_rss_core(child, "enclosure")) {
        std::string url = attribute(child, "url");
        if (url.empty()) url = attribute(child, "resource");  // RSS 1.0 enclosure module
        item.enclosures.push_back({std::move(url), attribute(child, "type"), attribute(child, "length"), base_of(child)});
      } else if (is_media(child, "content")) {
        add_media_content(child, item);
      } else if (is_media(child, "group")) {
        read_media_group(child, item, alternative_summary);
      } else if (is_media(child, "thumbnail")) {
        if (item.image.empty()) item.image = attribute(child, "url");
      } else if (is_media(child, "description")) {
        if (alternative_summary.empty()) alternative_summary = text(child);
      } else if (is_media(child, "title")) {
        if (item.title.value.empty()) item.title = {text(child), TextType::text, {}};
      } else if (is(child, ns::kItunes, "summary")) {
        alternative_summary = text(child);
      } else if (is(child, ns::kItunes, "image")) {
        if (item.image.empty()) item.image = attribute(child, "href");
      } else if (is(child, ns::kItunes, "duration")) {
        item.duration = text(child);
      } else if (is(child, ns::kAtom10, "link")) {
        std::string rel(core::trim(attribute(child, "rel")));
        if (rel == "enclosure") {
          item.enclosures.push_back(
              {attribute(child, "href"), attribute(child, "type"), attribute(child, "length"), base_of(child)});
        } else {
          item.links.push_back({attribute(child, "href"), rel.empty() ? "alternate" : rel, attribute(child, "type"),
                                attribute(child, "title"), {}, base_of(child)});
        }
      } else if (is(child, ns::kAtom10, "id") && !has_guid) {
        item.id = text(child);
      } else if (is_rss_core(child, "source")) {
        item.source = SourceFeed{{}, text(child), attribute(child, "url"), {}};
      }
    }
    if (description.empty()) description = std::move(alternative_summary);
    item.summary = {std::move(description), TextType::html, {}};
    keep_first_of_each(item.authors, name_of);
    keep_first_of_each(item.contributors, name_of);
    keep_first_of_each(item.enclosures, url_of);  // <enclosure> and media:content of one file
    // RSS 2.0: a guid is a permalink unless isPermaLink="false".
    if (!item.id.empty() && has_guid && item.is_guid_permalink && item.links.empty())
      item.links.push_back({item.id, "alternate", {}, {}, {}, item.base});
    return item;
  }

  void read_media_group(xmlNode* group, RawItem& item, std::string& alternative_summary) {
    for (xmlNode* media = group->children; media; media = media->next) {
      if (is_media(media, "content")) add_media_content(media, item);
      else if (is_media(media, "thumbnail") && item.image.empty()) item.image = attribute(media, "url");
      else if (is_media(media, "description") && alternative_summary.empty()) alternative_summary = text(media);
      else if (is_media(media, "title") && item.title.value.empty()) item.title = {text(media), TextType::text, {}};
    }
  }

  void add_media_content(xmlNode* node, RawItem& item) {
    std::string url = attribute(node, "url");
    if (url.empty()) return;
    std::string type = attribute(node, "type");
    if (type.empty()) {
      const std::string medium = attribute(node, "medium");
      if (!medium.empty()) type = medium;  // "image", "audio", "video": better than nothing
    }
    item.enclosures.push_back({std::move(url), std::move(type), attribute(node, "fileSize"), base_of(node)});
    for (xmlNode* child = node->children; child; child = child->next)
      if (is_media(child, "thumbnail") && item.image.empty()) item.image = attribute(child, "url");
  }

  // ---- Atom ---------------------------------------------------------------

  bool is_atom(const xmlNode* node, std::string_view name) const {
    return is_element(node) && equals(node->name, name) && has_namespace(node, atom_ns_);
  }

  // Atom text constructs (RFC 4287 §3.1, §4.1.3.3 for content's MIME types)
  // and Atom 0.3's mode attribute (§3.1.2: xml, escaped, base64). The mode
  // says how the value is written and decides first; the type then says
  // whether it is markup: "escaped" and "base64" XHTML is HTML to read, not
  // markup of the feed to serialize, nor plain text.
  Text atom_text(xmlNode* node) {
    const std::string type = core::to_lower_ascii(core::trim(attribute(node, "type")));
    const std::string mode = core::to_lower_ascii(core::trim(attribute(node, "mode")));
    Text result;
    result.base = base_of(node);
    const bool is_xml_type = type == "xhtml" || type == "application/xhtml+xml";
    const bool is_html_type = type == "html" || type == "text/html";
    const bool is_plain_type = type == "text" || type == "text/plain";
    if (mode == "base64") {
      result.type = is_xml_type || is_html_type ? TextType::html : TextType::text;
      result.value = core::trim(decode_base64(text(node)));
    } else if (mode == "escaped") {
      result.type = is_plain_type ? TextType::text : TextType::html;
      result.value = text(node);
    } else if (is_xml_type || (mode == "xml" && !is_html_type && (type.empty() || type.ends_with("xml")))) {
      result.type = TextType::xhtml;
      // The content is a single xhtml:div whose children are the text.
      xmlNode* div = nullptr;
      int element_count = 0;
      for (xmlNode* child = node->children; child; child = child->next) {
        if (!is_element(child)) continue;
        ++element_count;
        if (local_name(child) == "div") div = child;
      }
      result.value = core::trim(inner_markup(div && element_count == 1 ? div : node));
    } else if (is_html_type) {
      result.type = TextType::html;
      // Atom 0.3's default mode is xml (the markup inline); Atom 1.0's html
      // is escaped. Inline elements say which one a feed wrote.
      result.value = mode == "xml" ? std::string(core::trim(inner_markup(node))) : html_or_text(node);
    } else {
      result.type = TextType::text;
      result.value = text(node);
    }
    return result;
  }

  Person atom_person(xmlNode* node) {
    Person person;
    bool has_elements = false;
    for (xmlNode* child = node->children; child; child = child->next) {
      if (!is_element(child)) continue;
      has_elements = true;
      if (is_atom(child, "name")) person.name = text(child);
      else if (is_atom(child, "email")) person.email = text(child);
      else if (is_atom(child, "uri") || is_atom(child, "url") || is_atom(child, "homepage")) person.uri = text(child);
    }
    if (!has_elements) person.name = text(node);  // <author>Jo</author>, seen in the wild
    return person;
  }

  Link atom_link(xmlNode* node) {
    Link link;
    link.href = attribute(node, "href");
    link.rel = core::trim(attribute(node, "rel"));
    if (link.rel.empty()) link.rel = "alternate";
    // IANA-registered rels may be written as full URIs (RFC 4287 §4.2.7.2).
    if (link.rel.starts_with("http://www.iana.org/assignments/relation/"))
      link.rel = link.rel.substr(std::string_view("http://www.iana.org/assignments/relation/").size());
    link.type = attribute(node, "type");
    link.title = attribute(node, "title");
    link.length = attribute(node, "length");
    link.base = base_of(node);
    return link;
  }

  void read_atom_feed(xmlNode* root, ParsedFeed& feed) {
    FeedInfo& info = feed.feed;
    info.base = base_of(root);
    info.lang = lang_of(root);
    for (xmlNode* child = root->children; child; child = child->next) {
      if (!is_element(child)) continue;
      if (is_atom(child, "title")) info.title = atom_text(child);
      else if (is_atom(child, "subtitle") || is_atom(child, "tagline")) info.subtitle = atom_text(child);
      else if (is_atom(child, "id")) info.id = text(child);
      else if (is_atom(child, "updated") || is_atom(child, "modified")) info.updated = text(child);
      else if (is_atom(child, "author")) info.authors.push_back(atom_person(child));
      else if ((is_atom(child, "logo") || is_atom(child, "icon")) && info.image.empty()) info.image = text(child);
      else if (is_atom(child, "link")) {
        const Link link = atom_link(child);
        if (link.rel == "self") info.self_link = link.href;
        else if (link.rel == "alternate" && info.link.empty()) info.link = link.href;
      } else if (is_atom(child, "entry")) {
        add_item(feed, child, read_atom_entry(child));
      } else if (is(child, ns::kSyndication, "updatePeriod")) {
        info.update_period = core::to_lower_ascii(text(child));
      } else if (is(child, ns::kSyndication, "updateFrequency")) {
        const auto frequency = small_number(text(child));
        if (frequency && *frequency > 0) info.update_frequency = frequency;
      } else if (is(child, ns::kSyndication, "updateBase")) {
        info.update_base = text(child);
      }
    }
  }

  RawItem read_atom_entry(xmlNode* node) {
    RawItem item;
    item.base = base_of(node);
    item.lang = lang_of(node);
    std::string created;
    std::string media_description;  // a video feed's (YouTube's) only text
    for (xmlNode* child = node->children; child; child = child->next) {
      if (!is_element(child)) continue;
      if (is_atom(child, "id")) item.id = text(child);
      else if (is_atom(child, "title")) item.title = atom_text(child);
      else if (is_atom(child, "link")) {
        Link link = atom_link(child);
        if (link.rel == "enclosure") item.enclosures.push_back({link.href, link.type, link.length, link.base});
        else item.links.push_back(std::move(link));
      } else if (is_atom(child, "published") || is_atom(child, "issued")) item.published = text(child);
      else if (is_atom(child, "created")) created = text(child);
      else if (is_atom(child, "updated") || is_atom(child, "modified")) item.updated = text(child);
      else if (is_atom(child, "author")) item.authors.push_back(atom_person(child));
      else if (is_atom(child, "contributor")) item.contributors.push_back(atom_person(child));
      else if (is_atom(child, "summary")) item.summary = atom_text(child);
      else if (is_atom(child, "content")) {
        const std::string src = attribute(child, "src");
        if (!src.empty()) {
          // Out-of-line content (RFC 4287 §4.1.3.2): link to it instead.
          item.links.push_back({src, "alternate", attribute(child, "type"), {}, {}, base_of(child)});
        } else {
          item.content = atom_text(child);
        }
      } else if (is_atom(child, "category")) {
        std::string category = attribute(child, "label");
        if (category.empty()) category = attribute(child, "term");
        if (category.empty()) category = text(child);
        add_category(item, std::move(category));
      } else if (is_atom(child, "source")) {
        item.source = read_atom_source(child);
      } else if (is(child, ns::kDc, "subject")) {
        add_category(item, text(child));
      } else if (is(child, ns::kDc, "creator")) {
        add_person(item.authors, text(child));
      } else if (is_media(child, "thumbnail") && item.image.empty()) {
        item.image = attribute(child, "url");
      } else if (is_media(child, "group")) {
        read_media_group(child, item, media_description);
      } else if (is_media(child, "description")) {
        if (media_description.empty()) media_description = text(child);
      } else if (is_media(child, "content")) {
        add_media_content(child, item);
      }
    }
    if (item.published.empty()) item.published = created;
    // Media RSS §5 "media:description": plain text unless type="html";
    // the entry's summary when it has no text of its own.
    if (item.summary.value.empty() && item.content.value.empty() && !core::trim(media_description).empty())
      item.summary = {std::move(media_description), TextType::text, item.base};
    keep_first_of_each(item.enclosures, url_of);
    return item;
  }

  SourceFeed read_atom_source(xmlNode* node) {
    SourceFeed source;
    for (xmlNode* child = node->children; child; child = child->next) {
      if (is_atom(child, "id")) source.id = text(child);
      else if (is_atom(child, "title")) source.title = text(child);
      else if (is_atom(child, "updated")) source.updated = text(child);
      else if (is_atom(child, "link")) {
        const Link link = atom_link(child);
        if (link.rel == "alternate" && source.link.empty()) source.link = link.href;
      }
    }
    return source;
  }

  // An item the document was cut off in (never closed) is dropped: its
  // fields would be partial and would overwrite the complete copy later.
  void add_item(ParsedFeed& feed, const xmlNode* node, RawItem item) {
    if (!is_well_formed_ && !is_closed(node)) {
      dropped_incomplete_item_ = true;
      return;
    }
    if (feed.items.size() >= options_.limits.max_items) {
      too_many_items_ = true;
      return;
    }
    if (feed.items.size() == feed.items.capacity()) reserve_for_the_rest(feed.items);
    feed.items.push_back(std::move(item));
  }

  // Items are most of a feed, so the share of the document read so far
  // predicts how many are still to come. Reserving for them, rather than
  // doubling, spares moving thousands of items (two dozen strings each)
  // into ever larger arrays.
  void reserve_for_the_rest(std::vector<RawItem>& items) const {
    std::size_t capacity = std::max<std::size_t>(16, items.size() * 2);
    const std::size_t read = watch_.unread ? watch_.document_size - watch_.unread->size() : 0;
    if (read > 0 && !items.empty()) {
      const double expected = static_cast<double>(items.size()) * static_cast<double>(watch_.document_size) /
                              static_cast<double>(read);
      capacity = std::max(capacity, static_cast<std::size_t>(expected * 1.1) + 16);
    }
    items.reserve(std::min(capacity, options_.limits.max_items));
  }

  static constexpr std::size_t kNodeCost = 16;
  const ParseOptions& options_;
  std::string atom_ns_;
  std::size_t text_budget_;
  const ParseWatch& watch_;
  ParsedFeed feed_;
  bool is_well_formed_ = true;  // known at the end; until then only closed items are read
  bool has_rss090_item_ = false;  // an RSS 0.90 item below <rdf:RDF>, read and freed already
  const xmlNode* first_channel_ = nullptr;  // the first <channel> of <rss>, once an item asked
  bool text_budget_exhausted_ = false;
  bool too_many_items_ = false;
  bool too_deep_ = false;
  bool dropped_incomplete_item_ = false;
};

// libxml2 pulls the document through this a few kilobytes at a time and
// drops what it has parsed, rather than first copying all of it into one
// buffer of its own (a 10 MB copy, and its page faults, on every parse).
int read_chunk(void* unread_text, char* buffer, int length) {
  auto* unread = static_cast<std::string_view*>(unread_text);
  const std::size_t count = std::min(unread->size(), static_cast<std::size_t>(std::max(length, 0)));
  std::memcpy(buffer, unread->data(), count);
  unread->remove_prefix(count);
  return static_cast<int>(count);
}

// Freeing an attribute of type ID (xml:id, or an ID the DTD declares)
// unregisters its value; detached from the attribute, the value stays, so
// that a later duplicate is still reported as it would be in a whole tree.
void keep_ids_registered(xmlNode* element, xmlHashTable* ids) {
  for (xmlAttr* attr = element->properties; attr; attr = attr->next) {
    if (attr->atype != XML_ATTRIBUTE_ID || !attr->children || attr->children->next) continue;
    auto* id = static_cast<xmlID*>(xmlHashLookup(ids, attr->children->content));
    if (!id || id->attr != attr) continue;
    id->attr = nullptr;
    attr->atype = XML_ATTRIBUTE_CDATA;
  }
  for (xmlNode* child = element->children; child; child = child->next)
    if (child->type == XML_ELEMENT_NODE) keep_ids_registered(child, ids);
}

// Frees an item that was read, with the text before it (between items,
// read by no one), which would otherwise pile up into one text node of
// thousands of line breaks.
void free_read_item(xmlParserCtxt* context, xmlNode* item) {
  if (item->doc && item->doc->ids) keep_ids_registered(item, static_cast<xmlHashTable*>(item->doc->ids));
  while (item->prev && item->prev->type == XML_TEXT_NODE) {
    xmlNode* text = item->prev;
    xmlUnlinkNode(text);
    xmlFreeNode(text);
  }
  xmlUnlinkNode(item);
  xmlFreeNode(item);
  // libxml2 appends the next characters to the parent's last text node
  // using the lengths it remembers of the text node it made last (which may
  // be gone now); zero makes it measure the node instead (SAX2.c, xmlSAX2Text).
  context->nodelen = 0;
  context->nodemem = 0;
}

void watch_end_element(void* user_data, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri) {
  auto* context = static_cast<xmlParserCtxt*>(user_data);
  ParseWatch* watch = watch_of(user_data);
  xmlNode* node = context->node;  // the element this tag closes
  xmlSAX2EndElementNs(user_data, localname, prefix, uri);
  if (!watch || !is_element(node) || !is_item_name(localname) || view(node->name) != view(localname)) return;
  mark_closed(node);
  if (!watch->reader || watch->failure) return;
  try {
    if (watch->reader->read_closed_item(node)) free_read_item(context, node);
  } catch (...) {
    // Nothing may unwind through libxml2's C frames; parse_xml_feed rethrows.
    watch->failure = std::current_exception();
    xmlStopParser(context);
  }
}

// What one parse, pulled or pushed, leaves behind: the tree (with the
// items read so far already taken out of it) and what the hooks saw.
// Neither reads the rest of the tree; finish() does.
struct XmlParse {
  XmlParse(std::string_view text, const ParseOptions& options) : reader(options, text.size() * 4 + 1024 * 1024, watch) {
    // Extracted text may exceed the document only through entity expansion;
    // the reader's budget (above) allows generous legitimate use, never an
    // explosion.
    watch.max_depth = options.limits.max_depth;
    watch.max_items = options.limits.max_items;
    watch.reader = &reader;
    watch.document_size = text.size();
  }
  XmlParse(const XmlParse&) = delete;
  XmlParse& operator=(const XmlParse&) = delete;

  // Hooks go in after the options: XML_PARSE_NOCDATA rewrites the handler.
  void install_hooks() {
    context->_private = &watch;
    context->sax->serror = collect_error;
    context->sax->startElementNs = watch_start_element;
    context->sax->endElementNs = watch_end_element;
  }

  ParseWatch watch;
  XmlFeedReader reader;
  ContextPtr context;
  DocPtr doc;
};

// No document URL for libxml2: xml:base values stay as the document wrote
// them (combined along the ancestors), and normalize resolves them against
// the feed's own URL first, then the document URL.
// No encoding for libxml2 either: the text is UTF-8 and has no BOM, and
// naming UTF-8 would make libxml2 copy it through a converter.
constexpr int kParseFlags = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                            XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_IGNORE_ENC;

// The outcome of a parse that ran to its end (or was stopped by a limit).
ParseOutcome finish(XmlParse& parse, const ParseOptions& options) {
  const ParseWatch& watch = parse.watch;
  if (watch.failure) std::rethrow_exception(watch.failure);
  if (watch.has_too_many_items) {
    return {std::nullopt, "too many items: the document has more than " + std::to_string(options.limits.max_items) +
                              " (the limit)"};
  }
  if (watch.is_too_deep) {
    return {std::nullopt,
            "document nesting deeper than " + std::to_string(options.limits.max_depth) + " levels (the limit)"};
  }
  if (!parse.doc) {
    return {std::nullopt, "not XML: " + (watch.first_error.empty() ? std::string("no document") : watch.first_error)};
  }
  const bool is_well_formed = parse.context->wellFormed != 0;
  ParseOutcome outcome = parse.reader.read(parse.doc.get(), is_well_formed);
  if (outcome.feed && !is_well_formed && !outcome.feed->is_recovered) {
    outcome.feed->is_recovered = true;
    std::string reason = watch.first_error.empty() ? "malformed XML" : watch.first_error;
    if (watch.is_entity_bomb) reason = "entity expansion over its limit: parsing stopped there (" + reason + ")";
    else if (parse.reader.dropped_incomplete_item())
      reason = "truncated document: the incomplete last item was dropped (" + reason + ")";
    else if (watch.is_truncated) reason = "truncated document (" + reason + ")";
    outcome.feed->recovery_reason = std::move(reason);
  }
  return outcome;
}

}  // namespace

ParseOutcome parse_xml_feed_pulled(std::string_view text, const ParseOptions& options) {
  initialize_libxml2_once();
  XmlParse parse(text, options);
  parse.context.reset(xmlNewParserCtxt());
  if (!parse.context) return {std::nullopt, "out of memory creating the XML parser"};
  // xmlCtxtReadIO applies the flags itself, so the hooks go in first; it
  // clears only cdataBlock, which is none of ours.
  parse.install_hooks();
  std::string_view unread = text;
  parse.watch.unread = &unread;
  parse.doc.reset(xmlCtxtReadIO(parse.context.get(), read_chunk, nullptr, &unread, nullptr, nullptr, kParseFlags));
  return finish(parse, options);
}

std::optional<ParseOutcome> parse_xml_feed_pushed(std::string_view text, const ParseOptions& options,
                                                  std::size_t chunk_size) {
  initialize_libxml2_once();
  XmlParse parse(text, options);
  parse.context.reset(xmlCreatePushParserCtxt(nullptr, nullptr, nullptr, 0, nullptr));
  if (!parse.context) return ParseOutcome{std::nullopt, "out of memory creating the XML parser"};
  xmlParserCtxt* context = parse.context.get();
  xmlCtxtUseOptions(context, kParseFlags);
  parse.install_hooks();
  std::string_view unread = text;
  parse.watch.unread = &unread;
  chunk_size = std::clamp<std::size_t>(chunk_size, 1, 1 << 30);
  // The first error ends the attempt: past it the two modes may repair
  // differently, and the pulled parse that takes over reads it all again.
  while (!unread.empty() && context->wellFormed && !parse.watch.failure && context->instate != XML_PARSER_EOF) {
    const std::string_view chunk = unread.substr(0, chunk_size);
    unread.remove_prefix(chunk.size());
    xmlParseChunk(context, chunk.data(), static_cast<int>(chunk.size()), 0);
  }
  if (context->wellFormed && !parse.watch.failure) xmlParseChunk(context, nullptr, 0, 1);
  parse.doc.reset(context->myDoc);  // the context does not free it
  context->myDoc = nullptr;
  if (parse.watch.failure) std::rethrow_exception(parse.watch.failure);
  if (!context->wellFormed || !parse.doc) return std::nullopt;
  return finish(parse, options);
}

// Well-formed documents, nearly all feeds, are pushed; the rest are read
// again pulled, so that every repair and every error message stays the
// reference's — with the predefined entities as character references,
// which libxml2's recovery would otherwise drop past the first error.
ParseOutcome parse_xml_feed(std::string_view text, const ParseOptions& options) {
  if (std::optional<ParseOutcome> pushed = parse_xml_feed_pushed(text, options, kPushChunkSize))
    return std::move(*pushed);
  const MarkupRepair numbered = predefined_entities_as_numbers(text);
  return parse_xml_feed_pulled(numbered.is_changed ? std::string_view(numbered.text) : text, options);
}

}  // namespace tributary::parse
