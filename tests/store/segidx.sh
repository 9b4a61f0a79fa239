#!/usr/bin/env bash
# Segment index files (.mmi): written when a segment closes, used by searches instead of seeking
# block to block, never trusted blindly: a damaged one is ignored by searches (same results) and
# named by verify.
. "$(dirname "$0")/../sensor/lib.sh"
S=$T/store
bash "$(dirname "$0")/../../bench/gen_mixed.sh" 20000 > "$T/mixed.log"
for d in 01 02 03; do
    "$MAMORI" log import --store "$S" --block-size 16k --receive-time "2026-11-${d}T00:00:00Z" "$T/mixed.log" 2>/dev/null
done
eq "three segments closed with their index, the active one without" "3 2" \
    "$(ls "$S"/segments/*.mms | wc -l) $(ls "$S"/segments/*.mmi | wc -l)"
needle=$(grep -o 'SRC=[0-9.]*' "$T/mixed.log" | head -1 | cut -d= -f2)
"$MAMORI" log search --store "$S" --stats --format raw "src_ip=$needle" > "$T/with" 2> "$T/stats"
check "the closed segments were read through their index files" grep -q "2 segment(s) through their index file" "$T/stats"
mkdir "$T/aside" && mv "$S"/segments/*.mmi "$T/aside/"
"$MAMORI" log search --store "$S" --stats --format raw "src_ip=$needle" > "$T/without" 2> "$T/stats2"
check "without them: the same results, read from the segments" cmp -s "$T/with" "$T/without"
check "... and no index file used" grep -q "0 segment(s) through their index file" "$T/stats2"
per=$("$MAMORI" log parse --tz +09:00 "$T/mixed.log" | jq -c --arg n "$needle" 'select(.src_ip == $n)' | wc -l)
eq "the needle is found as often as each import holds it" $((3 * per)) "$(grep -c . "$T/with")"
mv "$T/aside/"*.mmi "$S/segments/"
"$MAMORI" log search --store "$S" --stats --format raw --from 2026-11-03 "src_ip=$needle" > "$T/day3" 2> "$T/stats4"
check "a time range skips whole segments by their index file's header" grep -q "2 skipped by time" "$T/stats4"
eq "... and finds what the range holds" "$per" "$(grep -c . "$T/day3")"
eq "verify accepts matching index files" 0 "$("$MAMORI" log verify --store "$S" >/dev/null; echo $?)"
f=$(ls "$S"/segments/*.mmi | head -1)
printf 'Z' | dd of="$f" bs=1 seek=300 conv=notrunc 2>/dev/null
"$MAMORI" log verify --store "$S" --json > "$T/v.json"
eq "verify names a damaged index file" index "$(jq -r .failure.kind "$T/v.json")"
"$MAMORI" log search --store "$S" --stats --format raw "src_ip=$needle" > "$T/damaged" 2> "$T/stats3"
check "a damaged index file is not used: same results" cmp -s "$T/with" "$T/damaged"
check "... read from its segment" grep -q "1 segment(s) through their index file" "$T/stats3"
"$MAMORI" log retention --store "$S" --retention 1d --retention-override >/dev/null 2>&1
eq "retention removes segments with their index files" "1 0" \
    "$(ls "$S"/segments/*.mms | wc -l) $(ls "$S"/segments/*.mmi 2>/dev/null | wc -l)"
finish
