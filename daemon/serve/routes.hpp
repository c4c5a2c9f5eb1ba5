// Route patterns: a path is matched against "/feed.atom" (itself) or
// "/c/{name}.atom" (one segment captured). Pure; the route table that maps
// patterns to handlers and access is the site's (site.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::serve {

// What `path` captured for the pattern's "{name}" ("" when the pattern has
// none), or nullopt when it does not match. A capture is one non-empty
// path segment: it holds no '/'.
std::optional<std::string> match_path(std::string_view pattern, std::string_view path);

// The pattern as a metrics label: "{name}" shown as "*" ("/c/*.atom"), so
// that the label set stays small whatever clients ask for.
std::string route_label(std::string_view pattern);

}  // namespace tributary::serve
