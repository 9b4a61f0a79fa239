/* SPDX-License-Identifier: Apache-2.0 */
/* test_base.c: unit tests for lib/base: the growable buffer, the arena, strict number and UTF-8
 * parsing, and the civil-time conversions every timestamp goes through. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "unit.h"

#define NS MM_NS_PER_SEC

static void test_buf_append(void)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    CHECK(b.data != NULL && b.data[0] == '\0' && b.len == 0);
    CHECK(buf_append(&b, "hello", 5) == MM_OK);
    CHECK(buf_append_char(&b, ' ') == MM_OK);
    CHECK(buf_append_str(&b, "world") == MM_OK);
    CHECK_STR(b.data, b.len, "hello world");
    CHECK(b.data[b.len] == '\0');
    CHECK(buf_append(&b, "", 0) == MM_OK && b.len == 11);

    /* growth past the first allocation keeps every byte */
    buf_reset(&b);
    CHECK(b.len == 0 && b.data[0] == '\0');
    for (int i = 0; i < 1000; i++)
        buf_append_char(&b, (char)('a' + i % 26));
    CHECK(b.len == 1000);
    bool ok = true;
    for (int i = 0; i < 1000; i++)
        ok &= b.data[i] == (char)('a' + i % 26);
    CHECK(ok);
    CHECK(b.data[1000] == '\0');
    CHECK(b.cap >= 1001);

    /* embedded NUL bytes are data, not terminators */
    buf_reset(&b);
    CHECK(buf_append(&b, "a\0b", 3) == MM_OK && b.len == 3 && b.data[1] == '\0' &&
          b.data[2] == 'b');
    buf_release(&b);
    CHECK(b.len == 0 && b.cap == 0 && b.data[0] == '\0');
    /* a released buffer is usable again */
    CHECK(buf_append_str(&b, "again") == MM_OK);
    CHECK_STR(b.data, b.len, "again");
    buf_release(&b);
}

static void test_buf_printf(void)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    CHECK(buf_printf(&b, "%d-%s-%05.1f", 42, "x", 3.14159) == MM_OK);
    CHECK_STR(b.data, b.len, "42-x-003.1");
    CHECK(buf_printf(&b, "|%c", 'z') == MM_OK);
    CHECK_STR(b.data, b.len, "42-x-003.1|z");

    /* longer than the 256-byte stack buffer: formatted straight into the buffer */
    char big[600];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_reset(&b);
    CHECK(buf_printf(&b, "<%s>%d", big, 7) == MM_OK);
    CHECK(b.len == 1 + 599 + 1 + 1);
    CHECK(b.data[0] == '<' && b.data[600] == '>' && b.data[601] == '7' && b.data[602] == '\0');
    CHECK(b.data[1] == 'q' && b.data[599] == 'q');
    buf_release(&b);
}

static void test_buf_max(void)
{
    struct buf b;
    buf_init(&b, 8);
    CHECK(buf_append(&b, "12345678", 8) == MM_OK);
    CHECK_STR(b.data, b.len, "12345678");
    CHECK(buf_append(&b, "9", 1) == MM_ERR_TOO_LARGE);
    CHECK_STR(b.data, b.len, "12345678");
    CHECK(buf_append_str(&b, "9") == MM_ERR_TOO_LARGE);
    /* the single-byte fast path must respect the maximum too */
    CHECK(buf_append_char(&b, '9') == MM_ERR_TOO_LARGE);
    CHECK_STR(b.data, b.len, "12345678");
    CHECK(buf_printf(&b, "%d", 9) == MM_ERR_TOO_LARGE);
    CHECK_STR(b.data, b.len, "12345678");
    CHECK(b.data[8] == '\0');

    /* exactly filling to max is allowed, one more byte is not */
    buf_reset(&b);
    CHECK(buf_append(&b, "1234567", 7) == MM_OK);
    CHECK(buf_append_char(&b, '8') == MM_OK);
    CHECK(buf_append_char(&b, '9') == MM_ERR_TOO_LARGE);
    CHECK_STR(b.data, b.len, "12345678");

    /* a too-long append fails whole: nothing of it is kept */
    buf_reset(&b);
    CHECK(buf_append(&b, "abc", 3) == MM_OK);
    CHECK(buf_append(&b, "defghi", 6) == MM_ERR_TOO_LARGE);
    CHECK_STR(b.data, b.len, "abc");
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK(buf_printf(&b, "%s", big) == MM_ERR_TOO_LARGE);
    CHECK_STR(b.data, b.len, "abc");

    /* size arithmetic that overflows is "too large", not a wrap-around */
    CHECK(buf_reserve(&b, SIZE_MAX) == MM_ERR_TOO_LARGE);
    CHECK(buf_reserve(&b, 5) == MM_OK);
    CHECK(buf_reserve(&b, 6) == MM_ERR_TOO_LARGE);
    CHECK(b.max == 8);
    buf_release(&b);
    CHECK(b.max == 8); /* release keeps the configured maximum */

    struct buf u;
    buf_init(&u, BUF_NO_MAX);
    CHECK(buf_reserve(&u, SIZE_MAX) == MM_ERR_TOO_LARGE);
    CHECK(buf_append_str(&u, "ok") == MM_OK);
    CHECK(buf_reserve(&u, SIZE_MAX - 1) == MM_ERR_TOO_LARGE);
    CHECK_STR(u.data, u.len, "ok");
    buf_release(&u);
}

