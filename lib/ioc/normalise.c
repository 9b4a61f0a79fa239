/* SPDX-License-Identifier: Apache-2.0 */
/* normalise.c: the one canonical form of each indicator type, used both when an indicator is
 * loaded and when an event value is looked up, so that the two meet in a hash table. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "base/str.h"
#include "ioc/ioc_internal.h"
#include "parse/parser.h"

#include <arpa/inet.h>

void ioc_ip_mask(uint8_t addr[16], unsigned plen)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned bits = i * 8;
        if (bits >= plen)
            addr[i] = 0;
        else if (plen - bits < 8)
            addr[i] &= (uint8_t)(0xff << (8 - (plen - bits)));
    }
}

bool ioc_ip_parse(const char *p, size_t len, bool allow_prefix, struct ioc_ip *out)
{
    char text[64];
    unsigned plen = 0;
    bool has_prefix = false;
    if (len >= 2 && p[0] == '[') {
        const char *close = memchr(p, ']', len);
        if (!close)
            return false;
        size_t rest = len - (size_t)(close + 1 - p);
        if (rest)
            return false;
        p++;
        len = (size_t)(close - p);
    }
    const char *slash = memchr(p, '/', len);
    if (slash) {
        if (!allow_prefix)
            return false;
        uint64_t v;
        if (mm_parse_u64(slash + 1, len - (size_t)(slash + 1 - p), 128, &v) != MM_OK)
            return false;
        plen = (unsigned)v;
        has_prefix = true;
        len = (size_t)(slash - p);
    }
    const char *pct = memchr(p, '%', len);
    if (pct)
        len = (size_t)(pct - p);
    if (len == 0 || len >= sizeof text)
        return false;
    memcpy(text, p, len);
    text[len] = '\0';
    memset(out, 0, sizeof *out);
    if (memchr(text, ':', len)) {
        if (inet_pton(AF_INET6, text, out->addr) != 1)
            return false;
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        out->v4 = memcmp(out->addr, mapped, 12) == 0;
        out->plen = has_prefix ? plen : 128;
        if (out->v4 && out->plen < 96)
            return false; /* a mapped prefix shorter than the mapping is no IPv4 network */
    } else {
        if (inet_pton(AF_INET, text, out->addr + 12) != 1)
            return false;
        out->addr[10] = out->addr[11] = 0xff;
        if (has_prefix && plen > 32)
            return false;
        out->v4 = true;
        out->plen = has_prefix ? 96 + plen : 128;
    }
    ioc_ip_mask(out->addr, out->plen);
    return true;
}

size_t ioc_ip_format(const struct ioc_ip *ip, char *out, size_t outlen)
{
    char text[INET6_ADDRSTRLEN];
    if (ip->v4)
        inet_ntop(AF_INET, ip->addr + 12, text, sizeof text);
    else
        inet_ntop(AF_INET6, ip->addr, text, sizeof text);
    int n;
    if (ip->plen == 128)
        n = snprintf(out, outlen, "%s", text);
    else
        n = snprintf(out, outlen, "%s/%u", text, ip->v4 ? ip->plen - 96 : ip->plen);
    return n < 0 ? 0 : MM_MIN((size_t)n, outlen - 1);
}

static bool host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || mm_is_digit((char)c) || c == '-' || c == '_' || c >= 0x80;
}

