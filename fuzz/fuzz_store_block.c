/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_store_block.c: one sealed-store block from untrusted bytes (a damaged or forged segment,
 * read by verify, search and export). The first byte picks the mode:
 *   0  the rest is a block as on disk: header, index, payload (and whatever follows)
 *   1  the same with the header check recomputed, so mutated header fields get past it
 *   2  a DATA payload with a synthetic header: count (u32), t_min, t_max (i64), then the payload
 * A header that decodes must describe sizes within STORE_MAX_BLOCK and re-encode to the same
 * bytes. store_decode_records must fail with MM_ERR_PARSE and a message, or give exactly count
 * records whose slices lie in the payload, whose times lie in [t_min, t_max] and whose raw
 * messages tile the payload's tail; decoding again into the same struct gives the same records.
 * The index goes through the checks query.c makes before bloom_maybe, then bloom_maybe on an
 * exactly-sized copy of the filter: a probe outside it is an ASan error. */
#include "fuzz.h"
#include "base/alloc.h"
#include "store/bloom.h"
#include "store/seal.h"
#include "store/store.h"

#include <zstd.h>

/* a block's payload is decompressed only up to this (a real one may reach STORE_MAX_BLOCK) */
#define FUZZ_MAX_RAW (1u << 20)

static bool inside(struct slice s, const uint8_t *p, size_t len)
{
    const char *b = (const char *)p;
    return s.len <= len && (s.len == 0 ? s.p >= b && s.p <= b + len
                                       : s.p >= b && (size_t)(s.p - b) <= len - s.len);
}

/* read every byte of s, so ASan sees a slice that points outside its buffer */
static unsigned touch(struct slice s)
{
    unsigned sum = 0;
    for (size_t i = 0; i < s.len; i++)
        sum += (unsigned char)s.p[i];
    return sum;
}

static bool rec_eq(const struct store_rec *a, const struct store_rec *b)
{
    return a->receive_ns == b->receive_ns && a->flags == b->flags && a->peer.p == b->peer.p &&
           a->peer.len == b->peer.len && a->listener.p == b->listener.p &&
           a->listener.len == b->listener.len && a->parser.p == b->parser.p &&
           a->parser.len == b->parser.len && a->raw.p == b->raw.p && a->raw.len == b->raw.len;
}

/* Decode payload (an exactly-sized heap buffer) with h and check the result. */
static void check_records(const struct block_header *h, const uint8_t *p, size_t len,
                          struct store_records *recs)
{
    struct mm_error err = { "" };
    enum mm_status st = store_decode_records(h, p, len, recs, &err);
    if (st != MM_OK) {
        FUZZ_CHECK(st == MM_ERR_PARSE, "store_decode_records returned %s", mm_status_str(st));
        FUZZ_CHECK(err.msg[0] != '\0', "store_decode_records failed without a message");
        FUZZ_CHECK(recs->n == 0, "a failed decode left %zu records", recs->n);
        return;
    }
    FUZZ_CHECK(recs->n == h->count, "%zu records decoded, the header says %u", recs->n, h->count);
    FUZZ_CHECK(recs->nstrs <= len, "%zu strings in %zu bytes", recs->nstrs, len);
    unsigned sum = 0;
    for (size_t i = 0; i < recs->nstrs; i++) {
        FUZZ_CHECK(inside(recs->strs[i], p, len), "string %zu outside the payload", i);
        sum += touch(recs->strs[i]);
    }
    const char *raw_end = (const char *)p + len;
    for (size_t i = recs->n; i-- > 0;) {
        const struct store_rec *r = &recs->recs[i];
        FUZZ_CHECK(r->receive_ns >= h->t_min && r->receive_ns <= h->t_max,
                   "record %zu: time %" PRId64 " outside [%" PRId64 ", %" PRId64 "]", i, r->receive_ns,
                   h->t_min, h->t_max);
        FUZZ_CHECK(inside(r->peer, p, len) && inside(r->listener, p, len) && inside(r->parser, p, len),
                   "record %zu: a string outside the payload", i);
        FUZZ_CHECK(inside(r->raw, p, len), "record %zu: message outside the payload", i);
        /* the messages are the payload's last bytes, in record order */
        FUZZ_CHECK(r->raw.p + r->raw.len == raw_end, "record %zu: message not where the previous ends", i);
        raw_end = r->raw.p;
        sum += touch(r->peer) + touch(r->listener) + touch(r->parser) + touch(r->raw) + r->flags;
    }
    (void)sum;

    /* the reader reuses one struct for every block: a second decode must agree */
    size_t n = recs->n;
    struct store_rec *first = mm_reallocarray(NULL, n ? n : 1, sizeof *first);
    if (n)
        memcpy(first, recs->recs, n * sizeof *first);
    st = store_decode_records(h, p, len, recs, &err);
    FUZZ_CHECK(st == MM_OK && recs->n == n, "a second decode differs: %s", mm_status_str(st));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(rec_eq(&first[i], &recs->recs[i]), "record %zu differs on the second decode", i);
    mm_free(first);
}

