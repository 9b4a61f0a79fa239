/* SPDX-License-Identifier: Apache-2.0 */
/* parse_util.c: small pieces shared by the format parsers: key=value splitting, tokens, URLs,
 * IP literals, Common Log Format lines and times, ctime times and common event fields. */
#include "base/prelude.h"
#include "base/str.h"
#include "base/mtime.h"
#include "parser.h"

#include <arpa/inet.h>

size_t kv_split(const char *p, size_t len, char sep, kv_fn fn, void *arg)
{
    size_t i = 0, count = 0;
    while (i < len) {
        while (i < len && (p[i] == ' ' || p[i] == sep || p[i] == '\t'))
            i++;
        size_t ks = i;
        while (i < len && p[i] != '=' && p[i] != ' ' && p[i] != sep)
            i++;
        if (i >= len || p[i] != '=') {
            /* a bare word: skip it */
            while (i < len && p[i] != ' ' && p[i] != sep)
                i++;
            continue;
        }
        struct slice key = slice_make(p + ks, i - ks);
        i++; /* '=' */
        struct slice value;
        bool quoted = false;
        if (i < len && p[i] == '"') {
            size_t vs = ++i;
            while (i < len && p[i] != '"') {
                if (p[i] == '\\' && i + 1 < len)
                    i++;
                i++;
            }
            value = slice_make(p + vs, MM_MIN(i, len) - vs);
            if (i < len)
                i++;
            quoted = true;
        } else {
            size_t vs = i;
            while (i < len && p[i] != ' ' && p[i] != sep)
                i++;
            value = slice_make(p + vs, i - vs);
        }
        if (key.len) {
            fn(arg, key, value, quoted);
            count++;
        }
    }
    return count;
}

struct slice token_next(const char **pp, const char *end)
{
    const char *p = *pp;
    while (p < end && *p == ' ')
        p++;
    const char *s = p;
    while (p < end && *p != ' ')
        p++;
    struct slice t = slice_make(s, (size_t)(p - s));
    while (p < end && *p == ' ')
        p++;
    *pp = p;
    return t;
}

void parse_url_fields(struct event *ev, struct slice url)
{
    if (!url.len || slice_eq(url, "-"))
        return;
    event_add_slice(ev, "c-uri", url);
    const char *p = url.p, *end = url.p + url.len;
    const char *scheme_end = mm_memmem(p, url.len, "://");
    const char *path = p;
    if (scheme_end) {
        const char *host = scheme_end + 3;
        const char *h = host;
        while (h < end && *h != '/' && *h != '?' && *h != '#')
            h++;
        /* strip userinfo and port */
        const char *at = memchr(host, '@', (size_t)(h - host));
        if (at)
            host = at + 1;
        const char *hend = h;
        if (host < hend && *host == '[') {
            const char *rb = memchr(host, ']', (size_t)(hend - host));
            if (rb)
                hend = rb + 1;
        } else {
            const char *colon = memchr(host, ':', (size_t)(hend - host));
            if (colon)
                hend = colon;
        }
        if (hend > host)
            event_add(ev, "cs-host", host, (size_t)(hend - host));
        path = h;
    } else if (url.len && url.p[0] != '/') {
        /* CONNECT host:port */
        const char *colon = memchr(p, ':', url.len);
        event_add(ev, "cs-host", p, colon ? (size_t)(colon - p) : url.len);
        return;
    }
    const char *q = memchr(path, '?', (size_t)(end - path));
    const char *stem_end = q ? q : end;
    if (stem_end > path)
        event_add(ev, "c-uri-stem", path, (size_t)(stem_end - path));
    if (q && q + 1 < end)
        event_add(ev, "c-uri-query", q + 1, (size_t)(end - q - 1));
    /* extension of the last path segment */
    const char *seg = stem_end;
    while (seg > path && seg[-1] != '/')
        seg--;
    const char *dot = NULL;
    for (const char *s = seg; s < stem_end; s++)
        if (*s == '.')
            dot = s;
    if (dot && dot + 1 < stem_end && stem_end - dot <= 16)
        event_add(ev, "c-uri-extension", dot + 1, (size_t)(stem_end - dot - 1));
}

