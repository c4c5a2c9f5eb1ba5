// [storage]: the SQLite default, the PostgreSQL backend's url and
// password_file, the keys that belong to the other backend, and the
// redaction that keeps the URL's password out of every message and log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config.hpp"
#include "support/temp_dir.hpp"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> errors_of(const std::string& toml) {
  std::vector<std::string> messages;
  for (const ConfigError& error : parse_config(toml, "test.toml").errors) messages.push_back(to_string(error));
  return messages;
}

StorageConfig storage_of(const std::string& toml) {
  const ConfigLoad loaded = parse_config(toml, "test.toml");
  EXPECT_THAT(loaded.errors, IsEmpty()) << to_string(loaded.errors.front());
  return loaded.config ? loaded.config->storage : StorageConfig{};
}

TEST(StorageBackends, SqliteIsTheDefault) {
  const StorageConfig storage = storage_of("");
  EXPECT_EQ(storage.backend, StorageBackend::sqlite);
  EXPECT_EQ(storage.database, "var/tributary.db");
  EXPECT_EQ(storage.url, "");
  EXPECT_EQ(storage.password_file, "");
}

TEST(StorageBackends, SqliteCanBeNamed) {
  const StorageConfig storage = storage_of("[storage]\nbackend = \"sqlite\"\ndatabase = \"/srv/t.db\"\n");
  EXPECT_EQ(storage.backend, StorageBackend::sqlite);
  EXPECT_EQ(storage.database, "/srv/t.db");
}

TEST(StorageBackends, NamesForLogs) {
  EXPECT_EQ(to_string(StorageBackend::sqlite), "sqlite");
  EXPECT_EQ(to_string(StorageBackend::postgresql), "postgresql");
}

TEST(StorageBackends, PostgresqlOverAUnixSocketInTheQuery) {
  const StorageConfig storage = storage_of(
      "[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://tributary@/tributary?host=/run/postgresql\"\n");
  EXPECT_EQ(storage.backend, StorageBackend::postgresql);
  EXPECT_EQ(storage.url, "postgresql://tributary@/tributary?host=/run/postgresql");
  EXPECT_EQ(storage.password_file, "");
}

TEST(StorageBackends, PostgresqlOverAPercentEncodedSocketHost) {
  EXPECT_EQ(
      storage_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://%2Frun%2Fpostgresql/tributary\"\n").url,
      "postgresql://%2Frun%2Fpostgresql/tributary");
}

TEST(StorageBackends, PostgresSchemeWithPasswordAndPort) {
  EXPECT_EQ(storage_of("[storage]\nbackend = \"postgresql\"\n"
                       "url = \"postgres://tributary:s3cret@db.example:5433/news?sslmode=verify-full\"\n")
                .url,
            "postgres://tributary:s3cret@db.example:5433/news?sslmode=verify-full");
}

TEST(StorageBackends, PasswordFileIsResolvedBesideTheConfig) {
  testing::TempDir dir;
  dir.write("pg-password", "s3cret\n");
  const auto config_path =
      dir.write("tributary.toml",
                "[storage]\nbackend = \"postgresql\"\n"
                "url = \"postgresql://tributary@db.example/news\"\npassword_file = \"pg-password\"\n");
  const ConfigLoad loaded = load_config_file(config_path);
  ASSERT_TRUE(loaded.config) << to_string(loaded.errors.at(0));
  EXPECT_EQ(loaded.config->storage.password_file, dir.path() / "pg-password");
  EXPECT_EQ(loaded.config->storage.url, "postgresql://tributary@db.example/news");
}

TEST(StorageErrors, AnUnknownBackendNamesTheTwoValues) {
  // And nothing else: which keys belong depends on the backend meant.
  EXPECT_THAT(errors_of("[storage]\nbackend = \"mysql\"\nurl = \"postgresql://db.example/news\"\n"),
              ElementsAre("test.toml:2:11: storage.backend must be \"sqlite\" or \"postgresql\", not \"mysql\""));
}

TEST(StorageErrors, PostgresqlNeedsAUrlAndShowsAnExample) {
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\n"),
              ElementsAre("test.toml:2:11: storage.backend = \"postgresql\" needs storage.url, a libpq connection URI "
                          "such as \"postgresql://tributary@/tributary?host=/run/postgresql\""));
}

TEST(StorageErrors, AUrlOfAnotherSchemeIsRefused) {
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"mysql://tributary:s3cret@db.example/news\"\n"),
              ElementsAre("test.toml:3:7: storage.url: expected a PostgreSQL connection URI starting with "
                          "\"postgresql://\" or \"postgres://\", such as "
                          "\"postgresql://tributary@/tributary?host=/run/postgresql\""));
}

