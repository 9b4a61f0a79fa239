#!/usr/bin/env bash
# The demo behind `make run`: starts mamori's server with a demo directory (the centre and GSOC,
# ministries with bureaus and agencies, their people) and mamori's sensor on loopback with UDP, TCP,
# TLS and JSON-lines listeners and a followed file, sealing everything it receives into a store and
# shipping its alerts to the server as the Ministry of Finance's sensor; replays the sample logs of
# the parser tests (real lines from sshd, Postfix, slapd, FreeRADIUS, ClamAV, Squid, ... as the
# daemons write them) and three days of generated traffic through it; has GSOC's analyst notify the
# ministry of the worst alert; and keeps running until Ctrl-C, when both stop gracefully.
# Everything lives in $DEMO_DIR.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MAMORI=$PWD/$BUILD/mamori
SENDLOG=$PWD/$BUILD/tools/sendlog
DEMO_DIR=${DEMO_DIR:-$PWD/$BUILD/demo}
UDP_PORT=${UDP_PORT:-5514} TCP_PORT=${TCP_PORT:-5514} TLS_PORT=${TLS_PORT:-6514} JSON_PORT=${JSON_PORT:-5515}
SERVER_PORT=${SERVER_PORT:-8443}
DEMO_PASSWORD=${DEMO_PASSWORD:-mamori-demo-2026}
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
rm -rf "$DEMO_DIR/alerts" "$DEMO_DIR/server" "$DEMO_DIR/state/ship.cursor" "$DEMO_DIR/state/server.key"

# the server: the centre (NISC and GSOC), ministries with bureaus and agencies, their people
mkdir -p "$DEMO_DIR/server"
cat > "$DEMO_DIR/server/server.conf" <<CFG
# mamori server: demo configuration (see docs/SERVER.md)
listen = 127.0.0.1:$SERVER_PORT
tls_cert = $DEMO_DIR/server.crt
tls_key = $DEMO_DIR/server.key
database = sqlite:$DEMO_DIR/server/server.db
web_root = $PWD/web
CFG
SCONF=$DEMO_DIR/server/server.conf
echo "$DEMO_PASSWORD" | "$MAMORI" admin init -c "$SCONF" --org-code nisc --org-name 内閣サイバーセキュリティセンター \
    --org-name-en "National center of Incident readiness and Strategy for Cybersecurity" --login admin --name 管理者 >/dev/null
"$MAMORI" admin import-orgs -c "$SCONF" scripts/demo/orgs.csv >/dev/null
"$MAMORI" admin import-people -c "$SCONF" scripts/demo/people.csv >/dev/null
for who in $(cut -d, -f1 scripts/demo/people.csv | tail -n +2); do
    echo "$DEMO_PASSWORD" | "$MAMORI" admin password -c "$SCONF" "$who"
done
enrol=$("$MAMORI" admin sensor-register -c "$SCONF" mof mof-sensor)
"$MAMORI" server -c "$SCONF" 2>"$DEMO_DIR/server.log" &
server_pid=$!
trap 'kill -TERM $server_pid 2>/dev/null; wait $server_pid' EXIT INT TERM
for _ in $(seq 1 100); do
    curl -sf --cacert "$DEMO_DIR/server.crt" "https://127.0.0.1:$SERVER_PORT/api/v1/health" >/dev/null && break
    sleep 0.1
done

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
alert_window = 1h
# the alerts go to the server as the Ministry of Finance's sensor (docs/SERVER.md)
server = https://127.0.0.1:$SERVER_PORT
server_ca = $DEMO_DIR/server.crt
server_enrol_token = $enrol
ship_interval = 1s

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
trap 'kill -TERM $pid $server_pid 2>/dev/null; wait $pid $server_pid; echo; echo "sensor and server stopped; events in $DEMO_DIR/events.jsonl"' EXIT INT TERM
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
# three days of traffic from the site's devices (bench/gen_mixed.sh: firewalls, proxy, mail, directory,
# antivirus, databases, IDS), one line every two seconds or so
bash bench/gen_mixed.sh "${DEMO_LINES:-120000}" 20261123 3 > "$DEMO_DIR/days.log"
"$SENDLOG" -q --to 127.0.0.1:$TCP_PORT "$DEMO_DIR/days.log"
echo "<13>$(date '+%b %e %H:%M:%S') demo-host demo: a line appended to a followed file" >> "$DEMO_DIR/logs/app.log"
sleep 1
# wait for the alerts to reach the server, then GSOC's analyst notifies the ministry of the worst
for _ in $(seq 1 100); do
    [ "$("$MAMORI" sensor status --socket "$DEMO_DIR/state/sensor.sock" | jq -r '.shipping.shipped // 0')" -gt 0 ] && break
    sleep 0.2
done
sleep 2
NODE_EXTRA_CA_CERTS=$DEMO_DIR/server.crt DEMO_PASSWORD=$DEMO_PASSWORD \
    node scripts/demo/notify.js "https://127.0.0.1:$SERVER_PORT" > "$DEMO_DIR/notify.log" 2>&1 || cat "$DEMO_DIR/notify.log"

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

mamori server (web UI and API): https://127.0.0.1:$SERVER_PORT/   (certificate: $DEMO_DIR/server.crt)
  sign in with a password of $DEMO_PASSWORD and enrol an authenticator app (TOTP) at the first sign-in:
    gsoc-suzuki   GSOC analyst: every member's alerts, triage, notifications (通報)
    mof-csirt     財務省 CSIRT point of contact: acknowledge the notification waiting for you
    mext-csirt    文部科学省 CSIRT: sees nothing of 財務省
    admin         the centre's administrator: organisations, people, audit log
  $(cat "$DEMO_DIR/notify.log" 2>/dev/null)
  server log   $DEMO_DIR/server.log; database $DEMO_DIR/server/server.db

MSG
"$MAMORI" sensor status --socket "$DEMO_DIR/state/sensor.sock" |
    jq -c '{received, parsed, unparsed, parsers, skewed_sources: .clock.skewed_sources,
            detection: (.detection | {rules, correlations, indicators, sigma_matches, ioc_matches, alerts: .alerts.alerts})}' \
    2>/dev/null || true
echo
"$MAMORI" alerts --spool "$DEMO_DIR/alerts" 2>&1 | head -n 25 || true
echo "press Ctrl-C to stop"
wait $pid
