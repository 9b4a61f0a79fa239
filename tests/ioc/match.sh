#!/usr/bin/env bash
# mamori ioc check / match over the sample feeds in tests/ioc/data (MISP event export, STIX 2.1
# bundle, CSV, plain list, two refused files) and real parsed log lines: squid, iptables (IPv4
# and IPv6), postfix (sender, recipient, sender domain) and Windows Sysmon JSON (QueryName,
# Hashes, DestinationIp/DestinationHostname). Expected outputs are in tests/ioc/data/*.expected.
set -u
cd "$(dirname "$0")/../.."
: "${MAMORI:?set MAMORI to the mamori binary}"
d=tests/ioc/data
now=2026-11-23T12:00:00Z
feeds=("$d/misp-event.json" "$d/stix-bundle.json" "$d/feed.csv" "$d/list.txt")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# check: per-file counts and problems; the memory figure varies with the allocator
"$MAMORI" ioc check --now "$now" "${feeds[@]}" "$d/bad.json" "$d/neither.json" "$d/missing.txt" \
    >"$tmp/check.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || { echo "ioc check with bad files: exit $rc, want 1"; fail=1; }
sed -E 's/, [0-9.]+ (MiB|KiB)$/, N/' "$tmp/check.out" >"$tmp/check.txt"
diff -u "$d/check.expected" "$tmp/check.txt" || fail=1

# check of good files only: exit 0
"$MAMORI" ioc check --now "$now" "$d/stix-bundle.json" >/dev/null 2>&1
rc=$?
# stix-bundle.json has unsupported patterns: they are problems, so the exit is 1
[ "$rc" -eq 1 ] || { echo "ioc check of a file with unsupported patterns: exit $rc, want 1"; fail=1; }
printf '10.0.0.1\nevil.example\n' >"$tmp/clean.txt"
"$MAMORI" ioc check "$tmp/clean.txt" >"$tmp/clean.out" 2>&1 ||
    { echo "ioc check of a clean list failed:"; cat "$tmp/clean.out"; fail=1; }

# match, as text and as JSON
"$MAMORI" ioc match --now "$now" "${feeds[@]}" --events "$d/events.log" >"$tmp/match.txt" 2>"$tmp/match.err"
diff -u "$d/match.expected" "$tmp/match.txt" || fail=1
grep -q '^loading took .* 11 lines, 18 matches' "$tmp/match.err" ||
    { echo "match summary:"; cat "$tmp/match.err"; fail=1; }
"$MAMORI" ioc match --json --now "$now" "${feeds[@]}" --events "$d/events.log" >"$tmp/match.jsonl" 2>/dev/null
diff -u "$d/match.expected.jsonl" "$tmp/match.jsonl" || fail=1

# later, the CSV row that expires 2027-01-01 is merged with MISP's (expires 2027-02-18): still on;
# in 2027-03 the MISP attributes have expired and are not loaded at all
"$MAMORI" ioc match --now 2027-03-01T00:00:00Z "$d/misp-event.json" --events "$d/events.log" >"$tmp/late.txt" 2>/dev/null
grep -q 'ipv4 198.51.100.77' "$tmp/late.txt" && { echo "expired MISP attribute matched"; fail=1; }
grep -q 'domain evil.example' "$tmp/late.txt" || { echo "non-expiring MISP attribute did not match"; fail=1; }

# a single-parser log without syslog headers (squid's own access.log) through --no-header --parser
printf '1795448391.221     17 10.1.2.3 TCP_MISS/200 316 GET http://x.evil.example:8080/a - HIER_DIRECT/192.0.2.1 text/html\n' \
    >"$tmp/access.log"
"$MAMORI" ioc match --no-header --parser squid --now "$now" "$d/feed.csv" --events "$tmp/access.log" \
    >"$tmp/squid.txt" 2>/dev/null
grep -q '^line 1: cs-host=x.evil.example \[evil.example\]: domain evil.example' "$tmp/squid.txt" ||
    { echo "squid --no-header:"; cat "$tmp/squid.txt"; fail=1; }
exit $fail
