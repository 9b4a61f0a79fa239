/* SPDX-License-Identifier: Apache-2.0 */
/* totp.c: RFC 4226 HOTP and RFC 6238 TOTP with HMAC-SHA1, and RFC 4648 base32. */
#include "base/prelude.h"
#include "base/buf.h"
#include "auth/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bool auth_base32_encode(const uint8_t *p, size_t n, char *out, size_t outlen)
{
    size_t need = (n * 8 + 4) / 5 + 1, o = 0;
    if (outlen < need)
        return false;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = b32[(acc << (5 - bits)) & 31];
    out[o] = '\0';
    return true;
}

ssize_t auth_base32_decode(const char *s, uint8_t *out, size_t outlen)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (; *s; s++) {
        char c = *s;
        if (c == ' ' || c == '-' || c == '=')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        const char *at = c ? strchr(b32, c) : NULL;
        if (!at)
            return -1;
        acc = (acc << 5) | (uint32_t)(at - b32);
        bits += 5;
        if (bits >= 8) {
            if (o == outlen)
                return -1;
            out[o++] = (uint8_t)(acc >> (bits - 8));
            bits -= 8;
        }
    }
    return (ssize_t)o;
}

void auth_totp_secret_new(char *out, size_t n)
{
    uint8_t key[20];
    auth_random_bytes(key, sizeof key);
    if (!auth_base32_encode(key, sizeof key, out, n) && n)
        out[0] = '\0';
}

uint32_t auth_hotp(const uint8_t *key, size_t keylen, uint64_t counter, unsigned digits)
{
    uint8_t msg[8], md[EVP_MAX_MD_SIZE];
    for (int i = 7; i >= 0; i--, counter >>= 8)
        msg[i] = (uint8_t)counter;
    unsigned mdlen = 0;
    HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof msg, md, &mdlen);
    unsigned off = md[mdlen - 1] & 0x0f;
    uint32_t bin = ((uint32_t)(md[off] & 0x7f) << 24) | ((uint32_t)md[off + 1] << 16) | ((uint32_t)md[off + 2] << 8) |
                   md[off + 3];
    uint32_t mod = 1;
    for (unsigned i = 0; i < digits; i++)
        mod *= 10;
    return bin % mod;
}

int64_t auth_totp_verify(const char *secret, const char *code, int64_t now, int64_t last_step)
{
    uint8_t key[64];
    ssize_t kl = secret ? auth_base32_decode(secret, key, sizeof key) : -1;
    if (kl < 10 || !code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
        return -1;
    int64_t step = now / AUTH_TOTP_STEP, found = -1;
    /* every candidate is computed and compared, whichever matches */
    for (int64_t s = step - 1; s <= step + 1; s++) {
        char want[8];
        snprintf(want, sizeof want, "%06u", auth_hotp(key, (size_t)kl, (uint64_t)s, 6));
        if (auth_equal(want, code) && s > last_step && found < 0)
            found = s;
    }
    return found;
}

static void pct(struct buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            buf_append_char(b, (char)*p);
        else
            buf_printf(b, "%%%02X", *p);
    }
}

void auth_totp_uri(const char *issuer, const char *account, const char *secret, char *out, size_t outlen)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    buf_append_str(&b, "otpauth://totp/");
    pct(&b, issuer);
    buf_append_char(&b, ':');
    pct(&b, account);
    buf_printf(&b, "?secret=%s&issuer=", secret);
    pct(&b, issuer);
    buf_append_str(&b, "&algorithm=SHA1&digits=6&period=30");
    snprintf(out, outlen, "%s", b.data);
    buf_release(&b);
}
