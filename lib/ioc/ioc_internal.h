/* SPDX-License-Identifier: Apache-2.0 */
/* ioc_internal.h: what the files of lib/ioc share and nobody else needs: the set's tables, value
 * normalisation (normalise.c) and the importers' common entry (import.c, import_json.c). */
#ifndef MM_IOC_INTERNAL_H
#define MM_IOC_INTERNAL_H

#include "base/prelude.h"
#include "base/arena.h"
#include "base/error.h"
#include "event/json.h"
#include "ioc/ioc.h"

#include <stdatomic.h>

/* ---- hashing (set.c) ---- */

/* A fast 64-bit hash of short strings; seed is per set. Not keyed strongly: matching values come
 * from the network, so the seed is random per set and tables are probed with a bounded load. */
static inline uint64_t ioc_hash(const void *p, size_t len, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ ((uint64_t)len * 0x9E3779B97F4A7C15ull);
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
        s += 8;
        len -= 8;
    }
    uint64_t v = 0;
    memcpy(&v, s, len);
    h = (h ^ v) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

/* ---- the set ---- */

struct ioc_exact_slot {
    uint32_t idx1; /* index + 1 into the indicators; 0: empty */
    uint32_t tag;  /* high bits of the hash, to skip most string compares */
};

struct ioc_net_slot {
    uint8_t addr[16]; /* masked to plen; IPv4 as ::ffff:a.b.c.d */
    uint32_t idx1;
    uint8_t plen;     /* 0..128 (IPv4 networks: 96 + prefix) */
};

/* IPv4 addresses have their own table: a 4-byte key hashes with one multiply. IPv4 networks are
 * kept sorted by (first address, prefix length) with each one's parent (the next larger network
 * containing it: networks nest or are disjoint): the last network starting at or before an
 * address, then its ancestors, are the candidates, most specific first. */
struct ioc_v4_net {
    uint32_t end;     /* last address */
    uint32_t parent1; /* index + 1 in the same array; 0: none */
    uint32_t idx;     /* the indicator */
};
struct ioc_v4_slot {
    uint32_t addr; /* host order, masked to plen */
    uint32_t idx1;
    uint8_t plen;  /* 0..32 */
};

static inline size_t ioc_v4_hash(uint32_t addr, unsigned plen, uint64_t seed, size_t mask)
{
    uint64_t h = (((uint64_t)addr << 8 | plen) ^ seed) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 29) & mask;
}

static inline uint32_t ioc_v4_mask(unsigned plen)
{
    return plen ? ~(uint32_t)0 << (32 - plen) : 0;
}

#define IOC_FIELD_SLOTS 512

struct ioc_set {
    struct ioc_indicator *ind;
    size_t n, cap;
    struct arena strings;
    uint64_t seed;

    struct ioc_exact_slot *exact; /* every indicator, by (type, value) */
    size_t exact_mask;

    struct ioc_net_slot *net; /* IPv6 address and network indicators, by (address, prefix) */
    size_t net_mask;
    struct ioc_v4_slot *v4; /* IPv4 addresses */
    size_t v4_mask;
    uint32_t *v4net_start;  /* IPv4 networks: first addresses, ascending */
    struct ioc_v4_net *v4net;
    size_t nv4net;
    uint8_t v6_plens[129]; /* IPv6 prefix lengths present, longest first */
    unsigned nv6_plens;

    uint64_t count[IOC_TYPE_COUNT];
    uint16_t fields[IOC_FIELD_SLOTS]; /* field-table index + 1 by name hash (match.c) */

    _Atomic uint64_t expired_hits;
};

/* The exact lookup: index of (type, value) or -1. */
static inline long ioc_exact_find(const struct ioc_set *s, enum ioc_type type, const char *p, size_t len)
{
    if (!s->exact)
        return -1;
    uint64_t h = ioc_hash(p, len, s->seed + type);
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = h & s->exact_mask;; i = (i + 1) & s->exact_mask) {
        const struct ioc_exact_slot *sl = &s->exact[i];
        if (!sl->idx1)
            return -1;
        if (sl->tag == tag) {
            const struct ioc_indicator *d = &s->ind[sl->idx1 - 1];
            if (d->type == type && d->len == len && memcmp(d->value, p, len) == 0)
                return (long)sl->idx1 - 1;
        }
    }
}

/* Build the field-name index of a set (match.c). */
void ioc_fields_index(struct ioc_set *s);

