// Hostile HTML through the sanitizer: tags, attributes, URL schemes,
// encodings and broken markup. Each output is parsed again (as a browser
// would) and checked for anything executable: a script-capable element, an
// event handler or style attribute, or a URL whose scheme could run code.
#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <memory>

#include "core/text.hpp"
#include "core/time.hpp"
#include "normalize/html.hpp"
#include "normalize/html_paths.hpp"
#include "normalize/normalize.hpp"
#include "parse/parse.hpp"

namespace tributary::normalize {
namespace {

constexpr std::string_view kBase = "https://news.example/section/article";

// Vectors written for this test in the style of the OWASP XSS filter
// evasion cheat sheet; each must come out with nothing executable.
const std::vector<std::string> kVectors = {
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"XSS\")`>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
    "<a "
    "href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)"
    "\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\" &#14;  javascript:alert(1)\">x</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"java&NewLine;script:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"livescript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<embed src=\"https://evil.example/x.swf\">",
    "<applet code=\"x.class\"></applet>",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<div style=\"width: expression(alert(1))\">x</div>",
    "<xss style=\"behavior: url(xss.htc);\">x</xss>",
    "<style>body{background:url(\"javascript:alert(1)\")}</style><p>x</p>",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>text",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\"><a href=\"x\">x</a>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<img \"\"\"><script>alert(\"XSS\")</script>\">",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<video poster=javascript:alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<img src=\"https://ok.example/a.png\" alt=\"x\" title=\"x\" onmouseover=\"alert(1)\">",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<isindex action=javascript:alert(1) type=image>",
    "<template><script>alert(1)</script></template>",
    "<a href=\"\x01javascript:alert(1)\">x</a>",
    "<a href=\"java\0script:alert(1)\">x</a>",
    "<img src=\"jav\tascript:alert(1)\">",
    "<blockquote cite=\"javascript:alert(1)\">q</blockquote>",
    "<a href=\"  data:text/html,<script>alert(1)</script>\">x</a>",
    "<p xmlns:x=\"urn:x\" x:onclick=\"alert(1)\">ns</p>",
    "<div><p onclick=\"alert(1)\">unclosed <b onmouseover=alert(1)>bold",
    "<a href=\"https://ok.example/\" target=\"_blank\" rel=\"opener\" onfocus=alert(1) autofocus>x</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
};

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

std::string lower(const xmlChar* text) { return core::to_lower_ascii(text ? reinterpret_cast<const char*>(text) : ""); }

bool is_safe_url(const std::string& element, const std::string& url) {
  std::string compact;
  for (char c : url)
    if (static_cast<unsigned char>(c) > 0x20) compact.push_back(c);
  const std::string value = core::to_lower_ascii(compact);
  if (value.starts_with("http://") || value.starts_with("https://") || value.starts_with("mailto:") ||
      value.starts_with("ftp://") || value.starts_with("tel:"))
    return true;
  return element == "img" && value.starts_with("data:image/") && !value.starts_with("data:image/svg");
}

// Every problem found in `html`, read as a browser would read it.
void find_executable(const xmlNode* node, std::vector<std::string>& problems) {
  for (; node; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    const std::string name = lower(node->name);
    for (std::string_view forbidden :
         {"script", "style", "iframe", "frame", "object", "embed", "applet", "form", "input", "button", "svg", "math",
          "base", "meta", "link", "template", "isindex", "noscript", "xss"})
      if (name == forbidden) problems.push_back("element <" + name + ">");
    for (const xmlAttr* attribute = node->properties; attribute; attribute = attribute->next) {
      const std::string attribute_name = lower(attribute->name);
      std::unique_ptr<xmlChar, XmlCharDeleter> value(xmlNodeListGetString(node->doc, attribute->children, 1));
      const std::string text = value ? reinterpret_cast<const char*>(value.get()) : "";
      if (attribute_name.starts_with("on")) problems.push_back("handler " + attribute_name);
      if (attribute_name == "style" || attribute_name == "srcdoc" || attribute_name == "formaction" ||
          attribute_name == "background" || attribute_name == "action")
        problems.push_back("attribute " + attribute_name);
      if ((attribute_name == "href" || attribute_name == "src" || attribute_name == "poster" ||
           attribute_name == "cite") &&
          !is_safe_url(name, text))
        problems.push_back(attribute_name + "=\"" + text + "\"");
    }
    find_executable(node->children, problems);
  }
}

std::vector<std::string> executable_parts(const std::string& html) {
  std::vector<std::string> problems;
  if (html.empty()) return problems;
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET));
  if (!doc) return {"unparsable output"};
  find_executable(doc->children, problems);
  return problems;
}

