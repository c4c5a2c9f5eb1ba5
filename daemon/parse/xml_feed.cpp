// RSS and Atom documents → ParsedFeed: which way libxml2 reads a document
// (pushed, else pulled: xml_drivers.cpp), and which reader reads it, by its
// root element (rss_reader.cpp, atom_reader.cpp). Readers walk the tree by
// namespace and local name; items are read as they close during the parse
// and freed, so the tree never holds more than the feed's head and one item.
#include "parse/xml_feed.hpp"

#include "core/text.hpp"
#include "parse/xml_feed_reader.hpp"
#include "parse/xml_repair.hpp"
#include "parse/xml_tree.hpp"

namespace tributary::parse {
namespace {

enum class RootKind { rss, rdf, bare_channel, atom, html, other };

// Root elements are told apart by local name only: feeds put <rss> and
// <feed> in namespaces of their own invention, and the readers then look
// for their children by namespace.
RootKind root_kind(const xmlNode* root) {
  const std::string_view name = local_name(root);
  if (name == "rss") return RootKind::rss;
  if (name == "RDF") return RootKind::rdf;
  if (name == "feed") return RootKind::atom;
  if (name == "channel") return RootKind::bare_channel;
  if (core::equals_ignore_case(name, "html")) return RootKind::html;
  return RootKind::other;
}

// The root element an item sits in, directly or in a channel; null when
// deeper (no reader looks there) or not in the document proper.
const xmlNode* root_above(const xmlNode* item) {
  const xmlNode* parent = item->parent;
  if (is_document_element(parent)) return parent;
  if (is_element(parent) && is_document_element(parent->parent)) return parent->parent;
  return nullptr;
}

ParseOutcome fail(std::string message) { return {std::nullopt, std::move(message)}; }

}  // namespace

bool XmlFeedReader::read_closed_item(xmlNode* node) {
  const xmlNode* root = root_above(node);
  if (!root) return false;
  switch (root_kind(root)) {
    case RootKind::atom:
      return atom_.read_closed_entry(node, root);
    case RootKind::rss:
    case RootKind::rdf:
    case RootKind::bare_channel:
      return rss_.read_closed_item(node, root);
    case RootKind::html:
    case RootKind::other:
      return false;
  }
  return false;
}

ParseOutcome XmlFeedReader::read(xmlDoc* doc, bool is_well_formed) {
  walk_.set_well_formed(is_well_formed);
  const xmlNode* root = xmlDocGetRootElement(doc);
  if (!root) return fail("not a feed: the document has no root element");
  switch (root_kind(root)) {
    case RootKind::rss:
      rss_.read_rss(root);
      break;
    case RootKind::rdf:
      rss_.read_rdf(root);
      break;
    case RootKind::bare_channel:
      rss_.read_bare_channel(root);
      break;
    case RootKind::atom:
      atom_.read_feed(root);
      break;
    case RootKind::html:
      return fail(std::string(kHtmlPageError));
    case RootKind::other:
      return fail("not a feed: unexpected root element <" + std::string(local_name(root)) + ">");
  }
  if (auto error = limit_error(walk_.limits_met(), walk_.options().limits)) return fail(std::move(*error));
  ParsedFeed& feed = walk_.feed();
  if (walk_.is_text_budget_exhausted()) {
    feed.is_recovered = true;
    feed.recovery_reason = "entity expansion exceeded its limit; text was truncated";
  }
  return {std::move(feed), {}};
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