static void test_buf_consume_detach(void)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    buf_consume(&b, 3); /* on a never-allocated buffer: nothing to do, no crash */
    CHECK(b.len == 0 && b.data[0] == '\0');

    buf_append_str(&b, "hello world");
    buf_consume(&b, 0);
    CHECK_STR(b.data, b.len, "hello world");
    buf_consume(&b, 6);
    CHECK_STR(b.data, b.len, "world");
    CHECK(b.data[5] == '\0');
    buf_consume(&b, 4);
    CHECK_STR(b.data, b.len, "d");
    buf_consume(&b, 1);
    CHECK(b.len == 0 && b.data[0] == '\0');
    buf_append_str(&b, "abc");
    buf_consume(&b, 100);
    CHECK(b.len == 0 && b.data[0] == '\0');
    CHECK(buf_append_str(&b, "xyz") == MM_OK);
    CHECK_STR(b.data, b.len, "xyz");

    size_t len = 99;
    char *d = buf_detach(&b, &len);
    CHECK(len == 3);
    CHECK(d != NULL && !strcmp(d, "xyz"));
    CHECK(b.len == 0 && b.cap == 0 && b.data[0] == '\0');
    CHECK(buf_append_str(&b, "new") == MM_OK);
    CHECK(d[0] == 'x'); /* the detached memory is the caller's: untouched by later appends */
    CHECK_STR(b.data, b.len, "new");
    mm_free(d);

    /* detaching an empty buffer still gives an owned, freeable string */
    struct buf e;
    buf_init(&e, 16);
    len = 99;
    d = buf_detach(&e, &len);
    CHECK(d != NULL && d[0] == '\0' && len == 0);
    CHECK(e.max == 16);
    mm_free(d);
    d = buf_detach(&b, NULL);
    CHECK(!strcmp(d, "new"));
    mm_free(d);
    buf_release(&b);
}

