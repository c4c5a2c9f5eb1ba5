// Streaming Content-Encoding decoders: zlib for gzip and deflate, Brotli's
// decoder for br. Output is produced in small chunks and counted against the
// cap after each one, so nothing larger than the cap is ever held.
#include "fetch/decode.hpp"

#include <brotli/decode.h>
#include <zlib.h>

#include <array>

#include "core/text.hpp"

namespace tributary::fetch {
namespace {

constexpr std::size_t kChunk = 16 * 1024;

enum class Coding { identity, gzip, deflate, br, unsupported };

Coding coding_of(std::string_view content_encoding) {
  const std::string name = core::to_lower_ascii(core::trim(content_encoding));
  if (name.empty() || name == "identity") return Coding::identity;
  if (name == "gzip" || name == "x-gzip") return Coding::gzip;
  if (name == "deflate") return Coding::deflate;
  if (name == "br") return Coding::br;
  return Coding::unsupported;
}

// RFC 1950 §2.2: CMF says method 8, and CMF*256+FLG is a multiple of 31.
bool looks_like_zlib_header(unsigned char cmf, unsigned char flg) {
  return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
}

}  // namespace

struct BodyDecoder::State {
  Coding coding = Coding::identity;
  z_stream zlib{};
  bool is_zlib_ready = false;
  BrotliDecoderState* brotli = nullptr;
  std::string deflate_prefix;    // deflate: first bytes, until the wrapper is known
  bool is_stream_ended = false;  // the compressed stream said it was complete
  bool has_failed = false;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;

  ~State() {
    if (is_zlib_ready) inflateEnd(&zlib);
    if (brotli) BrotliDecoderDestroyInstance(brotli);
  }
};

BodyDecoder::BodyDecoder(std::string_view content_encoding, std::uint64_t max_decoded_bytes)
    : state_(std::make_unique<State>()), max_decoded_bytes_(max_decoded_bytes) {
  state_->coding = coding_of(content_encoding);
  if (state_->coding == Coding::unsupported) {
    error_ =
        "unsupported Content-Encoding \"" + core::collapse_whitespace(core::sanitize_utf8(content_encoding)) + "\"";
    state_->has_failed = true;
  } else if (state_->coding == Coding::gzip) {
    // 16 + MAX_WBITS: a gzip wrapper (RFC 1952).
    state_->is_zlib_ready = inflateInit2(&state_->zlib, 16 + MAX_WBITS) == Z_OK;
  } else if (state_->coding == Coding::br) {
    state_->brotli = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  }
}

BodyDecoder::~BodyDecoder() = default;

bool BodyDecoder::is_supported() const { return state_->coding != Coding::unsupported; }

std::string_view BodyDecoder::coding() const {
  switch (state_->coding) {
    case Coding::gzip:
      return "gzip";
    case Coding::deflate:
      return "deflate";
    case Coding::br:
      return "br";
    case Coding::identity:
      return "identity";
    case Coding::unsupported:
      break;
  }
  return "unsupported";
}

DecodeStatus BodyDecoder::fail(DecodeStatus status, std::string message) {
  state_->has_failed = true;
  error_ = std::move(message);
  return status;
}

DecodeStatus BodyDecoder::append_checked(std::string& out, const char* data, std::size_t size) {
  if (state_->bytes_out + size > max_decoded_bytes_) {
    return fail(DecodeStatus::too_large, "decoded body exceeds the limit of " + std::to_string(max_decoded_bytes_) +
                                             " bytes (stopped after " + std::to_string(state_->bytes_in) +
                                             " transferred bytes)");
  }
  state_->bytes_out += size;
  out.append(data, size);
  return DecodeStatus::ok;
}

DecodeStatus BodyDecoder::write(std::string_view chunk, std::string& out) {
  State& s = *state_;
  if (s.has_failed) return DecodeStatus::corrupt;
  s.bytes_in += chunk.size();
  if (chunk.empty()) return DecodeStatus::ok;
  if (s.coding == Coding::identity) return append_checked(out, chunk.data(), chunk.size());
  if (s.is_stream_ended) return DecodeStatus::ok;  // trailing bytes after a complete stream: ignored

  if (s.coding == Coding::deflate && !s.is_zlib_ready) {
    // RFC 9110 §8.4.1.2 says "deflate" is zlib-wrapped; some servers send
    // raw deflate. The first two bytes tell which.
    s.deflate_prefix.append(chunk);
    if (s.deflate_prefix.size() < 2) return DecodeStatus::ok;
    const bool is_zlib = looks_like_zlib_header(static_cast<unsigned char>(s.deflate_prefix[0]),
                                                static_cast<unsigned char>(s.deflate_prefix[1]));
    if (inflateInit2(&s.zlib, is_zlib ? MAX_WBITS : -MAX_WBITS) != Z_OK)
      return fail(DecodeStatus::corrupt, "cannot initialize zlib");
    s.is_zlib_ready = true;
    const std::string prefix = std::move(s.deflate_prefix);
    s.deflate_prefix.clear();
    s.bytes_in -= prefix.size();  // counted again below
    return write(prefix, out);
  }

  std::array<char, kChunk> buffer{};
  if (s.coding == Coding::br) {
    if (!s.brotli) return fail(DecodeStatus::corrupt, "cannot initialize the Brotli decoder");
    std::size_t available_in = chunk.size();
    const auto* next_in = reinterpret_cast<const std::uint8_t*>(chunk.data());
    for (;;) {
      std::size_t available_out = buffer.size();
      auto* next_out = reinterpret_cast<std::uint8_t*>(buffer.data());
      const BrotliDecoderResult rc =
          BrotliDecoderDecompressStream(s.brotli, &available_in, &next_in, &available_out, &next_out, nullptr);
      if (const auto status = append_checked(out, buffer.data(), buffer.size() - available_out);
          status != DecodeStatus::ok)
        return status;
      if (rc == BROTLI_DECODER_RESULT_ERROR)
        return fail(DecodeStatus::corrupt, std::string("corrupt br body (") +
                                               BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s.brotli)) + ")");
      if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
        s.is_stream_ended = true;
        return DecodeStatus::ok;
      }
      if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return DecodeStatus::ok;
    }
  }

  if (!s.is_zlib_ready) return fail(DecodeStatus::corrupt, "cannot initialize zlib");
  s.zlib.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
  s.zlib.avail_in = static_cast<uInt>(chunk.size());
  for (;;) {
    s.zlib.next_out = reinterpret_cast<Bytef*>(buffer.data());
    s.zlib.avail_out = static_cast<uInt>(buffer.size());
    const int rc = inflate(&s.zlib, Z_NO_FLUSH);
    if (const auto status = append_checked(out, buffer.data(), buffer.size() - s.zlib.avail_out);
        status != DecodeStatus::ok)
      return status;
    if (rc == Z_STREAM_END) {
      // A gzip body may hold several members one after the other (RFC 1952 §2.2).
      if (s.coding == Coding::gzip && s.zlib.avail_in > 0 && *s.zlib.next_in == 0x1f) {
        inflateReset(&s.zlib);
        continue;
      }
      s.is_stream_ended = true;
      return DecodeStatus::ok;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return fail(DecodeStatus::corrupt, std::string("corrupt ") + std::string(coding()) + " body (" +
                                             (s.zlib.msg ? s.zlib.msg : "zlib error " + std::to_string(rc)) + ")");
    }
    // inflate() returns with room left in the output only when it has used
    // all the input it can.
    if (s.zlib.avail_out != 0) return DecodeStatus::ok;
  }
}

