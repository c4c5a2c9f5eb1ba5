// Reading libxml2's finished tree through its documented node structures:
// names, namespaces and attributes, as the format readers ask for them. The
// predicates are inline: the readers ask them of every element they meet.
#pragma once

#include <libxml/tree.h>
#include <libxml/xmlmemory.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::parse {

struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};
using XmlCharPtr = std::unique_ptr<xmlChar, XmlCharDeleter>;

inline std::string_view view(const xmlChar* text) {
  return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

inline bool is_element(const xmlNode* node) { return node && node->type == XML_ELEMENT_NODE; }
inline std::string_view local_name(const xmlNode* node) { return view(node->name); }
inline std::string_view namespace_of(const xmlNode* node) {
  return node->ns ? view(node->ns->href) : std::string_view();
}

// Whether a libxml2 string (null reads as empty) is `expected`, without
// measuring it first: element names are compared a few dozen times per
// element while the readers look for the one they know.
inline bool equals(const xmlChar* text, std::string_view expected) {
  if (!text) return expected.empty();
  // A shorter `text` ends in its NUL, which no expected character matches.
  for (const char c : expected)
    if (static_cast<char>(*text++) != c) return false;
  return *text == '\0';
}

inline bool has_namespace(const xmlNode* node, std::string_view uri) {
  return node->ns ? equals(node->ns->href, uri) : uri.empty();
}

// An element named `name` in the namespace `ns_uri` (empty: in none).
inline bool is(const xmlNode* node, std::string_view ns_uri, std::string_view name) {
  return is_element(node) && equals(node->name, name) && has_namespace(node, ns_uri);
}

// The root element. (While libxml2 parses an entity's replacement text
// it hangs it below a "pseudoroot" element of the document: no feed root.)
inline bool is_document_element(const xmlNode* node) {
  return is_element(node) && node->parent && node->parent->type == XML_DOCUMENT_NODE;
}

// An attribute without a namespace (or with the element's own prefix), as
// the document wrote it or its DTD defaults it; empty when absent.
std::string attribute(const xmlNode* node, const char* name);

// An attribute in the namespace `ns_uri` (xml:base, rdf:about); nullopt
// when absent (an empty value is a value).
std::optional<std::string> namespaced_attribute(const xmlNode* node, const char* name, std::string_view ns_uri);

}  // namespace tributary::parse
