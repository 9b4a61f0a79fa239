/* SPDX-License-Identifier: Apache-2.0 */
/* token.c: random tokens, their stored hashes, constant-time comparison, throttling policy. */
#include "base/prelude.h"
#include "auth/auth.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void auth_random_bytes(void *p, size_t n)
{
    if (RAND_bytes(p, (int)n) != 1) {
        /* without randomness no secret can be made safely: stop rather than go on */
        fputs("mamori: the random number generator failed\n", stderr);
        abort();
    }
}

void auth_random_token(const char *prefix, char *out, size_t outlen)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t r[32];
    auth_random_bytes(r, sizeof r);
    char body[48];
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < sizeof r; i++) {
        acc = (acc << 8) | r[i];
        bits += 8;
        while (bits >= 6) {
            body[o++] = b64[(acc >> (bits - 6)) & 63];
            bits -= 6;
        }
    }
    if (bits)
        body[o++] = b64[(acc << (6 - bits)) & 63];
    body[o] = '\0';
    snprintf(out, outlen, "%s%s", prefix, body);
}

void auth_token_hash(const char *token, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)token, strlen(token), md);
    for (size_t i = 0; i < sizeof md; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

bool auth_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b))
        return false;
    return CRYPTO_memcmp(a, b, n) == 0;
}

int64_t auth_throttle_delay(const struct auth_throttle *t, int64_t now)
{
    if (t->failures && now - t->first_failure >= AUTH_THROTTLE_WINDOW && now >= t->locked_until)
        return 0; /* forgotten */
    return t->locked_until > now ? t->locked_until - now : 0;
}

void auth_throttle_fail(struct auth_throttle *t, int64_t now)
{
    if (!t->failures || (now - t->first_failure >= AUTH_THROTTLE_WINDOW && now >= t->locked_until)) {
        t->failures = 0;
        t->first_failure = now;
        t->locked_until = 0;
    }
    t->failures++;
    if (t->failures >= AUTH_THROTTLE_LOCK_AFTER) {
        t->locked_until = now + AUTH_THROTTLE_LOCK;
    } else if (t->failures > AUTH_THROTTLE_FREE) {
        int64_t d = (int64_t)1 << MM_MIN(t->failures - AUTH_THROTTLE_FREE - 1, 6);
        t->locked_until = now + MM_MIN(d, AUTH_THROTTLE_MAX_DELAY);
    }
}

void auth_throttle_reset(struct auth_throttle *t)
{
    memset(t, 0, sizeof *t);
}
