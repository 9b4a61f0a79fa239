#!/usr/bin/env bash
# File listeners: a one-shot import of a header-less access log with a forced parser; a followed
# file that grows, is rotated (renamed and recreated) and truncated (copytruncate); and a restart
# that resumes where it stopped: nothing read twice, nothing missed.
. "$(dirname "$0")/lib.sh"

cat > "$T/access.log" <<'L'
1763879404.123    245 10.1.2.3 TCP_MISS/200 15320 GET http://www.example.com/index.html - HIER_DIRECT/93.184.216.34 text/html
1763879405.456     12 10.1.2.4 TCP_DENIED/403 3900 CONNECT bad.example.net:443 - HIER_NONE/- text/html
L
touch "$T/app.log"
{ base_config; cat <<CFG
[listener import]
type = file
path = $T/access.log
follow = no
parser = squid
no_header = yes
[listener follow]
type = file
path = $T/app.log
CFG
} > "$T/sensor.conf"
start_sensor "$T/sensor.conf" || exit 1
check "import read" wait_for '.listeners[] | select(.name=="import") | .received' 2
eq "import lines parsed" 2 "$(stat_field '.listeners[] | select(.name=="import") | .parsed')"
for i in 1 2 3; do echo "<13>Nov 23 15:30:0$i h1 app: line $i" >> "$T/app.log"; done
check "followed lines" wait_for '.listeners[] | select(.name=="follow") | .received' 3
printf '<13>Nov 23 15:30:04 h1 app: partial' >> "$T/app.log"   # no LF yet: not a message yet
sleep 0.5
eq "a line without LF is not read yet" 3 "$(stat_field '.listeners[] | select(.name=="follow") | .received')"
echo ' line 4' >> "$T/app.log"
check "completed line read" wait_for '.listeners[] | select(.name=="follow") | .received' 4
# rotation: rename, keep writing the old file briefly, then a new file
mv "$T/app.log" "$T/app.log.1"
printf '<13>Nov 23 15:30:05 h1 app: line 5 (old file after rename, no LF)' >> "$T/app.log.1"
echo '<13>Nov 23 15:30:06 h1 app: line 6 (new file)' > "$T/app.log"
check "rotation followed" wait_for '.listeners[] | select(.name=="follow") | .received' 6
# copytruncate
: > "$T/app.log"
sleep 0.5
echo '<13>Nov 23 15:30:07 h1 app: line 7 (after truncate)' >> "$T/app.log"
check "truncation followed" wait_for '.listeners[] | select(.name=="follow") | .received' 7
stop_sensor || fail "sensor exit status"
check "positions saved" grep -q "^follow" "$T/state/files.state"

# restart: lines written while stopped are read once; the import is not repeated
echo '<13>Nov 23 15:30:08 h1 app: line 8 (while stopped)' >> "$T/app.log"
start_sensor "$T/sensor.conf" || exit 1
check "line written while stopped" wait_for '.listeners[] | select(.name=="follow") | .received' 1
sleep 0.5
eq "import not repeated" 0 "$(stat_field '.listeners[] | select(.name=="import") | .received')"
stop_sensor || fail "sensor exit status"
out=$T/out.jsonl
eq "each followed line exactly once" "1 2 3 4 5 6 7 8" "$(jq -r 'select(.listener=="follow") | .message' "$out" | sed -n 's/.*line \([0-9]\).*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
eq "partial line joined" "line 4" "$(jq -r 'select(.listener=="follow") | .message' "$out" | grep -c '^partial line 4$' | sed 's/1/line 4/')"
eq "import parsed as squid" "squid squid" "$(jq -r 'select(.listener=="import") | .parser' "$out" | tr '\n' ' ' | sed 's/ $//')"
eq "denied CONNECT" "deny" "$(jq -r 'select(.listener=="import" and ."sc-status"==403) | .action' "$out")"
finish
