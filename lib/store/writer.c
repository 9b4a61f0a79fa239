/* SPDX-License-Identifier: Apache-2.0 */
/* writer.c: the store's one writer. Records gather in an open block (columns, interned strings,
 * index tokens); a full or old block is encoded, compressed, hashed onto the chain and written
 * with pwrite at the segment's end. Nothing advances (sequence number, chain hash, counts) until
 * the bytes are written, so a failed write (disk full) leaves the block pending and the file as
 * it was: the caller retries, and appends wait meanwhile. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/mtime.h"
#include "event/json.h"
#include "bloom.h"
#include "seal.h"
#include "store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define RETENTION_CHECK_NS (3600 * MM_NS_PER_SEC)

struct intern {
    uint64_t *keys; /* hash, 0 = empty */
    uint32_t *idx;
    size_t cap, n;
};

struct store {
    struct store_options o;
    char *path, *segdir, *key_path;
    int lockfd;
    struct seal_key *key;
    uint8_t pub[STORE_PUBKEY_SIZE];
    uint8_t id[STORE_ID_SIZE];
    int64_t created_ns;

    /* active segment */
    int segfd;
    char segname[64];
    uint64_t seg_end; /* bytes of whole blocks written */
    int64_t seg_opened_ns;
    int64_t seg_t_min; /* earliest receive time in the segment's data; INT64_MAX: none yet */
    bool seg_dirty_tail; /* a failed write may have left bytes past seg_end */

    /* the chain */
    uint64_t next_seq;
    uint8_t last_hash[STORE_HASH_SIZE];
    uint64_t records_written; /* since block 0 */
    uint64_t records_durable;
    bool unsynced;
    int64_t last_sync_ns;
    uint64_t blocks_since_checkpoint;
    int64_t last_checkpoint_ns, last_retention_ns;

    /* the open DATA block */
    size_t n, cap;
    int64_t *t;
    uint32_t *peer, *lst, *par, *len;
    uint8_t *flags;
    struct buf raw;
    struct buf strs;      /* interned strings: (u32 length, bytes) */
    uint32_t nstrs;
    uint32_t *stroff;     /* offset of each in strs */
    size_t stroffcap;
    struct intern in;
    uint64_t *tok;
    size_t ntok, tokcap;
    uint64_t *set; /* scratch for distinct tokens */
    size_t setcap;
    int64_t block_started; /* wall ns of the first record */

    /* an encoded block waiting to be written (after a failed write) */
    struct buf pending;
    uint64_t pending_count;
    uint8_t pending_hash[STORE_HASH_SIZE];
    bool has_pending;
    int64_t blocked_since;
    bool resumed;         /* writes succeed again: store_tick records it */
    int64_t resumed_from; /* when they had started failing */

    struct buf enc, comp, idx;
    ZSTD_CCtx *cctx;
    struct store_stats stats;
};

void store_options_default(struct store_options *o)
{
    *o = (struct store_options){
        .block_size = 4 * 1024 * 1024,
        .block_interval_ns = MM_NS_PER_SEC,
        .sync_interval_ns = MM_NS_PER_SEC,
        .checkpoint_interval_ns = 60 * MM_NS_PER_SEC,
        .segment_size = 1024ull * 1024 * 1024,
        .segment_interval_ns = STORE_DAY_NS,
        .retention_ns = 400 * STORE_DAY_NS,
        .zstd_level = 6,
    };
}

enum mm_status store_options_check(const struct store_options *o, struct mm_error *err)
{
    if (!o->path || !*o->path)
        return mm_error_set(err, MM_ERR_INVALID, "store: no path");
    if (o->block_size < 4096 || o->block_size > 64 * 1024 * 1024)
        return mm_error_set(err, MM_ERR_INVALID, "store: block_size must be between 4 KiB and 64 MiB");
    if (o->segment_size < 1024 * 1024)
        return mm_error_set(err, MM_ERR_INVALID, "store: segment_size must be at least 1 MiB");
    if (o->retention_ns && o->retention_ns < STORE_MIN_RETENTION_DAYS * STORE_DAY_NS) {
        if (!o->retention_override)
            return mm_error_set(err, MM_ERR_INVALID,
                                "store: retention of %.1f days is below the %d days logs must be kept "
                                "(NISC guidance); set store_retention_override = yes (--retention-override) to allow it",
                                (double)o->retention_ns / (double)STORE_DAY_NS, STORE_MIN_RETENTION_DAYS);
    }
    if (o->zstd_level < 1 || o->zstd_level > 19)
        return mm_error_set(err, MM_ERR_INVALID, "store: zstd_level must be between 1 and 19");
    return MM_OK;
}

/* ---- writing blocks ---- */

static enum mm_status fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return MM_ERR_IO;
    int rc = fsync(fd);
    close(fd);
    return rc == 0 ? MM_OK : MM_ERR_IO;
}

