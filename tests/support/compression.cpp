// zlib and Brotli's encoder, used only to build test bodies.
#include "support/compression.hpp"

#include <brotli/encode.h>
#include <zlib.h>

#include <stdexcept>
#include <vector>

namespace tributary::testing {
namespace {

// window_bits: 16+15 gzip, 15 zlib, -15 raw deflate.
std::string deflate_with(std::string_view text, int window_bits, std::uint64_t zero_bytes = 0) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out;
  std::vector<char> chunk(64 * 1024);
  const std::vector<char> zeros(1024 * 1024, '\0');
  const auto pump = [&](const char* data, std::size_t size, int flush) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    stream.avail_in = static_cast<uInt>(size);
    do {
      stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
      stream.avail_out = static_cast<uInt>(chunk.size());
      deflate(&stream, flush);
      out.append(chunk.data(), chunk.size() - stream.avail_out);
    } while (stream.avail_out == 0);
  };
  if (zero_bytes > 0) {
    for (std::uint64_t left = zero_bytes; left > 0;) {
      const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros.size()));
      pump(zeros.data(), size, Z_NO_FLUSH);
      left -= size;
    }
  } else {
    pump(text.data(), text.size(), Z_NO_FLUSH);
  }
  pump(nullptr, 0, Z_FINISH);
  deflateEnd(&stream);
  return out;
}

}  // namespace

std::string gzip_compress(std::string_view text) { return deflate_with(text, 16 + MAX_WBITS); }
std::string zlib_compress(std::string_view text) { return deflate_with(text, MAX_WBITS); }
std::string raw_deflate_compress(std::string_view text) { return deflate_with(text, -MAX_WBITS); }
std::string gzip_of_zeros(std::uint64_t decoded_bytes) { return deflate_with({}, 16 + MAX_WBITS, decoded_bytes); }

std::string brotli_compress(std::string_view text) {
  std::string out(BrotliEncoderMaxCompressedSize(text.size()) + 16, '\0');
  std::size_t size = out.size();
  if (!BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, text.size(),
                             reinterpret_cast<const std::uint8_t*>(text.data()), &size,
                             reinterpret_cast<std::uint8_t*>(out.data())))
    throw std::runtime_error("BrotliEncoderCompress failed");
  out.resize(size);
  return out;
}

}  // namespace tributary::testing

namespace tributary::testing {

std::string gzip_decompress(std::string_view compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return {};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
  }
  inflateEnd(&stream);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace tributary::testing
