/* SPDX-License-Identifier: Apache-2.0 */
/* slapd.c: OpenLDAP slapd "stats" log lines (conn=N op=N VERB ...). The bound identity and the
 * client address appear on earlier lines of a connection than the changes it makes, so a small
 * per-thread table remembers them and puts bind_dn / src_ip on every later line. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

/* The connection table. It is per parser thread (each sensor worker keeps its own, no locking)
 * and lives only in memory: after a restart, or when one connection's lines are spread over
 * several workers, the earlier lines are not known and bind_dn / src_ip are simply not added.
 * Set-associative: CONN_SETS sets of CONN_WAYS entries, least recently used replaced. */
#define CONN_SETS     1024
#define CONN_WAYS     4
#define CONN_MAX_DN   256 /* longer DNs are not remembered (never stored cut) */
#define CONN_MAX_ADDR 48
#define CONN_OPS      2 /* recent operations remembered for their RESULT lines */
#define OP_MAX_KIND   8

struct conn_op {
    uint64_t op;
    bool used;
    char kind[OP_MAX_KIND];
    uint8_t kind_len;
    uint16_t dn_len; /* UINT16_MAX: DN unknown (too long) */
    char dn[CONN_MAX_DN];
};

struct conn_entry {
    uint64_t host_hash;
    uint64_t conn;
    uint64_t last_use;
    bool used;
    bool accepted;    /* the ACCEPT line was seen */
    bool bound_known; /* bind_dn is the connection's identity ("" = anonymous) */
    uint8_t src_ip_len, src_port_len;
    uint16_t bind_dn_len;
    unsigned next_op;
    char src_ip[CONN_MAX_ADDR];
    char src_port[8];
    char bind_dn[CONN_MAX_DN];
    struct conn_op ops[CONN_OPS];
};

static _Thread_local struct conn_entry conn_table[CONN_SETS][CONN_WAYS];
static _Thread_local uint64_t conn_clock;

static uint64_t host_hash(struct slice host)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < host.len; i++) {
        h ^= (unsigned char)mm_lower(host.p[i]);
        h *= 1099511628211ULL;
    }
    return h;
}

static struct conn_entry *conn_find(uint64_t hh, uint64_t conn, bool create)
{
    uint64_t mix = (hh ^ (conn * 0x9E3779B97F4A7C15ULL));
    struct conn_entry *set = conn_table[(mix >> 17) % CONN_SETS];
    struct conn_entry *victim = &set[0];
    for (unsigned i = 0; i < CONN_WAYS; i++) {
        struct conn_entry *e = &set[i];
        if (e->used && e->host_hash == hh && e->conn == conn) {
            e->last_use = ++conn_clock;
            return e;
        }
        if (!e->used)
            victim = e;
        else if (victim->used && e->last_use < victim->last_use)
            victim = e;
    }
    if (!create)
        return NULL;
    memset(victim, 0, sizeof *victim);
    victim->used = true;
    victim->host_hash = hh;
    victim->conn = conn;
    victim->last_use = ++conn_clock;
    return victim;
}

static void conn_remember_op(struct conn_entry *e, uint64_t op, struct slice kind, struct slice dn)
{
    struct conn_op *o = NULL;
    for (unsigned i = 0; i < CONN_OPS; i++)
        if (e->ops[i].used && e->ops[i].op == op)
            o = &e->ops[i];
    if (!o) {
        o = &e->ops[e->next_op % CONN_OPS];
        e->next_op++;
    }
    o->used = true;
    o->op = op;
    o->kind_len = (uint8_t)MM_MIN(kind.len, sizeof o->kind);
    memcpy(o->kind, kind.p, o->kind_len);
    if (dn.len < CONN_MAX_DN) { /* dn.len SIZE_MAX: no DN for this operation */
        memcpy(o->dn, dn.p, dn.len);
        o->dn_len = (uint16_t)dn.len;
    } else {
        o->dn_len = UINT16_MAX;
    }
}

