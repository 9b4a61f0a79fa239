// SPDX-License-Identifier: Apache-2.0
// app.js: the mamori web UI: sign-in with a second factor, then the views by hash route
// (#/, #/alerts, #/alerts/12, #/notifications, #/orgs, #/people, #/people/5, #/import, #/audit,
// #/account). What a person may do comes from the session's permissions; the server checks again.
import { api, setCsrf, ApiError } from './api.js';
import { h, svg, clear, table, field } from './ui.js';
import { t, getLang, setLang, setRoleNames, roleName, orgName, fiscalYear, fyLabel, when } from './i18n.js';
import qrcode from '../vendor/qrcode.mjs';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const status = document.getElementById('status');
let session = null;
let orgsById = {};

function say(message, kind) {
  status.hidden = !message;
  status.className = 'status' + (kind === 'info' ? ' info' : '');
  status.textContent = message || '';
}

function fail(e) {
  if (e instanceof ApiError && e.status === 401 && session) {
    session = null;
    location.hash = '#/signin';
    return;
  }
  say(`${t('error')}: ${e.message}`);
}

function page(title, ...content) {
  clear(main);
  main.append(h('h1', {}, title), ...content);
  document.title = `${title} - mamori`;
}

function levelBadge(level) { return h('span', { class: 'badge level-' + level }, level); }
function statusBadge(s) { return h('span', { class: 'badge st-' + s }, t('st_' + s)); }
function can(p) { return session && session.permissions && session.permissions[p]; }

// ---- chrome ----

function renderChrome() {
  document.documentElement.lang = getLang();
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('lang').textContent = t('lang_switch');
  const so = document.getElementById('signout');
  so.textContent = t('signout');
  so.hidden = !session;
  document.getElementById('brand-name').textContent = session ? `mamori · ${orgName(session.scope || session.org)}` : 'mamori';
  document.getElementById('who').textContent = session ? session.person.name : '';
  clear(nav);
  nav.hidden = !session;
  if (!session) return;
  const items = [['#/', 'dashboard', true], ['#/alerts', 'alerts', can('read_alerts')],
                 ['#/notifications', 'notifications', can('read_alerts')], ['#/orgs', 'orgs', true],
                 ['#/people', 'people', can('read_people')], ['#/import', 'import', can('manage_people') || can('manage_orgs')],
                 ['#/audit', 'audit', can('read_audit')], ['#/account', 'account', true]];
  const cur = location.hash.split('/').slice(0, 2).join('/') || '#/';
  for (const [href, key, show] of items) {
    if (!show) continue;
    nav.append(h('a', { href, 'aria-current': cur === href ? 'page' : null }, t(key)));
  }
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(getLang() === 'ja' ? 'en' : 'ja');
  route();
});
document.getElementById('signout').addEventListener('click', async () => {
  try { await api('DELETE', '/api/v1/session'); } catch (e) { /* signed out anyway */ }
  session = null;
  setCsrf(null);
  location.hash = '#/signin';
});

// ---- signing in ----

