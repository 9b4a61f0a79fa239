#!/usr/bin/env bash
# Detection in the running sensor, end to end: Sigma rules with a filter, a correlation whose base
# rule does not alert on its own, an IOC list, and a stateful detector, fed real log lines through
# a file listener; the alerts in the spool as `mamori alerts` shows them, aggregated; then an IOC
# file changed under the running sensor and a rule added with SIGHUP; a broken rule file is
# reported and the rest still runs, and refused with rules_strict.
. "$(dirname "$0")/../sensor/lib.sh"

mkdir -p "$T/rules"
cat > "$T/rules/proxy_connect_ip.yml" <<'Y'
title: CONNECT to a bare IP address through the proxy
id: 0d8b4c1e-6f0a-4d55-9b1e-3c7a2f9e8d11
status: test
logsource:
  category: proxy
detection:
  selection:
    cs-method: CONNECT
    c-uri|re: '^\d{1,3}(\.\d{1,3}){3}:\d+$'
  condition: selection
level: high
tags:
  - attack.command_and_control
  - attack.t1090
Y
cat > "$T/rules/ssh_bruteforce.yml" <<'Y'
title: SSH password failure
name: ssh_password_failure
id: 6b3e8f0a-2c41-4e7d-8a55-0f1d2e3c4b5a
status: test
logsource:
  product: linux
  service: sshd
detection:
  selection:
    action: login
    outcome: failure
    auth_method: password
  condition: selection
level: low
---
title: SSH brute force from one address
id: 8f1c2d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f
status: test
correlation:
  type: event_count
  rules:
    - ssh_password_failure
  group-by:
    - src_ip
  timespan: 5m
  condition:
    gte: 5
level: high
tags:
  - attack.credential_access
  - attack.t1110
Y
cat > "$T/rules/filter_scanner.yml" <<'Y'
title: The vulnerability scanner connects to bare addresses by design
logsource:
  category: proxy
filter:
  rules:
    - 0d8b4c1e-6f0a-4d55-9b1e-3c7a2f9e8d11
  selection:
    src_ip: 10.9.9.9
  condition: not selection
Y
printf '# test feed\nevil.example.com\n' > "$T/ioc.txt"

S='<190>Nov 23 15:30:00 proxy01 squid[123]:'
{
    for i in 1 2 3 4 5 6; do
        echo "<38>Nov 23 15:30:0$i bastion03 sshd[30118]: Failed password for invalid user test$i from 203.0.113.9 port 2290$i ssh2"
    done
    echo "<38>Nov 23 15:30:07 bastion03 sshd[30118]: Failed password for root from 198.51.100.20 port 40000 ssh2"
    echo "$S 1795415405.456     12 10.1.2.4 TCP_TUNNEL/200 3900 CONNECT 198.51.100.7:8443 - HIER_DIRECT/198.51.100.7 -"
    echo "$S 1795415406.456     12 10.1.2.4 TCP_TUNNEL/200 3900 CONNECT 198.51.100.7:8443 - HIER_DIRECT/198.51.100.7 -"
    echo "$S 1795415407.456     12 10.9.9.9 TCP_TUNNEL/200 3900 CONNECT 198.51.100.8:443 - HIER_DIRECT/198.51.100.8 -"
    echo "$S 1795415408.123    245 10.1.2.3 TCP_MISS/200 15320 GET http://www.evil.example.com/gate.php - HIER_DIRECT/93.184.216.34 text/html"
    echo "<11>Nov 23 15:30:01 ws01 clamd[99]: /home/alice/Downloads/invoice.exe: Win.Trojan.Agent-123 FOUND"
    echo "$S 1795415409.123    245 10.1.2.50 TCP_MISS/200 1520 POST http://upload.example.net/u - HIER_DIRECT/203.0.113.77 text/html"
} > "$T/feed.log"
touch "$T/live.log"

config() { # extra lines
    base_config
    cat <<CFG
rules = $T/rules
ioc = $T/ioc.txt
ioc_refresh_interval = 1s
detectors = yes
av_hosts = ws01=10.1.2.50
av_collect = 1s
alert_spool = $T/spool
alert_window = 1h
[listener feed]
type = file
path = $T/feed.log
follow = no
timezone = +09:00
[listener live]
type = file
path = $T/live.log
timezone = +09:00
CFG
}
config > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1
check "all lines evaluated" wait_for '.detection.events' 13
eq "rules loaded" 2 "$(stat_field .detection.rules)"
eq "correlations loaded" 1 "$(stat_field .detection.correlations)"
eq "filters loaded" 1 "$(stat_field .detection.filters)"
eq "indicators loaded" 1 "$(stat_field .detection.indicators)"
eq "nothing refused" 0 "$(stat_field .detection.not_accepted)"
check "base-rule matches suppressed (generate: false)" wait_for '.detection.suppressed' 7
check "correlation fired" wait_for '.detection.correlation.fired' 1
check "detector alert" wait_for_long '[.detection.alerts.reports] | .[0] >= 5' true

alerts() { "$MAMORI" alerts --spool "$T/spool" --json "$@" 2>/dev/null; }
# with the window open, the CONNECT alert is still at version 1
eq "first report written at once" 1 "$(alerts --source sigma | jq -s 'map(select(.rule.id=="0d8b4c1e-6f0a-4d55-9b1e-3c7a2f9e8d11"))[0].version')"

