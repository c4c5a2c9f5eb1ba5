// Atom 1.0 and 0.3 → ParsedFeed (see atom_reader.hpp).
#include "parse/atom_reader.hpp"

#include <cstdint>

#include "core/text.hpp"
#include "parse/extensions.hpp"
#include "parse/xml_names.hpp"
#include "parse/xml_tree.hpp"

namespace tributary::parse {
namespace {

// RFC 4648 base64, for Atom 0.3's mode="base64"; whitespace is skipped and
// decoding stops at the first character that is not base64.
std::string decode_base64(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '+' || c == '-')
      value = 62;
    else if (c == '/' || c == '_')
      value = 63;
    else if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
      continue;
    else
      break;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return core::sanitize_utf8(out);
}

// The content of an xhtml text construct: a single xhtml:div whose
// children are the text, else the construct's own children.
const xmlNode* xhtml_container(const xmlNode* node) {
  const xmlNode* div = nullptr;
  int element_count = 0;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (!is_element(child)) continue;
    ++element_count;
    if (local_name(child) == "div") div = child;
  }
  return div && element_count == 1 ? div : node;
}

}  // namespace

bool AtomReader::is_atom(const xmlNode* node, std::string_view name) const {
  return is_element(node) && equals(node->name, name) && has_namespace(node, atom_ns_);
}

// ---- The document --------------------------------------------------------

void AtomReader::read_feed(const xmlNode* root) {
  const std::string_view root_ns = namespace_of(root);
  const bool is_atom03 = root_ns == ns::kAtom03 || (root_ns.empty() && attribute(root, "version") == "0.3");
  FeedInfo& info = walk_.feed().feed;
  walk_.feed().format = is_atom03 ? FeedFormat::atom03 : FeedFormat::atom10;
  set_namespace(root_ns);
  info.base = walk_.base_of(root);
  info.lang = walk_.lang_of(root);
  for (const xmlNode* child = root->children; child; child = child->next) {
    if (!is_element(child)) continue;
    if (is_atom(child, "entry"))
      add_entry(child);
    else if (!read_feed_element(child, info))
      read_syndication(walk_, child, info);
  }
}

bool AtomReader::read_closed_entry(const xmlNode* entry, const xmlNode* root) {
  if (entry->parent != root) return false;
  set_namespace(namespace_of(root));
  if (!is_atom(entry, "entry")) return false;
  add_entry(entry);
  return true;
}

// The feed's own metadata. False when `child` is none of it.
bool AtomReader::read_feed_element(const xmlNode* child, FeedInfo& info) {
  if (is_atom(child, "title"))
    info.title = read_text(child);
  else if (is_atom(child, "subtitle") || is_atom(child, "tagline"))
    info.subtitle = read_text(child);
  else if (is_atom(child, "id"))
    info.id = walk_.text(child);
  else if (is_atom(child, "updated") || is_atom(child, "modified"))
    info.updated = walk_.text(child);
  else if (is_atom(child, "author"))
    info.authors.push_back(read_person(child));
  else if ((is_atom(child, "logo") || is_atom(child, "icon")) && info.image.empty())
    info.image = walk_.text(child);
  else if (is_atom(child, "link")) {
    const Link link = read_link(child);
    if (link.rel == "self")
      info.self_link = link.href;
    else if (link.rel == "hub")
      info.hub_links.push_back(link.href);
    else if (link.rel == "alternate" && info.link.empty())
      info.link = link.href;
  } else {
    return false;
  }
  return true;
}

// ---- Entries -------------------------------------------------------------

RawItem AtomReader::read_entry(const xmlNode* node) {
  RawItem item;
  item.base = walk_.base_of(node);
  item.lang = walk_.lang_of(node);
  std::string created;
  std::string media_description;  // a video feed's (YouTube's) only text
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (!is_element(child)) continue;
    if (!read_entry_element(child, item, created)) read_entry_extension(child, item, media_description);
  }
  if (item.published.empty()) item.published = created;
  // Media RSS §5 "media:description": plain text unless type="html";
  // the entry's summary when it has no text of its own.
  if (item.summary.value.empty() && item.content.value.empty() && !core::trim(media_description).empty())
    item.summary = {std::move(media_description), TextType::text, item.base};
  keep_first_of_each(item.enclosures, url_of);
  return item;
}

// The elements of Atom itself. False when `child` is none of them.
bool AtomReader::read_entry_element(const xmlNode* child, RawItem& item, std::string& created) {
  if (is_atom(child, "id"))
    item.id = walk_.text(child);
  else if (is_atom(child, "title"))
    item.title = read_text(child);
  else if (is_atom(child, "link")) {
    Link link = read_link(child);
    if (link.rel == "enclosure")
      item.enclosures.push_back({link.href, link.type, link.length, link.base});
    else
      item.links.push_back(std::move(link));
  } else if (is_atom(child, "published") || is_atom(child, "issued"))
    item.published = walk_.text(child);
  else if (is_atom(child, "created"))
    created = walk_.text(child);
  else if (is_atom(child, "updated") || is_atom(child, "modified"))
    item.updated = walk_.text(child);
  else if (is_atom(child, "author"))
    item.authors.push_back(read_person(child));
  else if (is_atom(child, "contributor"))
    item.contributors.push_back(read_person(child));
  else if (is_atom(child, "summary"))
    item.summary = read_text(child);
  else if (is_atom(child, "content")) {
    const std::string src = attribute(child, "src");
    if (!src.empty()) {
      // Out-of-line content (RFC 4287 §4.1.3.2): link to it instead.
      item.links.push_back({src, "alternate", attribute(child, "type"), {}, {}, walk_.base_of(child)});
    } else {
      item.content = read_text(child);
    }
  } else if (is_atom(child, "category")) {
    std::string category = attribute(child, "label");
    if (category.empty()) category = attribute(child, "term");
    if (category.empty()) category = walk_.text(child);
    add_category(item, std::move(category));
  } else if (is_atom(child, "source")) {
    item.source = read_source(child);
  } else {
    return false;
  }
  return true;
}