static void test_arena(void)
{
    struct arena a;
    arena_init(&a, 64, 0);
    char *p1 = arena_alloc(&a, 1), *p2 = arena_alloc(&a, 1), *p3 = arena_alloc(&a, 13);
    CHECK(p1 && p2 && p3);
    CHECK((uintptr_t)p1 % 8 == 0 && (uintptr_t)p2 % 8 == 0 && (uintptr_t)p3 % 8 == 0);
    CHECK(p2 == p1 + 8);
    CHECK(p3 == p2 + 8);
    CHECK(a.used_total == 8 + 8 + 16);
    char *z = arena_alloc(&a, 0);
    CHECK(z != NULL);

    /* an oversized allocation gets its own chunk; the current one keeps filling */
    char *big = arena_alloc(&a, 1000);
    CHECK(big != NULL && (uintptr_t)big % 8 == 0);
    memset(big, 0x5a, 1000);
    char *p4 = arena_alloc(&a, 8);
    CHECK(p4 == p3 + 16);
    CHECK(a.used_total == 32 + 1000 + 8);

    /* a new chunk when the current one is full; earlier allocations never move */
    char *s = arena_strndup(&a, "hello world", 5);
    CHECK(s && !strcmp(s, "hello"));
    int misaligned = 0;
    for (int i = 0; i < 20; i++) {
        char *q = arena_alloc(&a, 24);
        if (!q || (uintptr_t)q % 8 != 0)
            misaligned++;
        else
            memset(q, 0x11, 24);
    }
    CHECK(misaligned == 0);
    CHECK(!strcmp(s, "hello"));
    CHECK(big[0] == 0x5a && big[999] == 0x5a);

    /* reset keeps one normal chunk and hands out its memory again */
    arena_reset(&a);
    CHECK(a.used_total == 0);
    CHECK(a.head != NULL);
    char *r1 = arena_alloc(&a, 3);
    char *r2 = arena_alloc(&a, 3);
    CHECK(r1 != NULL && r2 == r1 + 8);
    arena_release(&a);
    CHECK(a.head == NULL && a.used_total == 0);

    /* max bounds the bytes handed out since the last reset */
    arena_init(&a, 64, 32);
    CHECK(arena_alloc(&a, 16) != NULL);
    CHECK(arena_alloc(&a, 9) != NULL); /* rounds up to 16: total 32 */
    CHECK(a.used_total == 32);
    CHECK(arena_alloc(&a, 1) == NULL);
    CHECK(arena_strndup(&a, "", 0) == NULL);
    CHECK(a.used_total == 32);
    arena_reset(&a);
    CHECK(arena_alloc(&a, 32) != NULL);
    CHECK(arena_alloc(&a, 1) == NULL);
    arena_reset(&a);
    CHECK(arena_alloc(&a, 33) == NULL);
    CHECK(arena_strndup(&a, "0123456789012345678901234567890", 31) != NULL); /* 32 with NUL */
    CHECK(arena_alloc(&a, SIZE_MAX) == NULL);
    CHECK(arena_alloc(&a, SIZE_MAX - 7) == NULL);
    arena_release(&a);

    /* a zero chunk size means the default, not an arena that cannot allocate */
    arena_init(&a, 0, 0);
    CHECK(a.chunk_size == 4096);
    CHECK(arena_alloc(&a, 100) != NULL);
    arena_release(&a);
}

static enum mm_status u64(const char *s, uint64_t max, uint64_t *out)
{
    return mm_parse_u64(s, strlen(s), max, out);
}

static enum mm_status i64(const char *s, int64_t *out)
{
    return mm_parse_i64(s, strlen(s), out);
}

static void test_parse_numbers(void)
{
    uint64_t u = 0;
    CHECK(u64("0", UINT64_MAX, &u) == MM_OK && u == 0);
    CHECK(u64("4096", UINT64_MAX, &u) == MM_OK && u == 4096);
    CHECK(u64("007", UINT64_MAX, &u) == MM_OK && u == 7);
    CHECK(u64("18446744073709551615", UINT64_MAX, &u) == MM_OK && u == UINT64_MAX);
    u = 99;
    CHECK(u64("18446744073709551616", UINT64_MAX, &u) == MM_ERR_TOO_LARGE);
    CHECK(u64("99999999999999999999999", UINT64_MAX, &u) == MM_ERR_TOO_LARGE);
    CHECK(u == 99); /* untouched on error */
    CHECK(u64("100", 100, &u) == MM_OK && u == 100);
    CHECK(u64("101", 100, &u) == MM_ERR_TOO_LARGE && u == 100);
    CHECK(u64("", UINT64_MAX, &u) == MM_ERR_PARSE);
    CHECK(u64("12a", UINT64_MAX, &u) == MM_ERR_PARSE);
    CHECK(u64(" 1", UINT64_MAX, &u) == MM_ERR_PARSE);
    CHECK(u64("1 ", UINT64_MAX, &u) == MM_ERR_PARSE);
    CHECK(u64("+1", UINT64_MAX, &u) == MM_ERR_PARSE);
    CHECK(u64("-1", UINT64_MAX, &u) == MM_ERR_PARSE);
    CHECK(u64("0x10", UINT64_MAX, &u) == MM_ERR_PARSE);
    /* exactly the slice's bytes */
    CHECK(mm_parse_u64("1234", 2, UINT64_MAX, &u) == MM_OK && u == 12);
    CHECK(mm_parse_u64("12x4", 2, UINT64_MAX, &u) == MM_OK && u == 12);

    int64_t v = 0;
    CHECK(i64("0", &v) == MM_OK && v == 0);
    CHECK(i64("-0", &v) == MM_OK && v == 0);
    CHECK(i64("-42", &v) == MM_OK && v == -42);
    CHECK(i64("9223372036854775807", &v) == MM_OK && v == INT64_MAX);
    CHECK(i64("-9223372036854775808", &v) == MM_OK && v == INT64_MIN);
    v = 5;
    CHECK(i64("9223372036854775808", &v) == MM_ERR_TOO_LARGE);
    CHECK(i64("-9223372036854775809", &v) == MM_ERR_TOO_LARGE);
    CHECK(v == 5);
    CHECK(i64("", &v) == MM_ERR_PARSE);
    CHECK(i64("-", &v) == MM_ERR_PARSE);
    CHECK(i64("--1", &v) == MM_ERR_PARSE);
    CHECK(i64("+1", &v) == MM_ERR_PARSE);
    CHECK(i64("1-", &v) == MM_ERR_PARSE);
    CHECK(i64("- 1", &v) == MM_ERR_PARSE);

    long l = 0;
    CHECK(mm_parse_long("42", 0, 100, &l) == MM_OK && l == 42);
    CHECK(mm_parse_long("-5", -10, 10, &l) == MM_OK && l == -5);
    CHECK(mm_parse_long("101", 0, 100, &l) == MM_ERR_TOO_LARGE);
    CHECK(mm_parse_long("-1", 0, 100, &l) == MM_ERR_TOO_LARGE);
    CHECK(mm_parse_long("4 2", 0, 100, &l) == MM_ERR_PARSE);
    CHECK(mm_parse_long("", 0, 100, &l) == MM_ERR_PARSE);
    CHECK(l == -5);
}

