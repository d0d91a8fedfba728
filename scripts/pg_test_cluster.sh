#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster for the tests, or stop and remove it.
#
#   eval "$(scripts/pg_test_cluster.sh start /tmp/sitrep-pg)"   # exports SITREP_TEST_POSTGRES_URL
#   scripts/pg_test_cluster.sh stop /tmp/sitrep-pg
#
# The cluster listens on 127.0.0.1 only, on a free port, with trust authentication, fsync off
# (it holds test data only). initdb and postgres refuse to run as root, so as root the cluster
# belongs to the `postgres` system user (created by the Debian package).
set -euo pipefail

action=${1:?usage: pg_test_cluster.sh start|stop DIR}
dir=${2:?usage: pg_test_cluster.sh start|stop DIR}
bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$action" in
start)
    if [ ! -x "$bindir/initdb" ]; then
        echo "no PostgreSQL in $bindir; install postgresql-15 (apt-get install -y postgresql-15)" >&2
        exit 1
    fi
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U sitrep -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U sitrep sitrep_test
    echo "export SITREP_TEST_POSTGRES_URL=postgresql://sitrep@127.0.0.1:$port/sitrep_test"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg_test_cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