function qrSvg(text) {
  const q = qrcode(0, 'M');
  q.addData(text);
  q.make();
  const n = q.getModuleCount(), quiet = 4, size = n + 2 * quiet;
  const s = svg('svg', { class: 'qr', viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': 'QR code' });
  s.append(svg('rect', { x: 0, y: 0, width: size, height: size, fill: '#fff' }));
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      if (q.isDark(r, c)) s.append(svg('rect', { x: c + quiet, y: r + quiet, width: 1, height: 1, fill: '#000' }));
  return s;
}

function viewSignin() {
  const login = h('input', { name: 'login', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card signin' }, h('h1', {}, t('signin')), field(t('login'), login),
                 field(t('password'), password), h('button', { type: 'submit' }, t('next')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    say('');
    try {
      const r = await api('POST', '/api/v1/session', { login: login.value, password: password.value });
      setCsrf(r.csrf);
      viewTotp(r);
    } catch (err) { say(err.message); }
  });
  clear(main).append(form);
  login.focus();
}

function viewTotp(first) {
  const code = h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: 6, required: true });
  const parts = [h('h1', {}, first.stage === 'totp_enrol' ? t('totp_enrol') : t('signin'))];
  if (first.stage === 'totp_enrol') {
    parts.push(h('p', {}, t('totp_enrol_help')), qrSvg(first.uri),
               h('p', {}, t('secret'), ': ', h('span', { class: 'secret', id: 'totp-secret' }, first.secret)));
  } else {
    parts.push(h('p', {}, t('totp_help')));
  }
  const form = h('form', { class: 'card signin' }, ...parts, field(t('code'), code), h('button', { type: 'submit' }, t('verify')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    say('');
    try {
      const s = await api('POST', '/api/v1/session/totp', { code: code.value.trim() });
      await startSession(s);
      if (location.hash === '#/') route();
      else location.hash = '#/';
    } catch (err) { say(err.message); }
  });
  clear(main).append(form);
  code.focus();
}

async function startSession(s) {
  session = s;
  setCsrf(s.csrf);
  if (!localStorage.getItem('mamori.lang') && s.person.lang) setLang(s.person.lang);
  setRoleNames((await api('GET', '/api/v1/roles')).roles);
  orgsById = {};
  for (const o of (await api('GET', '/api/v1/orgs')).orgs) orgsById[o.id] = o;
}

// ---- dashboard ----

function fyChart(years) {
  const w = 640, hgt = 220, pad = 30, keys = ['alerts', 'threats', 'notifications'];
  const max = Math.max(1, ...years.flatMap(y => keys.map(k => y[k])));
  const s = svg('svg', { class: 'chart', viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': t('fy_counts') });
  const group = (w - 2 * pad) / Math.max(1, years.length), bw = Math.min(40, group / 4);
  years.forEach((y, i) => {
    keys.forEach((k, j) => {
      // a log scale: alerts and threats run to hundreds of thousands, notifications to hundreds
      const v = y[k], hh = v > 0 ? (Math.log10(v + 1) / Math.log10(max + 1)) * (hgt - 2 * pad) : 0;
      const x = pad + i * group + j * bw + (group - 3 * bw) / 2;
      s.append(svg('rect', { class: 'bar-' + k, x, y: hgt - pad - hh, width: bw - 2, height: hh }, svg('title', {}, `${fyLabel(y.fiscal_year)} ${t('fy_' + k)}: ${v}`)));
      s.append(svg('text', { x: x + bw / 2 - 1, y: hgt - pad - hh - 3, 'text-anchor': 'middle' }, String(v)));
    });
    s.append(svg('text', { x: pad + i * group + group / 2, y: hgt - 10, 'text-anchor': 'middle' }, fyLabel(y.fiscal_year)));
  });
  return h('div', {}, s, h('div', { class: 'legend' }, keys.map(k => h('span', {}, h('span', { class: 'swatch sw-' + k }), t('fy_' + k)))));
}

async function viewDashboard() {
  const me = session.person, org = session.org;
  const orgs = Object.values(orgsById);
  const cards = [h('div', { class: 'card' }, h('div', { class: 'muted' }, t('org')), h('div', { class: 'stat' }, orgName(org)),
                   h('div', { class: 'muted' }, t('k_' + org.kind))),
                 h('div', { class: 'card' }, h('div', { class: 'muted' }, t('sub_orgs')), h('div', { class: 'stat', id: 'stat-orgs' }, orgs.length)),
                 h('div', { class: 'card' }, h('div', { class: 'muted' }, t('people_count')),
                   h('div', { class: 'stat', id: 'stat-people' }, orgs.reduce((n, o) => n + (o.people || 0), 0)))];
  const roles = h('div', { class: 'card' }, h('h2', {}, t('my_roles')),
    me.roles.length ? h('ul', {}, me.roles.map(r => h('li', {}, roleName(r.role), ' — ', orgName(orgsById[r.org_id]) || r.org_code))) : h('p', {}, t('none')),
    h('h2', {}, t('permissions')),
    h('ul', {}, Object.entries(session.permissions).filter(([, v]) => v).map(([k]) => h('li', {}, t('p_' + k)))));
  page(t('dashboard'), h('div', { class: 'grid' }, cards), roles);
  if (!can('read_alerts')) return;
  const [fy, alerts, notifs] = await Promise.all([api('GET', '/api/v1/stats/fiscal-years'),
    api('GET', '/api/v1/alerts?limit=5'), api('GET', '/api/v1/notifications?limit=20')]);
  main.append(h('div', { class: 'card' }, h('h2', {}, t('fy_counts')),
    fy.fiscal_years.length ? [fyChart(fy.fiscal_years),
      table([t('fiscal_year'), t('fy_alerts'), t('fy_threats'), t('fy_notifications')],
            fy.fiscal_years.map(y => ({ cells: [fyLabel(y.fiscal_year), y.alerts, y.threats, y.notifications] })))]
      : h('p', {}, t('none'))));
  main.append(h('div', { class: 'card' }, h('h2', {}, t('recent_alerts')), alertTable(alerts.alerts)));
  const open = notifs.notifications.filter(n => n.status !== 'closed');
  main.append(h('div', { class: 'card' }, h('h2', {}, t('open_notifications')), notificationTable(open)));
}

// ---- alerts ----

function alertTable(list) {
  if (!list.length) return h('p', {}, t('none'));
  return table([t('first_seen'), { label: t('member') }, t('level'), t('title'), { label: t('count'), opt: true }, t('status')],
    list.map(a => ({ a, cells: [when(a.first_seen), orgName(orgsById[a.org_id]) || a.org_code, levelBadge(a.level),
                                getLang() === 'ja' && a.title_ja ? a.title_ja : a.title, a.count, statusBadge(a.status)] })),
    r => { location.hash = '#/alerts/' + r.a.id; });
}

async function viewAlerts() {
  const st = h('select', { name: 'status' }, h('option', { value: '' }, t('all')),
    ['new', 'true_positive', 'false_positive', 'merged'].map(s => h('option', { value: s }, t('st_' + s))));
  const lv = h('select', { name: 'level' }, h('option', { value: '' }, t('all')),
    ['critical', 'high', 'medium', 'low', 'informational'].map(l => h('option', { value: l }, l)));
  const q = h('input', { name: 'q', type: 'search' });
  const org = h('select', { name: 'org' }, h('option', { value: '' }, t('all')),
    Object.values(orgsById).filter(o => ['member', 'agency', 'company'].includes(o.kind)).map(o => h('option', { value: o.id }, orgName(o))));
  const list = h('div', {});
  let before = null;
  const load = async (more) => {
    const p = new URLSearchParams({ limit: 50 });
    if (org.value) p.set('org_id', org.value);
    if (st.value) p.set('status', st.value);
    if (lv.value) p.set('level', lv.value);
    if (q.value) p.set('q', q.value);
    if (more && before) p.set('before', before);
    const r = await api('GET', '/api/v1/alerts?' + p);
    before = r.next_before;
    if (!more) clear(list);
    list.append(alertTable(r.alerts));
    if (before) list.append(h('button', { type: 'button', class: 'secondary', onclick: e => { e.target.remove(); load(true).catch(fail); } }, t('more')));
  };
  const form = h('form', { class: 'inline', role: 'search' }, org.options.length > 2 ? field(t('member'), org) : null,
                 field(t('status'), st), field(t('level'), lv), field(t('search'), q), h('button', { type: 'submit' }, t('apply')));
  form.addEventListener('submit', e => { e.preventDefault(); load(false).catch(fail); });
  page(t('alerts'), form, list);
  await load(false);
}

async function viewAlert(id) {
  const a = await api('GET', '/api/v1/alerts/' + id);
  const rec = a.alert || {};
  const info = h('dl', { class: 'kv' },
    h('dt', {}, t('member')), h('dd', {}, orgName(orgsById[a.org_id]) || a.org_code),
    h('dt', {}, t('level')), h('dd', {}, levelBadge(a.level)),
    h('dt', {}, t('status')), h('dd', {}, statusBadge(a.status), a.triage_note ? ` — ${a.triage_note}` : ''),
    h('dt', {}, t('first_seen')), h('dd', {}, when(a.first_seen)),
    h('dt', {}, t('last_seen')), h('dd', {}, when(a.last_seen)),
    h('dt', {}, t('count')), h('dd', {}, a.count),
    h('dt', {}, t('rule')), h('dd', {}, (rec.rule && rec.rule.title) || a.rule_id, ' (', a.rule_id, ')'),
    h('dt', {}, t('tags')), h('dd', {}, (a.tags || []).join(', ')),
    h('dt', {}, t('why')), h('dd', {}, rec.why || ''));
  const parts = [h('div', { class: 'card' }, info)];
  if (a.notification_id) parts.push(h('p', {}, h('a', { href: '#/notifications/' + a.notification_id }, t('notifications') + ' #' + a.notification_id)));
  if (can('triage') && a.status !== 'merged') {
    const note = h('input', { name: 'note' });
    const judge = s => async () => {
      try { await api('POST', `/api/v1/alerts/${id}/triage`, { status: s, note: note.value }); viewAlert(id); }
      catch (e) { fail(e); }
    };
    const into = h('input', { name: 'merge_into', type: 'number', min: 1 });
    const merge = async () => {
      try { await api('POST', `/api/v1/alerts/${id}/triage`, { merge_into: Number(into.value) }); viewAlert(id); }
      catch (e) { fail(e); }
    };
    parts.push(h('div', { class: 'card' }, field(t('note'), note), h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: judge('true_positive') }, t('judge_tp')),
      h('button', { type: 'button', class: 'secondary', onclick: judge('false_positive') }, t('judge_fp')),
      h('button', { type: 'button', class: 'secondary', onclick: judge('new') }, t('judge_new'))),
      h('form', { class: 'inline' }, field(t('merge_into'), into), h('button', { type: 'button', class: 'secondary', onclick: merge }, t('merge')))));
  }
  if (can('notify') && !a.notification_id && a.status !== 'false_positive' && a.status !== 'merged') {
    const title = h('input', { name: 'title', required: true, value: getLang() === 'ja' && a.title_ja ? a.title_ja : a.title });
    const body = h('textarea', { name: 'body' });
    const form = h('form', { class: 'card' }, h('h2', {}, t('notify')), field(t('notify_title'), title), field(t('notify_body'), body),
                   h('button', { type: 'submit' }, t('send')));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        const n = await api('POST', '/api/v1/notifications', { alerts: [a.id], title: title.value, body: body.value });
        location.hash = '#/notifications/' + n.id;
      } catch (err) { fail(err); }
    });
    parts.push(form);
  }
  parts.push(h('h2', {}, t('events')), h('pre', {}, JSON.stringify(rec.events || [], null, 2)));
  page(getLang() === 'ja' && a.title_ja ? a.title_ja : a.title, ...parts);
}

