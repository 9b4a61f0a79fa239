// SPDX-License-Identifier: Apache-2.0
// api.js: the server's API end to end, against a running server (tests/server/api.sh starts one on
// SQLite and one on PostgreSQL): signing in with two factors, sessions, CSRF, API tokens; bad input
// refused with a message and changing nothing; SQL injection and XSS payloads stored as text; the
// flow sensor alert -> triage -> notification (通報) -> acknowledgement with its timeline and the
// fiscal-year counts; and isolation: a member's people try every route on another member's data.
//   node api.js BASE-URL ROUTES-FILE       (env PASSWORD: every test person's password)
'use strict';
const fs = require('fs');
const { Client, check, done } = require('./client.js');

const base = process.argv[2];
const routes = fs.readFileSync(process.argv[3], 'utf8').trim().split('\n').map(l => l.split(' '));
const PASSWORD = process.env.PASSWORD;
const secrets = {};
const tried = new Set();
const attack = "Robert'); DROP TABLE people;-- <script>alert('x')</script> \"'<img src=x onerror=alert(1)>";

function alertRecord(id, version, count, level = 'high') {
  return {
    id, version, sensor: 'mof-sensor', written: '2026-11-20T01:00:00.000Z', source: 'sigma',
    rule: { id: 'a1b2c3d4-0000-4000-8000-00000000000' + (id.length % 10), title: 'Proxy backdoor beacon', tags: ['attack.command_and_control', 'attack.t1071'] },
    level, title: 'Proxy backdoor beacon', title_ja: 'プロキシ経由のバックドア通信', key: 'c-ip=10.1.2.3',
    group: { 'c-ip': '10.1.2.3' }, first_seen: '2026-11-20T00:59:00.123456Z', last_seen: '2026-11-20T01:00:00.000000Z',
    count, why: "selection: cs-host='evil.example'", events: [{ raw: 'squid line' }], events_omitted: 0,
  };
}

