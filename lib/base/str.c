/* SPDX-License-Identifier: Apache-2.0 */
/* str.c: slice helpers and strict number parsing. */
#include "prelude.h"
#include "str.h"

bool mm_bytes_starts(const char *p, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && memcmp(p, lit, n) == 0;
}

bool mm_bytes_eq_nocase(const char *a, size_t alen, const char *b)
{
    size_t n = strlen(b);
    if (alen != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (mm_lower(a[i]) != mm_lower(b[i]))
            return false;
    return true;
}

const char *mm_memmem(const char *p, size_t len, const char *lit)
{
    return memmem(p, len, lit, strlen(lit));
}

enum mm_status mm_parse_u64(const char *p, size_t len, uint64_t max, uint64_t *out)
{
    if (len == 0)
        return MM_ERR_PARSE;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!mm_is_digit(p[i]))
            return MM_ERR_PARSE;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (uint64_t)(p[i] - '0'), &v))
            return MM_ERR_TOO_LARGE;
    }
    if (v > max)
        return MM_ERR_TOO_LARGE;
    *out = v;
    return MM_OK;
}

enum mm_status mm_parse_i64(const char *p, size_t len, int64_t *out)
{
    bool neg = len > 0 && p[0] == '-';
    uint64_t v;
    enum mm_status st = mm_parse_u64(p + neg, len - neg, neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX, &v);
    if (st != MM_OK)
        return st;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return MM_OK;
}

enum mm_status mm_parse_long(const char *s, long min, long max, long *out)
{
    int64_t v;
    enum mm_status st = mm_parse_i64(s, strlen(s), &v);
    if (st != MM_OK)
        return st;
    if (v < min || v > max)
        return MM_ERR_TOO_LARGE;
    *out = (long)v;
    return MM_OK;
}

/* split "123abc" into the number and its unit */
static enum mm_status number_unit(const char *s, uint64_t *num, const char **unit)
{
    size_t n = 0;
    while (mm_is_digit(s[n]))
        n++;
    if (n == 0)
        return MM_ERR_PARSE;
    *unit = s + n;
    return mm_parse_u64(s, n, UINT64_MAX, num);
}

enum mm_status mm_parse_size(const char *s, uint64_t *out)
{
    uint64_t v, mul;
    const char *u;
    enum mm_status st = number_unit(s, &v, &u);
    if (st != MM_OK)
        return st;
    if (!*u || !strcmp(u, "b"))
        mul = 1;
    else if (!strcasecmp(u, "k") || !strcasecmp(u, "kb") || !strcasecmp(u, "kib"))
        mul = 1024;
    else if (!strcasecmp(u, "m") || !strcasecmp(u, "mb") || !strcasecmp(u, "mib"))
        mul = 1024 * 1024;
    else if (!strcasecmp(u, "g") || !strcasecmp(u, "gb") || !strcasecmp(u, "gib"))
        mul = 1024ull * 1024 * 1024;
    else
        return MM_ERR_PARSE;
    uint64_t r;
    if (__builtin_mul_overflow(v, mul, &r))
        return MM_ERR_TOO_LARGE;
    *out = r;
    return MM_OK;
}

enum mm_status mm_parse_duration(const char *s, int64_t *out_ns)
{
    uint64_t v, mul;
    const char *u;
    enum mm_status st = number_unit(s, &v, &u);
    if (st != MM_OK)
        return st;
    if (!*u || !strcmp(u, "s"))
        mul = 1000000000ull;
    else if (!strcmp(u, "ms"))
        mul = 1000000ull;
    else if (!strcmp(u, "us"))
        mul = 1000ull;
    else if (!strcmp(u, "m") || !strcmp(u, "min"))
        mul = 60ull * 1000000000ull;
    else if (!strcmp(u, "h"))
        mul = 3600ull * 1000000000ull;
    else if (!strcmp(u, "d"))
        mul = 86400ull * 1000000000ull;
    else
        return MM_ERR_PARSE;
    uint64_t r;
    if (__builtin_mul_overflow(v, mul, &r) || r > INT64_MAX)
        return MM_ERR_TOO_LARGE;
    *out_ns = (int64_t)r;
    return MM_OK;
}

bool mm_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

bool mm_list_next(const char **s, struct slice *item)
{
    while (*s && **s) {
        const char *comma = strchr(*s, ',');
        const char *b = *s, *e = comma ? comma : *s + strlen(*s);
        *s = comma ? comma + 1 : NULL;
        while (b < e && mm_is_space(*b))
            b++;
        while (e > b && mm_is_space(e[-1]))
            e--;
        if (e > b) {
            *item = slice_make(b, (size_t)(e - b));
            return true;
        }
    }
    return false;
}