bool ioc_domain_norm(const char *p, size_t len, char *out, size_t *outlen)
{
    if (len >= 2 && p[0] == '*' && p[1] == '.') {
        p += 2;
        len -= 2;
    }
    if (len && p[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < len; i++) {
        char c = mm_lower(p[i]);
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (host_char((unsigned char)c)) {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
        out[i] = c;
    }
    if (label == 0)
        return false;
    out[len] = '\0';
    *outlen = len;
    return true;
}

static bool scheme_char(char c)
{
    return (c >= 'a' && c <= 'z') || mm_is_digit(c) || c == '+' || c == '-' || c == '.';
}

static const char *default_port(const char *scheme, size_t len)
{
    static const struct {
        const char *scheme, *port;
    } ports[] = { { "http", "80" }, { "https", "443" }, { "ftp", "21" }, { "ws", "80" }, { "wss", "443" } };
    for (size_t i = 0; i < MM_ARRAY_LEN(ports); i++)
        if (strlen(ports[i].scheme) == len && memcmp(ports[i].scheme, scheme, len) == 0)
            return ports[i].port;
    return NULL;
}

bool ioc_url_norm(const char *p, size_t len, char *out, size_t outsize, size_t *outlen, size_t *host_off,
                  size_t *host_len)
{
    const char *sep = mm_memmem(p, len, "://");
    if (!sep || sep == p)
        return false;
    size_t slen = (size_t)(sep - p), o = 0;
    if (slen + 3 >= outsize)
        return false;
    for (size_t i = 0; i < slen; i++) {
        char c = mm_lower(p[i]);
        if (!scheme_char(c))
            return false;
        out[o++] = c;
    }
    memcpy(out + o, "://", 3);
    o += 3;
    const char *a = sep + 3, *end = p + len;
    const char *aend = a;
    while (aend < end && *aend != '/' && *aend != '?' && *aend != '#')
        aend++;
    /* userinfo is kept as written; the host is what follows the last '@' */
    const char *host = a;
    for (const char *q = a; q < aend; q++)
        if (*q == '@')
            host = q + 1;
    size_t ulen = (size_t)(host - a);
    const char *hend = aend, *port = NULL;
    if (host < aend && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(aend - host));
        if (!close)
            return false;
        hend = close + 1;
    } else {
        for (const char *q = host; q < aend; q++)
            if (*q == ':') {
                hend = q;
                break;
            }
    }
    if (hend < aend) {
        if (*hend != ':')
            return false;
        port = hend + 1;
        for (const char *q = port; q < aend; q++)
            if (!mm_is_digit(*q))
                return false;
    }
    if (hend == host)
        return false;
    size_t hlen = (size_t)(hend - host);
    while (hlen > 1 && host[hlen - 1] == '.' && *host != '[') /* all of them: normalising twice changes nothing */
        hlen--;
    size_t plen = port ? (size_t)(aend - port) : 0;
    if (mm_size_add(o, ulen + hlen + plen + 2) >= (size_t)outsize)
        return false;
    for (size_t i = 0; i < ulen; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c <= ' ' || c == 0x7f)
            return false;
        out[o++] = (char)c;
    }
    *host_off = o;
    for (size_t i = 0; i < hlen; i++) {
        unsigned char c = (unsigned char)mm_lower(host[i]);
        if (c <= ' ' || c == 0x7f)
            return false;
        out[o++] = (char)c;
    }
    *host_len = hlen;
    const char *dp = default_port(out, slen);
    if (port && plen && !(dp && strlen(dp) == plen && memcmp(dp, port, plen) == 0)) {
        out[o++] = ':';
        memcpy(out + o, port, plen);
        o += plen;
    }
    const char *rest = aend, *frag = memchr(rest, '#', (size_t)(end - rest));
    size_t rlen = (size_t)((frag ? frag : end) - rest);
    bool slash = rlen == 0 || rest[0] != '/';
    if (o + rlen + slash >= outsize)
        return false;
    if (slash)
        out[o++] = '/';
    for (size_t i = 0; i < rlen; i++) {
        unsigned char c = (unsigned char)rest[i];
        if (c < ' ' || c == 0x7f)
            return false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    *outlen = o;
    return true;
}

static bool is_hex(char c)
{
    return mm_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int ioc_hash_kind(const char *p, size_t len)
{
    int kind = len == 32 ? IOC_MD5 : len == 40 ? IOC_SHA1 : len == 64 ? IOC_SHA256 : -1;
    if (kind < 0)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!is_hex(p[i]))
            return -1;
    return kind;
}

bool ioc_email_norm(const char *p, size_t len, char *out, size_t *outlen)
{
    while (len && mm_is_space(*p)) {
        p++;
        len--;
    }
    while (len && mm_is_space(p[len - 1]))
        len--;
    if (len >= 2 && p[0] == '<' && p[len - 1] == '>') {
        p++;
        len -= 2;
    }
    if (len >= 7 && mm_bytes_eq_nocase(p, 7, "mailto:")) {
        p += 7;
        len -= 7;
    }
    if (len == 0 || len >= IOC_MAX_VALUE)
        return false;
    const char *at = NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == 0x7f)
            return false;
        if (c == '@')
            at = p + i;
    }
    if (!at || at == p)
        return false;
    size_t local = (size_t)(at - p), dlen;
    for (size_t i = 0; i < local; i++)
        out[i] = mm_lower(p[i]);
    out[local] = '@';
    if (!ioc_domain_norm(at + 1, len - local - 1, out + local + 1, &dlen))
        return false;
    *outlen = local + 1 + dlen;
    return true;
}

