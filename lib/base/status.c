/* SPDX-License-Identifier: Apache-2.0 */
/* status.c: names for the project status codes and a thread-safe strerror. */
#include "prelude.h"

const char *mm_status_str(enum mm_status st)
{
    switch (st) {
    case MM_OK: return "ok";
    case MM_AGAIN: return "would block";
    case MM_EOF: return "end of input";
    case MM_NO_MATCH: return "format not recognised";
    case MM_ERR_PARSE: return "malformed input";
    case MM_ERR_TOO_LARGE: return "too large";
    case MM_ERR_INVALID: return "invalid argument";
    case MM_ERR_NOT_FOUND: return "not found";
    case MM_ERR_IO: return "input/output error";
    case MM_ERR_NOMEM: return "out of memory";
    case MM_ERR_TLS: return "TLS error";
    case MM_ERR_STATE: return "invalid state";
    case MM_ERR_EXISTS: return "already exists";
    case MM_ERR_DENIED: return "permission denied";
    }
    return "unknown status";
}

const char *mm_strerror(int errnum)
{
    static _Thread_local char msg[128];
    /* GNU strerror_r returns a pointer that may or may not be msg */
    return strerror_r(errnum, msg, sizeof msg);
}
