#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (Debian's postgresql-15: initdb and pg_ctl).
#   bash scripts/pg_cluster.sh start DIR   makes a cluster in DIR (an empty or new folder), starts
#                                          it on a free port listening only on a socket in DIR,
#                                          and prints the URL of its database "postgres"
#                                          (the test harness makes a database per server it
#                                          starts, named in place of "postgres")
#   bash scripts/pg_cluster.sh stop DIR    stops it and removes DIR
# As root the server runs as the user postgres (it refuses to run as root).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  [ -x "$bin/initdb" ] || { echo "pg_cluster: $bin/initdb missing (install postgresql-15)" >&2; exit 1; }
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U pgtest --locale=C.UTF-8 -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # a free port: the socket lives in DIR (no TCP), so only the file name has to be unique.
  # Serializable transactions from many test servers at once hold many predicate locks: the
  # default table (64 per connection) runs out ("out of shared memory") under ctest -j2.
  port=$(( 20000 + RANDOM % 20000 ))
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -c listen_addresses='' -p $port -c max_connections=300 -c max_pred_locks_per_transaction=256 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql://pgtest@/postgres?host=$dir&port=$port"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
