/* SPDX-License-Identifier: Apache-2.0 */
/* format.h: the sealed store's on-disk format, version 1. docs/STORE.md is the prose description
 * an independent verifier is written from; this file is its executable half.
 *
 * A store is a directory:
 *   segments/<seq:016x>.mms   segment files, named by the sequence number of their first block
 *   segments/<name>.torn-<off> bytes cut from a torn tail after a crash, kept for forensics
 *   seal.pub                  the public key (PEM, Ed25519), a copy of what every segment carries
 *   keys/seal.key             the private key (PEM, PKCS#8, mode 0600) unless configured elsewhere
 *   lock                      held (flock) by the one writer
 *
 * A segment is a sequence of blocks; every store is one chain of blocks numbered from 0 across
 * all segments. A block, all integers little-endian:
 *
 *   offset size  header (STORE_HDR_SIZE = 88 bytes)
 *     0     4    magic "MMB1"
 *     4     1    type (enum block_type)
 *     5     1    flags (BLOCK_F_ZSTD: the payload is one zstd frame)
 *     6     2    reserved, 0
 *     8     8    seq: this block's number in the chain (0, 1, 2, ...)
 *    16     8    t_min: earliest receive time of the block's records, ns since the Unix epoch
 *    24     8    t_max: latest receive time (for blocks without records: the time written)
 *    32     4    count: records in the block (DATA), 0 for the others
 *    36     4    index_len: bytes of the index section
 *    40     4    payload_len: bytes of the payload as stored
 *    44     4    raw_len: bytes of the payload once decompressed (= payload_len if not compressed)
 *    48    32    prev_hash: hash of block seq-1 (32 zero bytes for block 0)
 *    80     4    header check: the first 4 bytes of SHA-256(header bytes 0..79); lets a reader
 *                tell a torn or damaged header from a valid one without reading the rest
 *    84     4    reserved, 0
 *   then    index_len bytes of index, payload_len bytes of payload, and the trailer:
 *     0    32    hash = SHA-256(header || index || payload)
 *    32     4    magic "MME1"
 *
 * The chain: block n's prev_hash is block n-1's hash, so each hash covers everything before it.
 * Checkpoint blocks carry an Ed25519 signature over the chain hash they follow: rewriting any
 * earlier byte, even with every hash recomputed, breaks the signature.
 */
#ifndef MM_STORE_FORMAT_H
#define MM_STORE_FORMAT_H

#include "base/prelude.h"

#define STORE_MAGIC         "MMB1"
#define STORE_TRAILER_MAGIC "MME1"
#define STORE_HDR_SIZE      88
#define STORE_TRAILER_SIZE  36
#define STORE_HASH_SIZE     32
#define STORE_ID_SIZE       16
#define STORE_PUBKEY_SIZE   32
#define STORE_SIG_SIZE      64
/* a block larger than this is damage, not data (the writer closes blocks far below it) */
#define STORE_MAX_BLOCK     (256u * 1024 * 1024)

enum block_type {
    BLOCK_SEGMENT = 1,    /* first block of every segment: store id, public key (payload: segment) */
    BLOCK_DATA = 2,       /* received messages (payload: records, index: bloom filter) */
    BLOCK_CHECKPOINT = 3, /* signature over the chain so far (payload: checkpoint) */
    BLOCK_RETENTION = 4,  /* segments deleted by the retention policy (payload: JSON) */
    BLOCK_RECOVERY = 5,   /* a torn tail was cut at open after a crash (payload: JSON) */
    BLOCK_NOTICE = 6,     /* something the store's reader should know (payload: JSON) */
};

#define BLOCK_F_ZSTD 0x01

struct block_header {
    uint8_t type, flags;
    uint64_t seq;
    int64_t t_min, t_max;
    uint32_t count, index_len, payload_len, raw_len;
    uint8_t prev_hash[STORE_HASH_SIZE];
};

