/* SPDX-License-Identifier: Apache-2.0 */
/* totp.c: prints the TOTP code of a base32 secret (at a Unix time, or now), as an authenticator
 * app would; for the server's tests and the demo. */
#include "base/prelude.h"
#include "auth/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: totp BASE32-SECRET [UNIX-TIME]\n", stderr);
        return 2;
    }
    uint8_t key[64];
    ssize_t n = auth_base32_decode(argv[1], key, sizeof key);
    if (n < 1) {
        fputs("totp: not a base32 secret\n", stderr);
        return 1;
    }
    long long t = argc > 2 ? strtoll(argv[2], NULL, 10) : (long long)time(NULL);
    printf("%06u\n", auth_hotp(key, (size_t)n, (uint64_t)(t / AUTH_TOTP_STEP), 6));
    return 0;
}
