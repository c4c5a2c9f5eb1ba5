// Compressed bodies for tests of the fetcher: gzip, zlib and raw deflate,
// br, and a gzip bomb built without holding its decoded size in memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::testing {

std::string gzip_compress(std::string_view text);
std::string zlib_compress(std::string_view text);         // "deflate" as RFC 9110 means it
std::string raw_deflate_compress(std::string_view text);  // "deflate" as some servers send it
std::string brotli_compress(std::string_view text);
// The decoded bytes of a gzip body; empty when it is not valid gzip.
std::string gzip_decompress(std::string_view compressed);
// gzip of `decoded_bytes` zero bytes, compressed chunk by chunk.
std::string gzip_of_zeros(std::uint64_t decoded_bytes);

}  // namespace tributary::testing
