// Feed bytes → UTF-8. Decides the encoding from the byte order mark, the
// caller's HTTP charset and the XML declaration (RFC 7303 §3 order, with the
// real-world exceptions noted in encoding.cpp), then decodes. Bytes that are
// mostly not UTF-8 where nothing or only a UTF-8 label speaks for UTF-8 are
// detected (parse/detect.hpp), and a document that is double-encoded UTF-8
// throughout is repaired. Never fails: the invalid sequences left become
// U+FFFD and characters XML forbids are dropped.
#pragma once

#include <string>
#include <string_view>

namespace tributary::parse {

// Most feeds arrive as clean UTF-8; then the decoded text is the input bytes
// themselves (less a BOM) rather than a copy of up to 32 MB. Such a
// DecodedDocument borrows: it must not outlive the bytes it was decoded from.
struct DecodedDocument {
  std::string encoding;        // what the bytes were read as: "utf-8", "utf-16le", "windows-1252", "koi8-r", …
  std::string repair;          // what had to be repaired, empty when nothing
  std::string converted;       // the text, when decoding had to change the bytes
  std::string_view unchanged;  // the text, when the input bytes already were it
  bool is_converted = false;

  // UTF-8 without BOM; only characters XML 1.0 allows.
  std::string_view text() const { return is_converted ? std::string_view(converted) : unchanged; }
};

DecodedDocument decode_document(std::string_view bytes, std::string_view http_charset);

// The encoding named by an XML declaration at the start of ASCII-compatible
// bytes ("<?xml version='1.0' encoding='ISO-8859-1'?>" → "ISO-8859-1").
std::string declared_encoding(std::string_view bytes);

}  // namespace tributary::parse
