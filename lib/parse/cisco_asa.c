/* SPDX-License-Identifier: Apache-2.0 */
/* cisco_asa.c: Cisco ASA and Firepower Threat Defense syslog messages ("%ASA-6-302013: Built
 * outbound TCP connection ..."). Every message yields its id and severity; the ids an analyst
 * works with (connections, ACL denies, NAT, ICMP, AAA, logins, configuration commands, VPN
 * sessions, threat detection, IPS) are taken apart into fields. Layouts follow Cisco's "Secure
 * Firewall ASA Series Syslog Messages" guide. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

#define ASA_MARK_WINDOW 128 /* how far into the body the "%ASA-" mark may start */
#define ASA_MAX_EXTRA   16

static const char *const asa_marks[] = { "%ASA-", "%FTD-", "%FWSM-", "%PIX-" };

struct asa_cur {
    const char *p, *end;
};

struct asa_extra {
    const char *name;
    struct slice value;
    bool num;
};

/* What one message says, in the order it is emitted. */
struct asa_msg {
    const char *action, *direction, *outcome;
    struct slice proto;
    struct slice src_if, src_ip, src_port, src_map_ip, src_map_port;
    struct slice dst_if, dst_ip, dst_port, dst_map_ip, dst_map_port, service;
    struct slice icmp_type, icmp_code, tcp_flags, conn_id, bytes, rule, reason, username;
    int64_t duration; /* seconds, -1 when absent */
    struct asa_extra extra[ASA_MAX_EXTRA];
    unsigned nextra;
};

/* ---- cursor ---------------------------------------------------------------------------------- */

static void skip_sp(struct asa_cur *c)
{
    while (c->p < c->end && *c->p == ' ')
        c->p++;
}

/* The literal at the cursor (after spaces): consume it. */
static bool lit(struct asa_cur *c, const char *s)
{
    skip_sp(c);
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
        return false;
    c->p += n;
    return true;
}

/* Next space-delimited token. */
static struct slice tok(struct asa_cur *c)
{
    skip_sp(c);
    const char *s = c->p;
    while (c->p < c->end && *c->p != ' ')
        c->p++;
    return slice_make(s, (size_t)(c->p - s));
}

/* Move past the next occurrence of s. */
static bool seek(struct asa_cur *c, const char *s)
{
    const char *f = mm_memmem(c->p, (size_t)(c->end - c->p), s);
    if (!f)
        return false;
    c->p = f + strlen(s);
    return true;
}

/* Text up to the next occurrence of s (or the end), the cursor moved past s. */
static struct slice upto(struct asa_cur *c, const char *s)
{
    skip_sp(c);
    const char *f = mm_memmem(c->p, (size_t)(c->end - c->p), s);
    const char *e = f ? f : c->end;
    struct slice v = slice_make(c->p, (size_t)(e - c->p));
    c->p = f ? f + strlen(s) : c->end;
    return v;
}

