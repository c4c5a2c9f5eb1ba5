// Several daemons on one PostgreSQL database (store/fleet_records.hpp):
// claims, leases, the fleet's host spacing, beats and change notices. The
// SQL is PostgreSQL's own (row locks, SKIP LOCKED, NOTIFY); SQLite has one
// daemon per file and never comes here.
#include <algorithm>

#include "store/sql_store.hpp"

namespace tributary::store {
namespace {

// A daemon's row goes a day after its last beat (it stops counting after
// kFleetMemberSilence).
constexpr std::int64_t kForgetMemberMs = 24 * 3600 * 1000;

std::int64_t millis(WallMilliseconds time) { return time.time_since_epoch().count(); }
WallMilliseconds at_millis(std::int64_t value) { return WallMilliseconds(std::chrono::milliseconds(value)); }

void require_shared(bool is_shared, std::string_view what) {
  if (!is_shared)
    throw StoreError(std::string(what) +
                     ": only a PostgreSQL store is shared by several daemons; an SQLite file has one");
}

}  // namespace

PollClaim SqlStore::claim_poll(const PollClaimRequest& request) {
  require_shared(is_shared(), "claiming a poll");
  return noting_writability([&] {
    PollClaim claim;
    Transaction transaction(db_);
    // Locked until the commit; a daemon deciding about it this instant
    // skips it instead of waiting, and tries again a moment later.
    Statement& lock = db_.cached("SELECT next_poll_at, removed_at FROM sources WHERE id = ?1 FOR UPDATE SKIP LOCKED");
    lock.bind(1, request.source_id);
    if (!lock.step()) {
      lock.reset();
      claim.verdict = PollClaim::Verdict::leased;
      claim.holder = "another daemon";
      claim.retry_at = request.now + std::chrono::seconds(1);
      return claim;
    }
    const std::optional<std::int64_t> next_poll_at = lock.optional_int64(0);
    const bool is_removed = !lock.is_null(1);
    lock.reset();
    if (is_removed) {
      claim.verdict = PollClaim::Verdict::retired;
      return claim;
    }

    Statement& lease = db_.cached("SELECT holder, expires_ms FROM poll_leases WHERE source_id = ?1");
    lease.bind(1, request.source_id);
    if (lease.step() && lease.text(0) != request.daemon && lease.int64(1) > millis(request.now)) {
      claim.verdict = PollClaim::Verdict::leased;
      claim.holder = lease.text(0);
      claim.retry_at = at_millis(lease.int64(1));
      lease.reset();
      return claim;
    }
    lease.reset();

    const auto now_seconds = std::chrono::floor<std::chrono::seconds>(request.now);
    if (!request.is_forced && next_poll_at &&
        core::from_unix_seconds(*next_poll_at) > now_seconds + request.due_tolerance) {
      claim.verdict = PollClaim::Verdict::not_due;
      claim.source = source(request.source_id);
      return claim;
    }

    if (request.host_spacing.count() > 0) {
      db_.cached("INSERT INTO fleet_hosts (host, next_request_ms) VALUES (?1, 0) ON CONFLICT (host) DO NOTHING")
          .bind(1, request.host)
          .run();
      Statement& host = db_.cached("SELECT next_request_ms, holder FROM fleet_hosts WHERE host = ?1 FOR UPDATE");
      host.bind(1, request.host);
      std::int64_t next_request = 0;
      if (host.step()) {
        next_request = host.int64(0);
        if (host.text(1) == request.daemon) next_request -= request.start_margin.count();
      }
      host.reset();
      if (next_request > millis(request.now)) {
        claim.verdict = PollClaim::Verdict::host_busy;
        claim.retry_at = at_millis(next_request);
        return claim;
      }
      db_.cached("UPDATE fleet_hosts SET next_request_ms = ?2, holder = ?3 WHERE host = ?1")
          .bind(1, request.host)
          .bind(2, millis(request.now + request.host_spacing + request.start_margin))
          .bind(3, request.daemon)
          .run();
    }

    db_.cached(
           "INSERT INTO poll_leases (source_id, holder, expires_ms) VALUES (?1, ?2, ?3) "
           "ON CONFLICT (source_id) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms")
        .bind(1, request.source_id)
        .bind(2, request.daemon)
        .bind(3, millis(request.now + request.lease))
        .run();
    claim.source = source(request.source_id);
    transaction.commit();
    return claim;
  });
}

void SqlStore::release_poll(std::int64_t source_id, const std::string& daemon) {
  require_shared(is_shared(), "releasing a poll");
  noting_writability([&] {
    db_.cached("DELETE FROM poll_leases WHERE source_id = ?1 AND holder = ?2").bind(1, source_id).bind(2, daemon).run();
  });
}

FleetView SqlStore::fleet_beat(const FleetBeat& beat) {
  require_shared(is_shared(), "a fleet beat");
  return noting_writability([&] {
    FleetView view;
    Transaction transaction(db_);
    db_.cached("UPDATE poll_leases SET expires_ms = ?2 WHERE holder = ?1")
        .bind(1, beat.daemon)
        .bind(2, millis(beat.now + beat.lease))
        .run();
    db_.cached(
           "INSERT INTO fleet_daemons (daemon, seen_ms, config_signature, config_loaded_ms) VALUES (?1, ?2, ?3, ?4) "
           "ON CONFLICT (daemon) DO UPDATE SET seen_ms = excluded.seen_ms, "
           "config_signature = excluded.config_signature, config_loaded_ms = excluded.config_loaded_ms")
        .bind(1, beat.daemon)
        .bind(2, millis(beat.now))
        .bind(3, beat.config_signature)
        .bind(4, millis(beat.config_loaded))
        .run();
    db_.cached("DELETE FROM fleet_daemons WHERE seen_ms < ?1").bind(1, millis(beat.now) - kForgetMemberMs).run();
    view = members_at(beat.now);
    transaction.commit();
    return view;
  });
}

FleetView SqlStore::members_at(WallMilliseconds now) {
  FleetView view;
  Statement& members = db_.cached(
      "SELECT daemon, config_signature, config_loaded_ms FROM fleet_daemons WHERE seen_ms >= ?1 "
      "ORDER BY config_loaded_ms DESC, daemon");
  members.bind(1, millis(now - kFleetMemberSilence));
  while (members.step()) view.members.push_back({members.text(0), members.text(1), at_millis(members.int64(2))});
  members.reset();
  return view;
}

FleetView SqlStore::fleet_view(WallMilliseconds now) {
  require_shared(is_shared(), "reading the fleet");
  return members_at(now);
}

void SqlStore::leave_fleet(const std::string& daemon) {
  require_shared(is_shared(), "leaving the fleet");
  noting_writability([&] {
    Transaction transaction(db_);
    db_.cached("DELETE FROM poll_leases WHERE holder = ?1").bind(1, daemon).run();
    db_.cached("DELETE FROM fleet_daemons WHERE daemon = ?1").bind(1, daemon).run();
    transaction.commit();
  });
}

void SqlStore::announce_change(const std::string& daemon) {
  require_shared(is_shared(), "announcing a change");
  Statement& notify = db_.cached("SELECT pg_notify(?1, ?2)");
  notify.bind(1, kChangeChannel).bind(2, daemon).run();
}

}  // namespace tributary::store