bool parse_is_ip(struct slice s)
{
    char tmp[64];
    unsigned char addr[16];
    if (s.len == 0 || s.len >= sizeof tmp)
        return false;
    memcpy(tmp, s.p, s.len);
    tmp[s.len] = '\0';
    return inet_pton(AF_INET, tmp, addr) == 1 || inet_pton(AF_INET6, tmp, addr) == 1;
}

enum mm_status parse_clf_time(const char *p, size_t len, int64_t *ns)
{
    /* 23/Nov/2026:15:30:00 +0900 (brackets optional) */
    if (len && p[0] == '[') {
        p++;
        len--;
    }
    if (len < 20)
        return MM_ERR_PARSE;
    uint64_t d, y, h, mi, s;
    int mo = mm_month_from_abbr(p + 3);
    if (p[2] != '/' || p[6] != '/' || p[11] != ':' || p[14] != ':' || p[17] != ':' || !mo ||
        mm_parse_u64(p, 2, 31, &d) || mm_parse_u64(p + 7, 4, 9999, &y) ||
        mm_parse_u64(p + 12, 2, 23, &h) || mm_parse_u64(p + 15, 2, 59, &mi) ||
        mm_parse_u64(p + 18, 2, 60, &s))
        return MM_ERR_PARSE;
    if (!mm_date_valid((int)y, mo, (int)d))
        return MM_ERR_PARSE;
    int32_t off = 0;
    if (len >= 26 && p[20] == ' ' && (p[21] == '+' || p[21] == '-')) {
        uint64_t oh, om;
        if (mm_parse_u64(p + 22, 2, 23, &oh) || mm_parse_u64(p + 24, 2, 59, &om))
            return MM_ERR_PARSE;
        off = (int32_t)(oh * 3600 + om * 60) * (p[21] == '-' ? -1 : 1);
    }
    /* years 0000-9999 parse, int64 nanoseconds reach only 1678-2262 */
    if (__builtin_mul_overflow(mm_utc_seconds((int)y, mo, (int)d, (int)h, (int)mi, (int)s) - off,
                               MM_NS_PER_SEC, ns))
        return MM_ERR_PARSE;
    return MM_OK;
}

enum mm_status parse_ctime_time(const char *p, size_t len, const struct mm_tz *tz, int64_t *ns)
{
    /* Mon Nov 23 15:30:00 2026; the weekday is not checked, a day below 10 is " 3" */
    if (len < PARSE_CTIME_LEN || p[3] != ' ' || p[7] != ' ' || p[10] != ' ' || p[13] != ':' ||
        p[16] != ':' || p[19] != ' ')
        return MM_ERR_PARSE;
    int mon = mm_month_from_abbr(p + 4);
    if (!mon)
        return MM_ERR_PARSE;
    static const int pos[5] = { 8, 11, 14, 17, 20 };
    int v[5];
    for (int i = 0; i < 5; i++) {
        int n = i == 4 ? 4 : 2, x = 0;
        for (int k = 0; k < n; k++) {
            char c = p[pos[i] + k];
            if (i == 0 && k == 0 && c == ' ')
                continue;
            if (!mm_is_digit(c))
                return MM_ERR_PARSE;
            x = x * 10 + (c - '0');
        }
        v[i] = x;
    }
    int day = v[0], h = v[1], mi = v[2], s = v[3], y = v[4];
    if (y < 1970 || y > 2200 || !mm_date_valid(y, mon, day) || h > 23 || mi > 59 || s > 60)
        return MM_ERR_PARSE;
    if (ns) {
        int32_t off = mm_tz_offset_at(tz, y, mon, day, h, mi, s);
        *ns = (mm_utc_seconds(y, mon, day, h, mi, s) - off) * MM_NS_PER_SEC;
    }
    return MM_OK;
}

/* the bytes of a CLF prefix token: anything but the separators of the fields around it */
static bool clf_token_byte(char c)
{
    return c != ' ' && c != '[' && c != '"';
}