static void test_parse_size(void)
{
    uint64_t v = 0;
    CHECK(mm_parse_size("0", &v) == MM_OK && v == 0);
    CHECK(mm_parse_size("4096", &v) == MM_OK && v == 4096);
    CHECK(mm_parse_size("10b", &v) == MM_OK && v == 10);
    CHECK(mm_parse_size("64k", &v) == MM_OK && v == 65536);
    CHECK(mm_parse_size("64K", &v) == MM_OK && v == 65536);
    CHECK(mm_parse_size("64kb", &v) == MM_OK && v == 65536);
    CHECK(mm_parse_size("64KiB", &v) == MM_OK && v == 65536);
    CHECK(mm_parse_size("1m", &v) == MM_OK && v == 1048576);
    CHECK(mm_parse_size("16MB", &v) == MM_OK && v == 16777216);
    CHECK(mm_parse_size("1mib", &v) == MM_OK && v == 1048576);
    CHECK(mm_parse_size("2g", &v) == MM_OK && v == 2147483648ull);
    CHECK(mm_parse_size("4GiB", &v) == MM_OK && v == 4294967296ull);
    CHECK(mm_parse_size("17179869183g", &v) == MM_OK && v == UINT64_MAX - 1073741823ull);
    v = 7;
    CHECK(mm_parse_size("17179869184g", &v) == MM_ERR_TOO_LARGE); /* 2^64 */
    CHECK(mm_parse_size("99999999999999999999", &v) == MM_ERR_TOO_LARGE);
    CHECK(mm_parse_size("", &v) == MM_ERR_PARSE);
    CHECK(mm_parse_size("k", &v) == MM_ERR_PARSE);
    CHECK(mm_parse_size("1.5m", &v) == MM_ERR_PARSE);
    CHECK(mm_parse_size("64 k", &v) == MM_ERR_PARSE);
    CHECK(mm_parse_size(" 64k", &v) == MM_ERR_PARSE);
    CHECK(mm_parse_size("64k ", &v) == MM_ERR_PARSE);
    CHECK(mm_parse_size("1t", &v) == MM_ERR_PARSE);
    CHECK(mm_parse_size("-1", &v) == MM_ERR_PARSE);
    CHECK(mm_parse_size("1kk", &v) == MM_ERR_PARSE);
    CHECK(v == 7);
}