static struct conn_op *conn_get_op(struct conn_entry *e, uint64_t op)
{
    for (unsigned i = 0; i < CONN_OPS; i++)
        if (e->ops[i].used && e->ops[i].op == op)
            return &e->ops[i];
    return NULL;
}

static void conn_set_bound(struct conn_entry *e, struct slice dn)
{
    if (dn.len < CONN_MAX_DN) {
        memcpy(e->bind_dn, dn.p, dn.len);
        e->bind_dn_len = (uint16_t)dn.len;
        e->bound_known = true;
    } else {
        e->bound_known = false;
    }
}

/* ---- line scanning ---- */

/* "name=" digits at p; advances *p past the number and one space. */
static bool take_number(const char **p, const char *end, const char *name, struct slice *out)
{
    size_t n = strlen(name);
    if ((size_t)(end - *p) <= n || memcmp(*p, name, n) != 0)
        return false;
    const char *s = *p + n, *q = s;
    while (q < end && mm_is_digit(*q))
        q++;
    if (q == s || (q < end && *q != ' '))
        return false;
    *out = slice_make(s, (size_t)(q - s));
    *p = q < end ? q + 1 : q;
    return true;
}

/* The value of name="..." ending at the first occurrence of the terminator (e.g. "\" method=")
 * or, with terminator NULL, at the last quote of the line. DNs are not escaped by slapd, so the
 * end is found from what follows the value, not from the next quote. */
static bool quoted_value(const char *p, const char *end, const char *name, const char *terminator,
                         struct slice *value, const char **after)
{
    size_t n = strlen(name);
    const char *s = mm_memmem(p, (size_t)(end - p), name);
    if (!s)
        return false;
    s += n;
    const char *q;
    if (terminator) {
        q = mm_memmem(s, (size_t)(end - s), terminator);
    } else {
        q = end;
        while (q > s && q[-1] != '"')
            q--;
        q = q > s ? q - 1 : NULL;
    }
    if (!q)
        return false;
    *value = slice_make(s, (size_t)(q - s));
    if (after)
        *after = q + 1;
    return true;
}

static void add_slice_num(struct event *ev, const char *name, struct slice v)
{
    event_add_num(ev, name, v.p, v.len);
}

/* a key of "k=v k=v ..." pairs and the field its value goes to */
struct slapd_pair {
    const char *key, *name;
    bool num;
};

/* Add the values of the known keys among the "k=v" words from q to end; stops at the first word
 * that is not a pair. */
static void add_pairs(struct event *ev, const char *q, const char *end,
                      const struct slapd_pair *pairs, size_t npairs)
{
    while (q < end) {
        const char *ks = q;
        while (q < end && *q != '=' && *q != ' ')
            q++;
        if (q >= end || *q != '=')
            break;
        struct slice key = slice_make(ks, (size_t)(q - ks));
        const char *vs = ++q;
        while (q < end && *q != ' ')
            q++;
        struct slice v = slice_make(vs, (size_t)(q - vs));
        for (size_t i = 0; i < npairs; i++) {
            if (!slice_eq(key, pairs[i].key))
                continue;
            if (pairs[i].num)
                add_slice_num(ev, pairs[i].name, v);
            else
                event_add_slice(ev, pairs[i].name, v);
            break;
        }
        while (q < end && *q == ' ')
            q++;
    }
}

static void add_identity(struct event *ev, const struct conn_entry *e)
{
    if (!e)
        return;
    if (e->bound_known)
        event_add_copy(ev, "bind_dn", e->bind_dn, e->bind_dn_len);
    if (e->src_ip_len) {
        event_add_copy(ev, "src_ip", e->src_ip, e->src_ip_len);
        event_add_num(ev, "src_port", e->src_port, e->src_port_len);
    }
}

