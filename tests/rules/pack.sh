#!/usr/bin/env bash
# The default rule pack (rules/). `mamori rules check rules/` accepts every document (rules,
# correlations with their references resolved) and prints nothing but its summary. Every rule file,
# detection rule or correlation, has a case tests/rules/data/<rule-file-stem>/ of raw log lines as
# the devices write them, run through `mamori rules test` with the whole pack loaded (correlations
# included), as the sensor would load it:
#   - detection rule: every line of match.log fires the rule, no line of nomatch.log does;
#   - correlation: match.log fires it exactly once, and that alert has the keys and values of the
#     case's `fires` file (a JSON object like the alerts of `rules test --json`: at least `group`;
#     ours also give `value` and `line`); nomatch.log (the near misses: one short, spread over more
#     than the timespan, split across groups) never does. Matches of the rules the correlation
#     references are the point of the case and need no `also`;
#   - any other pack rule or correlation that fires on either file is listed in the case's `also`
#     file (overlaps are deliberate and reviewed, not accidental);
#   - the rule matches and correlation alerts are the same with and without the prefilter.
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

# 2. the pack's detection rules and correlations
dirs=()
while IFS= read -r d; do dirs+=("$d"); done < <(find "$root/rules" -mindepth 1 -maxdepth 1 -type d | sort)
: >"$tmp/ids"   # "id stem kind name", kind rule or corr
: >"$tmp/refs"  # "correlation-stem referenced-name", one per entry of its correlation.rules
for f in $(find "${dirs[@]}" -name '*.yml' | sort); do
    stem=$(basename "$f" .yml)
    id=$(sed -n 's/^id: *//p' "$f")
    name=$(sed -n 's/^name: *//p' "$f")
    [ -n "$id" ] || bad "$f: no id"
    kind=rule
    grep -q '^correlation:' "$f" && kind=corr
    echo "$id $stem $kind $name" >>"$tmp/ids"
    [ -f "$data/$stem/match.log" ] && [ -f "$data/$stem/nomatch.log" ] || bad "$f: no test case in tests/rules/data/$stem"
    [ $kind = corr ] || continue
    jq -e 'has("group")' "$data/$stem/fires" >/dev/null 2>&1 ||
        bad "$f: tests/rules/data/$stem/fires is not a JSON object with the alert's expected \"group\""
    awk -v stem="$stem" '/^correlation:/ { c = 1; next } /^[^ ]/ { c = 0 }
        c && /^  rules:/ { r = 1; next } c && r && /^    - / { sub(/^    - */, ""); print stem, $0; next }
        { r = 0 }' "$f" >>"$tmp/refs"
done
nrules=$(awk '$3 == "rule"' "$tmp/ids" | wc -l)
ncorrfiles=$(awk '$3 == "corr"' "$tmp/ids" | wc -l)
[ "$nrules" -ge 20 ] || bad "expected at least 20 pack rules, found $nrules"
[ "$ncorrfiles" -eq "${ncorr:-0}" ] || bad "$ncorrfiles correlation files but rules check counts ${ncorr:-0} correlations"
dup=$(cut -d' ' -f1 "$tmp/ids" | sort | uniq -d)
[ -z "$dup" ] || bad "duplicate rule ids: $dup"
# the stems of the rules each correlation references (by name or id): "corr-stem rule-stem"
awk 'NR == FNR { s[$1] = $2; if ($4 != "") s[$4] = $2; next } { print $1, ($2 in s ? s[$2] : "?" $2) }' \
    "$tmp/ids" "$tmp/refs" >"$tmp/refstems"
grep -q ' ?' "$tmp/refstems" && bad "correlations reference rules outside the pack: $(grep ' ?' "$tmp/refstems" | tr '\n' ' ')"