static void test_parse_duration(void)
{
    int64_t ns = 0;
    CHECK(mm_parse_duration("0", &ns) == MM_OK && ns == 0);
    CHECK(mm_parse_duration("30", &ns) == MM_OK && ns == 30 * NS);
    CHECK(mm_parse_duration("5s", &ns) == MM_OK && ns == 5 * NS);
    CHECK(mm_parse_duration("200ms", &ns) == MM_OK && ns == 200000000);
    CHECK(mm_parse_duration("7us", &ns) == MM_OK && ns == 7000);
    CHECK(mm_parse_duration("2m", &ns) == MM_OK && ns == 120 * NS);
    CHECK(mm_parse_duration("2min", &ns) == MM_OK && ns == 120 * NS);
    CHECK(mm_parse_duration("1h", &ns) == MM_OK && ns == 3600 * NS);
    CHECK(mm_parse_duration("400d", &ns) == MM_OK && ns == 400LL * 86400 * NS);
    /* the largest whole number of days in an int64 of nanoseconds, and one more */
    CHECK(mm_parse_duration("106751d", &ns) == MM_OK && ns == 106751LL * 86400 * NS);
    ns = 3;
    CHECK(mm_parse_duration("106752d", &ns) == MM_ERR_TOO_LARGE);
    CHECK(mm_parse_duration("9223372036854775807us", &ns) == MM_ERR_TOO_LARGE);
    CHECK(mm_parse_duration("9223372036854775808", &ns) == MM_ERR_TOO_LARGE);
    CHECK(mm_parse_duration("99999999999999999999s", &ns) == MM_ERR_TOO_LARGE);
    CHECK(mm_parse_duration("", &ns) == MM_ERR_PARSE);
    CHECK(mm_parse_duration("s", &ns) == MM_ERR_PARSE);
    CHECK(mm_parse_duration("5S", &ns) == MM_ERR_PARSE);
    CHECK(mm_parse_duration("5 s", &ns) == MM_ERR_PARSE);
    CHECK(mm_parse_duration("1.5s", &ns) == MM_ERR_PARSE);
    CHECK(mm_parse_duration("5x", &ns) == MM_ERR_PARSE);
    CHECK(mm_parse_duration("5sec", &ns) == MM_ERR_PARSE);
    CHECK(mm_parse_duration("-5s", &ns) == MM_ERR_PARSE);
    CHECK(ns == 3);
}

/* mm_utf8_valid on an exactly-sized heap copy, so a read past the end is caught by ASan */
static bool utf8(const char *s, size_t n)
{
    char *p = mm_malloc(n ? n : 1);
    memcpy(p, s, n);
    bool r = mm_utf8_valid(p, n);
    mm_free(p);
    return r;
}
#define UTF8(lit) utf8(lit, sizeof(lit) - 1)

