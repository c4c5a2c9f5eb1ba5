// RenderedFeed construction: a gzip copy and a strong ETag from the bytes.
#include <zlib.h>

#include <algorithm>

#include "core/text.hpp"
#include "core/time.hpp"
#include "render/render.hpp"

namespace tributary::render {
namespace {

std::string gzip(std::string_view bytes) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip wrapper; level 6 is zlib's default trade-off.
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(bytes.size())));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace

std::shared_ptr<const RenderedFeed> make_rendered(std::string content_type, std::string body,
                                                  core::Timestamp last_modified) {
  auto feed = std::make_shared<RenderedFeed>();
  feed->content_type = std::move(content_type);
  // Appended piece by piece: g++ 12 at -O3 warns (falsely) on "…" + temporary.
  const std::string digest = core::sha256_hex(body);
  feed->etag.reserve(34);
  feed->etag.push_back('"');
  feed->etag.append(digest.data(), std::min<std::size_t>(digest.size(), 32));
  feed->etag.push_back('"');
  feed->gzip_body = gzip(body);
  feed->body = std::move(body);
  feed->last_modified = last_modified;
  std::string& fields = feed->http_fields;
  fields.append("Content-Type: ").append(feed->content_type).append("\r\n");
  fields.append("ETag: ").append(feed->etag).append("\r\n");
  fields.append("Last-Modified: ").append(core::format_http_date(last_modified)).append("\r\n");
  return feed;
}

}  // namespace tributary::render