TEST(Xss, HasAtLeastFortyVectors) { EXPECT_GE(kVectors.size(), 40u); }

TEST(Xss, NothingExecutableSurvives) {
  for (const std::string& vector : kVectors) {
    const std::string clean = sanitize_html(vector, kBase);
    const std::vector<std::string> problems = executable_parts(clean);
    EXPECT_TRUE(problems.empty()) << "input:  " << vector << "\noutput: " << clean
                                  << "\nfirst problem: " << (problems.empty() ? "" : problems.front());
    const std::string lowered = core::to_lower_ascii(clean);
    EXPECT_EQ(lowered.find("javascript:"), std::string::npos) << clean;
    EXPECT_EQ(lowered.find("expression("), std::string::npos) << clean;
  }
}

TEST(Xss, TheCheckerItselfCatchesExecutableMarkup) {
  // Guards the test: the checker must see what it looks for.
  EXPECT_FALSE(executable_parts("<img src=x onerror=alert(1)>").empty());
  EXPECT_FALSE(executable_parts("<a href=\"javascript:alert(1)\">x</a>").empty());
  EXPECT_FALSE(executable_parts("<p style=\"x\">x</p>").empty());
  EXPECT_FALSE(executable_parts("<svg></svg>").empty());
  EXPECT_TRUE(executable_parts("<p><a href=\"https://ok.example/\">ok</a></p>").empty());
}

