/* SPDX-License-Identifier: Apache-2.0 */
/* internal.h: helpers shared by the server model's files (not part of its interface). */
#ifndef MM_SERVER_INTERNAL_H
#define MM_SERVER_INTERNAL_H

#include "base/prelude.h"
#include "base/error.h"

/* Text a person typed: at most max bytes, UTF-8, no control characters; required: not empty. The
 * message names the field. */
enum mm_status server_text_valid(const char *what, const char *s, size_t max, bool required, struct mm_error *err);
/* The same for prose (a notification's body, a note): line breaks and tabs allowed. */
enum mm_status server_prose_valid(const char *what, const char *s, size_t max, bool required, struct mm_error *err);
/* "kind:id" into buf, for the audit trail's object column. */
const char *audit_object(char *buf, size_t n, const char *kind, int64_t id);
/* An alert level's rank (informational 0 .. critical 4), -1 when not a level. */
int alert_level_rank(const char *level);
/* A db_step result that is not a row or the end is an error status. */
static inline enum mm_status step_status(int r)
{
    return r == 0 || r == 1 ? MM_OK : (enum mm_status)r;
}

#endif
