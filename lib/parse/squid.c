/* SPDX-License-Identifier: Apache-2.0 */
/* squid.c: Squid access logs, native format ("squid") and the "common" and "combined" logformats
 * (CLF with Squid's "%Ss:%Sh" appended), read from access.log files or received over syslog. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

#define SQUID_MAX_PREFIX_TOKENS 3 /* client ident user before the CLF time */

struct squid_line {
    struct slice client, user, method, url, version;
    struct slice status, bytes, result, hierarchy, peer, content_type, elapsed;
    struct slice referer, agent;
    int64_t time_ns;
};

static bool squid_code_byte(char c)
{
    return (c >= 'A' && c <= 'Z') || c == '_';
}

/* "TCP_MISS:HIER_DIRECT" (combined, common) */
static bool squid_code_pair(struct slice t, struct slice *result, struct slice *hier)
{
    const char *colon = memchr(t.p, ':', t.len);
    if (!colon || colon == t.p || colon + 1 == t.p + t.len)
        return false;
    for (const char *c = t.p; c < t.p + t.len; c++)
        if (c != colon && !squid_code_byte(*c))
            return false;
    *result = slice_make(t.p, (size_t)(colon - t.p));
    *hier = slice_make(colon + 1, (size_t)(t.p + t.len - colon - 1));
    return true;
}

/* "1795448391.221 " : seconds, a dot, milliseconds */
static bool squid_native_shape(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len && i < 12 && mm_is_digit(p[i]))
        i++;
    if (i < 9 || i >= len || p[i] != '.')
        return false;
    size_t frac = ++i;
    while (i < len && mm_is_digit(p[i]))
        i++;
    return i - frac == 3 && i < len && p[i] == ' ';
}

/* the last space-separated token of p[0..len) */
static struct slice last_token(const char *p, size_t len)
{
    size_t e = len;
    while (e && p[e - 1] == ' ')
        e--;
    size_t s = e;
    while (s && p[s - 1] != ' ')
        s--;
    return slice_make(p + s, e - s);
}

static bool squid_probe(const char *msg, size_t len)
{
    if (squid_native_shape(msg, len))
        return true;
    struct slice r, h;
    return parse_clf_prefix(msg, len, SQUID_MAX_PREFIX_TOKENS, NULL, NULL) &&
           squid_code_pair(last_token(msg, len), &r, &h);
}

static enum mm_status squid_split_native(const char *p, size_t len, struct squid_line *l)
{
    const char *cur = p, *end = p + len;
    struct slice ts = token_next(&cur, end);
    l->elapsed = token_next(&cur, end);
    l->client = token_next(&cur, end);
    struct slice code = token_next(&cur, end);
    l->bytes = token_next(&cur, end);
    l->method = token_next(&cur, end);
    l->url = token_next(&cur, end);
    l->user = token_next(&cur, end);
    struct slice hier = token_next(&cur, end);
    l->content_type = token_next(&cur, end);

    const char *dot = memchr(ts.p, '.', ts.len);
    uint64_t sec, ms;
    if (!dot || mm_parse_u64(ts.p, (size_t)(dot - ts.p), INT64_MAX / MM_NS_PER_SEC - 1, &sec) ||
        mm_parse_u64(dot + 1, ts.len - (size_t)(dot - ts.p) - 1, 999, &ms))
        return MM_NO_MATCH;
    l->time_ns = (int64_t)sec * MM_NS_PER_SEC + (int64_t)ms * 1000000;

    const char *slash = memchr(code.p, '/', code.len);
    if (!slash || !l->method.len || !l->url.len || !hier.len)
        return MM_NO_MATCH;
    l->result = slice_make(code.p, (size_t)(slash - code.p));
    l->status = slice_make(slash + 1, (size_t)(code.p + code.len - slash - 1));
    slash = memchr(hier.p, '/', hier.len);
    if (slash) {
        l->hierarchy = slice_make(hier.p, (size_t)(slash - hier.p));
        l->peer = slice_make(slash + 1, (size_t)(hier.p + hier.len - slash - 1));
    } else {
        l->hierarchy = hier;
    }
    return MM_OK;
}

static enum mm_status squid_split_clf(const char *p, size_t len, struct squid_line *l)
{
    struct clf_fields clf;
    if (parse_clf_line(p, len, SQUID_MAX_PREFIX_TOKENS, &clf) != MM_OK)
        return MM_NO_MATCH;
    l->client = clf.client;
    l->user = clf.user;
    l->time_ns = clf.time_ns;
    l->status = clf.status;
    l->bytes = clf.bytes;
    l->referer = clf.referer;
    l->agent = clf.agent;
    /* Squid's "%Ss:%Sh" is the last token after the agent */
    if (!squid_code_pair(last_token(p + clf.used, len - clf.used), &l->result, &l->hierarchy))
        return MM_NO_MATCH;
    const char *r = clf.request.p, *rend = r + clf.request.len;
    l->method = token_next(&r, rend);
    l->url = token_next(&r, rend);
    l->version = token_next(&r, rend);
    return l->method.len && l->url.len ? MM_OK : MM_NO_MATCH;
}

static enum mm_status squid_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    const char *p = ev->message.p;
    size_t len = ev->message.len;
    struct squid_line l = { 0 };
    enum mm_status st =
        squid_native_shape(p, len) ? squid_split_native(p, len, &l) : squid_split_clf(p, len, &l);
    uint64_t status;
    if (st != MM_OK || mm_parse_u64(l.status.p, l.status.len, 999, &status) != MM_OK)
        return MM_NO_MATCH;
    ev->time_ns = l.time_ns;
    ev->time_has_zone = true;
    ev->time_has_year = true;
    event_set_logsource(ev, "squid", "proxy", NULL);

    event_add_slice(ev, "src_ip", l.client);
    parse_add_unless_dash(ev, "cs-username", l.user);
    event_add_slice(ev, "cs-method", l.method);
    parse_url_fields(ev, l.url);
    parse_add_unless_dash(ev, "cs-version", l.version);
    event_add_num(ev, "sc-status", l.status.p, l.status.len);
    if (l.bytes.len && !slice_eq(l.bytes, "-"))
        event_add_num(ev, "sc-bytes", l.bytes.p, l.bytes.len);
    parse_add_unless_dash(ev, "cs-referrer", l.referer);
    parse_add_unless_dash(ev, "c-useragent", l.agent);
    event_add_slice(ev, "squid_result", l.result);
    event_add_slice(ev, "hierarchy", l.hierarchy);
    if (parse_is_ip(l.peer))
        event_add_slice(ev, "dst_ip", l.peer);
    else
        parse_add_unless_dash(ev, "dst_host", l.peer);
    parse_add_unless_dash(ev, "content_type", l.content_type);
    if (l.elapsed.len)
        event_add_num(ev, "duration_ms", l.elapsed.p, l.elapsed.len);
    event_add_cstr(ev, "action", mm_memmem(l.result.p, l.result.len, "DENIED") ? "deny" : "allow");
    return MM_OK;
}

static const char *const squid_programs[] = { "squid", NULL };

const struct parser parser_squid = {
    .name = "squid",
    .summary = "Squid access log: native, common and combined logformats",
    .programs = squid_programs,
    .probe = squid_probe,
    .parse = squid_parse,
    .probe_priority = 300,
};
