// SPDX-License-Identifier: Apache-2.0
// flow.js: the web UI end to end in a real browser (Debian's chromium, headless, driven by
// playwright-core): the centre's analyst signs in with a second factor (enrolling it from the QR
// page), sees a member's alert and notifies the member (通報); the member's CSIRT point of contact
// signs in and acknowledges it; the timeline shows both; another member's CSIRT sees none of it,
// even by typing its address; a name full of HTML shows as text; the language switches.
//   node flow.js BASE-URL ALERT-ID        (env PASSWORD)
'use strict';
const { chromium } = require('playwright-core');
const { totp } = require('../server/client.js');

const base = process.argv[2], alertId = process.argv[3];
const PASSWORD = process.env.PASSWORD;
let failures = 0, n = 0;
function check(cond, what) {
  n++;
  console.log((cond ? 'ok ' : 'not ok ') + n + ' - ' + what);
  if (!cond) failures++;
}

async function signIn(browser, login) {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP', viewport: { width: 1366, height: 768 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  const dialogs = [];
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss(); });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base + '/#/');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  const secret = await page.textContent('#totp-secret');
  check(/^[A-Z2-7]{32}$/.test(secret) && await page.locator('svg.qr rect').count() > 100,
        `${login}: the first sign-in shows the QR code and the secret to enrol`);
  await page.fill('input[name=code]', totp(secret));
  await page.click('button[type=submit]');
  await page.waitForSelector('nav a');
  return { ctx, page, dialogs, errors, secret };
}

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
                                          args: ['--no-sandbox'] });
  try {
    // the centre's analyst
    const an = await signIn(browser, 'gsoc-sato');
    check((await an.page.textContent('#brand-name')).includes('内閣サイバーセキュリティセンター'), 'the analyst sees the centre\'s dashboard');
    await an.page.waitForSelector('svg.chart');
    check(await an.page.locator('svg.chart rect').count() >= 2, 'the dashboard charts the fiscal-year counts');
    await an.page.click('nav a[href="#/alerts"]');
    await an.page.waitForSelector('table tbody tr');
    check((await an.page.textContent('main')).includes('財務省'), 'the analyst sees the member\'s alerts');
    await an.page.goto(base + '/#/alerts/' + alertId);
    await an.page.waitForSelector('form.card textarea[name=body]');
    await an.page.fill('input[name=title]', 'C&C通信の検知について');
    await an.page.fill('textarea[name=body]', '貴省の端末から不審な通信を検知しました。調査をお願いします。');
    await an.page.click('form.card button[type=submit]');
    await an.page.waitForSelector('#timeline');
    const notifUrl = an.page.url();
    const notifId = notifUrl.split('/').pop();
    check((await an.page.textContent('main')).includes('通報済み'), 'the analyst notified the member (通報済み)');
    check((await an.page.textContent('main')).includes('渡辺 大輔'), 'the notification is addressed to the member\'s CSIRT point of contact');

    // the member's CSIRT acknowledges
    const cs = await signIn(browser, 'mof-csirt');
    await cs.page.click('nav a[href="#/notifications"]');
    await cs.page.waitForSelector('table tbody tr');
    await cs.page.click('table tbody tr');
    await cs.page.waitForSelector('#ack');
    check((await cs.page.textContent('main')).includes('C&C通信の検知について'), 'the CSIRT reads the notification');
    await cs.page.fill('textarea[name=note]', '受領しました。端末を隔離します。');
    await cs.page.click('#ack');
    await cs.page.waitForFunction(() => document.querySelectorAll('#timeline li').length === 2);
    const tl = await cs.page.textContent('#timeline');
    check(tl.includes('通報') && tl.includes('受領') && tl.includes('端末を隔離します'), 'the timeline shows the notification and its acknowledgement');
    check(await cs.page.locator('#ack').count() === 0, 'it cannot be acknowledged twice');
    await an.page.reload();
    await an.page.waitForSelector('#timeline li:nth-child(2)');
    check((await an.page.textContent('main')).includes('受領済み'), 'the analyst sees it acknowledged');

    // another member sees none of it
    const other = await signIn(browser, 'mext-csirt');
    await other.page.goto(base + '/#/notifications/' + notifId);
    await other.page.waitForSelector('main h1');
    check((await other.page.textContent('main h1')) === '見つかりません', 'another member cannot open the notification by its address');
    await other.page.goto(base + '/#/alerts/' + alertId);
    await other.page.waitForFunction(() => document.querySelector('main h1') && document.querySelector('main h1').textContent === '見つかりません');
    check(true, 'nor the alert');
    await other.page.click('nav a[href="#/alerts"]');
    await other.page.waitForSelector('main p');
    check(!(await other.page.textContent('main')).includes('財務省'), 'its alert list holds nothing of the other member');

    // HTML in data is text; the language switches
    const ad = await signIn(browser, 'mof-admin');
    await ad.page.click('nav a[href="#/people"]');
    await ad.page.fill('input[name=q]', 'xss-person');
    await ad.page.click('form[role=search] button');
    await ad.page.waitForSelector('table tbody tr');
    check((await ad.page.textContent('table')).includes('<img src=x onerror=alert(1)>') && ad.dialogs.length === 0 &&
          await ad.page.locator('main img').count() === 0, 'a name with HTML is shown as text and runs nothing');
    await ad.page.click('#lang');
    await ad.page.waitForSelector('nav a[href="#/people"]');
    check((await ad.page.textContent('nav')).includes('People') && (await ad.page.getAttribute('html', 'lang')) === 'en', 'the language switches to English');
    await ad.page.click('#lang');
    check((await ad.page.textContent('nav')).includes('職員'), 'and back to Japanese');
    await ad.page.click('#signout');
    await ad.page.waitForSelector('input[name=login]');
    check(true, 'signing out returns to the sign-in page');
    for (const s of [an, cs, other, ad])
      check(s.errors.filter(e => !/status of 40[134]/.test(e)).length === 0, 'no script errors (' + s.errors.join(' | ') + ')');
  } finally {
    await browser.close();
  }
  console.log(`# ${n} checks, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main().catch(e => { console.log('not ok - ' + (e.stack || e)); process.exit(1); });
