/* SPDX-License-Identifier: Apache-2.0 */
/* prelude.h: included first by every file of the project. Feature macros, the standard headers
 * every module uses, the project status codes and the banned-function list. */
#ifndef MM_PRELUDE_H
#define MM_PRELUDE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MM_MIN(a, b)    ((a) < (b) ? (a) : (b))
#define MM_MAX(a, b)    ((a) > (b) ? (a) : (b))
#define MM_UNUSED       __attribute__((unused))
#define MM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define MM_LIKELY(x)    __builtin_expect(!!(x), 1)
#define MM_UNLIKELY(x)  __builtin_expect(!!(x), 0)

/* One status enum for the whole project. Functions that can fail return it; zero is success. */
enum mm_status {
    MM_OK = 0,
    MM_AGAIN,         /* would block; try again when ready */
    MM_EOF,           /* orderly end of input */
    MM_NO_MATCH,      /* input is not in the format this parser handles */
    MM_ERR_PARSE,     /* input is in the format but malformed */
    MM_ERR_TOO_LARGE, /* input exceeds a named maximum */
    MM_ERR_INVALID,   /* invalid argument or configuration */
    MM_ERR_NOT_FOUND,
    MM_ERR_IO,
    MM_ERR_NOMEM,
    MM_ERR_TLS,
    MM_ERR_STATE, /* operation not allowed in the current state */
    MM_ERR_EXISTS, /* already exists (a unique key is taken) */
    MM_ERR_DENIED, /* not permitted to the caller */
};

/* Human-readable name of a status, for messages. Never NULL. */
const char *mm_status_str(enum mm_status st);

/* Thread-safe strerror replacement; returns a static or thread-local string. */
const char *mm_strerror(int errnum);

#include "banned.h"

#endif