/* "IP=127.0.0.1:389", "IP=[::1]:389" or "PATH=/run/ldapi" */
static void add_endpoint(struct event *ev, struct slice v, bool source, struct conn_entry *e)
{
    if (slice_starts(v, "PATH=")) { /* ldapi://: both ends name the listening socket */
        if (source)
            event_add(ev, "socket_path", v.p + 5, v.len - 5);
        return;
    }
    if (!slice_starts(v, "IP="))
        return;
    const char *s = v.p + 3, *end = v.p + v.len;
    const char *colon = end;
    while (colon > s && colon[-1] != ':')
        colon--;
    if (colon == s)
        return;
    struct slice ip = slice_make(s, (size_t)(colon - 1 - s));
    struct slice port = slice_make(colon, (size_t)(end - colon));
    if (ip.len >= 2 && ip.p[0] == '[' && ip.p[ip.len - 1] == ']')
        ip = slice_make(ip.p + 1, ip.len - 2);
    event_add_slice(ev, source ? "src_ip" : "dst_ip", ip);
    add_slice_num(ev, source ? "src_port" : "dst_port", port);
    if (source && e && ip.len < CONN_MAX_ADDR && port.len < sizeof e->src_port) {
        memcpy(e->src_ip, ip.p, ip.len);
        e->src_ip_len = (uint8_t)ip.len;
        memcpy(e->src_port, port.p, port.len);
        e->src_port_len = (uint8_t)port.len;
    }
}

/* conn=N fd=N ACCEPT|closed|TLS established ... */
static void parse_fd_line(struct event *ev, const char *p, const char *end, uint64_t hh,
                          uint64_t conn_id)
{
    struct slice rest = slice_make(p, (size_t)(end - p));
    struct conn_entry *e;
    if (slice_starts(rest, "ACCEPT from ")) {
        event_add(ev, "operation", "ACCEPT", 6);
        e = conn_find(hh, conn_id, true);
        if (e->accepted) { /* a connection number seen before: slapd restarted */
            memset(e->ops, 0, sizeof e->ops);
            e->bound_known = false;
            e->src_ip_len = 0;
        }
        e->accepted = true;
        if (!e->bound_known) { /* a new connection is anonymous until it binds */
            e->bound_known = true;
            e->bind_dn_len = 0;
        }
        const char *s = p + 12, *sp = s;
        while (sp < end && *sp != ' ')
            sp++;
        add_endpoint(ev, slice_make(s, (size_t)(sp - s)), true, e);
        if (sp + 2 < end && sp[1] == '(' && end[-1] == ')')
            add_endpoint(ev, slice_make(sp + 2, (size_t)(end - 1 - (sp + 2))), false, NULL);
        return;
    }
    e = conn_find(hh, conn_id, false);
    if (slice_starts(rest, "closed"))
        event_add(ev, "operation", "CLOSE", 5);
    else if (slice_starts(rest, "TLS established "))
        event_add(ev, "operation", "TLS", 3);
    add_identity(ev, e);
    if (slice_starts(rest, "closed")) {
        const char *r = p + 6;
        if (r + 2 < end && r[0] == ' ' && r[1] == '(' && end[-1] == ')')
            event_add(ev, "close_reason", r + 2, (size_t)(end - 1 - (r + 2)));
        if (e)
            e->used = false;
    } else if (slice_starts(rest, "TLS established ")) {
        static const struct slapd_pair tls_pairs[] = {
            { "tls_ssf", "tls_ssf", true },
            { "ssf", "ssf", true },
            { "tls_proto", "tls_proto", false },
            { "tls_cipher", "tls_cipher", false },
        };
        add_pairs(ev, p + 16, end, tls_pairs, MM_ARRAY_LEN(tls_pairs));
    } else {
        event_add_slice(ev, "detail", rest);
    }
}

