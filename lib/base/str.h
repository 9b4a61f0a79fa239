/* SPDX-License-Identifier: Apache-2.0 */
/* str.h: helpers for byte slices that are not NUL-terminated (the parsers work on slices of the
 * received message), and strict number parsing that replaces atoi and sscanf. */
#ifndef MM_STR_H
#define MM_STR_H

#include "prelude.h"

struct slice {
    const char *p;
    size_t len;
};

#define SLICE_LIT(s) ((struct slice){ (s), sizeof(s) - 1 })

static inline struct slice slice_make(const char *p, size_t len)
{
    return (struct slice){ p, len };
}

static inline struct slice slice_cstr(const char *s)
{
    return (struct slice){ s, strlen(s) };
}

static inline bool slice_eq(struct slice a, const char *lit)
{
    /* the first byte settles most comparisons in the parsers' key tables without a strlen */
    if (a.len == 0 || a.p[0] != lit[0])
        return a.len == 0 && lit[0] == '\0';
    size_t n = strlen(lit);
    return a.len == n && memcmp(a.p, lit, n) == 0;
}

static inline bool slice_starts(struct slice a, const char *lit)
{
    size_t n = strlen(lit);
    return a.len >= n && memcmp(a.p, lit, n) == 0;
}

bool mm_bytes_starts(const char *p, size_t len, const char *lit);
bool mm_bytes_eq_nocase(const char *a, size_t alen, const char *b);
/* Find lit in p[0..len); NULL if absent. */
const char *mm_memmem(const char *p, size_t len, const char *lit);

/* Parse an unsigned decimal of exactly the slice's bytes. MM_ERR_PARSE on any non-digit or an
 * empty slice, MM_ERR_TOO_LARGE past max. */
enum mm_status mm_parse_u64(const char *p, size_t len, uint64_t max, uint64_t *out);
/* Same with an optional leading '-'. */
enum mm_status mm_parse_i64(const char *p, size_t len, int64_t *out);
/* Parse a whole NUL-terminated string as a number within [min, max]. */
enum mm_status mm_parse_long(const char *s, long min, long max, long *out);
/* "64k", "1m", "4096" -> bytes. */
enum mm_status mm_parse_size(const char *s, uint64_t *out);
/* "5s", "200ms", "2m", "1h", "400d", "30" (seconds) -> nanoseconds. */
enum mm_status mm_parse_duration(const char *s, int64_t *out_ns);

static inline bool mm_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool mm_is_space(char c)
{
    return c == ' ' || c == '\t';
}

static inline char mm_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Is p[0..len) valid UTF-8? (rejects overlongs, surrogates and code points past U+10FFFF) */
bool mm_utf8_valid(const char *p, size_t len);

/* The next item of a comma-separated list (configuration values), spaces around it trimmed; *s
 * moves past it. Empty items are skipped; false at the end of the list. */
bool mm_list_next(const char **s, struct slice *item);

#endif
