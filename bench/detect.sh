#!/usr/bin/env bash
# bench/detect.sh [EVENTS] [INDICATORS]: the sensor with everything detection can load, against the
# same sensor without detection, in one run: every SigmaHQ rule and the mamori pack, INDICATORS
# (default 1,000,000) indicators of bench/gen_ioc.sh, and the four stateful detectors. Reports the
# time to load, resident memory once loaded and at the end (VmRSS, VmHWM), and the rate at which a
# file listener (one thread: read, parse, detect) gets through EVENTS (default 200,000) realistic
# mixed events (bench/data/mixed.log and SigmaHQ's Windows regression events, as bench/rules.sh).
# Needs ../shared/sigma beside the project.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mamori
S=$PWD/../shared/sigma
EVENTS=${1:-200000}
NIOC=${2:-1000000}
[ -d "$S/rules" ] || { echo "no SigmaHQ corpus at $S" >&2; exit 1; }
[ -f bench/data/mixed.log ] || bench/gen_mixed.sh 5000 20261123 > bench/data/mixed.log
D=$(mktemp -d /tmp/mamori-detect.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; rm -rf "$D"' EXIT
find "$S/regression_data" -name '*.json' | sort | while read -r f; do jq -c . "$f"; done > "$D/windows.jsonl"
{ cat bench/data/mixed.log; for _ in 1 2 3 4 5; do cat "$D/windows.jsonl"; done; } |
    awk 'BEGIN { s = 20261123 } { s = (s * 16807) % 2147483647; printf "%010d\t%s\n", s, $0 }' |
    sort -k1,1 | cut -f2- > "$D/one.log"
: > "$D/events.log"
while [ "$(wc -l < "$D/events.log")" -lt "$EVENTS" ]; do cat "$D/one.log" >> "$D/events.log"; done
head -n "$EVENTS" "$D/events.log" > "$D/e" && mv "$D/e" "$D/events.log"
bench/gen_ioc.sh "$NIOC" > "$D/ioc.txt"
rules=$(printf '%s,' "$S"/rules* "$PWD/rules"); rules=${rules%,}

# run NAME EXTRA-CONFIG: prints "load_s rate_per_s rss_loaded_mib hwm_mib"
run() {
    local dir=$D/$1
    mkdir -p "$dir"
    { cat <<CFG
workers = 1
output_format = none
state_dir = $dir/state
alert_spool = $dir/spool
[listener file]
type = file
path = $D/events.log
follow = no
timezone = UTC
CFG
    } > "$dir/sensor.conf"
    if [ -n "$2" ]; then printf '%s\n' "$2" | cat - "$dir/sensor.conf" > "$dir/c" && mv "$dir/c" "$dir/sensor.conf"; fi
    # the file is read as soon as the sensor runs: copy it in after the start to time loading apart
    sed -i "s|path = $D/events.log|path = $dir/events.log|" "$dir/sensor.conf"
    local t0 t1 t2
    t0=$(date +%s.%N)
    "$M" sensor -c "$dir/sensor.conf" 2> "$dir/log" &
    PID=$!
    while [ ! -S "$dir/state/sensor.sock" ]; do sleep 0.02; kill -0 $PID 2>/dev/null || { cat "$dir/log" >&2; exit 1; }; done
    t1=$(date +%s.%N)
    local rss
    rss=$(awk '/^VmRSS/ { print $2 }' /proc/$PID/status)
    cp "$D/events.log" "$dir/events.log.tmp" && mv "$dir/events.log.tmp" "$dir/events.log"
    local ts n
    ts=$(date +%s.%N)
    while :; do
        n=$("$M" sensor status --socket "$dir/state/sensor.sock" | jq '.listeners[0].received')
        [ "$n" -ge "$EVENTS" ] && break
        sleep 0.05
    done
    t2=$(date +%s.%N)
    local hwm
    hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$PID/status)
    "$M" sensor status --socket "$dir/state/sensor.sock" > "$dir/status.json"
    kill -TERM $PID; wait $PID || true; PID=
    echo "$(echo "$t1 - $t0" | bc -l) $(echo "$EVENTS / ($t2 - $ts)" | bc -l) $((rss / 1024)) $((hwm / 1024))"
}
read -r l0 r0 m0 h0 < <(run none "")
read -r l1 r1 m1 h1 < <(run all "rules = $rules
rules_placeholders = $PWD/tests/sigma/data/placeholders.yml
ioc = $D/ioc.txt
detectors = yes")
st=$D/all/status.json
echo "# $EVENTS events ($(grep -c '^{' "$D/events.log") Windows), one file listener thread; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# loaded: $(jq -r '.detection | "\(.rules) rules, \(.correlations) correlations, \(.filters) filters, \(.not_accepted) not accepted, \(.indicators) indicators"' "$st");" \
     "$(jq -r '.detection | "\(.sigma_matches) Sigma matches, \(.ioc_matches) IOC matches, \(.detector_facts) detector facts, \(.alerts.alerts) alerts"' "$st")"
printf '| sensor | start (load) | events/s, one thread | RSS once loaded | peak RSS |\n|---|---|---|---|---|\n'
printf '| no detection | %.2f s | %.0f | %s MiB | %s MiB |\n' "$l0" "$r0" "$m0" "$h0"
printf '| all SigmaHQ rules + pack, %s indicators, detectors | %.2f s | %.0f (%.2f× the rate without) | %s MiB | %s MiB |\n' \
    "$NIOC" "$l1" "$r1" "$(echo "$r1 / $r0" | bc -l)" "$m1" "$h1"
