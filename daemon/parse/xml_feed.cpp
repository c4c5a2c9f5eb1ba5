// RSS and Atom documents → ParsedFeed. libxml2 builds a tree in recovery
// mode (never with NOENT, DTDLOAD or HUGE, and with an external entity loader
// that refuses everything); this file walks the tree by namespace and local
// name, one reader per format family.
#include "parse/xml_feed.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <memory>
#include <mutex>

#include "core/text.hpp"
#include "parse/xml_names.hpp"

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

struct ErrorCollector {
  std::string first_error;
  int count = 0;
};

void collect_error(void* user_data, xmlErrorPtr error) {
  auto* context = static_cast<xmlParserCtxt*>(user_data);
  auto* collector = static_cast<ErrorCollector*>(context->_private);
  if (!collector || !error || error->level < XML_ERR_ERROR) return;
  if (collector->count++ == 0) {
    std::string message = core::collapse_whitespace(error->message ? error->message : "malformed XML");
    collector->first_error = "line " + std::to_string(error->line) + ": " + message;
  }
}

bool is_element(const xmlNode* node) { return node && node->type == XML_ELEMENT_NODE; }
std::string_view local_name(const xmlNode* node) { return view(node->name); }
std::string_view namespace_of(const xmlNode* node) { return node->ns ? view(node->ns->href) : std::string_view(); }

bool is(const xmlNode* node, std::string_view ns_uri, std::string_view name) {
  return is_element(node) && local_name(node) == name && namespace_of(node) == ns_uri;
}

std::string attribute(const xmlNode* node, const char* name) {
  XmlCharPtr value(xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name)));
  if (!value) {
    // Attributes written with a prefix of the element's own namespace.
    if (node->ns) value.reset(xmlGetNsProp(node, reinterpret_cast<const xmlChar*>(name), node->ns->href));
  }
  return value ? std::string(view(value.get())) : std::string();
}

std::string xml_attribute(const xmlNode* node, const char* name) {
  XmlCharPtr value(xmlGetNsProp(node, reinterpret_cast<const xmlChar*>(name),
                                reinterpret_cast<const xmlChar*>(ns::kXml.data())));
  return value ? std::string(view(value.get())) : std::string();
}

// Walks the document tree. Text extraction follows entity references with a
// budget, so a document that declares exponentially nested entities cannot
// make us build gigabytes of text (billion laughs).
class XmlFeedReader {
 public:
  XmlFeedReader(const ParseOptions& options, std::size_t text_budget)
      : options_(options), text_budget_(text_budget) {}