static struct slice trim(struct slice s)
{
    while (s.len && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.len--;
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t' || s.p[s.len - 1] == '.'))
        s.len--;
    return s;
}

static bool all_digits(struct slice s)
{
    if (!s.len)
        return false;
    for (size_t i = 0; i < s.len; i++)
        if (!mm_is_digit(s.p[i]))
            return false;
    return true;
}

static void extra(struct asa_msg *m, const char *name, struct slice v, bool num)
{
    if (v.len && m->nextra < ASA_MAX_EXTRA)
        m->extra[m->nextra++] = (struct asa_extra){ name, v, num };
}

/* ---- addresses ------------------------------------------------------------------------------- */

/* "iface:addr/port", "addr/port", "iface:addr" (with_if), possibly followed by "(idfw user)". IPv6
 * addresses contain ':', so the interface is split off at the first ':' only when with_if. */
static bool endpoint(struct slice t, bool with_if, struct slice *ifname, struct slice *ip,
                     struct slice *port)
{
    for (size_t i = 0; i < t.len; i++)
        if (t.p[i] == '(' || t.p[i] == ')') {
            t.len = i;
            break;
        }
    while (t.len && (t.p[t.len - 1] == ',' || t.p[t.len - 1] == ':' || t.p[t.len - 1] == '.'))
        t.len--;
    if (with_if) {
        const char *colon = memchr(t.p, ':', t.len);
        if (!colon)
            return false;
        *ifname = slice_make(t.p, (size_t)(colon - t.p));
        t = slice_make(colon + 1, t.len - ifname->len - 1);
    }
    const char *slash = NULL;
    for (size_t i = t.len; i > 0; i--)
        if (t.p[i - 1] == '/') {
            slash = t.p + i - 1;
            break;
        }
    if (slash) {
        *ip = slice_make(t.p, (size_t)(slash - t.p));
        *port = slice_make(slash + 1, t.len - ip->len - 1);
    } else {
        *ip = t;
        *port = slice_make(NULL, 0); /* callers may pass an uninitialised slice */
    }
    return ip->len > 0;
}

/* A "(addr/port)" token that follows an endpoint (the mapped address), if there is one. */
static void mapped(struct asa_cur *c, struct slice *ip, struct slice *port)
{
    skip_sp(c);
    if (c->p >= c->end || *c->p != '(')
        return;
    struct asa_cur save = *c;
    struct slice t = tok(c);
    if (t.len < 3 || !memchr(t.p, '/', t.len)) {
        *c = save;
        return;
    }
    struct slice none;
    endpoint(slice_make(t.p + 1, t.len - 1), false, &none, ip, port);
}

/* The AAA user name ASA appends as "(user)" at the end of connection messages. */
static struct slice trailing_user(struct slice *rest)
{
    struct slice r = trim(*rest), u = { NULL, 0 };
    if (r.len > 2 && r.p[r.len - 1] == ')') {
        size_t i = r.len - 1;
        while (i > 0 && r.p[i - 1] != '(')
            i--;
        if (i > 0) {
            u = slice_make(r.p + i, r.len - 1 - i);
            r.len = i - 1;
        }
    }
    *rest = trim(r);
    return u;
}

/* "0:01:02" (h:mm:ss, hours unbounded) or "1h:02m:03s" / "1d 2h:03m:04s" -> seconds. */
static int64_t duration_seconds(struct slice s)
{
    int64_t total = 0, cur = 0;
    int fields = 0;
    bool digits = false, units = false;
    for (size_t i = 0; i < s.len; i++) {
        char ch = s.p[i];
        if (mm_is_digit(ch)) {
            if (cur > INT64_MAX / 100)
                return -1;
            cur = cur * 10 + (ch - '0');
            digits = true;
            continue;
        }
        if (!digits && ch != ' ' && ch != ':')
            return -1;
        int64_t mult = 0;
        switch (ch) {
        case 'd':
            mult = 86400;
            break;
        case 'h':
            mult = 3600;
            break;
        case 'm':
            mult = 60;
            break;
        case 's':
            mult = 1;
            break;
        default:
            break;
        }
        if (mult) {
            int64_t part;
            if (__builtin_mul_overflow(cur, mult, &part) || __builtin_add_overflow(total, part, &total))
                return -1;
            cur = 0;
            digits = false;
            units = true;
        } else if (ch == ':' && !units) {
            if (__builtin_add_overflow(total, cur, &total) || __builtin_mul_overflow(total, 60, &total))
                return -1;
            cur = 0;
            digits = false;
            fields++;
        } else if (ch != ':' && ch != ' ') {
            return -1;
        }
    }
    if (!units && __builtin_add_overflow(total, cur, &total))
        return -1;
    return (units || fields > 0) ? total : -1;
}

/* ---- message handlers: each returns false when the body does not have the documented shape --- */

/* 302013, 302015: Built {inbound|outbound} [Probe] TCP connection ID for IF:A/P (MA/MP) to
 * IF:B/P (MB/MP) [(user)]. "outbound" means the "to" side (inside) initiated it. */
static bool asa_built(struct asa_cur *c, struct asa_msg *m)
{
    struct slice a_if = { 0 }, a_ip = { 0 }, a_port = { 0 }, a_mip = { 0 }, a_mport = { 0 };
    struct slice b_if = { 0 }, b_ip = { 0 }, b_port = { 0 }, b_mip = { 0 }, b_mport = { 0 };
    if (!lit(c, "Built"))
        return false;
    struct slice dir = tok(c);
    m->proto = tok(c);
    if (slice_eq(m->proto, "Probe"))
        m->proto = tok(c);
    if (!lit(c, "connection"))
        return false;
    m->conn_id = tok(c);
    if (!lit(c, "for") || !endpoint(tok(c), true, &a_if, &a_ip, &a_port))
        return false;
    mapped(c, &a_mip, &a_mport);
    if (!lit(c, "to") || !endpoint(tok(c), true, &b_if, &b_ip, &b_port))
        return false;
    mapped(c, &b_mip, &b_mport);
    struct slice rest = slice_make(c->p, (size_t)(c->end - c->p));
    m->username = trailing_user(&rest);
    bool outbound = slice_eq(dir, "outbound");
    m->direction = outbound ? "outbound" : slice_eq(dir, "inbound") ? "inbound" : NULL;
    m->action = "allow";
    if (outbound) {
        m->src_if = b_if, m->src_ip = b_ip, m->src_port = b_port;
        m->src_map_ip = b_mip, m->src_map_port = b_mport;
        m->dst_if = a_if, m->dst_ip = a_ip, m->dst_port = a_port;
        m->dst_map_ip = a_mip, m->dst_map_port = a_mport;
    } else {
        m->src_if = a_if, m->src_ip = a_ip, m->src_port = a_port;
        m->src_map_ip = a_mip, m->src_map_port = a_mport;
        m->dst_if = b_if, m->dst_ip = b_ip, m->dst_port = b_port;
        m->dst_map_ip = b_mip, m->dst_map_port = b_mport;
    }
    return true;
}

/* 302014, 302016: Teardown [Probe] TCP connection ID for IF:A/P to IF:B/P duration H:MM:SS bytes N
 * [reason [from initiator]] [(user)]. The sides are kept in the message's order: a teardown does
 * not say which side initiated the connection. */
static bool asa_teardown(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Teardown"))
        return false;
    m->proto = tok(c);
    if (slice_eq(m->proto, "Probe"))
        m->proto = tok(c);
    if (!lit(c, "connection"))
        return false;
    m->conn_id = tok(c);
    if (!lit(c, "for") || !endpoint(tok(c), true, &m->src_if, &m->src_ip, &m->src_port))
        return false;
    if (!lit(c, "to") || !endpoint(tok(c), true, &m->dst_if, &m->dst_ip, &m->dst_port))
        return false;
    m->action = "teardown";
    if (lit(c, "duration"))
        m->duration = duration_seconds(tok(c));
    if (lit(c, "bytes"))
        m->bytes = tok(c);
    struct slice rest = slice_make(c->p, (size_t)(c->end - c->p));
    m->username = trailing_user(&rest);
    const char *from = NULL;
    for (size_t i = 0; i + 6 <= rest.len; i++)
        if (!memcmp(rest.p + i, " from ", 6))
            from = rest.p + i;
    if (from) {
        extra(m, "teardown_initiator",
              trim(slice_make(from + 6, (size_t)(rest.p + rest.len - from - 6))), false);
        rest.len = (size_t)(from - rest.p);
    }
    m->reason = trim(rest);
    return true;
}

/* 305011, 305012: {Built|Teardown} {dynamic|static} PROTO translation from IF:real/P to
 * IF:mapped/P [duration H:MM:SS] */
static bool asa_nat(struct asa_cur *c, struct asa_msg *m)
{
    struct slice map_if = { 0 };
    bool built = lit(c, "Built");
    if (!built && !lit(c, "Teardown"))
        return false;
    struct slice kind = tok(c);
    m->proto = tok(c);
    if (!lit(c, "translation") || !lit(c, "from") ||
        !endpoint(tok(c), true, &m->src_if, &m->src_ip, &m->src_port))
        return false;
    if (!lit(c, "to") || !endpoint(tok(c), true, &map_if, &m->src_map_ip, &m->src_map_port))
        return false;
    if (mm_bytes_eq_nocase(m->proto.p, m->proto.len, "icmp")) /* ICMP ids, not ports */
        m->src_port = m->src_map_port = (struct slice){ NULL, 0 };
    if (lit(c, "duration"))
        m->duration = duration_seconds(tok(c));
    m->action = built ? "built" : "teardown";
    extra(m, "nat_type", kind, false);
    extra(m, "mapped_interface", map_if, false);
    return true;
}

/* "flags SYN ACK  on interface IF" tail of 106001/106015 */
static bool flags_and_interface(struct asa_cur *c, struct asa_msg *m)
{
    if (lit(c, "flags")) {
        m->tcp_flags = trim(upto(c, " on interface "));
        m->src_if = trim(tok(c));
        return m->src_if.len > 0;
    }
    if (!lit(c, "on") || !lit(c, "interface"))
        return false;
    m->src_if = trim(tok(c));
    return m->src_if.len > 0;
}

/* 106001: Inbound TCP connection denied from A/P to B/P flags F on interface IF */
static bool asa_106001(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Inbound"))
        return false;
    m->proto = tok(c);
    if (!lit(c, "connection denied from") ||
        !endpoint(tok(c), false, NULL, &m->src_ip, &m->src_port))
        return false;
    if (!lit(c, "to") || !endpoint(tok(c), false, NULL, &m->dst_ip, &m->dst_port))
        return false;
    m->action = "deny";
    m->direction = "inbound";
    return flags_and_interface(c, m);
}

/* 106006: Deny inbound UDP from A/P to B/P on interface IF
 * 106007: Deny inbound UDP from A/P to B/P due to DNS {Response|Query} */
static bool asa_106006(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Deny inbound"))
        return false;
    m->proto = tok(c);
    if (!lit(c, "from") || !endpoint(tok(c), false, NULL, &m->src_ip, &m->src_port))
        return false;
    if (!lit(c, "to") || !endpoint(tok(c), false, NULL, &m->dst_ip, &m->dst_port))
        return false;
    m->action = "deny";
    m->direction = "inbound";
    if (lit(c, "due to")) {
        m->reason = trim(slice_make(c->p, (size_t)(c->end - c->p)));
        return true;
    }
    return flags_and_interface(c, m);
}

/* "(type T, code C)" after ICMP endpoints */
static void icmp_type_code(struct asa_cur *c, struct asa_msg *m)
{
    struct asa_cur save = *c;
    if (!seek(c, "type ")) {
        *c = save;
        return;
    }
    m->icmp_type = trim(upto(c, ","));
    if (lit(c, "code"))
        m->icmp_code = trim(upto(c, ")"));
}

/* 106014: Deny {inbound|outbound} icmp src IF:A dst IF:B (type T, code C) */
static bool asa_106014(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Deny"))
        return false;
    struct slice dir = tok(c);
    m->direction = slice_eq(dir, "inbound")    ? "inbound"
                   : slice_eq(dir, "outbound") ? "outbound"
                                               : NULL;
    m->proto = tok(c);
    if (!lit(c, "src") || !endpoint(tok(c), true, &m->src_if, &m->src_ip, &m->src_port))
        return false;
    if (!lit(c, "dst"))
        return false;
    skip_sp(c);
    const char *s = c->p;
    while (c->p < c->end && *c->p != ' ' && *c->p != '(')
        c->p++;
    if (!endpoint(slice_make(s, (size_t)(c->p - s)), true, &m->dst_if, &m->dst_ip, &m->dst_port))
        return false;
    icmp_type_code(c, m);
    m->action = "deny";
    return true;
}

/* 106015: Deny TCP (no connection) from A/P to B/P flags F on interface IF */
static bool asa_106015(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Deny"))
        return false;
    m->proto = tok(c);
    if (!lit(c, "(no connection)") || !lit(c, "from") ||
        !endpoint(tok(c), false, NULL, &m->src_ip, &m->src_port))
        return false;
    if (!lit(c, "to") || !endpoint(tok(c), false, NULL, &m->dst_ip, &m->dst_port))
        return false;
    m->action = "deny";
    m->reason = SLICE_LIT("no connection");
    return flags_and_interface(c, m);
}

/* 106023: Deny PROTO src IF:A[/P][(user)] dst IF:B[/P][(user)] [(type T, code C)]
 * by access-group "ACL" [0x.., 0x..]; PROTO may be "protocol 103" */
static bool asa_106023(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Deny"))
        return false;
    m->proto = tok(c);
    if (slice_eq(m->proto, "protocol"))
        m->proto = tok(c);
    if (!lit(c, "src") || !endpoint(tok(c), true, &m->src_if, &m->src_ip, &m->src_port))
        return false;
    if (!lit(c, "dst") || !endpoint(tok(c), true, &m->dst_if, &m->dst_ip, &m->dst_port))
        return false;
    skip_sp(c);
    if (c->p < c->end && *c->p == '(')
        icmp_type_code(c, m);
    if (!seek(c, "by access-group"))
        return false;
    skip_sp(c);
    if (c->p < c->end && *c->p == '"') {
        c->p++;
        m->rule = upto(c, "\"");
    } else {
        m->rule = tok(c);
    }
    m->action = "deny";
    return true;
}

/* "IF/ADDR(PORT)" of 106100 */
static bool acl_endpoint(struct slice t, struct slice *ifname, struct slice *ip, struct slice *port)
{
    const char *slash = memchr(t.p, '/', t.len);
    const char *open = memchr(t.p, '(', t.len);
    if (!slash || !open || open < slash)
        return false;
    *ifname = slice_make(t.p, (size_t)(slash - t.p));
    *ip = slice_make(slash + 1, (size_t)(open - slash - 1));
    const char *close = memchr(open, ')', (size_t)(t.p + t.len - open));
    if (!close)
        return false;
    *port = slice_make(open + 1, (size_t)(close - open - 1));
    return ip->len > 0;
}

/* 106100: access-list ACL {permitted|denied|est-allowed} PROTO IF/A(P) -> IF/B(P) hit-cnt N
 * {first hit|N-second interval} [0x.., 0x..]. For ICMP the "ports" are type and code. */
static bool asa_106100(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "access-list"))
        return false;
    m->rule = tok(c);
    struct slice verdict = tok(c);
    m->proto = tok(c);
    if (!acl_endpoint(tok(c), &m->src_if, &m->src_ip, &m->src_port) || !lit(c, "->") ||
        !acl_endpoint(tok(c), &m->dst_if, &m->dst_ip, &m->dst_port))
        return false;
    if (slice_eq(verdict, "denied"))
        m->action = "deny";
    else if (slice_eq(verdict, "permitted") || slice_eq(verdict, "est-allowed"))
        m->action = "allow";
    if (mm_bytes_eq_nocase(m->proto.p, m->proto.len, "icmp") ||
        mm_bytes_eq_nocase(m->proto.p, m->proto.len, "icmp6")) {
        m->icmp_type = m->src_port, m->icmp_code = m->dst_port;
        m->src_port = m->dst_port = (struct slice){ NULL, 0 };
    }
    if (lit(c, "hit-cnt"))
        extra(m, "hit_count", tok(c), true);
    return true;
}