TEST(Xss, SafePartsOfHostileMarkupStay) {
  EXPECT_EQ(sanitize_html("<img src=x onerror=alert(1)>", kBase), "<img src=\"https://news.example/section/x\" />");
  EXPECT_EQ(sanitize_html("<a href=\"#\" onclick=\"alert(1)\">x</a>", kBase),
            "<a href=\"https://news.example/section/article#\">x</a>");
  EXPECT_EQ(sanitize_html("<IMG SRC=JaVaScRiPt:alert('XSS')>", kBase), "<img />");
  EXPECT_EQ(sanitize_html("<div style=\"width: expression(alert(1))\">x</div>", kBase), "<div>x</div>");
  EXPECT_EQ(sanitize_html("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">", kBase),
            "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\" />");
  EXPECT_EQ(sanitize_html("&lt;script&gt;alert(1)&lt;/script&gt;", kBase),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");  // libxml2 wraps loose text in <p>
  EXPECT_EQ(sanitize_html("<xhtml:p>prefixed <xhtml:b>xhtml</xhtml:b></xhtml:p>", kBase),
            "<p>prefixed <b>xhtml</b></p>");
}

TEST(Xss, FastSanitizerMatchesLibxml2WheneverItAccepts) {
  for (const std::string& vector : kVectors) {
    const auto fast = html_paths::sanitize_html_fast(vector, kBase);
    if (fast) {
      EXPECT_EQ(fast->html, html_paths::sanitize_html_libxml2(vector, kBase)) << vector;
    }
  }
}

TEST(Xss, RelativeUrlsWithoutABaseAreDropped) {
  EXPECT_EQ(sanitize_html("<a href=\"/x\">x</a><img src=\"y.png\">", ""), "<a>x</a><img />");
}

TEST(Xss, WhatFollowsAnUnclosedVoidElementStays) {
  // libxml2's HTML 4 parser hangs the rest below an unclosed <source> or
  // <embed>; they hold nothing, so it is written after (or instead of) them.
  EXPECT_EQ(
      sanitize_html("<video controls><source src=\"/v.mp4\">Your reader shows no video.</video><p>After</p>", kBase),
      "<video controls=\"\"><source src=\"https://news.example/v.mp4\" />Your reader shows no "
      "video.</video><p>After</p>");
  EXPECT_EQ(sanitize_html("<p>Before <embed src=\"https://evil.example/x.swf\"> and after <b>bold</b></p>", kBase),
            "<p>Before  and after <b>bold</b></p>");
  EXPECT_EQ(sanitize_html("<p><input type=text>typed <script>alert(1)</script>text</p>", kBase), "<p>typed text</p>");
}

// ---- URLs outside the HTML: links, enclosures, media, images, people ----

// Schemes a reader would run, or read as a document of its own, written as
// feeds might hide them.
const std::vector<std::string> kHostileUrls = {
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java&#x09;script:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "file:///etc/passwd",
    "jar:https://evil.example/x.jar!/",
    "feed:javascript:alert(1)",
};

NormalizedFeed normalize_xml(const std::string& document) {
  const parse::ParseOutcome outcome = parse::parse_feed(document, {"https://feed.example/rss", {}, {}});
  if (!outcome.feed) throw std::runtime_error(outcome.error);
  return normalize_feed(*outcome.feed, {"https://feed.example/rss", *core::parse_rfc3339("2025-12-20T00:00:00Z")});
}

// Every URL normalize hands on, named for a failure's message.
std::vector<std::pair<std::string, std::string>> urls_of(const NormalizedFeed& feed) {
  std::vector<std::pair<std::string, std::string>> urls = {{"feed.site_url", feed.feed.site_url},
                                                           {"feed.self_url", feed.feed.self_url},
                                                           {"feed.image_url", feed.feed.image_url}};
  for (const Entry& entry : feed.entries) {
    urls.emplace_back("url", entry.url);
    urls.emplace_back("canonical_url", entry.canonical_url);
    urls.emplace_back("image_url", entry.image_url);
    for (const Enclosure& enclosure : entry.enclosures) urls.emplace_back("enclosure", enclosure.url);
    for (const Author& author : entry.authors) urls.emplace_back("author.uri", author.uri);
  }
  return urls;
}

void expect_only_http_urls(const NormalizedFeed& feed, const std::string& hostile) {
  for (const auto& [name, url] : urls_of(feed)) {
    const std::string lowered = core::to_lower_ascii(url);
    EXPECT_TRUE(url.empty() || lowered.starts_with("http://") || lowered.starts_with("https://"))
        << "with " << hostile << ", " << name << " = " << url;
  }
}

TEST(XssUrls, OnlyHttpUrlsLeaveAnRssFeed) {
  for (const std::string& url : kHostileUrls) {
    const NormalizedFeed feed = normalize_xml(
        "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\" "
        "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" "
        "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>"
        "<title>t</title><link>" +
        url + "</link><atom:link rel=\"self\" href=\"" + url + "\"/><image><url>" + url +
        "</url></image><item><title>i</title><link>" + url + "</link><enclosure url=\"" + url +
        "\" type=\"audio/mpeg\" length=\"1\"/><media:content url=\"" + url +
        "\" type=\"video/mp4\"/>"
        "<media:thumbnail url=\"" +
        url + "\"/><itunes:image href=\"" + url + "\"/><atom:link rel=\"enclosure\" href=\"" + url +
        "\"/></item></channel></rss>");
    ASSERT_EQ(feed.entries.size(), 1u) << url;
    expect_only_http_urls(feed, url);
    EXPECT_TRUE(feed.entries[0].enclosures.empty()) << url;
  }
}

TEST(XssUrls, OnlyHttpUrlsLeaveAnAtomFeed) {
  for (const std::string& url : kHostileUrls) {
    const NormalizedFeed feed =
        normalize_xml("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><id>urn:f</id><link href=\"" + url +
                      "\"/><link rel=\"self\" href=\"" + url + "\"/><logo>" + url +
                      "</logo><entry><id>urn:e</id><title>e</title>"
                      "<link href=\"" +
                      url + "\"/><link rel=\"enclosure\" href=\"" + url +
                      "\" type=\"audio/mpeg\"/>"
                      "<author><name>A</name><uri>" +
                      url + "</uri></author><content src=\"" + url + "\"/></entry></feed>");
    ASSERT_EQ(feed.entries.size(), 1u) << url;
    expect_only_http_urls(feed, url);
    EXPECT_TRUE(feed.entries[0].enclosures.empty()) << url;
    ASSERT_EQ(feed.entries[0].authors.size(), 1u);
    EXPECT_EQ(feed.entries[0].authors[0].uri, "");
  }
}

// The hostile URL as a JSON string writes it (JSON has no character
// references: a tab is "\t").
std::string in_json(std::string url) {
  for (const auto& [reference, json] : {std::pair{"&#x09;", "\\t"}, {"&lt;", "<"}, {"&gt;", ">"}}) {
    for (auto at = url.find(reference); at != std::string::npos; at = url.find(reference))
      url.replace(at, std::string_view(reference).size(), json);
  }
  return url;
}

TEST(XssUrls, OnlyHttpUrlsLeaveAJsonFeed) {
  for (const std::string& hostile : kHostileUrls) {
    const std::string url = in_json(hostile);
    const NormalizedFeed feed = normalize_xml(
        R"({"version": "https://jsonfeed.org/version/1.1", "title": "t", "home_page_url": ")" + url +
        R"(", "feed_url": ")" + url + R"(", "icon": ")" + url + R"(", "items": [{"id": "1", "title": "i", "url": ")" +
        url + R"(", "external_url": ")" + url + R"(", "image": ")" + url + R"(", "authors": [{"name": "A", "url": ")" +
        url + R"("}], "attachments": [{"url": ")" + url + R"(", "mime_type": "audio/mpeg"}]}]})");
    ASSERT_EQ(feed.entries.size(), 1u) << url;
    expect_only_http_urls(feed, url);
    EXPECT_TRUE(feed.entries[0].enclosures.empty()) << url;
  }
}

TEST(XssUrls, AJavascriptXmlBaseDoesNotMakeRelativeUrlsDangerous) {
  for (const std::string& base :
       {std::string("javascript:alert(1)//"), std::string("data:text/html,x/"), std::string("vbscript:x/")}) {
    const NormalizedFeed feed = normalize_xml(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"" + base +
        "\"><title>t</title><id>urn:f</id>"
        "<link href=\"home\"/><entry xml:base=\"" +
        base +
        "\"><id>urn:e</id><title>e</title>"
        "<link href=\"story\"/><link rel=\"enclosure\" xml:base=\"" +
        base +
        "\" href=\"episode.mp3\"/>"
        "<author><name>A</name><uri>about</uri></author><content type=\"html\" xml:base=\"" +
        base + "\">&lt;a href=\"inner\"&gt;x&lt;/a&gt;&lt;img src=\"pic.png\"&gt;</content></entry></feed>");
    ASSERT_EQ(feed.entries.size(), 1u) << base;
    expect_only_http_urls(feed, base);
    // The bad bases are passed over: relative URLs resolve against the document's.
    const Entry& entry = feed.entries[0];
    EXPECT_EQ(feed.feed.site_url, "https://feed.example/home") << base;
    EXPECT_EQ(entry.url, "https://feed.example/story") << base;
    ASSERT_EQ(entry.enclosures.size(), 1u) << base;
    EXPECT_EQ(entry.enclosures[0].url, "https://feed.example/episode.mp3") << base;
    EXPECT_EQ(entry.authors.at(0).uri, "https://feed.example/about") << base;
    EXPECT_EQ(entry.content_html,
              "<a href=\"https://feed.example/inner\">x</a><img src=\"https://feed.example/pic.png\" />")
        << base;
  }
}

TEST(XssUrls, AnHttpXmlBaseStillResolves) {
  const NormalizedFeed feed = normalize_xml(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://cdn.example/podcast/\"><title>t</title>"
      "<id>urn:f</id><entry xml:base=\"season-2/\"><id>urn:e</id><title>e</title>"
      "<link rel=\"enclosure\" href=\"episode.mp3\" type=\"audio/mpeg\"/></entry></feed>");
  ASSERT_EQ(feed.entries.size(), 1u);
  ASSERT_EQ(feed.entries[0].enclosures.size(), 1u);
  EXPECT_EQ(feed.entries[0].enclosures[0].url, "https://cdn.example/podcast/season-2/episode.mp3");
}

}  // namespace
}  // namespace tributary::normalize
