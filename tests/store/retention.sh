#!/usr/bin/env bash
# Retention: segments whose every record is older than the retention period are deleted with a
# signed record, and verify tells that deletion from a segment removed by hand. The retention
# floor (365 days) needs an explicit override.
#
# Retention deletes whole segments, never the active one. The writer starts a new segment when
# the receive times of its data would span more than a day, so imports with --receive-time 500
# days ago, 4 days ago, 2 days ago and now make a segment each.
. "$(dirname "$0")/lib.sh"

bash "$ROOT/bench/gen_mixed.sh" 400 1 > "$T/old.log"
bash "$ROOT/bench/gen_mixed.sh" 300 2 > "$T/new.log"
count() { # STORE [search args]: matches
    "$MAMORI" log search --store "$1" --format raw "${@:2}" | wc -l | tr -d ' '
}
segname() { ls "$1/segments" | grep '\.mms$' | sed -n "${2}p"; }   # STORE N: the Nth segment
segfirst() { echo $((16#${1%.mms})); }                               # a segment's first seq

# ---- 1. a store with only old data: its one segment is the active one, and is kept ----
P=$T/one
import "$P" --block-size 4k --receive-time "$(ago 500)" "$T/old.log" || exit 1
out=$("$MAMORI" log retention --store "$P" 2>"$T/ret.err")
eq "1. retention exits 0" 0 $?
eq "1. the active segment is never deleted" "0 segment(s) deleted" "$out"
expect_ok "1. after retention" "$P"
eq "1. no retention record" 0 "$(jf .retention_records)"
eq "1. the old records are kept" 400 "$(count "$P")"

# ---- 2. old and new data: two segments ----
R=$T/store
import "$R" --block-size 4k --receive-time "$(ago 500)" "$T/old.log" || exit 1
import "$R" --block-size 4k --receive-time "$(ago 4)" "$T/new.log" || exit 1
eq "2. two segments" 2 "$(ls "$R/segments" | grep -c '\.mms$')"
expect_ok "2. before retention" "$R"
eq "2. records" 700 "$(jf .records)"
seg0=$(segname "$R" 1) seg1=$(segname "$R" 2)
s1=$(segfirst "$seg1")

X=$(copy "$R" hand0); rm "$X/segments/$seg0"
expect_fail "2. first segment deleted by hand" "$X" missing 0
# ... and a retention record added by hand (hash-chained, but no checkpoint can sign it)
storetool "$X" append-retention
last=$(storetool "$X" list | tail -n 1 | cut -d' ' -f1,2)
eq "2. a retention record was appended" "retention" "${last#* }"
expect_fail "2. first segment deleted with a forged retention record" "$X" forged "${last% *}"

out=$("$MAMORI" log retention --store "$R" 2>"$T/ret.err")
eq "2. retention exits 0" 0 $?
eq "2. retention deletes the old segment" "1 segment(s) deleted" "$out"
check "2. segment 0 is gone" test ! -e "$R/segments/$seg0"
check "2. segment 1 is kept" test -e "$R/segments/$seg1"
expect_ok "2. after retention" "$R" --records
eq "2. one retention record" 1 "$(jf .retention_records)"
eq "2. deleted_before_seq is segment 1's first block" "$s1" "$(jf .deleted_before_seq)"
eq "2. the store now starts there" "$s1" "$(jf .first_seq)"
eq "2. records left" 300 "$(jf .records)"
eq "2. the record names the segment" "$seg0" "$(jf '.records_log[] | select(.type=="retention") | .record.segments[0].name')"
eq "2. the record's policy" "400 false" "$(jf '.records_log[] | select(.type=="retention") | .record | "\(.policy_days) \(.below_minimum_override)"')"
eq "2. the record's deleted blocks" "0 $((s1 - 1)) 400" \
    "$(jf '.records_log[] | select(.type=="retention") | .record.segments[0] | "\(.first_seq) \(.last_seq) \(.records)"')"
check "2. verify's text report mentions the deletion" \
    sh -c '"$1" log verify --store "$2" | grep -q "blocks before $3 were deleted by the retention policy"' _ "$MAMORI" "$R" "$s1"
eq "2. old records are gone from search" 0 "$(count "$R" --to 100d)"
eq "2. new records are found" 300 "$(count "$R")"
out=$("$MAMORI" log retention --store "$R" 2>/dev/null)
eq "2. a second run deletes nothing" "0 segment(s) deleted" "$out"
expect_ok "2. after the second run" "$R"
eq "2. still one retention record" 1 "$(jf .retention_records)"

# received 2 days ago and now: segments 2 and 3
import "$R" --block-size 4k --receive-time "$(ago 2)" "$T/new.log" || fail "2. import of 2 days ago"
import "$R" --block-size 4k "$T/new.log" || fail "2. import now"
eq "2. three segments left" 3 "$(ls "$R/segments" | grep -c '\.mms$')"
expect_ok "2. after more imports" "$R"
seg2=$(segname "$R" 2)
s2=$(segfirst "$seg2")
X=$(copy "$R" hand2); rm "$X/segments/$seg2"
expect_fail "2. middle segment deleted by hand after retention" "$X" missing "$s2"
# the first remaining segment holds the retention record: without it nothing says why blocks
# 0.. are absent
X=$(copy "$R" hand1); rm "$X/segments/$seg1"
expect_fail "2. first remaining segment deleted by hand" "$X" missing 0

# ---- 3. the retention floor ----
out=$("$MAMORI" log retention --store "$R" --retention 30d 2>"$T/err30"); rc=$?
eq "3. retention 30d without the override fails" 2 "$rc"
check "3. ... saying why ($(head -c 200 "$T/err30"))" grep -q '365' "$T/err30"
check "3. ... and how to allow it" grep -qi 'override' "$T/err30"
eq "3. ... and deletes nothing" 3 "$(ls "$R/segments" | grep -c '\.mms$')"
"$MAMORI" log import --store "$R" --retention 30d "$T/new.log" >/dev/null 2>"$T/err30i"; rc=$?
eq "3. import --retention 30d without the override fails" 2 "$rc"
check "3. ... saying why" grep -q '365' "$T/err30i"
expect_ok "3. the refused commands left the store intact" "$R"
eq "3. ... and wrote nothing" 900 "$(jf .records)"

out=$("$MAMORI" log retention --store "$R" --retention 30d --retention-override 2>"$T/warn30"); rc=$?
eq "3. retention 30d with the override is accepted" 0 "$rc"
check "3. ... with a warning ($(grep -i 'below' "$T/warn30" | head -c 200))" grep -qi 'warn.*below' "$T/warn30"
eq "3. ... nothing is 30 days old" "0 segment(s) deleted" "$out"
out=$("$MAMORI" log retention --store "$R" --retention 3d --retention-override 2>/dev/null)
eq "3. retention 3d deletes the 4-day-old segment" "1 segment(s) deleted" "$out"
check "3. ... segment 1" test ! -e "$R/segments/$seg1"
expect_ok "3. after the override deletion" "$R" --records
# the first record was in segment 1, deleted with it
eq "3. the retention record left" 1 "$(jf .retention_records)"
eq "3. deleted_before_seq" "$s2" "$(jf .deleted_before_seq)"
eq "3. the record says the override was used" "3 true" \
    "$(jf '[.records_log[] | select(.type=="retention")] | last | .record | "\(.policy_days) \(.below_minimum_override)"')"
# the latest record says blocks before s2 were deleted; the store starting later is a removal
X=$(copy "$R" hand3); rm "$X/segments/$seg2"
expect_fail "3. segment after the deleted ones removed by hand" "$X" missing "$s2"
finish
