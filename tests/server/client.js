// SPDX-License-Identifier: Apache-2.0
// client.js: a small client of mamori's API for the tests: sessions with their cookie and CSRF
// token, sign-in with TOTP (RFC 6238 computed here, as an authenticator app would), JSON helpers.
'use strict';
const crypto = require('crypto');

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, acc = 0;
  const out = [];
  for (const ch of s.replace(/[\s=-]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error('not base32: ' + s);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(secret, t = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const off = h[h.length - 1] & 0xf;
  const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return String(bin % 1000000).padStart(6, '0');
}

class Client {
  constructor(base) {
    this.base = base;
    this.cookie = null;
    this.csrf = null;
    this.token = null; // an API token instead of the cookie
  }

  async raw(method, path, { body, headers = {}, csrf = true, contentType } = {}) {
    const h = { ...headers };
    if (this.cookie) h['Cookie'] = this.cookie;
    if (this.token) h['Authorization'] = 'Bearer ' + this.token;
    if (csrf && this.csrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = this.csrf;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) payload = JSON.stringify(body);
    if (payload !== undefined) h['Content-Type'] = contentType || 'application/json';
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /__Host-mamori=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? '__Host-mamori=' + m[1] : null;
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    return { status: res.status, json, text, headers: res.headers };
  }

  get(path, opts) { return this.raw('GET', path, opts); }
  post(path, body, opts = {}) { return this.raw('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.raw('PATCH', path, { ...opts, body }); }
  del(path, body, opts = {}) { return this.raw('DELETE', path, { ...opts, body }); }

  // password then TOTP; secrets[login] keeps the enrolled secret for the next sign-in
  async signIn(login, password, secrets) {
    const a = await this.post('/api/v1/session', { login, password });
    if (a.status !== 200) throw new Error(`sign-in of ${login}: ${a.status} ${a.text}`);
    this.csrf = a.json.csrf;
    if (a.json.stage === 'totp_enrol') secrets[login] = a.json.secret;
    // a code is used once: wait for the next step when this one was used already
    let code = totp(secrets[login]);
    if (secrets['@' + login] === code) {
      await new Promise(r => setTimeout(r, (30 - (Date.now() / 1000) % 30) * 1000 + 200));
      code = totp(secrets[login]);
    }
    const b = await this.post('/api/v1/session/totp', { code });
    if (b.status !== 200) throw new Error(`second factor of ${login}: ${b.status} ${b.text}`);
    secrets['@' + login] = code;
    this.csrf = b.json.csrf;
    this.me = b.json;
    return b.json;
  }
}

let failures = 0, checks = 0;
function check(cond, what, detail) {
  checks++;
  if (cond) {
    console.log('ok ' + checks + ' - ' + what);
  } else {
    failures++;
    console.log('not ok ' + checks + ' - ' + what + (detail !== undefined ? ' :: ' + JSON.stringify(detail).slice(0, 400) : ''));
  }
}
function done() {
  console.log(`# ${checks} checks, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

module.exports = { Client, totp, check, done };
