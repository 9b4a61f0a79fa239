/* SPDX-License-Identifier: Apache-2.0 */
/* cursor.h: the small steps the line parsers are built from, on a struct slice read front to
 * back: match a literal, take up to a delimiter, skip blanks, find a literal, count digits.
 *
 * cursor_* functions take the slice by pointer and move its start past what they consumed;
 * scan_* functions look at a slice and return a position, a count or a narrower view of it
 * without moving anything. A position that is "not found" is s.len. Nothing allocates, nothing
 * reads outside the slice, and every function is total: an empty slice is never an error. Literals
 * are NUL-terminated C strings and must not be empty. They are inline: parsers call them for
 * every word of every line. */
#ifndef MM_PARSE_CURSOR_H
#define MM_PARSE_CURSOR_H

#include "base/prelude.h"
#include "base/str.h"

/* Move past the first n bytes of *s (all of it when shorter). */
static inline void cursor_skip(struct slice *s, size_t n)
{
    n = MM_MIN(n, s->len);
    s->p += n;
    s->len -= n;
}

/* If *s starts with lit, move past it and return true; else leave *s alone and return false. */
static inline bool cursor_eat(struct slice *s, const char *lit)
{
    size_t n = strlen(lit);
    if (s->len < n || memcmp(s->p, lit, n) != 0)
        return false;
    s->p += n;
    s->len -= n;
    return true;
}

/* Move past leading blanks (spaces and tabs). */
static inline void cursor_skip_blanks(struct slice *s)
{
    while (s->len && mm_is_space(s->p[0]))
        cursor_skip(s, 1);
}

/* The bytes before the first c; *s moves past that c. When there is no c, all of *s (which
 * becomes empty). */
static inline struct slice cursor_take_until(struct slice *s, char c)
{
    const char *q = s->len ? memchr(s->p, c, s->len) : NULL;
    size_t n = q ? (size_t)(q - s->p) : s->len;
    struct slice r = slice_make(s->p, n);
    cursor_skip(s, q ? n + 1 : n);
    return r;
}

/* The bytes before the first lit into *out, *s moved past lit. False, with *s and *out untouched,
 * when lit is absent. */
static inline bool cursor_take_until_lit(struct slice *s, const char *lit, struct slice *out)
{
    const char *q = mm_memmem(s->p, s->len, lit);
    if (!q)
        return false;
    size_t n = (size_t)(q - s->p);
    *out = slice_make(s->p, n);
    cursor_skip(s, n + strlen(lit));
    return true;
}

/* A value that may be quoted, as 'app'@'10.0.0.5' in MySQL or 'root' in PAM messages: when *s
 * starts with quote, the bytes up to the next quote (an unterminated value runs to the end);
 * otherwise the bytes up to the next space. *s moves past the closing quote or the space. */
static inline struct slice cursor_take_quoted(struct slice *s, char quote)
{
    if (s->len && s->p[0] == quote) {
        cursor_skip(s, 1);
        return cursor_take_until(s, quote);
    }
    return cursor_take_until(s, ' ');
}

/* The number of leading ASCII digits of s. */
static inline size_t scan_digits(struct slice s)
{
    size_t n = 0;
    while (n < s.len && mm_is_digit(s.p[n]))
        n++;
    return n;
}

/* Position of the first c in s, or s.len. */
static inline size_t scan_char(struct slice s, char c)
{
    const char *q = s.len ? memchr(s.p, c, s.len) : NULL;
    return q ? (size_t)(q - s.p) : s.len;
}

/* Position of the first lit in s, or s.len. */
static inline size_t scan_lit(struct slice s, const char *lit)
{
    const char *q = mm_memmem(s.p, s.len, lit);
    return q ? (size_t)(q - s.p) : s.len;
}

/* Position of the last lit in s (matches may overlap), or s.len. */
static inline size_t scan_last_lit(struct slice s, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = s.len >= n ? s.len - n + 1 : 0; i-- > 0;)
        if (s.p[i] == lit[0] && memcmp(s.p + i, lit, n) == 0)
            return i;
    return s.len;
}

/* Does s end with lit? */
static inline bool scan_ends_with(struct slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p + s.len - n, lit, n) == 0;
}

/* s without leading and trailing blanks (spaces and tabs). */
static inline struct slice scan_trim(struct slice s)
{
    while (s.len && mm_is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && mm_is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* s from byte n on (empty when n >= s.len). */
static inline struct slice scan_after(struct slice s, size_t n)
{
    n = MM_MIN(n, s.len);
    return slice_make(s.p + n, s.len - n);
}

#endif
