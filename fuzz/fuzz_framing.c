/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_framing.c: RFC 6587 stream framing. The same stream must frame into the same messages
 * however it is cut into reads: fed in one chunk, byte by byte, and in chunks whose sizes come
 * from the input. Each chunk is copied to the end of a heap buffer, so a framer that reads past
 * a chunk is caught by ASan, and one that keeps a pointer into a chunk after the call sees it
 * overwritten by the next (and frames differently). LF mode is also checked against a few-line
 * model of the format.
 *
 * Input: 4 bytes of chunk sizes (cycled), then the stream. */
#include "fuzz.h"
#include "base/alloc.h"
#include "net/framing.h"

#define HEADER 4

/* Every message as [truncated][8-byte length][bytes], so two runs compare with memcmp. */
struct transcript {
    struct buf log;
    size_t max;
    size_t messages, truncated;
    bool finishing; /* inside framer_finish */
};

static void record(struct transcript *t, const char *msg, size_t len, bool truncated)
{
    uint64_t n = len;
    buf_append_char(&t->log, truncated ? 'T' : 'M');
    buf_append(&t->log, &n, sizeof n);
    buf_append(&t->log, msg, len);
    t->messages++;
    t->truncated += truncated;
}

static void on_frame(void *arg, const char *msg, size_t len, bool truncated)
{
    struct transcript *t = arg;
    FUZZ_CHECK(len <= t->max, "message of %zu bytes, max %zu", len, t->max);
    FUZZ_CHECK(msg != NULL || len == 0, "NULL message");
    /* a message is cut exactly at the maximum; only the end of the stream may cut one short (an
     * octet count that promised more than came) */
    FUZZ_CHECK(!truncated || len == t->max || t->finishing,
               "truncated message of %zu bytes, max %zu", len, t->max);
    record(t, msg, len, truncated);
}

struct run {
    struct transcript t;
    uint64_t frames, truncated, bad_counts;
};

/* Frame the stream cut into chunks: sizes[k % nsizes] bytes each (a 0 feeds an empty chunk and
 * then one byte). nsizes == 0: one chunk. */
static void frame(struct run *r, enum framing_mode mode, size_t max, const char *p, size_t len,
                  const uint8_t *sizes, size_t nsizes)
{
    struct framer f;
    *r = (struct run){ .t.max = max };
    buf_init(&r->t.log, BUF_NO_MAX);
    framer_init(&f, mode, max);
    char *scratch = mm_malloc(MM_MAX(len, (size_t)1));
    size_t i = 0, k = 0;
    while (i < len) {
        size_t n = nsizes ? sizes[k++ % nsizes] : len;
        if (n == 0) {
            framer_feed(&f, p + i, 0, on_frame, &r->t);
            n = 1;
        }
        n = MM_MIN(n, len - i);
        char *chunk = scratch + MM_MAX(len, (size_t)1) - n;
        memcpy(chunk, p + i, n);
        framer_feed(&f, chunk, n, on_frame, &r->t);
        memset(chunk, 0xA5, n);
        FUZZ_CHECK(f.partial.len <= max, "framer holds %zu bytes, max %zu", f.partial.len, max);
        i += n;
    }
    mm_free(scratch);
    r->t.finishing = true;
    framer_finish(&f, on_frame, &r->t);
    r->frames = f.frames;
    r->truncated = f.truncated;
    r->bad_counts = f.bad_counts;
    FUZZ_CHECK(f.frames == r->t.messages, "frames counter %" PRIu64 ", %zu delivered", f.frames,
               r->t.messages);
    FUZZ_CHECK(f.truncated == r->t.truncated, "truncated counter %" PRIu64 ", %zu delivered",
               f.truncated, r->t.truncated);
    framer_release(&f);
}

/* LF framing as the format says: separators (LF, CR, NUL) between messages are skipped; a message
 * runs to the next LF, loses one trailing CR, and past max is cut to max bytes and flagged. A
 * message at the end of the stream without its LF still counts. */
static void frame_lf_model(struct transcript *t, size_t max, const char *p, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && (p[i] == '\n' || p[i] == '\r' || p[i] == '\0'))
            i++;
        if (i >= len)
            break;
        const char *nl = memchr(p + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (p + i)) : len - i;
        if (n > max) {
            record(t, p + i, max, true);
        } else {
            size_t m = n;
            if (m && p[i + m - 1] == '\r')
                m--;
            record(t, p + i, m, false);
        }
        i += n + 1;
    }
}

static void same(const struct run *a, const struct run *b, const char *what, enum framing_mode mode,
                 size_t max)
{
    FUZZ_CHECK(a->t.log.len == b->t.log.len && !memcmp(a->t.log.data, b->t.log.data, a->t.log.len),
               "mode %d max %zu: %s framed differently (%zu and %zu messages)", (int)mode, max, what,
               a->t.messages, b->t.messages);
    FUZZ_CHECK(a->frames == b->frames && a->truncated == b->truncated &&
                   a->bad_counts == b->bad_counts,
               "mode %d max %zu: %s counted differently", (int)mode, max, what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum framing_mode modes[] = { FRAMING_AUTO, FRAMING_LF, FRAMING_OCTET };
    static const size_t maxes[] = { 64, 65536 };
    if (size < HEADER)
        return 0;
    const uint8_t *sizes = data;
    const char *stream = (const char *)data + HEADER;
    size_t len = size - HEADER;
    static const uint8_t one[] = { 1 };
    for (size_t m = 0; m < MM_ARRAY_LEN(modes); m++) {
        for (size_t x = 0; x < MM_ARRAY_LEN(maxes); x++) {
            struct run whole, bytes, chunks;
            frame(&whole, modes[m], maxes[x], stream, len, NULL, 0);
            frame(&bytes, modes[m], maxes[x], stream, len, one, 1);
            frame(&chunks, modes[m], maxes[x], stream, len, sizes, HEADER);
            same(&whole, &bytes, "byte by byte", modes[m], maxes[x]);
            same(&whole, &chunks, "in chunks", modes[m], maxes[x]);
            if (modes[m] == FRAMING_LF) {
                struct transcript model = { .max = maxes[x] };
                buf_init(&model.log, BUF_NO_MAX);
                frame_lf_model(&model, maxes[x], stream, len);
                FUZZ_CHECK(model.log.len == whole.t.log.len &&
                               !memcmp(model.log.data, whole.t.log.data, model.log.len),
                           "max %zu: LF framing differs from the model (%zu messages, model %zu)",
                           maxes[x], whole.t.messages, model.messages);
                buf_release(&model.log);
            }
            buf_release(&whole.t.log);
            buf_release(&bytes.t.log);
            buf_release(&chunks.t.log);
        }
    }
    return 0;
}