/* 313001: Denied ICMP type=T, code=C from A on interface IF
 * 313004: Denied ICMP type=T, from [laddr] A on interface IF to B: no matching session */
static bool asa_313001(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Denied") || !lit(c, "ICMP type="))
        return false;
    m->proto = SLICE_LIT("icmp");
    m->icmp_type = trim(upto(c, ","));
    if (lit(c, "code="))
        m->icmp_code = trim(upto(c, " "));
    if (!lit(c, "from"))
        return false;
    lit(c, "laddr");
    m->src_ip = tok(c);
    if (!lit(c, "on interface"))
        return false;
    m->src_if = tok(c);
    if (lit(c, "to")) {
        m->dst_ip = upto(c, ": ");
        m->reason = trim(slice_make(c->p, (size_t)(c->end - c->p)));
    }
    m->action = "deny";
    return m->src_ip.len > 0;
}

/* 313005: No matching connection for ICMP error message: icmp src IF:A dst IF:B (type T, code C)
 * on IF interface.  Original IP payload: PROTO src A/P dst B/P. */
static bool asa_313005(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "No matching connection for ICMP error message:") || !lit(c, "icmp src"))
        return false;
    m->proto = SLICE_LIT("icmp");
    if (!endpoint(tok(c), true, &m->src_if, &m->src_ip, &m->src_port) || !lit(c, "dst"))
        return false;
    skip_sp(c);
    const char *s = c->p;
    while (c->p < c->end && *c->p != ' ' && *c->p != '(')
        c->p++;
    if (!endpoint(slice_make(s, (size_t)(c->p - s)), true, &m->dst_if, &m->dst_ip, &m->dst_port))
        return false;
    icmp_type_code(c, m);
    m->reason = SLICE_LIT("no matching connection");
    m->action = "deny";
    if (seek(c, "Original IP payload:")) {
        struct slice oif, oip, oport;
        extra(m, "orig_proto", tok(c), false);
        if (lit(c, "src") && endpoint(tok(c), false, &oif, &oip, &oport)) {
            extra(m, "orig_src_ip", oip, false);
            extra(m, "orig_src_port", oport, true);
        }
        if (lit(c, "dst") && endpoint(tok(c), false, &oif, &oip, &oport)) {
            extra(m, "orig_dst_ip", oip, false);
            extra(m, "orig_dst_port", oport, true);
        }
    }
    return true;
}

