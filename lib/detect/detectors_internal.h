/* SPDX-License-Identifier: Apache-2.0 */
/* detectors_internal.h: what the two halves of the built-in detectors share, detectors_extract.c
 * (configuration and the stateless extractor) and detectors.c (the detection thread's state).
 * Not part of the public API: include detectors.h for that. */
#ifndef MM_DETECT_DETECTORS_INTERNAL_H
#define MM_DETECT_DETECTORS_INTERNAL_H

#include "base/prelude.h"
#include "base/str.h"
#include "detectors.h"

/* Copy len bytes of p into dst (cap bytes with the NUL), cut at a UTF-8 character boundary,
 * lowered on demand. */
static inline void detect_copy_text(char *dst, size_t cap, const char *p, size_t len, bool lower)
{
    if (len >= cap) {
        len = cap - 1;
        while (len > 0 && ((unsigned char)p[len] & 0xc0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++)
        dst[i] = lower ? mm_lower(p[i]) : p[i];
    dst[len] = '\0';
}

/* Is ip inside the network c? */
static inline bool detect_cidr_has(const struct net_cidr *c, const struct detect_ip *ip)
{
    if (c->family != ip->family)
        return false;
    int bits = c->bits;
    for (int i = 0; bits > 0; i++, bits -= 8) {
        uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
        if ((ip->addr[i] & mask) != (c->net[i] & mask))
            return false;
    }
    return true;
}

#endif
