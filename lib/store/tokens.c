/* SPDX-License-Identifier: Apache-2.0 */
/* tokens.c: what goes into a block's bloom filter, and what a query looks up there. One rule,
 * index_value, serves both, so a query can only skip a block that truly lacks its value.
 *
 * Token text is "<class>:<value>", value lowercased:
 *   ip:       any field value that is an IPv4 or IPv6 address (canonical text), the sender's
 *             address, and every IPv4 address standing as a word in the raw message
 *   net4/8:, net4/16:, net4/24:, net6/32:, net6/48:, net6/64:   the networks of those addresses,
 *             for CIDR queries
 *   host:     the syslog host and fields naming a computer (Computer, hostname, ...)
 *   user:     fields whose name contains "user" or "account" (not "agent")
 *   domain:   fields naming a DNS name (query, cs-host, r-dns, DestinationHostname, ...)
 *   mail:, maildomain:   values that are mail addresses, and their domains */
#include "base/prelude.h"
#include "base/alloc.h"
#include "event/event.h"
#include "bloom.h"
#include "store.h"

#include <arpa/inet.h>
#include <strings.h>

typedef void (*emit_fn)(void *ctx, uint64_t h);

/* bloom_hash("<cls>:<lowercased v>") without building the string */
static uint64_t class_hash(const char *cls, const char *v, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *c = cls; *c; c++) {
        h ^= (uint8_t)*c;
        h *= 0x100000001b3ull;
    }
    h ^= ':';
    h *= 0x100000001b3ull;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)v[i];
        h ^= c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
        h *= 0x100000001b3ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static void emit_text(emit_fn emit, void *ctx, const char *cls, const char *v, size_t n)
{
    if (strlen(cls) + 1 + n > 300) /* longer tokens are not indexed (the limit of format 1) */
        return;
    emit(ctx, class_hash(cls, v, n));
}

/* Strict dotted quad: four decimal octets, no leading zeros. */
static bool ipv4_strict(const char *s, size_t n, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
            return false;
        out[part] = (uint8_t)v;
    }
    return i == n;
}

static size_t put_octet(char *p, unsigned v)
{
    size_t n = 0;
    if (v >= 100)
        p[n++] = (char)('0' + v / 100);
    if (v >= 10)
        p[n++] = (char)('0' + v / 10 % 10);
    p[n++] = (char)('0' + v % 10);
    return n;
}

/* "a.b.c.d" with the octets after the first keep ones zeroed */
static size_t put_ip4(char *t, const uint8_t a[4], int keep)
{
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (i)
            t[n++] = '.';
        n += put_octet(t + n, i < keep ? a[i] : 0);
    }
    return n;
}

static void emit_ip4(emit_fn emit, void *ctx, const uint8_t a[4])
{
    char t[20];
    emit_text(emit, ctx, "ip", t, put_ip4(t, a, 4));
    emit_text(emit, ctx, "net4/8", t, put_ip4(t, a, 1));
    emit_text(emit, ctx, "net4/16", t, put_ip4(t, a, 2));
    emit_text(emit, ctx, "net4/24", t, put_ip4(t, a, 3));
}

static void emit_ip6(emit_fn emit, void *ctx, const uint8_t a[16])
{
    char t[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, t, sizeof t);
    emit_text(emit, ctx, "ip", t, strlen(t));
    static const int bits[] = { 32, 48, 64 };
    static const char *const cls[] = { "net6/32", "net6/48", "net6/64" };
    for (int k = 0; k < 3; k++) {
        uint8_t m[16] = { 0 };
        memcpy(m, a, (size_t)bits[k] / 8);
        inet_ntop(AF_INET6, m, t, sizeof t);
        emit_text(emit, ctx, cls[k], t, strlen(t));
    }
}

/* An IP address value: emit its tokens, true when it was one. */
static bool index_ip(emit_fn emit, void *ctx, const char *v, size_t n)
{
    uint8_t a[16];
    if (n >= 7 && n <= 15 && v[0] >= '0' && v[0] <= '9' && ipv4_strict(v, n, a)) {
        emit_ip4(emit, ctx, a);
        return true;
    }
    if (n >= 2 && n < INET6_ADDRSTRLEN && memchr(v, ':', n)) {
        char tmp[INET6_ADDRSTRLEN];
        memcpy(tmp, v, n);
        tmp[n] = '\0';
        if (inet_pton(AF_INET6, tmp, a) == 1) {
            static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
            if (!memcmp(a, mapped, 12))
                emit_ip4(emit, ctx, a + 12);
            else
                emit_ip6(emit, ctx, a);
            return true;
        }
    }
    return false;
}

