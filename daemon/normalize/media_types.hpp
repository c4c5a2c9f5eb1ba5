// The media type of an enclosure whose feed did not say: inferred from the
// file name's extension, the way podcast apps do (an enclosure without a
// type made Pocket Casts reject a whole feed, podgrab issue 121). Pure.
#pragma once

#include <string>
#include <string_view>

namespace tributary::normalize {

// "audio/mpeg" for ".../episode-42.MP3?x=1#t=10"; empty when the path's last
// segment has no extension this table knows (then nobody can tell).
std::string media_type_of_file(std::string_view url);

// The same for a podcast:transcript file: "text/vtt" for ".vtt",
// "application/srt" for ".srt" (the types Podcasting 2.0 names), JSON,
// HTML and plain text; empty otherwise.
std::string transcript_type_of_file(std::string_view url);

}  // namespace tributary::normalize
