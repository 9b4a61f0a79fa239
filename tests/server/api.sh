#!/usr/bin/env bash
# The API end to end (tests/server/api.js) on a real server over TLS on loopback, twice: with its
# metadata in SQLite, then in a real PostgreSQL started for the test. Each run: a fresh database,
# the demo organisations and people imported, passwords set, the server started and stopped.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mamori
D=$(mktemp -d /tmp/mamori-api.XXXXXX)
. tests/lib/pg.sh
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    pg_stop
    rm -rf "$D"
}
trap cleanup EXIT
mkdir -p "$D/web"
export PASSWORD='correct horse battery staple'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$D/key.pem" -out "$D/cert.pem" 2>/dev/null
"$M" server --routes > "$D/routes"

run() { # database-url label
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat > "$D/server.conf" <<CFG
listen = 127.0.0.1:$port
tls_cert = $D/cert.pem
tls_key = $D/key.pem
database = $1
web_root = $D/web
threads = 4
CFG
    echo "$PASSWORD" | "$M" admin init -c "$D/server.conf" --org-code nisc --org-name 内閣サイバーセキュリティセンター \
        --org-name-en NISC --login admin --name 管理者
    "$M" admin import-orgs -c "$D/server.conf" scripts/demo/orgs.csv
    "$M" admin import-people -c "$D/server.conf" scripts/demo/people.csv
    for who in gsoc-sato mof-admin mof-csirt mof-staff1 mext-admin mext-csirt mext-staff1 mof-ciso; do
        echo "$PASSWORD" | "$M" admin password -c "$D/server.conf" "$who"
    done
    "$M" server -c "$D/server.conf" 2>"$D/server-$2.log" &
    pid=$!
    for _ in $(seq 1 100); do
        curl -sf --cacert "$D/cert.pem" "https://127.0.0.1:$port/api/v1/health" >/dev/null && break
        sleep 0.1
    done
    echo "# $2"
    NODE_EXTRA_CA_CERTS=$D/cert.pem node tests/server/api.js "https://127.0.0.1:$port" "$D/routes" ||
        { echo "FAIL on $2"; tail -20 "$D/server-$2.log"; return 1; }
    kill "$pid"
    wait "$pid" || true
    pid=
    "$M" admin audit-verify -c "$D/server.conf"
}

run "sqlite:$D/server.db" sqlite
pg_start
run "$MAMORI_TEST_PG" postgresql
echo "ok: the API suite passed on SQLite and PostgreSQL"
