/* SPDX-License-Identifier: Apache-2.0 */
/* test_auth.c: Argon2id hashes, the password policy, HOTP/TOTP against the RFCs' own vectors,
 * base32 against RFC 4648's, tokens, and the throttling schedule. */
#include "unit.h"
#include "auth/auth.h"

#include <string.h>

static void test_passwords(void)
{
    struct auth_argon2_params fast = { 1, 1024, 1 };
    auth_set_argon2_params(&fast);
    char h1[AUTH_PASSWORD_HASH_MAX], h2[AUTH_PASSWORD_HASH_MAX];
    CHECK(auth_password_hash("correct horse battery", h1, sizeof h1, NULL) == MM_OK);
    CHECK(auth_password_hash("correct horse battery", h2, sizeof h2, NULL) == MM_OK);
    CHECK(!strncmp(h1, "$argon2id$v=19$m=1024,t=1,p=1$", 30));
    CHECK(strcmp(h1, h2) != 0); /* salted */
    CHECK(auth_password_verify("correct horse battery", h1));
    CHECK(!auth_password_verify("correct horse batterx", h1));
    CHECK(!auth_password_verify("correct horse battery", "$argon2i$v=19$m=1024,t=1,p=1$xx$yy"));
    CHECK(!auth_password_verify("x", "garbage"));
    CHECK(auth_password_dummy_hash()[0] == '$');
    struct mm_error err = { "" };
    CHECK(auth_password_check("short", &err) == MM_ERR_INVALID && strstr(err.msg, "12"));
    CHECK(auth_password_check("aaaaaaaaaaaaaaaa", &err) == MM_ERR_INVALID && strstr(err.msg, "repeated"));
    CHECK(auth_password_check("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4", &err) == MM_ERR_INVALID);
    CHECK(auth_password_check("長いパスフレーズです", &err) == MM_OK); /* 10 characters, 30 bytes */
}

static void test_base32(void)
{
    /* RFC 4648 section 10 */
    static const struct {
        const char *in, *out;
    } v[] = { { "", "" },          { "f", "MY" },           { "fo", "MZXQ" },        { "foo", "MZXW6" },
              { "foob", "MZXW6YQ" }, { "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI" } };
    for (size_t i = 0; i < MM_ARRAY_LEN(v); i++) {
        char out[32];
        uint8_t back[32];
        CHECK(auth_base32_encode((const uint8_t *)v[i].in, strlen(v[i].in), out, sizeof out));
        CHECK(!strcmp(out, v[i].out));
        ssize_t n = auth_base32_decode(v[i].out, back, sizeof back);
        CHECK(n == (ssize_t)strlen(v[i].in) && !memcmp(back, v[i].in, (size_t)n));
    }
    uint8_t b[8];
    CHECK(auth_base32_decode("mzxw 6ytb-oi==", b, sizeof b) == 6 && !memcmp(b, "foobar", 6));
    CHECK(auth_base32_decode("MZXW1", b, sizeof b) < 0); /* 1 is not in the alphabet */
}

