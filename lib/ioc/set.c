/* SPDX-License-Identifier: Apache-2.0 */
/* set.c: building an indicator set (normalise, merge duplicates, intern the repeated strings)
 * and the tables it is matched through: one open-addressing table over (type, value) for exact
 * lookups and one over (masked address, prefix length) for addresses and networks, probed once per
 * prefix length present. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "ioc/ioc_internal.h"

#include <sys/random.h>

#define STRING_CHUNK (64u << 10)
#define MAX_SOURCES_LEN 512 /* a merged "a,b,c" source list stops growing here */

void ioc_load_options_init(struct ioc_load_options *o)
{
    memset(o, 0, sizeof *o);
    o->now_ns = mm_now_ns();
    o->misp_lifetime_ns = 90 * 86400 * MM_NS_PER_SEC;
    o->default_confidence = 50;
    o->min_confidence = 0;
    o->format = IOC_FORMAT_AUTO;
}

uint64_t ioc_file_stats_loaded(const struct ioc_file_stats *st)
{
    uint64_t n = 0;
    for (int t = 0; t < IOC_TYPE_COUNT; t++)
        n += st->loaded[t];
    return n;
}

const char *ioc_type_name(enum ioc_type t)
{
    static const char *const names[IOC_TYPE_COUNT] = { "ipv4", "ipv6", "cidr", "domain", "url",
                                                       "md5",  "sha1", "sha256", "email" };
    return (unsigned)t < IOC_TYPE_COUNT ? names[t] : "?";
}

const char *ioc_format_name(enum ioc_format f)
{
    switch (f) {
    case IOC_FORMAT_AUTO: return "auto";
    case IOC_FORMAT_MISP: return "misp";
    case IOC_FORMAT_STIX: return "stix";
    case IOC_FORMAT_CSV: return "csv";
    case IOC_FORMAT_LIST: return "list";
    }
    return "?";
}

struct ioc_builder *ioc_builder_new(const struct ioc_load_options *opt)
{
    struct ioc_builder *b = mm_calloc(1, sizeof *b);
    if (opt)
        b->opt = *opt;
    else
        ioc_load_options_init(&b->opt);
    struct ioc_set *s = b->set = mm_calloc(1, sizeof *s);
    arena_init(&s->strings, STRING_CHUNK, 0);
    if (getrandom(&s->seed, sizeof s->seed, GRND_NONBLOCK) != (ssize_t)sizeof s->seed)
        s->seed = (uint64_t)mm_mono_ns() ^ (uint64_t)(uintptr_t)s;
    s->exact_mask = 1023;
    s->exact = mm_calloc(s->exact_mask + 1, sizeof *s->exact);
    b->intern_mask = 255;
    b->intern = mm_calloc(b->intern_mask + 1, sizeof *b->intern);
    return b;
}

void ioc_builder_free(struct ioc_builder *b)
{
    if (!b)
        return;
    ioc_set_free(b->set);
    mm_free(b->intern);
    mm_free(b);
}

void ioc_set_free(struct ioc_set *s)
{
    if (!s)
        return;
    arena_release(&s->strings);
    mm_free(s->ind);
    mm_free(s->exact);
    mm_free(s->net);
    mm_free(s->v4);
    mm_free(s->v4net_start);
    mm_free(s->v4net);
    mm_free(s);
}

static const char *intern(struct ioc_builder *b, const char *p, size_t len)
{
    if (!p)
        return NULL;
    uint64_t h = ioc_hash(p, len, b->set->seed);
    size_t i = h & b->intern_mask;
    for (; b->intern[i]; i = (i + 1) & b->intern_mask)
        if (strlen(b->intern[i]) == len && memcmp(b->intern[i], p, len) == 0)
            return b->intern[i];
    const char *copy = arena_strndup(&b->set->strings, p, len);
    b->intern[i] = copy;
    if (++b->intern_n * 10 > (b->intern_mask + 1) * 7) {
        size_t nmask = b->intern_mask * 2 + 1;
        const char **n = mm_calloc(nmask + 1, sizeof *n);
        for (size_t k = 0; k <= b->intern_mask; k++) {
            const char *v = b->intern[k];
            if (!v)
                continue;
            size_t j = ioc_hash(v, strlen(v), b->set->seed) & nmask;
            while (n[j])
                j = (j + 1) & nmask;
            n[j] = v;
        }
        mm_free(b->intern);
        b->intern = n;
        b->intern_mask = nmask;
    }
    return copy;
}