// ---- notifications ----

function notificationTable(list) {
  if (!list.length) return h('p', {}, t('none'));
  return table([t('created_at'), t('member'), t('level'), t('title'), t('status')],
    list.map(n => ({ n, cells: [when(n.created_at), getLang() === 'en' && n.org_name_en ? n.org_name_en : n.org_name_ja,
                                levelBadge(n.level), n.title, statusBadge(n.status)] })),
    r => { location.hash = '#/notifications/' + r.n.id; });
}

async function viewNotifications() {
  const r = await api('GET', '/api/v1/notifications?limit=200');
  page(t('notifications'), notificationTable(r.notifications));
}

async function viewNotification(id) {
  const n = await api('GET', '/api/v1/notifications/' + id);
  const info = h('dl', { class: 'kv' },
    h('dt', {}, t('member')), h('dd', {}, getLang() === 'en' && n.org_name_en ? n.org_name_en : n.org_name_ja),
    h('dt', {}, t('status')), h('dd', {}, statusBadge(n.status)),
    h('dt', {}, t('level')), h('dd', {}, levelBadge(n.level)),
    h('dt', {}, t('recipient')), h('dd', {}, n.recipient_name || '—'),
    h('dt', {}, t('created_by')), h('dd', {}, n.creator_name),
    h('dt', {}, t('created_at')), h('dd', {}, when(n.created_at)));
  const note = h('textarea', { name: 'note' });
  const act = kind => async () => {
    try { await api('POST', `/api/v1/notifications/${id}/events`, { kind, note: note.value }); viewNotification(id); }
    catch (e) { fail(e); }
  };
  const buttons = [];
  if (can('acknowledge') && n.status === 'sent') buttons.push(h('button', { type: 'button', id: 'ack', onclick: act('acknowledged') }, t('acknowledge')));
  buttons.push(h('button', { type: 'button', class: 'secondary', onclick: act('comment') }, t('add_comment')));
  if (can('notify')) buttons.push(n.status === 'closed' ? h('button', { type: 'button', class: 'secondary', onclick: act('reopened') }, t('reopen'))
                                                        : h('button', { type: 'button', class: 'secondary', onclick: act('closed') }, t('close')));
  page(n.title, h('div', { class: 'card' }, info), h('div', { class: 'card' }, h('pre', {}, n.body)),
    h('div', { class: 'card' }, h('h2', {}, t('timeline')),
      h('ol', { class: 'timeline', id: 'timeline' }, n.timeline.map(e => h('li', {}, when(e.at), ' ', h('strong', {}, t('ev_' + e.kind)), ' — ',
        e.person_name || '', e.note ? `: ${e.note}` : '')))),
    h('div', { class: 'card' }, h('h2', {}, t('alert_list')), alertTable(n.alert_list.map(a => ({ ...a, org_id: n.org_id, status: 'true_positive' })))),
    h('div', { class: 'card' }, field(t('note'), note), h('div', { class: 'actions' }, buttons)));
}

