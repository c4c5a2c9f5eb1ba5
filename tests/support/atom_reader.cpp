// XPath over the document with libxml2 (no network, no entities).
#include "support/atom_reader.hpp"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <functional>
#include <memory>

namespace tributary::testing {
namespace {

const xmlChar* xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

using Document = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;
using Context = std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)>;
using Result = std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)>;

Document parse(const std::string& atom) {
  return Document(xmlReadMemory(atom.data(), static_cast<int>(atom.size()), nullptr, nullptr, XML_PARSE_NONET),
                  xmlFreeDoc);
}

Context context_for(xmlDoc* doc) {
  Context xpath(xmlXPathNewContext(doc), xmlXPathFreeContext);
  xmlXPathRegisterNs(xpath.get(), xml("a"), xml("http://www.w3.org/2005/Atom"));
  return xpath;
}

// The text of every node the expression selects from `node`.
std::vector<std::string> texts(xmlXPathContext* xpath, xmlNode* node, const char* expression) {
  xpath->node = node;
  Result result(xmlXPathEvalExpression(xml(expression), xpath), xmlXPathFreeObject);
  std::vector<std::string> values;
  if (!result || !result->nodesetval) return values;
  for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
    std::unique_ptr<xmlChar, decltype(xmlFree)> content(xmlNodeGetContent(result->nodesetval->nodeTab[i]), xmlFree);
    values.emplace_back(content ? reinterpret_cast<const char*>(content.get()) : "");
  }
  return values;
}

std::string first_text(xmlXPathContext* xpath, xmlNode* node, const char* expression) {
  auto values = texts(xpath, node, expression);
  return values.empty() ? std::string() : values.front();
}

}  // namespace

std::vector<Entry> entries_of(const std::string& atom) {
  std::vector<Entry> entries;
  Document doc = parse(atom);
  if (!doc) return entries;
  Context xpath = context_for(doc.get());
  Result nodes(xmlXPathEvalExpression(xml("/a:feed/a:entry"), xpath.get()), xmlXPathFreeObject);
  if (!nodes || !nodes->nodesetval) return entries;
  for (int i = 0; i < nodes->nodesetval->nodeNr; ++i) {
    xmlNode* node = nodes->nodesetval->nodeTab[i];
    entries.push_back({first_text(xpath.get(), node, "a:title"),
                       first_text(xpath.get(), node, "a:link[@rel='alternate']/@href"),
                       first_text(xpath.get(), node, "a:id"), first_text(xpath.get(), node, "a:source/a:title"),
                       first_text(xpath.get(), node, "a:source/a:link[@rel='self']/@href"),
                       texts(xpath.get(), node, "a:link[@rel='related']/@href")});
  }
  return entries;
}

std::string feed_link(const std::string& atom, const std::string& rel) {
  Document doc = parse(atom);
  if (!doc) return {};
  Context xpath = context_for(doc.get());
  const std::string expression = "/a:feed/a:link[@rel='" + rel + "']/@href";
  return first_text(xpath.get(), xmlDocGetRootElement(doc.get()), expression.c_str());
}

}  // namespace tributary::testing
