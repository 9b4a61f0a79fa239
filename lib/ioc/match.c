/* SPDX-License-Identifier: Apache-2.0 */
/* match.c: which event fields can hold which indicators (the one table, documented in
 * docs/IOC.md), and the lookups: addresses through the network table once per prefix length
 * present, domains by walking the label suffixes with exact lookups, URLs exactly and by host,
 * hashes and e-mail addresses exactly. Nothing here allocates or writes to the set except the
 * relaxed counter of expired hits. */
#include "base/prelude.h"
#include "base/str.h"
#include "ioc/ioc_internal.h"

enum field_kind {
    F_IP,     /* an address */
    F_HOST,   /* a host name or an address */
    F_URL,    /* a URL (or, for web servers, a path joined with cs-host) */
    F_HASH,   /* one MD5, SHA-1 or SHA-256 */
    F_HASHES, /* Sysmon's "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." */
    F_EMAIL,  /* addresses, a comma-separated list allowed ("<a@x>,<b@y>") */
    F_SENDER, /* the same, and the address's domain against domain indicators */
};

static const struct ioc_field {
    const char *name;
    enum field_kind kind;
} field_table[] = {
    /* addresses: network parsers, web servers and proxies, Windows */
    { "src_ip", F_IP },
    { "dst_ip", F_IP },
    { "c-ip", F_IP },
    { "s-ip", F_IP },
    { "src_mapped_ip", F_IP },
    { "dst_mapped_ip", F_IP },
    { "orig_src_ip", F_IP },
    { "orig_dst_ip", F_IP },
    { "relay_ip", F_IP },
    { "assigned_ip", F_IP },
    { "client_ip", F_IP },
    { "server_ip", F_IP },
    { "SourceIp", F_IP },
    { "DestinationIp", F_IP },
    { "IpAddress", F_IP },
    { "SourceAddress", F_IP },
    { "DestAddress", F_IP },
    { "ClientAddress", F_IP },
    /* host names (an address there is matched as one) */
    { "cs-host", F_HOST },
    { "r-dns", F_HOST },
    { "dst_host", F_HOST },
    { "src_host", F_HOST },
    { "orig_src_host", F_HOST },
    { "relay_host", F_HOST },
    { "client_host", F_HOST },
    { "rhost", F_HOST },
    { "helo", F_HOST },
    { "sni", F_HOST },
    { "query", F_HOST },
    { "QueryName", F_HOST },
    { "DestinationHostname", F_HOST },
    { "SourceHostname", F_HOST },
    /* URLs */
    { "c-uri", F_URL },
    { "cs-uri", F_URL },
    { "url", F_URL },
    /* file hashes */
    { "md5", F_HASH },
    { "sha1", F_HASH },
    { "sha256", F_HASH },
    { "file_hash", F_HASH },
    { "Hashes", F_HASHES },
    { "Hash", F_HASHES },
    /* mail */
    { "sender", F_SENDER },
    { "sasl_sender", F_SENDER },
    { "recipient", F_EMAIL },
    { "orig_recipient", F_EMAIL },
};

void ioc_fields_index(struct ioc_set *s)
{
    memset(s->fields, 0, sizeof s->fields);
    for (size_t k = 0; k < MM_ARRAY_LEN(field_table); k++) {
        const char *n = field_table[k].name;
        size_t i = ioc_hash(n, strlen(n), s->seed) & (IOC_FIELD_SLOTS - 1);
        while (s->fields[i])
            i = (i + 1) & (IOC_FIELD_SLOTS - 1);
        s->fields[i] = (uint16_t)(k + 1);
    }
}

static const struct ioc_field *field_find(const struct ioc_set *s, const char *name, size_t len)
{
    size_t i = ioc_hash(name, len, s->seed) & (IOC_FIELD_SLOTS - 1);
    for (; s->fields[i]; i = (i + 1) & (IOC_FIELD_SLOTS - 1)) {
        const struct ioc_field *f = &field_table[s->fields[i] - 1];
        if (strlen(f->name) == len && memcmp(f->name, name, len) == 0)
            return f;
    }
    return NULL;
}

struct matcher {
    const struct ioc_set *s;
    const struct event *ev; /* NULL for ioc_match_field */
    int64_t now;
    ioc_match_fn fn;
    void *ctx;
    struct ioc_hit hit;
    unsigned n;
};

static void report(struct matcher *m, size_t idx, const char *matched, size_t mlen)
{
    const struct ioc_indicator *d = &m->s->ind[idx];
    if (d->expiry_ns && d->expiry_ns <= m->now) {
        atomic_fetch_add_explicit(&((struct ioc_set *)(uintptr_t)m->s)->expired_hits, 1, memory_order_relaxed);
        return;
    }
    m->hit.indicator = d;
    m->hit.matched = matched;
    m->hit.matched_len = mlen;
    m->fn(m->ctx, &m->hit);
    m->n++;
}

