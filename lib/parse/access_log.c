/* SPDX-License-Identifier: Apache-2.0 */
/* access_log.c: Apache and nginx access logs in the Common Log Format family: common, combined,
 * Apache's vhost_combined ("host:port " before the client) and nginx's default combined, with any
 * further fields after the user agent tolerated and ignored. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

#define ACCESS_MAX_PREFIX_TOKENS 4 /* [vhost:port] client ident user */

struct clf_line {
    struct clf_fields clf;
    struct slice method, uri, version; /* from clf.request */
};

static enum mm_status clf_split(const char *p, size_t len, struct clf_line *l)
{
    if (parse_clf_line(p, len, ACCESS_MAX_PREFIX_TOKENS, &l->clf) != MM_OK)
        return MM_NO_MATCH;
    /* "METHOD URI PROTOCOL"; anything else (a bare "-", TLS bytes sent to a plain port) leaves
     * method and URI empty */
    const char *r = l->clf.request.p, *rend = r + l->clf.request.len;
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
    return parse_clf_prefix(msg, len, ACCESS_MAX_PREFIX_TOKENS, NULL, NULL);
}

static enum mm_status access_log_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    struct clf_line l = { 0 };
    if (clf_split(ev->message.p, ev->message.len, &l) != MM_OK)
        return MM_NO_MATCH;
    ev->time_ns = l.clf.time_ns;
    ev->time_has_zone = true;
    ev->time_has_year = true;

    const char *product = NULL;
    struct slice prog = ev->program;
    if (slice_eq(prog, "apache2") || slice_eq(prog, "httpd") || slice_eq(prog, "apache"))
        product = "apache";
    else if (slice_eq(prog, "nginx"))
        product = "nginx";
    event_set_logsource(ev, product, "webserver", "access");

    if (l.clf.vhost.len) {
        /* "www.example.com:443": the port is the server's */
        const char *colon = NULL;
        if (l.clf.vhost.p[0] != '[')
            colon = memchr(l.clf.vhost.p, ':', l.clf.vhost.len);
        size_t hlen = colon ? (size_t)(colon - l.clf.vhost.p) : l.clf.vhost.len;
        event_add(ev, "cs-host", l.clf.vhost.p, hlen);
        if (colon)
            event_add_num(ev, "s-port", colon + 1, l.clf.vhost.len - hlen - 1);
    }
    event_add_slice(ev, "c-ip", l.clf.client);
    event_add_slice(ev, "src_ip", l.clf.client);
    parse_add_unless_dash(ev, "cs-username", l.clf.user);
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
        parse_add_unless_dash(ev, "cs-version", l.version);
    } else {
        event_add_slice(ev, "request", l.clf.request);
    }
    event_add_num(ev, "sc-status", l.clf.status.p, l.clf.status.len);
    if (l.clf.bytes.len && !slice_eq(l.clf.bytes, "-"))
        event_add_num(ev, "sc-bytes", l.clf.bytes.p, l.clf.bytes.len);
    parse_add_unless_dash(ev, "cs-referer", l.clf.referer);
    if (l.clf.agent.len && !slice_eq(l.clf.agent, "-")) {
        event_add_slice(ev, "cs-user-agent", l.clf.agent);
        event_add_slice(ev, "c-useragent", l.clf.agent);
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