/* tag=97 err=0 qtime=0.000011 etime=0.000123 [nentries=1] text=... (text runs to the end) */
static void parse_result(struct event *ev, const char *p, const char *end)
{
    struct slice err = { 0 };
    bool have_err = false;
    while (p < end) {
        const char *ks = p;
        while (p < end && *p != '=' && *p != ' ')
            p++;
        if (p >= end || *p != '=')
            break;
        struct slice key = slice_make(ks, (size_t)(p - ks));
        const char *vs = ++p;
        if (slice_eq(key, "text")) {
            event_add(ev, "text", vs, (size_t)(end - vs));
            break;
        }
        while (p < end && *p != ' ')
            p++;
        struct slice v = slice_make(vs, (size_t)(p - vs));
        if (slice_eq(key, "tag")) {
            add_slice_num(ev, "tag", v);
        } else if (slice_eq(key, "oid")) {
            if (v.len)
                event_add_slice(ev, "oid", v);
        } else if (slice_eq(key, "err")) {
            add_slice_num(ev, "result_code", v);
            err = v;
            have_err = true;
        } else if (slice_eq(key, "qtime")) {
            add_slice_num(ev, "qtime", v);
        } else if (slice_eq(key, "etime")) {
            add_slice_num(ev, "etime", v);
        } else if (slice_eq(key, "nentries")) {
            add_slice_num(ev, "nentries", v);
        }
        while (p < end && *p == ' ')
            p++;
    }
    if (have_err) {
        /* 5/6 are compareFalse/compareTrue; 14 is saslBindInProgress (not an outcome yet) */
        if (slice_eq(err, "0") || slice_eq(err, "5") || slice_eq(err, "6"))
            event_add(ev, "outcome", "success", 7);
        else if (!slice_eq(err, "14"))
            event_add(ev, "outcome", "failure", 7);
    }
}

static bool slice_is_upper_word(struct slice w)
{
    if (!w.len)
        return false;
    for (size_t i = 0; i < w.len; i++)
        if (!(w.p[i] >= 'A' && w.p[i] <= 'Z'))
            return false;
    return true;
}

