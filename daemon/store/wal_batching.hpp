// A SQLite VFS that wraps the platform's default one and hands each
// commit's WAL frames to the operating system in one write, where SQLite
// issues two (frame header, then page) per page it changed.
#pragma once

namespace tributary::store {

// Registers the VFS on first use (not as the default) and returns the name
// to pass to sqlite3_open_v2.
const char* wal_batching_vfs();

}  // namespace tributary::store
