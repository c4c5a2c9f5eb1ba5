// The two ways libxml2 is driven over a document, pulled (xmlCtxtReadIO)
// and pushed (xmlParseChunk), in recovery mode, never with NOENT, DTDLOAD
// or HUGE, and with an external entity loader that refuses everything.
// Both install the same hooks: one stops the parse as soon as a depth or
// item limit is passed (and notes whether any xml:base or xml:lang
// appears, so that most documents skip those lookups); the other marks
// each item as it closes and, when the item sits where the readers would
// look for it, reads it there and then frees its subtree. So the tree
// never holds more than the feed's head and one item (a 10 MB document as
// one tree cost more than the parse itself), and an item a truncated
// document was cut off in is never closed, stays in the tree, and is
// dropped by the final walk rather than stored half.
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>

#include "core/text.hpp"
#include "parse/libxml2_internals.hpp"
#include "parse/limits.hpp"
#include "parse/xml_feed.hpp"
#include "parse/xml_feed_reader.hpp"
#include "parse/xml_tree.hpp"

namespace tributary::parse {
namespace {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct ContextDeleter {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;
using ContextPtr = std::unique_ptr<xmlParserCtxt, ContextDeleter>;

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
  const std::string_view text = view(name);
  return text == "item" || text == "entry";
}

// What the hooks see while libxml2 builds the tree (reached through the
// parser context's application data; one per parse, one thread).
struct ParseWatch {
  std::size_t max_depth = 0;
  std::size_t max_items = 0;
  std::size_t item_count = 0;
  LimitsMet limits_met;
  bool is_truncated = false;
  bool is_entity_bomb = false;  // libxml2 stopped an entity expansion (billion laughs)
  std::string first_error;
  int error_count = 0;
  DocumentProgress progress;
  XmlFeedReader* reader = nullptr;  // reads each item as it closes
  std::exception_ptr failure;       // thrown while reading an item; rethrown after the parse
};

ParseWatch* watch_of(xmlParserCtxt* context) {
  return context ? static_cast<ParseWatch*>(libxml2::application_data(context)) : nullptr;
}

void collect_error(void* user_data, xmlErrorPtr error) {
  ParseWatch* watch = watch_of(libxml2::context_of(user_data));
  if (!watch || !error || error->level < XML_ERR_ERROR) return;
  const std::string_view message = error->message ? std::string_view(error->message) : std::string_view();
  if (message.starts_with("Excessive depth")) watch->limits_met.is_too_deep = true;
  if (message.find("entity reference loop") != std::string_view::npos ||
      message.find("amplification") != std::string_view::npos || error->code == XML_ERR_ENTITY_LOOP)
    watch->is_entity_bomb = true;
  if (error->code == XML_ERR_TAG_NOT_FINISHED || error->code == XML_ERR_DOCUMENT_END ||
      message.find("Premature end of data") != std::string_view::npos ||
      message.find("EndTag: '</' not found") != std::string_view::npos)
    watch->is_truncated = true;
  if (watch->error_count++ == 0) {
    std::string text = core::collapse_whitespace(message.empty() ? std::string_view("malformed XML") : message);
    watch->first_error = "line " + std::to_string(error->line) + ": " + text;
  }
}

// Five pointers per attribute: local name, prefix, URI, value, value end.
// The "xml" prefix is reserved (Namespaces in XML §3), so it names the
// XML namespace wherever it appears.
void note_xml_attributes(DocumentProgress& progress, int attribute_count, const xmlChar** attributes) {
  for (int i = 0; i < attribute_count; ++i) {
    if (view(attributes[i * 5 + 1]) != "xml") continue;
    const std::string_view name = view(attributes[i * 5]);
    if (name == "base")
      progress.has_xml_base = true;
    else if (name == "lang")
      progress.has_xml_lang = true;
  }
}

void watch_start_element(void* user_data, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                         int namespace_count, const xmlChar** namespaces, int attribute_count, int defaulted_count,
                         const xmlChar** attributes) {
  xmlParserCtxt* context = libxml2::context_of(user_data);
  if (ParseWatch* watch = watch_of(context)) {
    if (libxml2::open_element_count(context) + 1 > watch->max_depth) {
      watch->limits_met.is_too_deep = true;
      xmlStopParser(context);
      return;
    }
    if (is_item_name(localname) && ++watch->item_count > watch->max_items) {
      watch->limits_met.has_too_many_items = true;
      xmlStopParser(context);
      return;
    }
    note_xml_attributes(watch->progress, attribute_count, attributes);
  }
  xmlSAX2StartElementNs(user_data, localname, prefix, uri, namespace_count, namespaces, attribute_count,
                        defaulted_count, attributes);
}

void watch_end_element(void* user_data, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri) {
  xmlParserCtxt* context = libxml2::context_of(user_data);
  ParseWatch* watch = watch_of(context);
  xmlNode* node = libxml2::closing_element(context);
  xmlSAX2EndElementNs(user_data, localname, prefix, uri);
  if (!watch || !is_element(node) || !is_item_name(localname) || view(node->name) != view(localname)) return;
  libxml2::mark_closed(node);
  if (!watch->reader || watch->failure) return;
  try {
    if (watch->reader->read_closed_item(node)) libxml2::free_read_item(context, node);
  } catch (...) {
    // Nothing may unwind through libxml2's C frames; the driver rethrows.
    watch->failure = std::current_exception();
    xmlStopParser(context);
  }
}

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

// What one parse, pulled or pushed, leaves behind: the tree (with the
// items read so far already taken out of it) and what the hooks saw.
// Neither reads the rest of the tree; finish() does.
struct XmlParse {
  XmlParse(std::string_view text, const ParseOptions& options)
      : reader(options, text.size() * 4 + 1024 * 1024, watch.progress), unread(text) {
    // Extracted text may exceed the document only through entity expansion;
    // the reader's budget (above) allows generous legitimate use, never an
    // explosion.
    watch.max_depth = options.limits.max_depth;
    watch.max_items = options.limits.max_items;
    watch.reader = &reader;
    watch.progress.document_size = text.size();
    watch.progress.unread = &unread;
  }
  XmlParse(const XmlParse&) = delete;
  XmlParse& operator=(const XmlParse&) = delete;

