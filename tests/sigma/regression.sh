#!/usr/bin/env bash
# SigmaHQ's regression data: every test's events (evtx exported as JSON) run through the windows
# parser and then through every rule of the corpus loaded at once (`mamori rules test`); each test
# must fire the rule it was recorded for. Other rules firing on the same events is counted and
# reported (SigmaHQ rules overlap: a curl download is also a curl execution), not failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../../../shared/sigma
data=$corpus/regression_data
if [ ! -d "$data" ]; then
    echo "skip: no Sigma regression data at $data"
    exit 0
fi
BUILD=${BUILD:-build}
MAMORI=${MAMORI:-$here/../../$BUILD/mamori}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/events.jsonl"
: >"$tmp/files.txt"
find "$data" -name '*.json' | sort | while IFS= read -r f; do
    jq -c . "$f" >"$tmp/one" 2>/dev/null || { echo "$f" >>"$tmp/bad"; continue; }
    cat "$tmp/one" >>"$tmp/events.jsonl"
    while IFS= read -r _; do echo "$f"; done <"$tmp/one" >>"$tmp/files.txt"
done
[ -s "$tmp/bad" ] && { echo "FAIL: unreadable JSON:"; cat "$tmp/bad"; exit 1; }
"$MAMORI" rules test --json --no-header --tz UTC "$corpus"/rules* --events "$tmp/events.jsonl" \
    >"$tmp/matches.jsonl" 2>"$tmp/err.txt"
tail -n 1 "$tmp/err.txt"
# the prefilter only skips rules that cannot match: the same matches without it
"$MAMORI" rules test --json --no-prefilter --no-header --tz UTC "$corpus"/rules* --events "$tmp/events.jsonl" \
    >"$tmp/matches-all.jsonl" 2>/dev/null
if cmp -s <(sort "$tmp/matches.jsonl") <(sort "$tmp/matches-all.jsonl"); then
    echo "ok: the prefilter changes no match ($(wc -l <"$tmp/matches.jsonl") matches either way)"
else
    echo "FAIL: matches differ with and without the prefilter:"
    diff <(sort "$tmp/matches.jsonl") <(sort "$tmp/matches-all.jsonl") | head
    exit 1
fi
python3 - "$tmp/files.txt" "$tmp/matches.jsonl" <<'PY'
import json, os, sys
files = open(sys.argv[1]).read().splitlines()
fired = {}
for line in open(sys.argv[2]):
    m = json.loads(line)
    fired.setdefault(m["line"], set()).add(m["rule"])
tests = {}
for i, f in enumerate(files, 1):
    tests.setdefault(f, []).append(i)
ok, other, missed = 0, 0, []
for f, lines in sorted(tests.items()):
    want = os.path.basename(f)[:-len(".json")]
    got = set().union(*[fired.get(i, set()) for i in lines])
    if want in got:
        ok += 1
    else:
        missed.append(f)
    other += bool(got - {want})
print("%d/%d regression tests fire their rule (%.1f%%); %d also fire other rules"
      % (ok, len(tests), 100.0 * ok / len(tests), other))
for f in missed:
    print("FAIL: no match for", f)
sys.exit(1 if missed or len(tests) < 150 else 0)
PY
