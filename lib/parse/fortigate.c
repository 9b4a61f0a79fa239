/* SPDX-License-Identifier: Apache-2.0 */
/* fortigate.c: FortiGate (FortiOS) key=value logs: traffic, UTM (virus, webfilter, ips, app-ctrl,
 * dns, ...) and event (system, user, vpn, configuration changes). Every pair becomes a field under
 * its FortiOS name, so the SigmaHQ FortiGate rules (action, cfgpath) run unchanged; the Sigma
 * network names src_ip/dst_ip/src_port/dst_port are added beside srcip/dstip/srcport/dstport. */
#include "base/prelude.h"
#include "base/str.h"
#include "base/mtime.h"
#include "parser.h"

/* Names the JSON output already uses for the event's own members: a FortiOS key with one of
 * these names (IPS and anomaly logs carry severity=) is emitted as "fgt_<name>". */
static const char *const fgt_reserved[] = {
    "facility",     "fields_dropped", "host",   "listener",  "logsource", "message",
    "msgid",        "parser",         "peer",   "pid",       "program",   "raw",
    "receive_time", "severity",       "syslog", "truncated",
};

/* FortiOS log types, as static strings for the log source. */
static const char *const fgt_types[] = {
    "traffic",     "event",       "utm",      "anomaly", "virus", "webfilter", "ips",
    "emailfilter", "dlp",         "app-ctrl", "dns",     "voip",  "waf",       "ssh",
    "ssl",         "file-filter", "icap",     "gtp",     "cifs",
};

struct fgt_state {
    struct event *ev;
    struct slice date, time, tz, eventtime, type;
};

static bool fgt_probe(const char *msg, size_t len)
{
    if (mm_bytes_starts(msg, len, "date="))
        return true;
    return mm_memmem(msg, len, " logid=") && mm_memmem(msg, len, "devname=");
}

static bool is_reserved(struct slice key)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(fgt_reserved); i++)
        if (slice_eq(key, fgt_reserved[i]))
            return true;
    return false;
}

static bool valid_key(struct slice key)
{
    if (!key.len || key.len > 64)
        return false;
    for (size_t i = 0; i < key.len; i++) {
        char ch = key.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || mm_is_digit(ch) ||
              ch == '_' || ch == '-' || ch == '.'))
            return false;
    }
    return true;
}

/* A quoted value with backslash escapes, unescaped into the arena. */
static struct slice unescape(struct event *ev, struct slice v)
{
    if (!memchr(v.p, '\\', v.len))
        return v;
    char *out = event_strdup(ev, v.p, v.len);
    if (!out)
        return v;
    size_t n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.p[i] == '\\' && i + 1 < v.len)
            i++;
        out[n++] = v.p[i];
    }
    return slice_make(out, n);
}

static void fgt_pair(void *arg, struct slice key, struct slice value, bool quoted)
{
    struct fgt_state *st = arg;
    struct event *ev = st->ev;
    if (!valid_key(key))
        return;
    if (quoted)
        value = unescape(ev, value);
    enum field_type type =
        quoted ? FIELD_STR : FIELD_INT; /* FIELD_INT falls back when not canonical */
    if (is_reserved(key)) {
        char name[80];
        memcpy(name, "fgt_", 4);
        memcpy(name + 4, key.p, key.len);
        event_add_dynamic(ev, name, key.len + 4, value.p, value.len, type, false);
    } else {
        event_add_dynamic(ev, key.p, key.len, value.p, value.len, type, false);
    }

    if (slice_eq(key, "date"))
        st->date = value;
    else if (slice_eq(key, "time"))
        st->time = value;
    else if (slice_eq(key, "tz"))
        st->tz = value;
    else if (slice_eq(key, "eventtime"))
        st->eventtime = value;
    else if (slice_eq(key, "type"))
        st->type = value;
    else if (slice_eq(key, "srcip"))
        event_add(ev, "src_ip", value.p, value.len);
    else if (slice_eq(key, "dstip"))
        event_add(ev, "dst_ip", value.p, value.len);
    else if (slice_eq(key, "srcport"))
        event_add_num(ev, "src_port", value.p, value.len);
    else if (slice_eq(key, "dstport"))
        event_add_num(ev, "dst_port", value.p, value.len);
}