// ---- organisations ----

async function viewOrgs() {
  const list = (await api('GET', '/api/v1/orgs')).orgs;
  for (const o of list) orgsById[o.id] = o;
  const depth = o => o.path.split('/').length - 2;
  const base = Math.min(...list.map(depth));
  const rows = table([t('name_ja'), { label: t('kind') }, { label: t('code_col'), opt: true }, t('people_count')],
    list.map(o => ({ o, cells: [h('span', { class: 'tree-' + Math.min(5, depth(o) - base + 1) }, orgName(o)), t('k_' + o.kind), o.code, o.people] })));
  const parts = [rows];
  if (can('manage_orgs')) {
    const parent = h('select', { name: 'parent' }, list.map(o => h('option', { value: o.id }, orgName(o))));
    const kind = h('select', { name: 'kind' }, ['bureau', 'division', 'regional_office', 'facility', 'overseas_mission', 'agency', 'member']
      .map(k => h('option', { value: k }, t('k_' + k))));
    const code = h('input', { name: 'code', required: true }), ja = h('input', { name: 'name_ja', required: true }), en = h('input', { name: 'name_en' });
    const form = h('form', { class: 'card' }, h('h2', {}, t('create_child')), field(t('org'), parent), field(t('kind'), kind),
                   field(t('code_col'), code), field(t('name_ja'), ja), field(t('name_en'), en), h('button', { type: 'submit' }, t('create')));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        await api('POST', '/api/v1/orgs', { parent_id: Number(parent.value), kind: kind.value, code: code.value, name_ja: ja.value, name_en: en.value });
        viewOrgs();
      } catch (err) { fail(err); }
    });
    parts.push(form);
  }
  page(t('orgs'), ...parts);
}

