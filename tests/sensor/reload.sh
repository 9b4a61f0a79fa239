#!/usr/bin/env bash
# SIGHUP reloads the configuration without losing accepted messages: listeners are added and
# removed, a kept listener keeps its open connections and takes new parsing settings, the output
# file is reopened (log rotation), and an invalid file is refused while the sensor keeps running.
. "$(dirname "$0")/lib.sh"

conf() { # $1: extra listener block
    { base_config; cat <<CFG
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
$2
$1
CFG
    } > "$T/sensor.conf"
}
conf "" ""
start_sensor "$T/sensor.conf" || exit 1

# a connection opened before the reload and used after it
coproc NC { nc 127.0.0.1 $PORT; }
echo '<13>Nov 23 15:30:00 h1 app: before reload' >&"${NC[1]}"
check "first message" wait_for .received 1

mv "$T/out.jsonl" "$T/out.jsonl.1"   # rotation: the sensor still writes to the renamed file
conf "[listener udp]
type = udp
address = 127.0.0.1:$PORT" "parser = squid
no_header = yes"
kill -HUP "$SENSOR_PID"
check "reload logged" wait_for '[.listeners[].name] | join(",")' "tcp,udp"
check "output reopened" test -e "$T/out.jsonl"

echo '1763879404.123    245 10.1.2.3 TCP_MISS/200 15320 GET http://www.example.com/ - HIER_DIRECT/93.184.216.34 text/html' >&"${NC[1]}"
echo '<13>Nov 23 15:30:00 h2 app: over udp' | nc -u -w1 127.0.0.1 $PORT
check "both arrive" wait_for .received 3
eq "old connection survived the reload" 1 "$(stat_field '.listeners[] | select(.name=="tcp") | .connections.open')"

# an invalid configuration is refused; the running one stays
echo 'workers = lots' >> "$T/sensor.conf"
kill -HUP "$SENSOR_PID"
sleep 0.5
check "invalid reload refused and logged" grep -q "reload refused, keeping the running configuration: .*workers" "$T/sensor.log"
echo '<13>Nov 23 15:30:00 h2 app: still running' | nc -u -w1 127.0.0.1 $PORT
check "still serving after a refused reload" wait_for .received 4

# replacing a listener on the same address (renamed, different charset) takes over the port
sed -i '$d' "$T/sensor.conf"
conf "[listener udp-sjis]
type = udp
address = 127.0.0.1:$PORT
charset = shift_jis" "parser = squid
no_header = yes"
kill -HUP "$SENSOR_PID"
check "listener replaced on its address" wait_for '[.listeners[].name] | join(",")' "tcp,udp-sjis"
echo '<13>Nov 23 15:30:00 h2 app: via the replacement' | nc -u -w1 127.0.0.1 $PORT
check "replacement receives" wait_for '.listeners[] | select(.name=="udp-sjis") | .received' 1

# removing a listener closes it
sed -i '$d' "$T/sensor.conf"
conf "" ""
kill -HUP "$SENSOR_PID"
check "udp listener removed" wait_for '[.listeners[].name] | join(",")' "tcp"
exec {NC[1]}>&-
stop_sensor || fail "sensor exit status"
strip_clock_events "$T/out.jsonl"
strip_clock_events "$T/out.jsonl.1"
eq "message before rotation in the old file" 1 "$(grep -c 'before reload' "$T/out.jsonl.1")"
eq "messages after rotation in the new file" 4 "$(wc -l < "$T/out.jsonl")"
eq "new parser applied to the kept connection" squid "$(jq -r 'select(.listener=="tcp") | .parser' "$T/out.jsonl")"
eq "URL parsed by it" www.example.com "$(jq -r 'select(.listener=="tcp") | ."cs-host"' "$T/out.jsonl")"
finish
