/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.c: the allocation wrappers declared in alloc.h. */
#include "prelude.h"
#include "alloc.h"

#include <unistd.h>

static void oom(size_t size)
{
    char msg[96];
    int n = snprintf(msg, sizeof msg, "mamori: out of memory allocating %zu bytes\n", size);
    if (n > 0)
        (void)!write(2, msg, (size_t)n);
    abort();
}

void *mm_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *mm_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(mm_size_mul(n, size));
    return p;
}

void *mm_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        oom(size);
    return q;
}

void *mm_reallocarray(void *p, size_t n, size_t size)
{
    size_t total = mm_size_mul(n, size);
    if (total == SIZE_MAX)
        oom(total);
    return mm_realloc(p, total);
}

char *mm_strdup(const char *s)
{
    return mm_strndup(s, strlen(s));
}

char *mm_strndup(const char *s, size_t n)
{
    char *d = mm_malloc(mm_size_add(n, 1));
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void mm_free(void *p)
{
    free(p);
}