/* Write the pending block at the segment's end. */
static enum mm_status write_pending(struct store *st)
{
    if (!st->has_pending)
        return MM_OK;
    if (st->seg_dirty_tail) {
        if (ftruncate(st->segfd, (off_t)st->seg_end) < 0)
            goto fail;
        st->seg_dirty_tail = false;
    }
    const char *p = st->pending.data;
    size_t left = st->pending.len;
    uint64_t off = st->seg_end;
    while (left) {
        ssize_t w = pwrite(st->segfd, p, left, (off_t)off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        p += w;
        left -= (size_t)w;
        off += (uint64_t)w;
    }
    st->seg_end = off;
    st->next_seq++;
    memcpy(st->last_hash, st->pending_hash, STORE_HASH_SIZE);
    st->records_written += st->pending_count;
    st->stats.records += st->pending_count;
    st->stats.blocks++;
    st->stats.bytes_stored += st->pending.len;
    st->blocks_since_checkpoint++;
    st->unsynced = true;
    st->has_pending = false;
    buf_reset(&st->pending);
    if (st->stats.blocked) {
        st->stats.blocked = false;
        st->resumed = true;
        st->resumed_from = st->blocked_since;
        mm_log_info("store", "writes to '%s' succeed again after %.1f s", st->path,
                    (double)(mm_now_ns() - st->blocked_since) / 1e9);
    }
    if (st->o.sync_interval_ns == 0) {
        if (fdatasync(st->segfd) == 0) {
            st->records_durable = st->records_written;
            st->unsynced = false;
            st->stats.syncs++;
        }
    }
    return MM_OK;
fail:;
    int e = errno;
    st->seg_dirty_tail = true;
    (void)!ftruncate(st->segfd, (off_t)st->seg_end);
    st->stats.write_errors++;
    if (!st->stats.blocked) {
        st->stats.blocked = true;
        st->blocked_since = mm_now_ns();
        mm_log_error("store", "cannot write to '%s/%s': %s; not accepting more until it can "
                     "(retrying every second)", st->segdir, st->segname, mm_strerror(e));
    }
    errno = e;
    return MM_ERR_IO;
}

/* Encode a block (header, index, payload, trailer) into pending and write it. */
static enum mm_status emit_block(struct store *st, uint8_t type, uint8_t flags, int64_t t_min,
                                 int64_t t_max, uint32_t count, const void *index, size_t index_len,
                                 const void *payload, size_t payload_len, size_t raw_len)
{
    if (st->has_pending && write_pending(st) != MM_OK)
        return MM_ERR_IO;
    struct block_header h = {
        .type = type, .flags = flags, .seq = st->next_seq, .t_min = t_min, .t_max = t_max,
        .count = count, .index_len = (uint32_t)index_len, .payload_len = (uint32_t)payload_len,
        .raw_len = (uint32_t)raw_len,
    };
    if (!st->o.unsealed)
        memcpy(h.prev_hash, st->last_hash, STORE_HASH_SIZE);
    uint8_t hdr[STORE_HDR_SIZE];
    block_header_encode(&h, hdr);
    buf_reset(&st->pending);
    buf_append(&st->pending, hdr, sizeof hdr);
    buf_append(&st->pending, index, index_len);
    buf_append(&st->pending, payload, payload_len);
    if (st->o.unsealed) {
        memset(st->pending_hash, 0, STORE_HASH_SIZE);
    } else {
        sha256_once(st->pending.data, st->pending.len, st->pending_hash);
    }
    buf_append(&st->pending, st->pending_hash, STORE_HASH_SIZE);
    buf_append(&st->pending, STORE_TRAILER_MAGIC, 4);
    st->pending_count = count;
    st->has_pending = true;
    return write_pending(st);
}

static enum mm_status emit_json_block(struct store *st, uint8_t type, const char *json)
{
    int64_t now = mm_now_ns();
    return emit_block(st, type, 0, now, now, 0, NULL, 0, json, strlen(json), strlen(json));
}

static enum mm_status do_sync(struct store *st)
{
    if (!st->unsynced)
        return MM_OK;
    if (fdatasync(st->segfd) < 0) {
        mm_log_error("store", "cannot sync '%s/%s': %s", st->segdir, st->segname, mm_strerror(errno));
        st->stats.write_errors++;
        return MM_ERR_IO;
    }
    st->records_durable = st->records_written;
    st->unsynced = false;
    st->stats.syncs++;
    st->last_sync_ns = mm_mono_ns();
    return MM_OK;
}

static enum mm_status write_checkpoint(struct store *st)
{
    if (st->o.unsealed)
        return MM_OK;
    uint8_t p[CHECKPOINT_PAYLOAD_SIZE];
    uint8_t msg[sizeof CHECKPOINT_DOMAIN - 1 + CHECKPOINT_SIGNED_SIZE];
    int64_t now = mm_now_ns();
    if (st->has_pending && write_pending(st) != MM_OK)
        return MM_ERR_IO;
    memcpy(p, st->id, STORE_ID_SIZE);
    put_u64(p + 16, st->next_seq);
    memcpy(p + 24, st->last_hash, STORE_HASH_SIZE);
    put_u64(p + 56, (uint64_t)now);
    put_u64(p + 64, st->records_written);
    memcpy(msg, CHECKPOINT_DOMAIN, sizeof CHECKPOINT_DOMAIN - 1);
    memcpy(msg + sizeof CHECKPOINT_DOMAIN - 1, p, CHECKPOINT_SIGNED_SIZE);
    if (!seal_sign(st->key, msg, sizeof msg, p + CHECKPOINT_SIGNED_SIZE)) {
        mm_log_error("store", "cannot sign a checkpoint");
        return MM_ERR_IO;
    }
    enum mm_status rc = emit_block(st, BLOCK_CHECKPOINT, 0, now, now, 0, NULL, 0, p, sizeof p, sizeof p);
    if (rc != MM_OK)
        return rc;
    st->blocks_since_checkpoint = 0;
    st->last_checkpoint_ns = mm_mono_ns();
    st->stats.checkpoints++;
    st->stats.last_checkpoint_ns = now;
    return do_sync(st);
}

/* ---- segments ---- */

static enum mm_status open_segment(struct store *st, uint64_t first_seq, struct mm_error *err)
{
    snprintf(st->segname, sizeof st->segname, "%016" PRIx64 ".mms", first_seq);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", st->segdir, st->segname);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return mm_error_set(err, MM_ERR_IO, "cannot create segment '%s': %s", path, mm_strerror(errno));
    if (st->segfd >= 0)
        close(st->segfd);
    st->segfd = fd;
    st->seg_end = 0;
    st->seg_dirty_tail = false;
    st->seg_t_min = INT64_MAX;
    int64_t now = mm_now_ns();
    st->seg_opened_ns = now;
    uint8_t p[SEGMENT_PAYLOAD_SIZE] = { 0 };
    memcpy(p, st->id, STORE_ID_SIZE);
    memcpy(p + 16, st->pub, STORE_PUBKEY_SIZE);
    put_u64(p + 48, (uint64_t)st->created_ns);
    put_u64(p + 56, (uint64_t)now);
    put_u64(p + 64, st->records_written);
    put_u32(p + 72, STORE_FORMAT_VERSION);
    enum mm_status rc = emit_block(st, BLOCK_SEGMENT, 0, now, now, 0, NULL, 0, p, sizeof p, sizeof p);
    if (rc != MM_OK) {
        /* nothing of the new segment is usable: remove it, the next attempt starts over */
        close(fd);
        st->segfd = -1;
        st->has_pending = false;
        unlink(path);
        return mm_error_set(err, rc, "cannot write segment '%s': %s", path, mm_strerror(errno));
    }
    /* the block is written and the chain moved on: this is the segment now, synced or not */
    if (fsync(fd) < 0 || fsync_dir(st->segdir) != MM_OK)
        mm_log_error("store", "cannot sync segment '%s': %s (it is synced again later)", path, mm_strerror(errno));
    else
        st->unsynced = false;
    return MM_OK;
}

/* A segment ends at segment_size bytes, or when it has been open segment_interval, or when the
 * data would span more than segment_interval of receive times (imported archives): retention
 * deletes whole segments, so each should cover about one interval of time. */
static bool segment_due(const struct store *st, int64_t now, int64_t data_t_max)
{
    if (st->seg_end >= st->o.segment_size)
        return true;
    if (!st->o.segment_interval_ns)
        return false;
    return now - st->seg_opened_ns >= st->o.segment_interval_ns ||
           (st->seg_t_min != INT64_MAX && data_t_max != INT64_MIN &&
            (data_t_max - st->seg_t_min >= st->o.segment_interval_ns || data_t_max < st->seg_t_min - st->o.segment_interval_ns));
}

/* Write segments/<name>.mmi for a closed segment (format.h): headers and indexes in one file.
 * Derived data: a failure is logged and searches walk the segment instead. */
static void write_segment_index(struct store *st, int fd, const char *name, uint64_t end)
{
    store_segidx_write(st->segdir, name, fd, end);
}

bool store_segidx_write(const char *segdir, const char *name, int fd, uint64_t end)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    uint8_t hdr[SEGIDX_HDR_SIZE] = { 0 };
    memcpy(hdr, SEGIDX_MAGIC, 4);
    put_u64(hdr + 8, end);
    buf_append(&b, hdr, sizeof hdr);
    uint64_t off = 0, n = 0;
    int64_t t_min = INT64_MAX, t_max = INT64_MIN;
    bool ok = true;
    while (ok && off < end) {
        uint8_t h[STORE_HDR_SIZE], o[8];
        struct block_header bh;
        const char *why;
        ok = store_pread_full(fd, h, sizeof h, off) && block_header_decode(h, &bh, &why) &&
             off + block_total_size(&bh) <= end;
        if (!ok)
            break;
        put_u64(o, off);
        buf_append(&b, o, 8);
        buf_append(&b, h, sizeof h);
        if (bh.index_len) {
            size_t at = b.len;
            buf_reserve(&b, bh.index_len);
            ok = store_pread_full(fd, b.data + at, bh.index_len, off + STORE_HDR_SIZE);
            b.len = at + bh.index_len;
        }
        if (bh.type == BLOCK_DATA) {
            t_min = MM_MIN(t_min, bh.t_min);
            t_max = MM_MAX(t_max, bh.t_max);
        }
        off += block_total_size(&bh);
        n++;
    }
    char path[4300], tmp[4400];
    snprintf(path, sizeof path, "%s/%.*s.mmi", segdir, (int)(strlen(name) - 4), name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (ok) {
        put_u64((uint8_t *)b.data + 16, n);
        put_u64((uint8_t *)b.data + 24, (uint64_t)t_min);
        put_u64((uint8_t *)b.data + 32, (uint64_t)t_max);
        uint8_t d[STORE_HASH_SIZE];
        sha256_once(b.data, b.len, d);
        buf_append(&b, d, sizeof d);
        int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        ok = out >= 0 && write(out, b.data, b.len) == (ssize_t)b.len;
        if (out >= 0)
            close(out);
        ok = ok && rename(tmp, path) == 0;
    }
    if (!ok) {
        unlink(tmp);
        mm_log_warn("store", "cannot write the segment index %s: %s (searches read the segment instead)",
                    path, mm_strerror(errno));
    }
    buf_release(&b);
    return ok;
}

/* End the active segment with a checkpoint and start the next. The old file stays valid whatever
 * happens to the new one. */
static enum mm_status roll_segment(struct store *st)
{
    if (write_checkpoint(st) != MM_OK || do_sync(st) != MM_OK)
        return MM_ERR_IO;
    int old = st->segfd;
    char oldname[64];
    memcpy(oldname, st->segname, sizeof oldname);
    uint64_t old_end = st->seg_end;
    st->segfd = -1;
    struct mm_error err;
    if (open_segment(st, st->next_seq, &err) != MM_OK) {
        mm_log_error("store", "%s; staying on the current segment", err.msg);
        st->segfd = old;
        memcpy(st->segname, oldname, sizeof oldname);
        st->seg_end = old_end;
        st->seg_opened_ns = mm_now_ns(); /* do not retry at every block */
        return MM_ERR_IO;
    }
    write_segment_index(st, old, oldname, old_end);
    close(old);
    mm_log_info("store", "new segment %s", st->segname);
    return MM_OK;
}

/* ---- the open block ---- */

static void intern_grow(struct intern *in)
{
    size_t ncap = in->cap ? in->cap * 2 : 64;
    uint64_t *keys = mm_calloc(ncap, sizeof *keys);
    uint32_t *idx = mm_calloc(ncap, sizeof *idx);
    for (size_t i = 0; i < in->cap; i++) {
        if (!in->keys[i])
            continue;
        size_t j = in->keys[i] & (ncap - 1);
        while (keys[j])
            j = (j + 1) & (ncap - 1);
        keys[j] = in->keys[i];
        idx[j] = in->idx[i];
    }
    mm_free(in->keys);
    mm_free(in->idx);
    in->keys = keys;
    in->idx = idx;
    in->cap = ncap;
}

static uint32_t intern(struct store *st, const char *s, size_t n)
{
    struct intern *in = &st->in;
    if ((in->n + 1) * 2 > in->cap)
        intern_grow(in);
    uint64_t h = bloom_hash(s, n) | 1;
    size_t j = h & (in->cap - 1);
    while (in->keys[j]) {
        if (in->keys[j] == h) {
            uint32_t k = in->idx[j];
            const char *p = st->strs.data + st->stroff[k];
            if (get_u32((const uint8_t *)p) == n && !memcmp(p + 4, s, n))
                return k;
        }
        j = (j + 1) & (in->cap - 1);
    }
    if (st->nstrs == st->stroffcap) {
        st->stroffcap = st->stroffcap ? st->stroffcap * 2 : 64;
        st->stroff = mm_reallocarray(st->stroff, st->stroffcap, sizeof *st->stroff);
    }
    uint32_t k = st->nstrs++;
    st->stroff[k] = (uint32_t)st->strs.len;
    uint8_t l[4];
    put_u32(l, (uint32_t)n);
    buf_append(&st->strs, l, 4);
    buf_append(&st->strs, s, n);
    in->keys[j] = h;
    in->idx[j] = k;
    in->n++;
    return k;
}

static void block_reset(struct store *st)
{
    st->n = 0;
    buf_reset(&st->raw);
    buf_reset(&st->strs);
    st->nstrs = 0;
    if (st->in.cap)
        memset(st->in.keys, 0, st->in.cap * sizeof *st->in.keys);
    st->in.n = 0;
    st->ntok = 0;
}

static void put_varint(struct buf *b, uint64_t v)
{
    uint8_t tmp[10];
    buf_append(b, tmp, varint_put(tmp, v));
}

/* Encode, compress and write the open block. */
static enum mm_status close_block(struct store *st)
{
    if (st->has_pending && write_pending(st) != MM_OK)
        return MM_ERR_IO;
    if (st->n == 0)
        return MM_OK;
    int64_t t_min = INT64_MAX, t_max = INT64_MIN;
    for (size_t i = 0; i < st->n; i++) {
        t_min = MM_MIN(t_min, st->t[i]);
        t_max = MM_MAX(t_max, st->t[i]);
    }
    if (segment_due(st, mm_now_ns(), t_max))
        roll_segment(st); /* on failure: keep writing to the current segment */
    struct buf *e = &st->enc;
    buf_reset(e);
    put_varint(e, st->nstrs);
    for (uint32_t i = 0; i < st->nstrs; i++) {
        const uint8_t *p = (const uint8_t *)st->strs.data + st->stroff[i];
        uint32_t n = get_u32(p);
        put_varint(e, n);
        buf_append(e, p + 4, n);
    }
    for (size_t i = 0; i < st->n; i++)
        put_varint(e, (uint64_t)(st->t[i] - t_min));
    for (size_t i = 0; i < st->n; i++)
        put_varint(e, st->peer[i]);
    for (size_t i = 0; i < st->n; i++)
        put_varint(e, st->lst[i]);
    for (size_t i = 0; i < st->n; i++)
        put_varint(e, st->par[i]);
    for (size_t i = 0; i < st->n; i++)
        put_varint(e, st->flags[i]);
    for (size_t i = 0; i < st->n; i++)
        put_varint(e, st->len[i]);
    buf_append(e, st->raw.data, st->raw.len);

