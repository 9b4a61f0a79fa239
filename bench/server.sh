#!/usr/bin/env bash
# bench/server.sh [PEOPLE] [ALERTS]: the server at government scale, on SQLite and on PostgreSQL
# in the same run: the import time of PEOPLE staff (default 120,000) from CSV, then API throughput
# and latency (ab: keep-alive HTTPS, REQUESTS requests, CONCURRENCY at once, p50/p99) for what the
# dashboard and the alert list ask, with ALERTS alerts (default 1,000,000) over five fiscal years in
# the database, for the centre (every member) and for one member (its subtree).
# Needs `scripts/deps.sh bench` (ab from apache2-utils). BACKENDS="sqlite postgresql" (the default)
# chooses the databases. Results: docs/BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mamori
PEOPLE=${1:-120000} ALERTS=${2:-1000000}
REQUESTS=${REQUESTS:-2000} CONCURRENCY=${CONCURRENCY:-8}
D=$(mktemp -d /tmp/mamori-bench-server.XXXXXX)
. tests/lib/pg.sh
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; pg_stop; rm -rf "$D"' EXIT
command -v ab >/dev/null || { echo "ab is missing: scripts/deps.sh bench" >&2; exit 1; }
python3 bench/gen_directory.py "$D/dir" "$PEOPLE"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$D/key.pem" -out "$D/cert.pem" 2>/dev/null
mkdir -p "$D/web"
echo "# $PEOPLE people in $(($(wc -l < "$D/dir/orgs.csv") - 1)) organisations, $ALERTS alerts; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); ab -k -n $REQUESTS -c $CONCURRENCY"

# ab URL TOKEN -> "rps p50 p99"
measure() {
    ab -k -q -n "$REQUESTS" -c "$CONCURRENCY" -H "Authorization: Bearer $2" "$1" 2>/dev/null |
        awk '/^Requests per second/ { rps = $4 } /^Non-2xx responses/ { bad = $3 } /^  50%/ { p50 = $2 } /^  99%/ { p99 = $2 }
             END { if (bad) print "ERROR", bad, "non-2xx"; else printf "%.0f %s %s\n", rps, p50, p99 }'
}

run() { # database-url label
    local port conf=$D/server-$2.conf
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf 'listen = 127.0.0.1:%s\ntls_cert = %s\ntls_key = %s\ndatabase = %s\nweb_root = %s\nthreads = 4\n' \
        "$port" "$D/cert.pem" "$D/key.pem" "$1" "$D/web" > "$conf"
    echo 'bench password 2026' | "$M" admin init -c "$conf" --org-code nisc --org-name センター --login admin --name 管理者 >/dev/null
    "$M" admin import-orgs -c "$conf" "$D/dir/orgs.csv" >/dev/null
    local t0 t1
    t0=$(date +%s.%N)
    "$M" admin import-people -c "$conf" "$D/dir/people.csv" >/dev/null
    t1=$(date +%s.%N)
    printf '| %s | import of %s people (CSV, one transaction) | %.2f s |\n' "$2" "$PEOPLE" "$(echo "$t1 - $t0" | bc -l)"
    t0=$(date +%s.%N)
    python3 bench/gen_alerts.py "$1" "$ALERTS"
    t1=$(date +%s.%N)
    printf '| %s | load of %s alerts (straight into the database, not through the API) | %.1f s |\n' "$2" "$ALERTS" "$(echo "$t1 - $t0" | bc -l)"
    t0=$(date +%s.%N)
    "$M" admin recount -c "$conf" >/dev/null
    t1=$(date +%s.%N)
    printf '| %s | mamori admin recount (the counts per organisation and year, from every alert) | %.1f s |\n' "$2" "$(echo "$t1 - $t0" | bc -l)"
    local centre member
    centre=$("$M" admin token -c "$conf" gsoc-analyst bench)
    member=$("$M" admin token -c "$conf" m05-poc bench)
    "$M" server -c "$conf" 2>"$D/server-$2.log" &
    pid=$!
    for _ in $(seq 1 100); do curl -sf --cacert "$D/cert.pem" "https://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
    local base=https://127.0.0.1:$port/api/v1
    for case in "centre|dashboard: counts per fiscal year|$base/stats/fiscal-years|$centre" \
                "centre|dashboard: recent alerts|$base/alerts?limit=5|$centre" \
                "centre|dashboard: notifications|$base/notifications?limit=20|$centre" \
                "centre|dashboard: session|$base/session|$centre" \
                "centre|alert list, newest 50|$base/alerts?limit=50|$centre" \
                "centre|alert list, new and high, 50|$base/alerts?limit=50&status=new&level=high|$centre" \
                "centre|alert list, 50 from the middle (keyset)|$base/alerts?limit=50&before=500000|$centre" \
                "centre|people search|$base/people?q=u00012&limit=50|$centre" \
                "member|dashboard: counts per fiscal year|$base/stats/fiscal-years|$member" \
                "member|alert list, newest 50|$base/alerts?limit=50|$member" \
                "member|organisations|$base/orgs|$member"; do
        IFS='|' read -r who what url tok <<<"$case"
        read -r rps p50 p99 <<<"$(measure "$url" "$tok")"
        printf '| %s | %s: %s | %s req/s, p50 %s ms, p99 %s ms |\n' "$2" "$who" "$what" "$rps" "$p50" "$p99"
    done
    kill "$pid"
    wait "$pid" || true
    pid=
}

echo "| database | what | result |"
echo "|---|---|---|"
BACKENDS=${BACKENDS:-sqlite postgresql}
case " $BACKENDS " in *" sqlite "*) run "sqlite:$D/server.db" sqlite ;; esac
case " $BACKENDS " in *" postgresql "*) pg_start; run "$MAMORI_TEST_PG" postgresql ;; esac
