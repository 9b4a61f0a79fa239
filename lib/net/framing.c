/* SPDX-License-Identifier: Apache-2.0 */
/* framing.c: RFC 6587 stream framing with bounded memory. */
#include "base/prelude.h"
#include "base/str.h"
#include "framing.h"

enum {
    FR_START,      /* at a frame boundary */
    FR_COUNT,      /* reading the digits of an octet count */
    FR_OCTETS,     /* reading an octet-counted body */
    FR_SKIP_OCTETS,/* discarding the over-long rest of an octet-counted body */
    FR_LINE,       /* reading an LF-terminated message */
    FR_SKIP_LINE,  /* discarding the over-long rest of a line */
};

/* an octet count above this is not a count (and no message is that long) */
#define FRAMING_MAX_COUNT 1000000000u

void framer_init(struct framer *f, enum framing_mode mode, size_t max_message)
{
    *f = (struct framer){ .mode = mode, .max = max_message, .state = FR_START };
    buf_init(&f->partial, max_message);
}

void framer_release(struct framer *f)
{
    buf_release(&f->partial);
}

static void emit(struct framer *f, frame_fn fn, void *arg, const char *p, size_t len, bool trunc)
{
    f->frames++;
    if (trunc)
        f->truncated++;
    fn(arg, p, len, trunc);
}

/* deliver partial + p[0..n) as one message */
static void emit_joined(struct framer *f, frame_fn fn, void *arg, const char *p, size_t n, bool trunc)
{
    if (f->partial.len == 0) {
        emit(f, fn, arg, p, n, trunc);
        return;
    }
    buf_append(&f->partial, p, n); /* fits: callers keep partial + n <= max */
    emit(f, fn, arg, f->partial.data, f->partial.len, trunc);
    buf_reset(&f->partial);
    /* give back a large buffer once the burst is over; idle connections should cost little */
    if (f->partial.cap > 16384)
        buf_release(&f->partial);
}

void framer_feed(struct framer *f, const char *data, size_t len, frame_fn fn, void *arg)
{
    size_t i = 0;
    while (i < len) {
        switch (f->state) {
        case FR_START: {
            char c = data[i];
            if (c == '\n' || c == '\r' || c == '\0') { /* stray separators between frames */
                i++;
                continue;
            }
            if (f->mode != FRAMING_LF && mm_is_digit(c)) {
                f->state = FR_COUNT;
                f->ndigits = 0;
                continue;
            }
            if (f->mode == FRAMING_OCTET) { /* no count where one must be: resynchronise at LF */
                f->bad_counts++;
                f->state = FR_SKIP_LINE;
                continue;
            }
            f->state = FR_LINE;
            f->partial_truncated = false;
            continue;
        }
        case FR_COUNT: {
            char c = data[i];
            if (mm_is_digit(c) && f->ndigits < 10) {
                f->digits[f->ndigits++] = c;
                i++;
                continue;
            }
            uint64_t count = 0;
            if (c == ' ' && mm_parse_u64(f->digits, f->ndigits, FRAMING_MAX_COUNT, &count) == MM_OK &&
                count > 0) {
                i++;
                f->octet_left = count;
                f->partial_truncated = count > f->max;
                f->state = FR_OCTETS;
                continue;
            }
            /* not a count: the digits start an LF-terminated message (or, in strict octet mode,
             * the stream is broken: count it and resynchronise at the next LF) */
            if (f->mode == FRAMING_OCTET) {
                f->bad_counts++;
                f->state = FR_SKIP_LINE;
                continue;
            }
            buf_append(&f->partial, f->digits, MM_MIN(f->ndigits, f->max));
            f->partial_truncated = false;
            f->state = FR_LINE;
            continue;
        }
        case FR_OCTETS: {
            size_t room = f->max - f->partial.len; /* bytes we keep */
            size_t take = MM_MIN(len - i, f->octet_left);
            size_t keep = MM_MIN(take, room);
            if (take == f->octet_left && keep == take) {
                emit_joined(f, fn, arg, data + i, keep, f->partial_truncated);
                i += take;
                f->state = FR_START;
                continue;
            }
            if (keep)
                buf_append(&f->partial, data + i, keep);
            f->octet_left -= take;
            i += take;
            if (f->partial.len == f->max && f->octet_left) {
                /* kept all we may: deliver now, discard the rest as it arrives */
                emit_joined(f, fn, arg, "", 0, true);
                f->state = FR_SKIP_OCTETS;
            } else if (f->octet_left == 0) {
                emit_joined(f, fn, arg, "", 0, f->partial_truncated);
                f->state = FR_START;
            }
            continue;
        }
        case FR_SKIP_OCTETS: {
            size_t take = MM_MIN(len - i, f->octet_left);
            f->octet_left -= take;
            i += take;
            if (f->octet_left == 0)
                f->state = FR_START;
            continue;
        }
        case FR_LINE: {
            const char *nl = memchr(data + i, '\n', len - i);
            size_t n = nl ? (size_t)(nl - (data + i)) : len - i;
            size_t room = f->max - f->partial.len;
            if (nl && n <= room) {
                size_t m = n;
                if (m && data[i + m - 1] == '\r')
                    m--;
                else if (!m && f->partial.len && f->partial.data[f->partial.len - 1] == '\r')
                    f->partial.data[--f->partial.len] = '\0'; /* the CR came in the last read */
                emit_joined(f, fn, arg, data + i, m, false);
                i += n + 1;
                f->state = FR_START;
                continue;
            }
            if (n <= room) { /* no LF yet: keep and wait */
                buf_append(&f->partial, data + i, n);
                i += n;
                continue;
            }
            /* over-long line: deliver the first max bytes, skip to the LF */
            emit_joined(f, fn, arg, data + i, room, true);
            i += room;
            f->state = FR_SKIP_LINE;
            continue;
        }
        case FR_SKIP_LINE: {
            const char *nl = memchr(data + i, '\n', len - i);
            if (!nl) {
                i = len;
                continue;
            }
            i = (size_t)(nl - data) + 1;
            f->state = FR_START;
            continue;
        }
        }
    }
}

void framer_finish(struct framer *f, frame_fn fn, void *arg)
{
    if (f->state == FR_LINE && f->partial.len) {
        size_t n = f->partial.len;
        if (f->partial.data[n - 1] == '\r')
            n--;
        emit(f, fn, arg, f->partial.data, n, false);
    } else if (f->state == FR_OCTETS && f->partial.len) {
        /* the sender promised more than it sent: deliver what came, flagged truncated */
        emit(f, fn, arg, f->partial.data, f->partial.len, true);
    } else if (f->state == FR_COUNT && f->mode != FRAMING_OCTET && f->ndigits) {
        emit(f, fn, arg, f->digits, f->ndigits, false);
    }
    buf_release(&f->partial);
    f->state = FR_START;
}