    size_t bound = ZSTD_compressBound(e->len);
    buf_reset(&st->comp);
    buf_reserve(&st->comp, bound);
    size_t clen = ZSTD_compressCCtx(st->cctx, st->comp.data, bound, e->data, e->len, st->o.zstd_level);
    if (ZSTD_isError(clen)) {
        mm_log_error("store", "zstd: %s", ZSTD_getErrorName(clen));
        return MM_ERR_IO;
    }

    /* the index: distinct tokens (a hash set: tokens are already hashes) into a filter sized
     * for them */
    size_t setcap = 64;
    while (setcap < st->ntok * 2)
        setcap *= 2;
    if (setcap > st->setcap) {
        mm_free(st->set);
        st->set = mm_malloc(setcap * sizeof *st->set);
        st->setcap = setcap;
    }
    memset(st->set, 0, setcap * sizeof *st->set);
    size_t distinct = 0;
    for (size_t i = 0; i < st->ntok; i++) {
        uint64_t h = st->tok[i] ? st->tok[i] : 1;
        size_t j = (size_t)(h ^ (h >> 29)) & (setcap - 1);
        while (st->set[j] && st->set[j] != h)
            j = (j + 1) & (setcap - 1);
        if (!st->set[j]) {
            st->set[j] = h;
            st->tok[distinct++] = st->tok[i];
        }
    }
    unsigned log2 = distinct ? bloom_log2_for(distinct) : 0;
    size_t bits_bytes = log2 ? ((size_t)1 << log2) / 8 : 0;
    buf_reset(&st->idx);
    buf_reserve(&st->idx, INDEX_FIXED_SIZE + bits_bytes);
    uint8_t *ix = (uint8_t *)st->idx.data;
    memset(ix, 0, INDEX_FIXED_SIZE + bits_bytes);
    ix[0] = (uint8_t)log2;
    ix[1] = log2 ? BLOOM_K : 0;
    put_u32(ix + 4, (uint32_t)distinct);
    for (size_t i = 0; log2 && i < distinct; i++)
        bloom_add(ix + INDEX_FIXED_SIZE, log2, BLOOM_K, st->tok[i]);
    st->idx.len = INDEX_FIXED_SIZE + bits_bytes;

