/* SPDX-License-Identifier: Apache-2.0 */
/* test_framing.c: unit tests for RFC 6587 stream framing: LF, CRLF and octet-counted frames, both
 * mixed in auto mode, the same result however the stream is cut into reads, and bounded memory
 * for over-long messages. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "net/framing.h"
#include "unit.h"

#define SINK_MAX 64

struct sink {
    int n;
    char *msg[SINK_MAX];
    size_t len[SINK_MAX];
    bool trunc[SINK_MAX];
};

static void collect(void *arg, const char *msg, size_t len, bool truncated)
{
    struct sink *s = arg;
    if (s->n >= SINK_MAX)
        return;
    s->msg[s->n] = mm_malloc(len + 1);
    memcpy(s->msg[s->n], msg, len);
    s->msg[s->n][len] = '\0';
    s->len[s->n] = len;
    s->trunc[s->n] = truncated;
    s->n++;
}

static void sink_clear(struct sink *s)
{
    for (int i = 0; i < s->n; i++)
        mm_free(s->msg[i]);
    memset(s, 0, sizeof *s);
}

/* the i-th message equals want and its truncated flag is trunc */
static bool msg_is(const struct sink *s, int i, const char *want, bool trunc)
{
    bool ok = i < s->n && s->len[i] == strlen(want) && !memcmp(s->msg[i], want, s->len[i]) &&
              s->trunc[i] == trunc;
    if (!ok) {
        if (i < s->n)
            printf("# message %d: got \"%s\" (%zu bytes, truncated %d), want \"%s\" (%d)\n", i,
                   s->msg[i], s->len[i], s->trunc[i], want, trunc);
        else
            printf("# message %d: missing (%d messages), want \"%s\"\n", i, s->n, want);
    }
    return ok;
}

/* Feed data in pieces of chunk bytes (each piece an exactly-sized heap copy, so ASan sees reads
 * past a read's end), then finish when asked. */
static void run(struct framer *f, struct sink *s, const char *data, size_t len, size_t chunk,
                bool finish)
{
    for (size_t i = 0; i < len; i += chunk) {
        size_t n = MM_MIN(chunk, len - i);
        char *p = mm_malloc(n);
        memcpy(p, data + i, n);
        framer_feed(f, p, n, collect, s);
        mm_free(p);
    }
    if (finish)
        framer_finish(f, collect, s);
}

static void frame(enum framing_mode mode, size_t max, const char *data, size_t len, size_t chunk,
                  bool finish, struct sink *s, struct framer *f)
{
    sink_clear(s);
    framer_init(f, mode, max);
    run(f, s, data, len, chunk, finish);
}

static bool same(const struct sink *a, const struct sink *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (a->len[i] != b->len[i] || memcmp(a->msg[i], b->msg[i], a->len[i]) ||
            a->trunc[i] != b->trunc[i])
            return false;
    return true;
}

#define FRAME(mode, max, lit, s, f) frame(mode, max, lit, sizeof(lit) - 1, SIZE_MAX, false, s, f)

