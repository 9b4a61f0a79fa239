/* SPDX-License-Identifier: Apache-2.0 */
/* error.c: error messages that accompany status codes. */
#include "prelude.h"
#include "error.h"

enum mm_status mm_error_set(struct mm_error *err, enum mm_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}

enum mm_status mm_error_wrap(struct mm_error *err, enum mm_status st, const char *fmt, ...)
{
    if (err) {
        char prefix[256], old[sizeof err->msg];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof prefix, fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof old);
        snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
    }
    return st;
}
