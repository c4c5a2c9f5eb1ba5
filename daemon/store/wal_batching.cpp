// Why this exists: SQLite appends every changed page to the WAL as two
// writes (its 24-byte frame header, then the page), so a poll that changes
// 60 pages costs 120 system calls at commit, and on the virtual machines
// this daemon typically runs on a system call is the expensive part of a
// commit (bench/scale: half of the writer thread's time). This VFS keeps a
// run of appended frames in memory and writes it at once when the frame
// that ends the transaction (a frame header whose "database size after
// commit" field is set) is complete.
//
// Why it is safe: readers and checkpoints only use frames that the
// wal-index header in shared memory says are committed, and SQLite updates
// that header after sqlite3WalFrames returns, i.e. after the commit frame's
// write came back here — by then the run is in the file. A run that is
// still buffered therefore only ever holds frames of a transaction that has
// not committed; losing it in a crash is what losing the poll in flight
// means anyway. Everything else (a page rewritten in place, checksum
// rewrites, reads, syncs, truncation, size queries, closing) first writes
// out the run, then goes to the platform VFS unchanged. As a second line,
// the database file's shared-memory barrier and lock calls write out its
// WAL's run too, so no future ordering inside SQLite can publish a
// buffered frame. Errors of the batched write are returned from the write
// of the commit frame, where SQLite expects them.
#include "store/wal_batching.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace tributary::store {
namespace {

constexpr int kFrameHeaderBytes = 24;
constexpr int kWalHeaderBytes = 32;
// A transaction that spills a large cache writes out before its end. A
// poll's commit is a few hundred kilobytes; a larger run gains nothing
// (it goes out in writes of kMaxWriteBytes anyway), and the buffer keeps
// its size for the rest of the process: at 4 MB it was 3 MB more of a cold
// cycle's peak RSS (bench/scale), when a large full-text batch filled it.
constexpr std::size_t kMaxBufferedBytes = std::size_t{1} << 20;
// The unix VFS masks a write's length to 17 bits (and reports a write it
// masked to nothing as a full disk), so a run goes out in pieces below that.
constexpr std::size_t kMaxWriteBytes = 0x1F000;

// Frames SQLite wrote that have not reached the file yet: contiguous bytes
// from `offset`.
struct FrameRun {
  std::vector<unsigned char> bytes;
  sqlite3_int64 offset = 0;
  bool awaits_commit_page = false;  // the last bytes are a commit frame's header
};

// What SQLite allocates per open file (szOsFile): our part, then the
// platform's file object.
struct File {
  sqlite3_file base;
  File* wal;       // a database file: its open WAL, if any
  File* database;  // a WAL file: its database file
  FrameRun* run;   // WAL files only
};

constexpr std::size_t kPlatformFileOffset =
    (sizeof(File) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);

File* ours(sqlite3_file* file) { return reinterpret_cast<File*>(file); }

sqlite3_file* platform_file(sqlite3_file* file) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kPlatformFileOffset);
}

sqlite3_vfs* platform_vfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int write_out(File* wal) {
  if (!wal || !wal->run || wal->run->bytes.empty()) return SQLITE_OK;
  FrameRun& run = *wal->run;
  sqlite3_file* file = platform_file(&wal->base);
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < run.bytes.size() && rc == SQLITE_OK; done += kMaxWriteBytes) {
    const std::size_t piece = std::min(kMaxWriteBytes, run.bytes.size() - done);
    rc = file->pMethods->xWrite(file, run.bytes.data() + done, static_cast<int>(piece),
                                run.offset + static_cast<sqlite3_int64>(done));
  }
  run.bytes.clear();
  run.awaits_commit_page = false;
  return rc;
}

// The WAL whose run must be written before this file's call goes through:
// the file itself when it is a WAL, its WAL when it is a database.
File* wal_of(sqlite3_file* file) { return ours(file)->run ? ours(file) : ours(file)->wal; }

template <typename Member>
struct MemberType;
template <typename Function, typename Owner>
struct MemberType<Function Owner::*> {
  using type = Function;
};

