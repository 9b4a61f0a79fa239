#!/usr/bin/env bash
# Reloading rules and IOC sets while events pour in: batches in flight keep the rule generation
# they were matched with (reference counts), so nothing is freed under a reader. A TCP sender
# sends lines that match a pack rule and an indicator, flat out, while the rules are reloaded five
# times (SIGHUP) and the IOC file is rewritten three times; every line must be received and
# evaluated, the matches must keep coming, and the sensor must stop cleanly (run it under
# SANITIZE=address,undefined to catch a use after free).
. "$(dirname "$0")/../sensor/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
printf 'evil.example.com\n' > "$T/ioc.txt"
S='<190>Nov 23 15:30:00 proxy01 squid[123]:'
{
    echo "$S 1795415405.456     12 10.1.2.4 TCP_TUNNEL/200 3900 CONNECT 198.51.100.7:8443 - HIER_DIRECT/198.51.100.7 -"
    echo "$S 1795415408.123    245 10.1.2.3 TCP_MISS/200 15320 GET http://www.evil.example.com/gate.php - HIER_DIRECT/93.184.216.34 text/html"
    echo "<38>Nov 23 15:30:01 bastion03 sshd[30118]: Failed password for invalid user test from 203.0.113.9 port 22901 ssh2"
    echo "<13>Nov 23 15:30:02 host1 app: an ordinary line that nothing matches"
} > "$T/lines.log"
{ base_config; cat <<CFG
output_format = none
rules = $ROOT/rules
ioc = $T/ioc.txt
ioc_refresh_interval = 1s
detectors = yes
alert_spool = $T/spool
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
timezone = +09:00
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1
REPEAT=25000 # 100,000 lines
"$SENDLOG" -q --to 127.0.0.1:$PORT --repeat $REPEAT "$T/lines.log" &
sender=$!
for i in 1 2 3 4 5; do
    sleep 0.3
    kill -HUP "$SENSOR_PID"
    if [ $i -le 3 ]; then
        printf 'evil.example.com\nbad%d.example.org\n' "$i" > "$T/ioc.tmp"
        touch -d "+$((i * 2)) seconds" "$T/ioc.tmp"
        mv "$T/ioc.tmp" "$T/ioc.txt"
    fi
done
wait $sender
eq "sender finished" 0 $?
total=$((REPEAT * 4))
check "every line received" wait_for_long '.listeners[0].received' $total
check "every line evaluated" wait_for_long '.detection.events' $total
eq "rules reloaded five times" 6 "$(stat_field .detection.rules_generation)"
check "IOC file reloaded at least once" wait_for_long '.detection.ioc_generation > 1' true
matches=$(stat_field .detection.sigma_matches)
iocm=$(stat_field .detection.ioc_matches)
check "Sigma matches throughout ($matches)" test "$matches" -ge $((REPEAT * 2))
check "IOC matches throughout ($iocm)" test "$iocm" -ge $REPEAT
check "sensor stops cleanly" stop_sensor
check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$T/sensor.log'"
n=$("$MAMORI" alerts --spool "$T/spool" --json 2>/dev/null | wc -l)
check "alerts written ($n)" test "$n" -ge 3
finish
