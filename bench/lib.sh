# Shared helpers for the bench/*/run scripts (sourced, not run): the
# machine-wide benchmark lock, the Release build, free ports, a throwaway
# nginx, /usr/bin/time -v figures, child cleanup.
# The sourcing script has `set -euo pipefail` and sets $root.

bench_build="$root/build/bench"
export CCACHE_BASEDIR="$root"

# Benchmarks and builds share two cores: one at a time, or the figures lie.
# Re-runs the calling script under flock unless a parent (run-all) holds it.
bench_hold_lock() {
  if [ -z "${TRIBUTARY_BENCH_LOCKED:-}" ]; then
    rmdir "$bench_temp_root"  # the re-run makes its own
    exec env TRIBUTARY_BENCH_LOCKED=1 flock "${TRIBUTARY_BENCH_LOCK:-/tmp/tributary-build.lock}" "$0" "$@"
  fi
}

bench_ensure_packages() {
  "$root/scripts/ensure-packages"
  "$root/scripts/ensure-packages" "$root/bench/debian-packages.txt"
}

# Configures build/bench in Release with the benchmarks on, builds TARGETS.
# -O2, the level of the shipped RelWithDebInfo build, not CMake's -O3: g++ 12
# at -O3 reports false maybe-uninitialized warnings (errors here) in
# daemon/config, and the benchmarks should measure what ships anyway.
bench_build_release() {
  # Quiet when it works; the build's own output when it does not (a bench
  # that failed to build once exited 1 without a word).
  local log
  log=$(mktemp "$bench_temp_root/build.XXXXXX")
  if ! { cmake -S "$root" -B "$bench_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DTRIBUTARY_BUILD_BENCH=ON -DTRIBUTARY_BUILD_TESTS=OFF &&
    cmake --build "$bench_build" --target "$@"; } >"$log" 2>&1; then
    grep -E -B2 -A8 'error|FAILED' "$log" | head -n 60 >&2 || tail -n 40 "$log" >&2
    echo "error: the Release build of $* for the benchmark failed (above)" >&2
    return 1
  fi
}

bench_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Children to stop on exit, and one temporary folder for everything the run
# writes; every script's trap calls bench_cleanup. (The folder is made here,
# in the script's own shell: bench_temp_dir runs in a $(...) subshell, which
# could not record what it made.)
bench_pids=()
bench_postgres_pid=""
bench_temp_root=$(mktemp -d "${TMPDIR:-/tmp}/tributary-bench.XXXXXX")
# nginx's workers run as nobody and must read what is served from here.
chmod 755 "$bench_temp_root"
bench_cleanup() {
  local pid
  # Immediate shutdown: a SIGTERM would wait for every client to leave and
  # then checkpoint a cluster that is about to be deleted.
  [ -n "$bench_postgres_pid" ] && { kill -QUIT "$bench_postgres_pid" 2>/dev/null || true; }
  for pid in "${bench_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${bench_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$bench_temp_root"
}

bench_temp_dir() {
  local dir
  dir=$(mktemp -d "$bench_temp_root/work.XXXXXX")
  chmod 755 "$dir"
  echo "$dir"
}

# Waits (at most ~10 s) until something accepts connections on 127.0.0.1:PORT.
bench_wait_port() {
  local port=$1 attempt
  for attempt in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "error: nothing listens on 127.0.0.1:$port after 10 s" >&2
  return 1
}

# Starts nginx in the foreground (as our child) serving ROOT on
# 127.0.0.1:PORT with its own prefix, config, logs and temp paths in PREFIX.
# Static files get ETag and Last-Modified from nginx itself; a FILE.gz next
# to FILE is sent to gzip clients as is (gzip_static). LISTEN "all" listens
# on every address, so that each 127.x.y.z stands for a host of its own
# (bench/scale); only loopback clients are answered either way. SERVER, when
# given, is more directives for the server block (limit_rate, etag off, an
# access_log: the log format "bench" is one line per request, "$msec
# $request_time $status $body_bytes_sent $host $request_uri
# $http_user_agent", from which a request's start is $msec - $request_time).
bench_start_nginx() {
  local root_dir=$1 prefix=$2 port=$3 workers=${4:-1} listen=${5:-loopback} server=${6:-}
  local address="127.0.0.1:$port"
  [ "$listen" = all ] && address=$port
  mkdir -p "$prefix/logs" "$prefix/tmp"
  cat >"$prefix/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $workers;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  log_format bench '\$msec \$request_time \$status \$body_bytes_sent \$host \$request_uri \$http_user_agent';
  client_body_temp_path $prefix/tmp/body;
  proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi;
  uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  types { application/rss+xml xml; application/atom+xml atom; }
  default_type application/octet-stream;
  keepalive_requests 1000000;
  server {
    listen $address;
    allow 127.0.0.0/8;
    deny all;
    root $root_dir;
    gzip_static on;
    etag on;
$server
  }
}
EOF
  nginx -p "$prefix" -e "$prefix/logs/error.log" -c "$prefix/nginx.conf" &
  bench_pids+=($!)
  bench_wait_port "$port"
}

