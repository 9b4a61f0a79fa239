/* SPDX-License-Identifier: Apache-2.0 */
/* reader.c: walking a store's blocks and decoding their records, read-only (pread, no locks: a
 * reader sees the blocks that were whole when it reached them). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "seal.h"
#include "store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

static int cmp_seg(const void *a, const void *b)
{
    const struct store_segment *x = a, *y = b;
    return x->first_seq < y->first_seq ? -1 : x->first_seq > y->first_seq;
}

/* "<16 hex digits>.mms" */
static bool segment_name(const char *name, uint64_t *seq)
{
    if (strlen(name) != 20 || strcmp(name + 16, ".mms") != 0)
        return false;
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = name[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    *seq = v;
    return true;
}

enum mm_status store_reader_open(struct store_reader *r, const char *path, struct mm_error *err)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    size_t n = strlen(path) + 16;
    r->dir = mm_malloc(n);
    snprintf(r->dir, n, "%s/segments", path);
    DIR *d = opendir(r->dir);
    if (!d) {
        enum mm_status st = mm_error_set(err, errno == ENOENT ? MM_ERR_NOT_FOUND : MM_ERR_IO,
                                         "'%s' is not a store (cannot open %s: %s)", path, r->dir,
                                         mm_strerror(errno));
        mm_free(r->dir);
        r->dir = NULL;
        return st;
    }
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        uint64_t seq;
        if (!segment_name(de->d_name, &seq))
            continue;
        if (r->nsegs == cap) {
            cap = cap ? cap * 2 : 64;
            r->segs = mm_reallocarray(r->segs, cap, sizeof *r->segs);
        }
        struct store_segment *s = &r->segs[r->nsegs];
        memset(s, 0, sizeof *s);
        snprintf(s->name, sizeof s->name, "%s", de->d_name);
        s->first_seq = seq;
        size_t pl = strlen(r->dir) + strlen(de->d_name) + 2;
        s->path = mm_malloc(pl);
        snprintf(s->path, pl, "%s/%s", r->dir, de->d_name);
        struct stat st;
        if (stat(s->path, &st) < 0) {
            mm_free(s->path);
            continue;
        }
        s->size = (uint64_t)st.st_size;
        r->nsegs++;
    }
    closedir(d);
    if (r->nsegs > 1)
        qsort(r->segs, r->nsegs, sizeof *r->segs, cmp_seg);
    return MM_OK;
}

