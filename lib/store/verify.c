/* SPDX-License-Identifier: Apache-2.0 */
/* verify.c: check a whole store: every block's header, hash and link, the sequence, the segments'
 * identity and key, every checkpoint's signature, and that a missing prefix was deleted by the
 * retention policy (a signed record says so) rather than removed. Stops at the first failure and
 * names the block and the kind of failure. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "event/json.h"
#include "seal.h"
#include "store.h"

#include <unistd.h>

static bool unhex(const char *s, size_t n, uint8_t *out, size_t outlen)
{
    if (n != 2 * outlen)
        return false;
    for (size_t i = 0; i < outlen; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = s[2 * i + (size_t)k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return false;
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return true;
}

/* the value of "key": a number or a string, from a flat JSON text (retention records) */
static bool json_find(const char *json, const char *key, char *out, size_t outlen)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p)
        return false;
    p += strlen(pat);
    size_t n = 0;
    if (*p == '"') {
        p++;
        while (p[n] && p[n] != '"')
            n++;
    } else {
        while (p[n] && p[n] != ',' && p[n] != '}')
            n++;
    }
    if (n >= outlen)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

static void fail(struct store_verify_report *rep, const char *kind, const struct store_reader *r,
                 const struct store_block *b, bool known, uint64_t seq, const char *fmt, ...) MM_PRINTF(7, 8);

/* A closed segment's .mmi must be exactly what its blocks say (expect: entries without the file
 * header and hash), or searches could miss blocks. Returns false (and fails rep) on mismatch. */
static bool check_segidx(struct store_verify_report *rep, const struct store_reader *r, size_t seg,
                         const struct buf *expect, uint64_t nblocks, struct buf *scratch);

static void fail(struct store_verify_report *rep, const char *kind, const struct store_reader *r,
                 const struct store_block *b, bool known, uint64_t seq, const char *fmt, ...)
{
    if (!rep->ok)
        return;
    rep->ok = false;
    rep->failure_kind = kind;
    rep->failed_known = known;
    rep->failed_seq = seq;
    if (b) {
        snprintf(rep->failed_segment, sizeof rep->failed_segment, "%s", r->segs[b->seg].name);
        rep->failed_offset = b->offset;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->reason, sizeof rep->reason, fmt, ap);
    va_end(ap);
}

static bool check_segidx(struct store_verify_report *rep, const struct store_reader *r, size_t seg,
                         const struct buf *expect, uint64_t nblocks, struct buf *scratch)
{
    const struct store_segment *sg = &r->segs[seg];
    char path[4300];
    snprintf(path, sizeof path, "%.*s.mmi", (int)(strlen(sg->path) - 4), sg->path);
    if (access(path, F_OK) != 0)
        return true; /* none: searches read the segment */
    bool ok = store_segidx_load(r, seg, scratch) &&
              scratch->len == SEGIDX_HDR_SIZE + expect->len + STORE_HASH_SIZE &&
              get_u64((const uint8_t *)scratch->data + 16) == nblocks &&
              !memcmp(scratch->data + SEGIDX_HDR_SIZE, expect->data, expect->len);
    if (!ok) {
        struct store_block pos = { .seg = seg };
        fail(rep, "index", r, &pos, false, 0, "segment index %.*s.mmi does not match segment %s: searches "
             "could miss its blocks. It is derived data, not evidence: delete it and searches read the "
             "segment itself", (int)(strlen(sg->name) - 4), sg->name, sg->name);
    }
    return ok;
}

/* Is block seq further on in segment seg (after offset)? Tells a moved block from a removed one. */
static bool seq_later(struct store_reader *r, size_t seg, uint64_t offset, uint64_t seq, uint64_t *at)
{
    struct store_walk w;
    store_walk_init(&w, r, false);
    w.seg = seg;
    struct store_block b;
    char why[200];
    bool found = false;
    while (!found && store_walk_next(&w, &b, why, sizeof why) == MM_OK && b.seg == seg) {
        if (b.offset > offset && b.h.seq == seq) {
            found = true;
            *at = b.offset;
        }
    }
    store_walk_release(&w);
    return found;
}