// One io method of a wrapped file: optionally write out the WAL run, then
// call the platform's method on the platform's file object.
template <auto Member, bool kWritesOutFirst, typename Function = typename MemberType<decltype(Member)>::type>
struct Forward;
template <auto Member, bool kWritesOutFirst, typename Result, typename... Args>
struct Forward<Member, kWritesOutFirst, Result (*)(sqlite3_file*, Args...)> {
  static Result call(sqlite3_file* file, Args... args) {
    if constexpr (kWritesOutFirst) {
      [[maybe_unused]] const int rc = write_out(wal_of(file));
      if constexpr (std::is_same_v<Result, int>) {
        if (rc != SQLITE_OK) return rc;
      }
    }
    sqlite3_file* platform = platform_file(file);
    return (platform->pMethods->*Member)(platform, args...);
  }
};

// One method of the VFS itself, forwarded to the platform VFS.
template <auto Member, typename Function = typename MemberType<decltype(Member)>::type>
struct ForwardVfs;
template <auto Member, typename Result, typename... Args>
struct ForwardVfs<Member, Result (*)(sqlite3_vfs*, Args...)> {
  static Result call(sqlite3_vfs* vfs, Args... args) {
    sqlite3_vfs* platform = platform_vfs(vfs);
    return (platform->*Member)(platform, args...);
  }
};

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  File* wal = ours(file);
  FrameRun& run = *wal->run;
  const auto* bytes = static_cast<const unsigned char*>(data);
  const bool is_frame_header = amount == kFrameHeaderBytes;
  // Bytes 4-7 of a frame header: the database size after a commit, zero
  // in every other frame (https://www.sqlite.org/fileformat2.html#walformat).
  const bool is_commit_header = is_frame_header && (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
  const bool continues_run = !run.bytes.empty() && offset == run.offset + static_cast<sqlite3_int64>(run.bytes.size());
  if (!continues_run) {
    if (const int rc = write_out(wal); rc != SQLITE_OK) return rc;
    // A run starts where an append starts: the WAL header, or a frame that
    // does not end a transaction. Anything else goes through as it comes.
    const bool starts_append = (offset == 0 && amount == kWalHeaderBytes) || (is_frame_header && !is_commit_header);
    if (!starts_append) {
      sqlite3_file* platform = platform_file(file);
      return platform->pMethods->xWrite(platform, data, amount, offset);
    }
    run.offset = offset;
  }
  const bool completes_commit = continues_run && run.awaits_commit_page;
  run.bytes.insert(run.bytes.end(), bytes, bytes + amount);
  run.awaits_commit_page = is_commit_header;
  if (completes_commit || run.bytes.size() >= kMaxBufferedBytes) return write_out(wal);
  return SQLITE_OK;
}

int wal_close(sqlite3_file* file) {
  File* wal = ours(file);
  const int written = write_out(wal);
  if (wal->database) wal->database->wal = nullptr;
  delete wal->run;
  wal->run = nullptr;
  sqlite3_file* platform = platform_file(file);
  const int closed = platform->pMethods->xClose(platform);
  return written != SQLITE_OK ? written : closed;
}

int database_close(sqlite3_file* file) {
  File* database = ours(file);
  if (database->wal) database->wal->database = nullptr;
  sqlite3_file* platform = platform_file(file);
  return platform->pMethods->xClose(platform);
}

// The io methods of a wrapped file; `kIsWal` decides which calls write out
// a WAL run first (for a database: the shared-memory calls through which
// SQLite publishes commits).
template <bool kIsWal>
constexpr sqlite3_io_methods io_methods(int (*close)(sqlite3_file*),
                                        int (*write)(sqlite3_file*, const void*, int, sqlite3_int64)) {
  return sqlite3_io_methods{
      3,
      close,
      Forward<&sqlite3_io_methods::xRead, kIsWal>::call,
      write,
      Forward<&sqlite3_io_methods::xTruncate, kIsWal>::call,
      Forward<&sqlite3_io_methods::xSync, kIsWal>::call,
      Forward<&sqlite3_io_methods::xFileSize, kIsWal>::call,
      Forward<&sqlite3_io_methods::xLock, kIsWal>::call,
      Forward<&sqlite3_io_methods::xUnlock, kIsWal>::call,
      Forward<&sqlite3_io_methods::xCheckReservedLock, kIsWal>::call,
      Forward<&sqlite3_io_methods::xFileControl, kIsWal>::call,
      Forward<&sqlite3_io_methods::xSectorSize, false>::call,
      Forward<&sqlite3_io_methods::xDeviceCharacteristics, false>::call,
      Forward<&sqlite3_io_methods::xShmMap, true>::call,
      Forward<&sqlite3_io_methods::xShmLock, true>::call,
      Forward<&sqlite3_io_methods::xShmBarrier, true>::call,
      Forward<&sqlite3_io_methods::xShmUnmap, true>::call,
      Forward<&sqlite3_io_methods::xFetch, kIsWal>::call,
      Forward<&sqlite3_io_methods::xUnfetch, kIsWal>::call,
  };
}

