/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c: growable byte buffer. */
#include "prelude.h"
#include "alloc.h"
#include "buf.h"

static char empty_buf[1];

void buf_init(struct buf *b, size_t max)
{
    b->data = empty_buf;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    if (b->cap)
        mm_free(b->data);
    buf_init(b, b->max);
}

enum mm_status buf_reserve(struct buf *b, size_t extra)
{
    size_t need = mm_size_add(b->len, extra);
    if (need == SIZE_MAX || (b->max && need > b->max))
        return MM_ERR_TOO_LARGE;
    if (need + 1 <= b->cap)
        return MM_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need + 1)
        cap = mm_size_mul(cap, 2);
    if (b->cap == 0) {
        b->data = mm_malloc(cap);
        b->data[0] = '\0';
    } else {
        b->data = mm_realloc(b->data, cap);
    }
    b->cap = cap;
    return MM_OK;
}

enum mm_status buf_append(struct buf *b, const void *p, size_t n)
{
    enum mm_status st = buf_reserve(b, n);
    if (st != MM_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return MM_OK;
}

enum mm_status buf_append_str(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

enum mm_status buf_append_char(struct buf *b, char c)
{
    if (b->len + 1 < b->cap && (!b->max || b->len < b->max)) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return MM_OK;
    }
    return buf_append(b, &c, 1);
}

enum mm_status buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, cp);
    va_end(cp);
    if (n < 0)
        return MM_ERR_INVALID;
    if ((size_t)n < sizeof small)
        return buf_append(b, small, (size_t)n);
    enum mm_status st = buf_reserve(b, (size_t)n);
    if (st != MM_OK)
        return st;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return MM_OK;
}

enum mm_status buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum mm_status st = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

void buf_consume(struct buf *b, size_t n)
{
    if (n >= b->len) {
        if (b->cap)
            buf_reset(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *d = b->cap ? b->data : mm_strdup("");
    if (len)
        *len = b->len;
    buf_init(b, b->max);
    return d;
}
