#!/usr/bin/env bash
# The demo behind `make run`: starts mamori's sensor on loopback with UDP, TCP, TLS and JSON-lines
# listeners and a followed file, sealing everything it receives into a store, replays the sample logs of the parser tests through it (real
# lines from sshd, Postfix, slapd, FreeRADIUS, ClamAV, Squid, ... as the daemons write them), and
# keeps running until Ctrl-C, when it stops gracefully. Everything lives in $DEMO_DIR.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MAMORI=$PWD/$BUILD/mamori
SENDLOG=$PWD/$BUILD/tools/sendlog
DEMO_DIR=${DEMO_DIR:-$PWD/$BUILD/demo}
UDP_PORT=${UDP_PORT:-5514} TCP_PORT=${TCP_PORT:-5514} TLS_PORT=${TLS_PORT:-6514} JSON_PORT=${JSON_PORT:-5515}
mkdir -p "$DEMO_DIR/state" "$DEMO_DIR/logs"

if [ ! -f "$DEMO_DIR/server.crt" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
        -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$DEMO_DIR/server.key" -out "$DEMO_DIR/server.crt" 2>/dev/null
fi
: > "$DEMO_DIR/logs/app.log"
# a demo IOC list: addresses and domains that appear in the sample logs, as a feed would list them
cat > "$DEMO_DIR/ioc.txt" <<IOC
# demo feed (plain list; docs/IOC.md)
203.0.113.9
198.51.100.0/24
evil.example
IOC
rm -rf "$DEMO_DIR/alerts"
cat > "$DEMO_DIR/sensor.conf" <<CFG
# mamori sensor: demo configuration (see docs/CONFIG.md)
workers = 2
output = $DEMO_DIR/events.jsonl
state_dir = $DEMO_DIR/state
clock_skew_threshold = 5s
# every received message, sealed (docs/STORE.md); the demo signs every 10 s
store = $DEMO_DIR/store
store_checkpoint_interval = 10s
# detection (docs/DETECTION.md): the mamori rule pack, a demo IOC list, the stateful detectors
rules = $PWD/rules
ioc = $DEMO_DIR/ioc.txt
detectors = yes
alert_spool = $DEMO_DIR/alerts

[listener syslog-udp]
type = udp
address = 127.0.0.1:$UDP_PORT

[listener syslog-tcp]
type = tcp
address = 127.0.0.1:$TCP_PORT
timezone = +09:00

[listener syslog-tls]
type = tls
address = 127.0.0.1:$TLS_PORT
certificate = $DEMO_DIR/server.crt
key = $DEMO_DIR/server.key

[listener json]
type = json
address = 127.0.0.1:$JSON_PORT

[listener app-file]
type = file
path = $DEMO_DIR/logs/app.log
CFG

"$MAMORI" sensor -t -c "$DEMO_DIR/sensor.conf" >/dev/null
rm -f "$DEMO_DIR/events.jsonl"
"$MAMORI" sensor -c "$DEMO_DIR/sensor.conf" 2>"$DEMO_DIR/sensor.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; echo; echo "sensor stopped; events in $DEMO_DIR/events.jsonl"' EXIT INT TERM
for _ in $(seq 1 100); do [ -S "$DEMO_DIR/state/sensor.sock" ] && break; sleep 0.05; done

# replay: syslog samples over TCP and TLS, header-less files through the file listener
samples=$DEMO_DIR/samples.log
: > "$samples"
for d in tests/parse/*/*/; do
    [ -f "$d/args" ] && continue
    grep -v '^{' "$d/input.log" >> "$samples" || true
done
"$SENDLOG" -q --to 127.0.0.1:$TCP_PORT "$samples"
"$SENDLOG" -q --tls --ca "$DEMO_DIR/server.crt" --to 127.0.0.1:$TLS_PORT "$samples"
cat tests/parse/suricata/eve/input.log | grep '^{' | "$SENDLOG" -q --to 127.0.0.1:$JSON_PORT - || true
printf '<13>Nov 23 15:30:00 demo-host demo: hello over UDP\n' | "$SENDLOG" -q --udp --to 127.0.0.1:$UDP_PORT -
echo "<13>$(date '+%b %e %H:%M:%S') demo-host demo: a line appended to a followed file" >> "$DEMO_DIR/logs/app.log"
sleep 1

cat <<MSG

mamori sensor demo is running (pid $pid)
  syslog UDP   127.0.0.1:$UDP_PORT     e.g. logger -n 127.0.0.1 -P $UDP_PORT -d "hello"
  syslog TCP   127.0.0.1:$TCP_PORT     (RFC 6587: LF or octet-counted)
  syslog TLS   127.0.0.1:$TLS_PORT     (RFC 5425; CA: $DEMO_DIR/server.crt)
  JSON lines   127.0.0.1:$JSON_PORT
  followed file $DEMO_DIR/logs/app.log
  events       $DEMO_DIR/events.jsonl   (one normalised event per line)
  status       $MAMORI sensor status --socket $DEMO_DIR/state/sensor.sock
  sealed store $DEMO_DIR/store
    verify     $MAMORI log verify --store $DEMO_DIR/store
    search     $MAMORI log search --store $DEMO_DIR/store --format table user=admin
               $MAMORI log search --store $DEMO_DIR/store --format table src_ip=10.0.0.0/8
  alerts       $MAMORI alerts --spool $DEMO_DIR/alerts        (--json for the records)
  rules        $PWD/rules (the mamori pack), IOC list $DEMO_DIR/ioc.txt
  log          $DEMO_DIR/sensor.log
(The web UI and the server come with a later issue; this demo is the sensor.)

MSG
"$MAMORI" sensor status --socket "$DEMO_DIR/state/sensor.sock" |
    jq -c '{received, parsed, unparsed, parsers, skewed_sources: .clock.skewed_sources,
            detection: (.detection | {rules, correlations, indicators, sigma_matches, ioc_matches, alerts: .alerts.alerts})}' \
    2>/dev/null || true
echo
"$MAMORI" alerts --spool "$DEMO_DIR/alerts" 2>&1 | head -n 25 || true
echo "press Ctrl-C to stop"
wait $pid
