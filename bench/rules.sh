#!/usr/bin/env bash
# bench/rules.sh [REPEAT]: the cost of Sigma detection per event, on one core, as the rule set
# grows from 10 rules to every SigmaHQ rule, on realistic mixed events; and the prefilter's effect
# (the same rules with every rule of the event's log source evaluated), in the same run.
#
# Events: bench/data/mixed.log (5,000 syslog lines of 13 kinds of device, docs/BENCHMARKS.md) and
# SigmaHQ's 238 regression events (Windows, as JSON lines) five times, shuffled with a fixed seed:
# 6,190 events, 19 % Windows, repeated REPEAT times (default 4). Rules: N files taken evenly across
# the sorted list of every SigmaHQ rule (so each size covers every log source), then all of them.
# Measured by `mamori rules test`: parsing and matching time per event (loading excluded), medians of
# three runs. Needs ../shared/sigma beside the project.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mamori
S=$PWD/../shared/sigma
REPEAT=${1:-4}
[ -d "$S/rules" ] || { echo "no SigmaHQ corpus at $S" >&2; exit 1; }
[ -f bench/data/mixed.log ] || bench/gen_mixed.sh 5000 20261123 > bench/data/mixed.log
D=$(mktemp -d /tmp/mamori-rules.XXXXXX)
trap 'rm -rf "$D"' EXIT
find "$S/regression_data" -name '*.json' | sort | while read -r f; do jq -c . "$f"; done > "$D/windows.jsonl"
{ cat bench/data/mixed.log; for _ in 1 2 3 4 5; do cat "$D/windows.jsonl"; done; } |
    awk 'BEGIN { s = 20261123 } { s = (s * 16807) % 2147483647; printf "%010d\t%s\n", s, $0 }' |
    sort -k1,1 | cut -f2- > "$D/one.log"
for _ in $(seq 1 "$REPEAT"); do cat "$D/one.log"; done > "$D/events.log"
find "$S"/rules* -name '*.yml' | sort > "$D/all"
total=$(wc -l < "$D/all")
echo "# $(wc -l < "$D/events.log") events ($(grep -c '^{' "$D/events.log") Windows); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# run ARGS...: prints "parse_us match_us evaluations/event" (median of three runs by total time)
run() {
    for _ in 1 2 3; do
        "$M" rules test --tz UTC "$@" --events "$D/events.log" 2>&1 >/dev/null | tail -1 |
            sed -n 's/.* \([0-9]*\) lines, \([0-9]*\) rule evaluations.*parsing took [0-9.]* s (\([0-9.]*\) us per event); matching took [0-9.]* s (\([0-9.]*\) us per event).*/\3 \4 \2 \1/p'
    done | awk '{ print $1 + $2, $0 }' | sort -n | sed -n 2p | cut -d' ' -f2- |
        awk '{ printf "%s %s %.1f\n", $1, $2, $3 / $4 }'
}
printf '| rules loaded | parse µs/event | match µs/event | events/s per core | rule evaluations/event | vs 10 rules | without prefilter: match µs/event |\n|---|---|---|---|---|---|---|\n'
base=
for n in 10 100 1000 all; do
    if [ "$n" = all ]; then
        args=("$S"/rules*)
        label="all ($total files)"
    else
        mkdir -p "$D/r$n"
        awk -v n="$n" -v t="$total" 'NR == 1 || int((NR - 1) * n / t) != int((NR - 2) * n / t)' "$D/all" |
            head -n "$n" | while read -r f; do cp "$f" "$D/r$n/$(echo "$f" | md5sum | cut -c1-12).yml"; done
        args=("$D/r$n")
        label=$n
    fi
    read -r p m e < <(run "${args[@]}")
    read -r _ mo _ < <(run --no-prefilter "${args[@]}")
    per=$(echo "$p + $m" | bc -l)
    [ -n "$base" ] || base=$per
    printf '| %s | %.2f | %.2f | %.0f | %s | %.2f× | %.2f |\n' "$label" "$p" "$m" "$(echo "1000000 / $per" | bc -l)" \
        "$e" "$(echo "$per / $base" | bc -l)" "$mo"
done
