#!/usr/bin/env bash
# Sigma filters with the default rule pack, through the CLI: `rules check` accepts filters and
# reports a reference to no rule and a log source that does not cover the rule; `rules test`
# applies filters given among the rules (pySigma semantics: the match stands only when the
# filter's condition holds), counts what they suppressed and, with -v, says which filter did.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
MAMORI=${MAMORI:-$root/$BUILD/mamori}
d=$here/data/_filters
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }
dirs=()
while IFS= read -r x; do dirs+=("$x"); done < <(find "$root/rules" -mindepth 1 -maxdepth 1 -type d ! -name correlations | sort)

# rules check: the pack with two good filters is accepted
if "$MAMORI" rules check "$root/rules" "$d/mf_sudo_admins.yml" "$d/mf_scanner.yml" >"$tmp/check" 2>&1 &&
   grep -q ' 2 filters recognised, 0 refused' "$tmp/check" && [ "$(wc -l <"$tmp/check")" -eq 1 ]; then
    ok "rules check accepts the filters"
else
    bad "rules check with filters:"; cat "$tmp/check"
fi
# ... and refuses a reference to no rule, and a log source that does not cover the rule
"$MAMORI" rules check "${dirs[@]}" "$d/mf_unknown.yml" "$d/mf_wrong_logsource.yml" >"$tmp/check" 2>&1
rc=$?
if [ $rc -eq 1 ] &&
   grep -qx "$d/mf_unknown.yml: filter 'Filter with a typo in its reference': unknown rule 'mamori_lnx_sudo_root_shel'" "$tmp/check" &&
   grep -q "^$d/mf_wrong_logsource.yml: filter 'Filter for the wrong log source': log source (product=windows) does not cover rule 'mamori_lnx_sudo_root_shell' (product=linux service=sudo)\$" "$tmp/check" &&
   grep -q ' 2 filters recognised, 2 refused' "$tmp/check"; then
    ok "rules check reports bad references with the filter's path"
else
    bad "rules check with bad filters (rc $rc):"; cat "$tmp/check"
fi

# rules test: the administrators' root shells are suppressed, the others' fire
"$MAMORI" rules test -v --json --tz +09:00 "${dirs[@]}" "$d/mf_sudo_admins.yml" --events "$d/sudo.log" >"$tmp/out" 2>"$tmp/err"
rc=$?
fired=$(jq -r 'select(.why) | .line' "$tmp/out" | tr '\n' ' ')
supp=$(jq -r 'select(.suppressed_by) | "\(.line):\(.suppressed_by)"' "$tmp/out" | tr '\n' ' ')
if [ $rc -eq 0 ] && [ "$fired" = "2 4 " ] &&
   [ "$supp" = "1:5c1f7a52-0d8e-4f5b-9a43-2e6b1f0c9d11 3:5c1f7a52-0d8e-4f5b-9a43-2e6b1f0c9d11 " ] &&
   grep -q '1 filters on 1 rules;.* 2 matches, suppressed by filters: 2;' "$tmp/err"; then
    ok "rules test -v: lines 1 and 3 suppressed by the admins filter, 2 and 4 fire"
else
    bad "rules test with the sudo filter (rc $rc): fired '$fired' suppressed '$supp'"; cat "$tmp/out" "$tmp/err"
fi
# without the filter all four fire; without -v the suppressed matches are only counted
"$MAMORI" rules test --json --tz +09:00 "${dirs[@]}" --events "$d/sudo.log" >"$tmp/out" 2>"$tmp/err"
[ "$(jq -r .line "$tmp/out" | tr '\n' ' ')" = "1 2 3 4 " ] && ok "without the filter all four fire" ||
    { bad "without the filter:"; cat "$tmp/out"; }
"$MAMORI" rules test --tz +09:00 "${dirs[@]}" "$d/mf_sudo_admins.yml" --events "$d/sudo.log" >"$tmp/out" 2>"$tmp/err"
if ! grep -q suppressed "$tmp/out" && [ "$(grep -c '^line ' "$tmp/out")" -eq 2 ] &&
   grep -q 'suppressed by filters: 2;' "$tmp/err"; then
    ok "without -v only the count"
else
    bad "rules test without -v:"; cat "$tmp/out" "$tmp/err"
fi
"$MAMORI" rules test -v --tz +09:00 "${dirs[@]}" "$d/mf_sudo_admins.yml" --events "$d/sudo.log" >"$tmp/out" 2>"$tmp/err"
grep -q "^    suppressed by filter 'Linux administrators who may open a root shell' ($d/mf_sudo_admins.yml)\$" "$tmp/out" &&
    ok "text output names the filter and its file" || { bad "text output:"; cat "$tmp/out"; }

# rules: any with |cidr: the scanner's failed logons are suppressed in every Windows security rule
"$MAMORI" rules test -v --json --tz +09:00 "${dirs[@]}" "$d/mf_scanner.yml" --events "$d/logon.log" >"$tmp/out" 2>"$tmp/err"
if [ "$(jq -r 'select(.why) | .line' "$tmp/out")" = "1" ] &&
   [ "$(jq -r 'select(.suppressed_by) | .filter' "$tmp/out")" = "Vulnerability scanner subnet" ] &&
   grep -q '1 filters on 5 rules;' "$tmp/err"; then
    ok "rules: any applies to the 5 Windows security rules; the scanner's logon failure is suppressed"
else
    bad "scanner filter:"; cat "$tmp/out" "$tmp/err"
fi

# rules test refuses to run with an unknown reference, naming the filter's file and the reference
"$MAMORI" rules test --tz +09:00 "${dirs[@]}" "$d/mf_unknown.yml" --events "$d/sudo.log" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "$d/mf_unknown.yml: filter 'Filter with a typo in its reference': unknown rule 'mamori_lnx_sudo_root_shel'" "$tmp/err" &&
   ! [ -s "$tmp/out" ]; then
    ok "rules test refuses an unknown reference"
else
    bad "unknown reference in rules test (rc $rc):"; cat "$tmp/out" "$tmp/err"
fi
exit $fail
