// Every use of libxml2 beyond its documented functions, fenced here: the
// parser context's fields (2.9.14, Debian bookworm's, offers no accessor
// for them; 2.13 and 2.14 add some and deprecate the fields), the mark an
// application may leave on a node, and what it takes to free part of the
// tree while the parser still builds it. libxml2_internals.cpp says for
// each why it is safe and which versions it was checked against (the
// sources of 2.9.14 to 2.15). Nothing else in parse/ reaches into
// xmlParserCtxt, nor into xmlNode beyond the tree's documented fields.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstddef>

namespace tributary::parse::libxml2 {

// ---- The parser context -------------------------------------------------

// The context a SAX2 callback or the structured error handler was called
// with (their first argument).
xmlParserCtxt* context_of(void* sax_user_data);

// An application's own pointer on the context, for the callbacks.
void set_application_data(xmlParserCtxt* context, void* data);
void* application_data(const xmlParserCtxt* context);

// The callbacks that watch a parse: libxml2's SAX2 tree builders stay, the
// element ones are wrapped (each must call xmlSAX2StartElementNs or
// xmlSAX2EndElementNs). Installed after the parse options, which may
// rewrite the handler (XML_PARSE_NOCDATA).
struct Hooks {
  xmlStructuredErrorFunc on_error = nullptr;
  startElementNsSAX2Func on_start_element = nullptr;
  endElementNsSAX2Func on_end_element = nullptr;
};
void install(xmlParserCtxt* context, const Hooks& hooks);

// In a start-element callback: how many elements enclose the one starting.
std::size_t open_element_count(const xmlParserCtxt* context);

// In an end-element callback, before xmlSAX2EndElementNs: the element the
// tag closes.
xmlNode* closing_element(const xmlParserCtxt* context);

bool is_well_formed(const xmlParserCtxt* context);
bool is_stopped(const xmlParserCtxt* context);  // by xmlStopParser, or at the end

// The document the context built; the caller frees it (the context won't).
xmlDoc* take_document(xmlParserCtxt* context);

// ---- Nodes --------------------------------------------------------------

// An item element whose end tag the parser saw.
void mark_closed(xmlNode* element);
bool is_closed(const xmlNode* element);

// Frees an item that was read, during the parse (from the end-element
// callback that closed it), with the text nodes just before it.
void free_read_item(xmlParserCtxt* context, xmlNode* item);

}  // namespace tributary::parse::libxml2
