#!/usr/bin/env bash
# Run libFuzzer harnesses for FUZZ_SECONDS (10) each and print one line per harness:
# "PASS name (N execs)" or "FAIL name (...)" with the crash file's path. Exits non-zero if any
# harness found a crash, leak, timeout or failed check.
#
#   fuzz/run.sh [build-fuzz/fuzz_x ...]     default: every harness built in build-fuzz/
#   FUZZ_SECONDS=60 FUZZ_JOBS=2 fuzz/run.sh  run two at a time
#
# Each harness starts from a scratch copy of its seed corpus, build-fuzz/corpus-run/<name>/: the
# seeds in fuzz/corpus/<name>/ plus lines taken from the parser test cases (tests/parse/) at run
# time, so a new parser or test case feeds the fuzzers without copying. Nothing the fuzzer finds
# is written into the tree. Crash files go to build-fuzz/crashes/, logs to build-fuzz/logs/.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-10}
jobs=${FUZZ_JOBS:-1}
scratch=build-fuzz/corpus-run
logs=build-fuzz/logs
crashes=build-fuzz/crashes
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
mkdir -p "$scratch" "$logs" "$crashes"
# stacks for UBSan reports too, so a finding names its function
export UBSAN_OPTIONS=print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}

bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
    for b in build-fuzz/fuzz_*; do
        [ -f "$b" ] && [ -x "$b" ] && bins+=("$b")
    done
fi
if [ ${#bins[@]} -eq 0 ]; then
    echo "fuzz/run.sh: no harnesses built (make fuzz-build)" >&2
    exit 2
fi

# one corpus file per non-empty line (without its LF): lines_to_corpus DIR PREFIX MAX FILE...
lines_to_corpus() {
    local dir=$1 prefix=$2 max=$3
    shift 3
    [ $# -gt 0 ] || return 0
    LC_ALL=C awk -v d="$dir" -v p="$prefix" -v max="$max" \
        'length($0) > 0 && n < max { n++; f = sprintf("%s/%s%04d", d, p, n); printf "%s", $0 > f; close(f) }' "$@"
}

# the test cases' input files, optionally of one parser
test_inputs() {
    local pattern=${1:-*}
    compgen -G "tests/parse/$pattern/*/input.log" || true
}

seed() { # short-name corpus-dir
    local short=$1 dir=$2
    if [ -d "fuzz/corpus/$short" ]; then
        cp fuzz/corpus/"$short"/* "$dir"/ 2>/dev/null || true
    fi
    local inputs=()
    case $short in
    parser_*)
        mapfile -t inputs < <(test_inputs "${short#parser_}")
        [ ${#inputs[@]} -gt 0 ] && lines_to_corpus "$dir" t 200 "${inputs[@]}"
        ;;
    syslog)
        mapfile -t inputs < <(test_inputs)
        [ ${#inputs[@]} -gt 0 ] && lines_to_corpus "$dir" t 1000 "${inputs[@]}"
        ;;
    json)
        mapfile -t inputs < <(test_inputs)
        [ ${#inputs[@]} -gt 0 ] && grep -h '^[[{]' "${inputs[@]}" | lines_to_corpus "$dir" t 300 -
        ;;
    framing | linereader)
        # whole test files are real LF-framed streams; the harness reads 4 chunk sizes first
        local i=0 f
        mapfile -t inputs < <(test_inputs)
        for f in "${inputs[@]}"; do
            i=$((i + 1))
            { printf '\x07\x01\x40\x00'; head -c 4000 "$f"; } >"$dir/t$(printf %04d $i)"
        done
        ;;
    esac
    return 0
}

run_one() { # binary
    local bin=$1 name short dir log dict=() rc execs artifact
    name=$(basename "$bin")
    short=${name#fuzz_}
    dir=$scratch/$short
    log=$logs/$name.log
    rm -rf "$dir"
    mkdir -p "$dir"
    seed "$short" "$dir"
    if [ -f "fuzz/dict/$short.dict" ]; then
        dict=(-dict="fuzz/dict/$short.dict")
    elif [[ $short == parser_* ]] && [ -f fuzz/dict/syslog.dict ]; then
        dict=(-dict=fuzz/dict/syslog.dict)
    fi
    "$bin" -max_total_time="$secs" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/$short-" "${dict[@]}" "$dir" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        printf 'PASS %s (%s execs)\n' "$name" "${execs:-?}" | tee "$results/$name"
        return 0
    fi
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    {
        printf 'FAIL %s (exit %d; crash: %s; log: %s)\n' "$name" "$rc" "${artifact:-none}" "$log"
        # the finding in brief: a failed check or the sanitizer's report, and the first frames in
        # the project's code
        grep -E 'check failed|ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error|SUMMARY|ERROR: libFuzzer' \
            "$log" | head -n 6 | cut -c 1-300 | sed 's/^/    /'
        grep -E '^ +#[0-9]+ .*(lib|fuzz)/[A-Za-z0-9_/]+\.[ch]:[0-9]+' "$log" | head -n 8 |
            sed -E 's/ \(BuildId: [0-9a-f]+\)//; s/^ +/    /'
    } | tee "$results/$name"
    return 1
}

for bin in "${bins[@]}"; do
    if [ ! -x "$bin" ]; then
        printf 'FAIL %s (not built)\n' "$(basename "$bin")" | tee "$results/$(basename "$bin")"
        continue
    fi
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
    done
    run_one "$bin" &
done
wait

failed=$(cat "$results"/* | grep -c '^FAIL')
total=$(find "$results" -type f | wc -l)
printf '%d harnesses, %d failed (%s s each)\n' "$total" "$failed" "$secs"
[ "$failed" -eq 0 ]