static bool name_in(const char *name, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (((*list)[0] | 0x20) == (name[0] | 0x20) && strlen(*list) == n && !strncasecmp(name, *list, n))
            return true;
    return false;
}

static bool name_has(const char *name, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (!strncasecmp(name + i, word, w))
            return true;
    return false;
}

static const char *const host_fields[] = { "host", "Computer", "ComputerName", "hostname", "dvchost",
                                           "src_host", "dst_host", "Workstation", "WorkstationName",
                                           "DeviceName", "client_name", NULL };
static const char *const domain_fields[] = { "query", "QueryName", "cs-host", "r-dns", "domain",
                                             "dst_domain", "src_domain", "DestinationHostname",
                                             "helo", "sni", "server_name", "rrname", "dns_query",
                                             "url_domain", "cs-domain", NULL };

enum name_class { NC_NONE, NC_HOST, NC_DOMAIN, NC_USER };

static enum name_class classify(const char *name, size_t nlen)
{
    if (name_in(name, nlen, host_fields))
        return NC_HOST;
    if (name_in(name, nlen, domain_fields))
        return NC_DOMAIN;
    if ((name_has(name, nlen, "user") || name_has(name, nlen, "account")) && !name_has(name, nlen, "agent"))
        return NC_USER;
    return NC_NONE;
}

/* Field names repeat from event to event: remember their class (per thread, by content). */
static enum name_class name_class(const char *name, size_t nlen)
{
    static _Thread_local struct {
        uint8_t len, cls;
        char name[46];
    } cache[256];
    if (nlen == 0 || nlen >= sizeof cache[0].name)
        return classify(name, nlen);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < nlen; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    size_t slot = (h ^ (h >> 16)) & 255;
    if (cache[slot].len == nlen && !memcmp(cache[slot].name, name, nlen))
        return (enum name_class)cache[slot].cls;
    enum name_class c = classify(name, nlen);
    cache[slot].len = (uint8_t)nlen;
    cache[slot].cls = (uint8_t)c;
    memcpy(cache[slot].name, name, nlen);
    return c;
}

static void index_value(emit_fn emit, void *ctx, const char *name, size_t nlen, const char *v, size_t n)
{
    if (n == 0 || n > 255)
        return;
    index_ip(emit, ctx, v, n);
    switch (name_class(name, nlen)) {
    case NC_HOST: emit_text(emit, ctx, "host", v, n); break;
    case NC_DOMAIN: emit_text(emit, ctx, "domain", v, n); break;
    case NC_USER: emit_text(emit, ctx, "user", v, n); break;
    case NC_NONE: break;
    }
    const char *at = memchr(v, '@', n);
    if (at && at > v && at + 3 < v + n && memchr(at, '.', (size_t)(v + n - at)) && !memchr(v, ' ', n) &&
        !memchr(at + 1, '@', (size_t)(v + n - at - 1))) {
        emit_text(emit, ctx, "mail", v, n);
        emit_text(emit, ctx, "maildomain", at + 1, (size_t)(v + n - at - 1));
    }
}

static bool word_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Every IPv4 address standing as a word in the raw text: the run of digits and dots it is in
 * starts after a character that is neither a letter, a digit nor a dot, and ends (trailing dots
 * aside) before one that is not a letter or digit. The full-text term match in query.c uses the
 * same boundaries. */
static bool has_token(const struct store_tokens *t, uint64_t h)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->h[i] == h)
            return true;
    return false;
}

static void emit_into(void *ctx, uint64_t h);

static void index_raw_ipv4(struct store_tokens *t, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (!(c >= '0' && c <= '9')) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            i++;
        size_t end = i;
        if (start > 0 && (word_char((unsigned char)s[start - 1]) || s[start - 1] == '.'))
            continue;
        if (i < n && word_char((unsigned char)s[i]))
            continue;
        while (end > start && s[end - 1] == '.')
            end--;
        uint8_t a[4];
        /* most addresses in the text were in a field already: their tokens are there */
        if (end - start >= 7 && ipv4_strict(s + start, end - start, a) &&
            !has_token(t, class_hash("ip", s + start, end - start)))
            emit_ip4(emit_into, t, a);
    }
}