static const char *intern_cstr(struct ioc_builder *b, const char *s)
{
    return s && *s ? intern(b, s, strlen(s)) : NULL;
}

static void exact_insert(struct ioc_set *s, uint32_t idx)
{
    const struct ioc_indicator *d = &s->ind[idx];
    uint64_t h = ioc_hash(d->value, d->len, s->seed + d->type);
    size_t i = h & s->exact_mask;
    while (s->exact[i].idx1)
        i = (i + 1) & s->exact_mask;
    s->exact[i] = (struct ioc_exact_slot){ idx + 1, (uint32_t)(h >> 32) };
}

static void exact_grow(struct ioc_set *s)
{
    if ((s->n + 1) * 10 <= (s->exact_mask + 1) * 7)
        return;
    mm_free(s->exact);
    s->exact_mask = s->exact_mask * 2 + 1;
    s->exact = mm_calloc(s->exact_mask + 1, sizeof *s->exact);
    for (size_t k = 0; k < s->n; k++)
        exact_insert(s, (uint32_t)k);
}

/* Is name one of the comma-separated entries of list? */
static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l == n && memcmp(p, name, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

/* Duplicates keep one entry: the highest confidence, the latest expiry (none wins), every source,
 * and the first description and reference given. */
static void merge(struct ioc_builder *b, struct ioc_indicator *d, const struct ioc_attrs *a, const char *source)
{
    if (a->confidence > d->confidence)
        d->confidence = (uint8_t)a->confidence;
    if (d->expiry_ns && (!a->expiry_ns || a->expiry_ns > d->expiry_ns))
        d->expiry_ns = a->expiry_ns;
    if (source && !list_has(d->source, source)) {
        if (!d->source) {
            d->source = source;
        } else if (strlen(d->source) + strlen(source) + 1 <= MAX_SOURCES_LEN) {
            char joined[MAX_SOURCES_LEN + 1];
            int n = snprintf(joined, sizeof joined, "%s,%s", d->source, source);
            d->source = intern(b, joined, (size_t)n);
        }
    }
    if (!d->description)
        d->description = intern_cstr(b, a->description);
    if (!d->reference)
        d->reference = intern_cstr(b, a->reference);
}

enum mm_status ioc_builder_add_typed(struct ioc_builder *b, enum ioc_type type, const char *value, size_t len,
                                     const struct ioc_attrs *a, enum ioc_type *stored, bool *duplicate,
                                     struct mm_error *err)
{
    char norm[IOC_MAX_VALUE];
    size_t nlen = 0, ho, hl;
    bool ok = false;
    /* feeds pad values; nothing valid starts or ends with white space */
    while (len && (mm_is_space(*value) || *value == '\r' || *value == '\n')) {
        value++;
        len--;
    }
    while (len && (mm_is_space(value[len - 1]) || value[len - 1] == '\r' || value[len - 1] == '\n'))
        len--;
    if (len >= IOC_MAX_VALUE)
        return mm_error_set(err, MM_ERR_PARSE, "%s value longer than %d bytes", ioc_type_name(type), IOC_MAX_VALUE);
    switch (type) {
    case IOC_IPV4:
    case IOC_IPV6:
    case IOC_CIDR: {
        struct ioc_ip ip;
        ok = ioc_ip_parse(value, len, true, &ip);
        if (ok) {
            nlen = ioc_ip_format(&ip, norm, sizeof norm);
            type = ip.plen < 128 ? IOC_CIDR : ip.v4 ? IOC_IPV4 : IOC_IPV6;
        }
        break;
    }
    case IOC_DOMAIN: {
        /* feeds file addresses as host names (MISP hostname, CSV domain, "192.0.2.1." in a list):
         * they are addresses, as the matcher will see them */
        struct ioc_ip ip;
        char name[IOC_MAX_VALUE];
        size_t name_len;
        const char *v = value;
        size_t vlen = len;
        if (ioc_domain_norm(value, len, name, &name_len)) {
            v = name;
            vlen = name_len;
        }
        if (ioc_ip_parse(v, vlen, false, &ip)) {
            nlen = ioc_ip_format(&ip, norm, sizeof norm);
            type = ip.v4 ? IOC_IPV4 : IOC_IPV6;
            ok = true;
            break;
        }
        ok = ioc_domain_norm(value, len, norm, &nlen);
        break;
    }
    case IOC_URL:
        ok = ioc_url_norm(value, len, norm, sizeof norm, &nlen, &ho, &hl);
        break;
    case IOC_MD5:
    case IOC_SHA1:
    case IOC_SHA256:
        ok = ioc_hash_kind(value, len) == (int)type;
        for (size_t i = 0; ok && i < len; i++)
            norm[i] = mm_lower(value[i]);
        nlen = len;
        break;
    case IOC_EMAIL:
        ok = ioc_email_norm(value, len, norm, &nlen);
        break;
    case IOC_TYPE_COUNT:
        break;
    }
    if (!ok)
        return mm_error_set(err, MM_ERR_PARSE, "'%.*s' is not a valid %s", (int)MM_MIN(len, 120), value,
                            ioc_type_name(type));
    norm[nlen] = '\0';
    if (stored)
        *stored = type;
    struct ioc_set *s = b->set;
    const char *source = intern_cstr(b, a->source);
    long at = ioc_exact_find(s, type, norm, nlen);
    if (at >= 0) {
        merge(b, &s->ind[at], a, source);
        if (duplicate)
            *duplicate = true;
        return MM_OK;
    }
    if (duplicate)
        *duplicate = false;
    if (s->n >= IOC_MAX_INDICATORS)
        return mm_error_set(err, MM_ERR_TOO_LARGE, "more than %u indicators", IOC_MAX_INDICATORS);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->ind = mm_reallocarray(s->ind, s->cap, sizeof *s->ind);
    }
    s->ind[s->n] = (struct ioc_indicator){
        .value = arena_strndup(&s->strings, norm, nlen),
        .source = source,
        .description = intern_cstr(b, a->description),
        .reference = intern_cstr(b, a->reference),
        .expiry_ns = a->expiry_ns,
        .len = (uint32_t)nlen,
        .type = (uint8_t)type,
        .confidence = (uint8_t)MM_MIN(a->confidence, 100u),
    };
    exact_grow(s);
    exact_insert(s, (uint32_t)s->n);
    s->n++;
    s->count[type]++;
    return MM_OK;
}

