#!/usr/bin/env bash
# bench/rules.sh [REPEAT]: Sigma matching cost per event as the rule set grows, with the
# vectorscan prefilter and without it (every rule of the event's log source evaluated), in one
# run. Events: SigmaHQ's regression events (Windows, exported as JSON) repeated REPEAT times
# (default 20); rules: the first N files of SigmaHQ's rules/windows (sorted), then the whole
# corpus. Needs ../shared/sigma beside the project.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mamori
S=$PWD/../shared/sigma
REPEAT=${1:-20}
[ -d "$S/rules" ] || { echo "no SigmaHQ corpus at $S" >&2; exit 1; }
D=$(mktemp -d /tmp/mamori-rules.XXXXXX)
trap 'rm -rf "$D"' EXIT
find "$S/regression_data" -name '*.json' | sort | while read -r f; do jq -c . "$f"; done > "$D/one.jsonl"
for _ in $(seq 1 "$REPEAT"); do cat "$D/one.jsonl"; done > "$D/events.jsonl"
find "$S/rules/windows" -name '*.yml' | sort > "$D/all-windows"
echo "# $(wc -l < "$D/events.jsonl") events; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '| rules | prefilter: us/event | rule evaluations/event | without: us/event | evaluations/event | speed-up |\n|---|---|---|---|---|---|\n'
run() { # label rule-args...
    local label=$1; shift
    local on off
    on=$("$M" rules test --no-header --tz UTC "$@" --events "$D/events.jsonl" 2>&1 >/dev/null | tail -1)
    off=$("$M" rules test --no-prefilter --no-header --tz UTC "$@" --events "$D/events.jsonl" 2>&1 >/dev/null | tail -1)
    local n uon uoff eon eoff lines
    n=$(sed -n 's/^\([0-9]*\) rules loaded.*/\1/p' <<< "$on")
    lines=$(sed -n 's/.* \([0-9]*\) lines,.*/\1/p' <<< "$on")
    uon=$(sed -n 's/.*(\([0-9.]*\) us per event).*/\1/p' <<< "$on")
    uoff=$(sed -n 's/.*(\([0-9.]*\) us per event).*/\1/p' <<< "$off")
    eon=$(sed -n 's/.* \([0-9]*\) rule evaluations.*/\1/p' <<< "$on")
    eoff=$(sed -n 's/.* \([0-9]*\) rule evaluations.*/\1/p' <<< "$off")
    printf '| %s (%s) | %s | %.1f | %s | %.1f | %.1fx |\n' "$label" "$n" "$uon" "$(echo "$eon / $lines" | bc -l)" \
        "$uoff" "$(echo "$eoff / $lines" | bc -l)" "$(echo "$uoff / $uon" | bc -l)"
}
for n in 10 100 1000; do
    mkdir -p "$D/r$n"
    head -n "$n" "$D/all-windows" | while read -r f; do cp "$f" "$D/r$n/"; done
    run "first $n windows rules" "$D/r$n"
done
run "all windows rules" "$S/rules/windows"
run "the whole corpus" "$S"/rules*