  void install_hooks() {
    libxml2::set_application_data(context.get(), &watch);
    libxml2::install(context.get(), {collect_error, watch_start_element, watch_end_element});
  }

  ParseWatch watch;
  XmlFeedReader reader;
  std::string_view unread;  // what libxml2 has not read yet
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

std::string recovery_reason(const ParseWatch& watch, bool dropped_incomplete_item) {
  std::string reason = watch.first_error.empty() ? "malformed XML" : watch.first_error;
  if (watch.is_entity_bomb) return "entity expansion over its limit: parsing stopped there (" + reason + ")";
  if (dropped_incomplete_item) return "truncated document: the incomplete last item was dropped (" + reason + ")";
  if (watch.is_truncated) return "truncated document (" + reason + ")";
  return reason;
}

// The outcome of a parse that ran to its end (or was stopped by a limit).
ParseOutcome finish(XmlParse& parse, const ParseOptions& options) {
  const ParseWatch& watch = parse.watch;
  if (watch.failure) std::rethrow_exception(watch.failure);
  if (auto error = limit_error(watch.limits_met, options.limits)) return {std::nullopt, std::move(*error)};
  if (!parse.doc) {
    return {std::nullopt, "not XML: " + (watch.first_error.empty() ? std::string("no document") : watch.first_error)};
  }
  const bool is_well_formed = libxml2::is_well_formed(parse.context.get());
  ParseOutcome outcome = parse.reader.read(parse.doc.get(), is_well_formed);
  if (outcome.feed && !is_well_formed && !outcome.feed->is_recovered) {
    outcome.feed->is_recovered = true;
    outcome.feed->recovery_reason = recovery_reason(watch, parse.reader.dropped_incomplete_item());
  }
  return outcome;
}

}  // namespace

ParseOutcome parse_xml_feed_pulled(std::string_view text, const ParseOptions& options) {
  initialize_libxml2_once();
  XmlParse parse(text, options);
  parse.context.reset(xmlNewParserCtxt());
  if (!parse.context) return {std::nullopt, "out of memory creating the XML parser"};
  // xmlCtxtReadIO applies the flags itself, so the hooks go in first (see
  // libxml2::install).
  parse.install_hooks();
  parse.doc.reset(
      xmlCtxtReadIO(parse.context.get(), read_chunk, nullptr, &parse.unread, nullptr, nullptr, kParseFlags));
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
  chunk_size = std::clamp<std::size_t>(chunk_size, 1, 1 << 30);
  // The first error ends the attempt: past it the two modes may repair
  // differently, and the pulled parse that takes over reads it all again.
  std::string_view& unread = parse.unread;
  const auto is_going = [&] { return libxml2::is_well_formed(context) && !parse.watch.failure; };
  while (!unread.empty() && is_going() && !libxml2::is_stopped(context)) {
    const std::string_view chunk = unread.substr(0, chunk_size);
    unread.remove_prefix(chunk.size());
    xmlParseChunk(context, chunk.data(), static_cast<int>(chunk.size()), 0);
  }
  if (is_going()) xmlParseChunk(context, nullptr, 0, 1);
  parse.doc.reset(libxml2::take_document(context));
  if (parse.watch.failure) std::rethrow_exception(parse.watch.failure);
  if (!libxml2::is_well_formed(context) || !parse.doc) return std::nullopt;
  return finish(parse, options);
}

}  // namespace tributary::parse