static void test_lf(void)
{
    struct sink s = { 0 };
    struct framer f;
    FRAME(FRAMING_LF, 1024, "a\nbb\n\nccc\n", &s, &f);
    CHECK(s.n == 3);
    CHECK(msg_is(&s, 0, "a", false));
    CHECK(msg_is(&s, 1, "bb", false));
    CHECK(msg_is(&s, 2, "ccc", false));
    CHECK(f.frames == 3 && f.truncated == 0);
    framer_release(&f);

    /* CRLF: the CR is not part of the message; stray separators between frames are skipped */
    FRAME(FRAMING_LF, 1024, "a\r\nbb\r\n\r\n\0\0ccc\r\n", &s, &f);
    CHECK(s.n == 3);
    CHECK(msg_is(&s, 0, "a", false));
    CHECK(msg_is(&s, 1, "bb", false));
    CHECK(msg_is(&s, 2, "ccc", false));
    framer_release(&f);

    /* in LF mode digits and a space are just text */
    FRAME(FRAMING_LF, 1024, "5 hello\n12 x\n", &s, &f);
    CHECK(s.n == 2);
    CHECK(msg_is(&s, 0, "5 hello", false));
    CHECK(msg_is(&s, 1, "12 x", false));
    framer_release(&f);

    /* a message split over several reads */
    sink_clear(&s);
    framer_init(&f, FRAMING_LF, 1024);
    framer_feed(&f, "hel", 3, collect, &s);
    CHECK(s.n == 0);
    CHECK(framer_held(&f) > 0);
    framer_feed(&f, "lo\nwor", 6, collect, &s);
    CHECK(s.n == 1 && msg_is(&s, 0, "hello", false));
    framer_feed(&f, "ld\n", 3, collect, &s);
    CHECK(s.n == 2 && msg_is(&s, 1, "world", false));
    /* a CR at the end of one read and the LF at the start of the next */
    framer_feed(&f, "crlf\r", 5, collect, &s);
    framer_feed(&f, "\n", 1, collect, &s);
    CHECK(s.n == 3 && msg_is(&s, 2, "crlf", false));
    framer_release(&f);
    sink_clear(&s);
}

static void test_octet(void)
{
    struct sink s = { 0 };
    struct framer f;
    FRAME(FRAMING_OCTET, 1024, "5 hello6 world!", &s, &f);
    CHECK(s.n == 2);
    CHECK(msg_is(&s, 0, "hello", false));
    CHECK(msg_is(&s, 1, "world!", false));
    CHECK(f.frames == 2 && f.bad_counts == 0);
    framer_release(&f);

    /* the body is taken whole: LF, CR and NUL inside it are content */
    FRAME(FRAMING_OCTET, 1024, "12 with\nnewline3 a\rb4 x\0yz", &s, &f);
    CHECK(s.n == 3);
    CHECK(msg_is(&s, 0, "with\nnewline", false));
    CHECK(msg_is(&s, 1, "a\rb", false));
    CHECK(s.len[2] == 4 && !memcmp(s.msg[2], "x\0yz", 4));
    framer_release(&f);

    /* LF after a frame (senders that add one) is skipped */
    FRAME(FRAMING_OCTET, 1024, "3 abc\n3 def\r\n", &s, &f);
    CHECK(s.n == 2);
    CHECK(msg_is(&s, 0, "abc", false));
    CHECK(msg_is(&s, 1, "def", false));
    framer_release(&f);
    sink_clear(&s);
}

static void test_auto(void)
{
    struct sink s = { 0 };
    struct framer f;
    static const char stream[] = "5 hello"
                                 "plain line\n"
                                 "12 with\nnewline"
                                 "2026-11-23 digits then a dash\n"
                                 "<13>Nov 23 15:30:00 h a: m\r\n"
                                 "3 abc"
                                 "0 zero is not a count\n"
                                 "99999999999 eleven digits\n"
                                 "2000000000 above the largest count\n"
                                 "last\n";
    FRAME(FRAMING_AUTO, 1024, stream, &s, &f);
    CHECK(s.n == 10);
    CHECK(msg_is(&s, 0, "hello", false));
    CHECK(msg_is(&s, 1, "plain line", false));
    CHECK(msg_is(&s, 2, "with\nnewline", false));
    CHECK(msg_is(&s, 3, "2026-11-23 digits then a dash", false));
    CHECK(msg_is(&s, 4, "<13>Nov 23 15:30:00 h a: m", false));
    CHECK(msg_is(&s, 5, "abc", false));
    CHECK(msg_is(&s, 6, "0 zero is not a count", false));
    CHECK(msg_is(&s, 7, "99999999999 eleven digits", false));
    CHECK(msg_is(&s, 8, "2000000000 above the largest count", false));
    CHECK(msg_is(&s, 9, "last", false));
    CHECK(f.frames == 10 && f.truncated == 0 && f.bad_counts == 0);
    framer_release(&f);

    /* however the stream is cut into reads, the messages are the same */
    struct sink whole = { 0 }, piece = { 0 };
    frame(FRAMING_AUTO, 1024, stream, sizeof stream - 1, SIZE_MAX, true, &whole, &f);
    framer_release(&f);
    static const size_t chunks[] = { 1, 2, 3, 5, 7, 13, 64 };
    for (size_t c = 0; c < MM_ARRAY_LEN(chunks); c++) {
        frame(FRAMING_AUTO, 1024, stream, sizeof stream - 1, chunks[c], true, &piece, &f);
        CHECK(same(&whole, &piece));
        framer_release(&f);
    }
    /* ... also when messages are truncated */
    frame(FRAMING_AUTO, 8, stream, sizeof stream - 1, SIZE_MAX, true, &whole, &f);
    uint64_t trunc_whole = f.truncated;
    CHECK(trunc_whole > 0);
    framer_release(&f);
    for (size_t c = 0; c < MM_ARRAY_LEN(chunks); c++) {
        frame(FRAMING_AUTO, 8, stream, sizeof stream - 1, chunks[c], true, &piece, &f);
        CHECK(same(&whole, &piece) && f.truncated == trunc_whole);
        framer_release(&f);
    }
    sink_clear(&whole);
    sink_clear(&piece);
    sink_clear(&s);
}

