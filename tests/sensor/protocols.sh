#!/usr/bin/env bash
# The sensor receives syslog over UDP, TCP with LF framing and with octet counting (and both
# mixed on one connection), and JSON lines; every message becomes exactly one event with the
# right listener, peer and parser.
. "$(dirname "$0")/lib.sh"

{ base_config; cat <<CFG
[listener udp]
type = udp
address = 127.0.0.1:$PORT
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
timezone = +09:00
[listener json]
type = json
address = 127.0.0.1:$((PORT + 1))
[listener sjis]
type = tcp
address = 127.0.0.1:$((PORT + 2))
charset = shift_jis
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1

cat > "$T/lines" <<'L'
<86>Nov 23 15:30:00 gw01 sshd[2211]: Accepted publickey for admin from 192.0.2.44 port 51722 ssh2
<165>1 2026-11-23T15:30:01.5+09:00 web01 app 42 ID1 [meta seq="1"] hello 5424
<4>Nov 23 15:30:03 fw01 kernel: [123.456] IN=eth0 OUT= SRC=203.0.113.50 DST=192.0.2.10 LEN=60 TTL=52 PROTO=TCP SPT=44123 DPT=23 SYN
L
"$SENDLOG" -q --udp --to 127.0.0.1:$PORT "$T/lines"
"$SENDLOG" -q --tcp --to 127.0.0.1:$PORT "$T/lines"
"$SENDLOG" -q --tcp --octet --to 127.0.0.1:$PORT "$T/lines"
# both framings on one connection, an embedded LF inside an octet-counted message
printf '<13>Nov 23 15:30:00 h1 app: lf one\n29 <13>Nov 23 15:30:00 h1 app: x\n<13>Nov 23 15:30:00 h1 app: lf two\n' |
    nc -q1 127.0.0.1 $PORT
printf '32 <13>Nov 23 15:30:00 h1 app: a\nb' | nc -q1 127.0.0.1 $PORT
# JSON lines: a Suricata EVE record and an arbitrary object
printf '%s\n' '{"timestamp":"2026-11-23T15:30:00.000000+0900","event_type":"alert","src_ip":"203.0.113.5","src_port":4444,"dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP","alert":{"action":"allowed","signature_id":2100498,"rev":7,"signature":"GPL ATTACK_RESPONSE id check returned root","category":"Potentially Bad Traffic","severity":2}}' \
    '{"msg":"plain json","level":"info"}' | nc -q1 127.0.0.1 $((PORT + 1))

# a Japanese device sending Shift_JIS (CP932)
printf '<13>Nov 23 15:30:00 jp01 app: ' > "$T/sjis"
printf 'ログオンに失敗しました\n' | iconv -f UTF-8 -t CP932 >> "$T/sjis"
"$SENDLOG" -q --to 127.0.0.1:$((PORT + 2)) "$T/sjis"

check "all 16 messages received" wait_for .received 16
eq "udp listener count" 3 "$(stat_field '.listeners[] | select(.name=="udp") | .received')"
eq "tcp listener count" 10 "$(stat_field '.listeners[] | select(.name=="tcp") | .received')"
eq "json listener count" 2 "$(stat_field '.listeners[] | select(.name=="json") | .received')"
stop_sensor || fail "sensor exit status"
strip_clock_events "$T/out.jsonl"
out=$T/out.jsonl
eq "Shift_JIS converted to UTF-8" "ログオンに失敗しました" "$(jq -r 'select(.host=="jp01") | .message' "$T/out.jsonl")"
eq "events written" 16 "$(wc -l < "$out")"
eq "sshd events (3 transports)" 3 "$(jq -r 'select(.program=="sshd") | .parser' "$out" | grep -c linux_auth)"
eq "iptables events" 3 "$(jq -r 'select(.parser=="iptables") | .dst_port' "$out" | grep -c '^23$')"
eq "RFC 5424 structured data" 3 "$(jq -r 'select(.syslog=="rfc5424") | ."sd.meta.seq"' "$out" | grep -c '^1$')"
eq "RFC 5424 time with offset" "2026-11-23T06:30:01.500000Z" "$(jq -r 'select(.syslog=="rfc5424") | ."@timestamp"' "$out" | head -1)"
eq "octet-counted message between LF ones" "x" "$(jq -r 'select(.host=="h1" and .message=="x") | .message' "$out")"
eq "LF framing around it" 2 "$(jq -r 'select(.host=="h1") | .message' "$out" | grep -c '^lf ')"
eq "octet-counted message keeps its embedded LF" 'a\nb' "$(jq -c 'select(.host=="h1" and (.message|startswith("a"))) | .message' "$out" | tr -d '"')"
eq "UDP peer recorded" 3 "$(jq -r 'select(.listener=="udp") | .peer' "$out" | grep -c '^127.0.0.1:')"
eq "EVE alert parsed" "suricata" "$(jq -r 'select(.listener=="json" and .event_type=="alert") | .parser' "$out")"
eq "unknown JSON still an event" 1 "$(jq -r 'select(.listener=="json") | .parser' "$out" | grep -vc suricata)"
finish