TEST(StorageErrors, AKeyValueConnectionStringIsRefused) {
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"host=/run/postgresql dbname=news\"\n"),
              ElementsAre(HasSubstr("test.toml:3:7: storage.url: expected a PostgreSQL connection URI")));
}

TEST(StorageErrors, ASpaceInTheUrlIsRefused) {
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db.example/my news\"\n"),
              ElementsAre("test.toml:3:7: storage.url: contains a space; percent-encode it as %20"));
}

TEST(StorageErrors, AControlCharacterInTheUrlIsRefused) {
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db.example/news\\u0007\"\n"),
              ElementsAre(HasSubstr("test.toml:3:7: storage.url contains the control character U+0007")));
}

TEST(StorageErrors, AUrlWithSqliteWouldBeIgnored) {
  EXPECT_THAT(errors_of("[storage]\nurl = \"postgresql://db.example/news\"\n"),
              ElementsAre("test.toml:2:7: storage.url applies only to storage.backend = \"postgresql\" (here it is "
                          "\"sqlite\", the default): set the backend or remove the key"));
  EXPECT_THAT(errors_of("[storage]\nbackend = \"sqlite\"\npassword_file = \"/etc/hostname\"\n"),
              ElementsAre("test.toml:3:17: storage.password_file applies only to storage.backend = \"postgresql\" "
                          "(here it is \"sqlite\"): set the backend or remove the key"));
}

TEST(StorageErrors, ADatabaseWithPostgresqlWouldBeIgnored) {
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db.example/news\"\n"
                        "database = \"var/tributary.db\"\n"),
              ElementsAre("test.toml:4:12: storage.database is the SQLite file; with storage.backend = "
                          "\"postgresql\" the data is in the PostgreSQL database that storage.url names: remove "
                          "storage.database"));
}

TEST(StorageErrors, APasswordFileMustBeReadable) {
  testing::TempDir dir;
  const auto absent = dir.path() / "absent";
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db.example/news\"\n"
                        "password_file = \"" +
                        absent.string() + "\"\n"),
              ElementsAre("test.toml:4:17: storage.password_file: cannot read \"" + absent.string() +
                          "\": No such file or directory"));
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db.example/news\"\n"
                        "password_file = \"/dev/zero\"\n"),
              ElementsAre("test.toml:4:17: storage.password_file: cannot read \"/dev/zero\": not a regular file (a "
                          "character device)"));
}

TEST(StorageErrors, APasswordFileLargerThan64KibibytesIsRefused) {
  testing::TempDir dir;
  const auto huge = dir.write("huge", std::string(64 * 1024 + 1, 'p'));
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db.example/news\"\n"
                        "password_file = \"" +
                        huge.string() + "\"\n"),
              ElementsAre("test.toml:4:17: storage.password_file: cannot read \"" + huge.string() +
                          "\": too large (more than 64KiB)"));
}

TEST(StorageErrors, APasswordFileAndAPasswordInTheUrlAreExclusive) {
  testing::TempDir dir;
  const auto secret = dir.write("pg-password", "other\n");
  const std::string expected =
      "test.toml:4:17: storage.password_file and a password in storage.url are exclusive: "
      "keep one";
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://t:s3cret@db.example/news\"\n"
                        "password_file = \"" +
                        secret.string() + "\"\n"),
              ElementsAre(expected));
  EXPECT_THAT(errors_of("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db.example/news?password=s3cret\"\n"
                        "password_file = \"" +
                        secret.string() + "\"\n"),
              ElementsAre(expected));
}

// Every mistake above, each written with a password in the URL: the
// messages name keys and places, never the password.
TEST(StorageErrors, NoMessageShowsThePassword) {
  const std::string url = "\"postgresql://tributary:s3cret@db.example/news?password=s3cret\"";
  const std::string configs[] = {
      "[storage]\nbackend = \"mysql\"\nurl = " + url + "\n",
      "[storage]\nurl = " + url + "\n",
      "[storage]\nbackend = \"postgresql\"\nurl = \"mysql://tributary:s3cret@db.example/news\"\n",
      "[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://tributary:s3cret@db.example/my news\"\n",
      "[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://tributary:s3cret\\u001b@db.example/news\"\n",
      "[storage]\nbackend = \"postgresql\"\nurl = \"host=db.example password=s3cret\"\n",
      "[storage]\nbackend = \"postgresql\"\nurl = " + url + "\ndatabase = \"t.db\"\n",
      "[storage]\nbackend = \"postgresql\"\nurl = " + url + "\npassword_file = \"/etc/hostname\"\n",
      "[storage]\nbackend = \"postgresql\"\nurl = " + url + "\nuri = " + url + "\n",
  };
  for (const std::string& config : configs) {
    const std::vector<std::string> errors = errors_of(config);
    EXPECT_THAT(errors, ::testing::Not(IsEmpty())) << config;
    for (const std::string& error : errors) EXPECT_THAT(error, ::testing::Not(HasSubstr("s3cret"))) << config;
  }
}

