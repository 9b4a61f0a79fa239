#!/usr/bin/env bash
# Searching a store: predicates on a small known store (12 lines, two imports received 20 and 2
# days ago), the time range and the bloom-filter index skipping blocks, raw output byte for byte,
# export with its SHA-256.
. "$(dirname "$0")/lib.sh"

cat > "$T/k1.log" <<'L'
<38>Nov 23 15:30:01 web01 sshd[1234]: Failed password for invalid user oracle from 203.0.113.5 port 50000 ssh2
<38>Nov 23 15:30:02 Web02 sshd[1235]: Accepted publickey for alice from 10.1.2.3 port 50001 ssh2: ED25519 SHA256:abc
<4>Nov 23 15:30:03 gw01 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=203.0.113.50 DST=10.0.0.7 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0
<166>Nov 23 15:30:04 proxy01 squid[99]: 1795415400.123    245 10.1.2.4 TCP_MISS/200 15320 GET http://www.example.com/index.html - HIER_DIRECT/93.184.216.34 text/html
<38>Nov 23 15:30:05 db01 sshd[1236]: Failed password for root from 192.168.1.20 port 40022 ssh2
<13>Nov 23 15:30:06 app01 myapp: user=bob logged in from 172.16.5.9 (session 4242)
<4>Nov 23 15:30:07 gw01 kernel: FWD-ACCEPT: IN=eth1 OUT=eth0 MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=10.20.30.40 DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=2 DF PROTO=TCP SPT=55555 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0
<166>Nov 23 15:30:08 proxy01 squid[99]: 1795415408.456     12 10.1.2.5 TCP_DENIED/403 3900 CONNECT bad.example.net:443 - HIER_NONE/- text/html
L
cat > "$T/k2.log" <<'L'
<38>Nov 23 16:00:01 web01 sshd[2000]: Accepted password for carol from 10.9.8.7 port 50100 ssh2
<38>Nov 23 16:00:02 web03 sshd[2001]: Failed password for invalid user test from 203.0.113.5 port 50101 ssh2
<4>Nov 23 16:00:03 gw01 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=8.8.8.8 DST=10.0.0.8 LEN=80 TOS=0x00 PREC=0x00 TTL=50 ID=3 PROTO=UDP SPT=53 DPT=53 LEN=60
<13>Nov 23 16:00:04 app01 myapp: ORACLE backup finished
L
cat "$T/k1.log" "$T/k2.log" > "$T/all.log"
K=$T/known
import "$K" --receive-time "$(ago 20)" "$T/k1.log" || exit 1
import "$K" --receive-time "$(ago 2)" "$T/k2.log" || exit 1

lines() { for n in "$@"; do sed -n "${n}p" "$T/all.log"; done; }   # lines of the input, by number
found() { "$MAMORI" log search --store "$K" --format raw "$@" 2>"$T/search.err" || echo "(exit $?: $(cat "$T/search.err"))"; }
same() { # description, expected line numbers ("" for none), then the search arguments
    local what=$1 want=$2; shift 2
    local exp got
    exp=$(lines $want) got=$(found "$@")
    if [ "$exp" = "$got" ]; then
        pass "$what: $* -> lines ${want:-none}"
    else
        fail "$what: $*: expected lines ${want:-none}, got:"; printf '%s\n' "$got" | sed 's/^/    /'
    fi
}

# equality ignores ASCII case; prefix, suffix, substring
same "equality, case ignored" "1 9" host=WEB01
same "equality, case ignored" "2" username=ALICE
same "prefix" "1 2 9 10" 'host=web*'
same "suffix" "3 7 11" 'host=*W01'
same "substring" "4" 'c-uri=*EXAMPLE.com/index*'
same "field exists" "4 8" 'sc-bytes=*'
# CIDR over addresses
same "CIDR 10.0.0.0/8" "2 4 7 8 9" src_ip=10.0.0.0/8
same "CIDR on another field" "3 11" dst_ip=10.0.0.0/8
same "CIDR /24" "1 3 10" src_ip=203.0.113.0/24
same "CIDR by ECS name" "2 4 7 8 9" source.ip=10.0.0.0/8
same "negated CIDR" "1 3 5 6 10 11 12" 'src_ip!=10.0.0.0/8'
# numbers
same "less than" "3 11" 'dst_port<100'
same "greater or equal" "7" 'dst_port>=443'
same "greater than (50000 excluded)" "2 7 9 10" 'src_port>50000'
same "greater or equal (50000 included)" "1 2 7 9 10" 'src_port>=50000'
same "less or equal" "8" 'sc-bytes<=3900'
same "numeric range" "4" 'sc-bytes>3900' 'sc-bytes<20000'
# negation: also true where the field is absent
same "negated equality" "3 4 6 7 8 11 12" 'program!=sshd'
same "negated equality, absent field" "1 3 4 5 6 7 8 9 10 11 12" 'username!=alice'
same "negated prefix" "3 4 5 6 7 8 11 12" 'host!=web*'
# full-text words: an IP is a word, not a prefix of a longer IP
same "IP as a word" "1 10" 203.0.113.5
same "the longer IP" "3" 203.0.113.50
same "word, case ignored" "1 12" oracle
same "part of a word is not the word" "" orac
same "substring term" "1 12" '*orac*'
same "term and field" "1" host=web01 203.0.113.5
same "term with = via --text" "6" --text user=bob
# the time range: the first import's block is not read
same "--from" "9 10 11 12" --from "$(ago 10)"
same "--to" "1 2 3 4 5 6 7 8" --to "$(ago 10)"
same "--from and a predicate" "10" --from 10d src_ip=203.0.113.5
"$MAMORI" log search --store "$K" --from 10d --stats >/dev/null 2>"$T/stats"
# (the old data is a closed segment of its own: skipped whole, by its index file's header)
check "--stats: the old block is skipped by time ($(cat "$T/stats"))" \
    grep -Eq 'blocks: 2 total, 1 skipped by time, 0 skipped by index, 1 read|blocks: 1 total, 0 skipped by time, 0 skipped by index, 1 read .* 1 skipped by time' "$T/stats"
