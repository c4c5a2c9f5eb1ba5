// Attributes of the finished tree (see xml_tree.hpp).
#include "parse/xml_tree.hpp"

namespace tributary::parse {
namespace {

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

const xmlChar* as_xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

}  // namespace

std::string attribute(const xmlNode* node, const char* name) {
  if (const xmlAttr* attr = find_attribute(node, name, nullptr)) return attribute_value(attr);
  if (node->doc && node->doc->intSubset) {
    XmlCharPtr value(xmlGetNoNsProp(node, as_xml(name)));
    if (!value && node->ns) value.reset(xmlGetNsProp(node, as_xml(name), node->ns->href));
    return value ? std::string(view(value.get())) : std::string();
  }
  // Attributes written with a prefix of the element's own namespace.
  const xmlAttr* prefixed = node->ns ? find_attribute(node, name, node->ns) : nullptr;
  return prefixed ? attribute_value(prefixed) : std::string();
}

std::optional<std::string> namespaced_attribute(const xmlNode* node, const char* name, std::string_view ns_uri) {
  // The namespace URIs are string literals (xml_names.hpp): NUL-terminated.
  XmlCharPtr value(xmlGetNsProp(node, as_xml(name), as_xml(ns_uri.data())));
  if (!value) return std::nullopt;
  return std::string(view(value.get()));
}

}  // namespace tributary::parse
