// Media types by file extension (see media_types.hpp). The table holds what
// podcast and video feeds carry, with the types Apple's podcast
// specification and the IANA registry give them.
#include "normalize/media_types.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/text.hpp"

namespace tributary::normalize {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 21> kTypesByExtension = {{
    {"aac", "audio/aac"},       {"epub", "application/epub+zip"},
    {"flac", "audio/flac"},     {"gif", "image/gif"},
    {"jpeg", "image/jpeg"},     {"jpg", "image/jpeg"},
    {"m4a", "audio/x-m4a"},     {"m4b", "audio/x-m4a"},
    {"m4v", "video/x-m4v"},     {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},      {"mp4", "video/mp4"},
    {"oga", "audio/ogg"},       {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},       {"opus", "audio/ogg"},
    {"pdf", "application/pdf"}, {"png", "image/png"},
    {"wav", "audio/wav"},       {"webm", "video/webm"},
    {"webp", "image/webp"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kTranscriptTypes = {{
    {"vtt", "text/vtt"},
    {"srt", "application/srt"},
    {"json", "application/json"},
    {"html", "text/html"},
    {"htm", "text/html"},
    {"txt", "text/plain"},
}};

// The lower-cased extension of the URL path's last segment ("" when none).
std::string extension_of(std::string_view url) {
  url = url.substr(0, std::min(url.find('?'), url.find('#')));
  const std::size_t slash = url.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? url : url.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return {};
  return core::to_lower_ascii(name.substr(dot + 1));
}

template <typename Table>
std::string look_up(const Table& table, std::string_view url) {
  const std::string extension = extension_of(url);
  if (extension.empty()) return {};
  const auto* found =
      std::find_if(table.begin(), table.end(), [&](const auto& entry) { return entry.first == extension; });
  return found == table.end() ? std::string() : std::string(found->second);
}

}  // namespace

std::string media_type_of_file(std::string_view url) { return look_up(kTypesByExtension, url); }

std::string transcript_type_of_file(std::string_view url) { return look_up(kTranscriptTypes, url); }

}  // namespace tributary::normalize
