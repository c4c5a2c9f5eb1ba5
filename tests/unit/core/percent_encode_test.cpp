// The one percent-encoder behind URLs' stray bytes, query values and
// WebSub forms, read back by percent_decode.
#include <gtest/gtest.h>

#include <string>

#include "core/text.hpp"

namespace tributary::core {
namespace {

constexpr bool is_letter(unsigned char byte) { return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z'); }
constexpr ByteSet kLetters = byte_set(is_letter);

TEST(PercentEncode, WritesEveryByteOutsideTheSetAsUpperCaseHex) {
  EXPECT_EQ(percent_encode("abcXYZ", kLetters), "abcXYZ");
  EXPECT_EQ(percent_encode("a1/é", kLetters), "a%31%2F%C3%A9");
  EXPECT_EQ(percent_encode(std::string("\0\x7F\xFF", 3), kLetters), "%00%7F%FF");
  EXPECT_EQ(percent_encode("", kLetters), "");
}

TEST(PercentEncode, WritesASpaceAsPlusOnlyWhenAsked) {
  EXPECT_EQ(percent_encode("a b", kLetters), "a%20b");
  EXPECT_EQ(percent_encode("a b+c", kLetters, SpaceAs::plus), "a+b%2Bc");
  // A space in the kept set stays a space either way.
  constexpr ByteSet kWithSpace = byte_set([](unsigned char byte) { return byte == ' ' || is_letter(byte); });
  EXPECT_EQ(percent_encode("a b", kWithSpace, SpaceAs::plus), "a b");
}

TEST(PercentEncode, ReadsBackAsWritten) {
  std::string every_byte;
  for (int byte = 0; byte < 256; ++byte) every_byte.push_back(static_cast<char>(byte));
  EXPECT_EQ(percent_decode(percent_encode(every_byte, kLetters), false), every_byte);
  EXPECT_EQ(percent_decode(percent_encode(every_byte, kLetters, SpaceAs::plus), true), every_byte);
}

TEST(XmlChars, AreWhatXml10Allows) {
  for (const char32_t allowed : {0x09U, 0x0AU, 0x0DU, 0x20U, 0xD7FFU, 0xE000U, 0xFFFDU, 0x10000U, 0x10FFFFU})
    EXPECT_TRUE(is_xml_char(allowed)) << std::hex << static_cast<unsigned>(allowed);
  for (const char32_t forbidden : {0x00U, 0x08U, 0x0BU, 0x1FU, 0xD800U, 0xDFFFU, 0xFFFEU, 0xFFFFU, 0x110000U})
    EXPECT_FALSE(is_xml_char(forbidden)) << std::hex << static_cast<unsigned>(forbidden);
}

}  // namespace
}  // namespace tributary::core
