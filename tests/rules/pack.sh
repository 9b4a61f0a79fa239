#!/usr/bin/env bash
# The default rule pack (rules/). `mamori rules check rules/` accepts every document (rules,
# correlations with their references resolved) and prints nothing but its summary. Every rule file
# has a case tests/rules/data/<rule-file-stem>/ of raw log lines as the devices write them, run
# through `mamori rules test` with the whole pack loaded, as the sensor would load it:
#   - every line of match.log fires the rule, no line of nomatch.log does;
#   - any other pack rule that fires on either file is listed in the case's `also` file (overlaps
#     are deliberate and reviewed, not accidental);
#   - the matches are the same with and without the prefilter.
# Cases whose name starts with `_` belong to other scripts (filters.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
MAMORI=${MAMORI:-$root/$BUILD/mamori}
data=$here/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# 1. rules check: exit 0, only the summary line
if ! "$MAMORI" rules check "$root/rules" >"$tmp/check" 2>&1; then
    bad "mamori rules check rules/ exits non-zero:"; cat "$tmp/check"
fi
if grep -v ' files, ' "$tmp/check" | grep -q .; then
    bad "mamori rules check rules/ reports problems:"; grep -v ' files, ' "$tmp/check"
fi
tail -n 1 "$tmp/check"
grep -q ' 0 refused, ' "$tmp/check" || bad "rules refused"
ncorr=$(sed -n 's/.* \([0-9]*\) correlation rules and .*/\1/p' "$tmp/check")
[ "${ncorr:-0}" -ge 1 ] || bad "no correlation rule recognised in rules/correlations"

# 2. the pack's detection rules (rules test evaluates single events; correlations are checked above)
dirs=()
while IFS= read -r d; do dirs+=("$d"); done < <(find "$root/rules" -mindepth 1 -maxdepth 1 -type d ! -name correlations | sort)
: >"$tmp/ids"
for f in $(find "${dirs[@]}" -name '*.yml' | sort); do
    stem=$(basename "$f" .yml)
    id=$(sed -n 's/^id: *//p' "$f")
    [ -n "$id" ] || bad "$f: no id"
    echo "$id $stem" >>"$tmp/ids"
    [ -f "$data/$stem/match.log" ] && [ -f "$data/$stem/nomatch.log" ] || bad "$f: no test case in tests/rules/data/$stem"
done
nrules=$(wc -l <"$tmp/ids")
[ "$nrules" -ge 20 ] || bad "expected at least 20 pack rules, found $nrules"
dup=$(cut -d' ' -f1 "$tmp/ids" | sort | uniq -d)
[ -z "$dup" ] || bad "duplicate rule ids: $dup"

# run FILE [--no-prefilter]: "line stem" per match, sorted
run() {
    local events=$1; shift
    if ! "$MAMORI" rules test --json --tz +09:00 "$@" "${dirs[@]}" --events "$events" >"$tmp/out" 2>"$tmp/err"; then
        bad "rules test on $events failed:"; cat "$tmp/err"
    fi
    jq -r '"\(.line) \(.rule)"' <"$tmp/out" | while read -r line id; do
        echo "$line $(awk -v id="$id" '$1 == id { print $2 }' "$tmp/ids")"
    done | sort -n
}

ncases=0
for case in "$data"/*/; do
    stem=$(basename "$case")
    case $stem in _*) continue ;; esac
    ncases=$((ncases + 1))
    grep -q " $stem\$" "$tmp/ids" || { bad "case $stem: no rule file rules/*/$stem.yml"; continue; }
    also=" "
    : >"$tmp/others"
    [ -f "$case/also" ] && also=" $(tr '\n' ' ' <"$case/also")"
    for kind in match nomatch; do
        file=$case/$kind.log
        run "$file" >"$tmp/hits"
        run "$file" --no-prefilter >"$tmp/hits-np"
        cmp -s "$tmp/hits" "$tmp/hits-np" || bad "$stem/$kind.log: matches differ without the prefilter"
        n=0
        while IFS= read -r l; do
            n=$((n + 1))
            [ -n "$l" ] || continue
            if [ $kind = match ]; then
                grep -qx "$n $stem" "$tmp/hits" || bad "$stem/match.log line $n does not fire $stem"
            else
                grep -qx "$n $stem" "$tmp/hits" && bad "$stem/nomatch.log line $n fires $stem"
            fi
        done <"$file"
        while read -r line other; do
            [ "$other" = "$stem" ] && continue
            echo "$other" >>"$tmp/others"
            case "$also" in *" $other "*) ;; *) bad "$stem/$kind.log line $line also fires $other (not in $stem/also)" ;; esac
        done <"$tmp/hits"
    done
    # and `also` lists nothing that does not fire
    for other in $also; do
        grep -qx "$other" "$tmp/others" || bad "$stem/also lists $other, which fires on none of the case's lines"
    done
done
[ "$ncases" -eq "$nrules" ] || bad "$nrules rules but $ncases test cases"
[ $fail -eq 0 ] && echo "ok: $nrules pack rules, $ncases cases, every match line fires its rule and no near-miss does"
exit $fail
