#!/usr/bin/env bash
# Named limits: a message longer than max_message_size is truncated (and counted), never crashes,
# and the next message on the same connection is intact; connections beyond max_connections are
# refused and counted; many concurrent senders are all served.
. "$(dirname "$0")/lib.sh"

{ base_config; cat <<CFG
max_message_size = 1k
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
max_connections = 300
[listener udp]
type = udp
address = 127.0.0.1:$PORT
[listener octet]
type = tcp
address = 127.0.0.1:$((PORT + 1))
framing = octet
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1

long=$(head -c 100000 /dev/zero | tr '\0' 'A')
{ printf '<13>Nov 23 15:30:00 h1 app: first\n'
  printf '<13>Nov 23 15:30:00 h1 app: %s\n' "$long"
  printf '<13>Nov 23 15:30:00 h1 app: after long line\n'
  printf '3000 <13>Nov 23 15:30:00 h1 app: %s' "$(head -c 2972 /dev/zero | tr '\0' 'B')"
  printf '<13>Nov 23 15:30:00 h1 app: after long frame\n'; } | nc -q1 127.0.0.1 $PORT
printf '<13>Nov 23 15:30:00 h2 app: %s' "$(head -c 5000 /dev/zero | tr '\0' 'C')" | nc -u -w1 127.0.0.1 $PORT
# octet framing forced: a frame without a count is skipped up to its LF, and counted
printf '12 <13>h app: x\nno count here\n12 <13>h app: y\n' | nc -q1 127.0.0.1 $((PORT + 1))
check "5 TCP + 1 UDP + 2 octet messages" wait_for .received 8
eq "skipped frame counted" 1 "$(stat_field '.listeners[] | select(.name=="octet") | .framing_errors')"
eq "three truncated" 3 "$(stat_field .truncated)"

# 250 concurrent senders, each one message, all served
pids=()
for i in $(seq 1 250); do
    printf '<13>Nov 23 15:30:00 many app: sender %d\n' "$i" | nc -q2 127.0.0.1 $PORT &
    pids+=($!)
done
wait "${pids[@]}"
check "250 concurrent senders served" wait_for .received 258
# more idle connections than allowed: the excess is refused and counted
# (the holder keeps its connections until its stdin closes)
exec {hold}> >("$SENDLOG" --to 127.0.0.1:$PORT --idle 320 > "$T/idle.out" 2>&1)
check "20 connections refused" wait_for '.listeners[] | select(.name=="tcp") | .connections.refused' 20
eq "300 open" 300 "$(stat_field '.listeners[] | select(.name=="tcp") | .connections.open')"
exec {hold}>&-
check "refusal logged" grep -q "refused connection from 127.0.0.1:.*max_connections" "$T/sensor.log"
stop_sensor || fail "sensor exit status"
strip_clock_events "$T/out.jsonl"
out=$T/out.jsonl
eq "long line cut at 1 KiB and flagged" "true 1024" "$(jq -r 'select(.message|startswith("AAA")) | "\(.truncated) \(.raw_len // (.message|length + 28))"' "$out")"
eq "next line intact" 1 "$(jq -r .message "$out" | grep -c '^after long line$')"
eq "next frame after a long octet frame intact" 1 "$(jq -r .message "$out" | grep -c '^after long frame$')"
eq "truncated UDP datagram flagged" true "$(jq -r 'select(.host=="h2") | .truncated' "$out")"
finish