async function main() {
  const admin = new Client(base), analyst = new Client(base), mofAdmin = new Client(base), mofCsirt = new Client(base),
        mextAdmin = new Client(base), mextCsirt = new Client(base), staff = new Client(base), anon = new Client(base);

  // ---- signing in ----
  let r = await anon.post('/api/v1/session', { login: 'admin', password: 'wrong password!!' });
  check(r.status === 401 && /wrong login or password/.test(r.json.error), 'a wrong password is refused', r.json);
  r = await anon.post('/api/v1/session', { login: 'nobody', password: PASSWORD });
  check(r.status === 401 && r.json.error === 'wrong login or password', 'an unknown login gets the same answer', r.json);
  r = await anon.get('/api/v1/orgs');
  check(r.status === 401, 'no session: 401');
  const first = new Client(base);
  r = await first.post('/api/v1/session', { login: 'mof-staff1', password: PASSWORD });
  check(r.status === 200 && r.json.stage === 'totp_enrol' && /^otpauth:\/\/totp\/mamori:mof-staff1\?secret=/.test(r.json.uri),
        'the first sign-in enrols a second factor', r.json);
  first.csrf = r.json.csrf;
  r = await first.get('/api/v1/orgs');
  check(r.status === 401 && /second factor/.test(r.json.error), 'half-way signed in: nothing but the second factor', r.json);
  r = await first.post('/api/v1/session/totp', { code: '000000' });
  check(r.status === 401, 'a wrong code is refused');
  await admin.signIn('admin', PASSWORD, secrets);
  check(admin.me.person.login === 'admin' && admin.me.permissions.manage_orgs === true, 'the administrator is signed in', admin.me);
  const cookieBefore = admin.cookie;
  await analyst.signIn('gsoc-sato', PASSWORD, secrets);
  await mofAdmin.signIn('mof-admin', PASSWORD, secrets);
  await mofCsirt.signIn('mof-csirt', PASSWORD, secrets);
  await mextAdmin.signIn('mext-admin', PASSWORD, secrets);
  await mextCsirt.signIn('mext-csirt', PASSWORD, secrets);
  await staff.signIn('mof-staff1', PASSWORD, secrets);
  r = await admin.get('/api/v1/session');
  check(r.status === 200 && r.json.csrf === admin.csrf, 'the session answers the CSRF token');
  tried.add('GET /api/v1/session').add('POST /api/v1/session').add('POST /api/v1/session/totp');
  check(cookieBefore === admin.cookie, 'the cookie is kept across requests');

  // CSRF
  const orgsBefore = (await admin.get('/api/v1/orgs')).json.orgs.length;
  r = await admin.post('/api/v1/orgs', { parent_id: 1, kind: 'member', code: 'csrf-test', name_ja: 'x' }, { csrf: false });
  check(r.status === 403 && /X-CSRF-Token/.test(r.json.error), 'a change without the CSRF token is refused', r.json);
  r = await admin.raw('POST', '/api/v1/orgs', { body: { parent_id: 1, kind: 'member', code: 'csrf-test', name_ja: 'x' }, headers: { 'X-CSRF-Token': 'forged' }, csrf: false });
  check(r.status === 403, 'a change with a forged CSRF token is refused');

  // ---- bad input: 4xx naming the problem, nothing changed ----
  const bad = [
    ['malformed JSON', '{"parent_id": 1, "kind": "member",', 'application/json', 400, /malformed JSON at line 1/],
    ['not an object', '[1, 2]', 'application/json', 400, /JSON object at the top level/],
    ['duplicate keys', '{"parent_id":1,"kind":"member","code":"d1","code":"d2","name_ja":"x"}', 'application/json', 400, /duplicate/],
    ['unknown field', '{"parent_id":1,"kind":"member","code":"u1","name_ja":"x","nmae":"y"}', 'application/json', 400, /unknown field 'nmae'/],
    ['wrong type', '{"parent_id":"1","kind":"member","code":"w1","name_ja":"x"}', 'application/json', 400, /field 'parent_id' must be an integer/],
    ['missing field', '{"parent_id":1,"kind":"member","code":"m1"}', 'application/json', 400, /field 'name_ja' is required/],
    ['invalid UTF-8', Buffer.from('{"parent_id":1,"kind":"member","code":"i1","name_ja":"\xff\xfe"}', 'latin1'), 'application/json', 400, /not valid UTF-8/],
    ['bad kind', '{"parent_id":1,"kind":"galaxy","code":"k1","name_ja":"x"}', 'application/json', 400, /kind must be one of/],
    ['bad code', '{"parent_id":1,"kind":"member","code":"a b","name_ja":"x"}', 'application/json', 400, /code must be/],
    ['control character', '{"parent_id":1,"kind":"member","code":"c1","name_ja":"a\\u0007b"}', 'application/json', 400, /control character/],
    ['wrong content type', 'parent_id=1', 'application/x-www-form-urlencoded', 415, /application\/json/],
    ['oversized', JSON.stringify({ parent_id: 1, kind: 'member', code: 'o1', name_ja: 'x'.repeat(2 * 1024 * 1024) }), 'application/json', 413, /too large/],
  ];
  for (const [what, body, type, status, msg] of bad) {
    r = await admin.raw('POST', '/api/v1/orgs', { body, contentType: type });
    check(r.status === status && r.json && msg.test(r.json.error), `bad input (${what}): ${status} naming it`, r.json || r.text);
  }
  r = await admin.patch('/api/v1/people/2', { status: 'asleep' });
  check(r.status === 400 && /status must be/.test(r.json.error), 'a bad value in a change is refused', r.json);
  r = await admin.get('/api/v1/people?limit=abc');
  check(r.status === 400 && /'limit'/.test(r.json.error), 'a bad query parameter is refused', r.json);
  r = await admin.get('/api/v1/orgs/abc');
  check(r.status === 404, 'a path id that is not a number is not found');
  check((await admin.get('/api/v1/orgs')).json.orgs.length === orgsBefore, 'bad input changed nothing');

  // ---- injection payloads are text ----
  const mof = (await admin.get('/api/v1/orgs')).json.orgs.find(o => o.code === 'mof');
  const mext = (await admin.get('/api/v1/orgs')).json.orgs.find(o => o.code === 'mext');
  r = await admin.post('/api/v1/orgs', { parent_id: mof.id, kind: 'division', code: 'inj-1', name_ja: attack, name_en: attack });
  check(r.status === 201 && r.json.name_ja === attack && r.json.name_en === attack, 'an organisation named with SQL and HTML is stored as text', r.json);
  const injOrg = r.json.id;
  r = await admin.post('/api/v1/people', { org_id: injOrg, login: 'inj-person', name: attack, email: "x'--@example.jp", staff_no: attack.slice(0, 60) });
  check(r.status === 201 && r.json.name === attack && r.json.email === "x'--@example.jp", 'a person named with SQL and HTML is stored as text', r.json);
  r = await admin.get('/api/v1/people?q=' + encodeURIComponent("'); DROP TABLE"));
  check(r.status === 200 && r.json.people.length === 1 && r.json.people[0].name === attack, 'searching for the payload finds it, as text', r.json);
  check((await admin.get('/api/v1/people?limit=1000')).json.people.length > 20, 'the people table is still there');

  // ---- API tokens ----
  r = await admin.post('/api/v1/tokens', { name: 'script', days: 1 });
  check(r.status === 201 && /^mmt_/.test(r.json.token), 'an API token is made and shown once', r.json);
  const bot = new Client(base);
  bot.token = r.json.token;
  const tokenId = r.json.id;
  r = await bot.get('/api/v1/orgs');
  check(r.status === 200 && r.json.orgs.length > 20, 'the API token acts as its person');
  r = await bot.post('/api/v1/orgs', { parent_id: mof.id, kind: 'division', code: 'by-token', name_ja: 'トークン' });
  check(r.status === 201, 'the API token changes things without a CSRF token');
  r = await admin.get('/api/v1/tokens');
  check(r.status === 200 && r.json.tokens.some(t => t.id === tokenId && !('token' in t)), 'tokens are listed without their secret');

  // ---- sensors and the alert intake ----
  r = await admin.post('/api/v1/sensors', { org_id: mof.id, name: 'mof-sensor' });
  check(r.status === 201 && /^mme_/.test(r.json.enrol_token), 'a sensor is registered with a one-time token', r.json);
  const enrolToken = r.json.enrol_token;
  r = await anon.post('/api/v1/sensor/enrol', { token: enrolToken });
  check(r.status === 200 && /^mmk_/.test(r.json.key), 'the sensor enrols and receives its key', r.json);
  const sensor = new Client(base);
  sensor.token = r.json.key;
  r = await anon.post('/api/v1/sensor/enrol', { token: enrolToken });
  check(r.status === 403, 'the enrolment token works once');
  const a1 = '11111111-1111-4111-8111-111111111111', a2 = '22222222-2222-4222-8222-222222222222',
        a3 = '33333333-3333-4333-8333-333333333333';
  r = await sensor.post('/api/v1/sensor/alerts', { alerts: [alertRecord(a1, 1, 5), alertRecord(a2, 1, 1, 'critical'), alertRecord(a3, 1, 2, 'low')] });
  check(r.status === 200 && r.json.created === 3, 'the sensor ships three alerts', r.json);
  r = await sensor.post('/api/v1/sensor/alerts', { alerts: [alertRecord(a1, 1, 5), alertRecord(a2, 1, 1, 'critical'), alertRecord(a3, 1, 2, 'low')] });
  check(r.status === 200 && r.json.unchanged === 3 && r.json.created === 0, 'shipping them again stores nothing twice', r.json);
  r = await sensor.post('/api/v1/sensor/alerts', { alerts: [alertRecord(a1, 2, 9), alertRecord(a2, 1, 1, 'critical')] });
  check(r.status === 200 && r.json.updated === 1 && r.json.unchanged === 1, 'a newer version replaces the stored one', r.json);
  const bogus = alertRecord('44444444-4444-4444-8444-444444444444', 1, 1);
  delete bogus.first_seen;
  r = await sensor.post('/api/v1/sensor/alerts', { alerts: [alertRecord('55555555-5555-4555-8555-555555555555', 1, 1), bogus] });
  check(r.status === 400 && /alerts\[1\].*first_seen/.test(r.json.error), 'a malformed record refuses its batch, naming it', r.json);
  r = await admin.get('/api/v1/alerts?limit=100');
  check(r.status === 200 && r.json.alerts.length === 3, 'a refused batch stores none of its records', r.json && r.json.alerts.length);
  r = await admin.post('/api/v1/sensor/alerts', { alerts: [] });
  check(r.status === 401, 'only a sensor key ships alerts');
  tried.add('POST /api/v1/sensor/enrol').add('POST /api/v1/sensor/alerts');

  // ---- triage and notification (通報) ----
  r = await analyst.get('/api/v1/alerts?level=critical');
  check(r.status === 200 && r.json.alerts.length === 1 && r.json.alerts[0].org_code === 'mof', 'the analyst sees the member\'s alerts', r.json);
  const ids = {};
  for (const al of (await analyst.get('/api/v1/alerts')).json.alerts) ids[al.uid] = al.id;
  r = await analyst.post(`/api/v1/alerts/${ids[a3]}/triage`, { status: 'false_positive', note: '定期バックアップ通信' });
  check(r.status === 200 && r.json.status === 'false_positive' && r.json.alert.id === a3, 'an alert is judged a false positive', r.json);
  r = await mofCsirt.post(`/api/v1/alerts/${ids[a1]}/triage`, { status: 'true_positive' });
  check(r.status === 403, 'a member\'s CSIRT does not judge alerts');
  r = await analyst.post('/api/v1/notifications', { alerts: [ids[a1], ids[a2]], title: 'C&C通信の検知について', body: '貴省の端末 10.1.2.3 から不審な通信を検知しました。\n調査をお願いします。' });
  check(r.status === 201 && r.json.status === 'sent' && r.json.org_code === 'mof' && r.json.level === 'critical' && r.json.alert_list.length === 2,
        'the analyst notifies the member (通報)', r.json);
  const notif = r.json.id;
  const recipient = r.json.recipient_name;
  check(recipient === '渡辺 大輔', 'the notification goes to the member\'s CSIRT point of contact', r.json);
  r = await analyst.post('/api/v1/notifications', { alerts: [ids[a3]], title: 'x' });
  check(r.status === 409, 'a false positive is not notified', r.json);
  // injection payloads in the judgement's note and a notification's title and body are text too
  r = await analyst.post(`/api/v1/alerts/${ids[a3]}/triage`, { status: 'false_positive', note: attack });
  check(r.status === 200 && r.json.triage_note === attack, 'a triage note with SQL and HTML is stored as text', r.json);
  r = await mofCsirt.get('/api/v1/notifications');
  check(r.status === 200 && r.json.notifications.length === 1 && r.json.notifications[0].id === notif, 'the member\'s CSIRT sees the notification');
  r = await staff.get('/api/v1/notifications');
  check(r.status === 403, 'staff do not read notifications');
  r = await mofCsirt.post(`/api/v1/notifications/${notif}/events`, { kind: 'acknowledged', note: '確認しました。端末を隔離します。' });
  check(r.status === 200 && r.json.status === 'acknowledged', 'the member acknowledges', r.json);
  r = await mofCsirt.post(`/api/v1/notifications/${notif}/events`, { kind: 'acknowledged' });
  check(r.status === 409, 'a notification is acknowledged once');
  r = await mofCsirt.post(`/api/v1/notifications/${notif}/events`, { kind: 'closed' });
  check(r.status === 403, 'the member does not close it');
  r = await analyst.post(`/api/v1/notifications/${notif}/events`, { kind: 'comment', note: '駆除後に報告してください。' });
  r = await analyst.post(`/api/v1/notifications/${notif}/events`, { kind: 'comment', note: attack });
  check(r.status === 200 && r.json.timeline.some(e => e.note === attack), 'a comment with SQL and HTML is stored as text', r.json);
  r = await analyst.post(`/api/v1/notifications/${notif}/events`, { kind: 'closed', note: '対応完了' });
  check(r.status === 200 && r.json.status === 'closed', 'the centre closes it');
  r = await mofCsirt.get(`/api/v1/notifications/${notif}`);
  const kinds = r.json.timeline.map(e => e.kind).join(',');
  check(kinds === 'sent,acknowledged,comment,comment,closed', 'the timeline shows every step', r.json.timeline);
  r = await analyst.get('/api/v1/stats/fiscal-years');
  const fy = r.json.fiscal_years.find(y => y.fiscal_year === 2026);
  check(fy && fy.alerts === 3 && fy.threats === 10 && fy.notifications === 1, 'fiscal-year counts: alerts, threats recognised, notifications', r.json);

  // ---- isolation: another member's people try every route on this member's data ----
  const mofPerson = (await admin.get('/api/v1/people?q=mof-staff2')).json.people[0];
  const mofOrgsBefore = JSON.stringify((await mofAdmin.get('/api/v1/orgs')).json);
  const mofPersonBefore = JSON.stringify((await mofAdmin.get('/api/v1/people/' + mofPerson.id)).json);
  const alertBefore = JSON.stringify((await analyst.get('/api/v1/alerts/' + ids[a1])).json);
  const notifBefore = JSON.stringify((await analyst.get('/api/v1/notifications/' + notif)).json);
  const denied = s => s === 403 || s === 404;
  for (const who of [mextAdmin, mextCsirt]) {
    const w = who === mextAdmin ? 'mext-admin' : 'mext-csirt';
    const q = async (route, method, path, body, ok) => {
      tried.add(route);
      const res = await who.raw(method, path, body === undefined ? {} : (typeof body === 'string' ? { body, contentType: 'text/csv' } : { body }));
      check(ok(res), `${w}: ${method} ${path} does not reach mof's data`, { status: res.status, json: res.json });
      return res;
    };
    const none = res => res.status === 200 && !JSON.stringify(res.json).includes('"mof');
    await q('GET /api/v1/orgs', 'GET', '/api/v1/orgs', undefined, res => res.status === 200 && res.json.orgs.every(o => o.path.startsWith(mext.path)));
    await q('POST /api/v1/orgs', 'POST', '/api/v1/orgs', { parent_id: mof.id, kind: 'division', code: 'intrude', name_ja: 'x' }, res => denied(res.status));
    await q('GET /api/v1/orgs/{id}', 'GET', '/api/v1/orgs/' + mof.id, undefined, res => res.status === 404);
    await q('PATCH /api/v1/orgs/{id}', 'PATCH', '/api/v1/orgs/' + mof.id, { name_ja: '乗っ取り' }, res => denied(res.status));
    await q('GET /api/v1/people', 'GET', '/api/v1/people?limit=1000', undefined, res => res.status === 403 || none(res));
    await q('GET /api/v1/people', 'GET', '/api/v1/people?org_id=' + mof.id, undefined, res => denied(res.status));
    await q('POST /api/v1/people', 'POST', '/api/v1/people', { org_id: mof.id, login: 'intruder', name: 'x' }, res => denied(res.status));
    await q('GET /api/v1/people/{id}', 'GET', '/api/v1/people/' + mofPerson.id, undefined, res => res.status === 404);
    await q('PATCH /api/v1/people/{id}', 'PATCH', '/api/v1/people/' + mofPerson.id, { name: 'x' }, res => denied(res.status));
    await q('POST /api/v1/people/{id}/roles', 'POST', `/api/v1/people/${mofPerson.id}/roles`, { org_id: mof.id, role: 'admin' }, res => denied(res.status));
    await q('DELETE /api/v1/people/{id}/roles', 'DELETE', `/api/v1/people/${mofPerson.id}/roles`, { org_id: mof.id, role: 'staff' }, res => denied(res.status));
    await q('POST /api/v1/import/orgs', 'POST', '/api/v1/import/orgs', 'code,parent_code,kind,name_ja\nintr,mof,division,x\n', res => denied(res.status));
    await q('POST /api/v1/import/people', 'POST', '/api/v1/import/people', 'login,org_code,name\nintr,mof,x\n', res => denied(res.status));
    await q('GET /api/v1/audit', 'GET', '/api/v1/audit?limit=1000', undefined, res => res.status === 403 || (res.status === 200 && res.json.records.every(x => x.org_id === null ? false : true) && !JSON.stringify(res.json).includes(`"org_id":${mof.id},`)));
    await q('GET /api/v1/audit/verify', 'GET', '/api/v1/audit/verify', undefined, res => res.status === 403);
    await q('GET /api/v1/alerts', 'GET', '/api/v1/alerts?limit=1000', undefined, res => denied(res.status) || (res.status === 200 && res.json.alerts.length === 0));
    await q('GET /api/v1/alerts', 'GET', '/api/v1/alerts?org_id=' + mof.id, undefined, res => denied(res.status));
    await q('GET /api/v1/alerts/{id}', 'GET', '/api/v1/alerts/' + ids[a1], undefined, res => res.status === 404);
    await q('POST /api/v1/alerts/{id}/triage', 'POST', `/api/v1/alerts/${ids[a1]}/triage`, { status: 'false_positive' }, res => denied(res.status));
    await q('GET /api/v1/notifications', 'GET', '/api/v1/notifications', undefined, res => denied(res.status) || (res.status === 200 && res.json.notifications.length === 0));
    await q('POST /api/v1/notifications', 'POST', '/api/v1/notifications', { alerts: [ids[a2]], title: 'x' }, res => denied(res.status));
    await q('GET /api/v1/notifications/{id}', 'GET', '/api/v1/notifications/' + notif, undefined, res => res.status === 404);
    await q('POST /api/v1/notifications/{id}/events', 'POST', `/api/v1/notifications/${notif}/events`, { kind: 'comment', note: 'x' }, res => denied(res.status));
    await q('GET /api/v1/stats/fiscal-years', 'GET', '/api/v1/stats/fiscal-years', undefined, res => denied(res.status) || (res.status === 200 && res.json.fiscal_years.every(y => y.alerts === 0 && y.notifications === 0)));
    await q('GET /api/v1/sensors', 'GET', '/api/v1/sensors', undefined, res => denied(res.status) || (res.status === 200 && res.json.sensors.length === 0));
    await q('POST /api/v1/sensors', 'POST', '/api/v1/sensors', { org_id: mof.id, name: 'rogue' }, res => denied(res.status));
    await q('DELETE /api/v1/tokens/{id}', 'DELETE', '/api/v1/tokens/' + tokenId, undefined, res => res.status === 404);
    await q('GET /api/v1/tokens', 'GET', '/api/v1/tokens', undefined, res => res.status === 200 && !res.json.tokens.some(t => t.id === tokenId));
    await q('POST /api/v1/sensor/alerts', 'POST', '/api/v1/sensor/alerts', { alerts: [alertRecord(a1, 9, 1)] }, res => res.status === 401);
    await q('POST /api/v1/me/password', 'POST', '/api/v1/me/password', { current: 'wrong-wrong-wrong', new: 'another long password' }, res => res.status === 403);
    await q('POST /api/v1/tokens', 'POST', '/api/v1/tokens', { name: 'mine', days: 1 }, res => res.status === 201);
    await q('GET /api/v1/roles', 'GET', '/api/v1/roles', undefined, res => res.status === 200);
    await q('GET /api/v1/health', 'GET', '/api/v1/health', undefined, res => res.status === 200);
  }
  check(JSON.stringify((await mofAdmin.get('/api/v1/orgs')).json) === mofOrgsBefore, 'the member\'s organisations are unchanged');
  check(JSON.stringify((await mofAdmin.get('/api/v1/people/' + mofPerson.id)).json) === mofPersonBefore, 'the member\'s person is unchanged');
  check(JSON.stringify((await analyst.get('/api/v1/alerts/' + ids[a1])).json) === alertBefore, 'the member\'s alert is unchanged');
  check(JSON.stringify((await analyst.get('/api/v1/notifications/' + notif)).json) === notifBefore, 'the notification is unchanged');
  r = await mofAdmin.get('/api/v1/orgs');
  check(r.json.orgs.every(o => o.path.startsWith(mof.path)), 'the member\'s own administrator sees only its subtree');

  // revoke, sign out, audit
  r = await admin.del('/api/v1/tokens/' + tokenId);
  check(r.status === 200, 'the token is revoked');
  r = await bot.get('/api/v1/orgs');
  check(r.status === 401, 'a revoked token no longer works');
  r = await admin.get('/api/v1/audit/verify');
  check(r.status === 200 && r.json.intact === true && r.json.records > 20, 'the audit trail is intact', r.json);
  r = await admin.get('/api/v1/audit?limit=1000');
  const actions = new Set(r.json.records.map(x => x.action));
  check(['org.create', 'person.create', 'sensor.register', 'sensor.enrol', 'alert.triage', 'notification.create',
         'notification.acknowledged', 'signin.fail', 'token.create'].every(a => actions.has(a)), 'the audit trail holds every kind of change', [...actions]);
  r = await staff.del('/api/v1/session');
  check(r.status === 200, 'signing out');
  r = await staff.get('/api/v1/session');
  check(r.status === 401, 'the session is gone after signing out');
  tried.add('DELETE /api/v1/session');

  // ---- throttling (last: it locks this address) ----
  const t = new Client(base);
  let statuses = [];
  // locks are kept in whole seconds, so a 1 s lock may end at once: go on until one of 2 s or more
  for (let i = 0; i < 12; i++) {
    r = await t.post('/api/v1/session', { login: 'mext-staff1', password: 'not the password ' + i });
    statuses.push(r.status);
    if (r.status === 429 && Number(r.headers.get('retry-after')) >= 2) break;
    if (r.status === 429) await new Promise(res => setTimeout(res, 1100 * Number(r.headers.get('retry-after'))));
  }
  check(statuses.includes(429) && r.headers.get('retry-after') >= 2, 'repeated failures are throttled (429, Retry-After)', statuses);
  r = await t.post('/api/v1/session', { login: 'mof-ciso', password: PASSWORD });
  check(r.status === 429, 'a throttled address waits even with the right password');

  const untried = routes.map(([m, p]) => m + ' ' + p).filter(x => !tried.has(x));
  check(untried.length === 0, 'every route was tried', untried);
  done();
}

main().catch(e => { console.log('not ok - ' + (e.stack || e)); process.exit(1); });
