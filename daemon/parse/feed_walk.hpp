// What the format readers share while they walk one document's tree: its
// text, read under a budget; the xml:base and xml:lang in effect; and the
// list of items, under the item limit. One FeedWalk per parse.
#pragma once

#include <libxml/tree.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "parse/limits.hpp"
#include "parse/parse.hpp"

namespace tributary::parse {

// What the SAX hooks have seen of the document so far: filled in while
// libxml2 parses, read by the walk.
struct DocumentProgress {
  std::size_t document_size = 0;
  const std::string_view* unread = nullptr;  // what libxml2 has not pulled in yet
  bool has_xml_base = false;                 // some element so far carries xml:base
  bool has_xml_lang = false;                 // … or xml:lang
};

// Text extraction follows entity references with a budget, so a document
// that declares exponentially nested entities cannot make us build
// gigabytes of text (billion laughs).
class FeedWalk {
 public:
  FeedWalk(const ParseOptions& options, std::size_t text_budget, const DocumentProgress& progress)
      : options_(options), text_budget_(text_budget), progress_(progress) {}

  // ---- text
  // The element's text content, trimmed.
  std::string text(const xmlNode* node);
  // The children of an element serialized as markup (Atom xhtml content).
  std::string inner_markup(const xmlNode* node);
  // RSS description and content:encoded hold escaped HTML; some feeds put
  // the HTML in unescaped, as child elements. Those are kept as markup.
  std::string html_or_text(const xmlNode* node);

  // The effective xml:base of a node, when some ancestor-or-self sets one.
  // (Without any xml:base, `normalize` resolves against the feed's URLs.)
  std::string base_of(const xmlNode* node) {
    return may_carry(progress_.has_xml_base, node) ? find_base(node) : std::string();
  }
  std::string lang_of(const xmlNode* node) {
    return may_carry(progress_.has_xml_lang, node) ? find_lang(node) : std::string();
  }

  // ---- items
  // Known at the end of the parse; until then only closed items are read.
  void set_well_formed(bool is_well_formed) { is_well_formed_ = is_well_formed; }
  // Keeps a read item, unless the document was cut off in it or it is
  // over the limit.
  void add_item(const xmlNode* node, RawItem item);

  ParsedFeed& feed() { return feed_; }
  const ParseOptions& options() const { return options_; }
  const LimitsMet& limits_met() const { return limits_met_; }
  bool is_text_budget_exhausted() const { return is_text_budget_exhausted_; }
  bool dropped_incomplete_item() const { return dropped_incomplete_item_; }

 private:
  // Whether an xml: attribute may be in effect at `node`: one was seen on
  // some element, or a DTD (internal subset) may default one.
  static bool may_carry(bool has_attribute, const xmlNode* node) {
    return has_attribute || (node->doc && node->doc->intSubset);
  }
  static std::string find_base(const xmlNode* node);
  static std::string find_lang(const xmlNode* node);

  void append_text(const xmlNode* node, std::string& out, std::size_t depth);
  bool has_entity_reference(const xmlNode* node, std::size_t depth) const;
  void reserve_for_the_rest(std::vector<RawItem>& items) const;

  static constexpr std::size_t kNodeCost = 16;
  const ParseOptions& options_;
  std::size_t text_budget_;
  const DocumentProgress& progress_;
  ParsedFeed feed_;
  LimitsMet limits_met_;
  bool is_well_formed_ = true;
  bool is_text_budget_exhausted_ = false;
  bool dropped_incomplete_item_ = false;
};

}  // namespace tributary::parse