/* 710002: PROTO access permitted from A/P to IF:B/SERVICE
 * 710003: PROTO access denied by ACL from A/P to IF:B/SERVICE
 * 710005: PROTO request discarded from A/P to IF:B/SERVICE */
static bool asa_710(struct asa_cur *c, struct asa_msg *m)
{
    m->proto = tok(c);
    struct slice what = upto(c, " from ");
    if (slice_starts(what, "access permitted"))
        m->action = "allow";
    else if (slice_starts(what, "access denied") || slice_starts(what, "request discarded"))
        m->action = "deny";
    else
        return false;
    if (!endpoint(tok(c), false, NULL, &m->src_ip, &m->src_port))
        return false;
    if (!lit(c, "to") || !endpoint(tok(c), true, &m->dst_if, &m->dst_ip, &m->dst_port))
        return false;
    if (!all_digits(m->dst_port)) {
        m->service = m->dst_port;
        m->dst_port = (struct slice){ NULL, 0 };
    }
    return true;
}

/* 'quoted' at the cursor: the text between the quotes; with last, up to the last quote before
 * the end (commands may contain quotes). */
static struct slice quoted(struct asa_cur *c, bool last)
{
    skip_sp(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return (struct slice){ NULL, 0 };
    char q = *c->p++;
    const char *s = c->p, *e = NULL;
    for (const char *p = s; p < c->end; p++)
        if (*p == q) {
            e = p;
            if (!last)
                break;
        }
    if (!e)
        return (struct slice){ NULL, 0 };
    c->p = e + 1;
    return slice_make(s, (size_t)(e - s));
}

/* 111008: User 'U' executed the 'CMD' command.
 * 111009: User 'U' executed cmd: CMD
 * 111010: User 'U', running 'APP' from IP A, executed 'CMD' */
static bool asa_111(struct asa_cur *c, struct asa_msg *m, unsigned id)
{
    if (!lit(c, "User"))
        return false;
    m->username = quoted(c, false);
    if (!m->username.p)
        return false;
    if (id == 111008) {
        if (!lit(c, "executed the"))
            return false;
        struct slice rest = slice_make(c->p, (size_t)(c->end - c->p));
        const char *end = NULL;
        for (size_t i = 0; i + 9 <= rest.len; i++)
            if (!memcmp(rest.p + i, "' command", 9))
                end = rest.p + i;
        skip_sp(c);
        if (!end || c->p >= end || *c->p != '\'')
            return false;
        extra(m, "command", slice_make(c->p + 1, (size_t)(end - c->p - 1)), false);
    } else if (id == 111009) {
        if (!lit(c, "executed cmd:"))
            return false;
        extra(m, "command", trim(slice_make(c->p, (size_t)(c->end - c->p))), false);
    } else {
        if (!lit(c, ",") || !lit(c, "running"))
            return false;
        extra(m, "application", quoted(c, false), false);
        if (lit(c, "from IP"))
            m->src_ip = trim(upto(c, ","));
        if (!lit(c, "executed"))
            return false;
        extra(m, "command", quoted(c, true), false);
    }
    m->action = "execute";
    return true;
}

/* Value after "key" in the AAA messages' "key = value : key = value" or "key = value, ..." list. */
static struct slice aaa_value(struct slice body, const char *key)
{
    const char *f = mm_memmem(body.p, body.len, key);
    if (!f)
        return (struct slice){ NULL, 0 };
    struct asa_cur c = { f + strlen(key), body.p + body.len };
    skip_sp(&c);
    const char *s = c.p;
    while (c.p < c.end && *c.p != ',' && !(*c.p == ' ' && c.p + 1 < c.end && c.p[1] == ':'))
        c.p++;
    return trim(slice_make(s, (size_t)(c.p - s)));
}

/* 113004: AAA user TYPE Successful : server = S : user = U
 * 113005: AAA user TYPE Rejected : reason = R : server = S : user = U : user IP = A
 * 113012: AAA user authentication Successful : local database : user = U
 * 113015: AAA user authentication Rejected : reason = R : local database : user = U : user IP = A
 */
static bool asa_113_aaa(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "AAA user"))
        return false;
    struct slice type = tok(c);
    struct slice verdict = tok(c);
    struct slice body = slice_make(c->p, (size_t)(c->end - c->p));
    if (slice_starts(verdict, "Successful"))
        m->outcome = "success";
    else if (slice_starts(verdict, "Rejected"))
        m->outcome = "failure";
    else
        return false;
    extra(m, "aaa_type", type, false);
    m->reason = aaa_value(body, "reason =");
    struct slice server = aaa_value(body, "server =");
    if (!server.len && mm_memmem(body.p, body.len, "local database"))
        server = SLICE_LIT("LOCAL");
    extra(m, "aaa_server", server, false);
    m->username = aaa_value(body, "user =");
    if (!m->username.len)
        m->username = aaa_value(body, "User =");
    m->src_ip = aaa_value(body, "user IP =");
    return true;
}