/* n digits at p, or -1 */
static int digits(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!mm_is_digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* "+0900", "-05:00" -> seconds east of UTC */
static bool parse_offset(struct slice tz, int32_t *out)
{
    if (tz.len != 5 && tz.len != 6)
        return false;
    if (tz.p[0] != '+' && tz.p[0] != '-')
        return false;
    int h = digits(tz.p + 1, 2);
    int m = digits(tz.p + (tz.len == 6 ? 4 : 3), 2);
    if (h < 0 || m < 0 || h > 14 || m > 59 || (tz.len == 6 && tz.p[3] != ':'))
        return false;
    *out = (tz.p[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return true;
}

/* eventtime is seconds, milliseconds, microseconds or nanoseconds since the epoch depending on
 * the FortiOS release: tell them apart by magnitude. */
static bool eventtime_ns(struct slice v, int64_t *ns)
{
    uint64_t n;
    if (mm_parse_u64(v.p, v.len, UINT64_MAX, &n) != MM_OK || n == 0)
        return false;
    uint64_t mult = n >= 100000000000000000ULL ? 1       /* >= 1e17: ns */
                    : n >= 100000000000000ULL  ? 1000    /* >= 1e14: us */
                    : n >= 100000000000ULL     ? 1000000 /* >= 1e11: ms */
                                               : (uint64_t)MM_NS_PER_SEC;
    if (n > (uint64_t)INT64_MAX / mult)
        return false;
    *ns = (int64_t)(n * mult);
    return true;
}

static bool date_time_ns(const struct fgt_state *st, const struct parse_context *ctx, int64_t *ns,
                         bool *has_zone)
{
    if (st->date.len != 10 || st->time.len < 8 || st->date.p[4] != '-' || st->date.p[7] != '-' ||
        st->time.p[2] != ':' || st->time.p[5] != ':')
        return false;
    int y = digits(st->date.p, 4), mon = digits(st->date.p + 5, 2), d = digits(st->date.p + 8, 2);
    int h = digits(st->time.p, 2), mi = digits(st->time.p + 3, 2), s = digits(st->time.p + 6, 2);
    if (y < 0 || mon < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || !mm_date_valid(y, mon, d) ||
        h > 23 || mi > 59 || s > 60)
        return false;
    int32_t off;
    *has_zone = parse_offset(st->tz, &off);
    if (!*has_zone)
        off = mm_tz_offset_at(&ctx->tz, y, mon, d, h, mi, s);
    /* int64 nanoseconds reach only 1678-2262; a device date outside that is not a time */
    return !__builtin_mul_overflow(mm_utc_seconds(y, mon, d, h, mi, s) - off, MM_NS_PER_SEC, ns);
}

static enum mm_status fgt_parse(struct event *ev, const struct parse_context *ctx)
{
    const char *msg = ev->message.p;
    size_t len = ev->message.len;
    if (!fgt_probe(msg, len))
        return MM_NO_MATCH;
    struct fgt_state st = { .ev = ev };
    if (kv_split(msg, len, ' ', fgt_pair, &st) < 2)
        return MM_NO_MATCH;

    int64_t ns;
    bool has_zone = true;
    if (st.eventtime.len && eventtime_ns(st.eventtime, &ns)) {
        ev->time_ns = ns;
        ev->time_has_year = true;
        ev->time_has_zone = true;
    } else if (date_time_ns(&st, ctx, &ns, &has_zone)) {
        ev->time_ns = ns;
        ev->time_has_year = true;
        ev->time_has_zone = has_zone;
    }

    const char *service = NULL;
    for (size_t i = 0; i < MM_ARRAY_LEN(fgt_types); i++)
        if (slice_eq(st.type, fgt_types[i]))
            service = fgt_types[i];
    event_set_logsource(ev, "fortigate", service && !strcmp(service, "traffic") ? "firewall" : NULL,
                        service);
    return MM_OK;
}

const struct parser parser_fortigate = {
    .name = "fortigate",
    .summary = "FortiGate key=value logs (traffic, utm, event incl. configuration changes)",
    .probe = fgt_probe,
    .parse = fgt_parse,
    .probe_priority = 100,
};
