#!/usr/bin/env bash
# A disk that refuses every write (/dev/full: ENOSPC): the sensor keeps accepting what fits in its
# queue, counts and logs the failed writes and retries them (nothing is dropped while it runs);
# asked to stop, it gives up after 30 s of failures and says how much was not written, instead of
# hanging until a service manager kills it.
. "$(dirname "$0")/lib.sh"
{ cat <<CFG
workers = 2
output = /dev/full
state_dir = $T/state
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1
printf '<13>Nov 23 15:30:00 h1 app: message %d\n' $(seq 1 100) > "$T/lines"
"$SENDLOG" -q --to 127.0.0.1:$PORT "$T/lines"
check "messages accepted" wait_for .received 100
check "write errors counted" wait_for_long '.output.write_errors > 1' true
check "failures logged" grep -q "cannot write to '/dev/full': No space left on device (retrying in 1s)" "$T/sensor.log"
check "still queued, not dropped" test "$(stat_field .output.queued_bytes)" -gt 0
start=$(date +%s)
kill -TERM "$SENSOR_PID"
for _ in $(seq 1 50); do kill -0 "$SENSOR_PID" 2>/dev/null || break; sleep 1; done
check "stopped within 50 s" bash -c "! kill -0 $SENSOR_PID 2>/dev/null"
SENSOR_PID=
took=$(( $(date +%s) - start ))
echo "stop took ${took}s"
check "gave up after about 30 s, not at once" test "$took" -ge 25
check "unwritten bytes reported" grep -q "gave up 30 s after the stop request, writes to '/dev/full' still failing: [0-9]* bytes of events were not written" "$T/sensor.log"
finish
