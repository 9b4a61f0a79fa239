#!/usr/bin/env bash
# A real relay in front of the sensor: Debian's rsyslog receives lines and forwards them to the
# sensor three ways, as sites do: TCP with octet-counted framing in RFC 5424, TLS (RFC 5425, the
# ossl driver, mutual certificates) in rsyslog's forward format, and UDP in the traditional
# format. Every message must arrive once on each path, parsed, with the original host.
. "$(dirname "$0")/lib.sh"
RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
if [ ! -x "$RSYSLOGD" ] || [ ! -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so ] &&
   ! ls /usr/lib/*/rsyslog/lmnsd_ossl.so >/dev/null 2>&1; then
    echo "FAIL: rsyslog with the ossl driver is not installed (scripts/deps.sh installs it)"; exit 1
fi

pki=$T/pki; mkdir -p "$pki"
make_ca "$pki" ca
make_cert "$pki" server localhost ca "subjectAltName=DNS:localhost,IP:127.0.0.1"
make_cert "$pki" client relay01 ca "subjectAltName=DNS:relay01,IP:127.0.0.1"

{ base_config; cat <<CFG
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
[listener udp]
type = udp
address = 127.0.0.1:$PORT
[listener tls]
type = tls
address = 127.0.0.1:$((PORT + 1))
certificate = $pki/server.crt
key = $pki/server.key
client_ca = $pki/ca.crt
client_auth = required
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1

RS_PORT=$((PORT + 2))
mkdir -p "$T/rs"
cat > "$T/rsyslog.conf" <<CFG
global(workDirectory="$T/rs"
       defaultNetstreamDriverCAFile="$pki/ca.crt"
       defaultNetstreamDriverCertFile="$pki/client.crt"
       defaultNetstreamDriverKeyFile="$pki/client.key")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$RS_PORT" ruleset="relay")
ruleset(name="relay") {
    action(type="omfwd" target="127.0.0.1" port="$PORT" protocol="tcp"
           TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
    action(type="omfwd" target="127.0.0.1" port="$((PORT + 1))" protocol="tcp"
           StreamDriver="ossl" StreamDriverMode="1" StreamDriverAuthMode="x509/name"
           StreamDriverPermittedPeers="localhost" template="RSYSLOG_ForwardFormat")
    action(type="omfwd" target="127.0.0.1" port="$PORT" protocol="udp"
           template="RSYSLOG_TraditionalForwardFormat")
}
CFG
"$RSYSLOGD" -n -f "$T/rsyslog.conf" -i "$T/rs/rsyslogd.pid" 2>"$T/rsyslog.log" &
rs=$!
trap 'kill $rs 2>/dev/null; wait $rs 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do nc -z 127.0.0.1 $RS_PORT 2>/dev/null && break; sleep 0.05; done

# 200 messages from a device, at a pace UDP on loopback keeps up with
for i in $(seq 1 200); do
    printf '<86>Nov 23 15:30:%02d gw01 sshd[2211]: Failed password for invalid user u%d from 192.0.2.%d port %d ssh2\n' \
        $((i % 60)) "$i" $((i % 250 + 1)) $((40000 + i))
done > "$T/lines"
"$SENDLOG" -q --rate 2000 --to 127.0.0.1:$RS_PORT "$T/lines"

check "200 over TCP (octet-counted, RFC 5424)" wait_for_long '.listeners[] | select(.name=="tcp") | .received' 200
check "200 over mutual TLS" wait_for_long '.listeners[] | select(.name=="tls") | .received' 200
check "200 over UDP" wait_for_long '.listeners[] | select(.name=="udp") | .received' 200
eq "no framing errors" 0 "$(stat_field '.listeners[] | select(.name=="tcp") | .framing_errors')"
eq "all parsed (3 x 200)" 600 "$(stat_field '.parsers.linux_auth')"
kill $rs; wait $rs 2>/dev/null
stop_sensor || fail "sensor exit status"
strip_clock_events "$T/out.jsonl"
for l in tcp tls udp; do
    eq "$l: original host kept" 200 "$(jq -r "select(.listener==\"$l\") | .host" "$T/out.jsonl" | grep -c '^gw01$')"
    eq "$l: fields parsed" "u200 192.0.2.201 40200" \
        "$(jq -r "select(.listener==\"$l\" and .username==\"u200\") | \"\(.username) \(.src_ip) \(.src_port)\"" "$T/out.jsonl")"
done
eq "RFC 5424 over TCP" rfc5424 "$(jq -r 'select(.listener=="tcp") | .syslog' "$T/out.jsonl" | sort -u)"
finish
