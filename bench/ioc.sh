#!/usr/bin/env bash
# bench/ioc.sh [INDICATORS] [LINES]: indicator matching at scale, in one run. Generates INDICATORS
# (default 1,000,000) mixed indicators (plain list: IPv4 40%, IPv4 networks 5%, IPv6 5%, domains
# 25%, URLs 5%, MD5/SHA-1/SHA-256 15%, e-mail 5%; a few hundred taken from the events so that
# matches happen) and LINES (default 200,000) realistic log lines (bench/gen_mixed.sh), then
# reports load time, resident memory (VmHWM via /usr/bin/time), and matching cost per event from
# `mamori ioc match`. The peer on the same machine and the same lines is `grep -F -f` with the
# same indicator values (substring search over raw lines: no fields, no subdomains, no networks).
# Prints a markdown table. Needs $BUILD/mamori with the `ioc` command.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mamori
N=${1:-1000000}
LINES=${2:-200000}
D=$(mktemp -d /tmp/mamori-ioc.XXXXXX)
trap 'rm -rf "$D"' EXIT
"$M" ioc --help >/dev/null 2>&1 || { echo "bench/ioc.sh: $M has no 'ioc' command" >&2; exit 1; }

bench/gen_mixed.sh "$LINES" >"$D/events.log"

# indicators found in the events: some WAN addresses, networks and mail domains of gen_mixed.sh
{
    grep -oE '(185\.220\.101|45\.155\.205|91\.240\.118)\.[0-9]+' "$D/events.log" | sort -u | head -n 200
    printf '%s\n' 203.0.113.0/28 198.51.100.128/25 spam.example bulk.example.net
} >"$D/real.txt"

# the rest: deterministic pseudo-random values (bench/gen_ioc.sh)
bench/gen_ioc.sh "$N" >"$D/gen.txt"
head -n $((N - $(wc -l <"$D/real.txt"))) "$D/gen.txt" | cat "$D/real.txt" - >"$D/indicators.txt"
printf '10.255.255.255\n' >"$D/one.txt"

# mamori: the full set, and a one-indicator set for the baseline memory and parse time
run_mamori() { # indicators -> sets T_* variables
    /usr/bin/time -v "$M" ioc match "$1" --events "$D/events.log" >"$D/matches" 2>"$D/err" || true
    sed -n 's/^loading took \([0-9.]*\) s.*/\1/p' "$D/err"
}
load_s=$(run_mamori "$D/indicators.txt")
summary=$(grep '^loading took' "$D/err")
set_line=$(grep '^set: ' "$D/err")
us=$(sed -n 's/.*(\([0-9.]*\) us per event).*/\1/p' <<<"$summary")
matches=$(sed -n 's/.* \([0-9]*\) matches,.*/\1/p' <<<"$summary")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$D/err")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$D/err")
run_mamori "$D/one.txt" >/dev/null
rss0_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$D/err")
wall0=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$D/err")
set_mib=$(sed -n 's/.*, \([0-9.]*\) MiB$/\1/p' <<<"$set_line")

secs() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }

# the peer: grep -F over the same raw lines with the same values
/usr/bin/time -v grep -c -F -f "$D/indicators.txt" "$D/events.log" >"$D/grep.out" 2>"$D/grep.err" || true
grep_lines=$(head -n 1 "$D/grep.out")
grep_wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$D/grep.err")
grep_rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$D/grep.err")

mw=$(secs "$wall")
gw=$(secs "$grep_wall")
echo "# $N indicators ($(awk -F/ 'NF > 1' "$D/indicators.txt" | wc -l) networks), $LINES events (gen_mixed.sh);" \
     "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# $set_line"
printf '| measure | mamori ioc match | grep -F -f (peer) |\n|---|---|---|\n'
printf '| load indicators | %s s | (inside its total) |\n' "$load_s"
printf '| matching per event | %s us (%s events/s) | — |\n' "$us" "$(awk -v u="$us" 'BEGIN { printf "%.0f", (u > 0 ? 1e6 / u : 0) }')"
printf '| whole run (load + parse + match) | %s s | %s s |\n' "$mw" "$gw"
printf '| whole run without indicators (parse only) | %s s | — |\n' "$(secs "$wall0")"
printf '| lines/s over the whole run | %s | %s |\n' "$(awk -v l="$LINES" -v w="$mw" 'BEGIN { printf "%.0f", l / w }')" \
    "$(awk -v l="$LINES" -v w="$gw" 'BEGIN { printf "%.0f", (w > 0 ? l / w : 0) }')"
printf '| speed ratio (grep time / mamori time) | %s | 1 |\n' "$(awk -v a="$mw" -v b="$gw" 'BEGIN { printf "%.2fx", b / a }')"
printf '| resident memory (max) | %.0f MiB (set: %s MiB; %.0f MiB without indicators) | %.0f MiB |\n' \
    "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" "$set_mib" "$(awk -v k="$rss0_kb" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$grep_rss" 'BEGIN { print k / 1024 }')"
printf '| matches | %s (field matches) | %s lines |\n' "$matches" "$grep_lines"
