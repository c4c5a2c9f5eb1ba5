// gzip and deflate decoding with zlib, chunk by chunk, stopping at the cap.
#include "fetch/decode.hpp"

#include <zlib.h>

#include <array>

#include "core/text.hpp"

namespace tributary::fetch {
namespace {

// windowBits: 16+15 reads gzip; 15 reads zlib-wrapped deflate; -15 reads raw
// deflate, which some servers send for "deflate" (RFC 9110 says zlib).
DecodeResult inflate_with(std::string_view body, int window_bits, std::uint64_t max_decoded_bytes) {
  DecodeResult result;
  z_stream stream{};
  if (inflateInit2(&stream, window_bits) != Z_OK) {
    result.error = "cannot initialize zlib";
    return result;
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  std::array<char, 64 * 1024> chunk{};
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      // Truncated streams still give what was decoded (Z_BUF_ERROR at end).
      const bool is_truncated = rc == Z_BUF_ERROR && stream.avail_in == 0;
      result.body.append(chunk.data(), chunk.size() - stream.avail_out);
      if (is_truncated && !result.body.empty()) break;
      result.error = std::string("corrupt compressed body (") + (stream.msg ? stream.msg : "zlib error") + ")";
      inflateEnd(&stream);
      return result;
    }
    result.body.append(chunk.data(), chunk.size() - stream.avail_out);
    if (result.body.size() > max_decoded_bytes) {
      inflateEnd(&stream);
      result.is_too_large = true;
      result.body.clear();
      result.error = "decoded body exceeds " + std::to_string(max_decoded_bytes) + " bytes";
      return result;
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // input exhausted
  }
  inflateEnd(&stream);
  result.ok = true;
  return result;
}

}  // namespace

DecodeResult decode_body(std::string_view encoding, std::string_view body, std::uint64_t max_decoded_bytes) {
  const std::string name = core::to_lower_ascii(core::trim(encoding));
  if (name.empty() || name == "identity") {
    if (body.size() > max_decoded_bytes) return {false, true, {}, "body exceeds " + std::to_string(max_decoded_bytes) + " bytes"};
    return {true, false, std::string(body), {}};
  }
  if (name == "gzip" || name == "x-gzip") return inflate_with(body, 16 + MAX_WBITS, max_decoded_bytes);
  if (name == "deflate") {
    DecodeResult zlib_wrapped = inflate_with(body, MAX_WBITS, max_decoded_bytes);
    if (zlib_wrapped.ok || zlib_wrapped.is_too_large) return zlib_wrapped;
    return inflate_with(body, -MAX_WBITS, max_decoded_bytes);
  }
  return {false, false, {}, "unsupported Content-Encoding \"" + name + "\""};
}

}  // namespace tributary::fetch