const sqlite3_io_methods kWalMethods = io_methods<true>(wal_close, wal_write);
const sqlite3_io_methods kDatabaseMethods =
    io_methods<false>(database_close, Forward<&sqlite3_io_methods::xWrite, false>::call);
// Journals, temporary files: unchanged.
const sqlite3_io_methods kOtherMethods = io_methods<false>(Forward<&sqlite3_io_methods::xClose, false>::call,
                                                           Forward<&sqlite3_io_methods::xWrite, false>::call);

int open_file(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  File* wrapper = ours(file);
  wrapper->base.pMethods = nullptr;
  wrapper->wal = nullptr;
  wrapper->database = nullptr;
  wrapper->run = nullptr;
  sqlite3_file* platform = platform_file(file);
  platform->pMethods = nullptr;
  const int rc = platform_vfs(vfs)->xOpen(platform_vfs(vfs), name, platform, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (platform->pMethods) platform->pMethods->xClose(platform);
    return rc;
  }
  // Every method above is forwarded as version 3 (shared memory, mmap).
  if (platform->pMethods->iVersion < 3) {
    platform->pMethods->xClose(platform);
    return SQLITE_CANTOPEN;
  }
  if (flags & SQLITE_OPEN_WAL) {
    wrapper->run = new FrameRun;
    sqlite3_file* database = sqlite3_database_file_object(name);
    if (database && database->pMethods == &kDatabaseMethods) {
      wrapper->database = ours(database);
      ours(database)->wal = wrapper;
    }
    wrapper->base.pMethods = &kWalMethods;
  } else if (flags & SQLITE_OPEN_MAIN_DB) {
    wrapper->base.pMethods = &kDatabaseMethods;
  } else {
    wrapper->base.pMethods = &kOtherMethods;
  }
  return SQLITE_OK;
}

}  // namespace

const char* wal_batching_vfs() {
  static const char* const name = [] {
    static sqlite3_vfs vfs{};
    sqlite3_vfs* platform = sqlite3_vfs_find(nullptr);
    // Every method is forwarded as version 3; an older platform VFS is
    // used as it is.
    if (!platform || platform->iVersion < 3) return static_cast<const char*>(nullptr);
    vfs.iVersion = 3;
    vfs.szOsFile = static_cast<int>(kPlatformFileOffset) + platform->szOsFile;
    vfs.mxPathname = platform->mxPathname;
    vfs.zName = "tributary-wal-batching";
    vfs.pAppData = platform;
    vfs.xOpen = open_file;
    vfs.xDelete = ForwardVfs<&sqlite3_vfs::xDelete>::call;
    vfs.xAccess = ForwardVfs<&sqlite3_vfs::xAccess>::call;
    vfs.xFullPathname = ForwardVfs<&sqlite3_vfs::xFullPathname>::call;
    vfs.xDlOpen = ForwardVfs<&sqlite3_vfs::xDlOpen>::call;
    vfs.xDlError = ForwardVfs<&sqlite3_vfs::xDlError>::call;
    vfs.xDlSym = ForwardVfs<&sqlite3_vfs::xDlSym>::call;
    vfs.xDlClose = ForwardVfs<&sqlite3_vfs::xDlClose>::call;
    vfs.xRandomness = ForwardVfs<&sqlite3_vfs::xRandomness>::call;
    vfs.xSleep = ForwardVfs<&sqlite3_vfs::xSleep>::call;
    vfs.xCurrentTime = ForwardVfs<&sqlite3_vfs::xCurrentTime>::call;
    vfs.xGetLastError = ForwardVfs<&sqlite3_vfs::xGetLastError>::call;
    vfs.xCurrentTimeInt64 = ForwardVfs<&sqlite3_vfs::xCurrentTimeInt64>::call;
    vfs.xSetSystemCall = ForwardVfs<&sqlite3_vfs::xSetSystemCall>::call;
    vfs.xGetSystemCall = ForwardVfs<&sqlite3_vfs::xGetSystemCall>::call;
    vfs.xNextSystemCall = ForwardVfs<&sqlite3_vfs::xNextSystemCall>::call;
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) return static_cast<const char*>(nullptr);
    return vfs.zName;
  }();
  return name;
}

}  // namespace tributary::store
