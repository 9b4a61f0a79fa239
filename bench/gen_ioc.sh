#!/usr/bin/env bash
# bench/gen_ioc.sh [N] [SEED]: N (default 1,000,000) deterministic pseudo-random indicators as a
# plain list, one per line: IPv4 40 %, IPv4 networks 5 %, IPv6 5 %, domains 25 %, URLs 5 %,
# MD5/SHA-1/SHA-256 15 %, e-mail 5 % (Park-Miller in awk, as gen_mixed.sh: the same bytes from
# gawk and mawk). Used by bench/ioc.sh and bench/detect.sh.
set -eu
N=${1:-1000000}
SEED=${2:-424242}
LC_ALL=C awk -v N="$N" -v SEED="$SEED" '
function rnd(n) { S = (S * 16807) % 2147483647; return S % n }
function hex(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s substr("0123456789abcdef", rnd(16) + 1, 1); return s }
function label(  n, s, i) { n = 4 + rnd(10); s = ""; for (i = 0; i < n; i++) s = s substr("abcdefghijklmnopqrstuvwxyz0123456789", rnd(36) + 1, 1); return s }
function tld(  a, k) { k = split("com net org info xyz top ru cn io biz", a, " "); return a[rnd(k) + 1] }
function v4() { return (1 + rnd(223)) "." rnd(256) "." rnd(256) "." rnd(256) }
BEGIN {
    S = SEED
    for (i = 0; i < N; i++) {
        r = rnd(100)
        if (r < 40) print v4()
        else if (r < 45) { p = 16 + rnd(13); print (1 + rnd(223)) "." rnd(256) "." rnd(256) ".0/" p }
        else if (r < 50) print "2a0" rnd(10) ":" hex(4) ":" hex(4) "::" hex(3)
        else if (r < 75) print label() "." label() "." tld()
        else if (r < 80) print "http://" label() "." tld() "/" label() "/" label() ".php?id=" rnd(100000)
        else if (r < 85) print hex(32)
        else if (r < 90) print hex(40)
        else if (r < 95) print hex(64)
        else print label() "@" label() "." tld()
    }
}' | sed 's/ *$//'
