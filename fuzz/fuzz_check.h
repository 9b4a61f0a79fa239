/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_check.h: the checked assertion every harness uses, on its own for harnesses that do not
 * deal in events (and include jansson, whose names the event JSON codec shares). */
#ifndef MM_FUZZ_CHECK_H
#define MM_FUZZ_CHECK_H

#include "base/prelude.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the code under test must keep; on violation print where and abort. Unlike assert()
 * it stays on whatever NDEBUG says. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);              \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
