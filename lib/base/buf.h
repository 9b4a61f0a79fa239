/* SPDX-License-Identifier: Apache-2.0 */
/* buf.h: a growable byte buffer with an optional hard maximum, always NUL-terminated so its data
 * can be handed to C string functions. Like git's strbuf and Redis's sds, without the tricks. */
#ifndef MM_BUF_H
#define MM_BUF_H

#include "prelude.h"

struct buf {
    char *data; /* NUL-terminated; never NULL after buf_init */
    size_t len;
    size_t cap; /* bytes allocated, including room for the NUL */
    size_t max; /* largest len allowed; 0 means no limit beyond SIZE_MAX */
};

#define BUF_NO_MAX 0

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
/* Forget the contents, keep the allocation. */
static inline void buf_reset(struct buf *b)
{
    b->len = 0;
    b->data[0] = '\0';
}
/* Make room for extra more bytes. MM_ERR_TOO_LARGE if len + extra would pass max. */
enum mm_status buf_reserve(struct buf *b, size_t extra);
enum mm_status buf_append(struct buf *b, const void *p, size_t n);
enum mm_status buf_append_str(struct buf *b, const char *s);
enum mm_status buf_append_char(struct buf *b, char c);
enum mm_status buf_printf(struct buf *b, const char *fmt, ...) MM_PRINTF(2, 3);
enum mm_status buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Remove the first n bytes. */
void buf_consume(struct buf *b, size_t n);
/* Take ownership of the data; b is left empty and initialised. */
char *buf_detach(struct buf *b, size_t *len);

#endif
