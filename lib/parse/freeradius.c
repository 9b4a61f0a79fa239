/* SPDX-License-Identifier: Apache-2.0 */
/* freeradius.c: FreeRADIUS 3 server log lines, from syslog ("(3) Login OK: [alice] (from client
 * nas1 port 0)") or from radius.log ("Mon Nov 23 15:30:00 2026 : Auth: (3) Login OK: ...").
 * With auth_badpass / auth_goodpass the password follows the user name after a slash: it is
 * never emitted, the message is rewritten with it redacted and password_logged is set. */
#include "base/prelude.h"
#include "base/mtime.h"
#include "base/str.h"
#include "parser.h"
#include "cursor.h"

#define RADIUS_MAX_MESSAGE 8192 /* longer messages lose their text after a redacted password */

static const char redacted[] = "<redacted>";

struct level {
    const char *name; /* as radius.log writes it, before ": " */
    const char *event; /* radius_event for lines without a more specific kind */
};

static const struct level levels[] = {
    { "Auth", "auth" },       { "Info", "info" },   { "Error", "error" },
    { "Warning", "warning" }, { "Proxy", "proxy" }, { "Acct", "accounting" },
    { "Debug", "debug" },     { "ERROR", "error" }, { "WARNING", "warning" },
};

/* "Mon Nov 23 15:30:00 2026 : " (ctime, day padded with a space) */
static bool parse_ctime_prefix(const char *p, size_t len, const struct mm_tz *tz, int64_t *ns)
{
    return len >= PARSE_CTIME_LEN + 3 && memcmp(p + PARSE_CTIME_LEN, " : ", 3) == 0 &&
           parse_ctime_time(p, len, tz, ns) == MM_OK;
}

static void add_user(struct event *ev, struct slice user)
{
    if (slice_eq(user, "<no User-Name attribute>"))
        return;
    event_add_slice(ev, "username", user);
    event_add_slice(ev, "User", user);
}

/* Rewrite ev->message with p[pw_start..pw_end) replaced by "<redacted>". */
static void redact_message(struct event *ev, const char *pw_start, const char *pw_end)
{
    char buf[RADIUS_MAX_MESSAGE];
    const char *m = ev->message.p, *mend = m + ev->message.len;
    size_t head = (size_t)(pw_start - m), tail = (size_t)(mend - pw_end);
    if (head + sizeof redacted - 1 + tail > sizeof buf)
        tail = 0;
    if (head + sizeof redacted - 1 > sizeof buf) {
        ev->message = SLICE_LIT(redacted);
        return;
    }
    memcpy(buf, m, head);
    memcpy(buf + head, redacted, sizeof redacted - 1);
    memcpy(buf + head + sizeof redacted - 1, pw_end, tail);
    size_t n = head + sizeof redacted - 1 + tail;
    char *copy = event_strdup(ev, buf, n);
    ev->message = copy ? slice_make(copy, n) : SLICE_LIT(redacted);
}

/* "[user] (from client nas1 port 3 cli 02-00-00-00-00-01 via TLS tunnel)" and the message
 * before it. Returns false when the line is not in that shape. */