static void lookup(struct matcher *m, enum ioc_type type, const char *p, size_t len, const char *matched,
                   size_t mlen)
{
    if (!m->s->count[type])
        return;
    long at = ioc_exact_find(m->s, type, p, len);
    if (at >= 0)
        report(m, (size_t)at, matched, mlen);
}

/* "a.b.c.d" exactly, the common case, without the C library; it must accept what inet_pton
 * accepts and nothing more, or a value would be an address here and a name in the set. */
static bool parse_v4(const char *p, size_t len, uint32_t *out)
{
    uint32_t a = 0, part = 0;
    unsigned dots = 0, digits = 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (mm_is_digit(c)) {
            /* no leading zeros, as inet_pton (what the indicators went through) */
            if (digits == 1 && part == 0)
                return false;
            part = part * 10 + (uint32_t)(c - '0');
            if (++digits > 3 || part > 255)
                return false;
        } else if (c == '.' && digits && dots < 3) {
            a = a << 8 | part;
            part = 0;
            digits = 0;
            dots++;
        } else {
            return false;
        }
    }
    if (dots != 3 || !digits)
        return false;
    *out = a << 8 | part;
    return true;
}

static void match_v4(struct matcher *m, uint32_t a, const char *p, size_t len)
{
    const struct ioc_set *s = m->s;
    if (s->v4) {
        for (size_t i = ioc_v4_hash(a, 32, s->seed, s->v4_mask);; i = (i + 1) & s->v4_mask) {
            const struct ioc_v4_slot *sl = &s->v4[i];
            if (!sl->idx1)
                break;
            if (sl->addr == a) {
                report(m, sl->idx1 - 1, p, len);
                break;
            }
        }
    }
    if (!s->nv4net || a < s->v4net_start[0])
        return;
    /* the last network starting at or before a */
    size_t lo = 0, hi = s->nv4net;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v4net_start[mid] <= a)
            lo = mid;
        else
            hi = mid;
    }
    /* it or its ancestors: the first that contains a, and every one above it */
    for (uint32_t k1 = (uint32_t)lo + 1; k1; k1 = s->v4net[k1 - 1].parent1)
        if (s->v4net[k1 - 1].end >= a)
            report(m, s->v4net[k1 - 1].idx, p, len);
}

/* Every address or network containing the address, most specific first. False when p is no
 * address. */
static bool match_ip(struct matcher *m, const char *p, size_t len)
{
    const struct ioc_set *s = m->s;
    uint32_t a;
    if (parse_v4(p, len, &a)) {
        match_v4(m, a, p, len);
        return true;
    }
    struct ioc_ip ip;
    if (len < 2 || len > 64 || !ioc_ip_parse(p, len, false, &ip))
        return false;
    if (ip.v4) {
        match_v4(m, (uint32_t)ip.addr[12] << 24 | (uint32_t)ip.addr[13] << 16 | (uint32_t)ip.addr[14] << 8 | ip.addr[15],
                 p, len);
        return true;
    }
    if (!s->net)
        return true;
    for (unsigned k = 0; k < s->nv6_plens; k++) {
        unsigned plen = s->v6_plens[k];
        uint8_t a6[16];
        memcpy(a6, ip.addr, 16);
        ioc_ip_mask(a6, plen);
        for (size_t i = ioc_hash(a6, 16, s->seed + plen) & s->net_mask;; i = (i + 1) & s->net_mask) {
            const struct ioc_net_slot *sl = &s->net[i];
            if (!sl->idx1)
                break;
            if (sl->plen == plen && memcmp(sl->addr, a6, 16) == 0) {
                report(m, sl->idx1 - 1, p, len);
                break;
            }
        }
    }
    return true;
}

/* The name and each parent domain: a.b.evil.example, b.evil.example, evil.example, example. */
static void match_domain(struct matcher *m, const char *p, size_t len)
{
    char norm[IOC_MAX_VALUE];
    size_t nlen;
    if (!m->s->count[IOC_DOMAIN] || len > 253 || !ioc_domain_norm(p, len, norm, &nlen))
        return;
    for (size_t i = 0; i < nlen;) {
        lookup(m, IOC_DOMAIN, norm + i, nlen - i, norm + i, nlen - i);
        const char *dot = memchr(norm + i, '.', nlen - i);
        if (!dot)
            break;
        i = (size_t)(dot - norm) + 1;
    }
}

static void match_host(struct matcher *m, const char *p, size_t len)
{
    if (match_ip(m, p, len))
        return;
    /* "192.0.2.1." is an address once the name's dot is gone, as when it was loaded */
    uint32_t a;
    if (len > 1 && p[len - 1] == '.' && parse_v4(p, len - 1, &a)) {
        match_v4(m, a, p, len);
        return;
    }
    match_domain(m, p, len);
}

