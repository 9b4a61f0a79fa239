#!/usr/bin/env bash
# bench/idle.sh: the sensor's memory with many idle connections. For plain TCP and for TLS, a
# fresh sensor (workers = 2) is started, CONNECTIONS (1000) connections are opened and held idle
# by `sendlog --idle` (TLS: handshake done, then silent), and the sensor's resident memory is read
# from /proc before and after: VmRSS (now) and VmHWM (peak). Per connection = RSS growth / count.
# Kernel socket buffers are not in the process's RSS and are not counted.
# Environment: BUILD (build), CONNECTIONS (1000).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CONNECTIONS=${CONNECTIONS:-1000}
MAMORI=$PWD/$BUILD/mamori
SENDLOG=$PWD/$BUILD/tools/sendlog
[ -x "$MAMORI" ] && [ -x "$SENDLOG" ] || { echo "build first: make BUILD=$BUILD" >&2; exit 1; }
ulimit -n $(( CONNECTIONS * 2 + 256 )) 2>/dev/null || true

W=$(mktemp -d /tmp/mamori-idle.XXXXXX)
SENSOR_PID='' HOLDER_PID=''
cleanup() {
    [ -n "$HOLDER_PID" ] && kill "$HOLDER_PID" 2>/dev/null
    [ -n "$SENSOR_PID" ] && kill -9 "$SENSOR_PID" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
PORT=$(( 30000 + ($$ * 17) % 20000 ))

# a throwaway certificate (EC P-256: quick handshakes)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$W/server.key" -out "$W/server.crt" 2>/dev/null

kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SENSOR_PID/status"; }
open_conns() {
    "$MAMORI" sensor status --socket "$W/state/sensor.sock" |
        sed -n 's/.*"connections":{"open":\([0-9]*\).*/\1/p'
}

measure() { # tcp|tls
    rm -rf "$W/state" "$W/out"
    cat > "$W/sensor.conf" <<CFG
workers = 2
output = $W/out
state_dir = $W/state
log_level = warn
[listener idle]
type = $1
address = 127.0.0.1:$PORT
CFG
    if [ "$1" = tls ]; then printf 'certificate = %s\nkey = %s\n' "$W/server.crt" "$W/server.key" >> "$W/sensor.conf"; fi
    "$MAMORI" sensor -c "$W/sensor.conf" 2> "$W/sensor.log" &
    SENSOR_PID=$!
    for _ in $(seq 1 200); do [ -S "$W/state/sensor.sock" ] && break; sleep 0.025; done
    sleep 0.3
    local rss0 hwm0 rss1 hwm1 n=0
    rss0=$(kib VmRSS); hwm0=$(kib VmHWM)
    local fifo=$W/hold
    rm -f "$fifo"; mkfifo "$fifo"
    local args=(--to "127.0.0.1:$PORT" --idle "$CONNECTIONS")
    [ "$1" = tls ] && args=(--tls --ca "$W/server.crt" "${args[@]}")
    "$SENDLOG" "${args[@]}" < "$fifo" > "$W/holder.out" 2>&1 &
    HOLDER_PID=$!
    exec 9> "$fifo" # keeps the holder's stdin open
    for _ in $(seq 1 600); do
        n=$(open_conns)
        [ "${n:-0}" -ge "$CONNECTIONS" ] && break
        sleep 0.05
    done
    sleep 0.5
    rss1=$(kib VmRSS); hwm1=$(kib VmHWM)
    exec 9>&- # EOF: the holder closes its connections
    wait "$HOLDER_PID" || true
    HOLDER_PID=
    kill -TERM "$SENSOR_PID"; wait "$SENSOR_PID" || true
    SENSOR_PID=
    awk -v t="$1" -v n="$n" -v r0="$rss0" -v r1="$rss1" -v h0="$hwm0" -v h1="$hwm1" -v c="$CONNECTIONS" 'BEGIN {
        printf "%-5s %6d %12d %12d %12d %12d %14.0f %s\n", t, n, r0, r1, h0, h1, (r1 - r0) * 1024 / n,
               (r1 - r0) * 1024 / n < 65536 ? "(< 64 KiB: ok)" : "(over 64 KiB)" }'
}

echo "idle connections: $CONNECTIONS per run, sensor with workers = 2; memory in KiB from /proc/PID/status"
printf '%-5s %6s %12s %12s %12s %12s %14s\n' type open "VmRSS before" "VmRSS after" "VmHWM before" "VmHWM after" "bytes/conn"
measure tcp
measure tls