TEST(StorageUrlRedaction, HidesThePasswordOfTheUserinfo) {
  EXPECT_EQ(redacted_storage_url("postgresql://tributary:s3cret@db.example/news"),
            "postgresql://tributary:***@db.example/news");
  EXPECT_EQ(redacted_storage_url("postgres://:s3cret@db.example:5432/news"), "postgres://:***@db.example:5432/news");
}

TEST(StorageUrlRedaction, HidesPasswordParameters) {
  EXPECT_EQ(redacted_storage_url("postgresql://db.example/news?user=tributary&password=s3cret&sslmode=require"),
            "postgresql://db.example/news?user=tributary&password=***&sslmode=require");
  EXPECT_EQ(redacted_storage_url("postgresql://db.example/news?sslmode=require&password=s3cret"),
            "postgresql://db.example/news?sslmode=require&password=***");
  // libpq percent-decodes parameter names too.
  EXPECT_EQ(redacted_storage_url("postgresql://db.example/news?%70assword=s3cret"),
            "postgresql://db.example/news?%70assword=***");
  // The passphrase of the client certificate's key.
  EXPECT_EQ(redacted_storage_url("postgresql://db.example/news?sslkey=/k.pem&sslpassword=s3cret"),
            "postgresql://db.example/news?sslkey=/k.pem&sslpassword=***");
}

TEST(StorageUrlRedaction, HidesBothWhenBothAreGiven) {
  EXPECT_EQ(redacted_storage_url("postgresql://t:s3cret@db.example/news?password=other"),
            "postgresql://t:***@db.example/news?password=***");
}

TEST(StorageUrlRedaction, LeavesAUrlWithoutPasswordAlone) {
  for (const std::string_view url : {
           "postgresql://tributary@/tributary?host=/run/postgresql", "postgresql://%2Frun%2Fpostgresql/tributary",
           "postgresql://", "postgresql://[::1]:5432/news",
           "postgresql://h1:5432,h2:5433/news?target_session_attrs=read-write",
           "postgresql://db.example/news?passfile=/etc/tributary/pgpass",
           "postgresql://t:@db.example/news?password=",  // empty: nothing to hide
       })
    EXPECT_EQ(redacted_storage_url(url), url);
}

TEST(StorageUrlRedaction, HidesThePasswordBeforeAPercentEncodedSocketHost) {
  EXPECT_EQ(redacted_storage_url("postgresql://tributary:s3cret@%2Frun%2Fpostgresql/news"),
            "postgresql://tributary:***@%2Frun%2Fpostgresql/news");
  EXPECT_EQ(redacted_storage_url("postgresql://t:s3cret@h1:5432,h2:5433/news"),
            "postgresql://t:***@h1:5432,h2:5433/news");
}

TEST(StorageUrlRedaction, HidesAPasswordWithUnencodedDelimitersWhole) {
  EXPECT_EQ(redacted_storage_url("postgresql://t:s3/cr@t@db.example/news"), "postgresql://t:***@db.example/news");
  EXPECT_EQ(redacted_storage_url("postgresql://t:s3?cret@db.example/news"), "postgresql://t:***@db.example/news");
  EXPECT_EQ(redacted_storage_url("postgresql://t:s3?cret@db.example/news?password=s3cret"),
            "postgresql://t:***@db.example/news?password=***");
}

TEST(StorageUrlRedaction, AnAtInTheDatabaseNameHidesMoreNotLess) {
  EXPECT_EQ(redacted_storage_url("postgresql://db.example:5432/news@home"), "postgresql://db.example:***@home");
}

TEST(StorageUrlRedaction, TextThatIsNotAUriIsHiddenWhole) {
  EXPECT_EQ(redacted_storage_url("host=db.example password=s3cret"), "***");
  EXPECT_EQ(redacted_storage_url(""), "");
}

}  // namespace
}  // namespace tributary::config
