// OPML subscription lists → SourceSpec values. libxml2 without network or
// entity loading; errors carry the outline's line.
#include "config/opml.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/text.hpp"
#include "core/url.hpp"

namespace tributary::config {
namespace {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

std::string attribute(const xmlNode* node, const char* name) {
  std::unique_ptr<xmlChar, XmlCharDeleter> value(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
  return value ? std::string(core::trim(reinterpret_cast<const char*>(value.get()))) : std::string();
}

bool is_element(const xmlNode* node, std::string_view name) {
  return node->type == XML_ELEMENT_NODE && core::equals_ignore_case(reinterpret_cast<const char*>(node->name), name);
}

void add_tag(std::vector<std::string>& tags, std::string_view tag) {
  const std::string cleaned = core::collapse_whitespace(tag);
  if (!cleaned.empty() && std::find(tags.begin(), tags.end(), cleaned) == tags.end()) tags.push_back(cleaned);
}

void walk(const xmlNode* parent, const std::vector<std::string>& folders, const std::string& file, OpmlLoad& result) {
  for (const xmlNode* node = parent->children; node; node = node->next) {
    if (!is_element(node, "outline")) continue;
    const std::string url = attribute(node, "xmlUrl");
    std::string name = attribute(node, "title");
    if (name.empty()) name = attribute(node, "text");
    const Location where{file, static_cast<std::uint32_t>(xmlGetLineNo(node)), 1};
    if (url.empty()) {
      // A folder: its name tags everything inside.
      std::vector<std::string> inner = folders;
      if (!name.empty()) add_tag(inner, name);
      walk(node, inner, file, result);
      continue;
    }
    const auto check = core::check_http_url(url);
    if (!check.url) {
      result.errors.push_back({where, "outline xmlUrl: " + check.error});
      continue;
    }
    SourceSpec source;
    source.url = *check.url;
    source.name = name.empty() ? core::url_host(source.url) : core::collapse_whitespace(name);
    source.is_named = !source.name.empty() && !name.empty();
    source.tags = folders;
    // category="/News/Balkans,/Weekly": comma-separated slash paths.
    std::string category = attribute(node, "category");
    for (char& c : category)
      if (c == ',') c = '/';
    std::istringstream parts(category);
    for (std::string part; std::getline(parts, part, '/');) add_tag(source.tags, part);
    source.defined_at = where;
    result.sources.push_back(std::move(source));
  }
}

}  // namespace

OpmlLoad parse_opml(std::string_view bytes, const std::string& file_label) {
  OpmlLoad result;
  xmlInitParser();
  const int flags = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr, flags));
  if (!doc) {
    const xmlError* error = xmlGetLastError();
    const auto line = static_cast<std::uint32_t>(error && error->line > 0 ? error->line : 1);
    const std::string reason = error && error->message ? core::collapse_whitespace(error->message) : "malformed XML";
    result.errors.push_back(config_error(file_label, line, 1, "not a valid OPML document: " + reason));
    return result;
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || !is_element(root, "opml")) {
    result.errors.push_back(config_error(file_label, 1, 1, "not an OPML document: the root element is not <opml>"));
    return result;
  }
  for (const xmlNode* node = root->children; node; node = node->next)
    if (is_element(node, "body")) walk(node, {}, file_label, result);
  return result;
}

OpmlLoad load_opml_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const std::string reason = std::error_code(errno, std::generic_category()).message();
    OpmlLoad failed;
    failed.errors.push_back(config_error(path.string(), 1, 1, "cannot read OPML file: " + reason));
    return failed;
  }
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return parse_opml(bytes.str(), path.string());
}

}  // namespace tributary::config
