#!/usr/bin/env bash
# Run every test of the project and print the summary line the CI reads: "N passed, N failed".
# Each test is one unit: a unit-test binary, a parser case directory, or a script under
# tests/sensor/ (or another suite directory). TESTS=pattern runs only the matching ones.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD MAMORI="$PWD/$BUILD/mamori" TOOLS="$PWD/$BUILD/tools"
filter=${TESTS:-}
passed=0 failed=0 failures=()
logdir=$BUILD/test-logs
rm -rf "$logdir"; mkdir -p "$logdir"

record() { # name status logfile
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1)); printf 'PASS %s\n' "$1"
    else
        failed=$((failed + 1)); failures+=("$1"); printf 'FAIL %s (log: %s)\n' "$1" "$3"
        sed -n '1,40p' "$3" | sed 's/^/    /'
    fi
}

want() { [ -z "$filter" ] || [[ "$1" == *$filter* ]]; }

# 1. unit tests
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=unit/$(basename "$t"); want "$name" || continue
    log=$logdir/$(basename "$t").log
    timeout 120 "$t" >"$log" 2>&1; record "$name" $? "$log"
done

# 2. parser cases: tests/parse/<suite>/<case>/{input.log,expected.jsonl[,args]}
for dir in tests/parse/*/*/; do
    [ -f "$dir/input.log" ] || continue
    name=parse/${dir#tests/parse/}; name=${name%/}; want "$name" || continue
    log=$logdir/$(echo "$name" | tr / _).log
    args="--receive-time 2026-11-23T12:00:00Z --tz +09:00"
    [ -f "$dir/args" ] && args=$(cat "$dir/args")
    # shellcheck disable=SC2086
    if "$MAMORI" log parse $args "$dir/input.log" >"$log.out" 2>"$log" &&
       diff -u "$dir/expected.jsonl" "$log.out" >>"$log" 2>&1; then
        record "$name" 0 "$log"
    else
        record "$name" 1 "$log"
    fi
done

# 3. script suites: every executable tests/<suite>/*.sh
for t in tests/*/*.sh; do
    [ -x "$t" ] || continue
    name=${t#tests/}; name=${name%.sh}; want "$name" || continue
    log=$logdir/$(echo "$name" | tr / _).log
    timeout 600 "$t" >"$log" 2>&1; record "$name" $? "$log"
done

if [ ${#failures[@]} -gt 0 ]; then
    printf '\nfailed:\n'; printf '  %s\n' "${failures[@]}"
fi
printf '\n%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
