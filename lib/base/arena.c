/* SPDX-License-Identifier: Apache-2.0 */
/* arena.c: chunked bump allocator. */
#include "prelude.h"
#include "alloc.h"
#include "arena.h"

struct arena_chunk {
    struct arena_chunk *next;
    size_t size, used;
    _Alignas(8) char data[];
};

void arena_init(struct arena *a, size_t chunk_size, size_t max)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 4096;
    a->used_total = 0;
    a->max = max;
}

void arena_release(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        mm_free(c);
        c = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

void arena_reset(struct arena *a)
{
    /* keep one normal-sized chunk: the common case reuses it for every event */
    struct arena_chunk *c = a->head, *keep = NULL;
    while (c) {
        struct arena_chunk *next = c->next;
        if (!keep && c->size == a->chunk_size)
            keep = c;
        else
            mm_free(c);
        c = next;
    }
    a->head = keep;
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->used_total = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = mm_size_add(n, 7) & ~(size_t)7;
    if (need == (SIZE_MAX & ~(size_t)7))
        return NULL;
    if (a->max && mm_size_add(a->used_total, need) > a->max)
        return NULL;
    struct arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t size = need > a->chunk_size ? need : a->chunk_size;
        c = mm_malloc(mm_size_add(sizeof *c, size));
        c->size = size;
        c->used = 0;
        if (a->head && size != a->chunk_size) {
            /* an oversized chunk goes behind the current one so the current keeps filling */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += need;
    a->used_total += need;
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, mm_size_add(n, 1));
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