enum mm_status store_verify(const char *path, const char *pubkey_path, struct store_verify_report *rep,
                            struct buf *events, struct mm_error *err)
{
    return store_verify_anchored(path, pubkey_path, NULL, rep, events, err);
}

#define MAX_ANCHORS 64

struct anchor {
    uint8_t p[CHECKPOINT_PAYLOAD_SIZE];
    uint64_t seq;
    bool seen;
};

/* An anchor file: lines of 272 hex digits, each a CHECKPOINT payload (`mamori log checkpoint`);
 * '#' lines are comments. */
static enum mm_status load_anchors(const char *file, struct anchor *a, size_t *n, struct mm_error *err)
{
    FILE *f = fopen(file, "re");
    if (!f)
        return mm_error_set(err, MM_ERR_IO, "cannot open the anchor file '%s': %s", file, mm_strerror(errno));
    char line[1024];
    unsigned lineno = 0;
    *n = 0;
    enum mm_status st = MM_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t l = strcspn(line, "\r\n");
        line[l] = '\0';
        if (l == 0 || line[0] == '#')
            continue;
        if (*n == MAX_ANCHORS) {
            st = mm_error_set(err, MM_ERR_TOO_LARGE, "%s: more than %d anchors", file, MAX_ANCHORS);
            break;
        }
        if (!unhex(line, l, a[*n].p, CHECKPOINT_PAYLOAD_SIZE)) {
            st = mm_error_set(err, MM_ERR_PARSE, "%s:%u: not a checkpoint (272 hex digits expected)", file, lineno);
            break;
        }
        a[*n].seq = get_u64(a[*n].p + 16);
        a[*n].seen = false;
        (*n)++;
    }
    fclose(f);
    if (st == MM_OK && *n == 0)
        st = mm_error_set(err, MM_ERR_PARSE, "%s: no checkpoint in it", file);
    return st;
}

enum mm_status store_verify_anchored(const char *path, const char *pubkey_path, const char *anchor_path,
                                     struct store_verify_report *rep, struct buf *events, struct mm_error *err)
{
    memset(rep, 0, sizeof *rep);
    struct anchor anchors[MAX_ANCHORS];
    size_t nanchors = 0;
    if (anchor_path && load_anchors(anchor_path, anchors, &nanchors, err) != MM_OK)
        return MM_ERR_INVALID;
    rep->ok = true;
    rep->t_min = INT64_MAX;
    rep->t_max = INT64_MIN;
    struct seal_key *trusted = NULL;
    char pub[4200];
    if (pubkey_path) {
        trusted = seal_pubkey_load(pubkey_path, err);
    } else {
        snprintf(pub, sizeof pub, "%s/seal.pub", path);
        trusted = seal_pubkey_load(pub, err);
        rep->key_from_store = true;
    }
    if (!trusted)
        return MM_ERR_INVALID;
    uint8_t trusted_raw[STORE_PUBKEY_SIZE];
    seal_key_raw_public(trusted, trusted_raw);
    seal_key_id(trusted_raw, rep->key_id);
    for (size_t i = 0; i < nanchors; i++) {
        uint8_t msg[sizeof CHECKPOINT_DOMAIN - 1 + CHECKPOINT_SIGNED_SIZE];
        memcpy(msg, CHECKPOINT_DOMAIN, sizeof CHECKPOINT_DOMAIN - 1);
        memcpy(msg + sizeof CHECKPOINT_DOMAIN - 1, anchors[i].p, CHECKPOINT_SIGNED_SIZE);
        if (!seal_verify(trusted, msg, sizeof msg, anchors[i].p + CHECKPOINT_SIGNED_SIZE)) {
            seal_key_free(trusted);
            return mm_error_set(err, MM_ERR_INVALID, "anchor checkpoint %" PRIu64 " in '%s' is not signed "
                                "by key %s", anchors[i].seq, anchor_path, rep->key_id);
        }
    }
    rep->anchors = nanchors;

