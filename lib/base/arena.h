/* SPDX-License-Identifier: Apache-2.0 */
/* arena.h: a bump allocator whose allocations never move, for the short-lived strings of one
 * event. arena_reset frees everything at once and keeps the first chunk for reuse. */
#ifndef MM_ARENA_H
#define MM_ARENA_H

#include "prelude.h"

struct arena_chunk;

struct arena {
    struct arena_chunk *head; /* current chunk, newest first */
    size_t chunk_size;        /* size of a normal chunk */
    size_t used_total;        /* bytes handed out since the last reset */
    size_t max;               /* limit on used_total; 0 = none */
};

void arena_init(struct arena *a, size_t chunk_size, size_t max);
void arena_release(struct arena *a);
void arena_reset(struct arena *a);
/* n bytes aligned to 8, or NULL when the arena's max would be passed. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of s[0..n), or NULL past max. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

#endif
