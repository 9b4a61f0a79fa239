/* SPDX-License-Identifier: Apache-2.0 */
/* bloom.c: bloom filter with double hashing (Kirsch and Mitzenmacher). */
#include "base/prelude.h"
#include "bloom.h"

unsigned bloom_log2_for(size_t n)
{
    unsigned log2 = BLOOM_MIN_LOG2;
    while (log2 < BLOOM_MAX_LOG2 && ((size_t)1 << log2) < n * BLOOM_BITS_PER_KEY)
        log2++;
    return log2;
}

void bloom_add(uint8_t *bits, unsigned log2, unsigned k, uint64_t h)
{
    uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32) | 1;
    uint32_t mask = (uint32_t)((1ull << log2) - 1);
    for (unsigned j = 0; j < k; j++) {
        uint32_t bit = (h1 + j * h2) & mask;
        bits[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    }
}

bool bloom_maybe(const uint8_t *bits, unsigned log2, unsigned k, uint64_t h)
{
    uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32) | 1;
    uint32_t mask = (uint32_t)((1ull << log2) - 1);
    for (unsigned j = 0; j < k; j++) {
        uint32_t bit = (h1 + j * h2) & mask;
        if (!(bits[bit >> 3] & (1u << (bit & 7))))
            return false;
    }
    return true;
}