/* The index section (an exactly-sized heap copy), read the way query.c reads it. */
static void check_index(const uint8_t *ix, size_t len, const struct store_records *recs)
{
    if (len < INDEX_FIXED_SIZE)
        return;
    unsigned log2 = ix[0], k = ix[1];
    if (log2 < 3 || log2 > 32 || INDEX_FIXED_SIZE + ((size_t)1 << log2) / 8 > len)
        return;
    size_t nbytes = ((size_t)1 << log2) / 8;
    uint8_t *bits = mm_malloc(nbytes);
    memcpy(bits, ix + INDEX_FIXED_SIZE, nbytes);
    unsigned hits = 0;
    /* what a search would look up: the records' strings and messages, and hashes from the input */
    for (size_t i = 0; i < recs->n && i < 64; i++) {
        const struct store_rec *r = &recs->recs[i];
        hits += bloom_maybe(bits, log2, k, bloom_hash(r->peer.p, r->peer.len));
        hits += bloom_maybe(bits, log2, k, bloom_hash(r->raw.p, r->raw.len));
    }
    for (size_t off = INDEX_FIXED_SIZE; off + 8 <= len && off < 8 * 16; off += 8)
        hits += bloom_maybe(bits, log2, k, get_u64(ix + off));
    (void)hits;
    /* no false negatives, whatever the filter held before */
    uint64_t h = bloom_hash(ix, len);
    bloom_add(bits, log2, k, h);
    FUZZ_CHECK(bloom_maybe(bits, log2, k, h), "a hash just added is not found (log2 %u, k %u)", log2, k);
    mm_free(bits);
}

static uint8_t *copy(const uint8_t *p, size_t n)
{
    uint8_t *q = mm_malloc(n ? n : 1);
    if (n)
        memcpy(q, p, n);
    return q;
}

static void fuzz_block(const uint8_t *data, size_t size, bool fix_check)
{
    if (size < STORE_HDR_SIZE)
        return;
    uint8_t hdr[STORE_HDR_SIZE];
    memcpy(hdr, data, sizeof hdr);
    if (fix_check) {
        uint8_t d[STORE_HASH_SIZE];
        sha256_once(hdr, 80, d);
        memcpy(hdr + 80, d, 4);
    }
    struct block_header h;
    const char *why = NULL;
    if (!block_header_decode(hdr, &h, &why)) {
        FUZZ_CHECK(why && *why, "block_header_decode failed without a reason");
        return;
    }
    FUZZ_CHECK(h.type >= BLOCK_SEGMENT && h.type <= BLOCK_NOTICE, "block type %u accepted", h.type);
    FUZZ_CHECK((uint64_t)h.index_len + h.payload_len <= STORE_MAX_BLOCK && h.raw_len <= STORE_MAX_BLOCK,
               "sizes %u + %u (raw %u) accepted", h.index_len, h.payload_len, h.raw_len);
    FUZZ_CHECK((h.flags & BLOCK_F_ZSTD) || h.raw_len == h.payload_len,
               "uncompressed block with raw_len %u, payload_len %u", h.raw_len, h.payload_len);
    FUZZ_CHECK(block_total_size(&h) >= STORE_HDR_SIZE + STORE_TRAILER_SIZE, "block size wraps");
    /* decode then encode gives the same bytes, reserved bytes aside */
    uint8_t again[STORE_HDR_SIZE];
    block_header_encode(&h, again);
    FUZZ_CHECK(!memcmp(again, hdr, 6) && !memcmp(again + 8, hdr + 8, 72),
               "header does not survive decode and encode");
    if (!hdr[6] && !hdr[7])
        FUZZ_CHECK(!memcmp(again + 80, hdr + 80, 4), "header check differs after encode");

    size_t avail = size - STORE_HDR_SIZE;
    if (h.index_len > avail || h.payload_len > avail - h.index_len)
        return; /* the reader reports a truncated block before reading either section */
    uint8_t *index = copy(data + STORE_HDR_SIZE, h.index_len);
    uint8_t *payload = copy(data + STORE_HDR_SIZE + h.index_len, h.payload_len);
    size_t len = h.payload_len;
    if (h.flags & BLOCK_F_ZSTD) {
        /* as store_read_payload: exactly raw_len bytes or the block is damaged */
        uint8_t *raw = NULL;
        if (h.raw_len <= FUZZ_MAX_RAW) {
            raw = mm_malloc(h.raw_len ? h.raw_len : 1);
            size_t n = ZSTD_decompress(raw, h.raw_len, payload, h.payload_len);
            if (ZSTD_isError(n) || n != h.raw_len) {
                mm_free(raw);
                raw = NULL;
            }
        }
        mm_free(payload);
        payload = raw;
        len = h.raw_len;
    }
    struct store_records recs = { 0 };
    if (payload && h.type == BLOCK_DATA)
        check_records(&h, payload, len, &recs);
    check_index(index, h.index_len, &recs);
    store_records_release(&recs);
    mm_free(payload);
    mm_free(index);
}

static void fuzz_payload(const uint8_t *data, size_t size)
{
    if (size < 20)
        return;
    struct block_header h = {
        .type = BLOCK_DATA, .count = get_u32(data), .t_min = (int64_t)get_u64(data + 4),
        .t_max = (int64_t)get_u64(data + 12),
    };
    h.raw_len = h.payload_len = (uint32_t)(size - 20);
    uint8_t *payload = copy(data + 20, size - 20);
    struct store_records recs = { 0 };
    check_records(&h, payload, size - 20, &recs);
    store_records_release(&recs);
    mm_free(payload);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: fuzz_block(data + 1, size - 1, false); break;
    case 1: fuzz_block(data + 1, size - 1, true); break;
    default: fuzz_payload(data + 1, size - 1); break;
    }
    return 0;
}