  ParseOutcome read(xmlDoc* doc) {
    xmlNode* root = xmlDocGetRootElement(doc);
    if (!root) return fail("not a feed: the document has no root element");
    ParsedFeed feed;
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
      return fail("too many items: the document has more than " + std::to_string(options_.limits.max_items));
    }
    if (too_deep_) {
      return fail("document nesting deeper than " + std::to_string(options_.limits.max_depth) + " levels");
    }
    if (text_budget_exhausted_) {
      feed.is_recovered = true;
      feed.recovery_reason = "entity expansion exceeded its limit; text was truncated";
    }
    return {std::move(feed), {}};
  }

 private:
  static ParseOutcome fail(std::string message) { return {std::nullopt, std::move(message)}; }

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
    return trimmed.size() == out.size() ? out : std::string(trimmed);
  }

  // Serializes the children of an element as markup (Atom xhtml content).
  std::string inner_markup(const xmlNode* node) {
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

  // The effective xml:base of a node, when some ancestor-or-self sets one.
  // (Without any xml:base, `normalize` resolves against the feed's URLs.)
  std::string base_of(const xmlNode* node) {
    for (const xmlNode* scan = node; is_element(scan); scan = scan->parent) {
      if (!xml_attribute(scan, "base").empty()) {
        XmlCharPtr base(xmlNodeGetBase(scan->doc, node));
        return base ? std::string(view(base.get())) : std::string();
      }
    }
    return {};
  }

  std::string lang_of(const xmlNode* node) {
    XmlCharPtr lang(xmlNodeGetLang(node));
    return lang ? std::string(view(lang.get())) : std::string();
  }

  // ---- RSS ----------------------------------------------------------------

  static bool is_rss_core(const xmlNode* node, std::string_view name) {
    if (!is_element(node) || local_name(node) != name) return false;
    const std::string_view uri = namespace_of(node);
    return uri.empty() || uri == ns::kRss10 || uri == ns::kRss090 || uri == ns::kRss20Userland ||
           uri == ns::kRss20Harvard;
  }

  void read_rss(xmlNode* root, ParsedFeed& feed) {
    bool has_channel = false;
    for (xmlNode* child = root->children; child; child = child->next) {
      if (is_rss_core(child, "channel") && !has_channel) {
        has_channel = true;
        read_rss_channel(child, feed);
      } else if (is_rss_core(child, "item")) {
        // Items outside <channel>: a common mistake; keep them.
        add_item(feed, read_rss_item(child));
      }
    }
    if (feed.feed.base.empty()) feed.feed.base = base_of(root);
    if (feed.feed.lang.empty()) feed.feed.lang = lang_of(root);
  }

  void read_rdf(xmlNode* root, ParsedFeed& feed) {
    feed.format = FeedFormat::rss10;
    for (xmlNode* child = root->children; child; child = child->next) {
      if (is_element(child) && namespace_of(child) == ns::kRss090) feed.format = FeedFormat::rss090;
    }
    for (xmlNode* child = root->children; child; child = child->next) {
      if (is_rss_core(child, "channel")) read_rss_channel(child, feed);
      else if (is_rss_core(child, "item")) add_item(feed, read_rss_item(child));
    }
  }

  void read_rss_channel(xmlNode* channel, ParsedFeed& feed) {
    FeedInfo& info = feed.feed;
    info.base = base_of(channel);
    info.lang = lang_of(channel);
    for (xmlNode* child = channel->children; child; child = child->next) {
      if (!is_element(child)) continue;
      if (is_rss_core(child, "title")) info.title = {text(child), TextType::text, {}};
      else if (is_rss_core(child, "link") && info.link.empty()) info.link = text(child);
      else if (is_rss_core(child, "description")) info.subtitle = {text(child), TextType::html, {}};
      else if (is_rss_core(child, "language") && info.lang.empty()) info.lang = text(child);
      else if (is_rss_core(child, "lastBuildDate")) info.updated = text(child);
      else if (is_rss_core(child, "pubDate") && info.updated.empty()) info.updated = text(child);
      else if (is(child, ns::kDc, "date") && info.updated.empty()) info.updated = text(child);
      else if (is_rss_core(child, "managingEditor")) info.authors.push_back({text(child), {}, {}});
      else if (is(child, ns::kAtom10, "link")) {
        const std::string rel = attribute(child, "rel");
        if (rel == "self") info.self_link = attribute(child, "href");
        else if ((rel.empty() || rel == "alternate") && info.link.empty()) info.link = attribute(child, "href");
      } else if (is_rss_core(child, "item")) {
        add_item(feed, read_rss_item(child));
      }
    }
  }

  RawItem read_rss_item(xmlNode* node) {
    RawItem item;
    item.base = base_of(node);
    item.lang = lang_of(node);
    item.id = attribute(node, "about");  // RSS 1.0 rdf:about; a guid overrides it
    std::string description;
    std::string itunes_summary;
    for (xmlNode* child = node->children; child; child = child->next) {
      if (!is_element(child)) continue;
      if (is_rss_core(child, "title")) {
        item.title = {text(child), TextType::html, {}};
      } else if (is_rss_core(child, "link")) {
        std::string href = text(child);
        if (href.empty()) href = attribute(child, "href");
        if (!href.empty()) item.links.push_back({href, "alternate", {}, {}, {}, base_of(child)});
      } else if (is_rss_core(child, "guid")) {
        item.id = text(child);
        const std::string permalink = core::to_lower_ascii(core::trim(attribute(child, "isPermaLink")));
        item.is_guid_permalink = permalink != "false";
      } else if (is_rss_core(child, "description")) {
        description = text(child);
      } else if (is(child, ns::kContent, "encoded")) {
        item.content = {text(child), TextType::html, base_of(child)};
      } else if (is_rss_core(child, "pubDate")) {
        item.published = text(child);
      } else if (is(child, ns::kDc, "date")) {
        if (item.published.empty()) item.published = text(child);
      } else if (is(child, ns::kDcTerms, "modified") || is(child, ns::kAtom10, "updated")) {
        item.updated = text(child);
      } else if (is_rss_core(child, "author") || is(child, ns::kDc, "creator") || is(child, ns::kItunes, "author")) {
        const std::string name = text(child);
        if (!name.empty()) item.authors.push_back({name, {}, {}});
      } else if (is_rss_core(child, "category") || is(child, ns::kDc, "subject")) {
        const std::string category = text(child);
        if (!category.empty()) item.categories.push_back(category);
      } else if (is_rss_core(child, "enclosure")) {
        item.enclosures.push_back(
            {attribute(child, "url"), attribute(child, "type"), attribute(child, "length"), base_of(child)});
      } else if (is(child, ns::kMedia, "content") || is(child, ns::kMediaAlt, "content")) {
        add_media_content(child, item);
      } else if (is(child, ns::kMedia, "group") || is(child, ns::kMediaAlt, "group")) {
        for (xmlNode* media = child->children; media; media = media->next)
          if (is(media, ns::kMedia, "content") || is(media, ns::kMediaAlt, "content")) add_media_content(media, item);
      } else if (is(child, ns::kItunes, "summary")) {
        itunes_summary = text(child);
      } else if (is(child, ns::kAtom10, "link")) {
        std::string rel = attribute(child, "rel");
        if (rel == "enclosure") {
          item.enclosures.push_back(
              {attribute(child, "href"), attribute(child, "type"), attribute(child, "length"), base_of(child)});
        } else {
          item.links.push_back({attribute(child, "href"), rel.empty() ? "alternate" : rel, attribute(child, "type"),
                                attribute(child, "title"), {}, base_of(child)});
        }
      } else if (is_rss_core(child, "source")) {
        item.source = SourceFeed{{}, text(child), attribute(child, "url"), {}};
      }
    }
    if (description.empty()) description = itunes_summary;
    item.summary = {description, TextType::html, {}};
    // RSS 2.0: a guid is a permalink unless isPermaLink="false".
    if (!item.id.empty() && item.is_guid_permalink && item.links.empty())
      item.links.push_back({item.id, "alternate", {}, {}, {}, item.base});
    return item;
  }

  static void add_media_content(xmlNode* node, RawItem& item) {
    std::string url = attribute(node, "url");
    if (url.empty()) return;
    for (const Enclosure& existing : item.enclosures)
      if (existing.url == url) return;
    item.enclosures.push_back({url, attribute(node, "type"), attribute(node, "fileSize"), {}});
  }

  // ---- Atom ---------------------------------------------------------------

  bool is_atom(const xmlNode* node, std::string_view name) const {
    return is_element(node) && local_name(node) == name && namespace_of(node) == atom_ns_;
  }

  // Atom text constructs (RFC 4287 §3.1) and Atom 0.3's mode attribute.
  Text atom_text(xmlNode* node) {
    const std::string type = core::to_lower_ascii(core::trim(attribute(node, "type")));
    const std::string mode = core::to_lower_ascii(core::trim(attribute(node, "mode")));
    Text result;
    result.base = base_of(node);
    const bool is_xhtml = type == "xhtml" || type == "application/xhtml+xml" || mode == "xml";
    if (is_xhtml) {
      result.type = TextType::xhtml;
      // The content is a single xhtml:div whose children are the text.
      xmlNode* div = nullptr;
      for (xmlNode* child = node->children; child; child = child->next)
        if (is_element(child) && local_name(child) == "div") div = child;
      result.value = core::trim(inner_markup(div ? div : node));
    } else if (type == "html" || type == "text/html" || mode == "escaped") {
      result.type = TextType::html;
      result.value = text(node);
    } else {
      result.type = TextType::text;
      result.value = text(node);
    }
    return result;
  }

  Person atom_person(xmlNode* node) {
    Person person;
    for (xmlNode* child = node->children; child; child = child->next) {
      if (is_atom(child, "name")) person.name = text(child);
      else if (is_atom(child, "email")) person.email = text(child);
      else if (is_atom(child, "uri") || is_atom(child, "url")) person.uri = text(child);
    }
    if (person.name.empty() && person.email.empty() && !node->children) person.name = text(node);
    return person;
  }

  Link atom_link(xmlNode* node) {
    Link link;
    link.href = attribute(node, "href");
    link.rel = core::trim(attribute(node, "rel"));
    if (link.rel.empty()) link.rel = "alternate";
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
      else if (is_atom(child, "link")) {
        const Link link = atom_link(child);
        if (link.rel == "self") info.self_link = link.href;
        else if (link.rel == "alternate" && info.link.empty()) info.link = link.href;
      } else if (is_atom(child, "entry")) {
        add_item(feed, read_atom_entry(child));
      }
    }
  }

  RawItem read_atom_entry(xmlNode* node) {
    RawItem item;
    item.base = base_of(node);
    item.lang = lang_of(node);
    std::string created;
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
        if (!category.empty()) item.categories.push_back(category);
      } else if (is_atom(child, "source")) {
        item.source = read_atom_source(child);
      } else if (is(child, ns::kDc, "subject")) {
        const std::string category = text(child);
        if (!category.empty()) item.categories.push_back(category);
      } else if (is(child, ns::kDc, "creator")) {
        item.authors.push_back({text(child), {}, {}});
      }
    }
    if (item.published.empty()) item.published = created;
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

  void add_item(ParsedFeed& feed, RawItem item) {
    if (feed.items.size() >= options_.limits.max_items) {
      too_many_items_ = true;
      return;
    }
    feed.items.push_back(std::move(item));
  }

  const ParseOptions& options_;
  std::string atom_ns_;
  std::size_t text_budget_;
  bool text_budget_exhausted_ = false;
  bool too_many_items_ = false;
  bool too_deep_ = false;
};

}  // namespace