# run FILE OUT [--no-prefilter]: OUT gets "line stem" per rule match and "line stem {alert}" per
# correlation alert, in line order
run() {
    local events=$1 out=$2; shift 2
    if ! "$MAMORI" rules test --json --tz +09:00 "$@" "${dirs[@]}" --events "$events" >"$tmp/out" 2>"$tmp/err"; then
        bad "rules test on $events failed:"; cat "$tmp/err"
    fi
    jq -r 'if has("correlation") then "\(.line)\t\(.correlation)\t\(tojson)" else "\(.line)\t\(.rule)\t" end' <"$tmp/out" |
        awk -F'\t' 'NR == FNR { split($0, w, " "); s[w[1]] = w[2]; if (w[4] != "") s[w[4]] = w[2]; next }
            { stem = ($2 in s) ? s[$2] : "?" $2; print $1 " " stem ($3 != "" ? " " $3 : "") }' "$tmp/ids" - |
        sort -s -n -k1,1 >"$out"
}

ncases=0
ncorrcases=0
for case in "$data"/*/; do
    stem=$(basename "$case")
    case $stem in _*) continue ;; esac
    ncases=$((ncases + 1))
    kind=$(awk -v s="$stem" '$2 == s { print $3 }' "$tmp/ids")
    [ -n "$kind" ] || { bad "case $stem: no rule file rules/*/$stem.yml"; continue; }
    expected=" "   # rules whose matches the case produces by design
    if [ "$kind" = corr ]; then
        ncorrcases=$((ncorrcases + 1))
        expected=" $(awk -v s="$stem" '$1 == s { print $2 }' "$tmp/refstems" | tr '\n' ' ')"
    fi
    also=" "
    : >"$tmp/others"
    [ -f "$case/also" ] && also=" $(tr '\n' ' ' <"$case/also")"
    for kind_file in match nomatch; do
        file=$case/$kind_file.log
        run "$file" "$tmp/hits"
        run "$file" "$tmp/hits-np" --no-prefilter
        cmp -s "$tmp/hits" "$tmp/hits-np" || bad "$stem/$kind_file.log: matches differ without the prefilter"
        if [ "$kind" = rule ]; then
            n=0
            while IFS= read -r l; do
                n=$((n + 1))
                [ -n "$l" ] || continue
                if [ $kind_file = match ]; then
                    grep -qx "$n $stem" "$tmp/hits" || bad "$stem/match.log line $n does not fire $stem"
                else
                    grep -qx "$n $stem" "$tmp/hits" && bad "$stem/nomatch.log line $n fires $stem"
                fi
            done <"$file"
        else
            grep "^[0-9]* $stem " "$tmp/hits" | cut -d' ' -f3- >"$tmp/alerts"
            nfired=$(wc -l <"$tmp/alerts")
            if [ $kind_file = nomatch ]; then
                [ "$nfired" -eq 0 ] || bad "$stem/nomatch.log fires $stem $nfired times: $(cat "$tmp/alerts")"
            elif [ "$nfired" -ne 1 ]; then
                bad "$stem/match.log fires $stem $nfired times, not once: $(cat "$tmp/alerts")"
            elif ! jq -e --slurpfile want "$case/fires" '. as $a | $want[0] | to_entries | all(.value == $a[.key])' \
                <"$tmp/alerts" >/dev/null 2>&1; then
                bad "$stem/match.log: the alert $(cat "$tmp/alerts") is not as $stem/fires says: $(jq -c . "$case/fires")"
            fi
        fi
        while read -r line other _; do
            [ "$other" = "$stem" ] && continue
            case "$expected" in *" $other "*) continue ;; esac
            echo "$other" >>"$tmp/others"
            case "$also" in *" $other "*) ;; *) bad "$stem/$kind_file.log line $line also fires $other (not in $stem/also)" ;; esac
        done <"$tmp/hits"
    done
    # and `also` lists nothing that does not fire
    for other in $also; do
        grep -qx "$other" "$tmp/others" || bad "$stem/also lists $other, which fires on none of the case's lines"
    done
done
[ "$ncases" -eq $((nrules + ncorrfiles)) ] || bad "$nrules rules and $ncorrfiles correlations but $ncases test cases"
[ $fail -eq 0 ] && echo "ok: $nrules pack rules and $ncorrfiles correlations, $ncases cases ($ncorrcases correlation cases):" \
    "every match line fires its rule, every correlation fires once on its match.log as expected, no near-miss fires"
exit $fail
