// Several daemons on one PostgreSQL database: each renders the feeds from
// the shared database, and re-renders when another one changed what they
// show. This is the listening end of that (LISTEN/NOTIFY on its own
// connection; the announcing end is Store::announce_change).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace tributary::store {

class PostgresDatabase;

class ChangeListener {
 public:
  // Connects to the PostgreSQL store at `location` and listens; throws
  // StoreError when it cannot. Announcements by `own_daemon` are ignored.
  ChangeListener(const StoreLocation& location, std::string own_daemon);
  ~ChangeListener();
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

  // Waits up to `most`: true when another daemon announced a change.
  // Throws StoreError when the connection broke; a new listener must be
  // made then, and the feeds rendered anew (announcements may be lost).
  bool wait_for_change(std::chrono::milliseconds most);

 private:
  std::unique_ptr<PostgresDatabase> db_;
  std::string own_daemon_;
};

}  // namespace tributary::store