/* conn=N op=N VERB ... */
static void parse_op_line(struct event *ev, uint64_t op_id, const char *p, const char *end,
                          uint64_t hh, uint64_t conn_id)
{
    const char *ws = p;
    while (p < end && *p != ' ')
        p++;
    struct slice verb = slice_make(ws, (size_t)(p - ws));
    const char *args = p < end ? p + 1 : end;
    struct slice rest = slice_make(args, (size_t)(end - args));
    struct conn_entry *e = conn_find(hh, conn_id, false);
    struct slice dn;

    if (slice_eq(verb, "SEARCH") && slice_starts(rest, "RESULT ")) {
        args += 7;
        rest = slice_make(args, (size_t)(end - args));
        verb = SLICE_LIT("RESULT");
    }
    if (!slice_is_upper_word(verb)) {
        add_identity(ev, e);
        event_add(ev, "detail", ws, (size_t)(end - ws));
        return;
    }
    event_add_slice(ev, "operation", verb);

    if (slice_eq(verb, "BIND")) {
        if (quoted_value(args, end, "dn=\"", "\" method=", &dn, NULL)) {
            event_add_slice(ev, "dn", dn);
            const char *m = mm_memmem(args, rest.len, "\" method=");
            add_slice_num(ev, "bind_method", slice_make(m + 9, (size_t)(end - (m + 9))));
            if (!e)
                e = conn_find(hh, conn_id, true);
            conn_remember_op(e, op_id, verb, dn);
            if (e->src_ip_len) {
                event_add_copy(ev, "src_ip", e->src_ip, e->src_ip_len);
                event_add_num(ev, "src_port", e->src_port, e->src_port_len);
            }
        } else if (quoted_value(args, end, "dn=\"", "\" mech=", &dn, NULL)) {
            /* logged only once the bind has succeeded: the new identity */
            event_add_slice(ev, "dn", dn);
            if (!e)
                e = conn_find(hh, conn_id, true);
            conn_set_bound(e, dn);
            /* SASL binds request dn="": the RESULT must confirm this identity, not that one */
            conn_remember_op(e, op_id, verb, dn);
            add_identity(ev, e);
            static const struct slapd_pair bind_pairs[] = {
                { "mech", "bind_mech", false },
                { "bind_ssf", "bind_ssf", true },
                { "ssf", "ssf", true },
            };
            add_pairs(ev, mm_memmem(args, rest.len, "\" mech=") + 2, end, bind_pairs,
                      MM_ARRAY_LEN(bind_pairs));
        } else {
            struct slice v;
            if (quoted_value(args, end, "authcid=\"", "\" authzid=", &v, NULL))
                event_add_slice(ev, "authcid", v);
            if (quoted_value(args, end, "authzid=\"", NULL, &v, NULL))
                event_add_slice(ev, "authzid", v);
            if (e && e->src_ip_len) {
                event_add_copy(ev, "src_ip", e->src_ip, e->src_ip_len);
                event_add_num(ev, "src_port", e->src_port, e->src_port_len);
            }
        }
        return;
    }

    if (slice_eq(verb, "RESULT")) {
        struct conn_op *o = e ? conn_get_op(e, op_id) : NULL;
        if (o && o->kind_len == 4 && !memcmp(o->kind, "BIND", 4)) {
            /* the bind's outcome decides the identity of the rest of the connection */
            const char *err = mm_memmem(args, rest.len, " err=");
            struct slice code = { 0 };
            if (err) {
                const char *q = err + 5;
                while (q < end && mm_is_digit(*q))
                    q++;
                code = slice_make(err + 5, (size_t)(q - (err + 5)));
            }
            if (slice_eq(code, "0") && o->dn_len != UINT16_MAX)
                conn_set_bound(e, slice_make(o->dn, o->dn_len));
            else if (code.len && !slice_eq(code, "0") && !slice_eq(code, "14"))
                conn_set_bound(e, SLICE_LIT("")); /* a failed bind leaves it anonymous */
        }
        add_identity(ev, e);
        if (o) {
            event_add_copy(ev, "result_of", o->kind, o->kind_len);
            bool srch = o->kind_len == 4 && !memcmp(o->kind, "SRCH", 4);
            if (o->dn_len != UINT16_MAX)
                event_add_copy(ev, srch ? "search_base" : "dn", o->dn, o->dn_len);
        }
        parse_result(ev, args, end);
        return;
    }

    add_identity(ev, e);
    if (slice_eq(verb, "SRCH")) {
        struct slice v;
        const char *after;
        if (slice_starts(rest, "attr=")) {
            event_add(ev, "attr", args + 5, rest.len - 5);
        } else if (quoted_value(args, end, "base=\"", "\" scope=", &v, &after)) {
            event_add_slice(ev, "search_base", v);
            if (!e)
                e = conn_find(hh, conn_id, true);
            conn_remember_op(e, op_id, verb, v);
            struct slice num;
            const char *q = after + 1;
            if (take_number(&q, end, "scope=", &num))
                add_slice_num(ev, "search_scope", num);
            if (take_number(&q, end, "deref=", &num))
                add_slice_num(ev, "search_deref", num);
            if (quoted_value(q, end, "filter=\"", NULL, &v, NULL))
                event_add_slice(ev, "search_filter", v);
        }
        return;
    }
    if (slice_eq(verb, "MOD") && slice_starts(rest, "attr=")) {
        event_add(ev, "attr", args + 5, rest.len - 5);
        return;
    }
    if (slice_eq(verb, "PASSMOD")) {
        if (quoted_value(args, end, "id=\"", "\"", &dn, NULL)) {
            event_add_slice(ev, "dn", dn);
            if (!e)
                e = conn_find(hh, conn_id, true);
            conn_remember_op(e, op_id, verb, dn);
        }
        const char *q = end;
        while (q > args && q[-1] != '"')
            q--;
        if (q < end && *q == ' ') /* "old" and/or "new": which passwords the request carried */
            event_add(ev, "passmod_fields", q + 1, (size_t)(end - (q + 1)));
        return;
    }
    if (slice_eq(verb, "EXT")) {
        if (slice_starts(rest, "oid=")) {
            event_add(ev, "oid", args + 4, rest.len - 4);
            if (!e)
                e = conn_find(hh, conn_id, true);
            conn_remember_op(e, op_id, verb, (struct slice){ NULL, SIZE_MAX });
        }
        return;
    }
    if (slice_eq(verb, "CMP")) {
        struct slice v;
        if (quoted_value(args, end, "dn=\"", "\" attr=\"", &dn, NULL)) {
            event_add_slice(ev, "dn", dn);
            if (!e)
                e = conn_find(hh, conn_id, true);
            conn_remember_op(e, op_id, verb, dn);
            if (quoted_value(dn.p + dn.len, end, "attr=\"", NULL, &v, NULL))
                event_add_slice(ev, "attr", v);
        }
        return;
    }
    /* ADD, DEL, MOD, MODRDN: dn="..." to the end of the line */
    if (quoted_value(args, end, "dn=\"", NULL, &dn, NULL) && slice_starts(rest, "dn=\"")) {
        event_add_slice(ev, "dn", dn);
        if (!e)
            e = conn_find(hh, conn_id, true);
        conn_remember_op(e, op_id, verb, dn);
        return;
    }
    if (rest.len) {
        event_add_slice(ev, "detail", rest);
    } else if (e) { /* STARTTLS, WHOAMI: name the extended operation for its RESULT */
        struct conn_op *o = conn_get_op(e, op_id);
        if (o) {
            o->kind_len = (uint8_t)MM_MIN(verb.len, sizeof o->kind);
            memcpy(o->kind, verb.p, o->kind_len);
        }
    }
}