static void test_utf8(void)
{
    CHECK(UTF8(""));
    CHECK(UTF8("plain ascii \x01\x7f"));
    CHECK(utf8("a\0b", 3));
    CHECK(UTF8("\xC3\xA9"));         /* é */
    CHECK(UTF8("\xE2\x82\xAC"));     /* € */
    CHECK(UTF8("\xF0\x9F\x98\x80")); /* U+1F600 */
    CHECK(UTF8("\xC2\x80"));         /* U+0080, smallest 2-byte */
    CHECK(UTF8("\xDF\xBF"));         /* U+07FF */
    CHECK(UTF8("\xE0\xA0\x80"));     /* U+0800, smallest 3-byte */
    CHECK(UTF8("\xEF\xBF\xBF"));     /* U+FFFF */
    CHECK(UTF8("\xF0\x90\x80\x80")); /* U+10000, smallest 4-byte */
    CHECK(UTF8("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
    CHECK(UTF8("\xED\x9F\xBF"));     /* U+D7FF, just below the surrogates */
    CHECK(UTF8("\xEE\x80\x80"));     /* U+E000, just above */
    CHECK(UTF8("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC"));

    /* overlong encodings */
    CHECK(!UTF8("\xC0\x80"));
    CHECK(!UTF8("\xC1\xBF"));
    CHECK(!UTF8("\xE0\x80\x80"));
    CHECK(!UTF8("\xE0\x9F\xBF"));
    CHECK(!UTF8("\xF0\x80\x80\x80"));
    CHECK(!UTF8("\xF0\x8F\xBF\xBF"));
    /* surrogates */
    CHECK(!UTF8("\xED\xA0\x80"));
    CHECK(!UTF8("\xED\xBF\xBF"));
    CHECK(!UTF8("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
    /* past U+10FFFF and bytes that never start a sequence */
    CHECK(!UTF8("\xF4\x90\x80\x80"));
    CHECK(!UTF8("\xF5\x80\x80\x80"));
    CHECK(!UTF8("\xF8\x88\x80\x80\x80"));
    CHECK(!UTF8("\xFE"));
    CHECK(!UTF8("\xFF"));
    CHECK(!UTF8("\x80"));
    CHECK(!UTF8("a\xBF"));
    /* truncated sequences, at the end and followed by ASCII */
    CHECK(!UTF8("\xC3"));
    CHECK(!UTF8("\xE2\x82"));
    CHECK(!UTF8("\xF0\x9F\x98"));
    CHECK(!UTF8("ok\xE2\x82"));
    CHECK(!UTF8("\xC3"
                "A"));
    CHECK(!UTF8("\xE2\x82"
                "A"));
    CHECK(!UTF8("\xF0\x9F\x98"
                "A"));
    /* the length bounds the check: a valid sequence cut by len is invalid */
    CHECK(!utf8("\xC3\xA9", 1));
    CHECK(utf8("ab\xC3\xA9", 2));
}

static void test_civil(void)
{
    CHECK(mm_days_from_civil(1970, 1, 1) == 0);
    CHECK(mm_days_from_civil(1969, 12, 31) == -1);
    CHECK(mm_days_from_civil(2000, 1, 1) == 10957);
    CHECK(mm_days_from_civil(2000, 3, 1) == 11017);
    CHECK(mm_days_from_civil(2000, 3, 1) - mm_days_from_civil(2000, 2, 28) == 2); /* 2000 is leap */
    CHECK(mm_days_from_civil(2100, 3, 1) - mm_days_from_civil(2100, 2, 28) == 1); /* 2100 is not */
    CHECK(mm_days_from_civil(2024, 3, 1) - mm_days_from_civil(2024, 2, 28) == 2);
    CHECK(mm_days_from_civil(2026, 3, 1) - mm_days_from_civil(2026, 2, 28) == 1);
    CHECK(mm_days_from_civil(2024, 2, 29) == 19782);
    CHECK(mm_days_from_civil(2100, 3, 1) == 47541);
    CHECK(mm_days_from_civil(1600, 1, 1) == -135140);
    CHECK(mm_days_from_civil(1, 1, 1) == -719162);
    CHECK(mm_days_from_civil(9999, 12, 31) == 2932896);

    CHECK(mm_utc_seconds(1970, 1, 1, 0, 0, 0) == 0);
    CHECK(mm_utc_seconds(2026, 11, 23, 12, 0, 0) == 1795435200);
    CHECK(mm_utc_seconds(2027, 1, 1, 0, 0, 10) == 1798761610);
    CHECK(mm_utc_seconds(1969, 12, 31, 23, 59, 59) == -1);

    int y, mo, d, h, mi, s;
    mm_civil_from_seconds(0, &y, &mo, &d, &h, &mi, &s);
    CHECK(y == 1970 && mo == 1 && d == 1 && h == 0 && mi == 0 && s == 0);
    mm_civil_from_seconds(-1, &y, &mo, &d, &h, &mi, &s);
    CHECK(y == 1969 && mo == 12 && d == 31 && h == 23 && mi == 59 && s == 59);
    mm_civil_from_seconds(-86401, &y, &mo, &d, &h, &mi, &s);
    CHECK(y == 1969 && mo == 12 && d == 30 && h == 23 && mi == 59 && s == 59);
    mm_civil_from_seconds(951782400, &y, &mo, &d, &h, &mi, &s);
    CHECK(y == 2000 && mo == 2 && d == 29 && h == 0);
    mm_civil_from_seconds(47541LL * 86400 - 1, &y, &mo, &d, &h, &mi, &s);
    CHECK(y == 2100 && mo == 2 && d == 28 && h == 23 && mi == 59 && s == 59);
    mm_civil_from_seconds(1795435200 + 3723, &y, &mo, &d, &h, &mi, &s);
    CHECK(y == 2026 && mo == 11 && d == 23 && h == 13 && mi == 2 && s == 3);

    /* every day from 1900 to 2200: consecutive day numbers, and back again through seconds */
    int64_t expect = mm_days_from_civil(1900, 1, 1);
    int bad_days = 0, bad_round = 0, ndays = 0;
    for (int yy = 1900; yy <= 2200; yy++)
        for (int mm = 1; mm <= 12; mm++)
            for (int dd = 1; dd <= 31; dd++) {
                if (!mm_date_valid(yy, mm, dd))
                    continue;
                ndays++;
                if (mm_days_from_civil(yy, (unsigned)mm, (unsigned)dd) != expect)
                    bad_days++;
                int64_t secs = expect * 86400 + 12345;
                mm_civil_from_seconds(secs, &y, &mo, &d, &h, &mi, &s);
                if (y != yy || mo != mm || d != dd || h != 3 || mi != 25 || s != 45 ||
                    mm_utc_seconds(y, mo, d, h, mi, s) != secs)
                    bad_round++;
                expect++;
            }
    CHECK(bad_days == 0);
    CHECK(bad_round == 0);
    CHECK(ndays == 301 * 365 + 73); /* 73 leap days: 1904..2196 without 1900, 2100 */

    /* second by second across the epoch */
    int bad_secs = 0;
    for (int64_t t = -90000; t <= 90000; t += 7) {
        mm_civil_from_seconds(t, &y, &mo, &d, &h, &mi, &s);
        if (mm_utc_seconds(y, mo, d, h, mi, s) != t)
            bad_secs++;
    }
    CHECK(bad_secs == 0);

    CHECK(mm_date_valid(2000, 2, 29));
    CHECK(!mm_date_valid(2100, 2, 29));
    CHECK(mm_date_valid(2024, 2, 29));
    CHECK(!mm_date_valid(2026, 2, 29));
    CHECK(!mm_date_valid(2026, 4, 31));
    CHECK(mm_date_valid(2026, 12, 31));
    CHECK(!mm_date_valid(2026, 12, 32));
    CHECK(!mm_date_valid(2026, 13, 1));
    CHECK(!mm_date_valid(2026, 0, 1));
    CHECK(!mm_date_valid(2026, 1, 0));
    CHECK(!mm_date_valid(0, 1, 1));
    CHECK(!mm_date_valid(10000, 1, 1));
}

static void test_time_format(void)
{
    char out[40];
    int64_t t = 1795435200LL * NS + 123456789;
    CHECK(mm_time_format(t, MM_TIME_MICRO, out, sizeof out) == 27);
    CHECK(!strcmp(out, "2026-11-23T12:00:00.123456Z"));
    CHECK(mm_time_format(t, MM_TIME_MILLI, out, sizeof out) == 24);
    CHECK(!strcmp(out, "2026-11-23T12:00:00.123Z"));
    CHECK(mm_time_format(t, MM_TIME_SEC, out, sizeof out) == 20);
    CHECK(!strcmp(out, "2026-11-23T12:00:00Z"));
    mm_time_format(0, MM_TIME_MICRO, out, sizeof out);
    CHECK(!strcmp(out, "1970-01-01T00:00:00.000000Z"));
    /* before the epoch the fraction still counts forward within the second */
    mm_time_format(-1, MM_TIME_MICRO, out, sizeof out);
    CHECK(!strcmp(out, "1969-12-31T23:59:59.999999Z"));
    mm_time_format(-NS / 2, MM_TIME_MILLI, out, sizeof out);
    CHECK(!strcmp(out, "1969-12-31T23:59:59.500Z"));
    mm_time_format(951782400LL * NS + 999999999, MM_TIME_MILLI, out, sizeof out);
    CHECK(!strcmp(out, "2000-02-29T00:00:00.999Z")); /* truncated, not rounded into the next day */
    /* a short buffer: truncated but NUL-terminated, length of what was written */
    char small[10];
    CHECK(mm_time_format(t, MM_TIME_MICRO, small, sizeof small) == 9);
    CHECK(!strcmp(small, "2026-11-2"));
}

static void test_tz(void)
{
    struct mm_tz tz;
    CHECK(mm_tz_parse("+09:00", &tz) == MM_OK && !tz.local && tz.offset_sec == 32400);
    CHECK(mm_tz_parse("-0500", &tz) == MM_OK && !tz.local && tz.offset_sec == -18000);
    CHECK(mm_tz_parse("+05:45", &tz) == MM_OK && tz.offset_sec == 20700);
    CHECK(mm_tz_parse("-03:30", &tz) == MM_OK && tz.offset_sec == -12600);
    CHECK(mm_tz_parse("+09", &tz) == MM_OK && tz.offset_sec == 32400);
    CHECK(mm_tz_parse("+14:00", &tz) == MM_OK && tz.offset_sec == 50400);
    CHECK(mm_tz_parse("-00:00", &tz) == MM_OK && tz.offset_sec == 0);
    tz = (struct mm_tz){ .local = true, .offset_sec = 5 };
    CHECK(mm_tz_parse("UTC", &tz) == MM_OK && !tz.local && tz.offset_sec == 0);
    tz = (struct mm_tz){ .local = true, .offset_sec = 5 };
    CHECK(mm_tz_parse("utc", &tz) == MM_OK && !tz.local && tz.offset_sec == 0);
    CHECK(mm_tz_parse("Z", &tz) == MM_OK && !tz.local && tz.offset_sec == 0);
    CHECK(mm_tz_parse("local", &tz) == MM_OK && tz.local);
    CHECK(mm_tz_parse("LOCAL", &tz) == MM_OK && tz.local);

    CHECK(mm_tz_parse("", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("JST", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("09:00", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+9:00", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+9", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+09:60", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+15:00", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+09:00:00", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+0900x", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+09-00", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+09:0", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("+ab:cd", &tz) == MM_ERR_PARSE);
    CHECK(mm_tz_parse("UTC+1", &tz) == MM_ERR_PARSE);

    struct mm_tz fixed = { .local = false, .offset_sec = -18000 };
    CHECK(mm_tz_offset_at(&fixed, 2026, 7, 1, 12, 0, 0) == -18000);

    /* the local zone follows TZ, including daylight saving (POSIX rule, no zone files needed) */
    setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
    tzset();
    struct mm_tz local = { .local = true };
    CHECK(mm_tz_offset_at(&local, 2026, 1, 15, 12, 0, 0) == -18000);
    CHECK(mm_tz_offset_at(&local, 2026, 7, 15, 12, 0, 0) == -14400);
    CHECK(mm_tz_offset_at(&local, 2026, 1, 15, 12, 30, 0) == -18000); /* cached hour */
    setenv("TZ", "JST-9", 1);
    tzset();
    CHECK(mm_tz_offset_at(&local, 2026, 11, 23, 21, 0, 0) == 32400);
    unsetenv("TZ");
    tzset();
}

static void test_month(void)
{
    static const char *const names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    int bad = 0;
    for (int i = 0; i < 12; i++)
        if (mm_month_from_abbr(names[i]) != i + 1)
            bad++;
    CHECK(bad == 0);
    CHECK(mm_month_from_abbr("jan") == 1);
    CHECK(mm_month_from_abbr("DEC") == 12);
    CHECK(mm_month_from_abbr("nOv") == 11);
    CHECK(mm_month_from_abbr("Sept") == 9); /* only the first three letters count */
    CHECK(mm_month_from_abbr("Foo") == 0);
    CHECK(mm_month_from_abbr("Ja") == 0);
    CHECK(mm_month_from_abbr("J n") == 0);
    CHECK(mm_month_from_abbr("123") == 0);
}

static void test_list(void)
{
    const char *s = " a.yml, ,b dir ,,c,";
    struct slice it;
    CHECK(mm_list_next(&s, &it) && it.len == 5 && !memcmp(it.p, "a.yml", 5));
    CHECK(mm_list_next(&s, &it) && it.len == 5 && !memcmp(it.p, "b dir", 5)); /* inner space kept */
    CHECK(mm_list_next(&s, &it) && it.len == 1 && it.p[0] == 'c');
    CHECK(!mm_list_next(&s, &it));
    const char *empty = " , ";
    CHECK(!mm_list_next(&empty, &it));
    const char *none = NULL;
    CHECK(!mm_list_next(&none, &it));
}

int main(void)
{
    test_list();
    test_buf_append();
    test_buf_printf();
    test_buf_max();
    test_buf_consume_detach();
    test_arena();
    test_parse_numbers();
    test_parse_size();
    test_parse_duration();
    test_utf8();
    test_civil();
    test_time_format();
    test_tz();
    test_month();
    return UNIT_DONE();
}