static void test_truncation(void)
{
    struct sink s = { 0 };
    struct framer f;
    /* an over-long line: the first max bytes, flagged; the rest skipped up to the LF */
    FRAME(FRAMING_LF, 8, "abcdefghijklmnop\nnext\nabcdefgh\n", &s, &f);
    CHECK(s.n == 3);
    CHECK(msg_is(&s, 0, "abcdefgh", true));
    CHECK(msg_is(&s, 1, "next", false));
    CHECK(msg_is(&s, 2, "abcdefgh", false)); /* exactly max is whole */
    CHECK(f.frames == 3 && f.truncated == 1);
    framer_release(&f);

    /* the same when the long line arrives in pieces, some before the limit is reached */
    sink_clear(&s);
    framer_init(&f, FRAMING_LF, 8);
    framer_feed(&f, "abcde", 5, collect, &s);
    framer_feed(&f, "fghij", 5, collect, &s);
    CHECK(s.n == 1 && msg_is(&s, 0, "abcdefgh", true));
    framer_feed(&f, "klmnopqrstuvwxyz", 16, collect, &s);
    framer_feed(&f, "still skipping\nok\n", 18, collect, &s);
    CHECK(s.n == 2 && msg_is(&s, 1, "ok", false));
    CHECK(framer_held(&f) <= 64); /* memory stayed bounded by max, not by the line */
    framer_release(&f);

    /* in auto mode a long run of digits that is not a count is a truncated line */
    FRAME(FRAMING_AUTO, 8, "12345678901234567890\nnext\n", &s, &f);
    CHECK(s.n == 2);
    CHECK(msg_is(&s, 0, "12345678", true));
    CHECK(msg_is(&s, 1, "next", false));
    framer_release(&f);

    /* an over-long octet frame: truncated, and the following frame intact */
    FRAME(FRAMING_OCTET, 8, "12 abcdefghijkl3 xyz", &s, &f);
    CHECK(s.n == 2);
    CHECK(msg_is(&s, 0, "abcdefgh", true));
    CHECK(msg_is(&s, 1, "xyz", false));
    CHECK(f.frames == 2 && f.truncated == 1);
    framer_release(&f);
    frame(FRAMING_OCTET, 8, "12 abcdefghijkl3 xyz", 20, 1, false, &s, &f);
    CHECK(s.n == 2);
    CHECK(msg_is(&s, 0, "abcdefgh", true));
    CHECK(msg_is(&s, 1, "xyz", false));
    framer_release(&f);
    /* a frame of exactly max bytes is whole */
    FRAME(FRAMING_AUTO, 8, "8 abcdefgh9 abcdefghi", &s, &f);
    CHECK(s.n == 2);
    CHECK(msg_is(&s, 0, "abcdefgh", false));
    CHECK(msg_is(&s, 1, "abcdefgh", true));
    framer_release(&f);

    /* the largest count allowed: the body is cut at max and the rest is not waited for as data */
    FRAME(FRAMING_OCTET, 8, "1000000000 abcdefghijk", &s, &f);
    CHECK(s.n == 1);
    CHECK(msg_is(&s, 0, "abcdefgh", true));
    CHECK(f.octet_left == 1000000000u - 11);
    framer_release(&f);
    sink_clear(&s);
}

