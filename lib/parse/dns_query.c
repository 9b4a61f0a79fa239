/* SPDX-License-Identifier: Apache-2.0 */
/* dns_query.c: DNS server query logs: BIND 9 (querylog, query-errors and security categories,
 * through syslog or from a logging channel file) and unbound (log-queries, log-replies and
 * log-local-actions, through syslog or from its logfile). */
#include "base/prelude.h"
#include "base/mtime.h"
#include "base/str.h"
#include "parser.h"
#include "cursor.h"

/* "www.example.com." -> "www.example.com"; the root stays "." */
static struct slice qname(struct slice s)
{
    if (s.len > 1 && s.p[s.len - 1] == '.')
        s.len--;
    return s;
}

/* "addr<sep>port" split at the last sep (IPv6 addresses hold colons, never '#' or '@') */
static void add_addr_port(struct event *ev, struct slice s, char sep)
{
    const char *q = NULL;
    for (size_t i = s.len; i > 0; i--)
        if (s.p[i - 1] == sep) {
            q = s.p + i - 1;
            break;
        }
    struct slice addr = q ? slice_make(s.p, (size_t)(q - s.p)) : s;
    event_add_slice(ev, "src_ip", addr);
    if (q) {
        struct slice port = slice_make(q + 1, s.len - addr.len - 1);
        if (port.len && scan_digits(port) == port.len)
            event_add_num(ev, "src_port", port.p, port.len);
    }
}

/* "www.example.com/A/IN" (name/type/class) as BIND writes it in denials; updates name only the
 * zone and class ("example.com/IN") */
static void add_name_type_class(struct event *ev, struct slice s)
{
    struct slice name = cursor_take_until(&s, '/'), type = cursor_take_until(&s, '/');
    event_add_slice(ev, "query", qname(name));
    if (!s.len) {
        if (type.len)
            event_add_slice(ev, "query_class", type);
        return;
    }
    event_add_slice(ev, "record_type", type);
    event_add_slice(ev, "query_class", s);
}

/* BIND: after the optional "23-Nov-2026 15:40:30.195 " and "queries: info: " parts,
 *   client @0x7f.. 10.0.0.5#51234 (www.example.com): [view v: ]query: www.example.com IN A +E(0)K
 * (10.0.0.1) client @0x7f.. 10.0.0.5#51234 (www.example.com): query 'www.example.com/A/IN' denied
 *   client @0x7f.. 10.0.0.5#51234 (example.com): query (cache) 'example.com/A/IN' denied
 *   client @0x7f.. 10.0.0.5#51234 (google.com): query failed (REFUSED) for google.com/IN/A at
 * query.c:5708 client 10.0.0.5#51234: query: www.example.com IN A + (10.0.0.1) (before 9.10) */
static bool bind_client(struct event *ev, struct slice s)
{
    if (!cursor_eat(&s, "client "))
        return false;
    if (cursor_eat(&s, "@"))
        cursor_take_until(&s, ' ');
    struct slice addr = cursor_take_until(&s, ' ');
    if (addr.len && addr.p[addr.len - 1] == ':') /* old form "client 10.0.0.5#51234: query: ..." */
        addr.len--;
    else if (slice_starts(s, "(")) { /* "(www.example.com): " */
        cursor_take_until(&s, ')');
        if (!cursor_eat(&s, ": "))
            return false;
    }
    if (!addr.len || !memchr(addr.p, '#', addr.len))
        return false;
    struct slice view = { 0 };
    if (cursor_eat(&s, "view ")) {
        view = cursor_take_until(&s, ':');
        cursor_eat(&s, " ");
    }
    if (cursor_eat(&s, "query: ")) {
        struct slice name = cursor_take_until(&s, ' '), cls = cursor_take_until(&s, ' '),
                     type = cursor_take_until(&s, ' ');
        struct slice flags = cursor_take_until(&s, ' ');
        if (!name.len || !type.len)
            return false;
        event_add_cstr(ev, "action", "query");
        add_addr_port(ev, addr, '#');
        event_add_slice(ev, "query", qname(name));
        event_add_slice(ev, "record_type", type);
        event_add_slice(ev, "query_class", cls);
        if (flags.len)
            event_add_slice(ev, "flags", flags);
        if (cursor_eat(&s, "(")) {
            struct slice dst = cursor_take_until(&s, ')');
            if (parse_is_ip(dst))
                event_add_slice(ev, "dst_ip", dst);
        }
    } else if (cursor_eat(&s, "query failed (")) {
        struct slice rcode = cursor_take_until(&s, ')');
        if (!cursor_eat(&s, " for "))
            return false;
        struct slice name = cursor_take_until(&s, '/'), cls = cursor_take_until(&s, '/'),
                     type = cursor_take_until(&s, ' ');
        event_add_cstr(ev, "action", "failed");
        add_addr_port(ev, addr, '#');
        event_add_slice(ev, "query", qname(name));
        event_add_slice(ev, "record_type", type);
        event_add_slice(ev, "query_class", cls);
        event_add_slice(ev, "rcode", rcode);
    } else {
        /* "query 'n/T/C' denied", "query (cache) 'n/T/C' denied", "update 'zone/IN' denied",
         * "zone transfer 'example.com/AXFR/IN' denied" */
        const char *q = memchr(s.p, '\'', s.len);
        if (!q)
            return false;
        struct slice kind = slice_make(s.p, (size_t)(q - s.p));
        cursor_skip(&s, kind.len + 1);
        struct slice what = cursor_take_until(&s, '\'');
        if (!cursor_eat(&s, " denied"))
            return false;
        event_add_cstr(ev, "action", "denied");
        add_addr_port(ev, addr, '#');
        add_name_type_class(ev, what);
        if (slice_starts(kind, "update"))
            event_add_cstr(ev, "operation", "update");
        else if (slice_starts(kind, "zone transfer"))
            event_add_cstr(ev, "operation", "zone_transfer");
        else if (slice_starts(kind, "query (cache)"))
            event_add_cstr(ev, "operation", "query_cache");
        else
            event_add_cstr(ev, "operation", "query");
    }
    if (view.len)
        event_add_slice(ev, "view", view);
    return true;
}

