// The store's one exception: the database failed (disk full, corrupt or
// replaced file, a schema newer than this build). Expected outcomes are
// return values; this is for what no caller can fix by retrying at once.
#pragma once

#include <stdexcept>

namespace tributary::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tributary::store