check "--stats: 4 matched" grep -q ' 4 matched' "$T/stats"
eq "--from after --to is refused" 2 "$("$MAMORI" log search --store "$K" --from 1d --to 2d >/dev/null 2>&1; echo $?)"
# --limit: the first N matches, oldest first
same "--limit" "1 2" --limit 2 program=sshd
same "--limit with the time range" "9" --limit 1 --from 10d
# raw output: the input byte for byte
"$MAMORI" log search --store "$K" --format raw > "$T/raw.out"
check "raw output of everything is the input, byte for byte" cmp -s "$T/all.log" "$T/raw.out"
"$MAMORI" log search --store "$K" --format raw program=sshd > "$T/raw.sshd"
grep ' sshd\[' "$T/all.log" > "$T/want.sshd"
check "raw output of a search is the matching input lines" cmp -s "$T/want.sshd" "$T/raw.sshd"
eq "json output: one event per match" "2 2" \
    "$("$MAMORI" log search --store "$K" 203.0.113.5 | jq -r .src_ip | grep -c 203.0.113.5) $("$MAMORI" log search --store "$K" 203.0.113.5 | wc -l)"
eq "table output: one line per match" 4 "$("$MAMORI" log search --store "$K" --format table 'host=web*' | wc -l)"

# export: what is written is what the SHA-256 printed says
"$MAMORI" log export --store "$K" --from 30d --to now --format raw -o "$T/export.raw" 2>"$T/export.err"
eq "export exits 0" 0 $?
check "raw export is the input" cmp -s "$T/all.log" "$T/export.raw"
eq "raw export SHA-256 matches sha256sum" "$(sha256sum < "$T/export.raw" | cut -d' ' -f1)" \
    "$(grep -o 'SHA-256 [0-9a-f]*' "$T/export.err" | cut -d' ' -f2)"
check "export reports the count ($(cat "$T/export.err"))" grep -q 'exported 12 records' "$T/export.err"
"$MAMORI" log export --store "$K" --from 30d --to now -o "$T/export.json" 2>"$T/export.err"
eq "json export SHA-256 matches sha256sum" "$(sha256sum < "$T/export.json" | cut -d' ' -f1)" \
    "$(grep -o 'SHA-256 [0-9a-f]*' "$T/export.err" | cut -d' ' -f2)"
jq -r .raw "$T/export.json" > "$T/export.json.raw"
check "json export carries the raw messages" cmp -s "$T/all.log" "$T/export.json.raw"
eq "json export carries store references" 12 "$(jq -r '.store_ref | select(test("^[0-9]+:[0-9]+$"))' "$T/export.json" | wc -l)"
"$MAMORI" log export --store "$K" --from 10d --to now --format raw -o "$T/export2.raw" 2>"$T/export.err"
check "export of a range" cmp -s "$T/k2.log" "$T/export2.raw"
eq "export of a range: its SHA-256" "$(sha256sum < "$T/export2.raw" | cut -d' ' -f1)" \
    "$(grep -o 'SHA-256 [0-9a-f]*' "$T/export.err" | cut -d' ' -f2)"

# index skipping: one needle address in one line of 20000, 16 KiB blocks
needle='<38>Nov 23 15:31:00 bastion07 sshd[4711]: Failed password for root from 198.18.7.77 port 61000 ssh2'
bash "$ROOT/bench/gen_mixed.sh" 20000 5 | awk -v n="$needle" 'NR == 10000 { print n; next } { print }' > "$T/big.log"
eq "the needle is in one line" 1 "$(grep -c '198\.18\.' "$T/big.log")"
B=$T/big
import "$B" --block-size 16k "$T/big.log" || exit 1
skipcheck() { # description, then search arguments: one match, most blocks skipped by the index
    local what=$1; shift
    local got
    got=$("$MAMORI" log search --store "$B" --format raw --stats "$@" 2>"$T/stats")
    eq "$what: the needle line" "$needle" "$got"
    local total skipped
    total=$(sed -n 's/^blocks: \([0-9]*\) total.*/\1/p' "$T/stats")
    skipped=$(sed -n 's/.* \([0-9]*\) skipped by index.*/\1/p' "$T/stats")
    if [ -n "$total" ] && [ -n "$skipped" ] && [ "$total" -ge 100 ] && [ $((skipped * 100)) -ge $((total * 95)) ]; then
        pass "$what: $(cat "$T/stats")"
    else
        fail "$what: expected >= 95% of >= 100 blocks skipped by index, got: $(cat "$T/stats")"
    fi
    check "$what: exactly 1 matched" grep -q ', 1 matched' "$T/stats"
}
skipcheck "full-text IP" 198.18.7.77
skipcheck "field equality" src_ip=198.18.7.77
skipcheck "CIDR" src_ip=198.18.0.0/16
# the part of the address that is not in the index still finds nothing wrong
eq "a shorter IP is another word" "" "$("$MAMORI" log search --store "$B" --format raw 198.18.7.7)"
finish
