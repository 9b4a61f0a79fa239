#!/usr/bin/env bash
# Build the libFuzzer harnesses and run each briefly (FUZZ_SECONDS, default 2; two at a time), then
# replay the reproducers in fuzz/regressions/ against their harnesses. Fails on any crash, leak,
# timeout or failed check. Needs clang and libFuzzer (scripts/deps.sh installs clang and
# libclang-rt-14-dev). Budget: about 90 s on 2 cores once the harnesses are built.
set -u
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null; then
    echo "clang is not installed (scripts/deps.sh installs it)"
    exit 1
fi
if ! make -s -j"$(nproc)" fuzz-build >"${TMPDIR:-/tmp}/mamori-fuzz-build.$$" 2>&1; then
    echo "cannot build the fuzzers:"
    tail -n 30 "${TMPDIR:-/tmp}/mamori-fuzz-build.$$"
    rm -f "${TMPDIR:-/tmp}/mamori-fuzz-build.$$"
    exit 1
fi
rm -f "${TMPDIR:-/tmp}/mamori-fuzz-build.$$"

FUZZ_SECONDS=${FUZZ_SECONDS:-2} FUZZ_JOBS=${FUZZ_JOBS:-2} fuzz/run.sh
rc=$?

# known findings stay failures until fixed: fuzz/regressions/<harness>-<n>.bin runs against
# build-fuzz/fuzz_parser_<harness> (a parser) or build-fuzz/fuzz_<harness>
for repro in fuzz/regressions/*.bin; do
    [ -f "$repro" ] || continue
    base=$(basename "$repro" .bin)
    harness=${base%-*}
    bin=build-fuzz/fuzz_parser_$harness
    [ -x "$bin" ] || bin=build-fuzz/fuzz_$harness
    if [ ! -x "$bin" ]; then
        echo "FAIL $repro (no harness named '$harness')"
        rc=1
        continue
    fi
    if out=$(UBSAN_OPTIONS=print_stacktrace=1 "$bin" -timeout=5 -rss_limit_mb=2048 "$repro" 2>&1); then
        echo "PASS $repro (regression)"
    else
        echo "FAIL $repro"
        grep -E 'check failed|SUMMARY' <<<"$out" | head -n 3 | cut -c 1-300 | sed 's/^/    /'
        rc=1
    fi
done
exit "$rc"