static void test_strict_octet(void)
{
    struct sink s = { 0 };
    struct framer f;
    /* a count of zero is not a count: in strict mode, skip to the next LF and count it */
    FRAME(FRAMING_OCTET, 1024, "0 hello\n5 world", &s, &f);
    CHECK(s.n == 1);
    CHECK(msg_is(&s, 0, "world", false));
    CHECK(f.bad_counts == 1);
    framer_release(&f);

    /* digits not followed by a space */
    FRAME(FRAMING_OCTET, 1024, "12x34 junk\n3 abc", &s, &f);
    CHECK(s.n == 1 && msg_is(&s, 0, "abc", false) && f.bad_counts == 1);
    framer_release(&f);

    /* a count too large to be one */
    FRAME(FRAMING_OCTET, 1024, "99999999999 x\n2000000000 y\n3 abc", &s, &f);
    CHECK(s.n == 1 && msg_is(&s, 0, "abc", false) && f.bad_counts == 2);
    framer_release(&f);

    /* a frame that does not start with a count at all: strict mode does not take it as a line */
    FRAME(FRAMING_OCTET, 1024, "garbage here\n5 hello", &s, &f);
    CHECK(s.n == 1);
    CHECK(msg_is(&s, 0, "hello", false));
    CHECK(f.bad_counts == 1);
    framer_release(&f);
    sink_clear(&s);
}

static void test_finish(void)
{
    struct sink s = { 0 };
    struct framer f;
    /* a sender that closes without a final LF still sent the message */
    frame(FRAMING_LF, 1024, "abc\ndef", 7, SIZE_MAX, false, &s, &f);
    CHECK(s.n == 1);
    framer_finish(&f, collect, &s);
    CHECK(s.n == 2 && msg_is(&s, 1, "def", false));
    CHECK(framer_held(&f) == 0);
    CHECK(f.frames == 2);
    /* the framer is reusable after finish */
    framer_feed(&f, "again\n", 6, collect, &s);
    CHECK(s.n == 3 && msg_is(&s, 2, "again", false));
    framer_finish(&f, collect, &s);
    CHECK(s.n == 3); /* nothing pending: nothing delivered */
    framer_release(&f);

    frame(FRAMING_LF, 1024, "abc\r", 4, SIZE_MAX, true, &s, &f);
    CHECK(s.n == 1 && msg_is(&s, 0, "abc", false));
    framer_release(&f);

    /* an octet frame cut short: what came, flagged truncated */
    frame(FRAMING_OCTET, 1024, "10 abc", 6, SIZE_MAX, true, &s, &f);
    CHECK(s.n == 1 && msg_is(&s, 0, "abc", true));
    CHECK(f.truncated == 1);
    framer_release(&f);

    /* digits at the very end: a line in auto mode, nothing in strict octet mode */
    frame(FRAMING_AUTO, 1024, "x\n123", 5, SIZE_MAX, true, &s, &f);
    CHECK(s.n == 2 && msg_is(&s, 1, "123", false));
    framer_release(&f);
    frame(FRAMING_OCTET, 1024, "3 abc123", 8, SIZE_MAX, true, &s, &f);
    CHECK(s.n == 1 && msg_is(&s, 0, "abc", false));
    framer_release(&f);

    /* nothing at all */
    frame(FRAMING_AUTO, 1024, "", 0, SIZE_MAX, true, &s, &f);
    CHECK(s.n == 0 && f.frames == 0);
    framer_release(&f);
    sink_clear(&s);
}

int main(void)
{
    test_lf();
    test_octet();
    test_auto();
    test_truncation();
    test_strict_octet();
    test_finish();
    return UNIT_DONE();
}
