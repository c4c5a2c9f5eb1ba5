// Crash-test child: ingests batches into a store forever, printing
// "committed N" after each batch's transaction commits. The parent kills it
// at random moments (SIGKILL) and checks what survived.
#include <cstdio>
#include <string>

#include "core/time.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"

using namespace tributary;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: store_crash_child DATABASE\n");
    return 2;
  }
  // Nothing may be purged by retention here: the test counts every item.
  store::StoreOptions options;
  options.retention_items = 100'000'000;
  store::Store db(argv[1], options);
  config::SourceSpec spec;
  spec.url = "https://crash.example/feed";
  spec.name = "Crash";
  const auto source = db.ensure_source(spec);
  // Resume after the last batch a previous run committed.
  auto& max_batch = store::database_of(db).cached(
      "SELECT coalesce(max(CAST(substr(original_id, 1, instr(original_id, '-') - 1) AS INTEGER)), -1) FROM items");
  max_batch.step();
  long long batch = max_batch.int64(0) + 1;
  max_batch.reset();
  for (;; ++batch) {
    normalize::NormalizedFeed feed;
    for (int i = 0; i < 10; ++i) {
      normalize::Entry entry;
      entry.original_id = std::to_string(batch) + "-" + std::to_string(i);
      entry.identity_key = normalize::IdentityKey::from_id(entry.original_id);
      entry.title = "Item " + entry.original_id;
      entry.url = "https://crash.example/" + entry.original_id;
      entry.canonical_url = entry.url;
      entry.content_html = "<p>Body of item " + entry.original_id + "</p>";
      entry.published = core::now_utc();
      feed.entries.push_back(std::move(entry));
    }
    db.ingest(source, feed, core::now_utc());
    std::printf("committed %lld\n", batch);
    std::fflush(stdout);
  }
}
