// The server's open connections and who gives way when every slot is
// taken. Idle sockets cost an attacker nothing: without this, max_connections
// of them (no byte sent) would hold every slot until idle_timeout, and an
// attacker reconnecting once a minute would keep readers out for good. So a
// new connection at the limit closes the one that has been idle longest —
// waiting for its first or next request, nothing in progress; a keep-alive
// client that loses it just reconnects (RFC 9112 §9.3.1: retry on a closed
// idle connection). Only when every connection is busy with a request is a
// new one refused; busy ones end by themselves (header_timeout,
// write_timeout).
//
// No per-address cap: behind a reverse proxy, or a NAT, every reader comes
// from one address, and eviction already keeps one address from locking
// the others out.
//
// A template over the server's connection type, so that the policy is tested
// without sockets. I/O thread only.
#pragma once

#include <cstddef>
#include <iterator>
#include <list>
#include <unordered_map>

namespace tributary::serve {

// How many reader connections the server may hold when the process may
// open only `open_file_limit` descriptors: `configured` (max_connections)
// unless that would leave too few for the rest of the daemon — the
// fetcher's `fetch_connections`, the database, the log, the listening and
// control sockets. Readers that took every descriptor would fail polls and
// database writes, not only new readers (HAProxy derives its maxconn from
// the limit the same way). Readers keep at least a quarter of the limit.
constexpr std::size_t kDescriptorsBesideConnections = 64;
constexpr std::size_t connections_within_descriptor_limit(std::size_t open_file_limit, std::size_t configured,
                                                          std::size_t fetch_connections) {
  const std::size_t reserved = fetch_connections + kDescriptorsBesideConnections;
  const std::size_t floor = open_file_limit / 4 > 0 ? open_file_limit / 4 : 1;
  const std::size_t room = open_file_limit > reserved + floor ? open_file_limit - reserved : floor;
  return configured < room ? configured : room;
}

template <typename Connection>
class ConnectionTable {
 public:
  explicit ConnectionTable(std::size_t limit) : limit_(limit) {}

  // What to do with a connection that arrives.
  struct Admission {
    bool is_admitted = false;
    Connection* evicted = nullptr;  // close this one first; it has left the table
  };
  // Below the limit: admitted. At it: admitted in place of the longest
  // idle connection, or refused when none is idle.
  Admission admit() {
    if (open_.size() < limit_) return {true, nullptr};
    Connection* longest_idle = pop_longest_idle();
    return {longest_idle != nullptr, longest_idle};
  }

  // A connection that was admitted; idle until its first request starts.
  void add(Connection* connection) {
    busy_.push_front(connection);
    open_.emplace(connection, Place{busy_.begin(), false});
    mark_idle(connection);
  }
  void remove(Connection* connection) {
    const auto entry = open_.find(connection);
    if (entry == open_.end()) return;  // evicted
    (entry->second.is_idle ? idle_ : busy_).erase(entry->second.node);
    open_.erase(entry);
  }
  // Waiting for a request's first byte: it may be evicted from now on.
  // (Marking moves the connection's node between the lists: no allocation
  // per request.)
  void mark_idle(Connection* connection) {
    const auto entry = open_.find(connection);
    if (entry == open_.end() || entry->second.is_idle) return;
    idle_.splice(idle_.end(), busy_, entry->second.node);
    entry->second.is_idle = true;
  }
  // A request is in progress: it is not evicted.
  void mark_busy(Connection* connection) {
    const auto entry = open_.find(connection);
    if (entry == open_.end() || !entry->second.is_idle) return;
    busy_.splice(busy_.end(), idle_, entry->second.node);
    entry->second.is_idle = false;
  }

  // Removes the connection idle longest from the table and returns it;
  // nullptr when every one is busy.
  Connection* pop_longest_idle() {
    if (idle_.empty()) return nullptr;
    Connection* connection = idle_.front();
    idle_.pop_front();
    open_.erase(connection);
    return connection;
  }

  bool contains(Connection* connection) const { return open_.contains(connection); }
  bool is_idle(Connection* connection) const {
    const auto entry = open_.find(connection);
    return entry != open_.end() && entry->second.is_idle;
  }
  std::size_t size() const { return open_.size(); }
  std::size_t idle_count() const { return idle_.size(); }
  // Idle connections, longest idle first.
  const std::list<Connection*>& idle() const { return idle_; }
  // Calls fn(connection) for every open connection (the server's deadline
  // sweeper); fn must not add or remove any.
  template <typename Fn>
  void for_each(Fn fn) const {
    for (const auto& entry : open_) fn(entry.first);
  }

 private:
  std::size_t limit_;
  std::list<Connection*> idle_;  // longest idle first
  std::list<Connection*> busy_;  // in no order
  // Every open connection: its node, in idle_ or busy_.
  struct Place {
    typename std::list<Connection*>::iterator node;
    bool is_idle = false;
  };
  std::unordered_map<Connection*, Place> open_;
};

}  // namespace tributary::serve
