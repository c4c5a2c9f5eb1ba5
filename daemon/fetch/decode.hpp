// Content-Encoding decoding (gzip, deflate) with a cap on the decoded size,
// so a decompression bomb stops as soon as it crosses the cap.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::fetch {

struct DecodeResult {
  bool ok = false;
  bool is_too_large = false;
  std::string body;
  std::string error;
};

// `encoding` is the Content-Encoding value: "gzip", "x-gzip", "deflate",
// "identity" or empty.
DecodeResult decode_body(std::string_view encoding, std::string_view body, std::uint64_t max_decoded_bytes);

}  // namespace tributary::fetch