    size_t n = st->n;
    st->stats.bytes_raw += st->raw.len;
    /* the block is encoded in pending: the open block can take new records, even when the write
     * failed (the records are safe in pending, and appends wait for it) */
    enum mm_status rc = emit_block(st, BLOCK_DATA, BLOCK_F_ZSTD, t_min, t_max, (uint32_t)n, ix,
                                   st->idx.len, st->comp.data, clen, e->len);
    st->seg_t_min = MM_MIN(st->seg_t_min, t_min);
    block_reset(st);
    return rc;
}

enum mm_status store_append(struct store *st, const struct store_record *r)
{
    if (st->has_pending && write_pending(st) != MM_OK)
        return MM_ERR_IO;
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 4096;
        st->t = mm_reallocarray(st->t, st->cap, sizeof *st->t);
        st->peer = mm_reallocarray(st->peer, st->cap, sizeof *st->peer);
        st->lst = mm_reallocarray(st->lst, st->cap, sizeof *st->lst);
        st->par = mm_reallocarray(st->par, st->cap, sizeof *st->par);
        st->len = mm_reallocarray(st->len, st->cap, sizeof *st->len);
        st->flags = mm_reallocarray(st->flags, st->cap, sizeof *st->flags);
    }
    if (st->n == 0)
        st->block_started = mm_mono_ns();
    size_t i = st->n++;
    st->t[i] = r->receive_ns;
    st->peer[i] = intern(st, r->peer ? r->peer : "", r->peer_len);
    st->lst[i] = intern(st, r->listener ? r->listener : "", r->listener_len);
    st->par[i] = intern(st, r->parser ? r->parser : "", r->parser_len);
    st->flags[i] = r->flags;
    st->len[i] = (uint32_t)r->raw_len;
    buf_append(&st->raw, r->raw, r->raw_len);
    if (r->ntokens) {
        if (st->ntok + r->ntokens > st->tokcap) {
            st->tokcap = MM_MAX(st->tokcap * 2, st->ntok + r->ntokens + 1024);
            st->tok = mm_reallocarray(st->tok, st->tokcap, sizeof *st->tok);
        }
        memcpy(st->tok + st->ntok, r->tokens, r->ntokens * sizeof *st->tok);
        st->ntok += r->ntokens;
    }
    if (st->raw.len >= st->o.block_size)
        close_block(st); /* a failed write keeps the block pending: the record is taken */
    return MM_OK;
}

bool store_blocked(const struct store *st)
{
    return st->has_pending;
}

uint64_t store_records_appended(const struct store *st)
{
    return st->records_written + (st->has_pending ? st->pending_count : 0) + st->n;
}

enum mm_status store_flush(struct store *st)
{
    return close_block(st);
}

enum mm_status store_checkpoint(struct store *st)
{
    if (close_block(st) != MM_OK)
        return MM_ERR_IO;
    if (st->blocks_since_checkpoint && write_checkpoint(st) != MM_OK)
        return MM_ERR_IO;
    return do_sync(st);
}

enum mm_status store_notice(struct store *st, const char *json)
{
    if (close_block(st) != MM_OK)
        return MM_ERR_IO;
    return emit_json_block(st, BLOCK_NOTICE, json);
}

