// Content-Encoding decoding (gzip, deflate, br), streaming: the body is fed
// in chunks as it arrives, and decoding stops as soon as the decoded size
// crosses the cap, so a decompression bomb costs at most the cap plus one
// chunk of memory and is refused before its end has even been transferred.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tributary::fetch {

enum class DecodeStatus { ok, too_large, corrupt };

class BodyDecoder {
 public:
  // `content_encoding` is the response's Content-Encoding: "gzip", "x-gzip",
  // "deflate", "br", "identity" or empty. Anything else is unsupported.
  BodyDecoder(std::string_view content_encoding, std::uint64_t max_decoded_bytes);
  ~BodyDecoder();
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  bool is_supported() const;
  // "gzip", "deflate", "br" or "identity".
  std::string_view coding() const;

  // Decodes one chunk of the transferred body and appends it to `out`.
  // After anything but ok, error() says why and further writes are refused.
  DecodeStatus write(std::string_view chunk, std::string& out);
  // The transferred body ended. A compressed stream cut short is accepted
  // when it produced output (servers that drop the gzip trailer exist); an
  // empty one is corrupt.
  DecodeStatus finish(std::string& out);

  const std::string& error() const { return error_; }

 private:
  struct State;
  DecodeStatus fail(DecodeStatus status, std::string message);
  DecodeStatus append_checked(std::string& out, const char* data, std::size_t size);

  std::unique_ptr<State> state_;
  std::uint64_t max_decoded_bytes_;
  std::string error_;
};

// The whole body at once, for tests and for bodies already in memory.
struct DecodeResult {
  bool ok = false;
  bool is_too_large = false;
  std::string body;
  std::string error;
};
DecodeResult decode_body(std::string_view encoding, std::string_view body, std::uint64_t max_decoded_bytes);

// The Accept-Encoding this build can decode.
std::string_view accepted_encodings();

}  // namespace tributary::fetch
