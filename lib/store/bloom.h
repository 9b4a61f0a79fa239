/* SPDX-License-Identifier: Apache-2.0 */
/* bloom.h: the per-block index. Each DATA block carries a bloom filter of the values found in it
 * for a few classes of fields (addresses, hosts, users, domains, mail addresses); a search for
 * such a value skips every block whose filter says "certainly not here". format.h gives the bits'
 * layout; the token text is "<class>:<value>" with the value lowercased (class names and which
 * fields feed which class: index_tokens in tokens.c, docs/STORE.md). */
#ifndef MM_STORE_BLOOM_H
#define MM_STORE_BLOOM_H

#include "base/prelude.h"

/* 64-bit FNV-1a of the bytes, then the MurmurHash3 64-bit finaliser (fmix64) */
static inline uint64_t bloom_hash(const void *p, size_t n)
{
    const uint8_t *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

#define BLOOM_K            7
#define BLOOM_BITS_PER_KEY 10 /* about 1% false positives at k = 7 */
#define BLOOM_MIN_LOG2     9  /* 64 bytes */
#define BLOOM_MAX_LOG2     20 /* 128 KiB */

/* Size (log2 of bits) for n distinct tokens. */
unsigned bloom_log2_for(size_t n);
/* Set the probes of hash h in bits (2^log2 bits). */
void bloom_add(uint8_t *bits, unsigned log2, unsigned k, uint64_t h);
bool bloom_maybe(const uint8_t *bits, unsigned log2, unsigned k, uint64_t h);

#endif