/* 113019: Group = G, Username = U, IP = A, Session disconnected. Session Type: T, Duration: D,
 * Bytes xmt: N, Bytes rcv: N, Reason: R */
static bool asa_113019(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Group ="))
        return false;
    extra(m, "group", trim(upto(c, ",")), false);
    if (!lit(c, "Username ="))
        return false;
    m->username = trim(upto(c, ","));
    if (lit(c, "IP ="))
        m->src_ip = trim(upto(c, ","));
    if (seek(c, "Session Type:"))
        extra(m, "session_type", trim(upto(c, ",")), false);
    if (lit(c, "Duration:"))
        m->duration = duration_seconds(trim(upto(c, ",")));
    if (lit(c, "Bytes xmt:"))
        extra(m, "bytes_sent", trim(upto(c, ",")), true);
    if (lit(c, "Bytes rcv:"))
        extra(m, "bytes_received", trim(upto(c, ",")), true);
    if (lit(c, "Reason:"))
        m->reason = trim(slice_make(c->p, (size_t)(c->end - c->p)));
    m->action = "disconnected";
    return true;
}

/* 605004/605005: Login {denied|permitted} from A/P to IF:B/SERVICE for user "U"
 * (or "from serial to console") */
static bool asa_605(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "Login"))
        return false;
    struct slice verdict = tok(c);
    if (slice_eq(verdict, "denied"))
        m->outcome = "failure";
    else if (slice_eq(verdict, "permitted"))
        m->outcome = "success";
    else
        return false;
    if (!lit(c, "from"))
        return false;
    struct slice from = tok(c);
    if (!lit(c, "to"))
        return false;
    struct slice to = tok(c);
    if (slice_eq(from, "serial")) {
        m->service = to;
    } else {
        if (!endpoint(from, false, NULL, &m->src_ip, &m->src_port) ||
            !endpoint(to, true, &m->dst_if, &m->dst_ip, &m->service))
            return false;
    }
    if (!lit(c, "for user"))
        return false;
    m->username = quoted(c, true);
    m->action = "login";
    return true;
}