/* SEGMENT payload (uncompressed, SEGMENT_PAYLOAD_SIZE bytes):
 *   0 16 store id   16 32 public key (raw Ed25519)   48 8 creation time of the store (ns)
 *  56  8 time the segment was opened (ns)   64 8 records in the store before this segment
 *  72  4 format version (1)   76 4 reserved, 0 */
#define SEGMENT_PAYLOAD_SIZE 80
#define STORE_FORMAT_VERSION 1

/* CHECKPOINT payload (uncompressed, CHECKPOINT_PAYLOAD_SIZE bytes):
 *   0 16 store id   16 8 seq (this block's)   24 32 chain hash (= this block's prev_hash)
 *  56  8 time (ns)  64 8 records in the store's DATA blocks up to here, since block 0
 *  72 64 Ed25519 signature over CHECKPOINT_DOMAIN (19 bytes, no NUL) || payload bytes 0..71 */
#define CHECKPOINT_PAYLOAD_SIZE 136
#define CHECKPOINT_SIGNED_SIZE  72
#define CHECKPOINT_DOMAIN       "MAMORI-CHECKPOINT-1"

/* DATA payload (before compression): a record count n is in the header; then, all LEB128
 * unsigned varints unless said otherwise:
 *   table of strings: ns, then ns times (len, bytes); strings are referred to by index
 *   n times: receive time - t_min (ns)
 *   n times: peer (string index)
 *   n times: listener (string index of "name\tcharset\ttimezone\theader|noheader": what
 *            parsing the message again needs: its listener's encoding, zone for timestamps that
 *            carry none, and whether messages have a syslog header)
 *   n times: parser (string index; "" when no parser matched)
 *   n times: flags (bit 0: the message was truncated at max_message_size)
 *   n times: length of the raw message
 *   the raw messages, concatenated, byte for byte as received
 * Columns rather than rows: each column is uniform, which is what zstd compresses best. */
#define RECORD_F_TRUNCATED 0x01

/* DATA index section: 1 byte log2 of the bloom filter's size in bits (0: no filter), 1 byte the
 * number of probes k, 2 reserved, 4 number of tokens added, then the filter's 2^log2 bits
 * (bit i is byte i/8, mask 1 << (i%8)). A token's probes: h = bloom_hash(token) (bloom.h);
 * h1 = low 32 bits, h2 = high 32 bits | 1; probe j sets bit (h1 + j*h2) mod 2^log2. */
#define INDEX_FIXED_SIZE 8

/* Segment index file, segments/<seq:016x>.mmi, written when a segment is closed: a copy of every
 * block's header and index section, so a search reads one file per segment instead of seeking
 * to every block. Derived data, not part of the chain: a reader uses it only when it matches the
 * segment, and `mamori log verify` checks that it does.
 *   0  4  magic "MMI1"   4 4 reserved, 0   8 8 size of the segment file it describes
 *  16  8  number of blocks
 *  24  8  earliest t_min of the segment's DATA blocks   32 8 latest t_max (INT64_MAX, INT64_MIN:
 *         no data): a time-range search skips the whole segment by these 40 bytes
 *  then per block: 8 offset of the block in the segment, the 88-byte header, the index section
 *  then 32 bytes: SHA-256 of everything before */
#define SEGIDX_MAGIC "MMI1"
#define SEGIDX_HDR_SIZE 40

static inline void put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* Encode h into out[STORE_HDR_SIZE], with its header check. */
void block_header_encode(const struct block_header *h, uint8_t *out);
/* Decode and check magic, header check, version-independent sanity (sizes within
 * STORE_MAX_BLOCK). false with a reason in why (static string) when it is not a valid header. */
bool block_header_decode(const uint8_t *in, struct block_header *h, const char **why);
static inline uint64_t block_total_size(const struct block_header *h)
{
    return (uint64_t)STORE_HDR_SIZE + h->index_len + h->payload_len + STORE_TRAILER_SIZE;
}
const char *block_type_name(int type);

/* LEB128 varints. get: false when the input ends or the value passes 64 bits. */
size_t varint_put(uint8_t *p, uint64_t v); /* p needs 10 bytes */
bool varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v);

#endif