enum mm_status ioc_builder_add(struct ioc_builder *b, enum ioc_type type, const char *value, size_t len,
                               const struct ioc_attrs *attrs, bool *duplicate, struct mm_error *err)
{
    return ioc_builder_add_typed(b, type, value, len, attrs, NULL, duplicate, err);
}

static void sort_plens_desc(uint8_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] < v[j]; j--) {
            uint8_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static size_t table_size(size_t n)
{
    size_t cap = 16;
    while (cap * 7 < n * 10)
        cap *= 2;
    return cap;
}

struct v4_sortnet {
    uint32_t start, end, idx;
    uint8_t plen;
};

static int cmp_v4net(const void *pa, const void *pb)
{
    const struct v4_sortnet *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return (a->plen > b->plen) - (a->plen < b->plen);
}

/* The sorted IPv4 network array and every network's parent, by one walk with a stack of the
 * networks still open. */
static void build_v4_nets(struct ioc_set *s, struct v4_sortnet *nets, size_t n)
{
    if (n > 1)
        qsort(nets, n, sizeof *nets, cmp_v4net);
    s->nv4net = n;
    s->v4net_start = mm_reallocarray(NULL, n, sizeof *s->v4net_start);
    s->v4net = mm_reallocarray(NULL, n, sizeof *s->v4net);
    uint32_t stack[33];
    unsigned depth = 0;
    for (size_t k = 0; k < n; k++) {
        while (depth && s->v4net[stack[depth - 1]].end < nets[k].start)
            depth--;
        s->v4net_start[k] = nets[k].start;
        s->v4net[k] = (struct ioc_v4_net){ nets[k].end, depth ? stack[depth - 1] + 1 : 0, nets[k].idx };
        if (depth < MM_ARRAY_LEN(stack)) /* nested networks have distinct lengths: at most 33 */
            stack[depth++] = (uint32_t)k;
    }
}

static void build_net(struct ioc_set *s)
{
    size_t n4 = 0, n6 = 0, nn4 = 0;
    bool v6seen[129] = { false };
    for (size_t k = 0; k < s->n; k++) {
        const struct ioc_indicator *d = &s->ind[k];
        if (d->type == IOC_IPV4)
            n4++;
        else if (d->type == IOC_CIDR && !strchr(d->value, ':'))
            nn4++;
        else if (d->type == IOC_IPV6 || d->type == IOC_CIDR)
            n6++;
    }
    if (n4) {
        s->v4_mask = table_size(n4) - 1;
        s->v4 = mm_calloc(s->v4_mask + 1, sizeof *s->v4);
    }
    if (n6) {
        s->net_mask = table_size(n6) - 1;
        s->net = mm_calloc(s->net_mask + 1, sizeof *s->net);
    }
    struct v4_sortnet *nets = nn4 ? mm_reallocarray(NULL, nn4, sizeof *nets) : NULL;
    size_t got = 0;
    for (size_t k = 0; k < s->n; k++) {
        const struct ioc_indicator *d = &s->ind[k];
        struct ioc_ip ip;
        if ((d->type != IOC_IPV4 && d->type != IOC_IPV6 && d->type != IOC_CIDR) ||
            !ioc_ip_parse(d->value, d->len, true, &ip))
            continue;
        if (ip.v4) {
            unsigned plen = ip.plen - 96;
            uint32_t a = (uint32_t)ip.addr[12] << 24 | (uint32_t)ip.addr[13] << 16 | (uint32_t)ip.addr[14] << 8 |
                         ip.addr[15];
            if (plen < 32) {
                if (got < nn4)
                    nets[got++] = (struct v4_sortnet){ a, a | ~ioc_v4_mask(plen), (uint32_t)k, (uint8_t)plen };
                continue;
            }
            size_t i = ioc_v4_hash(a, 32, s->seed, s->v4_mask);
            while (s->v4[i].idx1)
                i = (i + 1) & s->v4_mask;
            s->v4[i] = (struct ioc_v4_slot){ a, (uint32_t)k + 1, 32 };
            continue;
        }
        if (!v6seen[ip.plen]) {
            v6seen[ip.plen] = true;
            s->v6_plens[s->nv6_plens++] = (uint8_t)ip.plen;
        }
        size_t i = ioc_hash(ip.addr, 16, s->seed + ip.plen) & s->net_mask;
        while (s->net[i].idx1)
            i = (i + 1) & s->net_mask;
        memcpy(s->net[i].addr, ip.addr, 16);
        s->net[i].plen = (uint8_t)ip.plen;
        s->net[i].idx1 = (uint32_t)k + 1;
    }
    if (got)
        build_v4_nets(s, nets, got);
    mm_free(nets);
    sort_plens_desc(s->v6_plens, s->nv6_plens);
}

struct ioc_set *ioc_builder_finish(struct ioc_builder *b)
{
    struct ioc_set *s = b->set;
    b->set = NULL;
    ioc_builder_free(b);
    if (s->n && s->n < s->cap) {
        s->ind = mm_reallocarray(s->ind, s->n, sizeof *s->ind);
        s->cap = s->n;
    }
    build_net(s);
    ioc_fields_index(s);
    atomic_init(&s->expired_hits, 0);
    return s;
}

struct ioc_set *ioc_set_load_files(const char *const *paths, size_t npaths, const struct ioc_load_options *opt,
                                   struct ioc_file_stats **stats, size_t *failed)
{
    struct ioc_builder *b = ioc_builder_new(opt);
    struct ioc_file_stats *st = mm_calloc(npaths ? npaths : 1, sizeof *st);
    size_t bad = 0;
    for (size_t i = 0; i < npaths; i++) {
        struct mm_error err;
        if (ioc_builder_load_file(b, paths[i], NULL, &st[i], &err) != MM_OK || st[i].nproblems)
            bad++;
    }
    *stats = st;
    if (failed)
        *failed = bad;
    return ioc_builder_finish(b);
}

void ioc_set_info(const struct ioc_set *s, struct ioc_set_info *out)
{
    memset(out, 0, sizeof *out);
    for (int t = 0; t < IOC_TYPE_COUNT; t++) {
        out->count[t] = s->count[t];
        out->total += s->count[t];
    }
    out->memory = sizeof *s + s->cap * sizeof *s->ind + (s->exact_mask + 1) * sizeof *s->exact +
                  (s->net ? (s->net_mask + 1) * sizeof *s->net : 0) + (s->v4 ? (s->v4_mask + 1) * sizeof *s->v4 : 0) +
                  s->nv4net * (sizeof *s->v4net_start + sizeof *s->v4net) +
                  s->strings.used_total;
}

uint64_t ioc_set_expired_hits(const struct ioc_set *s)
{
    return atomic_load_explicit(&s->expired_hits, memory_order_relaxed);
}

const struct ioc_indicator *ioc_set_at(const struct ioc_set *s, size_t i)
{
    return i < s->n ? &s->ind[i] : NULL;
}

const struct ioc_indicator *ioc_set_find(const struct ioc_set *s, enum ioc_type type, const char *value, size_t len)
{
    long at = ioc_exact_find(s, type, value, len);
    return at >= 0 ? &s->ind[at] : NULL;
}