/* 611101: User authentication succeeded: [IP address: A,] Uname: U
 * 611102: User authentication failed: [IP address: A,] Uname: U
 * 611103: User logged out: Uname: U */
static bool asa_611(struct asa_cur *c, struct asa_msg *m, unsigned id)
{
    if (!lit(c, "User"))
        return false;
    if (id == 611103) {
        if (!lit(c, "logged out:"))
            return false;
        m->action = "logout";
    } else {
        if (!lit(c, "authentication"))
            return false;
        m->action = "login";
        m->outcome = id == 611101 ? "success" : "failure";
    }
    struct slice body = slice_make(c->p, (size_t)(c->end - c->p));
    const char *ip = mm_memmem(body.p, body.len, "IP address:");
    if (!ip)
        ip = mm_memmem(body.p, body.len, "IP,");
    if (ip) {
        struct asa_cur ic = { ip + (ip[2] == ',' ? 3 : 11), c->end };
        m->src_ip = tok(&ic);
        while (m->src_ip.len &&
               (m->src_ip.p[m->src_ip.len - 1] == ',' || m->src_ip.p[m->src_ip.len - 1] == ':'))
            m->src_ip.len--;
    }
    if (!seek(c, "Uname:"))
        return false;
    m->username = trim(slice_make(c->p, (size_t)(c->end - c->p)));
    return true;
}

