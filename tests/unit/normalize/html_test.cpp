// The HTML sanitizer and text extraction.
#include "normalize/html.hpp"

#include <gtest/gtest.h>

namespace tributary::normalize {
namespace {

constexpr std::string_view kBase = "https://news.example/section/article";

TEST(Sanitizer, KeepsAllowedMarkup) {
  EXPECT_EQ(sanitize_html("<p>Hello <b>world</b> and <a href=\"https://x.example/\">a link</a></p>", kBase),
            "<p>Hello <b>world</b> and <a href=\"https://x.example/\">a link</a></p>");
}

TEST(Sanitizer, RemovesScriptsWithTheirContent) {
  EXPECT_EQ(sanitize_html("<p>a</p><script>alert(1)</script><p>b</p>", kBase), "<p>a</p><p>b</p>");
}

TEST(Sanitizer, RemovesEventHandlersAndStyles) {
  EXPECT_EQ(sanitize_html("<p onclick=\"x()\" style=\"color:expression(alert(1))\">t</p>", kBase), "<p>t</p>");
}

TEST(Sanitizer, RemovesJavascriptUrls) {
  EXPECT_EQ(sanitize_html("<a href=\"javascript:alert(1)\">x</a>", kBase), "<a>x</a>");
  EXPECT_EQ(sanitize_html("<a href=\"  JaVa&#x09;script:alert(1)\">x</a>", kBase), "<a>x</a>");
}

TEST(Sanitizer, ResolvesRelativeUrls) {
  EXPECT_EQ(sanitize_html("<img src=\"../img/a.png\" alt=\"A\">", kBase),
            "<img src=\"https://news.example/img/a.png\" alt=\"A\" />");
}

TEST(Sanitizer, DropsIframesObjectsAndForms) {
  EXPECT_EQ(sanitize_html("<iframe src=\"https://evil.example\"></iframe><object data=\"x\"></object>"
                          "<form><input name=q></form>ok",
                          kBase),
            "ok");
}

TEST(Sanitizer, RepairsBrokenMarkup) {
  EXPECT_EQ(sanitize_html("<p>open <b>bold <i>both</p>", kBase), "<p>open <b>bold <i>both</i></b></p>");
}

TEST(Text, DecodesEntitiesAndStripsTags) {
  EXPECT_EQ(html_to_text("Caf&eacute; <b>op&nbsp;en</b> &amp;amp; more"), "Café op\u00a0en & more");
}

TEST(Text, DecodesNumericReferencesIncludingWindows1252Ones) {
  EXPECT_EQ(decode_entities("&#233;&#xE9;&#150;"), "éé–");
}

TEST(Text, CleanTextDecodesDoubleEscapedEntities) { EXPECT_EQ(clean_text("Tom &amp;amp; Jerry"), "Tom & Jerry"); }

}  // namespace
}  // namespace tributary::normalize
