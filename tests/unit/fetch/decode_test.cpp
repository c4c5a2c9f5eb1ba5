// Content-Encoding decoding, without sockets: every coding, fed whole and in
// tiny pieces, corrupt input, and the cap that stops a decompression bomb.
#include "fetch/decode.hpp"

#include <gtest/gtest.h>

#include "support/compression.hpp"

namespace tributary::fetch {
namespace {

using testing::brotli_compress;
using testing::gzip_compress;
using testing::gzip_of_zeros;
using testing::raw_deflate_compress;
using testing::zlib_compress;

const std::string kFeed =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Sarajevo Daily</title>"
    "<item><title>Tram line 3 reopens after repairs</title></item></channel></rss>";

// Feeds the body byte by byte, as the slowest network would.
DecodeResult decode_in_single_bytes(std::string_view encoding, std::string_view body, std::uint64_t cap) {
  DecodeResult result;
  BodyDecoder decoder(encoding, cap);
  DecodeStatus status = DecodeStatus::ok;
  for (std::size_t i = 0; i < body.size() && status == DecodeStatus::ok; ++i)
    status = decoder.write(body.substr(i, 1), result.body);
  if (status == DecodeStatus::ok) status = decoder.finish(result.body);
  result.ok = status == DecodeStatus::ok;
  result.is_too_large = status == DecodeStatus::too_large;
  result.error = decoder.error();
  return result;
}

TEST(BodyDecoding, PassesIdentityThrough) {
  const DecodeResult result = decode_body("", kFeed, 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, kFeed);
  EXPECT_TRUE(decode_body("identity", kFeed, 1024).ok);
}

TEST(BodyDecoding, DecodesGzip) {
  const DecodeResult result = decode_body("gzip", gzip_compress(kFeed), 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, kFeed);
  EXPECT_EQ(decode_body("x-gzip", gzip_compress(kFeed), 1024).body, kFeed);
}

TEST(BodyDecoding, DecodesGzipFedOneByteAtATime) {
  const DecodeResult result = decode_in_single_bytes("gzip", gzip_compress(kFeed), 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, kFeed);
}

TEST(BodyDecoding, DecodesConcatenatedGzipMembers) {
  const DecodeResult result = decode_body("gzip", gzip_compress("first ") + gzip_compress("second"), 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, "first second");
}

TEST(BodyDecoding, DecodesZlibWrappedDeflate) {
  const DecodeResult result = decode_body("deflate", zlib_compress(kFeed), 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, kFeed);
}

TEST(BodyDecoding, DecodesRawDeflateAsSomeServersSendIt) {
  const DecodeResult result = decode_in_single_bytes("deflate", raw_deflate_compress(kFeed), 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, kFeed);
}

TEST(BodyDecoding, DecodesBrotli) {
  const DecodeResult result = decode_in_single_bytes("br", brotli_compress(kFeed), 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, kFeed);
}

TEST(BodyDecoding, EncodingNamesAreCaseInsensitive) {
  EXPECT_EQ(decode_body(" GZip ", gzip_compress(kFeed), 1024).body, kFeed);
}

TEST(BodyDecoding, RefusesUnknownEncoding) {
  const DecodeResult result = decode_body("compress", "x", 1024);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "unsupported Content-Encoding \"compress\"");
}

TEST(BodyDecoding, RefusesCorruptGzip) {
  const DecodeResult result = decode_body("gzip", "this is not gzip at all", 1024);
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.is_too_large);
  EXPECT_NE(result.error.find("corrupt gzip body"), std::string::npos) << result.error;
}

TEST(BodyDecoding, RefusesCorruptBrotli) {
  const DecodeResult result = decode_body("br", std::string(64, '\xff'), 1024);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("corrupt br body"), std::string::npos) << result.error;
}

TEST(BodyDecoding, AcceptsGzipWithoutItsTrailer) {
  const std::string compressed = gzip_compress(kFeed);
  const DecodeResult result = decode_body("gzip", compressed.substr(0, compressed.size() - 8), 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, kFeed);
}

TEST(BodyDecoding, RefusesGzipCutBeforeAnyOutput) {
  const DecodeResult result = decode_body("gzip", gzip_compress(kFeed).substr(0, 5), 1024);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("incomplete"), std::string::npos) << result.error;
}

TEST(BodyDecoding, EmptyCompressedBodyIsEmpty) {
  const DecodeResult result = decode_body("gzip", "", 1024);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, "");
}

TEST(BodyDecoding, StopsIdentityBodyAtTheCap) {
  const DecodeResult result = decode_body("", std::string(2000, 'x'), 1000);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.is_too_large);
}

TEST(BodyDecoding, StopsGzipBombEarly) {
  // 64 MiB of zeros in about 64 KiB; the cap is 1 MiB.
  const std::string bomb = gzip_of_zeros(64ull * 1024 * 1024);
  BodyDecoder decoder("gzip", 1024 * 1024);
  std::string out;
  DecodeStatus status = DecodeStatus::ok;
  std::size_t fed = 0;
  while (fed < bomb.size() && status == DecodeStatus::ok) {
    const std::size_t piece = std::min<std::size_t>(4096, bomb.size() - fed);
    status = decoder.write(std::string_view(bomb).substr(fed, piece), out);
    fed += piece;
  }
  EXPECT_EQ(status, DecodeStatus::too_large);
  EXPECT_LE(out.size(), 1024u * 1024u);
  // It stopped within the first few percent of the compressed bytes.
  EXPECT_LT(fed, bomb.size() / 8) << "fed " << fed << " of " << bomb.size();
  EXPECT_EQ(decoder.error().rfind("decoded body exceeds the limit of 1048576 bytes", 0), 0u) << decoder.error();
}

TEST(BodyDecoding, RefusesWritesAfterAFailure) {
  BodyDecoder decoder("gzip", 1024);
  std::string out;
  EXPECT_EQ(decoder.write("garbage garbage", out), DecodeStatus::corrupt);
  EXPECT_EQ(decoder.write(gzip_compress("x"), out), DecodeStatus::corrupt);
}

}  // namespace
}  // namespace tributary::fetch