static void emit_into(void *ctx, uint64_t h)
{
    struct store_tokens *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->h = mm_reallocarray(t->h, t->cap, sizeof *t->h);
    }
    t->h[t->n++] = h;
}

void store_tokens_reset(struct store_tokens *t)
{
    t->n = 0;
}

void store_tokens_release(struct store_tokens *t)
{
    mm_free(t->h);
    memset(t, 0, sizeof *t);
}

void store_tokens_from_event(struct store_tokens *t, const struct event *ev, const char *peer_host)
{
    if (ev->host.len)
        index_value(emit_into, t, "host", 4, ev->host.p, ev->host.len);
    if (peer_host && *peer_host)
        index_ip(emit_into, t, peer_host, strlen(peer_host));
    for (unsigned i = 0; i < ev->nfields; i++) {
        const struct event_field *f = &ev->fields[i];
        if (f->type == FIELD_STR)
            index_value(emit_into, t, f->name, f->name_len, f->value, f->len);
    }
    index_raw_ipv4(t, ev->raw, ev->raw_len);
}

struct collect {
    uint64_t *out;
    size_t n, max;
};

static void emit_collect(void *ctx, uint64_t h)
{
    struct collect *c = ctx;
    if (c->n < c->max)
        c->out[c->n++] = h;
}

size_t store_tokens_for_value(const char *field, const char *value, size_t len, uint64_t *out, size_t max)
{
    struct collect c = { out, 0, max };
    if (!strcmp(field, "peer")) {
        /* the sender's address is indexed without its port */
        index_ip(emit_collect, &c, value, len);
        return c.n;
    }
    /* every token indexing would emit for this value is in any block holding it */
    index_value(emit_collect, &c, field, strlen(field), value, len);
    return c.n;
}

bool store_token_for_cidr(const char *cidr, uint64_t *out)
{
    const char *slash = strchr(cidr, '/');
    if (!slash)
        return false;
    char addr[INET6_ADDRSTRLEN];
    size_t al = (size_t)(slash - cidr);
    if (al >= sizeof addr)
        return false;
    memcpy(addr, cidr, al);
    addr[al] = '\0';
    char *end;
    long bits = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1)
        return false;
    uint8_t a[16];
    char t[INET6_ADDRSTRLEN];
    struct collect c = { out, 0, 1 };
    if (inet_pton(AF_INET, addr, a) == 1) {
        if (bits < 8 || bits > 32)
            return false;
        int use = bits >= 24 ? 24 : bits >= 16 ? 16 : 8;
        uint8_t m[4] = { 0 };
        memcpy(m, a, (size_t)use / 8);
        snprintf(t, sizeof t, "%u.%u.%u.%u", m[0], m[1], m[2], m[3]);
        char cls[16];
        snprintf(cls, sizeof cls, "net4/%d", use);
        emit_text(emit_collect, &c, cls, t, strlen(t));
        return true;
    }
    if (inet_pton(AF_INET6, addr, a) == 1) {
        if (bits < 32 || bits > 128)
            return false;
        int use = bits >= 64 ? 64 : bits >= 48 ? 48 : 32;
        uint8_t m[16] = { 0 };
        memcpy(m, a, (size_t)use / 8);
        inet_ntop(AF_INET6, m, t, sizeof t);
        char cls[16];
        snprintf(cls, sizeof cls, "net6/%d", use);
        emit_text(emit_collect, &c, cls, t, strlen(t));
        return true;
    }
    return false;
}

bool store_token_for_term(const char *term, size_t len, uint64_t *out)
{
    return store_tokens_for_term(term, len, out, 1) == 1;
}

size_t store_tokens_for_term(const char *term, size_t len, uint64_t *out, size_t max)
{
    uint8_t a[4];
    if (len < 7 || len > 15 || !ipv4_strict(term, len, a))
        return 0;
    struct collect c = { out, 0, max };
    emit_ip4(emit_collect, &c, a); /* the ip token first, then its networks */
    return c.n;
}
