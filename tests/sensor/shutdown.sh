#!/usr/bin/env bash
# Graceful shutdown loses nothing accepted: messages still in the sockets' buffers when SIGTERM
# arrives are read, parsed and written before the sensor exits; back-pressure: when the output
# cannot keep up, TCP senders are slowed (nothing dropped) and UDP losses are counted exactly.
. "$(dirname "$0")/lib.sh"

printf '<86>Nov 23 15:30:00 gw01 sshd[2211]: Failed password for root from 192.0.2.%d port 4000 ssh2\n' \
    $(seq 1 250) > "$T/lines"

# 1. SIGTERM right after the senders finish writing: everything they wrote is in the output
{ base_config; cat <<CFG
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1
"$SENDLOG" -q --connections 4 --repeat 400 --to 127.0.0.1:$PORT "$T/lines" &
sender=$!
sleep 0.3
wait $sender
stop_sensor || fail "sensor exit status"
strip_clock_events "$T/out.jsonl"
eq "all 400000 messages written after SIGTERM" 400000 "$(wc -l < "$T/out.jsonl")"
check "exit logged" grep -q "sensor: stopped" "$T/sensor.log"

# 2. a slow output: a FIFO nobody reads yet. TCP senders stall instead of losing data.
rm -f "$T/out.jsonl"; mkfifo "$T/out.fifo"
{ cat <<CFG
workers = 2
output = $T/out.fifo
state_dir = $T/state
queue_size = 1m
udp_receive_buffer = 0
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
[listener udp]
type = udp
address = 127.0.0.1:$PORT
CFG
} > "$T/sensor2.conf"
exec 3<>"$T/out.fifo"   # keep the FIFO open so the sensor can open it for writing
start_sensor "$T/sensor2.conf" || exit 1
"$SENDLOG" -q --connections 2 --repeat 200 --to 127.0.0.1:$PORT "$T/lines" &
sender=$!
sleep 2
check "TCP sender is held back while the output is blocked" kill -0 $sender
bp=$(stat_field .output.backpressure_ms)
check "back-pressure reported ($bp ms)" test "$bp" -gt 0
# UDP while blocked: the kernel drops what does not fit and the sensor counts it exactly
"$SENDLOG" -q --udp --repeat 40 --to 127.0.0.1:$PORT "$T/lines"
cat "$T/out.fifo" 3>&- > "$T/out.jsonl" &
reader=$!
wait $sender
check "TCP sender finished once the output drained" true
check "UDP received + dropped = sent" wait_for \
    '(.listeners[] | select(.name=="udp") | .received + .dropped)' 10000
udp_dropped=$(stat_field '.listeners[] | select(.name=="udp") | .dropped')
stop_sensor || fail "sensor exit status"
exec 3>&-
wait $reader
strip_clock_events "$T/out.jsonl"
tcp=$(jq -r 'select(.listener=="tcp") | .listener' "$T/out.jsonl" | wc -l)
udp=$(jq -r 'select(.listener=="udp") | .listener' "$T/out.jsonl" | wc -l)
eq "every TCP message written" 100000 "$tcp"
echo "udp: $udp written, $udp_dropped dropped by the kernel, of 10000 sent"
check "UDP lost some under pressure (so the sum above means something)" test "$udp_dropped" -gt 0
eq "every UDP message received was written" $((10000 - udp_dropped)) "$udp"
finish
