#!/usr/bin/env bash
# Feed every event of SigmaHQ's regression data (evtx exported as pretty-printed JSON) to the
# windows parser, one compacted object per line, and check that each one is parsed by `windows`
# with EventID, Channel and product windows, and that the log source we declare is the one the
# rule the event belongs to is written for (rule found by the id in the sibling info.yml).
set -u
here=$(cd "$(dirname "$0")" && pwd)
data=$(dirname "$0")/../../../shared/sigma/regression_data
if [ ! -d "$data" ]; then
    echo "skip: no Sigma regression data at $data"
    exit 0
fi
data=$(cd "$data" && pwd)
rules=$(dirname "$data")
for tool in jq python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "skip: $tool is not installed"
        exit 0
    fi
done
MAMORI=${MAMORI:-$here/../../build/mamori}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one line per event, and beside it the file it came from
: >"$tmp/events.jsonl"
: >"$tmp/files.txt"
find "$data" -name '*.json' | sort | while IFS= read -r f; do
    if ! jq -c . "$f" >"$tmp/one" 2>/dev/null; then
        echo "$f" >>"$tmp/badjson"
        continue
    fi
    cat "$tmp/one" >>"$tmp/events.jsonl"
    while IFS= read -r _; do echo "$f"; done <"$tmp/one" >>"$tmp/files.txt"
done
if [ -s "$tmp/badjson" ]; then
    echo "FAIL: jq could not read:"; cat "$tmp/badjson"
    exit 1
fi

"$MAMORI" log parse --no-header --receive-time 2026-11-23T12:00:00Z --tz UTC \
    --max-size 1048576 "$tmp/events.jsonl" >"$tmp/parsed.jsonl" || exit 1

python3 - "$tmp/files.txt" "$tmp/parsed.jsonl" "$rules" <<'EOF'
import json, os, re, sys

files = open(sys.argv[1]).read().splitlines()
parsed = open(sys.argv[2]).read().splitlines()
rules_root = sys.argv[3]
if len(files) != len(parsed):
    print("FAIL: %d events in, %d out" % (len(files), len(parsed)))
    sys.exit(1)

# rule id -> logsource, read without a YAML library: the rules' logsource blocks are flat
rule_ls = {}
for top in os.listdir(rules_root):
    if not top.startswith("rules"):
        continue
    for d, _, names in os.walk(os.path.join(rules_root, top)):
        for n in names:
            if not n.endswith(".yml"):
                continue
            text = open(os.path.join(d, n), encoding="utf-8").read()
            m = re.search(r"^id: *([0-9a-f-]+)", text, re.M)
            ls = re.search(r"^logsource:\n((?:[ \t]+.*\n)+)", text, re.M)
            if m and ls:
                rule_ls[m.group(1)] = dict(re.findall(r"^[ \t]+(product|category|service): *(\S+)",
                                                     ls.group(1), re.M))

# Sigma's registry_event covers the add/delete/set/rename events a parser must tell apart
registry = {"registry_add", "registry_delete", "registry_set", "registry_rename"}

def matches(want, have):
    for k in ("product", "category", "service"):
        if k not in want:
            continue
        if k == "category" and want[k] == "registry_event" and have.get(k) in registry:
            continue
        if have.get(k) != want[k]:
            return False
    return True

bad = mismatch = matched = no_rule = 0
for f, line in zip(files, parsed):
    ev = json.loads(line)
    ls = ev.get("logsource", {})
    short = os.path.relpath(f, rules_root)
    if ev.get("parser") != "windows" or "EventID" not in ev or "Channel" not in ev or \
       ls.get("product") != "windows":
        print("FAIL not parsed as a windows event: %s" % short)
        bad += 1
        continue
    info = os.path.join(os.path.dirname(f), "info.yml")
    ids = re.findall(r"^ *- id: *([0-9a-f-]+)", open(info).read(), re.M) if os.path.exists(info) else []
    want = next((rule_ls[i] for i in ids if i in rule_ls), None)
    if want is None:
        no_rule += 1
        continue
    if matches(want, ls):
        matched += 1
    else:
        mismatch += 1
        print("FAIL logsource %s, rule wants %s: %s (EventID %s)" % (ls, want, short, ev["EventID"]))

print("%d events from %d files: %d parsed as windows; log source matches the rule's for %d, "
      "differs for %d, rule not found for %d"
      % (len(parsed), len(set(files)), len(parsed) - bad, matched, mismatch, no_rule))
sys.exit(1 if bad or mismatch else 0)
EOF