static void match_url(struct matcher *m, const char *p, size_t len)
{
    char norm[IOC_MAX_VALUE];
    size_t nlen, ho, hl;
    if (mm_memmem(p, len, "://")) {
        if (!ioc_url_norm(p, len, norm, sizeof norm, &nlen, &ho, &hl))
            return;
        lookup(m, IOC_URL, norm, nlen, norm, nlen);
        /* the host: against addresses and domains; userinfo and port are already split off */
        if (hl > 2 && norm[ho] == '[')
            match_ip(m, norm + ho + 1, hl - 2);
        else
            match_host(m, norm + ho, hl);
        return;
    }
    /* a web server logs the path; with the virtual host it is a URL of unknown scheme */
    if (!m->ev || !m->s->count[IOC_URL] || !len || p[0] != '/')
        return;
    struct slice host = event_get_value(m->ev, "cs-host");
    static const char *const schemes[] = { "http://", "https://" };
    for (size_t k = 0; k < MM_ARRAY_LEN(schemes) && host.len; k++) {
        char joined[IOC_MAX_VALUE];
        size_t sl = strlen(schemes[k]);
        if (sl + host.len + len >= sizeof joined)
            return;
        memcpy(joined, schemes[k], sl);
        memcpy(joined + sl, host.p, host.len);
        memcpy(joined + sl + host.len, p, len);
        if (ioc_url_norm(joined, sl + host.len + len, norm, sizeof norm, &nlen, &ho, &hl))
            lookup(m, IOC_URL, norm, nlen, norm, nlen);
    }
}

static void match_hash(struct matcher *m, const char *p, size_t len)
{
    int kind = ioc_hash_kind(p, len);
    if (kind < 0 || !m->s->count[kind])
        return;
    char low[64];
    for (size_t i = 0; i < len; i++)
        low[i] = mm_lower(p[i]);
    lookup(m, (enum ioc_type)kind, low, len, p, len);
}

/* "SHA1=..,MD5=..,SHA256=..,IMPHASH=..": the import hash is no file hash and is skipped. */
static void match_hashes(struct matcher *m, const char *p, size_t len)
{
    for (size_t i = 0; i < len;) {
        const char *comma = memchr(p + i, ',', len - i);
        size_t e = comma ? (size_t)(comma - p) : len;
        const char *item = p + i, *eq = memchr(item, '=', e - i);
        if (!eq)
            match_hash(m, item, e - i);
        else if (!mm_bytes_starts(item, (size_t)(eq - item), "IMPHASH") && !mm_bytes_starts(item, (size_t)(eq - item), "imphash"))
            match_hash(m, eq + 1, e - (size_t)(eq + 1 - p));
        i = e + 1;
    }
}

static void match_email(struct matcher *m, const char *p, size_t len, bool sender)
{
    for (size_t i = 0; i < len;) {
        const char *comma = memchr(p + i, ',', len - i);
        size_t e = comma ? (size_t)(comma - p) : len;
        char norm[IOC_MAX_VALUE];
        size_t nlen;
        if (e - i < IOC_MAX_VALUE && ioc_email_norm(p + i, e - i, norm, &nlen)) {
            lookup(m, IOC_EMAIL, norm, nlen, norm, nlen);
            if (sender) {
                const char *at = memchr(norm, '@', nlen);
                match_domain(m, at + 1, nlen - (size_t)(at + 1 - norm));
            }
        }
        i = e + 1;
    }
}

static void match_value(struct matcher *m, enum field_kind kind, const char *p, size_t len)
{
    switch (kind) {
    case F_IP: match_ip(m, p, len); break;
    case F_HOST: match_host(m, p, len); break;
    case F_URL: match_url(m, p, len); break;
    case F_HASH: match_hash(m, p, len); break;
    case F_HASHES: match_hashes(m, p, len); break;
    case F_EMAIL: match_email(m, p, len, false); break;
    case F_SENDER: match_email(m, p, len, true); break;
    }
}

unsigned ioc_match_event(const struct ioc_set *s, const struct event *ev, int64_t now_ns, ioc_match_fn fn, void *ctx)
{
    if (!s || !s->n)
        return 0;
    struct matcher m = { .s = s, .ev = ev, .now = now_ns, .fn = fn, .ctx = ctx };
    for (unsigned i = 0; i < ev->nfields; i++) {
        const struct event_field *f = &ev->fields[i];
        if (f->type != FIELD_STR || !f->len)
            continue;
        const struct ioc_field *tf = field_find(s, f->name, f->name_len);
        if (!tf)
            continue;
        m.hit.field = f->name;
        m.hit.field_len = f->name_len;
        m.hit.value = f->value;
        m.hit.value_len = f->len;
        match_value(&m, tf->kind, f->value, f->len);
    }
    return m.n;
}

unsigned ioc_match_field(const struct ioc_set *s, const char *field, const char *value, size_t len, int64_t now_ns,
                         ioc_match_fn fn, void *ctx)
{
    if (!s || !s->n || !field)
        return 0;
    const struct ioc_field *tf = field_find(s, field, strlen(field));
    if (!tf)
        return 0;
    struct matcher m = { .s = s, .now = now_ns, .fn = fn, .ctx = ctx };
    m.hit.field = tf->name;
    m.hit.field_len = strlen(tf->name);
    m.hit.value = value;
    m.hit.value_len = len;
    match_value(&m, tf->kind, value, len);
    return m.n;
}
