/* SPDX-License-Identifier: Apache-2.0 */
/* password.c: Argon2id password hashes (libargon2) and the password policy. */
#include "base/prelude.h"
#include "base/str.h"
#include "auth/auth.h"

#include <argon2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct auth_argon2_params params = { 2, 19456, 1 };

void auth_set_argon2_params(const struct auth_argon2_params *p)
{
    params = *p;
}

enum mm_status auth_password_hash(const char *password, char *out, size_t outlen, struct mm_error *err)
{
    uint8_t salt[16];
    auth_random_bytes(salt, sizeof salt);
    int rc = argon2id_hash_encoded(params.t_cost, params.m_cost_kib, params.parallelism, password, strlen(password),
                                   salt, sizeof salt, 32, out, outlen);
    if (rc != ARGON2_OK)
        return mm_error_set(err, MM_ERR_INVALID, "cannot hash the password: %s", argon2_error_message(rc));
    return MM_OK;
}

bool auth_password_verify(const char *password, const char *encoded)
{
    if (!password || !encoded || strncmp(encoded, "$argon2id$", 10))
        return false;
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

static char dummy[AUTH_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[AUTH_TOKEN_MAX];
    auth_random_token("", pw, sizeof pw);
    if (auth_password_hash(pw, dummy, sizeof dummy, NULL) != MM_OK)
        dummy[0] = '\0';
}

const char *auth_password_dummy_hash(void)
{
    pthread_once(&dummy_once, make_dummy);
    return dummy;
}

enum mm_status auth_password_check(const char *password, struct mm_error *err)
{
    size_t n = password ? strlen(password) : 0;
    if (n < 12)
        return mm_error_set(err, MM_ERR_INVALID, "the password must be at least 12 characters long");
    if (n > 256)
        return mm_error_set(err, MM_ERR_INVALID, "the password must be at most 256 bytes long");
    if (!mm_utf8_valid(password, n))
        return mm_error_set(err, MM_ERR_INVALID, "the password is not valid UTF-8");
    size_t same = 1;
    while (same < n && password[same] == password[0])
        same++;
    if (same == n)
        return mm_error_set(err, MM_ERR_INVALID, "the password must not be one character repeated");
    return MM_OK;
}