bool store_writer_active(const char *path)
{
    char lp[4200];
    snprintf(lp, sizeof lp, "%s/lock", path);
    int fd = open(lp, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

void store_reader_close(struct store_reader *r)
{
    for (size_t i = 0; i < r->nsegs; i++)
        mm_free(r->segs[i].path);
    mm_free(r->segs);
    mm_free(r->dir);
    if (r->fd >= 0)
        close(r->fd);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}

void store_walk_init(struct store_walk *w, struct store_reader *r, bool want_index)
{
    memset(w, 0, sizeof *w);
    w->from_ns = INT64_MIN;
    w->to_ns = INT64_MAX;
    w->r = r;
    w->fd = -1;
    w->want_index = want_index;
    buf_init(&w->index, BUF_NO_MAX);
}

void store_walk_release(struct store_walk *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    buf_release(&w->index);
    if (w->side.data)
        buf_release(&w->side);
}

bool store_segidx_load(const struct store_reader *r, size_t seg, struct buf *out)
{
    const struct store_segment *sg = &r->segs[seg];
    char path[4300];
    size_t pl = strlen(sg->path);
    snprintf(path, sizeof path, "%.*s.mmi", (int)(pl - 4), sg->path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && st.st_size >= SEGIDX_HDR_SIZE + STORE_HASH_SIZE &&
              (uint64_t)st.st_size <= (uint64_t)1 << 32;
    if (ok) {
        buf_reset(out);
        buf_reserve(out, (size_t)st.st_size);
        ok = store_pread_full(fd, out->data, (size_t)st.st_size, 0);
        out->len = ok ? (size_t)st.st_size : 0;
    }
    close(fd);
    if (!ok)
        return false;
    const uint8_t *p = (const uint8_t *)out->data;
    size_t body = out->len - STORE_HASH_SIZE;
    uint8_t d[STORE_HASH_SIZE];
    sha256_once(p, body, d);
    if (memcmp(p, SEGIDX_MAGIC, 4) != 0 || memcmp(d, p + body, STORE_HASH_SIZE) != 0 ||
        get_u64(p + 8) != sg->size)
        return false;
    /* every entry well-formed, the blocks contiguous from 0 to the end of the segment, and the
     * time range the header gives the one of its DATA blocks */
    uint64_t n = get_u64(p + 16), expect = 0;
    int64_t t_min = INT64_MAX, t_max = INT64_MIN;
    size_t pos = SEGIDX_HDR_SIZE;
    for (uint64_t i = 0; i < n; i++) {
        struct block_header h;
        const char *why;
        if (body - pos < 8 + STORE_HDR_SIZE || get_u64(p + pos) != expect ||
            !block_header_decode(p + pos + 8, &h, &why) || body - pos - 8 - STORE_HDR_SIZE < h.index_len)
            return false;
        pos += 8 + STORE_HDR_SIZE + h.index_len;
        expect += block_total_size(&h);
        if (h.type == BLOCK_DATA) {
            t_min = MM_MIN(t_min, h.t_min);
            t_max = MM_MAX(t_max, h.t_max);
        }
    }
    return pos == body && expect == sg->size && (int64_t)get_u64(p + 24) == t_min &&
           (int64_t)get_u64(p + 32) == t_max;
}

/* The time range a segment's .mmi gives, from its first 40 bytes only (no hash check: a wrong
 * range can only make a search skip or read a segment it should not, and verify checks it). */
static bool segidx_times(const struct store_segment *sg, int64_t *t_min, int64_t *t_max)
{
    char path[4300];
    snprintf(path, sizeof path, "%.*s.mmi", (int)(strlen(sg->path) - 4), sg->path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    uint8_t h[SEGIDX_HDR_SIZE];
    bool ok = store_pread_full(fd, h, sizeof h, 0) && !memcmp(h, SEGIDX_MAGIC, 4) && get_u64(h + 8) == sg->size;
    close(fd);
    if (ok) {
        *t_min = (int64_t)get_u64(h + 24);
        *t_max = (int64_t)get_u64(h + 32);
    }
    return ok;
}

bool store_pread_full(int fd, void *p, size_t n, uint64_t off)
{
    uint8_t *q = p;
    while (n) {
        ssize_t r = pread(fd, q, n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        q += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return true;
}

enum mm_status store_walk_next(struct store_walk *w, struct store_block *b, char *why, size_t whylen)
{
    for (;;) {
        if (w->seg >= w->r->nsegs)
            return MM_EOF;
        struct store_segment *sg = &w->r->segs[w->seg];
        if (w->side_active) {
            const uint8_t *p = (const uint8_t *)w->side.data;
            if (w->side_pos + STORE_HASH_SIZE >= w->side.len) {
                w->side_active = false;
                w->seg++;
                continue;
            }
            const char *reason;
            b->seg = w->seg;
            b->offset = get_u64(p + w->side_pos);
            block_header_decode(p + w->side_pos + 8, &b->h, &reason); /* checked at load */
            b->index = b->h.index_len ? (uint8_t *)w->side.data + w->side_pos + 8 + STORE_HDR_SIZE : NULL;
            memset(b->trailer, 0, sizeof b->trailer);
            w->side_pos += 8 + STORE_HDR_SIZE + b->h.index_len;
            return MM_OK;
        }
        if (w->use_segidx && w->fd < 0 && w->want_index) {
            int64_t s_min, s_max;
            if ((w->from_ns != INT64_MIN || w->to_ns != INT64_MAX) && segidx_times(sg, &s_min, &s_max) &&
                (s_max < w->from_ns || s_min > w->to_ns)) {
                w->segs_time_skipped++;
                w->seg++; /* no record of it in the range: not even its index is read */
                continue;
            }
            if (!w->side.data)
                buf_init(&w->side, BUF_NO_MAX);
            if (store_segidx_load(w->r, w->seg, &w->side)) {
                w->side_active = true;
                w->side_pos = SEGIDX_HDR_SIZE;
                w->segidx_used++;
                continue;
            }
        }
        if (w->fd < 0) {
            w->fd = open(sg->path, O_RDONLY | O_CLOEXEC);
            w->off = 0;
            if (w->fd < 0) {
                snprintf(why, whylen, "cannot open %s: %s", sg->name, mm_strerror(errno));
                w->seg++;
                return MM_ERR_IO;
            }
            /* a search hops from index to index: readahead would read the payloads between */
            if (w->no_trailer)
                posix_fadvise(w->fd, 0, 0, POSIX_FADV_RANDOM);
        }
        if (w->off >= sg->size) {
            close(w->fd);
            w->fd = -1;
            w->seg++;
            continue;
        }
        b->seg = w->seg;
        b->offset = w->off;
        /* one read for the header and (usually all of) the index: a search touches nothing else
         * of the blocks it skips */
        uint8_t *hdr;
        /* blocks of a store have indexes of similar size: guess the last one's (cold reads of
         * a year's indexes are what a needle search costs) */
        size_t guess = w->want_index ? (w->index_guess ? w->index_guess : 16384) : 0;
        size_t got = (size_t)MM_MIN(sg->size - w->off, (uint64_t)(STORE_HDR_SIZE + guess));
        buf_reset(&w->index);
        buf_reserve(&w->index, STORE_HDR_SIZE + guess);
        hdr = (uint8_t *)w->index.data;
        const char *reason;
        enum mm_status st = MM_ERR_PARSE;
        bool last = w->seg + 1 == w->r->nsegs;
        if (sg->size - w->off < STORE_HDR_SIZE) {
            if (last && w->live_tail)
                goto live_end;
            snprintf(why, whylen, "%s: the file ends %" PRIu64 " bytes into a block header",
                     sg->name, sg->size - w->off);
        } else if (!store_pread_full(w->fd, hdr, got, w->off)) {
            snprintf(why, whylen, "%s: read error at byte %" PRIu64, sg->name, w->off);
            st = MM_ERR_IO;
        } else if (!block_header_decode(hdr, &b->h, &reason)) {
            snprintf(why, whylen, "%s at byte %" PRIu64 ": %s", sg->name, w->off, reason);
        } else if (w->off + block_total_size(&b->h) > sg->size) {
            if (last && w->live_tail)
                goto live_end;
            snprintf(why, whylen, "%s at byte %" PRIu64 ": block %" PRIu64 " is truncated: the file "
                     "ends %" PRIu64 " bytes into a block of %" PRIu64, sg->name, w->off, b->h.seq,
                     sg->size - w->off, block_total_size(&b->h));
        } else {
            uint64_t toff = w->off + block_total_size(&b->h) - STORE_TRAILER_SIZE;
            bool ok = w->no_trailer ? (memset(b->trailer, 0, sizeof b->trailer), true)
                                    : store_pread_full(w->fd, b->trailer, STORE_TRAILER_SIZE, toff);
            b->index = NULL;
            if (ok && w->want_index && b->h.index_len) {
                size_t have = got - STORE_HDR_SIZE;
                if (b->h.index_len > have) {
                    buf_reserve(&w->index, STORE_HDR_SIZE + (size_t)b->h.index_len);
                    ok = store_pread_full(w->fd, w->index.data + STORE_HDR_SIZE + have, b->h.index_len - have,
                                    w->off + STORE_HDR_SIZE + have);
                }
                w->index.len = STORE_HDR_SIZE + b->h.index_len;
                b->index = (uint8_t *)w->index.data + STORE_HDR_SIZE;
                w->index_guess = MM_MIN((size_t)b->h.index_len, (size_t)1 << 20);
            }
            if (!ok) {
                snprintf(why, whylen, "%s: read error at byte %" PRIu64, sg->name, w->off);
                st = MM_ERR_IO;
            } else {
                w->off += block_total_size(&b->h);
                return MM_OK;
            }
        }
        /* damage: what follows in this segment cannot be found; go on with the next */
        close(w->fd);
        w->fd = -1;
        w->seg++;
        return st;
    live_end:
        /* the writer is appending this block right now: the walk ends before it */
        w->live_tail_seen = true;
        close(w->fd);
        w->fd = -1;
        w->seg++;
        return MM_EOF;
    }
}

enum mm_status store_read_payload(struct store_walk *w, const struct store_block *b, struct buf *out,
                                  struct mm_error *err)
{
    struct store_segment *sg = &w->r->segs[b->seg];
    int fd = w->fd >= 0 && w->seg == b->seg ? w->fd : open(sg->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mm_error_set(err, MM_ERR_IO, "cannot open %s: %s", sg->path, mm_strerror(errno));
    enum mm_status rc = MM_OK;
    uint64_t off = b->offset + STORE_HDR_SIZE + b->h.index_len;
    buf_reset(out);
    if (!(b->h.flags & BLOCK_F_ZSTD)) {
        buf_reserve(out, b->h.payload_len);
        if (!store_pread_full(fd, out->data, b->h.payload_len, off))
            rc = mm_error_set(err, MM_ERR_IO, "%s: cannot read block %" PRIu64, sg->name, b->h.seq);
        else
            out->len = b->h.payload_len;
    } else {
        char *tmp = mm_malloc(b->h.payload_len ? b->h.payload_len : 1);
        buf_reserve(out, b->h.raw_len);
        if (!store_pread_full(fd, tmp, b->h.payload_len, off)) {
            rc = mm_error_set(err, MM_ERR_IO, "%s: cannot read block %" PRIu64, sg->name, b->h.seq);
        } else {
            size_t n = ZSTD_decompress(out->data, b->h.raw_len, tmp, b->h.payload_len);
            if (ZSTD_isError(n) || n != b->h.raw_len)
                rc = mm_error_set(err, MM_ERR_PARSE, "%s: block %" PRIu64 " does not decompress: %s",
                                  sg->name, b->h.seq, ZSTD_isError(n) ? ZSTD_getErrorName(n) : "wrong size");
            else
                out->len = n;
        }
        mm_free(tmp);
    }
    if (out->len < out->cap)
        out->data[out->len] = '\0';
    if (fd != w->fd)
        close(fd);
    return rc;
}

void store_hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

void store_records_release(struct store_records *r)
{
    mm_free(r->recs);
    mm_free(r->strs);
    memset(r, 0, sizeof *r);
}

enum mm_status store_decode_records(const struct block_header *h, const uint8_t *payload, size_t len,
                                    struct store_records *out, struct mm_error *err)
{
    const uint8_t *p = payload, *end = payload + len;
    uint64_t ns, v;
    out->n = out->nstrs = 0;
    if (!varint_get(&p, end, &ns) || ns > len)
        return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": bad string table", h->seq);
    if (ns > out->strcap) {
        out->strcap = ns;
        out->strs = mm_reallocarray(out->strs, ns ? ns : 1, sizeof *out->strs);
    }
    for (uint64_t i = 0; i < ns; i++) {
        if (!varint_get(&p, end, &v) || v > (uint64_t)(end - p))
            return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": bad string %" PRIu64, h->seq, i);
        out->strs[i] = (struct slice){ (const char *)p, (size_t)v };
        p += v;
    }
    out->nstrs = ns;
    size_t n = h->count;
    /* each record takes at least 6 bytes of columns */
    if (n > (size_t)(end - p) / 6)
        return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": record count %zu too large", h->seq, n);
    if (h->t_min > h->t_max)
        return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": time range reversed", h->seq);
    uint64_t span = (uint64_t)h->t_max - (uint64_t)h->t_min;
    if (n > out->cap) {
        out->cap = n;
        out->recs = mm_reallocarray(out->recs, n ? n : 1, sizeof *out->recs);
    }
    for (size_t i = 0; i < n; i++) {
        if (!varint_get(&p, end, &v) || v > span)
            return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": bad time of record %zu", h->seq, i);
        out->recs[i].receive_ns = (int64_t)((uint64_t)h->t_min + v);
    }
    for (int col = 0; col < 3; col++) {
        for (size_t i = 0; i < n; i++) {
            if (!varint_get(&p, end, &v) || v >= ns)
                return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": bad string reference in record %zu",
                                    h->seq, i);
            struct slice *dst = col == 0 ? &out->recs[i].peer : col == 1 ? &out->recs[i].listener : &out->recs[i].parser;
            *dst = out->strs[v];
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!varint_get(&p, end, &v) || v > 255)
            return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": bad flags of record %zu", h->seq, i);
        out->recs[i].flags = (uint8_t)v;
    }
    const uint8_t *lens = p;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!varint_get(&p, end, &v) || v > len)
            return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": bad length of record %zu", h->seq, i);
        total += v;
    }
    if (total != (uint64_t)(end - p))
        return mm_error_set(err, MM_ERR_PARSE, "block %" PRIu64 ": messages take %" PRIu64 " bytes, "
                            "%zu are left", h->seq, total, (size_t)(end - p));
    const uint8_t *raw = p;
    p = lens;
    for (size_t i = 0; i < n; i++) {
        varint_get(&p, end, &v);
        out->recs[i].raw = (struct slice){ (const char *)raw, (size_t)v };
        raw += v;
    }
    out->n = n;
    return MM_OK;
}
