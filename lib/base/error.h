/* SPDX-License-Identifier: Apache-2.0 */
/* error.h: the message that travels with a failing status. Library functions that can fail for
 * reasons a user must read take a struct mm_error * (which may be NULL) and fill it; the caller
 * decides whether to print, log or ignore it. */
#ifndef MM_ERROR_H
#define MM_ERROR_H

#include "prelude.h"

struct mm_error {
    char msg[512];
};

/* Set the message (printf-style) and return st, so callers can write
 * `return mm_error_set(err, MM_ERR_PARSE, "bad %s", x);`. err may be NULL. */
enum mm_status mm_error_set(struct mm_error *err, enum mm_status st, const char *fmt, ...)
    MM_PRINTF(3, 4);
/* Prefix an existing message with context: "context: old message". */
enum mm_status mm_error_wrap(struct mm_error *err, enum mm_status st, const char *fmt, ...)
    MM_PRINTF(3, 4);

#endif
