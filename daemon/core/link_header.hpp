// The HTTP Link header (RFC 8288 §3): a list of links, each a target in
// angle brackets with parameters. WebSub (W3C Recommendation, §4) finds a
// topic's hub and self URLs here before it looks into the document.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::core {

struct LinkValue {
  std::string target;             // as written between < and >; not resolved
  std::vector<std::string> rels;  // the rel parameter's relation types, lower-cased (§3.3)
  std::vector<std::pair<std::string, std::string>> parameters;  // every parameter, names lower-cased, values unquoted
};

// Every well-formed link-value of `field` (several field lines joined with
// ", " are one list). A malformed one is skipped up to the next comma
// outside quotes and brackets, as user agents do; never throws.
std::vector<LinkValue> parse_link_header(std::string_view field);

// The targets of the links whose rel includes `rel` (lower-case), in order.
std::vector<std::string> link_targets(const std::vector<LinkValue>& links, std::string_view rel);

}  // namespace tributary::core
