// [storage]: where the store keeps its data — a SQLite file (the default) or
// a PostgreSQL database named by a libpq connection URI — and how long it
// keeps it. The URI may carry a password: messages and logs show it only
// through redacted_storage_url.
#include <algorithm>
#include <vector>

#include "config/sections.hpp"
#include "core/core.hpp"
#include "core/file.hpp"

namespace tributary::config {
namespace {

constexpr std::string_view kExampleUrl = "\"postgresql://tributary@/tributary?host=/run/postgresql\"";

// A range of a URI's text that holds a secret.
struct Secret {
  std::size_t begin;
  std::size_t end;
};

// "%70assword" is "password" to libpq, which percent-decodes parameter
// names as well as values.
std::string decoded_lower(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return core::to_lower_ascii(out);
}

// The password of the userinfo: from its first ':' to the '@' that ends
// it. libpq takes the first '@' before the path; an operator may not have
// percent-encoded a '/', '?' or '@' of the password, so the '@' taken here
// is the last one before the path or the query, whichever starts later.
// A URI with an '@' in its database name then hides more than its password,
// which is harmless; showing part of a password is not.
std::optional<Secret> userinfo_password(std::string_view url, std::size_t authority_start) {
  const auto end_of = [&](std::size_t found) { return found == std::string_view::npos ? url.size() : found; };
  const std::size_t path_start = end_of(url.find('/', authority_start));
  const std::size_t query_start = end_of(url.find('?', authority_start));
  const std::size_t at = url.substr(0, std::max(path_start, query_start)).rfind('@');
  if (at == std::string_view::npos || at < authority_start) return std::nullopt;
  const std::size_t colon = url.substr(0, at).find(':', authority_start);
  if (colon == std::string_view::npos || colon + 1 == at) return std::nullopt;
  return Secret{colon + 1, at};
}

// The values of `password=` (and of `sslpassword=`, the client key's
// passphrase) among the parameters. Every '?' and '&' after the first '?'
// separates parameters here: a password with an unencoded '?' then cannot
// hide a later `password=`.
std::vector<Secret> parameter_passwords(std::string_view url, std::size_t authority_start) {
  std::vector<Secret> secrets;
  std::size_t start = url.find('?', authority_start);
  while (start != std::string_view::npos) {
    ++start;
    const std::size_t end = std::min(url.find_first_of("?&", start), url.size());
    const std::string_view parameter = url.substr(start, end - start);
    const std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos && equals + 1 < parameter.size()) {
      const std::string name = decoded_lower(parameter.substr(0, equals));
      if (name == "password" || name == "sslpassword") secrets.push_back({start + equals + 1, end});
    }
    start = end == url.size() ? std::string_view::npos : end;
  }
  return secrets;
}

// Every secret of `url`, in order and not overlapping. Text that is not a
// URI at all (a "key=value" connection string) is a secret as a whole.
std::vector<Secret> secrets_of(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    if (url.empty()) return {};
    return {{0, url.size()}};
  }
  const std::size_t authority_start = scheme_end + 3;
  std::vector<Secret> secrets = parameter_passwords(url, authority_start);
  if (auto password = userinfo_password(url, authority_start)) secrets.push_back(*password);
  std::sort(secrets.begin(), secrets.end(), [](const Secret& a, const Secret& b) { return a.begin < b.begin; });
  std::vector<Secret> merged;
  for (const Secret& secret : secrets) {
    if (!merged.empty() && secret.begin <= merged.back().end)
      merged.back().end = std::max(merged.back().end, secret.end);
    else
      merged.push_back(secret);
  }
  return merged;
}

// libpq's two URI prefixes (it compares them case-sensitively). The rest
// is libpq's to read when the backend connects; only what cannot be right
// in any URI is refused here. The value is not quoted: it may hold a
// password.
std::string storage_url_problem(const std::string& url) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://"))
    return "expected a PostgreSQL connection URI starting with \"postgresql://\" or \"postgres://\", such as " +
           std::string(kExampleUrl);
  if (url.find(' ') != std::string::npos) return "contains a space; percent-encode it as %20";
  return {};
}