enum mm_status store_tick(struct store *st, int64_t now)
{
    int64_t mono = mm_mono_ns();
    if (st->has_pending && write_pending(st) != MM_OK)
        return MM_ERR_IO;
    if (st->resumed) {
        st->resumed = false;
        char json[300], t0[40], t1[40];
        mm_time_format(st->resumed_from, MM_TIME_MILLI, t0, sizeof t0);
        mm_time_format(now, MM_TIME_MILLI, t1, sizeof t1);
        snprintf(json, sizeof json, "{\"notice\":\"writes_resumed\",\"blocked_from\":\"%s\","
                 "\"blocked_until\":\"%s\",\"reason\":\"writes failed (disk full or I/O error); "
                 "input was held back, nothing was dropped\"}", t0, t1);
        store_notice(st, json);
    }
    if (st->n && mono - st->block_started >= st->o.block_interval_ns && close_block(st) != MM_OK)
        return MM_ERR_IO;
    if (st->unsynced && mono - st->last_sync_ns >= st->o.sync_interval_ns)
        do_sync(st);
    if (st->blocks_since_checkpoint && mono - st->last_checkpoint_ns >= st->o.checkpoint_interval_ns)
        write_checkpoint(st);
    if (st->seg_end && segment_due(st, now, INT64_MIN) && st->blocks_since_checkpoint + st->n > 0)
        roll_segment(st);
    if (st->o.retention_ns && mono - st->last_retention_ns >= RETENTION_CHECK_NS) {
        st->last_retention_ns = mono;
        store_apply_retention(st, now);
    }
    return MM_OK;
}

void store_get_stats(const struct store *st, struct store_stats *out)
{
    *out = st->stats;
    out->records_total = st->records_written;
    out->durable_records = st->records_durable;
    out->next_seq = st->next_seq;
}

void store_listener_key(struct buf *out, const char *name, const char *charset, const char *tz,
                        bool no_header)
{
    buf_reset(out);
    buf_printf(out, "%s\t%s\t%s\t%s", name ? name : "", charset ? charset : "", tz ? tz : "",
               no_header ? "noheader" : "header");
}

/* ---- retention ---- */

struct seg_summary {
    uint64_t first_seq, last_seq, records, bytes;
    int64_t t_min, t_max;
    uint8_t last_hash[STORE_HASH_SIZE];
    bool ok;
};

static void summarise_segment(struct store_reader *r, size_t i, struct seg_summary *s)
{
    *s = (struct seg_summary){ .t_min = INT64_MAX, .t_max = INT64_MIN };
    struct store_walk w;
    store_walk_init(&w, r, false);
    w.seg = i;
    struct store_block b;
    char why[200];
    bool any = false;
    while (store_walk_next(&w, &b, why, sizeof why) == MM_OK && b.seg == i) {
        if (!any)
            s->first_seq = b.h.seq;
        any = true;
        s->last_seq = b.h.seq;
        s->records += b.h.count;
        if (b.h.type == BLOCK_DATA) {
            s->t_min = MM_MIN(s->t_min, b.h.t_min);
            s->t_max = MM_MAX(s->t_max, b.h.t_max);
        }
        memcpy(s->last_hash, b.trailer, STORE_HASH_SIZE);
    }
    s->bytes = r->segs[i].size;
    s->ok = any;
    store_walk_release(&w);
}

