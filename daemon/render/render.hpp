// render: stored entries → feed documents (Atom 1.0 now), and the immutable
// RenderedFeed objects the server hands out. Pure: `now` comes in.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "core/time.hpp"
#include "store/store.hpp"

namespace tributary::render {

struct FeedHeader {
  std::string id;             // atom:id of the merged feed
  std::string title;
  std::string subtitle;
  std::string self_url;       // where this document is served
  std::string alternate_url;  // the daemon's landing page
  std::string tag_authority;  // DNS name for entry tag: URIs
  core::Timestamp now;        // feed updated time when there are no entries
};

std::string render_atom(const FeedHeader& header, std::span<const store::StoredEntry> entries);

// The entry's stable atom:id: a tag URI from the source's configured URL and
// the item's identity key, so it survives restarts, re-polls and edits.
std::string entry_id(std::string_view tag_authority, const store::StoredEntry& entry);

// A feed document ready to serve: bytes, a gzip copy, validators.
struct RenderedFeed {
  std::string content_type;
  std::string body;
  std::string gzip_body;
  std::string etag;  // strong, from the bytes
  core::Timestamp last_modified;
};

std::shared_ptr<const RenderedFeed> make_rendered(std::string content_type, std::string body,
                                                  core::Timestamp last_modified);

// The current rendered feed, swapped whole on each store change; readers
// take the pointer and never see a half-made document.
class FeedSlot {
 public:
  void publish(std::shared_ptr<const RenderedFeed> feed);
  std::shared_ptr<const RenderedFeed> current() const;

 private:
  mutable std::mutex mutex_;  // guards feed_ (the writer publishes, connections read)
  std::shared_ptr<const RenderedFeed> feed_;
};

}  // namespace tributary::render
