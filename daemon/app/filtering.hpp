// [[filter]] in the daemon: judging what is stored again when the filters
// changed (at start, before the first feed is rendered; on reload, a batch
// at a time on the writer), and what the log says about it.
#pragma once

#include <cstddef>

#include "store/store.hpp"

namespace tributary::app {

struct RefilterTotals {
  std::size_t examined = 0;
  std::size_t hidden = 0;
  std::size_t shown = 0;
  void add(const store::RefilterStep& step);
};

// "filters: 3 stored items hidden, 1 shown again (120 judged)"; nothing
// when nothing was judged.
void log_refilter(const RefilterTotals& totals);

// Every batch at once: for start-up, before other threads use the store.
RefilterTotals refilter_now(store::Store& store);

}  // namespace tributary::app