enum mm_status store_apply_retention(struct store *st, int64_t now)
{
    if (!st->o.retention_ns)
        return MM_OK;
    struct store_reader r;
    struct mm_error err;
    if (store_reader_open(&r, st->path, &err) != MM_OK)
        return MM_ERR_IO;
    int64_t cutoff = now - st->o.retention_ns;
    struct buf json, names;
    buf_init(&json, BUF_NO_MAX);
    buf_init(&names, BUF_NO_MAX);
    size_t ndel = 0;
    uint64_t before = 0;
    uint8_t last_hash[STORE_HASH_SIZE];
    /* a prefix of the segments, never the active one: the chain stays whole from what is left */
    for (size_t i = 0; i + 1 < r.nsegs; i++) {
        if (!strcmp(r.segs[i].name, st->segname))
            break;
        struct seg_summary s;
        summarise_segment(&r, i, &s);
        /* a segment without data is judged by its successor's first block (its own blocks say
         * only when it was written) */
        if (!s.ok || (s.t_max != INT64_MIN ? s.t_max >= cutoff : false))
            break;
        if (s.t_max == INT64_MIN) {
            /* only control blocks: expired when the next segment starts before the cutoff */
            struct seg_summary nx;
            summarise_segment(&r, i + 1, &nx);
            if (nx.t_min == INT64_MAX || nx.t_min >= cutoff)
                break;
        }
        char tmin[40] = "", tmax[40] = "";
        if (s.t_max != INT64_MIN) {
            mm_time_format(s.t_min, MM_TIME_MILLI, tmin, sizeof tmin);
            mm_time_format(s.t_max, MM_TIME_MILLI, tmax, sizeof tmax);
        }
        buf_printf(&json, "%s{\"name\":\"%s\",\"first_seq\":%" PRIu64 ",\"last_seq\":%" PRIu64
                   ",\"records\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"first_receive\":\"%s\","
                   "\"last_receive\":\"%s\"}", ndel ? "," : "", r.segs[i].name, s.first_seq,
                   s.last_seq, s.records, s.bytes, tmin, tmax);
        buf_printf(&names, "%s\n", r.segs[i].path);
        before = s.last_seq + 1;
        memcpy(last_hash, s.last_hash, STORE_HASH_SIZE);
        ndel++;
    }
    enum mm_status rc = MM_OK;
    if (ndel) {
        char h[STORE_HASH_SIZE * 2 + 1], t[40], tc[40];
        store_hex(last_hash, STORE_HASH_SIZE, h);
        mm_time_format(now, MM_TIME_MILLI, t, sizeof t);
        mm_time_format(cutoff, MM_TIME_MILLI, tc, sizeof tc);
        double days = (double)st->o.retention_ns / (double)STORE_DAY_NS;
        struct buf rec;
        buf_init(&rec, BUF_NO_MAX);
        buf_printf(&rec, "{\"retention\":\"deleted\",\"time\":\"%s\",\"policy_days\":%.6g,"
                   "\"below_minimum_override\":%s,\"cutoff\":\"%s\",\"reason\":\"every record in "
                   "these segments was received before the cutoff (retention %.6g days)\","
                   "\"deleted_before_seq\":%" PRIu64 ",\"last_deleted_hash\":\"%s\",\"segments\":[%s]}",
                   t, days, st->o.retention_override && days < STORE_MIN_RETENTION_DAYS ? "true" : "false",
                   tc, days, before, h, json.data);
        /* the record and a checkpoint over it are durable before anything is deleted */
        if (close_block(st) != MM_OK || emit_json_block(st, BLOCK_RETENTION, rec.data) != MM_OK ||
            write_checkpoint(st) != MM_OK || do_sync(st) != MM_OK) {
            rc = MM_ERR_IO;
        } else {
            char *save = NULL;
            for (char *p = strtok_r(names.data, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
                if (unlink(p) < 0)
                    mm_log_error("store", "retention: cannot delete '%s': %s", p, mm_strerror(errno));
                size_t pl = strlen(p);
                if (pl > 4 && !strcmp(p + pl - 4, ".mms")) {
                    p[pl - 1] = 'i'; /* its segment index, if any */
                    unlink(p);
                }
            }
            fsync_dir(st->segdir);
            st->stats.segments_deleted += ndel;
            mm_log_info("store", "retention (%.6g days): deleted %zu segment(s), blocks before %" PRIu64
                        " (received before %s)", days, ndel, before, tc);
        }
        buf_release(&rec);
    }
    buf_release(&json);
    buf_release(&names);
    store_reader_close(&r);
    return rc;
}

/* ---- opening, recovery ---- */

struct tail_scan {
    uint64_t good_end;   /* bytes of valid blocks */
    uint64_t blocks, last_seq, records;
    int64_t t_min; /* of the data blocks; INT64_MAX: none */
    uint8_t last_hash[STORE_HASH_SIZE];
    uint8_t seg_payload[SEGMENT_PAYLOAD_SIZE];
    bool has_segment_block;
    char why[200];
    bool torn;
};

/* Walk the segment's headers; hash-check every block after its last checkpoint (what may have
 * been torn by a crash: earlier blocks were complete when the checkpoint was signed). */
static enum mm_status scan_tail(int fd, uint64_t size, struct tail_scan *ts)
{
    memset(ts, 0, sizeof *ts);
    struct entry {
        uint64_t off, seq, total;
        int64_t t_min;
        uint32_t count;
        uint8_t type;
    } *ents = NULL;
    size_t n = 0, cap = 0;
    uint64_t off = 0;
    while (off < size) {
        uint8_t hdr[STORE_HDR_SIZE];
        struct block_header h;
        const char *why;
        if (size - off < STORE_HDR_SIZE) {
            snprintf(ts->why, sizeof ts->why, "partial block header (%" PRIu64 " bytes)", size - off);
            break;
        }
        if (!store_pread_full(fd, hdr, sizeof hdr, off))
            return MM_ERR_IO;
        if (!block_header_decode(hdr, &h, &why)) {
            snprintf(ts->why, sizeof ts->why, "%s", why);
            break;
        }
        uint64_t total = block_total_size(&h);
        if (off + total > size) {
            snprintf(ts->why, sizeof ts->why, "block %" PRIu64 " is cut short: %" PRIu64 " of %" PRIu64
                     " bytes", h.seq, size - off, total);
            break;
        }
        if (n && h.seq != ents[n - 1].seq + 1) {
            snprintf(ts->why, sizeof ts->why, "block %" PRIu64 " follows block %" PRIu64, h.seq, ents[n - 1].seq);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            ents = mm_reallocarray(ents, cap, sizeof *ents);
        }
        ents[n++] = (struct entry){ off, h.seq, total, h.t_min, h.count, h.type };
        off += total;
    }
    /* from the last checkpoint on, check every hash and link */
    size_t from = 0;
    for (size_t i = n; i-- > 0;) {
        if (ents[i].type == BLOCK_CHECKPOINT) {
            from = i;
            break;
        }
    }
    size_t good = n;
    uint8_t prev[STORE_HASH_SIZE];
    bool have_prev = false;
    uint8_t *blk = NULL;
    size_t blkcap = 0;
    for (size_t i = from; i < n; i++) {
        if (ents[i].total > blkcap) {
            blkcap = ents[i].total;
            blk = mm_realloc(blk, blkcap);
        }
        if (!store_pread_full(fd, blk, ents[i].total, ents[i].off)) {
            mm_free(blk);
            mm_free(ents);
            return MM_ERR_IO;
        }
        size_t body = ents[i].total - STORE_TRAILER_SIZE;
        uint8_t h[STORE_HASH_SIZE];
        sha256_once(blk, body, h);
        bool zero = true;
        for (size_t k = 0; k < STORE_HASH_SIZE; k++)
            zero = zero && blk[body + k] == 0;
        bool unsealed_store = zero; /* benchmarks' unsealed stores carry zero hashes */
        if ((!unsealed_store && memcmp(h, blk + body, STORE_HASH_SIZE) != 0) ||
            memcmp(blk + body + STORE_HASH_SIZE, STORE_TRAILER_MAGIC, 4) != 0) {
            snprintf(ts->why, sizeof ts->why, "block %" PRIu64 " does not match its hash (torn write)", ents[i].seq);
            good = i;
            break;
        }
        if (have_prev && !unsealed_store && memcmp(blk + 48, prev, STORE_HASH_SIZE) != 0) {
            snprintf(ts->why, sizeof ts->why, "block %" PRIu64 " does not link to block %" PRIu64,
                     ents[i].seq, ents[i - 1].seq);
            good = i;
            break;
        }
        memcpy(prev, blk + body, STORE_HASH_SIZE);
        have_prev = true;
    }
    mm_free(blk);
    ts->good_end = good ? ents[good - 1].off + ents[good - 1].total : 0;
    ts->torn = ts->good_end < size;
    ts->blocks = good;
    ts->t_min = INT64_MAX;
    for (size_t i = 0; i < good; i++) {
        ts->records += ents[i].count;
        if (ents[i].type == BLOCK_DATA)
            ts->t_min = MM_MIN(ts->t_min, ents[i].t_min);
    }
    if (good) {
        ts->last_seq = ents[good - 1].seq;
        if (!store_pread_full(fd, ts->last_hash, STORE_HASH_SIZE, ents[good - 1].off + ents[good - 1].total -
                      STORE_TRAILER_SIZE)) {
            mm_free(ents);
            return MM_ERR_IO;
        }
        if (ents[0].type == BLOCK_SEGMENT &&
            store_pread_full(fd, ts->seg_payload, SEGMENT_PAYLOAD_SIZE, ents[0].off + STORE_HDR_SIZE + 0))
            ts->has_segment_block = true;
    }
    if (ts->torn && !ts->why[0])
        snprintf(ts->why, sizeof ts->why, "unreadable bytes after the last block");
    mm_free(ents);
    return MM_OK;
}

/* Keep the bytes of a torn tail beside the segment (evidence is never thrown away), then cut. */
static enum mm_status cut_tail(struct store *st, const char *segpath, int fd, uint64_t at, uint64_t size,
                               char *saved, size_t savedlen)
{
    int out = -1;
    for (int k = 0; k < 1000 && out < 0; k++) {
        if (k)
            snprintf(saved, savedlen, "%s.torn-%" PRIu64 ".%d", segpath, at, k);
        else
            snprintf(saved, savedlen, "%s.torn-%" PRIu64, segpath, at);
        out = open(saved, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (out < 0 && errno != EEXIST)
            return MM_ERR_IO;
    }
    if (out < 0)
        return MM_ERR_IO;
    char buf[65536];
    uint64_t off = at;
    while (off < size) {
        size_t n = (size_t)MM_MIN((uint64_t)sizeof buf, size - off);
        if (!store_pread_full(fd, buf, n, off) || write(out, buf, n) != (ssize_t)n) {
            close(out);
            return MM_ERR_IO;
        }
        off += n;
    }
    bool ok = fsync(out) == 0;
    close(out);
    if (!ok || ftruncate(fd, (off_t)at) < 0 || fsync(fd) < 0)
        return MM_ERR_IO;
    fsync_dir(st->segdir);
    return MM_OK;
}

/* Does a validly signed checkpoint lie in [from, size)? A crash can only tear what was written
 * after the last sync, and a checkpoint is synced when it is written: signed data after the
 * damage means the damage is not a crash's. Returns the checkpoint's seq + 1, or 0. */
static uint64_t signed_checkpoint_after(struct store *st, int fd, uint64_t from, uint64_t size)
{
    uint64_t n = size - from;
    if (n > STORE_MAX_BLOCK)
        return UINT64_MAX; /* far more than a torn write: treat as signed data present */
    uint8_t *b = mm_malloc(n ? n : 1);
    uint64_t found = 0;
    if (!store_pread_full(fd, b, n, from)) {
        mm_free(b);
        return 0;
    }
    for (uint64_t i = 0; i + STORE_HDR_SIZE <= n && !found; i++) {
        if (memcmp(b + i, STORE_MAGIC, 4) != 0)
            continue;
        struct block_header h;
        const char *why;
        if (!block_header_decode(b + i, &h, &why) || h.type != BLOCK_CHECKPOINT ||
            h.payload_len != CHECKPOINT_PAYLOAD_SIZE || i + block_total_size(&h) > n)
            continue;
        const uint8_t *p = b + i + STORE_HDR_SIZE + h.index_len;
        uint8_t msg[sizeof CHECKPOINT_DOMAIN - 1 + CHECKPOINT_SIGNED_SIZE];
        memcpy(msg, CHECKPOINT_DOMAIN, sizeof CHECKPOINT_DOMAIN - 1);
        memcpy(msg + sizeof CHECKPOINT_DOMAIN - 1, p, CHECKPOINT_SIGNED_SIZE);
        if (seal_verify(st->key, msg, sizeof msg, p + CHECKPOINT_SIGNED_SIZE))
            found = h.seq + 1;
    }
    mm_free(b);
    return found;
}

static enum mm_status recover(struct store *st, struct mm_error *err)
{
    struct store_reader r;
    if (store_reader_open(&r, st->path, err) != MM_OK)
        return MM_ERR_IO;
    enum mm_status rc = MM_OK;
    char recovery[1024] = "";
    while (r.nsegs) {
        struct store_segment *sg = &r.segs[r.nsegs - 1];
        int fd = open(sg->path, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            rc = mm_error_set(err, MM_ERR_IO, "cannot open '%s': %s", sg->path, mm_strerror(errno));
            break;
        }
        struct tail_scan ts;
        if (scan_tail(fd, sg->size, &ts) != MM_OK) {
            close(fd);
            rc = mm_error_set(err, MM_ERR_IO, "cannot read '%s': %s", sg->path, mm_strerror(errno));
            break;
        }
        if (ts.torn) {
            uint64_t signed_seq = signed_checkpoint_after(st, fd, ts.good_end, sg->size);
            if (signed_seq) {
                close(fd);
                if (signed_seq == UINT64_MAX)
                    rc = mm_error_set(err, MM_ERR_STATE, "segment %s is damaged at byte %" PRIu64 " (%s) "
                                      "and %" PRIu64 " bytes follow: not a torn write; the store will not "
                                      "cut it. Run `mamori log verify`, keep a copy of the segment, and "
                                      "move it aside to continue", sg->name, ts.good_end, ts.why,
                                      sg->size - ts.good_end);
                else
                    rc = mm_error_set(err, MM_ERR_STATE, "segment %s is damaged at byte %" PRIu64 " (%s) but "
                                      "signed data follows (checkpoint %" PRIu64 "): not a crash's torn "
                                      "tail; the store will not cut it. Run `mamori log verify`, keep a "
                                      "copy of the segment, and move it aside to continue", sg->name,
                                      ts.good_end, ts.why, signed_seq - 1);
                break;
            }
            char saved[4300];
            if (cut_tail(st, sg->path, fd, ts.good_end, sg->size, saved, sizeof saved) != MM_OK) {
                close(fd);
                rc = mm_error_set(err, MM_ERR_IO, "cannot cut the torn tail of '%s': %s", sg->path,
                                  mm_strerror(errno));
                break;
            }
            mm_log_warn("store", "%s: cut a torn tail at byte %" PRIu64 " (%" PRIu64 " bytes: %s); "
                        "the bytes are kept in %s", sg->name, ts.good_end, sg->size - ts.good_end,
                        ts.why, saved);
            st->stats.recoveries++;
            const char *base = strrchr(saved, '/');
            size_t used = strlen(recovery);
            snprintf(recovery + used, sizeof recovery - used,
                     "%s{\"segment\":\"%s\",\"offset\":%" PRIu64 ",\"bytes_cut\":%" PRIu64
                     ",\"after_seq\":%s%" PRIu64 ",\"saved_as\":\"%s\",\"reason\":\"", used ? "," : "",
                     sg->name, ts.good_end, sg->size - ts.good_end, ts.blocks ? "" : "-", ts.blocks ?
                     ts.last_seq : 1, base ? base + 1 : saved);
            used = strlen(recovery);
            for (const char *p = ts.why; *p && used + 2 < sizeof recovery; p++)
                recovery[used++] = *p == '"' ? '\'' : *p;
            recovery[used] = '\0';
            used = strlen(recovery);
            snprintf(recovery + used, sizeof recovery - used, "\"}");
        }
        if (ts.blocks && !ts.has_segment_block) {
            close(fd);
            rc = mm_error_set(err, MM_ERR_STATE, "segment %s does not begin with a segment block: "
                              "run `mamori log verify`", sg->name);
            break;
        }
        if (!ts.blocks) {
            /* nothing usable: the segment was being created when the writer stopped (its bytes,
             * if any, were saved by cut_tail) */
            close(fd);
            if (unlink(sg->path) < 0) {
                rc = mm_error_set(err, MM_ERR_IO, "cannot remove '%s': %s", sg->path, mm_strerror(errno));
                break;
            }
            fsync_dir(st->segdir);
            mm_free(sg->path);
            r.nsegs--;
            continue;
        }
        const uint8_t *p = ts.seg_payload;
        memcpy(st->id, p, STORE_ID_SIZE);
        if (memcmp(p + 16, st->pub, STORE_PUBKEY_SIZE) != 0) {
            char a[17], b[17];
            seal_key_id(p + 16, a);
            seal_key_id(st->pub, b);
            close(fd);
            rc = mm_error_set(err, MM_ERR_INVALID, "store '%s' is sealed with key %s but the key "
                              "configured is %s (%s): use the store's key", st->path, a, b, st->key_path);
            break;
        }
        st->created_ns = (int64_t)get_u64(p + 48);
        st->seg_opened_ns = (int64_t)get_u64(p + 56);
        st->records_written = get_u64(p + 64) + ts.records;
        st->records_durable = st->records_written;
        st->next_seq = ts.last_seq + 1;
        memcpy(st->last_hash, ts.last_hash, STORE_HASH_SIZE);
        st->segfd = fd;
        st->seg_end = ts.good_end;
        st->seg_t_min = ts.t_min;
        /* appending to it again (a later segment was moved aside): its index file is stale */
        char mmi[4300];
        snprintf(mmi, sizeof mmi, "%.*s.mmi", (int)(strlen(sg->path) - 4), sg->path);
        if (unlink(mmi) == 0)
            mm_log_info("store", "%s is the active segment again: removed its index file", sg->name);
        snprintf(st->segname, sizeof st->segname, "%s", sg->name);
        break;
    }
    store_reader_close(&r);
    if (rc != MM_OK)
        return rc;
    if (st->segfd < 0) {
        /* a new store */
        if (getrandom(st->id, sizeof st->id, 0) != (ssize_t)sizeof st->id)
            return mm_error_set(err, MM_ERR_IO, "getrandom: %s", mm_strerror(errno));
        st->created_ns = mm_now_ns();
        if (open_segment(st, 0, err) != MM_OK)
            return MM_ERR_IO;
        mm_log_info("store", "created store '%s'", st->path);
    }
    if (recovery[0]) {
        char json[1200];
        snprintf(json, sizeof json, "{\"recovery\":\"torn_tail_cut\",\"cuts\":[%s]}", recovery);
        if (emit_json_block(st, BLOCK_RECOVERY, json) != MM_OK || write_checkpoint(st) != MM_OK)
            return mm_error_set(err, MM_ERR_IO, "cannot record the recovery: %s", mm_strerror(errno));
    }
    return MM_OK;
}

static void store_free(struct store *st)
{
    if (st->segfd >= 0)
        close(st->segfd);
    if (st->lockfd >= 0)
        close(st->lockfd);
    seal_key_free(st->key);
    ZSTD_freeCCtx(st->cctx);
    mm_free(st->t);
    mm_free(st->peer);
    mm_free(st->lst);
    mm_free(st->par);
    mm_free(st->len);
    mm_free(st->flags);
    mm_free(st->stroff);
    mm_free(st->in.keys);
    mm_free(st->in.idx);
    mm_free(st->tok);
    mm_free(st->set);
    buf_release(&st->raw);
    buf_release(&st->strs);
    buf_release(&st->pending);
    buf_release(&st->enc);
    buf_release(&st->comp);
    buf_release(&st->idx);
    mm_free(st->path);
    mm_free(st->segdir);
    mm_free(st->key_path);
    mm_free(st);
}

struct store *store_open(const struct store_options *o, struct mm_error *err)
{
    if (store_options_check(o, err) != MM_OK)
        return NULL;
    struct store *st = mm_calloc(1, sizeof *st);
    st->o = *o;
    st->segfd = st->lockfd = -1;
    st->path = mm_strdup(o->path);
    st->o.path = st->path;
    size_t n = strlen(o->path) + 16;
    st->segdir = mm_malloc(n);
    snprintf(st->segdir, n, "%s/segments", o->path);
    if (o->key_path) {
        st->key_path = mm_strdup(o->key_path);
    } else {
        n = strlen(o->path) + 32;
        st->key_path = mm_malloc(n);
        snprintf(st->key_path, n, "%s/keys/seal.key", o->path);
    }
    st->o.key_path = st->key_path;
    buf_init(&st->raw, BUF_NO_MAX);
    buf_init(&st->strs, BUF_NO_MAX);
    buf_init(&st->pending, BUF_NO_MAX);
    buf_init(&st->enc, BUF_NO_MAX);
    buf_init(&st->comp, BUF_NO_MAX);
    buf_init(&st->idx, BUF_NO_MAX);
    st->cctx = ZSTD_createCCtx();
    st->last_sync_ns = st->last_checkpoint_ns = st->last_retention_ns = mm_mono_ns();

    if ((mkdir(o->path, 0750) < 0 && errno != EEXIST) || (mkdir(st->segdir, 0750) < 0 && errno != EEXIST)) {
        mm_error_set(err, MM_ERR_IO, "cannot create the store '%s': %s", o->path, mm_strerror(errno));
        goto fail;
    }
    char lp[4200];
    snprintf(lp, sizeof lp, "%s/lock", o->path);
    st->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (st->lockfd < 0 || flock(st->lockfd, LOCK_EX | LOCK_NB) < 0) {
        char pid[32] = "";
        if (st->lockfd >= 0)
            (void)!pread(st->lockfd, pid, sizeof pid - 1, 0);
        pid[strcspn(pid, "\n")] = '\0';
        if (pid[0])
            mm_error_set(err, MM_ERR_STATE, "store '%s' is in use by another writer (pid %s)", o->path, pid);
        else
            mm_error_set(err, MM_ERR_STATE, "store '%s' is in use by another writer", o->path);
        goto fail;
    }
    char pid[32];
    int pl = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    if (ftruncate(st->lockfd, 0) < 0 || pwrite(st->lockfd, pid, (size_t)pl, 0) != pl) {
        /* the pid is only informative */
    }
    /* a key is made only for a new store: a missing key of an existing one is an error (an
     * unmounted key volume must not silently start a second key) */
    bool created = false, has_segments = false;
    struct store_reader probe;
    if (store_reader_open(&probe, o->path, NULL) == MM_OK) {
        has_segments = probe.nsegs > 0;
        store_reader_close(&probe);
    }
    st->key = seal_key_load(st->key_path, !has_segments, &created, err);
    if (!st->key)
        goto fail;
    if (created)
        mm_log_info("store", "generated the signing key %s", st->key_path);
    seal_key_raw_public(st->key, st->pub);
    char pubpath[4200];
    snprintf(pubpath, sizeof pubpath, "%s/seal.pub", o->path);
    if (access(pubpath, F_OK) < 0 && seal_pubkey_write(st->key, pubpath, err) != MM_OK)
        goto fail;
    if (o->retention_ns && o->retention_ns < STORE_MIN_RETENTION_DAYS * STORE_DAY_NS)
        mm_log_warn("store", "retention is %.1f days, below the %d-day minimum (retention_override "
                    "is set); deletions will say so in the store", (double)o->retention_ns /
                    (double)STORE_DAY_NS, STORE_MIN_RETENTION_DAYS);
    if (recover(st, err) != MM_OK)
        goto fail;
    if (st->o.retention_ns)
        store_apply_retention(st, mm_now_ns());
    return st;
fail:
    store_free(st);
    return NULL;
}

enum mm_status store_close(struct store *st)
{
    if (!st)
        return MM_OK;
    enum mm_status rc = store_checkpoint(st);
    if (rc == MM_OK)
        rc = do_sync(st);
    store_free(st);
    return rc;
}