// ---- people ----

async function viewPeople() {
  const q = h('input', { name: 'q', type: 'search' });
  const st = h('select', { name: 'status' }, h('option', { value: '' }, t('all')), ['active', 'leave', 'retired'].map(s => h('option', { value: s }, t('p_' + s))));
  const list = h('div', {});
  let after = null;
  const load = async more => {
    const p = new URLSearchParams({ limit: 100 });
    if (q.value) p.set('q', q.value);
    if (st.value) p.set('status', st.value);
    if (more && after) p.set('after', after);
    const r = await api('GET', '/api/v1/people?' + p);
    after = r.next_after;
    if (!more) clear(list);
    list.append(table([t('login_col'), t('name'), { label: t('org') }, { label: t('email'), opt: true }, t('status')],
      r.people.map(x => ({ x, cells: [x.login, x.name, orgName(orgsById[x.org_id]), x.email, t('p_' + x.status)] })),
      row => { location.hash = '#/people/' + row.x.id; }));
    if (after) list.append(h('button', { type: 'button', class: 'secondary', onclick: e => { e.target.remove(); load(true).catch(fail); } }, t('more')));
  };
  const form = h('form', { class: 'inline', role: 'search' }, field(t('search'), q), field(t('status'), st), h('button', { type: 'submit' }, t('apply')));
  form.addEventListener('submit', e => { e.preventDefault(); load(false).catch(fail); });
  const parts = [form, list];
  if (can('manage_people')) {
    const org = h('select', { name: 'org' }, Object.values(orgsById).map(o => h('option', { value: o.id }, orgName(o))));
    const login = h('input', { name: 'login', required: true }), name = h('input', { name: 'name', required: true }), email = h('input', { name: 'email', type: 'email' });
    const add = h('form', { class: 'card' }, h('h2', {}, t('new_person')), field(t('org'), org), field(t('login_col'), login),
                  field(t('name'), name), field(t('email'), email), h('button', { type: 'submit' }, t('create')));
    add.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        const p = await api('POST', '/api/v1/people', { org_id: Number(org.value), login: login.value, name: name.value, email: email.value });
        location.hash = '#/people/' + p.id;
      } catch (err) { fail(err); }
    });
    parts.push(add);
  }
  page(t('people'), ...parts);
  await load(false);
}

