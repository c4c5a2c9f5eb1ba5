// OPML subscription lists → SourceSpec values. libxml2 without network or
// entity loading; errors and warnings carry the outline's line (libxml2
// keeps no column: it is 1).
#include "config/opml.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "config/sections.hpp"
#include "core/file.hpp"
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

// Names and tags reach feeds, logs and terminals: whitespace runs become
// one space, and the control characters XML 1.0 still allows (U+0080–U+009F)
// go, with a warning.
std::string clean_text(std::string_view text, const Location& where, std::string_view what, OpmlLoad& result) {
  std::string cleaned = core::collapse_whitespace(text);
  const auto control = first_control_character(cleaned);
  if (!control) return cleaned;
  result.warnings.push_back({where, std::string(what) + " " + in_quotes(cleaned) + " contains the control character " +
                                        code_point_name(*control) + "; control characters were removed"});
  std::string kept;
  for (std::size_t i = 0; i < cleaned.size(); ++i) {
    const auto byte = static_cast<unsigned char>(cleaned[i]);
    const auto next = i + 1 < cleaned.size() ? static_cast<unsigned char>(cleaned[i + 1]) : 0;
    if (byte == 0xc2 && next >= 0x80 && next <= 0x9f) {
      ++i;
      continue;
    }
    if (byte >= 0x20 && byte != 0x7f) kept.push_back(cleaned[i]);
  }
  return std::string(core::trim(kept));
}

void add_tag(std::vector<std::string>& tags, const std::string& tag) {
  if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
}

// Feed readers and browsers hand out feed://host/path and feed:https://…
// (a never-registered scheme that means "this is a feed"): the URL is the
// http(s) one.
std::string without_feed_scheme(const std::string& url) {
  if (core::starts_with_ignore_case(url, "feed://")) return "http://" + url.substr(7);
  if (core::starts_with_ignore_case(url, "feed:http://") || core::starts_with_ignore_case(url, "feed:https://"))
    return url.substr(5);
  return url;
}

std::string skip_reason(const std::string& url, const std::string& check_error) {
  if (!core::is_absolute_uri(url))
    return "its xmlUrl " + in_quotes(core::redact_url(url)) +
           " is not an absolute URL (an OPML list needs http(s) URLs)";
  return "xmlUrl: " + check_error;
}

void walk(const xmlNode* parent, const std::vector<std::string>& folders, const std::string& file, OpmlLoad& result) {
  for (const xmlNode* node = parent->children; node; node = node->next) {
    if (!is_element(node, "outline")) continue;
    const Location where{file, static_cast<std::uint32_t>(xmlGetLineNo(node)), 1};
    const std::string url = without_feed_scheme(attribute(node, "xmlUrl"));
    std::string name = attribute(node, "title");
    if (name.empty()) name = attribute(node, "text");
    name = clean_text(name, where, url.empty() ? "folder" : "outline title", result);
    if (url.empty()) {
      // A folder: its name tags everything inside.
      std::vector<std::string> inner = folders;
      add_tag(inner, name);
      walk(node, inner, file, result);
      continue;
    }
    const auto check = core::check_http_url(url);
    if (!check.url) {
      result.warnings.push_back({where, "outline " + in_quotes(name) + " skipped: " + skip_reason(url, check.error)});
      continue;
    }
    SourceSpec source;
    source.url = *check.url;
    source.name = name.empty() ? core::url_host(source.url) : name;
    source.is_named = !name.empty();
    source.tags = folders;
    // category="/News/Balkans,/Weekly": comma-separated slash paths.
    std::string category = attribute(node, "category");
    for (char& c : category)
      if (c == ',') c = '/';
    std::istringstream parts(category);
    for (std::string part; std::getline(parts, part, '/');)
      add_tag(source.tags, clean_text(part, where, "category", result));
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
  const core::FileRead read = core::read_file_limited(path, kMaxOpmlFileBytes);
  if (!read.bytes) {
    OpmlLoad failed;
    failed.errors.push_back(config_error(path.string(), 1, 1, "cannot read OPML file: " + read.error));
    return failed;
  }
  return parse_opml(*read.bytes, path.string());
}

}  // namespace tributary::config
