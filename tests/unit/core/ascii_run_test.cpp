// The two ASCII-run scanners of core/text (sixteen bytes at a time) held to
// a byte-at-a-time reading of what each lets through, from every start,
// over texts that put every kind of byte on and around the sixteen-byte
// steps and in the tail after the last whole step.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/text.hpp"

namespace tributary::core {
namespace {

bool is_printable(unsigned char byte) { return byte >= 0x20 && byte < 0x7F; }
bool is_xml_ascii(unsigned char byte) {
  return byte < 0x80 && (byte >= 0x20 || byte == '\t' || byte == '\n' || byte == '\r');
}

template <typename Passes>
std::size_t reference_end(const std::string& text, std::size_t pos, Passes passes) {
  while (pos < text.size() && passes(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

TEST(AsciiRuns, StopWhereAByteAtATimeReadingStops) {
  const std::string kinds = std::string("a~ \t\n\r\x7F\x01\x1F\x80\xC3\xFF", 12);
  std::mt19937 random(20261205);
  for (int round = 0; round < 400; ++round) {
    const std::size_t size = random() % 70;
    std::string text;
    for (std::size_t i = 0; i < size; ++i)
      // Mostly letters, so that long runs cross the sixteen-byte steps.
      text.push_back(random() % 4 != 0 ? 'x' : kinds[random() % kinds.size()]);
    for (std::size_t pos = 0; pos <= text.size(); ++pos) {
      ASSERT_EQ(printable_ascii_end(text, pos), reference_end(text, pos, is_printable))
          << ::testing::PrintToString(text) << " from " << pos;
      ASSERT_EQ(xml_ascii_end(text, pos), reference_end(text, pos, is_xml_ascii))
          << ::testing::PrintToString(text) << " from " << pos;
    }
  }
}

TEST(AsciiRuns, LinesAndDelStopOnlyThePrintableRun) {
  const std::string text = std::string(20, 'a') + "\n\t\r\x7F" + std::string(20, 'b') + "\x01";
  EXPECT_EQ(printable_ascii_end(text, 0), 20u);
  EXPECT_EQ(xml_ascii_end(text, 0), 44u);
  EXPECT_EQ(xml_ascii_end(text + "\xC3\xA9", 45), 45u);
}

}  // namespace
}  // namespace tributary::core