    struct store_reader r;
    if (store_reader_open(&r, path, err) != MM_OK) {
        seal_key_free(trusted);
        return MM_ERR_NOT_FOUND;
    }
    rep->segments = r.nsegs;
    struct store_walk w;
    store_walk_init(&w, &r, true);
    w.live_tail = rep->writer_active = store_writer_active(path);
    struct buf blk, payload;
    buf_init(&blk, BUF_NO_MAX);
    buf_init(&payload, BUF_NO_MAX);
    struct store_records recs = { 0 };
    struct mm_error perr;

    uint8_t prev_hash[STORE_HASH_SIZE] = { 0 };
    uint8_t store_id[STORE_ID_SIZE];
    bool have_id = false, have_prev = false;
    uint64_t expect_seq = 0;
    uint8_t first_prev[STORE_HASH_SIZE];
    uint64_t first_seq = 0;
    bool first = true;
    /* the latest retention record, and whether a checkpoint after it was verified */
    uint64_t ret_before = 0, ret_seq = 0;
    uint8_t ret_hash[STORE_HASH_SIZE];
    bool have_ret = false, ret_signed = false;
    uint64_t last_ckpt_seq = 0;
    bool any_ckpt = false;
    uint64_t records_since_ckpt = 0, blocks_since_ckpt = 0;
    size_t cur_seg = SIZE_MAX;
    struct buf side_expect, side_scratch; /* the .mmi a segment's blocks imply */
    buf_init(&side_expect, BUF_NO_MAX);
    buf_init(&side_scratch, BUF_NO_MAX);
    uint64_t side_blocks = 0;