/* "23-Nov-2026 15:40:30.195 " at the start of a BIND channel file line */
static bool bind_time(struct slice *s, const struct parse_context *ctx, int64_t *ns)
{
    const char *p = s->p;
    if (s->len < 21 || p[2] != '-' || p[6] != '-' || p[11] != ' ' || p[14] != ':' || p[17] != ':')
        return false;
    int v[6] = { 0 };
    static const unsigned pos[5][2] = { { 0, 2 }, { 7, 4 }, { 12, 2 }, { 15, 2 }, { 18, 2 } };
    for (size_t f = 0; f < 5; f++)
        for (unsigned i = 0; i < pos[f][1]; i++) {
            char c = p[pos[f][0] + i];
            if (!mm_is_digit(c))
                return false;
            v[f] = v[f] * 10 + (c - '0');
        }
    int mon = mm_month_from_abbr(p + 3);
    if (!mon || v[1] < 1970 || v[1] > 2200 || !mm_date_valid(v[1], mon, v[0]))
        return false;
    size_t used = 20;
    int64_t frac = 0, scale = 1000000000;
    if (used < s->len && p[used] == '.') {
        used++;
        while (used < s->len && mm_is_digit(p[used]) && scale > 1) {
            scale /= 10;
            frac += (p[used] - '0') * scale;
            used++;
        }
    }
    int64_t secs = mm_utc_seconds(v[1], mon, v[0], v[2], v[3], v[4]);
    secs -= mm_tz_offset_at(&ctx->tz, v[1], mon, v[0], v[2], v[3], v[4]);
    *ns = secs * 1000000000 + frac;
    cursor_skip(s, used);
    cursor_eat(s, " ");
    return true;
}

static enum mm_status bind_parse(struct event *ev, const struct parse_context *ctx)
{
    struct slice s = ev->message;
    int64_t ns = 0;
    bool timed = bind_time(&s, ctx, &ns);
    /* print-category / print-severity: "queries: info: " */
    for (int i = 0; i < 2 && !slice_starts(s, "client "); i++) {
        struct slice t = s, word = cursor_take_until(&t, ' ');
        if (word.len < 2 || word.p[word.len - 1] != ':')
            break;
        s = t;
    }
    if (!bind_client(ev, s))
        return MM_NO_MATCH;
    if (timed) {
        ev->time_ns = ns;
        ev->time_has_year = true;
        ev->time_has_zone = false;
    }
    event_set_logsource(ev, "bind", "dns", NULL);
    return MM_OK;
}

/* unbound, after "[pid:thread] info: ":
 *   10.0.0.5 www.example.com. A IN                                 (log-queries)
 *   10.0.0.5 www.example.com. A IN NOERROR 0.000123 0 45           (log-replies: rcode, seconds,
 *                                                                   from cache, reply size)
 *   example.com. refuse 10.0.0.5@51234 www.example.com. A IN       (log-local-actions) */
