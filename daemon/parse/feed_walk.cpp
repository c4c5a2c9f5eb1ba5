// Text, xml:base/xml:lang and the item list of one document (see
// feed_walk.hpp).
#include "parse/feed_walk.hpp"

#include <algorithm>
#include <memory>

#include "core/text.hpp"
#include "parse/libxml2_internals.hpp"
#include "parse/xml_names.hpp"
#include "parse/xml_tree.hpp"

namespace tributary::parse {
namespace {

struct BufferDeleter {
  void operator()(xmlBuffer* buffer) const { xmlBufferFree(buffer); }
};
using BufferPtr = std::unique_ptr<xmlBuffer, BufferDeleter>;

std::string escape_as_markup(std::string_view plain) {
  std::string escaped;
  for (char c : plain) {
    if (c == '<')
      escaped += "&lt;";
    else if (c == '&')
      escaped += "&amp;";
    else
      escaped.push_back(c);
  }
  return escaped;
}

}  // namespace

void FeedWalk::append_text(const xmlNode* node, std::string& out, std::size_t depth) {
  if (depth > options_.limits.max_depth) {
    limits_met_.is_too_deep = true;
    return;
  }
  for (const xmlNode* child = node->children; child; child = child->next) {
    // Every node costs a little, so that entities expanding to empty
    // elements (no text to count) cannot make the walk exponential.
    if (text_budget_ < kNodeCost) {
      is_text_budget_exhausted_ = true;
      return;
    }
    text_budget_ -= kNodeCost;
    switch (child->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE: {
        const std::string_view text = view(child->content);
        if (text.size() > text_budget_) {
          is_text_budget_exhausted_ = true;
          out.append(text.substr(0, text_budget_));
          text_budget_ = 0;
          return;
        }
        text_budget_ -= text.size();
        out.append(text);
        break;
      }
      case XML_ENTITY_REF_NODE:
        // The entity's replacement text hangs below the reference node.
        if (child->children) append_text(child->children, out, depth + 1);
        break;
      case XML_ELEMENT_NODE:
        append_text(child, out, depth + 1);
        break;
      default:
        break;
    }
    if (is_text_budget_exhausted_) return;
  }
}

std::string FeedWalk::text(const xmlNode* node) {
  std::string out;
  append_text(node, out, 0);
  const std::string_view trimmed = core::trim(out);
  const auto leading = static_cast<std::size_t>(trimmed.data() - out.data());
  out.erase(leading + trimmed.size());
  out.erase(0, leading);
  return out;
}

std::string FeedWalk::inner_markup(const xmlNode* node) {
  if (has_entity_reference(node, 0)) {
    // Serializing would expand entity references without our budget;
    // xhtml content that uses DTD entities is read as its text instead.
    std::string plain;
    append_text(node, plain, 0);
    return escape_as_markup(plain);
  }
  BufferPtr buffer(xmlBufferCreate());
  for (xmlNode* child = node->children; child; child = child->next) {
    xmlNodeDump(buffer.get(), node->doc, child, 0, 0);
    if (static_cast<std::size_t>(xmlBufferLength(buffer.get())) > text_budget_) {
      is_text_budget_exhausted_ = true;
      break;
    }
  }
  std::string out(view(xmlBufferContent(buffer.get())));
  text_budget_ -= std::min(text_budget_, out.size());
  return out;
}

bool FeedWalk::has_entity_reference(const xmlNode* node, std::size_t depth) const {
  if (depth > options_.limits.max_depth) return false;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (child->type == XML_ENTITY_REF_NODE) return true;
    if (child->type == XML_ELEMENT_NODE && has_entity_reference(child, depth + 1)) return true;
  }
  return false;
}

std::string FeedWalk::html_or_text(const xmlNode* node) {
  for (const xmlNode* child = node->children; child; child = child->next)
    if (child->type == XML_ELEMENT_NODE) return std::string(core::trim(inner_markup(node)));
  return text(node);
}

std::string FeedWalk::find_base(const xmlNode* node) {
  for (const xmlNode* scan = node; is_element(scan); scan = scan->parent) {
    if (!namespaced_attribute(scan, "base", ns::kXml).value_or(std::string()).empty()) {
      XmlCharPtr base(xmlNodeGetBase(scan->doc, node));
      return base ? std::string(view(base.get())) : std::string();
    }
  }
  return {};
}

std::string FeedWalk::find_lang(const xmlNode* node) {
  XmlCharPtr lang(xmlNodeGetLang(node));
  return lang ? std::string(view(lang.get())) : std::string();
}

// An item the document was cut off in (never closed) is dropped: its
// fields would be partial and would overwrite the complete copy later.
void FeedWalk::add_item(const xmlNode* node, RawItem item) {
  if (!is_well_formed_ && !libxml2::is_closed(node)) {
    dropped_incomplete_item_ = true;
    return;
  }
  if (feed_.items.size() >= options_.limits.max_items) {
    limits_met_.has_too_many_items = true;
    return;
  }
  if (feed_.items.size() == feed_.items.capacity()) reserve_for_the_rest(feed_.items);
  feed_.items.push_back(std::move(item));
}

// Items are most of a feed, so the share of the document read so far
// predicts how many are still to come. Reserving for them, rather than
// doubling, spares moving thousands of items (two dozen strings each)
// into ever larger arrays.
void FeedWalk::reserve_for_the_rest(std::vector<RawItem>& items) const {
  std::size_t capacity = std::max<std::size_t>(16, items.size() * 2);
  const std::size_t read = progress_.unread ? progress_.document_size - progress_.unread->size() : 0;
  if (read > 0 && !items.empty()) {
    const double expected =
        static_cast<double>(items.size()) * static_cast<double>(progress_.document_size) / static_cast<double>(read);
    capacity = std::max(capacity, static_cast<std::size_t>(expected * 1.1) + 16);
  }
  items.reserve(std::min(capacity, options_.limits.max_items));
}

}  // namespace tributary::parse
