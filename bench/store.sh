#!/usr/bin/env bash
# bench/store.sh [EVENTS]: the sealed store against what a user would otherwise do, zstd-compressed
# flat files searched with zstdgrep, on this machine in one run.
#   1. write throughput: `mamori log import` sealed vs unsealed (the cost of sealing), and zstd -3
#   2. compression ratio on the mixed logs of bench/gen_mixed.sh
#   3. scan speed of a field predicate that needs every record parsed (events/s, one core)
#   4. needle: one IP address in exactly one line among EVENTS (default 50,000,000) spread over a
#      year, found by field and by full-text word, vs zstdgrep over daily .zst files
# Work files in $BENCH_DIR (default /tmp/mamori-bench), removed at the end unless KEEP=1.
set -eu
cd "$(dirname "$0")/.."
EVENTS=${1:-50000000}
BASE=${BASE:-1000000}
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mamori
D=${BENCH_DIR:-/tmp/mamori-bench}
rm -rf "$D"; mkdir -p "$D/flat"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$D"' EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median3() { sort -n | sed -n 2p; }

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# generating $BASE base lines (bench/gen_mixed.sh)"
bash bench/gen_mixed.sh "$BASE" 20261123 > "$D/base.log"
RAW=$(stat -c %s "$D/base.log")