DecodeStatus BodyDecoder::finish(std::string& out) {
  State& s = *state_;
  if (s.has_failed) return DecodeStatus::corrupt;
  if (s.coding == Coding::identity || s.is_stream_ended || s.bytes_in == 0) return DecodeStatus::ok;
  if (s.coding == Coding::deflate && !s.is_zlib_ready) {
    // One byte is no deflate stream.
    return fail(DecodeStatus::corrupt, "corrupt deflate body (" + std::to_string(s.bytes_in) + " byte)");
  }
  if (s.bytes_out > 0) return DecodeStatus::ok;
  (void)out;
  return fail(DecodeStatus::corrupt,
              "corrupt " + std::string(coding()) + " body (the compressed stream is incomplete)");
}

DecodeResult decode_body(std::string_view encoding, std::string_view body, std::uint64_t max_decoded_bytes) {
  DecodeResult result;
  BodyDecoder decoder(encoding, max_decoded_bytes);
  if (!decoder.is_supported()) {
    result.error = decoder.error();
    return result;
  }
  // Feed it as the network would, in pieces, so this path is the streaming one.
  DecodeStatus status = DecodeStatus::ok;
  for (std::size_t offset = 0; offset < body.size() && status == DecodeStatus::ok; offset += kChunk)
    status = decoder.write(body.substr(offset, kChunk), result.body);
  if (status == DecodeStatus::ok) status = decoder.finish(result.body);
  result.ok = status == DecodeStatus::ok;
  result.is_too_large = status == DecodeStatus::too_large;
  if (!result.ok) {
    result.body.clear();
    result.error = decoder.error();
  }
  return result;
}

std::string_view accepted_encodings() { return "gzip, deflate, br"; }

}  // namespace tributary::fetch
