#!/usr/bin/env bash
# A real sensor ships its alerts to a real server at least once: it enrols with a one-time token,
# ships what its rules raise, keeps its alerts while the server is down and ships them when it is
# back (nothing lost, nothing stored twice), and after its own restart resends nothing the server
# already confirmed.
. "$(dirname "$0")/../sensor/lib.sh"
SRV=$T/srv
mkdir -p "$SRV"
SP=$((PORT + 50))
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$SRV/key.pem" -out "$SRV/cert.pem" 2>/dev/null
cat > "$SRV/server.conf" <<CFG
listen = 127.0.0.1:$SP
tls_cert = $SRV/cert.pem
tls_key = $SRV/key.pem
database = sqlite:$SRV/server.db
web_root = $SRV
CFG
echo 'correct horse battery staple' | "$MAMORI" admin init -c "$SRV/server.conf" --org-code nisc --org-name センター \
    --login admin --name 管理者 >/dev/null
"$MAMORI" admin import-orgs -c "$SRV/server.conf" scripts/demo/orgs.csv >/dev/null
token=$("$MAMORI" admin sensor-register -c "$SRV/server.conf" mof mof-proxy)
SERVER_PID=
start_server() {
    "$MAMORI" server -c "$SRV/server.conf" 2>>"$SRV/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do curl -sf --cacert "$SRV/cert.pem" "https://127.0.0.1:$SP/api/v1/health" >/dev/null && return 0; sleep 0.05; done
    echo "server did not start"; cat "$SRV/server.log"; return 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=; }
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; cleanup' EXIT
stored() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from alerts").fetchone()[0])' "$SRV/server.db"; }
spooled() { cat "$T/spool"/*.jsonl 2>/dev/null | jq -r .id | sort -u | wc -l; }
wait_shipped() { # every alert of the spool stored on the server (10 s)
    for _ in $(seq 1 200); do
        [ "$(spooled)" -gt 0 ] && [ "$(stored)" = "$(spooled)" ] && return 0
        sleep 0.05
    done
    return 1
}

cat > "$T/sensor.conf" <<CFG
$(base_config)
rules = $PWD/rules
alert_spool = $T/spool
alert_window = 1s
server = https://127.0.0.1:$SP
server_ca = $SRV/cert.pem
server_enrol_token = $token
ship_interval = 200ms
[listener live]
type = file
path = $T/live.log
timezone = +09:00
CFG
: > "$T/live.log"
start_server || exit 1
start_sensor "$T/sensor.conf" || exit 1
echo "Nov 23 15:30:01 ws01 clamd[99]: /home/alice/Downloads/invoice.exe: Win.Trojan.Agent-123 FOUND" >> "$T/live.log"
echo "Nov 23 15:30:02 fs1 clamd[812]: /srv/share/inbox/seikyu.zip: Win.Trojan.Emdivi-9 FOUND" >> "$T/live.log"
check "the sensor enrolled and shipped its first alerts" wait_shipped
check "the key is kept, readable by the sensor only" test "$(stat -c %a "$T/state/server.key")" = 600
eq "the enrolment token was used once" "403" \
    "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$SRV/cert.pem" -H 'Content-Type: application/json' \
        -d "{\"token\":\"$token\"}" "https://127.0.0.1:$SP/api/v1/sensor/enrol")"
first=$(stored)

# the server goes away: alerts wait in the spool, the shipper backs off, then delivers
stop_server
echo "Nov 23 15:31:01 ws02 clamd[99]: /home/bob/tmp/setup.exe: Win.Trojan.PlugX-1 FOUND" >> "$T/live.log"
echo "Nov 23 15:31:02 ws03 clamd[99]: /home/eve/tmp/a.scr: Win.Trojan.PoisonIvy-2 FOUND" >> "$T/live.log"
for _ in $(seq 1 100); do [ "$(spooled)" -gt "$first" ] && [ "$(stat_field .shipping.failures)" -gt 0 ] && break; sleep 0.1; done
check "while the server is down the alerts stay in the spool and the failures are counted" \
    test "$(stat_field .shipping.failures)" -gt 0
start_server || exit 1
check "once the server is back the waiting alerts are shipped" wait_shipped
eq "nothing is stored twice" "$(spooled)" "$(stored)"

# the sensor restarts: the cursor says what the server has, nothing is sent again
stop_sensor
before=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select coalesce(max(received_at),0) from alerts").fetchone()[0])' "$SRV/server.db")
start_sensor "$T/sensor.conf" || exit 1
sleep 1
eq "after a restart nothing confirmed is sent again" 0 "$(stat_field .shipping.shipped)"
eq "and the key is reused" true "$(stat_field .shipping.enrolled)"
after=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select coalesce(max(received_at),0) from alerts").fetchone()[0])' "$SRV/server.db")
eq "the server received nothing new" "$before" "$after"

# `mamori alerts ship` drains by itself too (the sensor stopped)
stop_sensor
echo "Nov 23 15:32:01 ws04 clamd[99]: /tmp/x.exe: Win.Trojan.Agent-777 FOUND" >> "$T/live.log"
"$MAMORI" sensor -c "$T/sensor.conf" 2>>"$T/sensor.log" &
SENSOR_PID=$!
sleep 1.5
kill -9 "$SENSOR_PID"; wait "$SENSOR_PID" 2>/dev/null; SENSOR_PID=
"$MAMORI" alerts ship -c "$T/sensor.conf" > "$T/ship.out" 2>&1 || { cat "$T/ship.out"; fail "alerts ship"; }
eq "alerts ship leaves the server with every spooled alert" "$(spooled)" "$(stored)"
grep -q "ship" "$SRV/server.log" || true
[ "$failures" -eq 0 ] || { tail -20 "$T/sensor.log"; exit 1; }