/* "<value>" of the AnyConnect/WebVPN messages */
static struct slice angle(struct asa_cur *c)
{
    skip_sp(c);
    if (c->p >= c->end || *c->p != '<')
        return (struct slice){ NULL, 0 };
    c->p++;
    return upto(c, ">");
}

/* 722022/722023: Group <G> User <U> IP <A> {TCP|UDP} SVC connection {established|terminated} ...
 * 722051: Group <G> User <U> IP <A> IPv4 Address <B> IPv6 address <C> assigned to session
 * 716001/716002: Group <G> User <U> IP <A> WebVPN session {started.|terminated: R.} */
static bool asa_vpn_session(struct asa_cur *c, struct asa_msg *m, unsigned id)
{
    if (!lit(c, "Group"))
        return false;
    extra(m, "group", angle(c), false);
    if (!lit(c, "User"))
        return false;
    m->username = angle(c);
    if (!lit(c, "IP"))
        return false;
    m->src_ip = angle(c);
    switch (id) {
    case 722022:
    case 722023:
        m->proto = tok(c);
        extra(m, "session_type", tok(c), false);
        m->action = id == 722022 ? "connected" : "disconnected";
        break;
    case 722051:
        if (lit(c, "IPv4 Address"))
            extra(m, "assigned_ip", angle(c), false);
        if (lit(c, "IPv6 address")) {
            struct slice v6 = angle(c);
            if (!slice_eq(v6, "::"))
                extra(m, "assigned_ipv6", v6, false);
        }
        m->action = "assigned";
        break;
    case 716001:
        m->action = "connected";
        extra(m, "session_type", SLICE_LIT("WebVPN"), false);
        break;
    default: /* 716002 */
        m->action = "disconnected";
        extra(m, "session_type", SLICE_LIT("WebVPN"), false);
        if (seek(c, "terminated:"))
            m->reason = trim(slice_make(c->p, (size_t)(c->end - c->p)));
        break;
    }
    return m->username.p != NULL;
}

/* 733100: [ OBJECT] drop RATE exceeded. Current burst rate is N per second, max configured rate
 * is M; Current average rate is N per second, max configured rate is M; Cumulative total count
 * is T */
static bool asa_733100(struct asa_cur *c, struct asa_msg *m)
{
    skip_sp(c);
    if (c->p >= c->end || *c->p != '[')
        return false;
    c->p++;
    extra(m, "threat_object", trim(upto(c, "]")), false);
    if (!lit(c, "drop"))
        return false;
    extra(m, "drop_rate_id", tok(c), false);
    if (seek(c, "Current burst rate is"))
        extra(m, "burst_rate", tok(c), true);
    if (seek(c, "max configured rate is"))
        extra(m, "burst_rate_max", trim(upto(c, ";")), true);
    if (seek(c, "Current average rate is"))
        extra(m, "average_rate", tok(c), true);
    if (seek(c, "max configured rate is"))
        extra(m, "average_rate_max", trim(upto(c, ";")), true);
    if (seek(c, "Cumulative total count is"))
        extra(m, "total_count", trim(tok(c)), true);
    m->action = "drop";
    return true;
}

/* 4000nn: IPS:SIGID NAME from A to B on interface IF */
static bool asa_ips(struct asa_cur *c, struct asa_msg *m)
{
    if (!lit(c, "IPS:"))
        return false;
    struct slice sig = tok(c);
    struct slice name = upto(c, " from ");
    m->src_ip = tok(c);
    if (!lit(c, "to"))
        return false;
    m->dst_ip = tok(c);
    if (lit(c, "on interface"))
        m->src_if = tok(c);
    extra(m, "signature_id", sig, true);
    extra(m, "Signature", trim(name), false);
    return m->src_ip.len && m->dst_ip.len;
}

static bool asa_dispatch(unsigned id, struct asa_cur *c, struct asa_msg *m)
{
    switch (id) {
    case 106001:
        return asa_106001(c, m);
    case 106006:
    case 106007:
        return asa_106006(c, m);
    case 106014:
        return asa_106014(c, m);
    case 106015:
        return asa_106015(c, m);
    case 106023:
        return asa_106023(c, m);
    case 106100:
        return asa_106100(c, m);
    case 111008:
    case 111009:
    case 111010:
        return asa_111(c, m, id);
    case 113004:
    case 113005:
    case 113012:
    case 113015:
        return asa_113_aaa(c, m);
    case 113019:
        return asa_113019(c, m);
    case 302013:
    case 302015:
        return asa_built(c, m);
    case 302014:
    case 302016:
        return asa_teardown(c, m);
    case 305011:
    case 305012:
        return asa_nat(c, m);
    case 313001:
    case 313004:
        return asa_313001(c, m);
    case 313005:
        return asa_313005(c, m);
    case 605004:
    case 605005:
        return asa_605(c, m);
    case 611101:
    case 611102:
    case 611103:
        return asa_611(c, m, id);
    case 710002:
    case 710003:
    case 710005:
        return asa_710(c, m);
    case 716001:
    case 716002:
    case 722022:
    case 722023:
    case 722051:
        return asa_vpn_session(c, m, id);
    case 733100:
        return asa_733100(c, m);
    default:
        break;
    }
    if (id >= 400000 && id <= 400099)
        return asa_ips(c, m);
    return false;
}

