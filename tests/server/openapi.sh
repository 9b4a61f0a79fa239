#!/usr/bin/env bash
# The API's description (docs/openapi.yaml) and the server's real routes (`mamori server --routes`)
# name the same operations: every route is documented, and nothing documented is missing.
set -eu
cd "$(dirname "$0")/../.."
M=${MAMORI:-$PWD/build/mamori}
doc=$(mktemp) real=$(mktemp)
trap 'rm -f "$doc" "$real"' EXIT
# paths are two-space keys under "paths:", operations four-space keys under a path
awk '/^paths:/ { p = 1; next }
     p && /^[^ ]/ { p = 0 }
     p && /^  \/[^ ]*:$/ { path = $1; sub(/:$/, "", path); next }
     p && /^    (get|post|put|patch|delete):/ { m = $1; sub(/:$/, "", m); print toupper(m), path }' \
    docs/openapi.yaml | sort > "$doc"
"$M" server --routes | sort > "$real"
if ! diff -u --label documented --label routes "$doc" "$real"; then
    echo "FAIL: docs/openapi.yaml and the server's routes differ (above)"
    exit 1
fi
n=$(wc -l < "$real")
[ "$n" -ge 20 ] || { echo "FAIL: only $n routes"; exit 1; }
echo "ok: $n operations, documented and served alike"