// Dublin Core and Media RSS in an entry. False when `child` is none of them.
bool AtomReader::read_entry_extension(const xmlNode* child, RawItem& item, std::string& media_description) {
  if (is(child, ns::kDc, "subject")) {
    add_category(item, walk_.text(child));
  } else if (is(child, ns::kDc, "creator")) {
    add_person(item.authors, walk_.text(child));
  } else if (is_media(child, "thumbnail")) {
    if (item.image.empty()) item.image = attribute(child, "url");
  } else if (is_media(child, "group")) {
    read_media_group(walk_, child, item, media_description);
  } else if (is_media(child, "description")) {
    if (media_description.empty()) media_description = walk_.text(child);
  } else if (is_media(child, "content")) {
    add_media_content(walk_, child, item);
  } else {
    return false;
  }
  return true;
}

SourceFeed AtomReader::read_source(const xmlNode* node) {
  SourceFeed source;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (is_atom(child, "id"))
      source.id = walk_.text(child);
    else if (is_atom(child, "title"))
      source.title = walk_.text(child);
    else if (is_atom(child, "updated"))
      source.updated = walk_.text(child);
    else if (is_atom(child, "link")) {
      const Link link = read_link(child);
      if (link.rel == "alternate" && source.link.empty()) source.link = link.href;
    }
  }
  return source;
}

// ---- Constructs ----------------------------------------------------------

// Atom text constructs (RFC 4287 §3.1, §4.1.3.3 for content's MIME types)
// and Atom 0.3's mode attribute (§3.1.2: xml, escaped, base64). The mode
// says how the value is written and decides first; the type then says
// whether it is markup: "escaped" and "base64" XHTML is HTML to read, not
// markup of the feed to serialize, nor plain text.
Text AtomReader::read_text(const xmlNode* node) {
  const std::string type = core::to_lower_ascii(core::trim(attribute(node, "type")));
  const std::string mode = core::to_lower_ascii(core::trim(attribute(node, "mode")));
  Text result;
  result.base = walk_.base_of(node);
  const bool is_xml_type = type == "xhtml" || type == "application/xhtml+xml";
  const bool is_html_type = type == "html" || type == "text/html";
  const bool is_plain_type = type == "text" || type == "text/plain";
  if (mode == "base64") {
    result.type = is_xml_type || is_html_type ? TextType::html : TextType::text;
    result.value = core::trim(decode_base64(walk_.text(node)));
  } else if (mode == "escaped") {
    result.type = is_plain_type ? TextType::text : TextType::html;
    result.value = walk_.text(node);
  } else if (is_xml_type || (mode == "xml" && !is_html_type && (type.empty() || type.ends_with("xml")))) {
    result.type = TextType::xhtml;
    result.value = core::trim(walk_.inner_markup(xhtml_container(node)));
  } else if (is_html_type) {
    result.type = TextType::html;
    // Atom 0.3's default mode is xml (the markup inline); Atom 1.0's html
    // is escaped. Inline elements say which one a feed wrote.
    result.value = mode == "xml" ? std::string(core::trim(walk_.inner_markup(node))) : walk_.html_or_text(node);
  } else {
    result.type = TextType::text;
    result.value = walk_.text(node);
  }
  return result;
}

Person AtomReader::read_person(const xmlNode* node) {
  Person person;
  bool has_elements = false;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (!is_element(child)) continue;
    has_elements = true;
    if (is_atom(child, "name"))
      person.name = walk_.text(child);
    else if (is_atom(child, "email"))
      person.email = walk_.text(child);
    else if (is_atom(child, "uri") || is_atom(child, "url") || is_atom(child, "homepage"))
      person.uri = walk_.text(child);
  }
  if (!has_elements) person.name = walk_.text(node);  // <author>Jo</author>, seen in the wild
  return person;
}

Link AtomReader::read_link(const xmlNode* node) {
  static constexpr std::string_view kIanaRelations = "http://www.iana.org/assignments/relation/";
  Link link;
  link.href = attribute(node, "href");
  link.rel = core::trim(attribute(node, "rel"));
  if (link.rel.empty()) link.rel = "alternate";
  // IANA-registered rels may be written as full URIs (RFC 4287 §4.2.7.2).
  if (link.rel.starts_with(kIanaRelations)) link.rel = link.rel.substr(kIanaRelations.size());
  link.type = attribute(node, "type");
  link.title = attribute(node, "title");
  link.length = attribute(node, "length");
  link.base = walk_.base_of(node);
  return link;
}

}  // namespace tributary::parse
