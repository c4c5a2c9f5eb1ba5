// The uses of libxml2's internals (see libxml2_internals.hpp), each with why
// it is safe. Checked against the sources of libxml2 2.9.14 (Debian
// bookworm's, what we build with) and of 2.10 to 2.15; where a later
// version behaves otherwise, the comment says what changes. The fields of
// xmlParserCtxt read here are plain struct members in 2.9.14; 2.14 marks
// most of them deprecated (some with accessors: xmlCtxtGetStatus,
// xmlCtxtGetDocument, xmlCtxtIsStopped), which is where this file would
// switch to those accessors.
#include "parse/libxml2_internals.hpp"

#include <libxml/SAX2.h>
#include <libxml/valid.h>

namespace tributary::parse::libxml2 {

// SAX2 callbacks and the structured error handler are called with the
// context's userData, which is the context itself unless the application
// set another (we never do): parser.h, "user data for SAX interface,
// defaults to the context itself". While libxml2 parses an entity's
// replacement text it does so in a second context, whose userData is that
// context and whose _private is copied from ours (xmlParseBalancedChunk-
// MemoryInternal, all versions checked), so the hooks find their watch
// there too.
xmlParserCtxt* context_of(void* sax_user_data) { return static_cast<xmlParserCtxt*>(sax_user_data); }

// _private is the context's field for applications: "For user data,
// libxml won't touch it" (parser.h, 2.9.14 to 2.15).
void set_application_data(xmlParserCtxt* context, void* data) { context->_private = data; }
void* application_data(const xmlParserCtxt* context) { return context ? context->_private : nullptr; }

// Each context owns a copy of its SAX handler (xmlInitParserCtxt), so the
// hooks change this parse only. xmlCtxtUseOptions rewrites the handler
// (XML_PARSE_NOCDATA clears cdataBlock; SAX1 options would replace the
// element callbacks, and we set none), hence "after the options".
// xmlCtxtReadIO applies its options itself but clears only cdataBlock,
// none of ours, so there they may go in first. 2.14 adds
// xmlCtxtSetErrorHandler and xmlCtxtSetSaxHandler for this.
void install(xmlParserCtxt* context, const Hooks& hooks) {
  context->sax->serror = hooks.on_error;
  context->sax->startElementNs = hooks.on_start_element;
  context->sax->endElementNs = hooks.on_end_element;
}

// nameNr is the depth of the parser's element-name stack. The parser
// calls startElementNs from xmlParseStartTag2 before it pushes the new
// name (nameNsPush, pull and push modes alike, 2.9.14 to 2.15), so in the
// callback it counts the enclosing elements. Read only. No public
// function gives the depth in 2.9.14; counting it in our own hooks would
// differ from libxml2's in documents cut off or stopped mid-element.
std::size_t open_element_count(const xmlParserCtxt* context) {
  return context->nameNr > 0 ? static_cast<std::size_t>(context->nameNr) : 0;
}

// node is the element SAX2 is building; xmlSAX2EndElementNs takes it from
// there itself (cur = ctxt->node) and then pops it. Read only, before that
// call.
xmlNode* closing_element(const xmlParserCtxt* context) { return context->node; }

// wellFormed and myDoc are the fields every libxml2 example reads after a
// push parse (2.14 adds xmlCtxtGetStatus and xmlCtxtGetDocument).
bool is_well_formed(const xmlParserCtxt* context) { return context->wellFormed != 0; }

// xmlStopParser and the end of the input both leave instate at
// XML_PARSER_EOF (xmlHaltParser); xmlParseChunk does nothing more then.
bool is_stopped(const xmlParserCtxt* context) { return context->instate == XML_PARSER_EOF; }

xmlDoc* take_document(xmlParserCtxt* context) {
  xmlDoc* doc = context->myDoc;
  context->myDoc = nullptr;  // xmlFreeParserCtxt does not free it either way
  return doc;
}

// An item element whose end tag the parser saw points to itself in its
// _private field: "application data" (tree.h), which libxml2 zeroes in
// every node it allocates and never writes itself (2.9.14 to 2.15). A mark
// on the node rather than a set of addresses: the addresses of freed items
// are reused.
void mark_closed(xmlNode* element) { element->_private = element; }
bool is_closed(const xmlNode* element) { return element->_private == element; }

namespace {

// Freeing an attribute of type ID (xml:id, or an ID the DTD declares)
// unregisters its value (xmlFreeProp → xmlRemoveID); detached from the
// attribute, the value stays, so that a later duplicate is still reported
// as it would be in a whole tree. A detached ID (attr NULL) is what
// libxml2's own xmlTextReader leaves behind when it frees nodes as it
// streams (xmlAddID in streaming mode), and xmlFreeID handles it. In 2.9.14
// to 2.14 xmlFreeProp asks atype, which we clear; from 2.15 it asks the
// attribute's own xmlID pointer instead, so the value would be unregistered
// after all (a later duplicate goes unreported; nothing is left dangling,
// as the ID no longer points to the attribute).
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

}  // namespace

// Freeing part of the tree during the parse is safe once the element is
// closed: the parser's node stack (nodeTab, node) holds only its
// ancestors, and the one other pointer to it, kept for node positions,
// is used only with record_info, which we never set. The text before the
// item (between items, read by no one) goes with it: it would otherwise
// pile up into one text node of thousands of line breaks.
//
// libxml2 appends the next characters to the parent's last text node using
// the lengths it remembers of the text node it made last (nodelen,
// nodemem), which may be gone now. As the text before the item goes too,
// the parent's last child is never a text node afterwards, so the next
// characters start a node of their own and set both fields anew. Zeroing
// them is for safety: in 2.9.14 to 2.14, zero makes xmlSAX2Text measure the
// node instead of trusting them. (2.15's rewritten xmlSAX2Text would report
// zero as an internal error if it ever merged into such a node, which the
// removal of the text before the item rules out.)
void free_read_item(xmlParserCtxt* context, xmlNode* item) {
  if (item->doc && item->doc->ids) keep_ids_registered(item, static_cast<xmlHashTable*>(item->doc->ids));
  while (item->prev && item->prev->type == XML_TEXT_NODE) {
    xmlNode* text = item->prev;
    xmlUnlinkNode(text);
    xmlFreeNode(text);
  }
  xmlUnlinkNode(item);
  xmlFreeNode(item);
  context->nodelen = 0;
  context->nodemem = 0;
}

}  // namespace tributary::parse::libxml2