# 1 + 2: write throughput and ratio on the base set
t0=$(now); "$M" log import --store "$D/sealed" --receive-time 2026-01-01T00:00:00Z "$D/base.log" 2>"$D/import.log"; t1=$(now)
t2=$(now); "$M" log import --store "$D/unsealed" --unsealed --receive-time 2026-01-01T00:00:00Z "$D/base.log" 2>"$D/import.log"; t3=$(now)
t4=$(now); zstd -3 -q -c "$D/base.log" > "$D/base.zst"; t5=$(now)
t6=$(now); zstd -6 -q -c "$D/base.log" > /dev/null; t7=$(now)
ws=$(secs "$t0" "$t1"); wu=$(secs "$t2" "$t3"); wz=$(secs "$t4" "$t5"); wz6=$(secs "$t6" "$t7")
"$M" log verify --store "$D/sealed" >/dev/null
printf '\n## write (%s events, %.1f MB raw, one core)\n' "$BASE" "$(echo "$RAW / 1000000" | bc -l)"
printf '| writer | s | events/s | MB/s raw |\n|---|---|---|---|\n'
for row in "mamori sealed:$ws" "mamori unsealed:$wu" "zstd -3 (compress only):$wz" "zstd -6 (compress only):$wz6"; do
    n=${row%%:*}; s=${row##*:}
    printf '| %s | %s | %.0f | %.1f |\n' "$n" "$s" "$(echo "$BASE / $s" | bc -l)" "$(echo "$RAW / $s / 1000000" | bc -l)"
done
printf 'cost of sealing: sealed/unsealed time = %.3f\n' "$(echo "$ws / $wu" | bc -l)"
# compression on both generators: gen_mixed (every field drawn independently: a worst case) and
# gen_stream (the structure of a real stream: sessions, queue ids, a clock)
bash bench/gen_stream.sh "$BASE" 20261123 > "$D/stream.log"
"$M" log import --store "$D/stream" --receive-time 2026-01-01T00:00:00Z "$D/stream.log" 2>"$D/import.log"
printf '\n## compression (store defaults: 4 MiB blocks, zstd level 6)\n'
printf '| data | raw bytes | mamori store (index, hashes, signatures included) | zstd -3 whole file | zstd -6 whole file |\n|---|---|---|---|---|\n'
for g in "gen_mixed:$D/base.log:$D/sealed" "gen_stream:$D/stream.log:$D/stream"; do
    IFS=: read -r name file store <<< "$g"
    r=$(stat -c %s "$file"); sb=$(du -sb "$store/segments" | cut -f1)
    z3=$(zstd -3 -q -c "$file" | wc -c); z6=$(zstd -6 -q -c "$file" | wc -c)
    printf '| %s | %s | %s (%.2f:1) | %s (%.2f:1) | %s (%.2f:1) |\n' "$name" "$r" "$sb" "$(echo "$r / $sb" | bc -l)" \
        "$z3" "$(echo "$r / $z3" | bc -l)" "$z6" "$(echo "$r / $z6" | bc -l)"
done
rm -rf "$D/stream" "$D/stream.log"

# 3: scan with a field predicate (every record parsed)
n=$("$M" log search --store "$D/sealed" --format raw program=sshd | wc -l)
for i in 1 2 3; do
    a=$(now); "$M" log search --store "$D/sealed" --format raw program=sshd >/dev/null; b=$(now); secs "$a" "$b"; echo
done | grep . | median3 > "$D/scan_s"
sc=$(cat "$D/scan_s")
for i in 1 2 3; do
    a=$(now); zstdgrep -c ' sshd\[' "$D/base.zst" >/dev/null; b=$(now); secs "$a" "$b"; echo
done | grep . | median3 > "$D/zscan_s"
zs=$(cat "$D/zscan_s")
printf '\n## scan: program=sshd over %s events (%s matches), median of 3, warm cache\n' "$BASE" "$n"
printf '| tool | s | events/s |\n|---|---|---|\n| mamori search (parses every record, 1 core) | %s | %.0f |\n| zstdgrep -c " sshd\\[" (text only) | %s | %.0f |\n' \
    "$sc" "$(echo "$BASE / $sc" | bc -l)" "$zs" "$(echo "$BASE / $zs" | bc -l)"

# 4: the needle over EVENTS spread over a year
NEEDLE=198.18.77.201
COPIES=$(( (EVENTS + BASE - 1) / BASE ))
echo "# building $COPIES days x $BASE events (import one day at a time)"
rm -rf "$D/sealed" "$D/unsealed"
a=$(now)
for d in $(seq 0 $((COPIES - 1))); do
    day=$(date -u -d "2025-12-01 + $(( d * 365 / COPIES )) days" +%Y-%m-%dT12:00:00Z)
    f=$D/base.log
    if [ "$d" -eq $((COPIES / 2)) ]; then
        f=$D/needle.log
        { head -n $((BASE / 2)) "$D/base.log"
          echo "<38>Nov 23 10:00:00 bastion03 sshd[4242]: Failed password for invalid user oracle from $NEEDLE port 50122 ssh2"
          tail -n +$((BASE / 2 + 2)) "$D/base.log"; } > "$f"
    fi
    "$M" log import --store "$D/year" --retention 0 --receive-time "$day" "$f" 2>"$D/import.log" ||
        { cat "$D/import.log" >&2; exit 1; }
    zstd -3 -q -c "$f" > "$D/flat/$(echo "$day" | cut -c1-10).log.zst"
done
b=$(now)
TOTAL=$(( COPIES * BASE ))
echo "# built in $(secs "$a" "$b") s"
c=$("$M" log search --store "$D/year" --format raw "src_ip=$NEEDLE" | wc -l)
c2=$("$M" log search --store "$D/year" --format raw "$NEEDLE" | wc -l)
for i in 1 2 3; do a=$(now); "$M" log search --store "$D/year" --format raw "src_ip=$NEEDLE" >/dev/null; b=$(now); secs "$a" "$b"; echo; done | grep . | median3 > "$D/n1"
for i in 1 2 3; do a=$(now); "$M" log search --store "$D/year" --format raw "$NEEDLE" >/dev/null; b=$(now); secs "$a" "$b"; echo; done | grep . | median3 > "$D/n2"
"$M" log search --store "$D/year" --stats --format raw "src_ip=$NEEDLE" 2>&1 >/dev/null | tail -1 > "$D/n1stats"
a=$(now); c3=$(zstdgrep -hF "$NEEDLE" "$D"/flat/*.zst | wc -l); b=$(now); zn=$(secs "$a" "$b")
cold=
for i in 1 2 3; do
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || { cold=n/a; break; }
    a=$(now); "$M" log search --store "$D/year" --format raw "src_ip=$NEEDLE" >/dev/null; b=$(now)
    cold="$cold $(secs "$a" "$b")"
done
printf '\n## needle: one IP in %s events over a year (%s segments, %s)\n' "$TOTAL" "$(ls "$D"/year/segments/*.mms | wc -l)" "$(du -sch "$D"/year/segments/*.mms | tail -1 | cut -f1)"
printf '| query | matches | s (median of 3, warm) | vs zstdgrep |\n|---|---|---|---|\n'
printf '| mamori log search src_ip=%s | %s | %s | %.0fx faster |\n' "$NEEDLE" "$c" "$(cat "$D/n1")" "$(echo "$zn / $(cat "$D/n1")" | bc -l)"
printf '| mamori log search %s (full-text word) | %s | %s | %.0fx faster |\n' "$NEEDLE" "$c2" "$(cat "$D/n2")" "$(echo "$zn / $(cat "$D/n2")" | bc -l)"
printf '| zstdgrep -F %s (daily .zst files) | %s | %s | 1 |\n' "$NEEDLE" "$c3" "$zn"
printf 'mamori cold cache (drop_caches before each of 3 runs): %s s\nindex: %s\n' "$cold" "$(cat "$D/n1stats")"
a=$(now); "$M" log verify --store "$D/year" >/dev/null; b=$(now)
printf 'mamori log verify of the whole store (every hash, every signature, warm cache): %s s\n' "$(secs "$a" "$b")"
