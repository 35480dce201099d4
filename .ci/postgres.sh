#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the tests; print its admin URL.
# Usage: eval "$(.ci/postgres.sh start DIR)"   ...   .ci/postgres.sh stop DIR
# initdb refuses to run as root, so the server runs as the postgres user (STACK.md 3).
set -euo pipefail
action=${1:?start or stop}
dir=${2:?a folder for the cluster}
port=${SPR_DESK_TEST_POSTGRES_PORT:-54329}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_pg "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    # Test-only settings: durability off for speed; nothing here outlives the run.
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
      "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
      start >/dev/null
    echo "export SPR_DESK_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "start or stop" >&2; exit 2 ;;
esac