# --- an IOC file changed under the running sensor, a rule added with SIGHUP
printf 'bad2.example.org\n' >> "$T/ioc.txt"
touch -d '+2 seconds' "$T/ioc.txt"
check "IOC file reloaded" wait_for_long '.detection.ioc_generation' 2
eq "indicators now" 2 "$(stat_field .detection.indicators)"
before=$(stat_field .detection.ioc_matches)
echo "$S 1795415410.123    245 10.1.2.3 TCP_MISS/200 15320 GET http://bad2.example.org/x - HIER_DIRECT/93.184.216.99 text/html" >> "$T/live.log"
check "new indicator matched" wait_for ".detection.ioc_matches > $before" true
cat > "$T/rules/sudo_root.yml" <<'Y'
title: Interactive root shell through sudo
id: 2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d
status: test
logsource:
  product: linux
  service: sudo
detection:
  selection:
    target_user: root
    command|endswith: /bash
  condition: selection
level: medium
Y
before=$(stat_field .detection.sigma_matches)
kill -HUP "$SENSOR_PID"
check "rules reloaded" wait_for '.detection.rules_generation' 2
eq "rules after reload" 3 "$(stat_field .detection.rules)"
echo "<85>Nov 23 15:31:00 bastion03 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash" >> "$T/live.log"
check "new rule matched" wait_for ".detection.sigma_matches > $before" true
check "sensor stops cleanly" stop_sensor

# --- the spool, as `mamori alerts` shows it
alerts > "$T/alerts.jsonl"
jq -c '{source, title, key, count, version}' "$T/alerts.jsonl"
sel() { jq -s "$1" "$T/alerts.jsonl"; }
eq "CONNECT alerts: one, aggregated (the scanner's filtered)" '1 2 proxy01' \
    "$(sel 'map(select(.rule.id=="0d8b4c1e-6f0a-4d55-9b1e-3c7a2f9e8d11")) | "\(length) \(.[0].count) \(.[0].key)"' | tr -d '"')"
eq "CONNECT alert updated when its window closed (version 2)" 2 \
    "$(sel 'map(select(.rule.id=="0d8b4c1e-6f0a-4d55-9b1e-3c7a2f9e8d11"))[0].version')"
eq "CONNECT alert carries its ATT&CK tags" '["attack.command_and_control","attack.t1090"]' \
    "$(sel 'map(select(.source=="sigma" and .level=="high"))[0].rule.tags' | jq -c .)"
eq "CONNECT alert keeps both events, raw included" 2 \
    "$(sel 'map(select(.rule.id=="0d8b4c1e-6f0a-4d55-9b1e-3c7a2f9e8d11"))[0].events | map(select(.raw|test("CONNECT"))) | length')"
eq "no alert for the base rule" 0 "$(sel 'map(select(.rule.id=="6b3e8f0a-2c41-4e7d-8a55-0f1d2e3c4b5a")) | length')"
eq "brute force: one correlation alert for 203.0.113.9" '1 src_ip=203.0.113.9 true' \
    "$(sel 'map(select(.source=="correlation")) | "\(length) \(.[0].key) \(.[0].count >= 5)"' | tr -d '"')"
eq "brute force: group-by values as an object" '{"src_ip":"203.0.113.9"}' \
    "$(sel 'map(select(.source=="correlation"))[0].group' | jq -c .)"
eq "IOC: subdomain of a listed domain, field cs-host" '"www.evil.example.com"' \
    "$(sel 'map(select(.source=="ioc" and .details.indicator=="evil.example.com"))[0].details.value')"
eq "IOC: the indicator added at run time" 1 "$(sel 'map(select(.source=="ioc" and .details.indicator=="bad2.example.org")) | length')"
eq "detector: antivirus detection then outbound from the same host" 1 \
    "$(sel 'map(select(.source=="detector" and .rule.id=="av_then_outbound")) | length')"
eq "the rule added by SIGHUP alerted" 1 "$(sel 'map(select(.rule.id=="2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d")) | length')"
"$MAMORI" alerts --spool "$T/spool" --level high > "$T/table.txt" 2>&1
check "table lists the high alerts" grep -q "SSH brute force from one address \[src_ip=203.0.113.9\]" "$T/table.txt"
check "table leaves out low ones" bash -c "! grep -q 'upload.example.net' '$T/table.txt'"
id=$(sel '.[0].id' | tr -d '"')
check "alerts show ID prints the record" bash -c "'$MAMORI' alerts show --spool '$T/spool' $id | jq -e '.id == \"$id\"' >/dev/null"

# --- a broken rule file: reported, the rest runs; refused with rules_strict
printf 'title: broken\nlogsource: {product: linux}\ndetection:\n  sel:\n    a|nosuchmodifier: x\n  condition: sel\n' > "$T/rules/broken.yml"
rm -rf "$T/state"
: > "$T/sensor.log"
start_sensor "$T/sensor.conf" || exit 1
eq "broken rule counted" 1 "$(stat_field .detection.not_accepted)"
eq "the other rules run" 3 "$(stat_field .detection.rules)"
check "the log names the file and the reason" grep -q "broken.yml.*nosuchmodifier" "$T/sensor.log"
stop_sensor
"$MAMORI" sensor -t -c "$T/sensor.conf" > "$T/t.out" 2>&1
check "-t loads the rules: names the broken one" grep -q "broken.yml: line 5: unknown modifier 'nosuchmodifier'" "$T/t.out"
check "-t summary" grep -q "detection: 3 rules, 1 correlations, 1 filters, 1 documents not accepted (above); 2 indicators; detectors on" "$T/t.out"
{ config | sed '/^\[listener feed\]/,$d'; echo "rules_strict = yes"; } > "$T/strict.conf"
if "$MAMORI" sensor -c "$T/strict.conf" 2> "$T/strict.log"; then
    fail "rules_strict: the sensor started with a broken rule"
else
    check "rules_strict: refused with the reason" grep -q "nosuchmodifier" "$T/strict.log"
fi
check "rules_strict: -t fails too" bash -c "! '$MAMORI' sensor -t -c '$T/strict.conf' >/dev/null 2>&1"
finish
