// A minimal streaming XML writer: escapes text and attributes, nothing else.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tributary::render {

using Attributes = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class XmlWriter {
 public:
  explicit XmlWriter(std::string& out) : out_(out) {}

  void open(std::string_view name, Attributes attributes = {}) {
    start_tag(name, attributes);
    out_ += '>';
  }
  void empty(std::string_view name, Attributes attributes = {}) {
    start_tag(name, attributes);
    out_ += "/>";
  }
  void close(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }
  // <name attributes>text</name>
  void element(std::string_view name, std::string_view text, Attributes attributes = {}) {
    open(name, attributes);
    escape(text, false);
    close(name);
  }
  void text(std::string_view text) { escape(text, false); }
  void raw(std::string_view markup) { out_ += markup; }

 private:
  void start_tag(std::string_view name, Attributes attributes) {
    out_ += '<';
    out_ += name;
    for (const auto& [attribute, value] : attributes) {
      out_ += ' ';
      out_ += attribute;
      out_ += "=\"";
      escape(value, true);
      out_ += '"';
    }
  }
  void escape(std::string_view text, bool is_attribute);

  std::string& out_;
};

}  // namespace tributary::render
