// The tests' throwaway PostgreSQL cluster (support/postgres_cluster.hpp):
// its databases are reachable by the URIs it returns, separate from each
// other, have the contrib extensions, and can be dropped while in use.
#include "support/postgres_cluster.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>
#include <string>

namespace tributary::testing {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Connection connect(const std::string& uri) { return Connection(PQconnectdb(uri.c_str()), &PQfinish); }

// The first value of the first row; "" for a statement without rows; the
// server's message after "error: " when it fails.
std::string query_value(PGconn* connection, const std::string& sql) {
  const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection, sql.c_str()), &PQclear);
  if (PQresultStatus(result.get()) == PGRES_TUPLES_OK && PQntuples(result.get()) > 0)
    return PQgetvalue(result.get(), 0, 0);
  if (PQresultStatus(result.get()) == PGRES_COMMAND_OK || PQresultStatus(result.get()) == PGRES_TUPLES_OK) return "";
  return std::string("error: ") + PQerrorMessage(connection);
}

TEST(PostgresCluster, KeepsTwoDatabasesSeparateEachWithUnaccent) {
  auto* cluster = PostgresCluster::shared();
  if (!cluster) GTEST_SKIP() << PostgresCluster::shared_skip_reason();
  const std::string first_name = cluster->unique_database_name("separate");
  const std::string second_name = cluster->unique_database_name("separate");
  ASSERT_NE(first_name, second_name);
  const Connection first = connect(cluster->create_database(first_name));
  const Connection second = connect(cluster->create_database(second_name));
  ASSERT_EQ(PQstatus(first.get()), CONNECTION_OK) << PQerrorMessage(first.get());
  ASSERT_EQ(PQstatus(second.get()), CONNECTION_OK) << PQerrorMessage(second.get());

  EXPECT_EQ(query_value(first.get(), "SELECT current_database()"), first_name);
  EXPECT_EQ(query_value(second.get(), "SELECT current_database()"), second_name);
  EXPECT_EQ(query_value(first.get(), "CREATE EXTENSION IF NOT EXISTS unaccent"), "");
  EXPECT_EQ(query_value(first.get(), "SELECT unaccent('Crème brûlée à Göteborg')"), "Creme brulee a Goteborg");
  EXPECT_EQ(query_value(first.get(), "CREATE TABLE only_in_first (id integer)"), "");

  EXPECT_EQ(query_value(second.get(), "SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'"), "0");
  EXPECT_EQ(query_value(second.get(), "SELECT to_regclass('only_in_first') IS NULL"), "t");
  EXPECT_EQ(query_value(second.get(), "CREATE EXTENSION IF NOT EXISTS unaccent"), "");
  EXPECT_EQ(query_value(second.get(), "SELECT unaccent('Łódź')"), "Lodz");

  cluster->drop_database(first_name);
  cluster->drop_database(second_name);
}

TEST(PostgresCluster, PercentEncodesTheNameAndSocketDirectoryInTheUri) {
  auto* cluster = PostgresCluster::shared();
  if (!cluster) GTEST_SKIP() << PostgresCluster::shared_skip_reason();
  std::string encoded_directory;
  for (const char c : cluster->socket_directory().string())
    encoded_directory += c == '/' ? std::string("%2F") : std::string(1, c);
  const std::string uri = cluster->create_database("café au lait/2");
  EXPECT_EQ(uri, "postgresql://tributary@/caf%C3%A9%20au%20lait%2F2?host=" + encoded_directory);

  const Connection connection = connect(uri);
  ASSERT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
  EXPECT_EQ(query_value(connection.get(), "SELECT current_database()"), "café au lait/2");
  cluster->drop_database("café au lait/2");
}

TEST(PostgresCluster, DropsADatabaseASessionStillUses) {
  auto* cluster = PostgresCluster::shared();
  if (!cluster) GTEST_SKIP() << PostgresCluster::shared_skip_reason();
  const std::string name = cluster->unique_database_name("dropped");
  const std::string uri = cluster->create_database(name);
  const Connection session = connect(uri);
  ASSERT_EQ(PQstatus(session.get()), CONNECTION_OK) << PQerrorMessage(session.get());

  cluster->drop_database(name);

  const Connection after = connect(uri);
  EXPECT_EQ(PQstatus(after.get()), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(after.get())).find("database \"" + name + "\" does not exist"),
            std::string::npos)
      << PQerrorMessage(after.get());
  EXPECT_NO_THROW(cluster->drop_database(name)) << "dropping an absent database is not an error";
}

}  // namespace
}  // namespace tributary::testing
