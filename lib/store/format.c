/* SPDX-License-Identifier: Apache-2.0 */
/* format.c: block headers and varints (format.h describes the layout). */
#include "base/prelude.h"
#include "format.h"
#include "seal.h"

void block_header_encode(const struct block_header *h, uint8_t *out)
{
    memset(out, 0, STORE_HDR_SIZE);
    memcpy(out, STORE_MAGIC, 4);
    out[4] = h->type;
    out[5] = h->flags;
    put_u64(out + 8, h->seq);
    put_u64(out + 16, (uint64_t)h->t_min);
    put_u64(out + 24, (uint64_t)h->t_max);
    put_u32(out + 32, h->count);
    put_u32(out + 36, h->index_len);
    put_u32(out + 40, h->payload_len);
    put_u32(out + 44, h->raw_len);
    memcpy(out + 48, h->prev_hash, STORE_HASH_SIZE);
    uint8_t d[STORE_HASH_SIZE];
    sha256_once(out, 80, d);
    memcpy(out + 80, d, 4);
}

bool block_header_decode(const uint8_t *in, struct block_header *h, const char **why)
{
    if (memcmp(in, STORE_MAGIC, 4) != 0) {
        *why = "no block starts here (bad magic)";
        return false;
    }
    uint8_t d[STORE_HASH_SIZE];
    sha256_once(in, 80, d);
    if (memcmp(in + 80, d, 4) != 0) {
        *why = "block header damaged (header check fails)";
        return false;
    }
    h->type = in[4];
    h->flags = in[5];
    h->seq = get_u64(in + 8);
    h->t_min = (int64_t)get_u64(in + 16);
    h->t_max = (int64_t)get_u64(in + 24);
    h->count = get_u32(in + 32);
    h->index_len = get_u32(in + 36);
    h->payload_len = get_u32(in + 40);
    h->raw_len = get_u32(in + 44);
    memcpy(h->prev_hash, in + 48, STORE_HASH_SIZE);
    if (in[6] || in[7] || get_u32(in + 84)) {
        *why = "reserved header bytes are not zero";
        return false;
    }
    if (h->t_min > h->t_max) {
        *why = "block time range reversed";
        return false;
    }
    if (h->type < BLOCK_SEGMENT || h->type > BLOCK_NOTICE) {
        *why = "unknown block type";
        return false;
    }
    if ((uint64_t)h->index_len + h->payload_len > STORE_MAX_BLOCK || h->raw_len > STORE_MAX_BLOCK) {
        *why = "block sizes out of range";
        return false;
    }
    if (!(h->flags & BLOCK_F_ZSTD) && h->raw_len != h->payload_len) {
        *why = "uncompressed block with raw_len != payload_len";
        return false;
    }
    return true;
}

const char *block_type_name(int type)
{
    switch (type) {
    case BLOCK_SEGMENT: return "segment";
    case BLOCK_DATA: return "data";
    case BLOCK_CHECKPOINT: return "checkpoint";
    case BLOCK_RETENTION: return "retention";
    case BLOCK_RECOVERY: return "recovery";
    case BLOCK_NOTICE: return "notice";
    default: return "unknown";
    }
}

size_t varint_put(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

bool varint_get(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    const uint8_t *p = *pp;
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (p >= end)
            return false;
        uint8_t b = *p++;
        if (shift == 63 && b > 1)
            return false;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            *pp = p;
            return true;
        }
    }
    return false;
}
