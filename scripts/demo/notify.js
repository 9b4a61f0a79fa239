// SPDX-License-Identifier: Apache-2.0
// notify.js: in the demo, GSOC's analyst gsoc-sato signs in (enrolling a TOTP secret, computed here
// as an authenticator app would), takes the most severe alert the Ministry of Finance's sensor
// shipped, and notifies the ministry (通報), so that the demo has a notification waiting for the
// ministry's CSIRT.   node notify.js BASE-URL    (env DEMO_PASSWORD)
'use strict';
const { Client } = require('../../tests/server/client.js');

(async () => {
  const analyst = new Client(process.argv[2]);
  await analyst.signIn('gsoc-sato', process.env.DEMO_PASSWORD, {});
  const ranks = { critical: 4, high: 3, medium: 2, low: 1, informational: 0 };
  const alerts = (await analyst.get('/api/v1/alerts?limit=200')).json.alerts;
  if (!alerts.length) throw new Error('no alert reached the server');
  alerts.sort((a, b) => ranks[b.level] - ranks[a.level] || b.count - a.count);
  const a = alerts[0];
  const r = await analyst.post('/api/v1/notifications', {
    alerts: [a.id], title: `${a.title_ja || a.title} の検知について`,
    body: `GSOC のセンサーが ${a.title} を検知しました（${a.count} 件）。該当端末の調査と結果の報告をお願いします。`,
  });
  if (r.status !== 201) throw new Error('notification: ' + r.text);
  const years = (await analyst.get('/api/v1/stats/fiscal-years')).json.fiscal_years;
  const total = years.reduce((n, y) => n + y.alerts, 0), threats = years.reduce((n, y) => n + y.threats, 0);
  console.log(`${total} alerts on the server (${threats} threat events); notification #${r.json.id} sent to 財務省 (${r.json.recipient_name})`);
})().catch(e => { console.error(String(e)); process.exit(1); });
