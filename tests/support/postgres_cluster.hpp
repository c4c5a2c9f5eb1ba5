// A throwaway PostgreSQL cluster for tests (issue 21: the PostgreSQL
// backend): initdb into a fresh temporary directory, a server that listens
// only on a Unix socket in that directory, and databases created and
// dropped through libpq, each named by a libpq connection URI.
//
// Errors: a cluster that cannot start throws std::runtime_error with a
// one-line reason (shared() turns it into nullptr + shared_skip_reason());
// a failed CREATE or DROP DATABASE throws std::runtime_error with the
// server's message, which fails the test that asked.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {

class PostgresCluster {
 public:
  // Runs initdb and starts the server (the newest /usr/lib/postgresql/*/bin;
  // as Debian's `postgres` user when this process is root, since the server
  // refuses root), waiting at most a minute for it to accept connections.
  // Durability is off (fsync, synchronous_commit, full_page_writes): a crash
  // loses nothing a test needs.
  PostgresCluster();
  // Stops the server as `pg_ctl stop -m immediate` does (SIGQUIT, then
  // SIGKILL after 10 s) and removes the directory.
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // One cluster per test process, started on first use and stopped at exit;
  // nullptr when it cannot start, and then shared_skip_reason() says why:
  //   auto* cluster = PostgresCluster::shared();
  //   if (!cluster) GTEST_SKIP() << PostgresCluster::shared_skip_reason();
  // Call it first from the test's main thread: the server dies with the
  // thread that started it (see the parent-death signal in the .cpp).
  static PostgresCluster* shared();
  static std::string shared_skip_reason();

  // Creates an empty database (at most 63 bytes of name, PostgreSQL's
  // limit) and returns its URI, e.g.
  // postgresql://tributary@/NAME?host=%2Ftmp%2Ftributary-test-AbC123
  std::string create_database(std::string_view name);
  // Drops it, ending any session still connected to it; no error if absent.
  void drop_database(std::string_view name);
  // `prefix` + "_" + a number no earlier call of this cluster returned, for
  // tests that share the cluster: create_database(unique_database_name("store")).
  std::string unique_database_name(std::string_view prefix);

  // The URI of a database of this cluster, superuser "tributary", trust auth.
  std::string connection_uri(std::string_view database) const;
  const std::filesystem::path& socket_directory() const { return directory_.path(); }

  // Freezes the server (SIGSTOP to it and its backends): it stops
  // answering without closing a connection, as a server whose machine
  // hangs does; thaw() lets it go on. For a cluster of one test's own
  // process only (shared() is per test process).
  void freeze();
  void thaw();

 private:
  void wait_until_ready();
  void stop();
  void signal_server_and_backends(int signal_number);

  TempDir directory_;  // data/, the socket, postgres.log; outlives server_
  std::optional<ChildProcess> server_;
  std::atomic<unsigned> databases_named_ = 0;
};

}  // namespace tributary::testing
