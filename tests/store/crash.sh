#!/usr/bin/env bash
# Crash safety of the sealed store.
# 1. kill -9 under load, many times: a followed file is appended to, and a TCP sender sends as
#    fast as it can, while the sensor is killed and restarted; in the end every line of the file
#    is in the store (the file position is only saved once the store has made the lines durable,
#    so a crash re-reads rather than skips), duplicates are counted, every message stored from TCP
#    is one of those sent, byte for byte, and the store verifies.
# 2. torn tails: a partial block at the end of the active segment is cut at the next open, kept
#    in a .torn file, and recorded (a RECOVERY block, signed); damage before signed data is not cut.
. "$(dirname "$0")/../sensor/lib.sh"

LINES=60000
KILLS=${CRASH_KILLS:-8}
: > "$T/app.log"
{ base_config; cat <<CFG
output_format = none
store = $T/store
store_block_size = 16k
store_block_interval = 100ms
store_sync = 100ms
store_checkpoint_interval = 1s
[listener app]
type = file
path = $T/app.log
from_start = yes
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
CFG
} > "$T/sensor.conf"
bash "$(dirname "$0")/../../bench/gen_mixed.sh" 20000 > "$T/mixed.log"

# the load: LINES numbered lines, appended in chunks over ~12 s
( for c in $(seq 0 59); do
      awk -v c="$c" 'BEGIN { for (i = 1; i <= 1000; i++)
          printf "<13>Nov 23 12:00:00 host%02d app[%d]: crash-test seq=%07d user=u%d from 10.%d.%d.%d\n",
                 i % 7, 100 + c, c * 1000 + i, i % 13, c, i % 250, i % 200 }' >> "$T/app.log"
      sleep 0.2
  done ) &
APPENDER=$!
# network load: resend the mixed log as fast as the sensor takes it, whenever it is up
( end=$((SECONDS + 40))
  while [ $SECONDS -lt $end ] && kill -0 "$APPENDER" 2>/dev/null; do
      "$SENDLOG" -q --to 127.0.0.1:$PORT "$T/mixed.log" 2>/dev/null || sleep 0.05
  done ) &
SENDER=$!

kills=0
for k in $(seq 1 "$KILLS"); do
    start_sensor "$T/sensor.conf" || break
    sleep "1.$(( (k * 37) % 9 ))"  # past the 1 s position save, at varying points of a block
    kill -9 "$SENSOR_PID"; wait "$SENSOR_PID" 2>/dev/null
    SENSOR_PID=
    kills=$((kills + 1))
done
wait "$APPENDER"
wait "$SENDER"
eq "sensor killed with SIGKILL under load" "$KILLS" "$kills"
# a last run reads the rest and stops cleanly
start_sensor "$T/sensor.conf" || exit 1
for _ in $(seq 1 200); do
    [ -f "$T/state/files.state" ] && [ "$(cut -f5 "$T/state/files.state")" = "$(stat -c %s "$T/app.log")" ] && break
    sleep 0.1
done
sleep 0.5
stop_sensor
check "store verifies after $kills crashes" "$MAMORI" log verify --store "$T/store"
"$MAMORI" log search --store "$T/store" --format raw crash-test > "$T/all.txt"
grep -o 'seq=[0-9]*' "$T/all.txt" | sort -u > "$T/seen"
eq "every line of the file is in the store (nothing durable lost)" "$LINES" "$(wc -l < "$T/seen")"
total=$(wc -l < "$T/all.txt")
echo "   ($total records for $LINES lines: $((total - LINES)) re-read after crashes, as at-least-once allows)"
check "no line was stored more than it was re-read (at most once per crash)" \
    test "$(grep -o 'seq=[0-9]*' "$T/all.txt" | sort | uniq -c | awk '$1 > m { m = $1 } END { print m + 0 }')" -le $((kills + 1))
cmp <(grep -c . "$T/app.log") <(echo "$LINES") >/dev/null && pass "the file holds all $LINES lines"
"$MAMORI" log search --store "$T/store" --format raw listener=tcp > "$T/tcp.txt"
tcp=$(grep -c . "$T/tcp.txt")
check "messages from TCP were stored across the crashes ($tcp)" test "$tcp" -gt 20000
sort -u "$T/mixed.log" > "$T/sent.sorted"
eq "every stored TCP message is one that was sent, byte for byte" 0 \
    "$(sort -u "$T/tcp.txt" | comm -23 - "$T/sent.sorted" | wc -l)"

# --- torn tails ---
S=$T/torn
bash "$(dirname "$0")/../../bench/gen_mixed.sh" 3000 > "$T/mixed.log"
"$MAMORI" log import --store "$S" --block-size 4k "$T/mixed.log" 2>/dev/null
seg=$(ls "$S"/segments/*.mms | tail -1)
size=$(stat -c %s "$seg")
# a crash in the middle of writing a block: a header and part of a block at the end
head -c 3000 "$seg" | tail -c 1500 >> "$seg"
"$MAMORI" log import --store "$S" --block-size 4k "$T/mixed.log" 2>"$T/reopen.log"
check "a torn tail is reported at open" grep -q "cut a torn tail at byte $size" "$T/reopen.log"
check "the cut bytes are kept" test "$(stat -c %s "$seg.torn-$size")" = 1500
"$MAMORI" log verify --store "$S" --json > "$T/v.json"
eq "the store verifies after the cut" true "$(jq .ok "$T/v.json")"
eq "the recovery is recorded in the store" 1 "$(jq .recoveries "$T/v.json")"
check "the recovery record names the segment and offset" \
    jq -e --arg o "$size" '.records_log[] | select(.type == "recovery") | .record.cuts[0].offset == ($o | tonumber)' "$T/v.json" >/dev/null
eq "nothing before the tear was lost" 6000 "$(jq .records "$T/v.json")"

# a block cut short (the file ends inside it)
seg=$(ls "$S"/segments/*.mms | tail -1)
size=$(stat -c %s "$seg")
truncate -s $((size - 20)) "$seg"
"$MAMORI" log import --store "$S" --block-size 4k /dev/null 2>"$T/reopen2.log"
check "a block cut short is cut at open" grep -q "cut a torn tail" "$T/reopen2.log"
eq "the store verifies again" 0 "$("$MAMORI" log verify --store "$S" >/dev/null; echo $?)"

# damage before a signed checkpoint is not a crash: the store refuses to cut it (the second
# block's magic, at byte 204 after the 204-byte segment block, is overwritten)
seg=$(ls "$S"/segments/*.mms | tail -1)
printf 'X' | dd of="$seg" bs=1 seek=204 conv=notrunc 2>/dev/null
if "$MAMORI" log import --store "$S" /dev/null 2>"$T/reopen3.log"; then
    fail "a store damaged before signed data was opened and cut"
else
    check "damage before signed data is refused, not cut" grep -q "not a crash" "$T/reopen3.log"
fi
finish