bool parse_clf_prefix(const char *p, size_t len, size_t max_tokens, size_t *bracket, size_t *ntok)
{
    size_t i = 0, n = 0;
    while (i < len && n <= max_tokens) {
        if (p[i] == '[')
            break;
        size_t s = i;
        while (i < len && clf_token_byte(p[i]))
            i++;
        if (i == s || i >= len || p[i] != ' ')
            return false;
        i++;
        n++;
    }
    if (i >= len || p[i] != '[' || n < PARSE_CLF_MIN_TOKENS || n > max_tokens)
        return false;
    if (bracket)
        *bracket = i;
    if (ntok)
        *ntok = n;
    return true;
}

/* A double-quoted field at *i (Apache escapes '"' inside as \"); the slice excludes the quotes. */
static bool clf_quoted(const char *p, size_t len, size_t *i, struct slice *out)
{
    if (*i >= len || p[*i] != '"')
        return false;
    size_t s = ++*i;
    while (*i < len && p[*i] != '"') {
        if (p[*i] == '\\' && *i + 1 < len)
            ++*i;
        ++*i;
    }
    if (*i >= len)
        return false;
    *out = slice_make(p + s, *i - s);
    ++*i;
    return true;
}

static void clf_skip_spaces(const char *p, size_t len, size_t *i)
{
    while (*i < len && p[*i] == ' ')
        ++*i;
}

static struct slice clf_bare(const char *p, size_t len, size_t *i)
{
    size_t s = *i;
    while (*i < len && p[*i] != ' ')
        ++*i;
    return slice_make(p + s, *i - s);
}

enum mm_status parse_clf_line(const char *p, size_t len, size_t max_tokens, struct clf_fields *f)
{
    size_t bracket, ntok;
    *f = (struct clf_fields){ 0 };
    if (!parse_clf_prefix(p, len, max_tokens, &bracket, &ntok))
        return MM_NO_MATCH;
    const char *end = p + bracket;
    const char *cur = p;
    if (ntok > PARSE_CLF_MIN_TOKENS)
        f->vhost = token_next(&cur, end);
    f->client = token_next(&cur, end);
    f->ident = token_next(&cur, end);
    f->user = token_next(&cur, end);
    const char *rb = memchr(p + bracket, ']', len - bracket);
    if (!rb || parse_clf_time(p + bracket, (size_t)(rb - p - bracket), &f->time_ns) != MM_OK)
        return MM_NO_MATCH;
    size_t i = (size_t)(rb - p) + 1;
    clf_skip_spaces(p, len, &i);
    if (!clf_quoted(p, len, &i, &f->request))
        return MM_NO_MATCH;
    clf_skip_spaces(p, len, &i);
    f->status = clf_bare(p, len, &i);
    clf_skip_spaces(p, len, &i);
    f->bytes = clf_bare(p, len, &i);
    uint64_t v;
    if (mm_parse_u64(f->status.p, f->status.len, 999, &v) != MM_OK)
        return MM_NO_MATCH;
    clf_skip_spaces(p, len, &i);
    if (clf_quoted(p, len, &i, &f->referer)) {
        clf_skip_spaces(p, len, &i);
        clf_quoted(p, len, &i, &f->agent);
    }
    f->used = i;
    return MM_OK;
}

void parse_add_action(struct event *ev, const char *action, const char *outcome)
{
    event_add_cstr(ev, "action", action);
    if (outcome)
        event_add_cstr(ev, "outcome", outcome);
}

void parse_add_unless_dash(struct event *ev, const char *name, struct slice v)
{
    if (v.len && !slice_eq(v, "-"))
        event_add_slice(ev, name, v);
}

void parse_add_lower(struct event *ev, const char *name, struct slice v)
{
    char *c = event_strdup(ev, v.p, v.len);
    if (!c) {
        ev->fields_dropped++;
        return;
    }
    for (size_t i = 0; i < v.len; i++)
        c[i] = mm_lower(c[i]);
    event_add(ev, name, c, v.len);
}
