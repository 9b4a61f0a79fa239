#!/usr/bin/env bash
# The server's model suite (tests/unit/test_server.c: migrations, the organisation tree, the
# subtree rule, permissions, the audit chain, CSV imports) on a real PostgreSQL started on
# loopback for the test, after its SQLite run.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/pg.sh
out=$(mktemp)
trap 'pg_stop; rm -f "$out"' EXIT
pg_start
"$BUILD/tests/test_server" > "$out" 2>&1 || true
cat "$out"
grep -q ', 0 failed$' "$out" || { echo "FAIL: the suite failed"; exit 1; }
[ "$(grep -c '^# backend: postgresql://' "$out")" -eq 1 ] || { echo "FAIL: the PostgreSQL run did not happen"; exit 1; }
echo "ok: SQLite and PostgreSQL"