/* ---- normalisation (normalise.c) ---- */

struct ioc_ip {
    uint8_t addr[16]; /* IPv4 as ::ffff:a.b.c.d */
    unsigned plen;    /* 0..128; IPv4 96..128 */
    bool v4;
};

/* Parse an address, or with allow_prefix also a network "addr/len" (host bits are cleared).
 * Accepts "[v6]" and drops a zone ("%eth0"). */
bool ioc_ip_parse(const char *p, size_t len, bool allow_prefix, struct ioc_ip *out);
/* Canonical text: "10.0.0.1", "10.0.0.0/8", "2001:db8::/32". out has at least 64 bytes. */
size_t ioc_ip_format(const struct ioc_ip *ip, char *out, size_t outlen);
/* Mask addr to plen bits. */
void ioc_ip_mask(uint8_t addr[16], unsigned plen);

/* Normalise a domain into out (IOC_MAX_VALUE bytes): lower case, trailing dot and a leading "*."
 * removed. False when it is not a host name. */
bool ioc_domain_norm(const char *p, size_t len, char *out, size_t *outlen);
/* Normalise a URL into out (outsize bytes): scheme and host lower case, default port dropped,
 * fragment dropped, empty path "/". host_off/host_len locate the host in out. */
bool ioc_url_norm(const char *p, size_t len, char *out, size_t outsize, size_t *outlen, size_t *host_off,
                  size_t *host_len);
/* IOC_MD5/IOC_SHA1/IOC_SHA256 for hex of the right length (any case), else -1. */
int ioc_hash_kind(const char *p, size_t len);
/* Normalise an e-mail address: "<a@b>", "mailto:" removed, lower case. */
bool ioc_email_norm(const char *p, size_t len, char *out, size_t *outlen);
/* Guess the type of a bare value (plain lists, CSV without a type): -1 when nothing fits. */
int ioc_guess_type(const char *p, size_t len);
/* RFC 3339 time, a date "2026-11-23" (midnight UTC) or Unix seconds. */
bool ioc_parse_time(const char *p, size_t len, int64_t *ns);
/* A type name as CSV files and MISP write it ("ip-dst", "sha256", "domain", ...): false when
 * unknown. MISP's composite types "a|b" give a type for each part: *second is IOC_PART_NONE for
 * simple types, and a part that is no indicator (the port of ip-dst|port, the file name of
 * filename|md5) is IOC_PART_IGNORE. */
#define IOC_PART_NONE   (-1)
#define IOC_PART_IGNORE (-2)
bool ioc_type_from_name(const char *p, size_t len, int *first, int *second);

/* ---- importing (import.c) ---- */

struct ioc_builder {
    struct ioc_set *set;
    struct ioc_load_options opt;
    /* interned strings (sources, descriptions, references) */
    const char **intern;
    size_t intern_mask, intern_n;
};

/* Add a normalised-or-not value; *stored receives the type it was filed under. */
enum mm_status ioc_builder_add_typed(struct ioc_builder *b, enum ioc_type type, const char *value, size_t len,
                                     const struct ioc_attrs *attrs, enum ioc_type *stored, bool *duplicate,
                                     struct mm_error *err);

/* One file being imported. */
struct ioc_import {
    struct ioc_builder *b;
    struct ioc_file_stats *st;
    const char *name;   /* for messages */
    const char *source; /* default source */
    const char *data;
    size_t len;
    size_t line_off; /* ioc_import_line's cursor */
    uint32_t line_no;
};

/* Record a problem at a line (0: unknown). */
void ioc_import_problem(struct ioc_import *im, uint32_t line, const char *fmt, ...) MM_PRINTF(3, 4);
/* The line of a byte offset in the file. */
uint32_t ioc_import_line(struct ioc_import *im, size_t offset);
/* Add one value with the expiry, confidence and duplicate policy, counting into the stats. A value
 * the type does not accept is an invalid problem at line. */
void ioc_import_add(struct ioc_import *im, enum ioc_type type, const char *value, size_t len,
                    const struct ioc_attrs *a, uint32_t line);

/* import_json.c: the document is tokenized; MM_ERR_PARSE with err when it is neither format. */
enum mm_status ioc_import_json(struct ioc_import *im, const struct json_token *t, int ntok, enum ioc_format want,
                               struct mm_error *err);
/* import_text.c */
void ioc_import_csv(struct ioc_import *im);
void ioc_import_list(struct ioc_import *im);

#endif
