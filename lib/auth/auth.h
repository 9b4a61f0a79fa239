/* SPDX-License-Identifier: Apache-2.0 */
/* auth.h: authentication primitives: Argon2id password hashes, TOTP second factors (RFC 6238),
 * random tokens stored only as their SHA-256, a constant-time comparison, and the policy of login
 * throttling (the caller keeps its state). No I/O, no database. */
#ifndef MM_AUTH_H
#define MM_AUTH_H

#include "base/prelude.h"
#include "base/error.h"

/* ---- passwords ---- */

#define AUTH_PASSWORD_HASH_MAX 160 /* a PHC string: $argon2id$v=19$m=..,t=..,p=..$salt$hash */

struct auth_argon2_params {
    uint32_t t_cost, m_cost_kib, parallelism;
};
/* The parameters new hashes use: OWASP's for Argon2id, m=19456 KiB, t=2, p=1. Tests lower them
 * (a verification always uses the parameters stored in the hash). */
void auth_set_argon2_params(const struct auth_argon2_params *p);
/* Hash a password with a fresh 16-byte salt into out (PHC string). */
enum mm_status auth_password_hash(const char *password, char *out, size_t outlen, struct mm_error *err);
/* Does password match the PHC string? false for any malformed string too. */
bool auth_password_verify(const char *password, const char *encoded);
/* A valid hash of a random password, made once: verified against when a login is unknown, so
 * that an unknown login costs the same time as a known one. */
const char *auth_password_dummy_hash(void);
/* NIST SP 800-63B: length, not composition: 12 to 256 bytes of UTF-8, not one character repeated.
 * The message says which rule failed. */
enum mm_status auth_password_check(const char *password, struct mm_error *err);

/* ---- TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30 s steps, 6 digits ---- */

#define AUTH_TOTP_STEP 30
/* RFC 4648 base32 without padding into out (NUL-terminated). false when out is too small. */
bool auth_base32_encode(const uint8_t *p, size_t n, char *out, size_t outlen);
/* Decode base32 (case-insensitive; spaces, hyphens and '=' padding ignored). Returns the bytes
 * written, or -1 for a character outside the alphabet or too little room. */
ssize_t auth_base32_decode(const char *s, uint8_t *out, size_t outlen);
/* A new secret: 20 random bytes, base32 (32 characters). */
void auth_totp_secret_new(char *b32, size_t n);
uint32_t auth_hotp(const uint8_t *key, size_t keylen, uint64_t counter, unsigned digits);
/* Check a code at time now against the current step and one step either side (clock drift),
 * refusing steps not after last_step (a code is used once). Returns the step that matched (the
 * caller stores it as the new last_step), or -1. The comparison is constant-time. */
int64_t auth_totp_verify(const char *b32secret, const char *code, int64_t now, int64_t last_step);
/* otpauth://totp/ISSUER:ACCOUNT?secret=..&issuer=..&algorithm=SHA1&digits=6&period=30, names
 * percent-encoded (UTF-8 names stay readable in authenticator apps). */
void auth_totp_uri(const char *issuer, const char *account, const char *b32secret, char *out, size_t outlen);

/* ---- tokens ---- */

#define AUTH_TOKEN_MAX 80 /* prefix + 43 characters of base64url + NUL */
void auth_random_bytes(void *p, size_t n); /* OpenSSL's CSPRNG; aborts if it cannot */
/* prefix then 32 random bytes in base64url without padding: "mms_" sessions, "mmt_" API tokens,
 * "mme_" sensor enrolment, "mmk_" sensor keys. */
void auth_random_token(const char *prefix, char *out, size_t outlen);
/* SHA-256 of the token in hex: what is stored. */
void auth_token_hash(const char *token, char out[65]);
/* Equal strings? Constant-time in the content (the lengths may leak). */
bool auth_equal(const char *a, const char *b);

/* ---- throttling policy ---- */

#define AUTH_THROTTLE_FREE    3          /* failures without delay */
#define AUTH_THROTTLE_MAX_DELAY 60       /* seconds */
#define AUTH_THROTTLE_LOCK_AFTER 10      /* failures within the window lock */
#define AUTH_THROTTLE_WINDOW  (15 * 60)  /* seconds */
#define AUTH_THROTTLE_LOCK    (15 * 60)  /* seconds locked */

struct auth_throttle {
    int failures;
    int64_t first_failure, locked_until; /* Unix seconds */
};
/* Seconds the next attempt must wait (0: go ahead): after AUTH_THROTTLE_FREE failures 1, 2, 4, ...
 * seconds from the last failure up to AUTH_THROTTLE_MAX_DELAY, and AUTH_THROTTLE_LOCK seconds
 * after AUTH_THROTTLE_LOCK_AFTER failures within AUTH_THROTTLE_WINDOW. Failures older than the
 * window are forgotten. */
int64_t auth_throttle_delay(const struct auth_throttle *t, int64_t now);
void auth_throttle_fail(struct auth_throttle *t, int64_t now);
void auth_throttle_reset(struct auth_throttle *t);

#endif
