#!/usr/bin/env bash
# The web UI in a real browser (tests/e2e/flow.js: Debian's chromium driven by playwright-core) against
# a real server over TLS on loopback, with the demo organisations and people and an alert shipped by a
# sensor's key.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mamori
D=$(mktemp -d /tmp/mamori-e2e.XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$D"
}
trap cleanup EXIT
[ -d tests/e2e/node_modules/playwright-core ] || npm ci --prefix tests/e2e --no-audit --no-fund >/dev/null
export PASSWORD='correct horse battery staple'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$D/key.pem" -out "$D/cert.pem" 2>/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$D/server.conf" <<CFG
listen = 127.0.0.1:$port
tls_cert = $D/cert.pem
tls_key = $D/key.pem
database = sqlite:$D/server.db
web_root = $PWD/web
CFG
echo "$PASSWORD" | "$M" admin init -c "$D/server.conf" --org-code nisc --org-name 内閣サイバーセキュリティセンター \
    --org-name-en NISC --login admin --name 管理者 >/dev/null
"$M" admin import-orgs -c "$D/server.conf" scripts/demo/orgs.csv >/dev/null
"$M" admin import-people -c "$D/server.conf" scripts/demo/people.csv >/dev/null
printf 'login,org_code,name\nxss-person,mof-shukei,"<img src=x onerror=alert(1)><script>alert(2)</script>"\n' > "$D/xss.csv"
"$M" admin import-people -c "$D/server.conf" "$D/xss.csv" >/dev/null
for who in gsoc-sato mof-csirt mext-csirt mof-admin admin; do
    echo "$PASSWORD" | "$M" admin password -c "$D/server.conf" "$who"
done
"$M" server -c "$D/server.conf" 2>"$D/server.log" &
pid=$!
base=https://127.0.0.1:$port
for _ in $(seq 1 100); do curl -sf --cacert "$D/cert.pem" "$base/api/v1/health" >/dev/null && break; sleep 0.1; done
# a sensor of the Ministry of Finance ships an alert (the admin registers it through the API)
alert_id=$(NODE_EXTRA_CA_CERTS=$D/cert.pem node -e '
const { Client, totp } = require("./tests/server/client.js");
(async () => {
  const base = process.argv[1], secrets = {};
  const admin = new Client(base);
  await admin.signIn("admin", process.env.PASSWORD, secrets);
  const orgs = (await admin.get("/api/v1/orgs")).json.orgs;
  const mof = orgs.find(o => o.code === "mof");
  const reg = await admin.post("/api/v1/sensors", { org_id: mof.id, name: "mof-proxy-sensor" });
  const key = (await admin.post("/api/v1/sensor/enrol", { token: reg.json.enrol_token })).json.key;
  const sensor = new Client(base);
  sensor.token = key;
  const rec = { id: "0d7c1b2a-6f1e-4a57-9e0e-5f8f2a7c9b10", version: 1, sensor: "mof-proxy-sensor", written: "2026-11-20T01:00:00.000Z",
    source: "sigma", rule: { id: "6b1f2c3d-1111-4222-8333-444455556666", title: "Proxy backdoor beacon", tags: ["attack.command_and_control"] },
    level: "critical", title: "Proxy backdoor beacon", title_ja: "プロキシ経由のバックドア通信", key: "c-ip=10.1.2.3",
    first_seen: "2026-11-20T00:59:00Z", last_seen: "2026-11-20T01:00:00Z", count: 12, why: "selection: cs-host=evil.example",
    events: [{ raw: "1763600340.123 12 10.1.2.3 TCP_MISS/200 512 GET http://evil.example/beacon - HIER_DIRECT/203.0.113.9 text/html" }], events_omitted: 11 };
  const r = await sensor.post("/api/v1/sensor/alerts", { alerts: [rec] });
  if (r.status !== 200) throw new Error("intake: " + r.text);
  const list = (await admin.get("/api/v1/alerts")).json.alerts;
  console.log(list[0].id);
})().catch(e => { console.error(e); process.exit(1); });' "$base")
NODE_EXTRA_CA_CERTS=$D/cert.pem node tests/e2e/flow.js "$base" "$alert_id" || { tail -20 "$D/server.log"; exit 1; }