int ioc_guess_type(const char *p, size_t len)
{
    struct ioc_ip ip;
    char tmp[IOC_MAX_VALUE];
    size_t n, ho, hl;
    if (len == 0 || len >= IOC_MAX_VALUE)
        return -1;
    if (ioc_ip_parse(p, len, true, &ip))
        return ip.plen < 128 ? IOC_CIDR : ip.v4 ? IOC_IPV4 : IOC_IPV6;
    int h = ioc_hash_kind(p, len);
    if (h >= 0)
        return h;
    if (mm_memmem(p, len, "://"))
        return ioc_url_norm(p, len, tmp, sizeof tmp, &n, &ho, &hl) ? IOC_URL : -1;
    if (memchr(p, '@', len))
        return ioc_email_norm(p, len, tmp, &n) ? IOC_EMAIL : -1;
    /* a bare word without a dot is more likely a typo than a top-level domain */
    if (memchr(p, '.', len) && ioc_domain_norm(p, len, tmp, &n))
        return IOC_DOMAIN;
    return -1;
}

bool ioc_parse_time(const char *p, size_t len, int64_t *ns)
{
    static const struct mm_tz utc = { false, 0 };
    uint64_t secs;
    if (len && mm_parse_u64(p, len, (uint64_t)INT64_MAX / (uint64_t)MM_NS_PER_SEC, &secs) == MM_OK) {
        *ns = (int64_t)secs * MM_NS_PER_SEC;
        return true;
    }
    if (len == 10 && p[4] == '-' && p[7] == '-') {
        char full[32];
        memcpy(full, p, 10);
        memcpy(full + 10, "T00:00:00Z", 11);
        return parse_iso_time(full, 20, &utc, ns, NULL, NULL) == MM_OK;
    }
    size_t used = 0;
    return parse_iso_time(p, len, &utc, ns, &used, NULL) == MM_OK && used == len;
}

bool ioc_type_from_name(const char *p, size_t len, int *first, int *second)
{
    enum { N = IOC_PART_NONE, I = IOC_PART_IGNORE };
    static const struct {
        const char *name;
        int type, second;
    } names[] = {
        { "ip", IOC_IPV4, N },            { "ipv4", IOC_IPV4, N },          { "ipv6", IOC_IPV6, N },
        { "ip-src", IOC_IPV4, N },        { "ip-dst", IOC_IPV4, N },        { "ip-src|port", IOC_IPV4, I },
        { "ip-dst|port", IOC_IPV4, I },   { "cidr", IOC_CIDR, N },          { "ipv4-addr", IOC_IPV4, N },
        { "ipv6-addr", IOC_IPV6, N },     { "domain", IOC_DOMAIN, N },      { "hostname", IOC_DOMAIN, N },
        { "domain-name", IOC_DOMAIN, N }, { "domain|ip", IOC_DOMAIN, IOC_IPV4 },
        { "hostname|port", IOC_DOMAIN, I }, { "url", IOC_URL, N },          { "md5", IOC_MD5, N },
        { "sha1", IOC_SHA1, N },          { "sha-1", IOC_SHA1, N },         { "sha256", IOC_SHA256, N },
        { "sha-256", IOC_SHA256, N },     { "filename|md5", I, IOC_MD5 },   { "filename|sha1", I, IOC_SHA1 },
        { "filename|sha256", I, IOC_SHA256 }, { "malware-sample", I, IOC_MD5 },
        { "email", IOC_EMAIL, N },        { "email-src", IOC_EMAIL, N },    { "email-dst", IOC_EMAIL, N },
        { "email-addr", IOC_EMAIL, N },   { "e-mail", IOC_EMAIL, N },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(names); i++)
        if (strlen(names[i].name) == len && mm_bytes_eq_nocase(p, len, names[i].name)) {
            *first = names[i].type;
            *second = names[i].second;
            return true;
        }
    return false;
}
