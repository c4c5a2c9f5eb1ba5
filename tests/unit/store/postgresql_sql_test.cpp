// SQLite's parameters as PostgreSQL's (store/postgresql.hpp): the store's
// SQL is written once with ?N.
#include <gtest/gtest.h>

#include "store/postgresql.hpp"

namespace tributary::store {
namespace {

TEST(PostgresParameters, NumberedOnesKeepTheirNumbers) {
  const NumberedSql numbered = number_parameters("UPDATE t SET a = ?2 WHERE id = ?1 AND b = ?2");
  EXPECT_EQ(numbered.sql, "UPDATE t SET a = $2 WHERE id = $1 AND b = $2");
  EXPECT_EQ(numbered.parameter_count, 2);
  EXPECT_TRUE(numbered.unused.empty());
}

TEST(PostgresParameters, BareOnesTakeTheNextNumberAsInSqlite) {
  const NumberedSql numbered = number_parameters("SELECT ?, ?3, ?");
  EXPECT_EQ(numbered.sql, "SELECT $1, $3, $4");
  EXPECT_EQ(numbered.parameter_count, 4);
  EXPECT_EQ(numbered.unused, std::vector<int>{2});
}

TEST(PostgresParameters, QuotedTextAndNamesAreLeftAlone) {
  const NumberedSql numbered = number_parameters("SELECT '?1', 'it''s ?', \"col?\" FROM t WHERE x = ?1");
  EXPECT_EQ(numbered.sql, "SELECT '?1', 'it''s ?', \"col?\" FROM t WHERE x = $1");
  EXPECT_EQ(numbered.parameter_count, 1);
}

TEST(PostgresParameters, OnesAQueryShapeLeavesOutAreListed) {
  const NumberedSql numbered = number_parameters("SELECT id FROM s WHERE t < ?4 ORDER BY t LIMIT ?6");
  EXPECT_EQ(numbered.parameter_count, 6);
  EXPECT_EQ(numbered.unused, (std::vector<int>{1, 2, 3, 5}));
}

}  // namespace
}  // namespace tributary::store
