#!/usr/bin/env bash
# Syslog over TLS (RFC 5425): the server certificate is verified by the sender; with
# client_auth = required only senders with a certificate from the configured CA get in, and a
# refused handshake is counted and logged, never crashes or blocks the listener.
. "$(dirname "$0")/lib.sh"

pki=$T/pki; mkdir -p "$pki"
make_ca "$pki" ca
make_ca "$pki" other
make_cert "$pki" server localhost ca "subjectAltName=DNS:localhost,IP:127.0.0.1"
make_cert "$pki" client sensor-client ca "extendedKeyUsage=clientAuth"
make_cert "$pki" rogue rogue-client other "extendedKeyUsage=clientAuth"

{ base_config; cat <<CFG
[listener tls]
type = tls
address = 127.0.0.1:$PORT
certificate = $pki/server.crt
key = $pki/server.key
[listener mtls]
type = tls
address = 127.0.0.1:$((PORT + 1))
certificate = $pki/server.crt
key = $pki/server.key
client_ca = $pki/ca.crt
client_auth = required
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1
printf '<13>Nov 23 15:30:00 tlshost app: message %d\n' $(seq 1 500) > "$T/lines"

check "TLS sender verifies the server and sends" \
    "$SENDLOG" -q --tls --ca "$pki/ca.crt" --to 127.0.0.1:$PORT "$T/lines"
check "octet-counted over TLS" \
    "$SENDLOG" -q --tls --octet --ca "$pki/ca.crt" --to 127.0.0.1:$PORT "$T/lines"
check "TLS listener got 1000" wait_for '.listeners[] | select(.name=="tls") | .received' 1000

check "client certificate from the configured CA accepted" \
    "$SENDLOG" -q --tls --ca "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key" \
    --to 127.0.0.1:$((PORT + 1)) "$T/lines"
check "mTLS listener got 500" wait_for '.listeners[] | select(.name=="mtls") | .received' 500
"$SENDLOG" -q --tls --ca "$pki/ca.crt" --to 127.0.0.1:$((PORT + 1)) "$T/lines" 2>/dev/null
"$SENDLOG" -q --tls --ca "$pki/ca.crt" --cert "$pki/rogue.crt" --key "$pki/rogue.key" \
    --to 127.0.0.1:$((PORT + 1)) "$T/lines" 2>/dev/null
# a plain-text sender on a TLS port
printf '<13>Nov 23 15:30:00 h app: not tls\n' | nc -q1 127.0.0.1 $((PORT + 1)) >/dev/null
check "three refused handshakes counted" wait_for '.listeners[] | select(.name=="mtls") | .tls_failures' 3
eq "nothing from refused senders" 500 "$(stat_field '.listeners[] | select(.name=="mtls") | .received')"
check "refusal logged with the peer" grep -q "TLS handshake with 127.0.0.1:.* on listener 'mtls' failed" "$T/sensor.log"
# a client that connects and never starts the handshake is cut off after 10 s
exec {silent}<> /dev/tcp/127.0.0.1/$((PORT + 1))
check "silent client counted as a handshake failure" wait_for_long \
    '.listeners[] | select(.name=="mtls") | .tls_failures' 4
check "timeout logged" grep -q "TLS handshake with 127.0.0.1:.* on listener 'mtls' timed out" "$T/sensor.log"
exec {silent}>&-
check "listener still serves after refusals" \
    "$SENDLOG" -q --tls --ca "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key" \
    --to 127.0.0.1:$((PORT + 1)) "$T/lines"
check "mTLS listener got 1000" wait_for '.listeners[] | select(.name=="mtls") | .received' 1000
stop_sensor || fail "sensor exit status"
strip_clock_events "$T/out.jsonl"
eq "events written" 2000 "$(wc -l < "$T/out.jsonl")"
eq "message bodies intact" 4 "$(grep -c '"message":"message 500"' "$T/out.jsonl")"
finish
