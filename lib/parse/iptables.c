/* SPDX-License-Identifier: Apache-2.0 */
/* iptables.c: Linux netfilter packet logs as the kernel writes them for iptables' LOG target and
 * nftables' log statement ("[UFW BLOCK] IN=eth0 OUT= MAC=... SRC=... PROTO=TCP SPT=... DPT=..."),
 * including firewalld's "filter_IN_public_REJECT: " prefixes. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

#define IPT_MAX_TOKENS 128 /* a LOG line has about 30 tokens; bounds the scan on hostile input */

static const char *const iptables_programs[] = { "kernel", NULL };

/* Offset of "IN=" at the start of the body or after a space, or len when absent. */
static size_t find_in_key(const char *msg, size_t len)
{
    if (len >= 3 && !memcmp(msg, "IN=", 3))
        return 0;
    const char *p = mm_memmem(msg, len, " IN=");
    return p ? (size_t)(p - msg) + 1 : len;
}

static bool iptables_probe(const char *msg, size_t len)
{
    size_t in = find_in_key(msg, len);
    return in < len && mm_memmem(msg + in, len - in, " OUT=") != NULL;
}

static bool word_in(struct slice s, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= s.len; i++)
        if (mm_bytes_eq_nocase(s.p + i, n, word))
            return true;
    return false;
}

static const char *action_from_prefix(struct slice rule)
{
    static const char *const deny[] = { "BLOCK", "DROP", "REJECT", "DENY" };
    for (size_t i = 0; i < MM_ARRAY_LEN(deny); i++)
        if (word_in(rule, deny[i]))
            return "deny";
    if (word_in(rule, "ACCEPT") || word_in(rule, "ALLOW"))
        return "allow";
    return NULL;
}

/* firewalld's prefixes (firewall/core/nftables.py, ipXtables.py): "[filter_]CHAIN_zone_ACTION",
 * e.g. filter_IN_public_REJECT (nftables backend), IN_public_DROP (iptables backend),
 * IN_public_ICMP_BLOCK, filter_FWDI_internal_DROP (older releases). Returns the zone or an empty
 * slice. */
static struct slice firewalld_zone(struct slice rule)
{
    static const char *const tables[] = { "filter_", "nat_", "mangle_", "raw_", "security_" };
    static const char *const chains[] = { "IN_", "OUT_", "FWD_", "FWDI_", "FWDO_" };
    struct slice none = { NULL, 0 };
    struct slice s = rule;
    for (size_t i = 0; i < MM_ARRAY_LEN(tables); i++)
        if (slice_starts(s, tables[i])) {
            s = slice_make(s.p + strlen(tables[i]), s.len - strlen(tables[i]));
            break;
        }
    bool chain = false;
    for (size_t i = 0; i < MM_ARRAY_LEN(chains) && !chain; i++)
        if (slice_starts(s, chains[i])) {
            s = slice_make(s.p + strlen(chains[i]), s.len - strlen(chains[i]));
            chain = true;
        }
    if (!chain)
        return none;
    static const char icmp_block[] = "_ICMP_BLOCK"; /* "IN_public_ICMP_BLOCK" */
    size_t ib = sizeof icmp_block - 1;
    if (s.len > ib && !memcmp(s.p + s.len - ib, icmp_block, ib))
        return slice_make(s.p, s.len - ib);
    size_t us = s.len;
    while (us > 0 && s.p[us - 1] != '_')
        us--;
    if (us < 2)
        return none;
    for (size_t i = us; i < s.len; i++)
        if (s.p[i] < 'A' || s.p[i] > 'Z')
            return none;
    if (us == s.len)
        return none;
    return slice_make(s.p, us - 1);
}

/* The log prefix without the kernel's "[12345.678]" uptime stamp, quotes, brackets, spaces and a
 * trailing colon. */
static struct slice clean_prefix(const char *p, size_t len)
{
    size_t s = 0, e = len;
    if (e > 0 && p[0] == '[') {
        size_t i = 1;
        while (i < e && (mm_is_digit(p[i]) || p[i] == '.' || p[i] == ' '))
            i++;
        if (i < e && p[i] == ']' && i > 1)
            s = i + 1;
    }
    for (int round = 0; round < 3; round++) {
        while (s < e && (mm_is_space(p[s]) || p[s] == '"' || p[s] == '['))
            s++;
        while (e > s &&
               (mm_is_space(p[e - 1]) || p[e - 1] == '"' || p[e - 1] == ':' || p[e - 1] == ']'))
            e--;
    }
    return slice_make(p + s, e - s);
}

static bool is_tcp_flag(struct slice w)
{
    static const char *const flags[] = { "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN" };
    for (size_t i = 0; i < MM_ARRAY_LEN(flags); i++)
        if (slice_eq(w, flags[i]))
            return true;
    return false;
}

/* Values of the keys we keep; the kernel prints each at most once per header, and the ICMP error
 * payload in brackets is not scanned. */
struct ipt_packet {
    struct slice in, out, physin, physout, mac, src, dst, len, ttl, proto, spt, dpt;
    struct slice icmp_type, icmp_code, tcp_flags, uid, gid, mark;
};