// url and password_file mean something only to the PostgreSQL backend, and
// database only to SQLite: a key the backend would ignore is a mistake.
void check_backend_keys(TableReader& reader, ReadContext& context) {
  const StorageBackend backend = context.config.storage.backend;
  if (backend == StorageBackend::sqlite) {
    const std::string which = reader.contains("backend") ? "" : ", the default";
    for (const std::string_view key : {"url", "password_file"})
      if (reader.contains(key))
        context.errors.add(reader.source_of(key), reader.qualified(key) +
                                                      " applies only to storage.backend = \"postgresql\" (here it is "
                                                      "\"sqlite\"" +
                                                      which + "): set the backend or remove the key");
    return;
  }
  if (!reader.contains("url"))
    context.errors.add(reader.source_of("backend"),
                       "storage.backend = \"postgresql\" needs storage.url, a libpq connection URI such as " +
                           std::string(kExampleUrl));
  if (reader.contains("database"))
    context.errors.add(reader.source_of("database"),
                       "storage.database is the SQLite file; with storage.backend = \"postgresql\" the data is in "
                       "the PostgreSQL database that storage.url names: remove storage.database");
}

// The file is only checked here; the backend reads the password when it
// connects, so that it never sits in a Config that is copied and logged.
void read_password_file_key(TableReader& reader, ReadContext& context) {
  const auto password_file = reader.string("password_file");
  StorageConfig& storage = context.config.storage;
  if (!password_file || storage.backend != StorageBackend::postgresql) return;
  const std::filesystem::path path = beside_config(context.errors.file(), *password_file);
  const core::FileRead read = core::read_file_limited(path, kMaxPasswordFileBytes);
  if (!read.bytes) {
    context.errors.add(reader.source_of("password_file"),
                       "storage.password_file: cannot read " + in_quotes(path.string()) + ": " + read.error);
    return;
  }
  if (!storage.url.empty() && !secrets_of(storage.url).empty()) {
    context.errors.add(reader.source_of("password_file"),
                       "storage.password_file and a password in storage.url are exclusive: keep one");
    return;
  }
  storage.password_file = path;
}

}  // namespace

std::string_view to_string(StorageBackend backend) {
  return backend == StorageBackend::postgresql ? "postgresql" : "sqlite";
}

std::string redacted_storage_url(std::string_view url) {
  std::string redacted(url);
  const std::vector<Secret> secrets = secrets_of(url);
  for (auto secret = secrets.rbegin(); secret != secrets.rend(); ++secret)
    redacted.replace(secret->begin, secret->end - secret->begin, "***");
  return redacted;
}

void read_storage(TableReader& reader, const toml::table&, ReadContext& context) {
  StorageConfig& storage = context.config.storage;
  const auto backend = reader.one_of<StorageBackend>(
      "backend", {{"sqlite", StorageBackend::sqlite}, {"postgresql", StorageBackend::postgresql}});
  if (backend) storage.backend = *backend;
  if (auto database = reader.string("database")) storage.database = *database;
  if (auto url = reader.checked_string("url", storage_url_problem)) storage.url = *url;
  // Which keys belong is known only when the backend is; a misspelt
  // backend is reported once, as what it is.
  const bool is_backend_known = backend || !reader.contains("backend");
  if (is_backend_known) check_backend_keys(reader, context);
  read_password_file_key(reader, context);
  if (auto items = reader.integer("retention_items", 1, 10'000'000))
    storage.retention_items = static_cast<std::uint32_t>(*items);
  if (auto age = reader.duration("retention_age", kAgeRange)) storage.retention_age = *age;
  if (auto age = reader.duration("tombstone_age", kAgeRange)) storage.tombstone_age = *age;
  if (auto grace = reader.duration("removed_source_grace", kAgeRange)) storage.removed_source_grace = *grace;
}

}  // namespace tributary::config
