/* SPDX-License-Identifier: Apache-2.0 */
/* unit.h: a minimal unit-test harness. Each test binary prints one "ok"/"not ok" line per check
 * (TAP style) and exits non-zero when any failed; tests/run.sh counts the lines. */
#ifndef MM_UNIT_H
#define MM_UNIT_H

#include "base/prelude.h"

static int unit_failed, unit_count;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        unit_count++;                                                                      \
        if (cond) {                                                                        \
            printf("ok %d - %s\n", unit_count, #cond);                                     \
        } else {                                                                           \
            unit_failed++;                                                                 \
            printf("not ok %d - %s (%s:%d)\n", unit_count, #cond, __FILE__, __LINE__);     \
        }                                                                                  \
    } while (0)

/* compare a NUL-terminated or (p, len) string with an expected literal */
#define CHECK_STR(p, len, want)                                                            \
    do {                                                                                   \
        unit_count++;                                                                      \
        size_t want_len_ = strlen(want);                                                   \
        if ((size_t)(len) == want_len_ && !memcmp((p), (want), want_len_)) {               \
            printf("ok %d - %s == \"%s\"\n", unit_count, #p, want);                        \
        } else {                                                                           \
            unit_failed++;                                                                 \
            printf("not ok %d - %s: got \"%.*s\", want \"%s\" (%s:%d)\n", unit_count, #p,  \
                   (int)(len), (p) ? (const char *)(p) : "", want, __FILE__, __LINE__);    \
        }                                                                                  \
    } while (0)

#define UNIT_DONE() (printf("# %d checks, %d failed\n", unit_count, unit_failed), unit_failed ? 1 : 0)

#endif
