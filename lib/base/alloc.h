/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.h: allocation wrappers. Out of memory is not recoverable for a log daemon that bounds every
 * buffer by configuration, so these abort with a message instead of returning NULL (the Redis and
 * git habit); size arithmetic is overflow-checked. */
#ifndef MM_ALLOC_H
#define MM_ALLOC_H

#include "prelude.h"

void *mm_malloc(size_t size);
void *mm_calloc(size_t n, size_t size);
void *mm_realloc(void *p, size_t size);
/* realloc for arrays: n * size, aborting on overflow */
void *mm_reallocarray(void *p, size_t n, size_t size);
char *mm_strdup(const char *s);
char *mm_strndup(const char *s, size_t n);
void mm_free(void *p);

/* a + b, or SIZE_MAX when it overflows (so a later bound check fails cleanly) */
static inline size_t mm_size_add(size_t a, size_t b)
{
    size_t r;
    return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t mm_size_mul(size_t a, size_t b)
{
    size_t r;
    return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

#endif
