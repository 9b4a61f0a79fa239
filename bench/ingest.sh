#!/usr/bin/env bash
# bench/ingest.sh: TCP syslog ingest throughput, mamori sensor side by side with rsyslog.
#
# The same stream (bench/data/mixed.log repeated, CONNECTIONS connections, LF framing) goes to:
#   sink            a null sink (bench/benchtool.c): the sender's own ceiling
#   rsyslog-imtcp   Debian's rsyslogd, imtcp, 2 main-queue workers, %rawmsg% to a file
#   rsyslog-imptcp  the same with imptcp (2 threads), rsyslog's faster plain-TCP input
#   mamori-json     mamori sensor, workers = 2, parsed and normalised, JSON lines to a file
#   mamori-raw      the same, output_format = raw (parsed, counted, message written as received)
#   mamori-none     the same, output_format = none (parsed and counted, nothing written)
#   mamori-store    output_format = none and the sealed store on: done when the store holds every
#                   message (compressed, hashed; signed at the 60 s checkpoints and at stop)
# Each is timed from the sender's start to the moment the last message is in the output file
# (benchtool run), TRIALS times, interleaved; the table shows medians.
#
# Environment: BUILD (build), MESSAGES per trial (2500000), TRIALS (3), CONNECTIONS (2),
# ONLY (space-separated subset of the rows above), RESULTS (file to append raw results to).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MESSAGES=${MESSAGES:-2500000}
TRIALS=${TRIALS:-3}
CONNECTIONS=${CONNECTIONS:-2}
ONLY=${ONLY:-sink rsyslog-imtcp rsyslog-imptcp mamori-json mamori-raw mamori-none mamori-store}
RSYSLOGD=${RSYSLOGD:-/usr/sbin/rsyslogd}
MAMORI=$PWD/$BUILD/mamori
SENDLOG=$PWD/$BUILD/tools/sendlog
DATA=$PWD/bench/data/mixed.log
TOOL=$PWD/$BUILD/bench/benchtool

[ -x "$MAMORI" ] && [ -x "$SENDLOG" ] || { echo "build first: make BUILD=$BUILD" >&2; exit 1; }
[ -f "$DATA" ] || bench/gen_mixed.sh > "$DATA"
mkdir -p "$(dirname "$TOOL")"
if [ ! -x "$TOOL" ] || [ bench/benchtool.c -nt "$TOOL" ]; then
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra -pthread -o "$TOOL" bench/benchtool.c
fi

W=$(mktemp -d /tmp/mamori-bench.XXXXXX)
RECEIVER_PID=
cleanup() {
    if [ -n "$RECEIVER_PID" ]; then kill -9 "$RECEIVER_PID" 2>/dev/null || true; fi
    rm -rf "$W"
}
trap cleanup EXIT
PORT=$(( 30000 + ($$ * 13) % 20000 ))

LINES=$(wc -l < "$DATA")
FILE_BYTES=$(stat -c %s "$DATA")
REPEAT=$(( (MESSAGES + CONNECTIONS * LINES - 1) / (CONNECTIONS * LINES) ))
N=$(( REPEAT * CONNECTIONS * LINES ))
WIRE_BYTES=$(( REPEAT * CONNECTIONS * FILE_BYTES )) # messages plus their LF
RESULTS=${RESULTS:-$W/results}

sender() { SENDER=("$SENDLOG" -q --tcp --to "127.0.0.1:$1" --connections "$CONNECTIONS" --repeat "$REPEAT" "$DATA"); }

wait_port() { # wait until something listens on 127.0.0.1:$1
    for _ in $(seq 1 200); do
        ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
        sleep 0.025
    done
    echo "nothing listens on port $1" >&2; return 1
}

stop_receiver() {
    [ -n "$RECEIVER_PID" ] || return 0
    kill -TERM "$RECEIVER_PID" 2>/dev/null || true
    for _ in $(seq 1 400); do kill -0 "$RECEIVER_PID" 2>/dev/null || break; sleep 0.025; done
    kill -9 "$RECEIVER_PID" 2>/dev/null || true
    wait "$RECEIVER_PID" 2>/dev/null || true
    RECEIVER_PID=
}

record() { # name trial benchtool-output [check-failure]
    local elapsed cpu
    elapsed=$(sed -n 's/.*elapsed_s=\([-0-9.]*\).*/\1/p' <<<"$3")
    cpu=$(sed -n 's/.* cpu_s=\([-0-9.]*\) .*/\1/p' <<<"$3")
    if [ "$1" = sink ]; then cpu=$(sed -n 's/.*sink_cpu_s=\([-0-9.]*\).*/\1/p' <<<"$3"); fi
    if grep -q 'timed_out=1' <<<"$3" || [ -n "${4:-}" ]; then
        echo "  $1 #$2: FAILED ${4:-timed out} ($3)"
        echo "$1 $2 fail fail" >> "$RESULTS"
        return
    fi
    echo "$1 $2 $elapsed $cpu" >> "$RESULTS"
    awk -v n="$N" -v b="$WIRE_BYTES" -v e="$elapsed" -v c="$cpu" -v name="$1" -v t="$2" \
        'BEGIN { printf "  %-15s #%s  %6.3f s  %9.0f msg/s  %6.1f MB/s  cpu %5.2f s\n", name, t, e, n / e, b / e / 1e6, c }'
}

run_sink() {
    local out
    sender "$PORT"
    out=$("$TOOL" run --sink "$PORT" --bytes "$WIRE_BYTES" -- "${SENDER[@]}")
    record sink "$1" "$out"
}