static enum mm_status slapd_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    const char *p = ev->message.p, *end = p + ev->message.len;
    struct slice conn, num;
    uint64_t conn_id, op_id;
    if (!take_number(&p, end, "conn=", &conn) ||
        mm_parse_u64(conn.p, conn.len, UINT64_MAX, &conn_id) != MM_OK)
        return MM_NO_MATCH;
    uint64_t hh = host_hash(ev->host);
    event_set_logsource(ev, "openldap", "directory", "slapd");
    add_slice_num(ev, "conn", conn);
    if (take_number(&p, end, "fd=", &num)) {
        add_slice_num(ev, "fd", num);
        parse_fd_line(ev, p, end, hh, conn_id);
        return MM_OK;
    }
    if (take_number(&p, end, "op=", &num) &&
        mm_parse_u64(num.p, num.len, UINT64_MAX, &op_id) == MM_OK) {
        add_slice_num(ev, "op", num);
        parse_op_line(ev, op_id, p, end, hh, conn_id);
        return MM_OK;
    }
    struct conn_entry *e = conn_find(hh, conn_id, false);
    add_identity(ev, e);
    if (p < end)
        event_add(ev, "detail", p, (size_t)(end - p));
    return MM_OK;
}

static bool slapd_probe(const char *msg, size_t len)
{
    if (!mm_bytes_starts(msg, len, "conn="))
        return false;
    size_t i = 5;
    while (i < len && mm_is_digit(msg[i]))
        i++;
    return i > 5 && i + 3 < len && msg[i] == ' ' &&
           (mm_bytes_starts(msg + i + 1, len - i - 1, "op=") ||
            mm_bytes_starts(msg + i + 1, len - i - 1, "fd="));
}

static const char *const slapd_programs[] = { "slapd", NULL };

const struct parser parser_slapd = {
    .name = "slapd",
    .summary = "OpenLDAP slapd stats log (connections, binds, changes, searches, results)",
    .programs = slapd_programs,
    .probe = slapd_probe,
    .parse = slapd_parse,
    .probe_priority = 100,
};