static bool parse_auth(struct event *ev, struct slice msg, const char *open)
{
    const char *end = msg.p + msg.len;
    struct slice tail = slice_make(open, (size_t)(end - open));
    size_t close_at = scan_last_lit(tail, "] (from client ");
    if (close_at == tail.len)
        return false;
    const char *close = open + close_at;
    struct slice kind = slice_make(msg.p, (size_t)(open - 2 - msg.p)); /* before ": [" */
    event_add(ev, "radius_event", "auth", 4);
    bool ok = slice_starts(kind, "Login OK");
    event_add(ev, "outcome", ok ? "success" : "failure", 7);
    const char *paren = mm_memmem(kind.p, kind.len, " (");
    struct slice result = paren ? slice_make(kind.p, (size_t)(paren - kind.p)) : kind;
    event_add_slice(ev, "auth_result", result);
    if (paren && kind.p[kind.len - 1] == ')')
        event_add(ev, "reason", paren + 2, (size_t)(kind.p + kind.len - 1 - (paren + 2)));

    /* user[/password]: a user name may itself hold a slash only as a machine account
     * ("host/pc01.example.com"); otherwise the first slash starts the logged password */
    const char *u = open + 1;
    struct slice inner = slice_make(u, (size_t)(close - u));
    const char *scan = u;
    if (slice_starts(inner, "host/"))
        scan = u + 5;
    const char *slash = memchr(scan, '/', (size_t)(close - scan));
    const char *pw_start = NULL;
    if (slash) {
        add_user(ev, slice_make(u, (size_t)(slash - u)));
        struct slice pw = slice_make(slash + 1, (size_t)(close - slash - 1));
        event_add_bool(ev, "password_logged", true);
        if (slice_starts(pw, "<via Auth-Type = ") && pw.p[pw.len - 1] == '>')
            event_add(ev, "auth_type", pw.p + 17, pw.len - 18);
        else if (!slice_eq(pw, "<no User-Password attribute>") && !slice_eq(pw, "<CHAP-Password>"))
            pw_start = pw.p;
    } else {
        add_user(ev, inner);
    }

    /* "(from client NAME port N[ cli ID][ via TLS tunnel])" */
    const char *p = close + 15, *q = p;
    while (q < end && *q != ' ' && *q != ')')
        q++;
    event_add(ev, "nas", p, (size_t)(q - p));
    if (q + 6 <= end && !memcmp(q, " port ", 6)) {
        p = q + 6;
        q = p;
        while (q < end && mm_is_digit(*q))
            q++;
        event_add_num(ev, "nas_port", p, (size_t)(q - p));
    }
    if (q + 5 <= end && !memcmp(q, " cli ", 5)) {
        p = q + 5;
        q = p;
        while (q < end && *q != ' ' && *q != ')')
            q++;
        event_add(ev, "calling_station_id", p, (size_t)(q - p));
    }
    if (q + 15 <= end && !memcmp(q, " via TLS tunnel", 15))
        event_add_bool(ev, "inner_tunnel", true);
    if (pw_start)
        redact_message(ev, pw_start, close);
    return true;
}

static struct slice next_word(const char **p, const char *end)
{
    const char *s = *p;
    while (*p < end && **p != ' ')
        (*p)++;
    struct slice w = slice_make(s, (size_t)(*p - s));
    while (*p < end && **p == ' ')
        (*p)++;
    return w;
}