async function viewPerson(id) {
  const p = await api('GET', '/api/v1/people/' + id);
  const info = h('dl', { class: 'kv' },
    h('dt', {}, t('login_col')), h('dd', {}, p.login), h('dt', {}, t('org')), h('dd', {}, orgName(orgsById[p.org_id])),
    h('dt', {}, t('email')), h('dd', {}, p.email), h('dt', {}, t('staff_no')), h('dd', {}, p.staff_no),
    h('dt', {}, t('status')), h('dd', {}, t('p_' + p.status)));
  const roles = h('ul', {}, p.roles.map(r => h('li', {}, roleName(r.role), ' — ', orgName(orgsById[r.org_id]) || r.org_code,
    can('manage_people') ? [' ', h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try { await api('DELETE', `/api/v1/people/${id}/roles`, { org_id: r.org_id, role: r.role }); viewPerson(id); } catch (e) { fail(e); }
    } }, t('remove'))] : null)));
  const parts = [h('div', { class: 'card' }, info), h('div', { class: 'card' }, h('h2', {}, t('roles')), roles)];
  if (can('manage_people')) {
    const role = h('select', { name: 'role' }, (await api('GET', '/api/v1/roles')).roles.map(r => h('option', { value: r.code }, roleName(r.code))));
    const at = h('select', { name: 'at' }, Object.values(orgsById).filter(o => o.path.startsWith(orgsById[p.org_id].path)).map(o => h('option', { value: o.id }, orgName(o))));
    const form = h('form', { class: 'card' }, h('h2', {}, t('add_role')), field(t('roles'), role), field(t('at_org'), at), h('button', { type: 'submit' }, t('save')));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try { await api('POST', `/api/v1/people/${id}/roles`, { org_id: Number(at.value), role: role.value }); viewPerson(id); } catch (err) { fail(err); }
    });
    parts.push(form);
  }
  page(p.name, ...parts);
}

// ---- import, audit, account ----

