/* SPDX-License-Identifier: Apache-2.0 */
/* linereader.c: bounded line reading from files and pipes. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "linereader.h"

#include <unistd.h>

void linereader_init(struct linereader *lr, int fd, size_t max_line)
{
    *lr = (struct linereader){ .fd = fd, .max = max_line };
    lr->cap = MM_MAX(max_line + 1, (size_t)65536);
    lr->buf = mm_malloc(lr->cap);
}

void linereader_release(struct linereader *lr)
{
    mm_free(lr->buf);
    lr->buf = NULL;
}

static enum mm_status fill(struct linereader *lr)
{
    if (lr->start > 0) {
        memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
        lr->end -= lr->start;
        lr->start = 0;
    }
    if (lr->end == lr->cap)
        return MM_OK;
    ssize_t n;
    do
        n = read(lr->fd, lr->buf + lr->end, lr->cap - lr->end);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN ? MM_AGAIN : MM_ERR_IO;
    if (n == 0) {
        lr->eof = true;
        return MM_EOF;
    }
    lr->end += (size_t)n;
    return MM_OK;
}

enum mm_status linereader_next(struct linereader *lr, const char **line, size_t *len,
                               bool *truncated, bool at_eof_partial)
{
    for (;;) {
        char *p = lr->buf + lr->start;
        size_t avail = lr->end - lr->start;
        char *nl = memchr(p, '\n', avail);
        if (lr->skipping) {
            if (nl) {
                size_t n = (size_t)(nl - p) + 1;
                lr->start += n;
                lr->offset += n;
                lr->skipping = false;
                continue;
            }
            lr->offset += avail;
            lr->start = lr->end = 0;
            if (lr->eof) { /* the long line goes on past the end: skip on when it grows */
                lr->eof = false;
                return MM_EOF;
            }
        } else if (nl && (size_t)(nl - p) <= lr->max) {
            *line = p;
            *len = (size_t)(nl - p);
            *truncated = false;
            lr->start += *len + 1;
            lr->offset += *len + 1;
            return MM_OK;
        } else if (avail > lr->max) {
            /* over-long: return the first max bytes, skip to the next LF */
            *line = p;
            *len = lr->max;
            *truncated = true;
            lr->start += lr->max;
            lr->offset += lr->max;
            lr->skipping = true;
            return MM_OK;
        } else if (lr->eof) {
            if (avail && at_eof_partial) {
                *line = p;
                *len = avail;
                *truncated = false;
                lr->start = lr->end;
                lr->offset += avail;
                return MM_OK;
            }
            lr->eof = false; /* a followed file may grow: the next call reads again */
            return MM_EOF;
        }
        enum mm_status st = fill(lr);
        if (st != MM_EOF && st != MM_OK)
            return st;
    }
}