# Starts a throwaway PostgreSQL cluster in WORKDIR/postgres (Debian's newest
# server in /usr/lib/postgresql/*/bin), as our child: its data directory and
# Unix socket are there, it listens on no TCP address, the superuser
# "postgres" connects without a password (trust), and nothing is synced to
# disk (fsync off: the cluster does not outlive the run). The server refuses
# to run as root: as root, it runs as Debian's `postgres` system user, which
# owns WORKDIR/postgres (WORKDIR must be reachable by it, as bench_temp_dir's
# are). Sets bench_postgres_dir (the socket directory) and bench_postgres_bin;
# bench_postgres_database makes databases in it. bench_cleanup stops it.
bench_start_postgres() {
  local dir=$1/postgres as_server=() attempt
  bench_postgres_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ -z "$bench_postgres_bin" ] || [ ! -x "$bench_postgres_bin/postgres" ]; then
    echo "error: no PostgreSQL server in /usr/lib/postgresql/*/bin (Debian's postgresql package)" >&2
    return 1
  fi
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    as_server=(--reuid=postgres --regid=postgres --init-groups)
  fi
  if ! setpriv "${as_server[@]}" "$bench_postgres_bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 \
    --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
    tail -n 20 "$dir/initdb.log" >&2
    echo "error: initdb of the benchmark's PostgreSQL cluster failed (above)" >&2
    return 1
  fi
  # setpriv execs the server in place (runuser would stay in between), so
  # that $! is the server's pid, and the server dies with this script even
  # when nothing runs bench_cleanup (SIGKILL).
  setpriv "${as_server[@]}" --pdeathsig=KILL "$bench_postgres_bin/postgres" -D "$dir/data" \
    -c listen_addresses= -c unix_socket_directories="$dir" -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off -c max_connections=200 >"$dir/postgres.log" 2>&1 &
  bench_postgres_pid=$!
  bench_pids+=("$bench_postgres_pid")
  bench_postgres_dir=$dir
  for attempt in $(seq 1 600); do
    if "$bench_postgres_bin/pg_isready" -q -h "$dir" -U postgres -d postgres; then return 0; fi
    if ! kill -0 "$bench_postgres_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  tail -n 20 "$dir/postgres.log" >&2
  echo "error: the benchmark's PostgreSQL server did not start (above; $dir/postgres.log)" >&2
  return 1
}

# Creates database NAME in bench_start_postgres's cluster and prints its
# libpq URI (the socket directory as the host parameter: bench_temp_dir's
# paths need no percent-encoding).
bench_postgres_database() {
  "$bench_postgres_bin/createdb" -h "$bench_postgres_dir" -U postgres "$1" || return 1
  echo "postgresql://postgres@/$1?host=$bench_postgres_dir"
}

# Runs a command under /usr/bin/time -v; leaves its report in FILE.
bench_timed() {
  local report=$1
  shift
  /usr/bin/time -v -o "$report" "$@"
}

# One figure out of a /usr/bin/time -v report: wall seconds, cpu seconds
# (user + system) or rss_mb (peak resident set).
bench_time_figure() {
  local report=$1 figure=$2
  awk -F': ' -v figure="$figure" '
    /User time/ { user = $2 }
    /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 }
    /Elapsed \(wall clock\)/ {
      n = split($2, part, ":"); wall = 0
      for (i = 1; i <= n; i++) wall = wall * 60 + part[i]
    }
    END {
      if (figure == "wall") printf "%.2f", wall
      else if (figure == "cpu") printf "%.2f", user + sys
      else if (figure == "rss_mb") printf "%.0f", rss / 1024
    }' "$report"
}