ParseOutcome parse_xml_feed(std::string_view bytes, const ParseOptions& options) {
  initialize_libxml2_once();
  ContextPtr context(xmlNewParserCtxt());
  if (!context) return {std::nullopt, "out of memory creating the XML parser"};
  ErrorCollector errors;
  context->_private = &errors;
  context->sax->serror = collect_error;
  const int flags = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                    XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
  const char* url = options.document_url.empty() ? nullptr : options.document_url.c_str();
  DocPtr doc(xmlCtxtReadMemory(context.get(), bytes.data(), static_cast<int>(bytes.size()), url, nullptr, flags));
  if (!doc) {
    return {std::nullopt, "not XML: " + (errors.first_error.empty() ? std::string("no document") : errors.first_error)};
  }
  // Extracted text may exceed the document only through entity expansion;
  // allow generous legitimate use, never an explosion.
  const std::size_t text_budget = bytes.size() * 4 + 1024 * 1024;
  XmlFeedReader reader(options, text_budget);
  ParseOutcome outcome = reader.read(doc.get());
  if (outcome.feed && !context->wellFormed && !outcome.feed->is_recovered) {
    outcome.feed->is_recovered = true;
    outcome.feed->recovery_reason = errors.first_error.empty() ? "malformed XML" : errors.first_error;
  }
  return outcome;
}

}  // namespace tributary::parse
