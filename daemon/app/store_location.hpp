// Where the configured store keeps its data, as every command opens it:
// the SQLite file at [storage] database (resolve_database_path), or the
// PostgreSQL database at [storage] url with the password of
// [storage] password_file.
#pragma once

#include "config/config.hpp"
#include "store/store.hpp"

namespace tributary::app {

// Throws std::runtime_error when the password file cannot be read (it was
// readable when the configuration was checked) or is empty.
store::StoreLocation configured_store(const config::Config& config);

}  // namespace tributary::app