function viewImport() {
  const one = (label, path) => {
    const file = h('input', { type: 'file', accept: '.csv,text/csv', required: true });
    const out = h('p', { role: 'status' });
    const form = h('form', { class: 'card' }, h('h2', {}, label), field(label, file), h('button', { type: 'submit' }, t('upload')), out);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      say('');
      try {
        const r = await api('POST', path, await file.files[0].text(), 'text/csv');
        out.textContent = `${t('imported')}: ${r.rows} ${t('rows')} (${t('created')} ${r.created}, ${t('updated')} ${r.updated})`;
      } catch (err) { fail(err); }
    });
    return form;
  };
  page(t('import'), one(t('import_orgs'), '/api/v1/import/orgs'), one(t('import_people'), '/api/v1/import/people'));
}

async function viewAudit() {
  const r = await api('GET', '/api/v1/audit?limit=200');
  const verify = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      const v = await api('GET', '/api/v1/audit/verify');
      say(v.intact ? `${t('intact')} (${v.records})` : `${t('broken')}: #${v.first_bad} ${v.error}`, v.intact ? 'info' : null);
    } catch (e) { fail(e); }
  } }, t('verify_chain'));
  page(t('audit'), h('div', { class: 'actions' }, verify),
    table([t('at'), t('actor'), { label: t('ip'), opt: true }, t('action'), t('object'), { label: t('detail'), opt: true }],
      r.records.map(x => ({ cells: [when(x.at), x.actor, x.ip, x.action, x.object, JSON.stringify(x.detail)] }))));
}

async function viewAccount() {
  const cur = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const nw = h('input', { type: 'password', autocomplete: 'new-password', minlength: 12, required: true });
  const pw = h('form', { class: 'card' }, h('h2', {}, t('change_password')), field(t('current_password'), cur), field(t('new_password'), nw),
               h('button', { type: 'submit' }, t('save')));
  pw.addEventListener('submit', async e => {
    e.preventDefault();
    try { await api('POST', '/api/v1/me/password', { current: cur.value, new: nw.value }); say(t('changed'), 'info'); } catch (err) { fail(err); }
  });
  const tokens = (await api('GET', '/api/v1/tokens')).tokens;
  const name = h('input', { required: true }), days = h('input', { type: 'number', min: 1, max: 730, value: 90 });
  const shown = h('div', {});
  const mk = h('form', { class: 'card' }, h('h2', {}, t('tokens')),
    table([t('token_name'), t('expires'), t('last_used'), ''], tokens.map(x => ({ cells: [x.name, when(x.expires_at), when(x.last_used),
      x.revoked_at ? t('st_closed') : h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try { await api('DELETE', '/api/v1/tokens/' + x.id); viewAccount(); } catch (e) { fail(e); } } }, t('revoke'))] }))),
    field(t('token_name'), name), field(t('days'), days), h('button', { type: 'submit' }, t('make_token')), shown);
  mk.addEventListener('submit', async e => {
    e.preventDefault();
    try {
      const r = await api('POST', '/api/v1/tokens', { name: name.value, days: Number(days.value) });
      clear(shown).append(h('p', {}, t('token_once')), h('pre', {}, r.token));
    } catch (err) { fail(err); }
  });
  page(t('account'), pw, mk);
}

// ---- routing ----

async function route() {
  say('');
  const parts = location.hash.replace(/^#/, '').split('/').filter(Boolean);
  if (!session && parts[0] !== 'signin') {
    try { await startSession(await api('GET', '/api/v1/session')); } catch (e) { session = null; }
  }
  renderChrome();
  if (!session) return viewSignin();
  try {
    switch (parts[0] || '') {
    case '': return await viewDashboard();
    case 'signin': location.hash = '#/'; return;
    case 'alerts': return parts[1] ? await viewAlert(Number(parts[1])) : await viewAlerts();
    case 'notifications': return parts[1] ? await viewNotification(Number(parts[1])) : await viewNotifications();
    case 'orgs': return await viewOrgs();
    case 'people': return parts[1] ? await viewPerson(Number(parts[1])) : await viewPeople();
    case 'import': return viewImport();
    case 'audit': return await viewAudit();
    case 'account': return await viewAccount();
    default: page(t('not_found'));
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) page(t('not_found'), h('p', {}, e.message));
    else fail(e);
  }
}

window.addEventListener('hashchange', route);
route();