static void take(struct ipt_packet *pk, struct slice key, struct slice val)
{
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
        { "IN", offsetof(struct ipt_packet, in) },
        { "OUT", offsetof(struct ipt_packet, out) },
        { "PHYSIN", offsetof(struct ipt_packet, physin) },
        { "PHYSOUT", offsetof(struct ipt_packet, physout) },
        { "MAC", offsetof(struct ipt_packet, mac) },
        { "SRC", offsetof(struct ipt_packet, src) },
        { "DST", offsetof(struct ipt_packet, dst) },
        { "LEN", offsetof(struct ipt_packet, len) },
        { "TTL", offsetof(struct ipt_packet, ttl) },
        { "HOPLIMIT", offsetof(struct ipt_packet, ttl) },
        { "PROTO", offsetof(struct ipt_packet, proto) },
        { "SPT", offsetof(struct ipt_packet, spt) },
        { "DPT", offsetof(struct ipt_packet, dpt) },
        { "TYPE", offsetof(struct ipt_packet, icmp_type) },
        { "CODE", offsetof(struct ipt_packet, icmp_code) },
        { "UID", offsetof(struct ipt_packet, uid) },
        { "GID", offsetof(struct ipt_packet, gid) },
        { "MARK", offsetof(struct ipt_packet, mark) },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(keys); i++) {
        if (!slice_eq(key, keys[i].key))
            continue;
        struct slice *dst = (struct slice *)(void *)((char *)pk + keys[i].off);
        if (!dst->p) /* the first LEN (IP total length) wins over the UDP length */
            *dst = val;
        return;
    }
}

static enum mm_status iptables_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    const char *msg = ev->message.p;
    size_t len = ev->message.len;
    size_t in = find_in_key(msg, len);
    if (in >= len || !mm_memmem(msg + in, len - in, " OUT="))
        return MM_NO_MATCH;

    struct ipt_packet pk = { 0 };
    const char *flags_start = NULL, *flags_end = NULL;
    const char *p = msg + in, *end = msg + len;
    for (unsigned n = 0; p < end && n < IPT_MAX_TOKENS; n++) {
        if (*p == '[') /* ICMP error: the offending packet's header follows; not ours */
            break;
        struct slice tok = token_next(&p, end);
        if (!tok.len)
            break;
        const char *eq = memchr(tok.p, '=', tok.len);
        if (eq) {
            struct slice key = slice_make(tok.p, (size_t)(eq - tok.p));
            take(&pk, key, slice_make(eq + 1, tok.len - key.len - 1));
        } else if (is_tcp_flag(tok)) {
            if (!flags_start)
                flags_start = tok.p;
            flags_end = tok.p + tok.len;
        }
    }
    if (flags_start)
        pk.tcp_flags = slice_make(flags_start, (size_t)(flags_end - flags_start));

    struct slice rule = clean_prefix(msg, in);
    if (rule.len) {
        event_add_slice(ev, "rule", rule);
        const char *action = action_from_prefix(rule);
        if (action)
            event_add_cstr(ev, "action", action);
        struct slice zone = firewalld_zone(rule);
        if (zone.len)
            event_add_slice(ev, "zone", zone);
    }
    const char *direction = NULL;
    if (pk.in.len && pk.out.len)
        direction = "forward";
    else if (pk.in.len)
        direction = "inbound";
    else if (pk.out.len)
        direction = "outbound";
    if (direction)
        event_add_cstr(ev, "direction", direction);
    if (pk.in.len)
        event_add_slice(ev, "in_interface", pk.in);
    if (pk.out.len)
        event_add_slice(ev, "out_interface", pk.out);
    if (pk.physin.len)
        event_add_slice(ev, "physin", pk.physin);
    if (pk.physout.len)
        event_add_slice(ev, "physout", pk.physout);
    if (pk.mac.len)
        event_add_slice(ev, "mac", pk.mac);
    if (pk.src.len)
        event_add_slice(ev, "src_ip", pk.src);
    if (pk.dst.len)
        event_add_slice(ev, "dst_ip", pk.dst);
    if (pk.proto.len)
        parse_add_lower(ev, "proto", pk.proto);
    if (pk.spt.len)
        event_add_num(ev, "src_port", pk.spt.p, pk.spt.len);
    if (pk.dpt.len)
        event_add_num(ev, "dst_port", pk.dpt.p, pk.dpt.len);
    if (pk.len.len)
        event_add_num(ev, "length", pk.len.p, pk.len.len);
    if (pk.ttl.len)
        event_add_num(ev, "ttl", pk.ttl.p, pk.ttl.len);
    if (pk.tcp_flags.len)
        event_add_slice(ev, "tcp_flags", pk.tcp_flags);
    if (pk.icmp_type.len)
        event_add_num(ev, "icmp_type", pk.icmp_type.p, pk.icmp_type.len);
    if (pk.icmp_code.len)
        event_add_num(ev, "icmp_code", pk.icmp_code.p, pk.icmp_code.len);
    if (pk.uid.len)
        event_add_num(ev, "uid", pk.uid.p, pk.uid.len);
    if (pk.gid.len)
        event_add_num(ev, "gid", pk.gid.p, pk.gid.len);
    if (pk.mark.len)
        event_add_slice(ev, "mark", pk.mark);
    event_set_logsource(ev, "linux", "firewall", "iptables");
    return MM_OK;
}

const struct parser parser_iptables = {
    .name = "iptables",
    .summary = "Linux netfilter packet logs (iptables LOG, nftables log, ufw, firewalld)",
    .programs = iptables_programs,
    .probe = iptables_probe,
    .parse = iptables_parse,
    .probe_priority = 300,
};