static bool unbound_info(struct event *ev, struct slice s)
{
    struct slice a = cursor_take_until(&s, ' '), b = cursor_take_until(&s, ' '),
                 c = cursor_take_until(&s, ' ');
    struct slice d = cursor_take_until(&s, ' ');
    if (!a.len || !b.len || !c.len || !d.len)
        return false;
    if (parse_is_ip(a)) {
        event_add_cstr(ev, "action", s.len ? "reply" : "query");
        event_add_slice(ev, "src_ip", a);
        event_add_slice(ev, "query", qname(b));
        event_add_slice(ev, "record_type", c);
        event_add_slice(ev, "query_class", d);
        if (!s.len)
            return true;
        struct slice rcode = cursor_take_until(&s, ' '), secs = cursor_take_until(&s, ' ');
        struct slice cached = cursor_take_until(&s, ' '), size = cursor_take_until(&s, ' ');
        event_add_slice(ev, "rcode", rcode);
        if (secs.len)
            event_add_slice(ev, "response_time", secs);
        if (slice_eq(cached, "0") || slice_eq(cached, "1"))
            event_add_bool(ev, "cached", cached.p[0] == '1');
        if (size.len)
            event_add_num(ev, "response_size", size.p, size.len);
        return true;
    }
    /* local action: zone, action type, addr@port, name, type, class */
    struct slice type = cursor_take_until(&s, ' '), cls = cursor_take_until(&s, ' ');
    if (!memchr(c.p, '@', c.len) || !type.len)
        return false;
    event_add_cstr(ev, "action",
                   slice_eq(b, "refuse") || slice_eq(b, "deny") || slice_eq(b, "always_refuse") ||
                           slice_eq(b, "always_nxdomain")
                       ? "denied"
                       : "local");
    event_add_slice(ev, "local_zone_type", b);
    event_add_slice(ev, "local_zone", qname(a));
    add_addr_port(ev, c, '@');
    event_add_slice(ev, "query", qname(d));
    event_add_slice(ev, "record_type", type);
    if (cls.len)
        event_add_slice(ev, "query_class", cls);
    return true;
}

static enum mm_status unbound_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    struct slice s = ev->message;
    int64_t ns = 0;
    /* logfile: "[1795448438] unbound[10362:0] info: ..." */
    if (slice_starts(s, "[")) {
        struct slice t = s;
        cursor_skip(&t, 1);
        size_t n = scan_digits(t);
        uint64_t epoch;
        if (n && n < t.len && t.p[n] == ']' &&
            mm_parse_u64(t.p, n, INT64_MAX / 1000000000, &epoch) == MM_OK) {
            cursor_skip(&t, n + 1);
            if (cursor_eat(&t, " unbound")) {
                ns = (int64_t)epoch * 1000000000;
                s = t;
            }
        }
    }
    /* "[10362:0] info: " */
    if (cursor_eat(&s, "[")) {
        cursor_take_until(&s, ']');
        cursor_eat(&s, " ");
    }
    if (!cursor_eat(&s, "info: ") || !unbound_info(ev, s))
        return MM_NO_MATCH;
    if (ns) {
        ev->time_ns = ns;
        ev->time_has_year = ev->time_has_zone = true;
    }
    event_set_logsource(ev, "unbound", "dns", NULL);
    return MM_OK;
}

static enum mm_status dns_parse(struct event *ev, const struct parse_context *ctx)
{
    if (mm_bytes_eq_nocase(ev->program.p, ev->program.len, "unbound") ||
        slice_starts(ev->message, "["))
        return unbound_parse(ev, ctx);
    return bind_parse(ev, ctx);
}

static bool dns_probe(const char *msg, size_t len)
{
    struct slice s = slice_make(msg, len);
    if (len > 14 && msg[0] == '[' && mm_is_digit(msg[1]))
        return mm_memmem(msg, MM_MIN(len, 40), "] unbound[") != NULL;
    /* BIND channel file: "23-Nov-2026 15:40:30.195 [queries: info: ]client ..." */
    return len > 30 && msg[2] == '-' && msg[6] == '-' &&
           mm_memmem(s.p, MM_MIN(s.len, 80), " client ");
}

static const char *const dns_programs[] = { "named", "unbound", NULL };

const struct parser parser_dns_query = {
    .name = "dns_query",
    .summary = "DNS query logs: BIND 9 querylog/query-errors/security, unbound queries and replies",
    .programs = dns_programs,
    .probe = dns_probe,
    .parse = dns_parse,
    .probe_priority = 200,
};
