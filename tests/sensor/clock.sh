#!/usr/bin/env bash
# The clock watch (NISC log advisory: every device time-synchronised): a source whose timestamps
# are 10 minutes behind is reported as skewed once (not once per worker), a synchronised source
# stays ok, and a source whose clock jumps is reported with the jump's size.
. "$(dirname "$0")/lib.sh"
{ base_config; cat <<CFG
clock_skew_threshold = 5s
[listener tcp]
type = tcp
address = 127.0.0.1:$PORT
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1

ts() { date -u -d "$1" +%Y-%m-%dT%H:%M:%S.%6NZ; }   # RFC 5424 times carry their zone
{ for i in 1 2 3 4; do
    echo "<13>1 $(ts '-10 minutes') slowhost app - - - behind $i"
    echo "<13>1 $(ts 'now') goodhost app - - - on time $i"
  done; } > "$T/lines"
{ echo "<13>1 $(ts 'now') jumpy app - - - fine"
  echo "<13>1 $(ts '+2 hours') jumpy app - - - jumped"; } > "$T/jump"
"$SENDLOG" -q --connections 2 --to 127.0.0.1:$PORT "$T/lines"   # two connections: both workers
"$SENDLOG" -q --to 127.0.0.1:$PORT "$T/jump"
check "all received" wait_for .received 18
src() { stat_field ".sources[] | select(.source==\"$1\") | $2"; }
eq "slowhost skewed" skewed "$(src slowhost .clock.state)"
off=$(src slowhost .clock.offset_s)
check "slowhost offset about -600 s ($off)" awk -v o="$off" 'BEGIN { exit !(o < -595 && o > -610) }'
eq "goodhost ok" ok "$(src goodhost .clock.state)"
eq "jumpy jumped once" 1 "$(src jumpy .clock.jumps)"
eq "skewed sources counted" 1 "$(stat_field .clock.skewed_sources)"
stop_sensor || fail "sensor exit status"
eq "skew logged once" 1 "$(grep -c "clock of source 'slowhost' is off by -6" "$T/sensor.log")"
check "jump logged with its size" grep -q "clock of source 'jumpy' jumped by +7[0-9][0-9][0-9]" "$T/sensor.log"
eq "skew is an event in the output too" "clockwatch slowhost clock_skewed" \
    "$(jq -r 'select(.parser=="mamori" and .action=="clock_skewed") | "\(.logsource.service) \(.host) \(.action)"' "$T/out.jsonl")"
eq "jump event" 1 "$(jq -r 'select(.parser=="mamori" and .action=="clock_jump") | .host' "$T/out.jsonl" | grep -c jumpy)"
check "no warning for goodhost" bash -c "! grep -q \"'goodhost'\" '$T/sensor.log'"
finish
