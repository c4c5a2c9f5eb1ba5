// HMAC signing and verification of WebSub deliveries (see signature.hpp),
// with OpenSSL's one-shot HMAC and CRYPTO_memcmp.
#include "websub/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "core/text.hpp"

namespace tributary::websub {
namespace {

const EVP_MD* digest_of(SignatureMethod method) {
  switch (method) {
    case SignatureMethod::sha1:
      return EVP_sha1();
    case SignatureMethod::sha256:
      return EVP_sha256();
    case SignatureMethod::sha384:
      return EVP_sha384();
    case SignatureMethod::sha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

using Digest = std::array<unsigned char, EVP_MAX_MD_SIZE>;

// The raw HMAC into `out`; its length.
std::size_t hmac(SignatureMethod method, std::string_view secret, std::string_view body, Digest& out) {
  unsigned int length = 0;
  // HMAC with an empty key is valid (RFC 2104 pads it); OpenSSL wants a
  // non-null pointer for it, which a string_view's data() may not be.
  static constexpr unsigned char kNoKey = 0;
  const void* key = secret.empty() ? &kNoKey : static_cast<const void*>(secret.data());
  const auto* data = reinterpret_cast<const unsigned char*>(body.data());
  if (HMAC(digest_of(method), key, static_cast<int>(secret.size()), body.empty() ? &kNoKey : data, body.size(),
           out.data(), &length) == nullptr) {
    return 0;
  }
  return length;
}

// Decodes `hex` into `out`; false when it is not exactly `length` bytes of hex.
bool decode_hex(std::string_view hex, std::size_t length, Digest& out) {
  if (hex.size() != length * 2) return false;
  for (std::size_t i = 0; i < length; ++i) {
    const int high = core::hex_digit_value(hex[2 * i]);
    const int low = core::hex_digit_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return true;
}

}  // namespace

std::optional<SignatureMethod> signature_method_from_name(std::string_view name) {
  if (core::equals_ignore_case(name, "sha1")) return SignatureMethod::sha1;
  if (core::equals_ignore_case(name, "sha256")) return SignatureMethod::sha256;
  if (core::equals_ignore_case(name, "sha384")) return SignatureMethod::sha384;
  if (core::equals_ignore_case(name, "sha512")) return SignatureMethod::sha512;
  return std::nullopt;
}

std::string_view signature_method_name(SignatureMethod method) {
  switch (method) {
    case SignatureMethod::sha1:
      return "sha1";
    case SignatureMethod::sha256:
      return "sha256";
    case SignatureMethod::sha384:
      return "sha384";
    case SignatureMethod::sha512:
      return "sha512";
  }
  return "sha256";
}

std::string hmac_hex(SignatureMethod method, std::string_view secret, std::string_view body) {
  Digest digest{};
  const std::size_t length = hmac(method, secret, body, digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  return out;
}

std::string sign(SignatureMethod method, std::string_view secret, std::string_view body) {
  std::string value(signature_method_name(method));
  value += '=';
  value += hmac_hex(method, secret, body);
  return value;
}

bool verify(std::string_view header_value, std::string_view secret, std::string_view body) {
  const std::string_view value = core::trim(header_value);
  const auto equals = value.find('=');
  if (equals == std::string_view::npos) return false;
  const auto method = signature_method_from_name(value.substr(0, equals));
  if (!method) return false;
  Digest expected{};
  const std::size_t length = hmac(*method, secret, body, expected);
  Digest given{};
  if (length == 0 || !decode_hex(value.substr(equals + 1), length, given)) return false;
  return CRYPTO_memcmp(expected.data(), given.data(), length) == 0;
}

}  // namespace tributary::websub
