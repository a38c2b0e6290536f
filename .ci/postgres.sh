#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the storage tests and exports its
# connection string as NAQIL_TEST_POSTGRES. Source it: `. .ci/postgres.sh`.
# Debian's postgresql package; initdb and pg_ctl run as the postgres user (there is no systemd).
set -euo pipefail
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi
pg_port=${NAQIL_PG_PORT:-55432}
pg_dir=$(mktemp -d /tmp/naqil-pg.XXXXXX)
chown postgres:postgres "$pg_dir"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --no-sync >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_dir -c max_connections=200" start >/dev/null
runuser -u postgres -- "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE naqil_test" >/dev/null
export NAQIL_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=naqil_test"
export NAQIL_PG_STOP="runuser -u postgres -- $pg_bin/pg_ctl -D $pg_dir/data -m fast stop"
echo "PostgreSQL $($pg_bin/postgres --version | awk '{print $3}') on 127.0.0.1:$pg_port ($pg_dir)"
