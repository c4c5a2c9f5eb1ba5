#include "store/database.hpp"

namespace tributary::store {

Transaction::Transaction(Database& db) : db_(db) { db_.begin(); }

Transaction::~Transaction() {
  if (is_open_) db_.rollback();
}

void Transaction::commit() {
  db_.commit();
  is_open_ = false;
}

}  // namespace tributary::store