static void test_otp(void)
{
    const uint8_t *key = (const uint8_t *)"12345678901234567890";
    /* RFC 4226 appendix D */
    static const uint32_t hotp[10] = { 755224, 287082, 359152, 969429, 338314,
                                       254676, 287922, 162583, 399871, 520489 };
    for (uint64_t c = 0; c < 10; c++)
        CHECK(auth_hotp(key, 20, c, 6) == hotp[c]);
    /* RFC 6238 appendix B, SHA-1 */
    static const struct {
        int64_t t;
        uint32_t code;
    } totp[] = { { 59, 94287082 },         { 1111111109, 7081804 },  { 1111111111, 14050471 },
                 { 1234567890, 89005924 }, { 2000000000, 69279037 }, { 20000000000, 65353130 } };
    for (size_t i = 0; i < MM_ARRAY_LEN(totp); i++)
        CHECK(auth_hotp(key, 20, (uint64_t)(totp[i].t / 30), 8) == totp[i].code);
    char secret[40], code[8];
    CHECK(auth_base32_encode(key, 20, secret, sizeof secret));
    int64_t now = 1111111109, step = now / 30;
    snprintf(code, sizeof code, "%06u", auth_hotp(key, 20, (uint64_t)step, 6));
    CHECK(auth_totp_verify(secret, code, now, 0) == step);
    CHECK(auth_totp_verify(secret, code, now, step) == -1);         /* used once */
    CHECK(auth_totp_verify(secret, code, now + 30, 0) == step);     /* one step of drift */
    CHECK(auth_totp_verify(secret, code, now + 60, 0) == -1);       /* two: too far */
    CHECK(auth_totp_verify(secret, "12345", now, 0) == -1);
    CHECK(auth_totp_verify(secret, "12a456", now, 0) == -1);
    CHECK(auth_totp_verify("not base32!", code, now, 0) == -1);
    char fresh[40];
    auth_totp_secret_new(fresh, sizeof fresh);
    CHECK(strlen(fresh) == 32);
    char uri[256];
    auth_totp_uri("mamori", "山田", "JBSWY3DPEHPK3PXP", uri, sizeof uri);
    CHECK(!strcmp(uri, "otpauth://totp/mamori:%E5%B1%B1%E7%94%B0?secret=JBSWY3DPEHPK3PXP&issuer=mamori&"
                       "algorithm=SHA1&digits=6&period=30"));
}

static void test_tokens(void)
{
    char a[AUTH_TOKEN_MAX], b[AUTH_TOKEN_MAX], h[65];
    auth_random_token("mmt_", a, sizeof a);
    auth_random_token("mmt_", b, sizeof b);
    CHECK(strlen(a) == 4 + 43 && !strncmp(a, "mmt_", 4) && strcmp(a, b));
    CHECK(strspn(a + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43);
    auth_token_hash("abc", h);
    CHECK(!strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    CHECK(auth_equal("abc", "abc") && !auth_equal("abc", "abd") && !auth_equal("abc", "abcd"));
}

static void test_throttle(void)
{
    struct auth_throttle t = { 0 };
    int64_t now = 1000000;
    for (int i = 0; i < AUTH_THROTTLE_FREE; i++) {
        auth_throttle_fail(&t, now);
        CHECK(auth_throttle_delay(&t, now) == 0);
    }
    auth_throttle_fail(&t, now);
    CHECK(auth_throttle_delay(&t, now) == 1);
    auth_throttle_fail(&t, now + 1);
    CHECK(auth_throttle_delay(&t, now + 1) == 2);
    auth_throttle_fail(&t, now + 3);
    CHECK(auth_throttle_delay(&t, now + 3) == 4);
    for (int i = 6; i < AUTH_THROTTLE_LOCK_AFTER; i++)
        auth_throttle_fail(&t, now + 10);
    CHECK(t.failures == AUTH_THROTTLE_LOCK_AFTER);
    CHECK(auth_throttle_delay(&t, now + 10) == AUTH_THROTTLE_LOCK); /* locked */
    CHECK(auth_throttle_delay(&t, now + 10 + AUTH_THROTTLE_LOCK) == 0);
    /* after the window, failures start over */
    auth_throttle_fail(&t, now + 10 + AUTH_THROTTLE_LOCK + AUTH_THROTTLE_WINDOW);
    CHECK(t.failures == 1 && auth_throttle_delay(&t, now + 10 + AUTH_THROTTLE_LOCK + AUTH_THROTTLE_WINDOW) == 0);
    auth_throttle_reset(&t);
    CHECK(t.failures == 0 && auth_throttle_delay(&t, now) == 0);
}

int main(void)
{
    test_passwords();
    test_base32();
    test_otp();
    test_tokens();
    test_throttle();
    return UNIT_DONE();
}