    struct store_block b;
    char why[400];
    for (;;) {
        enum mm_status st = store_walk_next(&w, &b, why, sizeof why);
        if (st == MM_EOF)
            break;
        if (st != MM_OK) {
            /* name the block by its position: the one expected next */
            const char *kind = strstr(why, "truncated") || strstr(why, "ends") ? "truncated" : "damaged";
            struct store_block pos = { .seg = w.seg ? w.seg - 1 : 0 };
            pos.offset = 0;
            const char *at = strstr(why, "byte ");
            if (at)
                pos.offset = strtoull(at + 5, NULL, 10);
            fail(rep, kind, &r, &pos, true, expect_seq, "block %" PRIu64 " (%s): %s", expect_seq,
                 r.segs[pos.seg].name, why);
            break;
        }
        const struct block_header *h = &b.h;
        bool new_seg = b.seg != cur_seg;
        if (new_seg && cur_seg != SIZE_MAX &&
            !check_segidx(rep, &r, cur_seg, &side_expect, side_blocks, &side_scratch))
            break;
        if (new_seg) {
            buf_reset(&side_expect);
            side_blocks = 0;
        }
        cur_seg = b.seg;
        /* the whole block, for its hash */
        uint64_t total = block_total_size(h);
        buf_reset(&blk);
        buf_reserve(&blk, (size_t)total);
        /* the walk has the block's segment open */
        bool rd = w.fd >= 0 && w.seg == b.seg && store_pread_full(w.fd, blk.data, (size_t)total, b.offset);
        if (!rd) {
            fail(rep, "damaged", &r, &b, true, h->seq, "block %" PRIu64 ": cannot read it", h->seq);
            break;
        }
        rep->bytes += total;
        uint8_t off8[8];
        put_u64(off8, b.offset);
        buf_append(&side_expect, off8, 8);
        buf_append(&side_expect, blk.data, STORE_HDR_SIZE + h->index_len);
        side_blocks++;
        uint8_t hash[STORE_HASH_SIZE];
        sha256_once(blk.data, (size_t)total - STORE_TRAILER_SIZE, hash);
        if (memcmp(b.trailer + STORE_HASH_SIZE, STORE_TRAILER_MAGIC, 4) != 0) {
            fail(rep, "changed", &r, &b, true, h->seq, "block %" PRIu64 ": trailer damaged", h->seq);
            break;
        }
        if (memcmp(hash, b.trailer, STORE_HASH_SIZE) != 0) {
            fail(rep, "changed", &r, &b, true, h->seq, "block %" PRIu64 " (%s): content changed: its "
                 "SHA-256 does not match the hash stored with it", h->seq, block_type_name(h->type));
            break;
        }
        if (first) {
            first = false;
            first_seq = h->seq;
            memcpy(first_prev, h->prev_hash, STORE_HASH_SIZE);
            expect_seq = h->seq;
            rep->first_seq = h->seq;
            if (h->seq == 0) {
                static const uint8_t zero[STORE_HASH_SIZE];
                if (memcmp(h->prev_hash, zero, STORE_HASH_SIZE) != 0) {
                    fail(rep, "changed", &r, &b, true, 0, "block 0 does not start the chain");
                    break;
                }
            }
        }
        if (h->seq != expect_seq) {
            uint64_t later_off;
            if (h->seq > expect_seq && seq_later(&r, b.seg, b.offset, expect_seq, &later_off))
                fail(rep, "reordered", &r, &b, true, expect_seq, "block %" PRIu64 " is out of order: "
                     "block %" PRIu64 " stands where it belongs, and block %" PRIu64 " is later in %s "
                     "(byte %" PRIu64 ")", expect_seq, h->seq, expect_seq, r.segs[b.seg].name, later_off);
            else if (h->seq > expect_seq)
                fail(rep, "missing", &r, &b, true, expect_seq, "block %" PRIu64 " is missing: "
                     "block %" PRIu64 " (%s) comes after block %" PRIu64 "%s", expect_seq, h->seq,
                     r.segs[b.seg].name, expect_seq - 1,
                     h->seq - expect_seq > 1 ? " (several blocks removed)" : "");
            else
                fail(rep, "reordered", &r, &b, true, h->seq, "block %" PRIu64 " is out of order: "
                     "found where block %" PRIu64 " belongs", h->seq, expect_seq);
            break;
        }
        if (have_prev && memcmp(h->prev_hash, prev_hash, STORE_HASH_SIZE) != 0) {
            fail(rep, "changed", &r, &b, true, h->seq, "block %" PRIu64 ": does not link to block %"
                 PRIu64 " (the previous block was replaced, or this one rewritten)", h->seq, h->seq - 1);
            break;
        }
        if (new_seg && h->type != BLOCK_SEGMENT) {
            fail(rep, "damaged", &r, &b, true, h->seq, "segment %s does not begin with a segment block",
                 r.segs[b.seg].name);
            break;
        }
        if (new_seg && r.segs[b.seg].first_seq != h->seq) {
            fail(rep, "reordered", &r, &b, true, h->seq, "segment file %s holds block %" PRIu64
                 " first: the file was renamed or replaced", r.segs[b.seg].name, h->seq);
            break;
        }
        /* payloads */
        if (h->type != BLOCK_DATA || events) {
            if (store_read_payload(&w, &b, &payload, &perr) != MM_OK) {
                fail(rep, "damaged", &r, &b, true, h->seq, "%s", perr.msg);
                break;
            }
        }
        bool bad = false;
        switch (h->type) {
        case BLOCK_SEGMENT: {
            const uint8_t *p = (const uint8_t *)payload.data;
            if (payload.len != SEGMENT_PAYLOAD_SIZE) {
                fail(rep, "damaged", &r, &b, true, h->seq, "segment block %" PRIu64 ": wrong size", h->seq);
                bad = true;
                break;
            }
            if (have_id && memcmp(store_id, p, STORE_ID_SIZE) != 0) {
                fail(rep, "changed", &r, &b, true, h->seq, "segment %s belongs to another store",
                     r.segs[b.seg].name);
                bad = true;
                break;
            }
            memcpy(store_id, p, STORE_ID_SIZE);
            have_id = true;
            if (memcmp(p + 16, trusted_raw, STORE_PUBKEY_SIZE) != 0) {
                char id[17];
                seal_key_id(p + 16, id);
                fail(rep, "forged", &r, &b, true, h->seq, "segment %s names signing key %s, not the "
                     "trusted key %s", r.segs[b.seg].name, id, rep->key_id);
                bad = true;
            }
            break;
        }
        case BLOCK_DATA:
            rep->records += h->count;
            records_since_ckpt += h->count;
            rep->t_min = MM_MIN(rep->t_min, h->t_min);
            rep->t_max = MM_MAX(rep->t_max, h->t_max);
            if (events) { /* deep check: the records decode */
                if (store_decode_records(h, (const uint8_t *)payload.data, payload.len, &recs, &perr) != MM_OK) {
                    fail(rep, "damaged", &r, &b, true, h->seq, "%s", perr.msg);
                    bad = true;
                }
            }
            break;
        case BLOCK_CHECKPOINT: {
            const uint8_t *p = (const uint8_t *)payload.data;
            uint8_t msg[sizeof CHECKPOINT_DOMAIN - 1 + CHECKPOINT_SIGNED_SIZE];
            if (payload.len != CHECKPOINT_PAYLOAD_SIZE) {
                fail(rep, "forged", &r, &b, true, h->seq, "checkpoint %" PRIu64 ": wrong size", h->seq);
                bad = true;
                break;
            }
            memcpy(msg, CHECKPOINT_DOMAIN, sizeof CHECKPOINT_DOMAIN - 1);
            memcpy(msg + sizeof CHECKPOINT_DOMAIN - 1, p, CHECKPOINT_SIGNED_SIZE);
            if (!seal_verify(trusted, msg, sizeof msg, p + CHECKPOINT_SIGNED_SIZE)) {
                fail(rep, "forged", &r, &b, true, h->seq, "checkpoint %" PRIu64 ": the signature is not "
                     "valid for key %s: the checkpoint is forged, or blocks %" PRIu64 "..%" PRIu64
                     " were rewritten and the checkpoint altered to match", h->seq, rep->key_id,
                     any_ckpt ? last_ckpt_seq + 1 : first_seq, h->seq - 1);
                bad = true;
                break;
            }
            if ((have_id && memcmp(p, store_id, STORE_ID_SIZE) != 0) || get_u64(p + 16) != h->seq) {
                fail(rep, "forged", &r, &b, true, h->seq, "checkpoint %" PRIu64 " was signed for another "
                     "store or position (copied from elsewhere)", h->seq);
                bad = true;
                break;
            }
            if (memcmp(p + 24, h->prev_hash, STORE_HASH_SIZE) != 0) {
                fail(rep, "changed", &r, &b, true, h->seq, "checkpoint %" PRIu64 " signed a different "
                     "chain: blocks %" PRIu64 "..%" PRIu64 " were rewritten after they were sealed",
                     h->seq, any_ckpt ? last_ckpt_seq + 1 : first_seq, h->seq - 1);
                bad = true;
                break;
            }
            for (size_t i = 0; i < nanchors && !bad; i++) {
                if (anchors[i].seq != h->seq)
                    continue;
                anchors[i].seen = true;
                if (memcmp(anchors[i].p, p, CHECKPOINT_PAYLOAD_SIZE) != 0) {
                    fail(rep, "changed", &r, &b, true, h->seq, "checkpoint %" PRIu64 " differs from the anchor "
                         "taken of it: the store was rewritten and signed again (with the key)", h->seq);
                    bad = true;
                }
            }
            if (bad)
                break;
            rep->checkpoints++;
            any_ckpt = true;
            last_ckpt_seq = h->seq;
            rep->last_signed_seq = h->seq;
            rep->last_signed_time = (int64_t)get_u64(p + 56);
            records_since_ckpt = 0;
            blocks_since_ckpt = 0;
            if (have_ret)
                ret_signed = true;
            break;
        }
        case BLOCK_RETENTION: {
            char v[200];
            rep->retention_records++;
            if (!json_find(payload.data, "deleted_before_seq", v, sizeof v) ||
                !(ret_before = strtoull(v, NULL, 10), true) ||
                !json_find(payload.data, "last_deleted_hash", v, sizeof v) ||
                !unhex(v, strlen(v), ret_hash, STORE_HASH_SIZE)) {
                fail(rep, "damaged", &r, &b, true, h->seq, "retention record %" PRIu64 " cannot be read", h->seq);
                bad = true;
                break;
            }
            have_ret = true;
            ret_signed = false;
            ret_seq = h->seq;
            break;
        }
        case BLOCK_RECOVERY:
            rep->recoveries++;
            break;
        case BLOCK_NOTICE:
            rep->notices++;
            break;
        }
        if (bad)
            break;
        if (events && (h->type == BLOCK_RETENTION || h->type == BLOCK_RECOVERY || h->type == BLOCK_NOTICE)) {
            char t[40];
            mm_time_format(h->t_max, MM_TIME_MILLI, t, sizeof t);
            buf_printf(events, "{\"seq\":%" PRIu64 ",\"type\":\"%s\",\"time\":\"%s\",\"segment\":\"%s\","
                       "\"record\":%.*s}\n", h->seq, block_type_name(h->type), t, r.segs[b.seg].name,
                       (int)payload.len, payload.data);
        }
        if (h->type != BLOCK_CHECKPOINT)
            blocks_since_ckpt++;
        rep->blocks++;
        rep->last_seq = h->seq;
        memcpy(prev_hash, hash, STORE_HASH_SIZE);
        have_prev = true;
        expect_seq = h->seq + 1;
    }
    if (rep->ok && cur_seg != SIZE_MAX)
        check_segidx(rep, &r, cur_seg, &side_expect, side_blocks, &side_scratch);
    buf_release(&side_expect);
    buf_release(&side_scratch);
    if (rep->ok && first) {
        fail(rep, "missing", &r, NULL, false, 0, "the store has no blocks");
    }
    /* a store that does not start at block 0 must have been cut by retention, which said so */
    if (rep->ok && first_seq != 0) {
        char h1[65];
        store_hex(first_prev, STORE_HASH_SIZE, h1);
        if (!have_ret)
            fail(rep, "missing", &r, NULL, true, 0, "blocks 0..%" PRIu64 " are missing and no retention "
                 "record says they were deleted", first_seq - 1);
        else if (!ret_signed)
            fail(rep, "forged", &r, NULL, true, ret_seq, "retention record %" PRIu64 " is not covered by a "
                 "signed checkpoint: cannot tell retention from removal", ret_seq);
        else if (ret_before != first_seq || memcmp(ret_hash, first_prev, STORE_HASH_SIZE) != 0)
            fail(rep, "missing", &r, NULL, true, ret_before, "the store starts at block %" PRIu64 " but the "
                 "latest retention record deleted blocks before %" PRIu64 ": blocks %" PRIu64 "..%" PRIu64
                 " were removed", first_seq, ret_before, MM_MIN(ret_before, first_seq),
                 MM_MAX(ret_before, first_seq) - 1);
    }
    for (size_t i = 0; i < nanchors && rep->ok; i++) {
        const struct anchor *a = &anchors[i];
        char t[40];
        mm_time_format((int64_t)get_u64(a->p + 56), MM_TIME_MILLI, t, sizeof t);
        if (a->seen || (!first && a->seq < first_seq))
            continue; /* matched, or deleted by retention (checked above) */
        if (first || a->seq > rep->last_seq)
            fail(rep, "missing", &r, NULL, true, first ? 0 : rep->last_seq + 1, "the store ends at block %" PRIu64
                 " but checkpoint %" PRIu64 " (signed %s, in the anchor file) was taken from it: blocks %"
                 PRIu64 "..%" PRIu64 " were removed from the end", rep->last_seq, a->seq, t,
                 first ? 0 : rep->last_seq + 1, a->seq);
        else
            fail(rep, "changed", &r, NULL, true, a->seq, "block %" PRIu64 " is not the checkpoint the anchor "
                 "file holds (signed %s)", a->seq, t);
    }
    rep->deleted_before_seq = have_ret ? ret_before : 0;
    rep->unsigned_blocks = blocks_since_ckpt;
    rep->unsigned_records = records_since_ckpt;
    if (!any_ckpt)
        rep->last_signed_seq = 0;
    store_records_release(&recs);
    buf_release(&blk);
    buf_release(&payload);
    store_walk_release(&w);
    store_reader_close(&r);
    seal_key_free(trusted);
    return MM_OK;
}