static bool expect(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* "Ignoring request to auth address * port 1812 bound to server default from unknown client
 * 10.0.0.9 port 51234 proto udp" */
static void parse_unknown_client(struct event *ev, struct slice msg)
{
    const char *p = msg.p + 20, *end = msg.p + msg.len;
    event_add(ev, "radius_event", "unknown_client", 14);
    event_add(ev, "outcome", "failure", 7);
    event_add_slice(ev, "request_type", next_word(&p, end));
    if (expect(&p, end, "address ")) {
        struct slice a = next_word(&p, end);
        if (!slice_eq(a, "*"))
            event_add_slice(ev, "dst_ip", a);
    }
    if (expect(&p, end, "port ")) {
        struct slice v = next_word(&p, end);
        event_add_num(ev, "dst_port", v.p, v.len);
    }
    if (expect(&p, end, "bound to server "))
        event_add_slice(ev, "virtual_server", next_word(&p, end));
    if (expect(&p, end, "from unknown client "))
        event_add_slice(ev, "src_ip", next_word(&p, end));
    if (expect(&p, end, "port ")) {
        struct slice v = next_word(&p, end);
        event_add_num(ev, "src_port", v.p, v.len);
    }
    if (expect(&p, end, "proto "))
        event_add_slice(ev, "proto", next_word(&p, end));
}

/* "Dropping packet without response because of error: Received packet from 127.0.0.1 with
 * invalid Message-Authenticator!  (Shared secret is incorrect.) (from client localhost)" */
static void parse_dropped(struct event *ev, struct slice msg)
{
    const char *end = msg.p + msg.len;
    bool bad_secret = mm_memmem(msg.p, msg.len, "invalid Message-Authenticator") != NULL;
    event_add(ev, "radius_event", bad_secret ? "bad_authenticator" : "dropped",
              bad_secret ? 17 : 7);
    event_add(ev, "outcome", "failure", 7);
    const char *p = mm_memmem(msg.p, msg.len, "Received packet from ");
    if (p) {
        p += 21;
        struct slice ip = next_word(&p, end);
        if (parse_is_ip(ip))
            event_add_slice(ev, "src_ip", ip);
    }
    size_t c_at = scan_last_lit(msg, " (from client ");
    const char *c = c_at < msg.len ? msg.p + c_at : NULL;
    if (c && end[-1] == ')')
        event_add(ev, "nas", c + 14, (size_t)(end - 1 - (c + 14)));
    const char *r = msg.p + 51; /* after "...because of error: " */
    if (r <= (c ? c : end))
        event_add(ev, "reason", r, (size_t)((c ? c : end) - r));
}

static enum mm_status freeradius_parse(struct event *ev, const struct parse_context *ctx)
{
    const char *p = ev->message.p, *end = p + ev->message.len;
    int64_t ns = 0;
    bool has_time = parse_ctime_prefix(p, (size_t)(end - p), &ctx->tz, &ns);
    if (has_time)
        p += 27;
    const struct level *lv = NULL;
    for (size_t i = 0; i < MM_ARRAY_LEN(levels) && !lv; i++) {
        size_t n = strlen(levels[i].name);
        if ((size_t)(end - p) > n + 1 && !memcmp(p, levels[i].name, n) && p[n] == ':' &&
            p[n + 1] == ' ') {
            lv = &levels[i];
            p += n + 2;
        }
    }
    if (p != ev->message.p && !lv) /* a radius.log time without a level: not ours */
        return MM_NO_MATCH;

    if (has_time) {
        ev->time_ns = ns;
        ev->time_has_year = true;
        ev->time_has_zone = false;
    }
    unsigned mark = ev->nfields;
    event_set_logsource(ev, "freeradius", "authentication", "radius");
    if (lv)
        event_add_cstr(ev, "log_level", lv->name);
    /* "(12) " request number */
    if (p < end && *p == '(') {
        const char *q = p + 1;
        while (q < end && mm_is_digit(*q))
            q++;
        if (q > p + 1 && q + 1 < end && *q == ')' && q[1] == ' ') {
            event_add_num(ev, "request_id", p + 1, (size_t)(q - p - 1));
            p = q + 2;
        }
    }
    struct slice msg = slice_make(p, (size_t)(end - p));
    const char *open = mm_memmem(msg.p, msg.len, ": [");
    if (open && parse_auth(ev, msg, open + 2))
        return MM_OK;
    if (slice_starts(msg, "Ignoring request to ")) {
        parse_unknown_client(ev, msg);
        return MM_OK;
    }
    if (slice_starts(msg, "Dropping packet without response because of error: ")) {
        parse_dropped(ev, msg);
        return MM_OK;
    }
    if (slice_eq(msg, "Ready to process requests")) {
        event_add(ev, "radius_event", "ready", 5);
        return MM_OK;
    }
    if (lv) {
        event_add_cstr(ev, "radius_event", lv->event);
        return MM_OK;
    }
    ev->nfields = mark;
    ev->logsource = (struct logsource){ 0 };
    return MM_NO_MATCH;
}

/* radius.log lines read from the file: "Mon Nov 23 15:30:00 2026 : Auth: ..." */
static bool freeradius_probe(const char *msg, size_t len)
{
    static const struct mm_tz utc = { false, 0 };
    int64_t ns;
    if (!parse_ctime_prefix(msg, len, &utc, &ns))
        return false;
    for (size_t i = 0; i < MM_ARRAY_LEN(levels); i++) {
        size_t n = strlen(levels[i].name);
        if (len > 27 + n + 1 && !memcmp(msg + 27, levels[i].name, n) && msg[27 + n] == ':')
            return true;
    }
    return false;
}

static const char *const freeradius_programs[] = { "radiusd", "freeradius", NULL };

const struct parser parser_freeradius = {
    .name = "freeradius",
    .summary = "FreeRADIUS 3 server log (radius.log or syslog): logins, unknown clients, errors",
    .programs = freeradius_programs,
    .probe = freeradius_probe,
    .parse = freeradius_parse,
    .probe_priority = 100,
};
