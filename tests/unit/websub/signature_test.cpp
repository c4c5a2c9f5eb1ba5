// X-Hub-Signature (W3C WebSub §8) against published HMAC test vectors:
// RFC 4231 §4.2-4.3 for SHA-256/384/512, RFC 2202 §3 for SHA-1.
#include "websub/signature.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tributary::websub {
namespace {

const std::string kCase1Key(20, '\x0b');  // RFC 4231 test case 1
constexpr std::string_view kCase1Data = "Hi There";
constexpr std::string_view kCase2Key = "Jefe";  // RFC 4231 test case 2, RFC 2202 test case 2
constexpr std::string_view kCase2Data = "what do ya want for nothing?";

TEST(Signature, MatchesRfc4231Case1) {
  EXPECT_EQ(hmac_hex(SignatureMethod::sha256, kCase1Key, kCase1Data),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_hex(SignatureMethod::sha384, kCase1Key, kCase1Data),
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6");
  EXPECT_EQ(hmac_hex(SignatureMethod::sha512, kCase1Key, kCase1Data),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914e"
            "eb61f1702e696c203a126854");
}

TEST(Signature, MatchesRfc4231Case2) {
  EXPECT_EQ(hmac_hex(SignatureMethod::sha256, kCase2Key, kCase2Data),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_hex(SignatureMethod::sha384, kCase2Key, kCase2Data),
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649");
  EXPECT_EQ(hmac_hex(SignatureMethod::sha512, kCase2Key, kCase2Data),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a3"
            "4d4a6b4b636e070a38bce737");
}

TEST(Signature, MatchesRfc2202Sha1Case2) {
  EXPECT_EQ(hmac_hex(SignatureMethod::sha1, kCase2Key, kCase2Data), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Signature, SignNamesTheMethod) {
  EXPECT_EQ(sign(SignatureMethod::sha256, kCase2Key, kCase2Data),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(sign(SignatureMethod::sha1, kCase2Key, kCase2Data), "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Signature, VerifiesEveryMethodTheSpecNames) {
  EXPECT_TRUE(verify("sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", kCase2Key, kCase2Data));
  EXPECT_TRUE(verify("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", kCase2Key, kCase2Data));
  EXPECT_TRUE(
      verify("sha384=af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
             kCase2Key, kCase2Data));
  EXPECT_TRUE(verify(
      "sha512=164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a3"
      "4d4a6b4b636e070a38bce737",
      kCase2Key, kCase2Data));
}

TEST(Signature, AcceptsUpperCaseHexAndMethod) {
  EXPECT_TRUE(verify("SHA1=EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79", kCase2Key, kCase2Data));
}

TEST(Signature, RefusesAChangedBodyOrSecret) {
  const std::string header = "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
  EXPECT_FALSE(verify(header, kCase2Key, "what do ya want for nothing!"));
  EXPECT_FALSE(verify(header, "jefe", kCase2Data));
}

TEST(Signature, RefusesUnknownMethodsAndMalformedValues) {
  // md5 is no method of the spec, even with the right digest length.
  EXPECT_FALSE(verify("md5=750c783e6ab0b503eaa86e310a5db738", kCase2Key, kCase2Data));
  EXPECT_FALSE(verify("", kCase2Key, kCase2Data));
  EXPECT_FALSE(verify("sha1", kCase2Key, kCase2Data));
  EXPECT_FALSE(verify("sha1=", kCase2Key, kCase2Data));
  EXPECT_FALSE(verify("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", kCase2Key, kCase2Data));
  // A truncated or padded digest, and one with a non-hex character.
  EXPECT_FALSE(verify("sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c7", kCase2Key, kCase2Data));
  EXPECT_FALSE(verify("sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c7900", kCase2Key, kCase2Data));
  EXPECT_FALSE(verify("sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c7g", kCase2Key, kCase2Data));
  // A sha1 digest labelled sha256.
  EXPECT_FALSE(verify("sha256=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", kCase2Key, kCase2Data));
}

TEST(Signature, SignsAnEmptyBodyAndAnEmptySecret) {
  const std::string header = sign(SignatureMethod::sha256, "", "");
  // HMAC-SHA256("", ""), as Python's hmac.new(b"", b"", hashlib.sha256) gives it.
  EXPECT_EQ(header, "sha256=b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_TRUE(verify(header, "", ""));
}

TEST(SignatureMethodNames, RoundTrip) {
  for (const auto method :
       {SignatureMethod::sha1, SignatureMethod::sha256, SignatureMethod::sha384, SignatureMethod::sha512}) {
    EXPECT_EQ(signature_method_from_name(signature_method_name(method)), method);
  }
  EXPECT_FALSE(signature_method_from_name("sha224"));
}

}  // namespace
}  // namespace tributary::websub
