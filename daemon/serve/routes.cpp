// Route patterns (see routes.hpp).
#include "serve/routes.hpp"

namespace tributary::serve {
namespace {
constexpr std::string_view kCapture = "{name}";
}

std::optional<std::string> match_path(std::string_view pattern, std::string_view path) {
  const auto capture = pattern.find(kCapture);
  if (capture == std::string_view::npos) {
    if (pattern != path) return std::nullopt;
    return std::string();
  }
  const std::string_view prefix = pattern.substr(0, capture);
  const std::string_view suffix = pattern.substr(capture + kCapture.size());
  if (path.size() <= prefix.size() + suffix.size() || !path.starts_with(prefix) || !path.ends_with(suffix))
    return std::nullopt;
  const std::string_view name = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (name.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

// Assembled from the two halves rather than with std::string::replace, which
// g++ 12 at -O2 (the Release and bench builds) flags with a false -Wrestrict
// (GCC bug 105651).
std::string route_label(std::string_view pattern) {
  const auto capture = pattern.find(kCapture);
  if (capture == std::string_view::npos) return std::string(pattern);
  std::string label(pattern.substr(0, capture));
  label += '*';
  label += pattern.substr(capture + kCapture.size());
  return label;
}

}  // namespace tributary::serve
