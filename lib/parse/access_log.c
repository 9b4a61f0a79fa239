/* SPDX-License-Identifier: Apache-2.0 */
/* access_log.c: Apache and nginx access logs in the Common Log Format family: common, combined,
 * Apache's vhost_combined ("host:port " before the client) and nginx's default combined, with any
 * further fields after the user agent tolerated and ignored. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

#define ACCESS_MAX_PREFIX_TOKENS 4 /* [vhost:port] client ident user */

struct clf_line {
    struct slice vhost, client, ident, user;
    struct slice request, method, uri, version;
    struct slice status, bytes, referer, agent;
    int64_t time_ns;
    bool has_time;
};

static bool is_token_byte(char c)
{
    return c != ' ' && c != '[' && c != '"';
}

/* "[vhost:port ]client ident user [" : true when the line starts like a CLF line */
static bool clf_prefix(const char *p, size_t len, size_t *bracket, size_t *ntok)
{
    size_t i = 0, n = 0;
    while (i < len && n <= ACCESS_MAX_PREFIX_TOKENS) {
        if (p[i] == '[')
            break;
        size_t s = i;
        while (i < len && is_token_byte(p[i]))
            i++;
        if (i == s || i >= len || p[i] != ' ')
            return false;
        i++;
        n++;
    }
    if (i >= len || p[i] != '[' || n < 3 || n > ACCESS_MAX_PREFIX_TOKENS)
        return false;
    *bracket = i;
    *ntok = n;
    return true;
}

/* A double-quoted field at *i (Apache escapes '"' inside as \"); the slice excludes the quotes. */
static bool quoted_field(const char *p, size_t len, size_t *i, struct slice *out)
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

static void skip_space(const char *p, size_t len, size_t *i)
{
    while (*i < len && p[*i] == ' ')
        ++*i;
}

static struct slice bare_field(const char *p, size_t len, size_t *i)
{
    size_t s = *i;
    while (*i < len && p[*i] != ' ')
        ++*i;
    return slice_make(p + s, *i - s);
}

static enum mm_status clf_split(const char *p, size_t len, struct clf_line *l)
{
    size_t bracket, ntok;
    if (!clf_prefix(p, len, &bracket, &ntok))
        return MM_NO_MATCH;
    const char *end = p + bracket;
    const char *cur = p;
    if (ntok == 4)
        l->vhost = token_next(&cur, end);
    l->client = token_next(&cur, end);
    l->ident = token_next(&cur, end);
    l->user = token_next(&cur, end);
    const char *rb = memchr(p + bracket, ']', len - bracket);
    if (!rb)
        return MM_NO_MATCH;
    l->has_time = parse_clf_time(p + bracket, (size_t)(rb - p - bracket), &l->time_ns) == MM_OK;
    if (!l->has_time)
        return MM_NO_MATCH;
    size_t i = (size_t)(rb - p) + 1;
    skip_space(p, len, &i);
    if (!quoted_field(p, len, &i, &l->request))
        return MM_NO_MATCH;
    skip_space(p, len, &i);
    l->status = bare_field(p, len, &i);
    skip_space(p, len, &i);
    l->bytes = bare_field(p, len, &i);
    uint64_t v;
    if (mm_parse_u64(l->status.p, l->status.len, 999, &v) != MM_OK)
        return MM_NO_MATCH;
    skip_space(p, len, &i);
    if (quoted_field(p, len, &i, &l->referer)) {
        skip_space(p, len, &i);
        quoted_field(p, len, &i, &l->agent);
    }
    /* "METHOD URI PROTOCOL"; anything else (a bare "-", TLS bytes sent to a plain port) leaves
     * method and URI empty */
    const char *r = l->request.p, *rend = r + l->request.len;
    struct slice a = token_next(&r, rend);
    const char *last = rend;
    while (last > r && last[-1] != ' ')
        last--;
    if (r < rend && a.len) {
        l->method = a;
        if (last > r && mm_bytes_starts(last, (size_t)(rend - last), "HTTP/")) {
            l->version = slice_make(last, (size_t)(rend - last));
            const char *ue = last;
            while (ue > r && ue[-1] == ' ')
                ue--;
            l->uri = slice_make(r, (size_t)(ue - r));
        } else {
            l->uri = slice_make(r, (size_t)(rend - r)); /* HTTP/0.9: no protocol */
        }
    }
    return MM_OK;
}

static bool access_log_probe(const char *msg, size_t len)
{
    size_t bracket, ntok;
    return clf_prefix(msg, len, &bracket, &ntok);
}

static void add_unless_dash(struct event *ev, const char *name, struct slice v)
{
    if (v.len && !slice_eq(v, "-"))
        event_add_slice(ev, name, v);
}

static enum mm_status access_log_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    struct clf_line l = { 0 };
    if (clf_split(ev->message.p, ev->message.len, &l) != MM_OK)
        return MM_NO_MATCH;
    ev->time_ns = l.time_ns;
    ev->time_has_zone = true;
    ev->time_has_year = true;

    const char *product = NULL;
    struct slice prog = ev->program;
    if (slice_eq(prog, "apache2") || slice_eq(prog, "httpd") || slice_eq(prog, "apache"))
        product = "apache";
    else if (slice_eq(prog, "nginx"))
        product = "nginx";
    event_set_logsource(ev, product, "webserver", "access");

    if (l.vhost.len) {
        /* "www.example.com:443": the port is the server's */
        const char *colon = NULL;
        if (l.vhost.p[0] != '[')
            colon = memchr(l.vhost.p, ':', l.vhost.len);
        size_t hlen = colon ? (size_t)(colon - l.vhost.p) : l.vhost.len;
        event_add(ev, "cs-host", l.vhost.p, hlen);
        if (colon)
            event_add_num(ev, "s-port", colon + 1, l.vhost.len - hlen - 1);
    }
    event_add_slice(ev, "c-ip", l.client);
    event_add_slice(ev, "src_ip", l.client);
    add_unless_dash(ev, "cs-username", l.user);
    if (l.method.len) {
        event_add_slice(ev, "cs-method", l.method);
        event_add_slice(ev, "cs-uri", l.uri);
        event_add_slice(ev, "c-uri", l.uri);
        const char *q = memchr(l.uri.p, '?', l.uri.len);
        size_t stem = q ? (size_t)(q - l.uri.p) : l.uri.len;
        if (stem)
            event_add(ev, "cs-uri-stem", l.uri.p, stem);
        if (q && stem + 1 < l.uri.len)
            event_add(ev, "cs-uri-query", q + 1, l.uri.len - stem - 1);
        add_unless_dash(ev, "cs-version", l.version);
    } else {
        event_add_slice(ev, "request", l.request);
    }
    event_add_num(ev, "sc-status", l.status.p, l.status.len);
    if (l.bytes.len && !slice_eq(l.bytes, "-"))
        event_add_num(ev, "sc-bytes", l.bytes.p, l.bytes.len);
    add_unless_dash(ev, "cs-referer", l.referer);
    if (l.agent.len && !slice_eq(l.agent, "-")) {
        event_add_slice(ev, "cs-user-agent", l.agent);
        event_add_slice(ev, "c-useragent", l.agent);
    }
    return MM_OK;
}

static const char *const access_log_programs[] = { "apache2", "apache", "httpd", "nginx", NULL };

const struct parser parser_access_log = {
    .name = "access_log",
    .summary = "Apache and nginx access logs: common, combined, vhost_combined",
    .programs = access_log_programs,
    .probe = access_log_probe,
    .parse = access_log_parse,
    .probe_priority = 500,
};
