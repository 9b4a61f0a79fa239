# tests/lib/pg.sh: a throw-away PostgreSQL on loopback for the tests (sourced).
#   pg_start   initdb into a temporary directory, start postgres on 127.0.0.1 at a free port and
#              create the database mamori_test; exports MAMORI_TEST_PG (a libpq URL)
#   pg_stop    stop it and remove the directory (call it from the caller's trap)
# The cluster trusts loopback connections: it lives only as long as the test, holds only test data,
# and listens on 127.0.0.1 only. The system's own cluster (the Debian service) is not touched.

pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

# run a PostgreSQL program as the postgres user when we are root (initdb refuses root)
pg_as() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    PG_BIN=$(pg_bin) || { echo "pg.sh: PostgreSQL is not installed (scripts/deps.sh installs it)" >&2; return 1; }
    PG_DIR=$(mktemp -d /tmp/mamori-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; return 1; }
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$PG_DIR/postgres.log" >&2; return 1; }
    pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres mamori_test || return 1
    export MAMORI_TEST_PG="postgresql://postgres@127.0.0.1:$PG_PORT/mamori_test"
}

# a further empty database on the running cluster: pg_newdb NAME -> prints its URL
pg_newdb() {
    pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$1" >/dev/null &&
        echo "postgresql://postgres@127.0.0.1:$PG_PORT/$1"
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    [ -d "$PG_DIR/data" ] && pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1
    rm -rf "$PG_DIR"
    PG_DIR=
}