/* ---- parser ---------------------------------------------------------------------------------- */

/* Where the "%ASA-" (or FTD, FWSM, PIX) mark starts in the body, or NULL. */
static const char *find_mark(const char *msg, size_t len)
{
    size_t window = len < ASA_MARK_WINDOW ? len : ASA_MARK_WINDOW;
    /* cppcheck-suppress knownConditionTrueFalse ; false positive: window is len capped at 128 */
    for (size_t i = 0; i < window; i++) {
        if (msg[i] != '%')
            continue;
        for (size_t k = 0; k < MM_ARRAY_LEN(asa_marks); k++)
            if (mm_bytes_starts(msg + i, len - i, asa_marks[k]))
                return msg + i;
    }
    return NULL;
}

static bool asa_probe(const char *msg, size_t len)
{
    return find_mark(msg, len) != NULL;
}

static void add_str(struct event *ev, const char *name, struct slice v)
{
    if (v.len)
        event_add_slice(ev, name, v);
}

static void add_num(struct event *ev, const char *name, struct slice v)
{
    if (v.len)
        event_add_num(ev, name, v.p, v.len);
}

static void asa_emit(struct event *ev, const struct asa_msg *m)
{
    if (m->action)
        event_add_cstr(ev, "action", m->action);
    if (m->outcome)
        event_add_cstr(ev, "outcome", m->outcome);
    if (m->direction)
        event_add_cstr(ev, "direction", m->direction);
    if (m->proto.len)
        parse_add_lower(ev, "proto", m->proto);
    add_str(ev, "src_interface", m->src_if);
    add_str(ev, "src_ip", m->src_ip);
    add_num(ev, "src_port", m->src_port);
    add_str(ev, "src_mapped_ip", m->src_map_ip);
    add_num(ev, "src_mapped_port", m->src_map_port);
    add_str(ev, "dst_interface", m->dst_if);
    add_str(ev, "dst_ip", m->dst_ip);
    add_num(ev, "dst_port", m->dst_port);
    add_str(ev, "dst_mapped_ip", m->dst_map_ip);
    add_num(ev, "dst_mapped_port", m->dst_map_port);
    add_str(ev, "service", m->service);
    add_num(ev, "icmp_type", m->icmp_type);
    add_num(ev, "icmp_code", m->icmp_code);
    add_str(ev, "tcp_flags", m->tcp_flags);
    add_num(ev, "connection_id", m->conn_id);
    add_num(ev, "bytes", m->bytes);
    if (m->duration >= 0)
        event_add_int(ev, "duration", m->duration);
    add_str(ev, "rule", m->rule);
    add_str(ev, "username", m->username);
    add_str(ev, "reason", m->reason);
    for (unsigned i = 0; i < m->nextra; i++) {
        if (m->extra[i].num)
            add_num(ev, m->extra[i].name, m->extra[i].value);
        else
            add_str(ev, m->extra[i].name, m->extra[i].value);
    }
}

static enum mm_status asa_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    const char *msg = ev->message.p;
    size_t len = ev->message.len;
    const char *mark = find_mark(msg, len);
    if (!mark)
        return MM_NO_MATCH;
    /* "%ASA-6-302013:" or "%ASA-vpnc-6-611101:" */
    const char *p = memchr(mark, '-', (size_t)(msg + len - mark));
    const char *end = msg + len;
    if (!p)
        return MM_NO_MATCH;
    p++;
    if (p < end && !mm_is_digit(*p)) { /* message class */
        while (p < end && *p != '-' && *p != ':' && *p != ' ')
            p++;
        if (p >= end || *p != '-')
            return MM_NO_MATCH;
        p++;
    }
    if (p + 2 >= end || !mm_is_digit(p[0]) || p[1] != '-')
        return MM_NO_MATCH;
    struct slice sev = slice_make(p, 1);
    p += 2;
    const char *ids = p;
    while (p < end && mm_is_digit(*p))
        p++;
    uint64_t id;
    if (p - ids < 6 || mm_parse_u64(ids, (size_t)(p - ids), 999999, &id) != MM_OK)
        return MM_NO_MATCH;
    struct slice idslice = slice_make(ids, (size_t)(p - ids));
    if (p < end && *p == ':')
        p++;

    event_add_num(ev, "asa_message_id", idslice.p, idslice.len);
    event_add_num(ev, "asa_severity", sev.p, sev.len);
    struct asa_msg m = { .duration = -1 };
    struct asa_cur c = { p, end };
    if (asa_dispatch((unsigned)id, &c, &m))
        asa_emit(ev, &m);
    event_set_logsource(ev, "cisco", "firewall", "asa");
    return MM_OK;
}

const struct parser parser_cisco_asa = {
    .name = "cisco_asa",
    .summary = "Cisco ASA / FTD syslog (%ASA-sev-id): connections, ACLs, NAT, AAA, VPN, commands",
    .probe = asa_probe,
    .parse = asa_parse,
    .probe_priority = 100,
};
