# Shared helpers for the sensor's end-to-end tests (sourced, not run). Each test gets a scratch
# directory, a free port range, and a sensor it starts and always stops.
set -u
MAMORI=${MAMORI:-$PWD/build/mamori}
TOOLS=${TOOLS:-$PWD/build/tools}
SENDLOG=$TOOLS/sendlog
T=$(mktemp -d /tmp/mamori-test.XXXXXX)
# a port range unlikely to collide with other tests running at the same time
# below the kernel's ephemeral range (32768-60999), where outgoing connections take ports
PORT=$(( 20000 + ($$ * 7) % 12000 ))
SENSOR_PID=
failures=0

cleanup() {
    [ -n "$SENSOR_PID" ] && kill -9 "$SENSOR_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
check() { # description, then a command that must succeed
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
eq() { # description expected actual
    if [ "$2" = "$3" ]; then pass "$1 ($3)"; else fail "$1: expected '$2', got '$3'"; fi
}

# start_sensor CONFIG: starts in the background, waits for the status socket
start_sensor() {
    "$MAMORI" sensor -c "$1" 2>>"$T/sensor.log" &
    SENSOR_PID=$!
    for _ in $(seq 1 100); do
        [ -S "$T/state/sensor.sock" ] && return 0
        kill -0 "$SENSOR_PID" 2>/dev/null || { echo "sensor died:"; cat "$T/sensor.log"; return 1; }
        sleep 0.05
    done
    echo "sensor did not start"; cat "$T/sensor.log"; return 1
}

stop_sensor() {
    [ -n "$SENSOR_PID" ] || return 0
    kill -TERM "$SENSOR_PID"
    wait "$SENSOR_PID"
    local rc=$?
    SENSOR_PID=
    return $rc
}

status() { "$MAMORI" sensor status --socket "$T/state/sensor.sock"; }
stat_field() { status | jq -r "$1"; }

# wait_for JQ_EXPR VALUE: poll the status until the expression equals the value (5 s)
wait_for() {
    for _ in $(seq 1 100); do
        [ "$(stat_field "$1")" = "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

# the same with 20 s: for things the sensor does on its own timers
wait_for_long() {
    for _ in $(seq 1 400); do
        [ "$(stat_field "$1")" = "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "--- sensor log"; tail -n 30 "$T/sensor.log"
        exit 1
    fi
    exit 0
}

base_config() { # extra lines appended by the caller
    cat <<CFG
workers = 2
output = $T/out.jsonl
state_dir = $T/state
CFG
}

# The sensor's own clock-watch findings are events too (parser "mamori"); tests that count the
# events of what they sent drop those first.
strip_clock_events() {
    jq -c 'select(.parser != "mamori")' "$1" > "$1.events" && mv "$1.events" "$1"
}

# Throwaway PKI for TLS tests (EC P-256, valid 2 days), files in directory $1:
#   make_ca DIR NAME                       -> NAME.crt, NAME.key (self-signed CA)
#   make_cert DIR NAME CN CA EXTENSION     -> NAME.crt, NAME.key signed by CA
make_ca() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/$2.key" \
        -subj "/CN=mamori test $2" -days 2 -out "$1/$2.crt" 2>/dev/null
}
make_cert() {
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/$2.key" \
        -subj "/CN=$3" -out "$1/$2.csr" 2>/dev/null
    printf '%s\n' "$5" > "$1/$2.ext"
    openssl x509 -req -in "$1/$2.csr" -CA "$1/$4.crt" -CAkey "$1/$4.key" -CAcreateserial -days 2 \
        -extfile "$1/$2.ext" -out "$1/$2.crt" 2>/dev/null
}