run_rsyslog() { # variant trial
    local d=$W/rsyslog conf out fail=''
    rm -rf "$d"; mkdir -p "$d"
    conf=$d/rsyslog.conf
    {
        echo "global(workDirectory=\"$d\" maxMessageSize=\"64k\")"
        if [ "$1" = imtcp ]; then
            echo 'module(load="imtcp" MaxSessions="2000")'
        else
            echo 'module(load="imptcp" threads="2")'
        fi
        echo 'main_queue(queue.workerThreads="2")'
        echo 'template(name="plain" type="string" string="%rawmsg%\n")'
        echo "ruleset(name=\"bench\") { action(type=\"omfile\" file=\"$d/out.log\" template=\"plain\") }"
        echo "input(type=\"$1\" port=\"$PORT\" ruleset=\"bench\")"
    } > "$conf"
    "$RSYSLOGD" -n -f "$conf" -i "$d/rsyslogd.pid" > "$d/stderr" 2>&1 &
    RECEIVER_PID=$!
    wait_port "$PORT"
    sender "$PORT"
    out=$("$TOOL" run --file "$d/out.log" --bytes "$WIRE_BYTES" --pid "$RECEIVER_PID" -- "${SENDER[@]}")
    local got
    got=$(wc -l < "$d/out.log")
    [ "$got" -eq "$N" ] || fail="$got lines written, $N sent"
    stop_receiver
    record "rsyslog-$1" "$2" "$out" "$fail"
    rm -rf "$d"
}

run_mamori() { # format trial
    local d=$W/mamori out fail='' cond format=$1 store=
    rm -rf "$d"; mkdir -p "$d"
    if [ "$1" = store ]; then format=none; store=$d/store; fi
    cat > "$d/sensor.conf" <<CFG
workers = 2
output = $d/out
output_format = $format
store = $store
store_block_interval = 100ms
state_dir = $d/state
log_level = error
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
CFG
    "$MAMORI" sensor -c "$d/sensor.conf" 2> "$d/stderr" &
    RECEIVER_PID=$!
    for _ in $(seq 1 200); do [ -S "$d/state/sensor.sock" ] && break; sleep 0.025; done
    wait_port "$PORT"
    case $1 in
    json) cond=(--file "$d/out" --status "$d/state/sensor.sock" --received "$N") ;;
    raw) cond=(--file "$d/out" --bytes "$WIRE_BYTES") ;;
    none) cond=(--status "$d/state/sensor.sock" --received "$N") ;;
    store) cond=(--status "$d/state/sensor.sock" --received "$N" --store-records "$N") ;;
    esac
    sender "$PORT"
    out=$("$TOOL" run "${cond[@]}" --pid "$RECEIVER_PID" -- "${SENDER[@]}")
    local got
    got=$("$MAMORI" sensor status --socket "$d/state/sensor.sock" | sed -n 's/^{[^}]*"received":\([0-9]*\).*/\1/p')
    [ "$got" = "$N" ] || fail="sensor received $got, $N sent"
    if [ "$1" = json ]; then
        # the sensor's own events (parser "mamori": clock-skew notices about the replayed
        # timestamps) come on top of the messages
        got=$(grep -vc '"parser":"mamori"' "$d/out" || true)
        [ "$got" -eq "$N" ] || fail="$got events written, $N sent"
    fi
    stop_receiver
    record "mamori-$1" "$2" "$out" "$fail"
    rm -rf "$d"
}

{
    echo "ingest: $N messages per trial ($WIRE_BYTES bytes; $LINES distinct lines x $REPEAT x $CONNECTIONS connections), $TRIALS trials"
    echo "machine: $(nproc) CPUs, $(uname -r), load average$(uptime | sed 's/.*load average//')"
    echo "rsyslog: $("$RSYSLOGD" -v 2>/dev/null | head -1)"
}
for t in $(seq 1 "$TRIALS"); do
    for what in $ONLY; do
        PORT=$(( PORT + 1 ))
        case $what in
        sink) run_sink "$t" ;;
        rsyslog-imtcp) run_rsyslog imtcp "$t" ;;
        rsyslog-imptcp) run_rsyslog imptcp "$t" ;;
        mamori-json) run_mamori json "$t" ;;
        mamori-raw) run_mamori raw "$t" ;;
        mamori-none) run_mamori none "$t" ;;
        mamori-store) run_mamori store "$t" ;;
        *) echo "unknown row $what" >&2; exit 2 ;;
        esac
    done
done

# medians: messages/s, MB/s of input, receiver CPU per message, ratio to rsyslog (imtcp)
echo
printf '%-16s %12s %9s %14s %12s  %s\n' receiver "msg/s" "MB/s" "cpu µs/msg" "vs rsyslog" "(median of $TRIALS; $N msgs, $CONNECTIONS conns)"
awk -v n="$N" -v b="$WIRE_BYTES" -v order="$ONLY" '
    $3 != "fail" { e[$1] = e[$1] " " $3; c[$1] = c[$1] " " $4 }
    function median(s,   a, k, i, j, t) {
        k = split(s, a, " ")
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
        base = ("rsyslog-imtcp" in e) ? n / median(e["rsyslog-imtcp"]) : 0
        k = split(order, o, " ")
        for (i = 1; i <= k; i++) {
            r = o[i]
            if (!(r in e)) { printf "%-16s %12s\n", r, "failed"; continue }
            el = median(e[r]); cp = median(c[r])
            printf "%-16s %12.0f %9.1f %14.2f %12s\n", r, n / el, b / el / 1e6, cp / n * 1e6,
                   base ? sprintf("%.2f", n / el / base) : "-"
        }
    }' "$RESULTS"
