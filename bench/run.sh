#!/usr/bin/env bash
# bench/run.sh: every benchmark (`make bench`): ingest throughput against rsyslog
# (bench/ingest.sh), memory with idle connections (bench/idle.sh), the sealed store
# (bench/store.sh), Sigma matching as rules grow (bench/rules.sh), IOC matching (bench/ioc.sh) and
# the sensor with every rule and a million indicators (bench/detect.sh), then one summary.
# docs/BENCHMARKS.md explains the method and records results. Environment as for the two scripts
# (BUILD, MESSAGES, TRIALS, CONNECTIONS for ingest; IDLE_CONNECTIONS for idle).
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
out=$(mktemp /tmp/mamori-bench-run.XXXXXX)
trap 'rm -f "$out" "$out.idle" "$out.store" "$out.rules"' EXIT

echo "== $(date -u +%FT%TZ)  $(nproc) CPUs  $(uname -r)  load average$(uptime | sed 's/.*load average//')"
echo "== ingest (bench/ingest.sh)"
bench/ingest.sh | tee "$out"
echo
echo "== idle connections (bench/idle.sh)"
CONNECTIONS=${IDLE_CONNECTIONS:-1000} bench/idle.sh | tee "$out.idle"

echo
echo "== sealed store (bench/store.sh ${STORE_EVENTS:-50000000})"
bench/store.sh "${STORE_EVENTS:-50000000}" | tee "$out.store"


echo
echo "== Sigma matching (bench/rules.sh)"
bench/rules.sh | tee "$out.rules"
echo
echo "== IOC matching (bench/ioc.sh)"
bench/ioc.sh
echo
echo "== detection in the sensor (bench/detect.sh)"
bench/detect.sh

echo
echo "== summary"
awk '/^receiver/ { t = 1 } t && NF { print } ' "$out"
awk '$1 == "tcp" || $1 == "tls" { printf "idle %-4s %6d connections: %7.0f bytes each (VmRSS %d -> %d KiB)\n", $1, $2, $7, $3, $4 }' "$out.idle"
awk -F'|' '$2 ~ /^ 10 / { b = $3 + $4 } $2 ~ /^ all / { a = $3 + $4 }
     END { if (a && b) printf "Sigma: every SigmaHQ rule costs %.1fx the 10-rule time per event (target 2x) -> %s\n", a / b, a <= 2 * b ? "met" : "NOT met" }' "$out.rules"
awk '$1 == "mamori-json" { j = $2 } $1 == "rsyslog-imtcp" { r = $2 } $1 == "rsyslog-imptcp" { p = $2 }
     END { if (j && r) printf "target: mamori parse+normalise+JSON >= rsyslog receive-to-file: %.2fx imtcp, %.2fx imptcp -> %s\n",
                              j / r, p ? j / p : 0, (j >= r && (!p || j >= p)) ? "met" : "NOT met" }' "$out"
