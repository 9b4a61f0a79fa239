#!/usr/bin/env bash
# The store on a full filesystem (a small tmpfs): the sensor holds received messages back (TCP
# senders are slowed, nothing is dropped), says so in its log, its status and its output (an event
# for detection), and when space returns it writes everything, records the pause in the store
# (a NOTICE block) and the store verifies. Nothing is corrupted.
. "$(dirname "$0")/../sensor/lib.sh"

MNT=$T/mnt
mkdir -p "$MNT"
mount -t tmpfs -o size=32m tmpfs "$MNT" || { fail "cannot mount a tmpfs (root is needed)"; finish; }
trap 'umount "$MNT" 2>/dev/null; cleanup' EXIT
{ base_config; cat <<CFG
store = $MNT/store
store_block_size = 64k
store_block_interval = 100ms
store_sync = 100ms
store_checkpoint_interval = 1s
queue_size = 4m
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1
# leave about 600 KB free
dd if=/dev/zero of="$MNT/filler" bs=1k count=$((32 * 1024 - 600)) 2>/dev/null
bash "$(dirname "$0")/../../bench/gen_mixed.sh" 120000 > "$T/mixed.log"
"$SENDLOG" -q --to 127.0.0.1:$PORT "$T/mixed.log" &
SENDER=$!
check "the store reports it is blocked" wait_for_long .store.blocked true
check "write errors counted" test "$(stat_field .store.write_errors)" -gt 0
check "the failure is logged" grep -q "cannot write to '$MNT/store/segments/.*No space left on device" "$T/sensor.log"
sleep 1
check "an event for detection is in the output" grep -q '"action":"store_write_failed"' "$T/out.jsonl"
held=$(stat_field .store.records)
sleep 1
eq "nothing more is written while the disk is full" "$held" "$(stat_field .store.records)"
check "the workers wait for the store (back-pressure)" test "$(stat_field .store.backpressure_ms)" -gt 0
check "the sender is held back, not dropped" kill -0 "$SENDER"
rm -f "$MNT/filler"
check "writes resume when space returns" wait_for_long .store.blocked false
wait "$SENDER"
check "every message is stored" wait_for_long .store.records 120000
stop_sensor
check "a store_write_resumed event" grep -q '"action":"store_write_resumed"' "$T/out.jsonl"
"$MAMORI" log verify --store "$MNT/store" --json > "$T/v.json"
eq "the store verifies" true "$(jq .ok "$T/v.json")"
eq "all 120000 messages are in it" 120000 "$(jq .records "$T/v.json")"
check "the pause is recorded in the store" \
    jq -e '[.records_log[] | select(.type == "notice" and .record.notice == "writes_resumed")] | length >= 1' "$T/v.json"
cmp -s <("$MAMORI" log search --store "$MNT/store" --format raw | sort) <(sort "$T/mixed.log") &&
    pass "the stored messages are byte for byte the ones sent" || fail "stored messages differ from those sent"
finish
