/* SPDX-License-Identifier: Apache-2.0 */
/* detectors.c: the built-in stateful detectors (beaconing, outbound volume, directory operations
 * outside business hours, antivirus detection then outbound): their parameters, the stateless
 * extractor the worker threads run, and the state the detection thread keeps. The algorithms,
 * parameters and limits are specified in docs/DETECTORS.md. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "event/json.h"
#include "detectors.h"

#include <arpa/inet.h>

enum { DET_BEACON, DET_VOLUME, DET_DIRECTORY, DET_AV, DET_COUNT };
static const char *const detector_names[DET_COUNT] = { "beaconing", "outbound_volume",
                                                       "directory_offhours", "av_then_outbound" };

/* ---- small helpers ---- */

/* Copy v into dst (cap bytes with the NUL), cut at a UTF-8 character boundary, lowered on demand.
 */
static void copy_text(char *dst, size_t cap, const char *p, size_t len, bool lower)
{
    if (len >= cap) {
        len = cap - 1;
        while (len > 0 && ((unsigned char)p[len] & 0xc0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++)
        dst[i] = lower ? mm_lower(p[i]) : p[i];
    dst[len] = '\0';
}

static void copy_slice(char *dst, size_t cap, struct slice v, bool lower)
{
    copy_text(dst, cap, v.p, v.len, lower);
}

/* An address literal into bytes; IPv4-mapped IPv6 becomes IPv4. */
static bool ip_parse(const char *p, size_t len, struct detect_ip *out)
{
    char tmp[64];
    memset(out, 0, sizeof *out);
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, p, len);
    tmp[len] = '\0';
    if (inet_pton(AF_INET, tmp, out->addr) == 1) {
        out->family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, tmp, out->addr) != 1) {
        memset(out, 0, sizeof *out);
        return false;
    }
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (!memcmp(out->addr, mapped, sizeof mapped)) {
        memmove(out->addr, out->addr + 12, 4);
        memset(out->addr + 4, 0, 12);
        out->family = 4;
    } else {
        out->family = 6;
    }
    return true;
}

static void ip_format(const struct detect_ip *ip, char *out, size_t outlen)
{
    out[0] = '\0';
    if (ip->family == 4)
        inet_ntop(AF_INET, ip->addr, out, (socklen_t)outlen);
    else if (ip->family == 6)
        inet_ntop(AF_INET6, ip->addr, out, (socklen_t)outlen);
}

static bool cidr_has(const struct net_cidr *c, const struct detect_ip *ip)
{
    if (c->family != ip->family)
        return false;
    int bits = c->bits;
    for (int i = 0; bits > 0; i++, bits -= 8) {
        uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
        if ((ip->addr[i] & mask) != (c->net[i] & mask))
            return false;
    }
    return true;
}

static bool in_networks(const struct net_cidr *nets, size_t n, const struct detect_ip *ip)
{
    for (size_t i = 0; ip->family && i < n; i++)
        if (cidr_has(&nets[i], ip))
            return true;
    return false;
}

static bool str_eq_nocase(const char *a, const char *b)
{
    return mm_bytes_eq_nocase(a, strlen(a), b);
}

/* Are the first n bytes of a and b equal, ignoring case? */
static bool prefix_eq_nocase(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (mm_lower(a[i]) != mm_lower(b[i]))
            return false;
    return true;
}

/* Square root by Newton's method (the project links no libm). */
static double dsqrt(double x)
{
    if (!(x > 0))
        return 0;
    double r = x > 1 ? x : 1;
    for (int i = 0; i < 200; i++) {
        double next = 0.5 * (r + x / r);
        if (next >= r)
            break;
        r = next;
    }
    return r;
}

/* ---- configuration ---- */

/* Each comma-separated item of s, trimmed, non-empty; fn returns false to stop with an error. */
typedef bool (*item_fn)(void *arg, const char *item, struct mm_error *err);
static bool each_item(const char *s, item_fn fn, void *arg, struct mm_error *err)
{
    while (s && *s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        const char *b = s, *e = s + len;
        while (b < e && mm_is_space(*b))
            b++;
        while (e > b && mm_is_space(e[-1]))
            e--;
        if (e > b) {
            char item[DETECT_TARGET_MAX];
            if ((size_t)(e - b) >= sizeof item) {
                mm_error_set(err, MM_ERR_INVALID, "list item too long: '%.40s...'", b);
                return false;
            }
            memcpy(item, b, (size_t)(e - b));
            item[e - b] = '\0';
            if (!fn(arg, item, err))
                return false;
        }
        s = comma ? comma + 1 : NULL;
    }
    return true;
}

struct net_list {
    struct net_cidr *nets;
    size_t n;
};

/* "10.0.0.0/8", or a bare address meaning the one host */
static bool add_network(void *arg, const char *item, struct mm_error *err)
{
    struct net_list *l = arg;
    struct net_cidr c;
    if (!net_cidr_parse(item, &c)) {
        struct detect_ip ip;
        if (!ip_parse(item, strlen(item), &ip)) {
            mm_error_set(err, MM_ERR_INVALID, "not a network: '%s'", item);
            return false;
        }
        memset(&c, 0, sizeof c);
        c.family = ip.family;
        c.bits = ip.family == 4 ? 32 : 128;
        memcpy(c.net, ip.addr, sizeof c.net);
    }
    if (l->n >= DETECT_MAX_NETWORKS) {
        mm_error_set(err, MM_ERR_INVALID, "more than %d networks", DETECT_MAX_NETWORKS);
        return false;
    }
    l->nets[l->n++] = c;
    return true;
}

static bool add_allow(void *arg, const char *item, struct mm_error *err)
{
    struct detectors_config *c = arg;
    if (c->nbeacon_allow >= DETECT_MAX_ALLOW) {
        mm_error_set(err, MM_ERR_INVALID, "more than %d allowed destinations", DETECT_MAX_ALLOW);
        return false;
    }
    struct detect_pattern *p = &c->beacon_allow[c->nbeacon_allow];
    memset(p, 0, sizeof *p);
    struct net_list one = { &p->net, 0 };
    if (strchr(item, '/') || strchr(item, ':') ||
        ip_parse(item, strlen(item), &(struct detect_ip){ 0 })) {
        if (!add_network(&one, item, err))
            return false;
        p->is_net = true;
    } else {
        const char *d = item[0] == '*' && item[1] == '.' ? item + 2
                        : item[0] == '.'                 ? item + 1
                                                         : item;
        if (!*d || strlen(d) >= sizeof p->domain) {
            mm_error_set(err, MM_ERR_INVALID, "not a domain: '%s'", item);
            return false;
        }
        copy_text(p->domain, sizeof p->domain, d, strlen(d), true);
    }
    c->nbeacon_allow++;
    return true;
}

static bool add_admin(void *arg, const char *item, struct mm_error *err)
{
    struct detectors_config *c = arg;
    if (c->ndirectory_admins >= DETECT_MAX_ADMINS) {
        mm_error_set(err, MM_ERR_INVALID, "more than %d administrator patterns", DETECT_MAX_ADMINS);
        return false;
    }
    copy_text(c->directory_admins[c->ndirectory_admins++], DETECT_NAME_MAX, item, strlen(item),
              true);
    return true;
}

/* "name=address" */
static bool add_hostmap(void *arg, const char *item, struct mm_error *err)
{
    struct detectors_config *c = arg;
    const char *eq = strchr(item, '=');
    if (!eq || eq == item || (size_t)(eq - item) >= DETECT_NAME_MAX) {
        mm_error_set(err, MM_ERR_INVALID, "not name=address: '%s'", item);
        return false;
    }
    if (c->nav_hosts >= DETECT_MAX_HOSTMAP) {
        mm_error_set(err, MM_ERR_INVALID, "more than %d host names", DETECT_MAX_HOSTMAP);
        return false;
    }
    struct detect_host_map *m = &c->av_hosts[c->nav_hosts];
    if (!ip_parse(eq + 1, strlen(eq + 1), &m->ip)) {
        mm_error_set(err, MM_ERR_INVALID, "not an address in '%s'", item);
        return false;
    }
    copy_text(m->name, sizeof m->name, item, (size_t)(eq - item), true);
    c->nav_hosts++;
    return true;
}

static bool add_holiday(void *arg, const char *item, struct mm_error *err)
{
    struct detectors_config *c = arg;
    uint64_t y, m, d;
    if (strlen(item) != 10 || item[4] != '-' || item[7] != '-' ||
        mm_parse_u64(item, 4, 9999, &y) != MM_OK || mm_parse_u64(item + 5, 2, 12, &m) != MM_OK ||
        mm_parse_u64(item + 8, 2, 31, &d) != MM_OK || !mm_date_valid((int)y, (int)m, (int)d)) {
        mm_error_set(err, MM_ERR_INVALID, "not a date YYYY-MM-DD: '%s'", item);
        return false;
    }
    if (c->nholidays >= DETECT_MAX_HOLIDAYS) {
        mm_error_set(err, MM_ERR_INVALID, "more than %d holidays", DETECT_MAX_HOLIDAYS);
        return false;
    }
    int32_t day = (int32_t)mm_days_from_civil((int64_t)y, (unsigned)m, (unsigned)d);
    size_t i = c->nholidays++;
    while (i > 0 && c->holidays[i - 1] > day) { /* keep sorted for the binary search */
        c->holidays[i] = c->holidays[i - 1];
        i--;
    }
    c->holidays[i] = day;
    return true;
}

static int day_index(const char *s)
{
    static const char *const names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
    for (int i = 0; i < 7; i++)
        if (str_eq_nocase(s, names[i]))
            return i;
    return -1;
}

/* "mon-fri", "mon,tue,sat", "sat-sun" (a range may wrap past Saturday) */
static bool add_days(void *arg, const char *item, struct mm_error *err)
{
    unsigned *mask = arg;
    char a[8] = "", b[8] = "";
    const char *dash = strchr(item, '-');
    size_t alen = dash ? (size_t)(dash - item) : strlen(item);
    if (alen < sizeof a)
        copy_text(a, sizeof a, item, alen, true);
    if (dash && strlen(dash + 1) < sizeof b)
        copy_text(b, sizeof b, dash + 1, strlen(dash + 1), true);
    int from = day_index(a), to = dash ? day_index(b) : from;
    if (from < 0 || to < 0) {
        mm_error_set(err, MM_ERR_INVALID, "not a day or day range (mon-fri): '%s'", item);
        return false;
    }
    for (int i = from;; i = (i + 1) % 7) {
        *mask |= 1u << i;
        if (i == to)
            break;
    }
    return true;
}

/* "HH:MM" into minutes after midnight; 24:00 allowed as an end */
static bool parse_hhmm(const char *p, size_t len, int *out)
{
    uint64_t h, m;
    if (len != 5 || p[2] != ':' || mm_parse_u64(p, 2, 24, &h) != MM_OK ||
        mm_parse_u64(p + 3, 2, 59, &m) != MM_OK || (h == 24 && m != 0))
        return false;
    *out = (int)(h * 60 + m);
    return true;
}

static enum mm_status set_text(struct detectors_config *c, const char *name, const char *v,
                               struct mm_error *err)
{
    struct detectors_config t = *c;
    bool ok = true;
    if (!strcmp(name, "internal_networks") || !strcmp(name, "detect_exclude_sources")) {
        bool internal = name[0] == 'i';
        struct net_list l = { internal ? t.internal : t.exclude, 0 };
        ok = each_item(v, add_network, &l, err);
        *(internal ? &t.ninternal : &t.nexclude) = l.n;
    } else if (!strcmp(name, "beacon_allow")) {
        t.nbeacon_allow = 0;
        ok = each_item(v, add_allow, &t, err);
    } else if (!strcmp(name, "directory_admins")) {
        t.ndirectory_admins = 0;
        ok = each_item(v, add_admin, &t, err);
    } else if (!strcmp(name, "av_hosts")) {
        t.nav_hosts = 0;
        ok = each_item(v, add_hostmap, &t, err);
    } else if (!strcmp(name, "holidays")) {
        t.nholidays = 0;
        ok = each_item(v, add_holiday, &t, err);
    } else if (!strcmp(name, "business_days")) {
        t.business_days = 0;
        ok = each_item(v, add_days, &t.business_days, err);
    } else if (!strcmp(name, "business_hours")) {
        const char *dash = strchr(v, '-');
        ok = dash && parse_hhmm(v, (size_t)(dash - v), &t.business_start) &&
             parse_hhmm(dash + 1, strlen(dash + 1), &t.business_end) &&
             t.business_start != t.business_end && t.business_start < 24 * 60;
        if (!ok)
            mm_error_set(err, MM_ERR_INVALID, "business_hours: not HH:MM-HH:MM: '%s'", v);
    } else if (!strcmp(name, "business_timezone")) {
        /* Japan keeps one offset all year, so its zone name is accepted as that offset; other
         * zone names are refused rather than guessed (fixed offsets only: no DST rules here). */
        struct mm_tz tz;
        if (str_eq_nocase(v, "Asia/Tokyo") || str_eq_nocase(v, "JST")) {
            t.tz_offset = 9 * 3600;
        } else if (mm_tz_parse(v, &tz) == MM_OK && !tz.local) {
            t.tz_offset = tz.offset_sec;
        } else {
            ok = false;
            mm_error_set(err, MM_ERR_INVALID,
                         "business_timezone: not a fixed offset (+09:00, UTC, Asia/Tokyo): '%s'",
                         v);
        }
    } else {
        return MM_ERR_NOT_FOUND;
    }
    if (!ok)
        return mm_error_wrap(err, MM_ERR_INVALID, "%s", name);
    *c = t;
    return MM_OK;
}

/* clang-format off */
#define P(n, t, d, h) { n, DETECT_PARAM_##t, d, h }
/* clang-format on */
const struct detect_param detectors_params[] = {
    P("beaconing", BOOL, "yes", "run the C&C beaconing detector"),
    P("outbound_volume", BOOL, "yes", "run the outbound volume detector"),
    P("directory_offhours", BOOL, "yes",
      "run the directory operations outside business hours detector"),
    P("av_then_outbound", BOOL, "yes",
      "run the antivirus detection then outbound connection detector"),
    P("internal_networks", TEXT, "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
      "the organisation's own networks (CIDRs or addresses)"),
    P("detect_exclude_sources", TEXT, "",
      "sources whose connections the detectors ignore: proxies, NAT gateways, scanners"),
    P("detect_max_keys", COUNT, "100000", "alert keys remembered for suppression"),
    P("beacon_min_count", COUNT, "12", "contacts of a pair before it can be a beacon"),
    P("beacon_min_span", DURATION, "30m",
      "time between a pair's first and last contact before it can be a beacon"),
    P("beacon_min_interval", DURATION, "5s",
      "contacts closer than this to the previous one are the same contact"),
    P("beacon_max_interval", DURATION, "24h", "longest beacon interval considered"),
    P("beacon_window", COUNT, "32", "contact times kept per pair and scored (3..128)"),
    P("beacon_max_missed", COUNT, "3", "missed beacons in a row still read as one interval"),
    P("beacon_tolerance", RATIO, "0.35",
      "deviation from the median interval, as a fraction of it, still on time"),
    P("beacon_min_score", RATIO, "0.8", "regularity score (0..1) from which a pair alerts"),
    P("beacon_popular_sources", COUNT, "10",
      "a destination contacted by this many internal hosts is no beacon candidate"),
    P("beacon_max_pairs", COUNT, "50000",
      "(source, destination) pairs tracked; least recently seen evicted"),
    P("beacon_max_destinations", COUNT, "100000",
      "destinations whose sources are counted; least recently seen evicted"),
    P("beacon_suppress", DURATION, "6h",
      "no new beaconing alert for the same pair within this time"),
    P("beacon_allow", TEXT, "",
      "destinations never reported: domains (with subdomains) and networks"),
    P("volume_interval", DURATION, "1h", "interval over which outbound bytes are summed per host"),
    P("volume_warmup", COUNT, "48", "intervals of a host's baseline before it can alert"),
    P("volume_alpha", RATIO, "0.02",
      "weight of the newest interval in the moving mean and deviation"),
    P("volume_k", RATIO, "4", "alert above mean + k deviations"),
    P("volume_min_dev", RATIO, "0.5", "the deviation used is at least this fraction of the mean"),
    P("volume_floor", SIZE, "100m", "never alert below this many bytes in an interval"),
    P("volume_max_idle", COUNT, "24",
      "empty intervals at most counted as zero into the baseline after a pause"),
    P("volume_max_hosts", COUNT, "50000", "internal hosts tracked; least recently seen evicted"),
    P("volume_grace", DURATION, "1m",
      "an interval is closed this long after its end (late events)"),
    P("volume_suppress", DURATION, "6h", "no new volume alert for the same host within this time"),
    P("business_hours", TEXT, "08:00-20:00", "working hours, local to business_timezone"),
    P("business_days", TEXT, "mon-fri", "working days"),
    P("holidays", TEXT, "", "non-working dates YYYY-MM-DD"),
    P("business_timezone", TEXT, "+09:00",
      "zone of business_hours: a fixed offset, UTC or Asia/Tokyo"),
    P("directory_admins", TEXT,
      "cn=admin,cn=manager,cn=root,cn=directory manager,uid=admin,gidnumber=0+uidnumber=0",
      "slapd identities that count as administrators: the first RDN of the bind DN, * for any"),
    P("directory_unknown_actor", BOOL, "yes", "report slapd changes whose bind DN is unknown"),
    P("directory_suppress", DURATION, "10m",
      "no new alert for the same operator and server within this time"),
    P("av_window", DURATION, "1h", "outbound connections this long after a detection are reported"),
    P("av_collect", DURATION, "1m",
      "connections are collected this long after the first before alerting"),
    P("av_max_connections", COUNT, "10", "distinct destinations listed in one alert"),
    P("av_max_hosts", COUNT, "10000", "hosts with a recent detection tracked"),
    P("av_suppress", DURATION, "1h", "no new alert for the same host within this time"),
    P("av_hosts", TEXT, "", "host names of antivirus events mapped to addresses: name=address,..."),
};
#undef P
const size_t detectors_nparams = MM_ARRAY_LEN(detectors_params);

/* Where each non-text parameter lives in the configuration, and its bounds. */
struct param_slot {
    const char *name;
    size_t offset;
    double min, max;
};
/* clang-format off */
#define S(n, lo, hi) { #n, offsetof(struct detectors_config, n), lo, hi }
static const struct param_slot param_slots[] = {
    S(beaconing, 0, 1), S(outbound_volume, 0, 1), S(directory_offhours, 0, 1),
    S(av_then_outbound, 0, 1),
    { "detect_max_keys", offsetof(struct detectors_config, max_suppress_keys), 16, 1e8 },
    S(beacon_min_count, 3, 1e6), S(beacon_min_span, 0, 365 * 86400e9),
    S(beacon_min_interval, 0, 3600e9), S(beacon_max_interval, 1e9, 30 * 86400e9),
    S(beacon_window, 3, DETECT_BEACON_MAX_WINDOW), S(beacon_max_missed, 0, 20),
    S(beacon_tolerance, 0.01, 0.49), S(beacon_min_score, 0, 1), S(beacon_popular_sources, 2, 100),
    S(beacon_max_pairs, 16, 1e8), S(beacon_max_destinations, 16, 1e8),
    S(beacon_suppress, 0, 365 * 86400e9), S(volume_interval, 60e9, 7 * 86400e9),
    S(volume_warmup, 0, 1e6), S(volume_alpha, 0.0001, 1), S(volume_k, 0, 1000),
    S(volume_min_dev, 0, 100), S(volume_floor, 0, 1e18), S(volume_max_idle, 0, 1e6),
    S(volume_max_hosts, 16, 1e8), S(volume_grace, 0, 86400e9), S(volume_suppress, 0, 365 * 86400e9),
    S(directory_unknown_actor, 0, 1), S(directory_suppress, 0, 365 * 86400e9),
    S(av_window, 1e9, 30 * 86400e9), S(av_collect, 0, 86400e9), S(av_max_connections, 1, 1000),
    S(av_max_hosts, 16, 1e8), S(av_suppress, 0, 365 * 86400e9),
};
/* clang-format on */
#undef S

static const struct detect_param *find_param(const char *name)
{
    for (size_t i = 0; i < detectors_nparams; i++)
        if (!strcmp(detectors_params[i].name, name))
            return &detectors_params[i];
    return NULL;
}

enum mm_status detectors_config_set(struct detectors_config *cfg, const char *name,
                                    const char *value, struct mm_error *err)
{
    const struct detect_param *p = find_param(name);
    if (!p)
        return mm_error_set(err, MM_ERR_NOT_FOUND, "unknown detector parameter '%s'", name);
    if (p->type == DETECT_PARAM_TEXT)
        return set_text(cfg, name, value, err);
    const struct param_slot *slot = NULL;
    for (size_t i = 0; i < MM_ARRAY_LEN(param_slots); i++)
        if (!strcmp(param_slots[i].name, name))
            slot = &param_slots[i];
    if (!slot)
        return mm_error_set(err, MM_ERR_NOT_FOUND, "unknown detector parameter '%s'", name);
    char *at = (char *)cfg + slot->offset;
    double num = 0;
    uint64_t u = 0;
    int64_t ns = 0;
    bool ok = true;
    switch (p->type) {
    case DETECT_PARAM_BOOL:
        if (str_eq_nocase(value, "yes") || str_eq_nocase(value, "true") || !strcmp(value, "1"))
            num = 1;
        else if (str_eq_nocase(value, "no") || str_eq_nocase(value, "false") || !strcmp(value, "0"))
            num = 0;
        else
            ok = false;
        break;
    case DETECT_PARAM_COUNT:
        ok = mm_parse_u64(value, strlen(value), UINT64_MAX, &u) == MM_OK;
        num = (double)u;
        break;
    case DETECT_PARAM_SIZE:
        ok = mm_parse_size(value, &u) == MM_OK;
        num = (double)u;
        break;
    case DETECT_PARAM_DURATION:
        ok = mm_parse_duration(value, &ns) == MM_OK;
        num = (double)ns;
        break;
    case DETECT_PARAM_RATIO: {
        char *end = NULL;
        errno = 0;
        num = strtod(value, &end);
        ok = *value && end && !*end && errno == 0;
        break;
    }
    case DETECT_PARAM_TEXT:
        break;
    }
    if (!ok || num < slot->min || num > slot->max)
        return mm_error_set(err, MM_ERR_INVALID, "%s: '%s' is not a valid value (%g..%g)", name,
                            value, slot->min, slot->max);
    switch (p->type) {
    case DETECT_PARAM_BOOL:
        *(bool *)(void *)at = num != 0;
        break;
    case DETECT_PARAM_COUNT:
    case DETECT_PARAM_SIZE:
        *(uint64_t *)(void *)at = u;
        break;
    case DETECT_PARAM_DURATION:
        *(int64_t *)(void *)at = ns;
        break;
    case DETECT_PARAM_RATIO:
        *(double *)(void *)at = num;
        break;
    case DETECT_PARAM_TEXT:
        break;
    }
    return MM_OK;
}

void detectors_config_defaults(struct detectors_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < detectors_nparams; i++) {
        enum mm_status st = detectors_config_set(cfg, detectors_params[i].name,
                                                 detectors_params[i].default_value, NULL);
        if (st != MM_OK) { /* a programming error in the table above */
            fprintf(stderr, "detectors: bad default for %s\n", detectors_params[i].name);
            abort();
        }
    }
}

/* ---- the extractor (worker threads) ---- */

static bool cstr_eq(const char *s, const char *lit)
{
    return s && !strcmp(s, lit);
}

static struct slice field(const struct event *ev, const char *name)
{
    return event_get_value(ev, name);
}

/* The first of the named fields that has a value. */
static struct slice field_any(const struct event *ev, const char *const *names)
{
    for (; *names; names++) {
        struct slice v = field(ev, *names);
        if (v.len)
            return v;
    }
    return slice_make(NULL, 0);
}

static uint64_t field_u64(const struct event *ev, const char *name, bool *present)
{
    struct slice v = field(ev, name);
    uint64_t u = 0;
    bool ok = v.len && mm_parse_u64(v.p, v.len, UINT64_MAX, &u) == MM_OK;
    if (present)
        *present = ok;
    return ok ? u : 0;
}

static bool is_internal(const struct detectors_config *cfg, const struct detect_ip *ip)
{
    return in_networks(cfg->internal, cfg->ninternal, ip);
}

static const char *const src_fields[] = { "src_ip", "c-ip", "SourceIp", NULL };
static const char *const dst_fields[] = { "dst_ip", "DestinationIp", NULL };
static const char *const dst_name_fields[] = { "cs-host", "DestinationHostname", "hostname", "sni",
                                               NULL };
static const char *const port_fields[] = { "dst_port", "DestinationPort", NULL };

/* Bytes the connection's client sent, per source (docs/DETECTORS.md has the table). */
static void extract_bytes(const struct event *ev, struct detect_fact *f)
{
    static const char *const names[] = { "sentbyte", "bytes_to_server", "cs-bytes", "bytes", NULL };
    for (const char *const *n = names; *n; n++) {
        bool present;
        uint64_t b = field_u64(ev, *n, &present);
        if (present) {
            f->bytes_out = b;
            f->has_bytes = true;
            return;
        }
    }
    /* kernel packet logs: the logged packet's length, when it left through an interface */
    if (cstr_eq(ev->parser, "iptables") && slice_eq(field(ev, "direction"), "outbound")) {
        bool present;
        f->bytes_out = field_u64(ev, "length", &present);
        f->has_bytes = present;
    }
}

static bool extract_connection(const struct detectors_config *cfg, const struct event *ev,
                               struct detect_fact *f)
{
    struct slice src = field_any(ev, src_fields), dst = field_any(ev, dst_fields);
    struct slice name = field_any(ev, dst_name_fields);
    if (!ip_parse(src.p, src.len, &f->src))
        return false;
    if (slice_eq(field(ev, "Initiated"), "false")) /* Sysmon: an accepted connection */
        return false;
    ip_parse(dst.p, dst.len, &f->dst);
    if (name.len) {
        struct detect_ip literal;
        if (ip_parse(name.p, name.len, &literal)) {
            f->dst = literal; /* the requested host, over the next hop a proxy logged */
        } else {
            copy_slice(f->dst_name, sizeof f->dst_name, name, true);
        }
    }
    if (!f->dst.family && !f->dst_name[0])
        return false;
    uint64_t port = field_u64(ev, port_fields[0], NULL);
    if (!port)
        port = field_u64(ev, port_fields[1], NULL);
    f->dst_port = port <= 65535 ? (uint16_t)port : 0;
    extract_bytes(ev, f);
    f->src_internal = is_internal(cfg, &f->src);
    f->dst_internal = f->dst.family ? is_internal(cfg, &f->dst) : false;
    if (cstr_eq(ev->parser, "cisco_asa")) {
        uint64_t id = field_u64(ev, "asa_message_id", NULL);
        if (id == 302014 || id == 302016) {
            /* Teardown lines name the sides in the Built line's "for ... to" order, which for
             * outbound connections puts the inside host second: make it the source. Their bytes
             * are both directions together; the contact itself was the Built line. */
            f->bytes_only = true;
            if (!f->src_internal && f->dst_internal && f->dst.family) {
                struct detect_ip t = f->src;
                f->src = f->dst;
                f->dst = t;
                uint64_t sport = field_u64(ev, "src_port", NULL);
                f->dst_port = sport <= 65535 ? (uint16_t)sport : 0;
                f->src_internal = true;
                f->dst_internal = false;
            }
        }
    }
    if (in_networks(cfg->exclude, cfg->nexclude, &f->src))
        return false;
    /* only what leaves the organisation matters to these detectors */
    return f->src_internal && !f->dst_internal;
}

/* Does a slapd bind DN name an administrator? Patterns match its first RDN. */
static bool directory_admin(const struct detectors_config *cfg, struct slice dn)
{
    for (size_t i = 0; i < cfg->ndirectory_admins; i++) {
        const char *pat = cfg->directory_admins[i];
        size_t n = strlen(pat);
        if (!strcmp(pat, "*"))
            return true;
        if (dn.len >= n && mm_bytes_eq_nocase(dn.p, n, pat) && (dn.len == n || dn.p[n] == ','))
            return true;
    }
    return false;
}

static bool extract_slapd(const struct detectors_config *cfg, const struct event *ev,
                          struct detect_fact *f)
{
    static const char *const ops[] = { "ADD", "MOD", "DEL", "MODRDN", "PASSMOD", NULL };
    struct slice op = field(ev, "operation");
    const char *const *o = ops;
    while (*o && !slice_eq(op, *o))
        o++;
    if (!*o)
        return false;
    const struct event_field *bind = event_get(ev, "bind_dn");
    if (bind) {
        struct slice dn = slice_make(bind->value, bind->len);
        if (!dn.len || !directory_admin(cfg, dn))
            return false;
        copy_slice(f->user, sizeof f->user, dn, false);
    } else {
        if (!cfg->directory_unknown_actor)
            return false;
        copy_text(f->user, sizeof f->user, "(unknown)", 9, false);
    }
    copy_text(f->operation, sizeof f->operation, *o, strlen(*o), false);
    copy_slice(f->target, sizeof f->target, field(ev, "dn"), false);
    struct slice src = field(ev, "src_ip");
    ip_parse(src.p, src.len, &f->src);
    return true;
}

struct windows_change {
    unsigned id;
    const char *operation;
};
static const struct windows_change windows_changes[] = {
    { 4670, "permissions_changed" },  { 4720, "user_created" },
    { 4722, "user_enabled" },         { 4724, "password_reset" },
    { 4726, "user_deleted" },         { 4728, "group_member_added" },
    { 4729, "group_member_removed" }, { 4732, "group_member_added" },
    { 4733, "group_member_removed" }, { 4738, "user_changed" },
    { 4756, "group_member_added" },   { 4757, "group_member_removed" },
    { 5136, "object_modified" },      { 5137, "object_created" },
    { 5139, "object_moved" },         { 5141, "object_deleted" },
};

static bool extract_windows_directory(const struct event *ev, unsigned id, struct detect_fact *f)
{
    const struct windows_change *c = NULL;
    for (size_t i = 0; i < MM_ARRAY_LEN(windows_changes); i++)
        if (windows_changes[i].id == id)
            c = &windows_changes[i];
    if (!c)
        return false;
    struct slice user = field(ev, "SubjectUserName"), domain = field(ev, "SubjectDomainName");
    /* machine accounts (NAME$) are the system acting on its own */
    if (!user.len || slice_eq(user, "-") || user.p[user.len - 1] == '$')
        return false;
    char actor[DETECT_NAME_MAX * 2];
    snprintf(actor, sizeof actor, "%.*s%s%.*s", (int)domain.len, domain.p ? domain.p : "",
             domain.len ? "\\" : "", (int)user.len, user.p);
    copy_text(f->user, sizeof f->user, actor, strlen(actor), false);
    copy_text(f->operation, sizeof f->operation, c->operation, strlen(c->operation), false);
    char target[DETECT_TARGET_MAX * 2];
    struct slice obj = field(ev, "ObjectDN"), attr = field(ev, "AttributeLDAPDisplayName");
    struct slice member = field(ev, "MemberName"), tuser = field(ev, "TargetUserName");
    if (!member.len || slice_eq(member, "-"))
        member = field(ev, "MemberSid");
    if (!obj.len)
        obj = field(ev, "ObjectName");
    if (obj.len)
        snprintf(target, sizeof target, "%.*s%s%.*s", (int)obj.len, obj.p, attr.len ? " " : "",
                 (int)attr.len, attr.p ? attr.p : "");
    else if (member.len)
        snprintf(target, sizeof target, "%.*s -> %.*s", (int)member.len, member.p, (int)tuser.len,
                 tuser.p ? tuser.p : "");
    else
        snprintf(target, sizeof target, "%.*s", (int)tuser.len, tuser.p ? tuser.p : "");
    copy_text(f->target, sizeof f->target, target, strlen(target), false);
    struct slice ip = field(ev, "IpAddress");
    ip_parse(ip.p, ip.len, &f->src);
    return true;
}

/* The host of an antivirus event by address: a logged address, the host name when it is an
 * address literal, or av_hosts. */
static void av_resolve(const struct detectors_config *cfg, struct detect_fact *f)
{
    if (f->src.family)
        return;
    if (ip_parse(f->host, strlen(f->host), &f->src))
        return;
    size_t short_len = strcspn(f->host, ".");
    for (size_t i = 0; i < cfg->nav_hosts; i++) {
        const char *n = cfg->av_hosts[i].name;
        size_t nlen = strcspn(n, ".");
        if (str_eq_nocase(n, f->host) ||
            (short_len && nlen == short_len && prefix_eq_nocase(n, f->host, nlen) &&
             (!n[nlen] || !f->host[short_len]))) {
            f->src = cfg->av_hosts[i].ip;
            return;
        }
    }
}

static bool extract_av(const struct detectors_config *cfg, const struct event *ev,
                       struct detect_fact *f, unsigned winid)
{
    const struct logsource *ls = &ev->logsource;
    if (cstr_eq(ls->service, "clamav")) {
        if (!slice_eq(field(ev, "av_event"), "detection"))
            return false;
        /* clamav-milter blocked a mail at the gateway: the gateway's own SMTP traffic that
         * follows is not caused by it */
        if (slice_eq(ev->program, "clamav-milter"))
            return false;
        copy_slice(f->signature, sizeof f->signature, field(ev, "Signature"), false);
        copy_slice(f->target, sizeof f->target, field(ev, "Filename"), false);
        copy_slice(f->host, sizeof f->host, ev->host, true);
        /* the client of an INSTREAM scan, unless it is the scanning host itself (loopback) */
        struct slice ip = field(ev, "src_ip");
        if (ip_parse(ip.p, ip.len, &f->src) && !is_internal(cfg, &f->src))
            memset(&f->src, 0, sizeof f->src);
        copy_text(f->operation, sizeof f->operation, "detected", 8, false);
    } else if (cstr_eq(ls->product, "windows")) {
        if (winid != 1006 && winid != 1116 && winid != 1117)
            return false;
        static const char *const sig[] = { "ThreatName", "Threat Name", NULL };
        static const char *const user[] = { "DetectionUser", "Detection User", NULL };
        copy_slice(f->signature, sizeof f->signature, field_any(ev, sig), false);
        copy_slice(f->target, sizeof f->target, field(ev, "Path"), false);
        copy_slice(f->user, sizeof f->user, field_any(ev, user), false);
        copy_slice(f->host, sizeof f->host, field(ev, "Computer"), true);
        const char *what = winid == 1117 ? "action_taken" : "detected";
        copy_text(f->operation, sizeof f->operation, what, strlen(what), false);
    } else { /* FortiGate antivirus (utm/virus): the internal side of the session */
        struct slice src = field(ev, "src_ip"), dst = field(ev, "dst_ip");
        struct detect_ip a, b;
        bool ha = ip_parse(src.p, src.len, &a), hb = ip_parse(dst.p, dst.len, &b);
        if (ha && is_internal(cfg, &a))
            f->src = a;
        else if (hb && is_internal(cfg, &b))
            f->src = b;
        copy_slice(f->signature, sizeof f->signature, field(ev, "virus"), false);
        static const char *const tgt[] = { "url", "filename", NULL };
        copy_slice(f->target, sizeof f->target, field_any(ev, tgt), false);
        copy_slice(f->user, sizeof f->user, field(ev, "user"), false);
        copy_slice(f->host, sizeof f->host, field(ev, "devname"), false);
        copy_slice(f->operation, sizeof f->operation, field(ev, "action"), false);
    }
    if (!f->signature[0])
        return false;
    av_resolve(cfg, f);
    return true;
}

bool detect_extract(const struct detectors_config *cfg, const struct event *ev,
                    struct detect_fact *f)
{
    const struct logsource *ls = &ev->logsource;
    bool want_conn = cfg->beaconing || cfg->outbound_volume || cfg->av_then_outbound;
    enum detect_fact_kind kind = DETECT_FACT_NONE;
    unsigned winid = 0;
    if (cstr_eq(ls->product, "windows")) {
        bool present;
        uint64_t id = field_u64(ev, "EventID", &present);
        winid = present && id < 100000 ? (unsigned)id : 0;
        if (cstr_eq(ls->service, "security") && cfg->directory_offhours)
            kind = DETECT_FACT_DIRECTORY;
        else if (cstr_eq(ls->service, "windefend") && cfg->av_then_outbound)
            kind = DETECT_FACT_AV;
        else if (cstr_eq(ls->category, "network_connection") && want_conn)
            kind = DETECT_FACT_CONNECTION;
    } else if (cstr_eq(ls->category, "directory") && cstr_eq(ls->product, "openldap")) {
        if (cfg->directory_offhours)
            kind = DETECT_FACT_DIRECTORY;
    } else if (cstr_eq(ls->category, "antivirus")) {
        if (cfg->av_then_outbound)
            kind = DETECT_FACT_AV;
    } else if (cstr_eq(ls->product, "fortigate") &&
               (cstr_eq(ls->service, "utm") || cstr_eq(ls->service, "virus"))) {
        if (cfg->av_then_outbound && slice_eq(field(ev, "subtype"), "virus"))
            kind = DETECT_FACT_AV;
    } else if (cstr_eq(ls->category, "proxy") || cstr_eq(ls->category, "firewall") ||
               cstr_eq(ls->category, "network_connection")) {
        if (want_conn)
            kind = DETECT_FACT_CONNECTION;
    }
    if (kind == DETECT_FACT_NONE)
        return false;
    memset(f, 0, sizeof *f);
    f->kind = (uint8_t)kind;
    f->time_ns = ev->time_ns ? ev->time_ns : ev->receive_ns;
    if (ev->parser)
        copy_text(f->source, sizeof f->source, ev->parser, strlen(ev->parser), false);
    switch (kind) {
    case DETECT_FACT_CONNECTION:
        return extract_connection(cfg, ev, f);
    case DETECT_FACT_AV:
        return extract_av(cfg, ev, f, winid);
    case DETECT_FACT_DIRECTORY:
        if (cstr_eq(ls->product, "windows")) {
            if (!extract_windows_directory(ev, winid, f))
                return false;
            copy_slice(f->host, sizeof f->host, field(ev, "Computer"), true);
        } else {
            if (!extract_slapd(cfg, ev, f))
                return false;
            copy_slice(f->host, sizeof f->host, ev->host, true);
        }
        return true;
    case DETECT_FACT_NONE:
        break;
    }
    return false;
}

/* ---- bounded tables: a hash index and a recency list, least recently used evicted ---- */

struct lru_node {
    struct lru_node *hnext; /* bucket chain */
    struct lru_node *newer, *older;
    uint64_t hash;
    const char *key; /* stored right after the entry */
    size_t klen;
};

struct lru_table {
    struct lru_node **buckets;
    size_t mask;
    struct lru_node *newest, *oldest;
    size_t count, max;
    uint64_t evicted;
};

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static void lru_init(struct lru_table *t, uint64_t max)
{
    size_t n = 16;
    while (n < max && n < ((size_t)1 << 30))
        n <<= 1;
    memset(t, 0, sizeof *t);
    t->buckets = mm_calloc(n, sizeof *t->buckets);
    t->mask = n - 1;
    t->max = (size_t)max;
}

static void lru_unlink(struct lru_table *t, struct lru_node *n)
{
    if (n->newer)
        n->newer->older = n->older;
    else
        t->newest = n->older;
    if (n->older)
        n->older->newer = n->newer;
    else
        t->oldest = n->newer;
    n->newer = n->older = NULL;
}

static void lru_push(struct lru_table *t, struct lru_node *n)
{
    n->older = t->newest;
    n->newer = NULL;
    if (t->newest)
        t->newest->newer = n;
    t->newest = n;
    if (!t->oldest)
        t->oldest = n;
}

static void *lru_find(struct lru_table *t, const void *key, size_t klen)
{
    uint64_t h = hash_bytes(key, klen);
    for (struct lru_node *n = t->buckets[h & t->mask]; n; n = n->hnext)
        if (n->hash == h && n->klen == klen && !memcmp(n->key, key, klen))
            return n;
    return NULL;
}

static void lru_touch(struct lru_table *t, struct lru_node *n)
{
    if (t->newest != n) {
        lru_unlink(t, n);
        lru_push(t, n);
    }
}

static void lru_remove(struct lru_table *t, struct lru_node *n)
{
    struct lru_node **pp = &t->buckets[n->hash & t->mask];
    while (*pp != n)
        pp = &(*pp)->hnext;
    *pp = n->hnext;
    lru_unlink(t, n);
    t->count--;
    mm_free(n);
}

/* A new zeroed entry of size bytes (a struct starting with its lru_node) for key, which must not
 * be in the table; the least recently used entry goes when the table is full. */
static void *lru_insert(struct lru_table *t, size_t size, const void *key, size_t klen)
{
    if (t->count >= t->max && t->oldest) {
        lru_remove(t, t->oldest);
        t->evicted++;
    }
    struct lru_node *n = mm_calloc(1, mm_size_add(mm_size_add(size, klen), 1));
    char *k = (char *)n + size;
    memcpy(k, key, klen);
    n->key = k;
    n->klen = klen;
    n->hash = hash_bytes(key, klen);
    n->hnext = t->buckets[n->hash & t->mask];
    t->buckets[n->hash & t->mask] = n;
    lru_push(t, n);
    t->count++;
    return n;
}

static void lru_release(struct lru_table *t)
{
    struct lru_node *n = t->newest;
    while (n) {
        struct lru_node *next = n->older;
        mm_free(n);
        n = next;
    }
    mm_free(t->buckets);
    memset(t, 0, sizeof *t);
}

/* ---- state ---- */

struct beacon_pair {
    struct lru_node node; /* key: struct detect_ip, then the destination text */
    int64_t first_ns, last_ns;
    uint64_t count; /* contacts since first_ns */
    uint16_t port;
    uint32_t n, head; /* ring of the last beacon_window contact times */
    int64_t t[];
};

struct beacon_dest {
    struct lru_node node; /* key: the destination text */
    bool popular;
    uint32_t nsources;
    struct detect_ip src[]; /* distinct internal sources, up to beacon_popular_sources */
};

struct volume_host {
    struct lru_node node; /* key: struct detect_ip */
    int64_t bucket;       /* index of the open interval */
    uint64_t bytes, facts;
    int64_t first_ns, last_ns;
    double mean, var;
    uint64_t nbuckets; /* intervals in the baseline */
    uint64_t idle;     /* empty intervals in a row */
};

struct av_conn {
    struct detect_ip ip;
    uint16_t port;
    int64_t time_ns;
    uint64_t count;
    char name[DETECT_NAME_MAX];
};

struct av_host {
    struct lru_node node; /* key: struct detect_ip */
    struct detect_fact detection;
    int64_t until_ns;      /* end of the window */
    int64_t first_conn_ns; /* 0: none yet */
    int64_t last_conn_ns;
    uint64_t nconn;
    uint32_t nkept;
    bool reported;
    struct av_conn conns[];
};

struct suppress_key {
    struct lru_node node; /* key: detector index byte, then the alert key */
    int64_t until_ns;
};

struct detectors {
    struct detectors_config cfg;
    struct lru_table pairs, dests, volume, av, keys;
    int64_t volume_swept; /* the interval index up to which every host was closed */
    size_t av_pending;    /* AV entries collecting connections */
    struct detectors_stats st;
    struct buf json, key;
};

struct detectors *detectors_new(const struct detectors_config *cfg)
{
    struct detectors *d = mm_calloc(1, sizeof *d);
    d->cfg = *cfg;
    lru_init(&d->pairs, cfg->beacon_max_pairs);
    lru_init(&d->dests, cfg->beacon_max_destinations);
    lru_init(&d->volume, cfg->volume_max_hosts);
    lru_init(&d->av, cfg->av_max_hosts);
    lru_init(&d->keys, cfg->max_suppress_keys);
    d->volume_swept = INT64_MIN;
    buf_init(&d->json, 1 << 20);
    buf_init(&d->key, 4096);
    return d;
}

void detectors_free(struct detectors *d)
{
    if (!d)
        return;
    lru_release(&d->pairs);
    lru_release(&d->dests);
    lru_release(&d->volume);
    lru_release(&d->av);
    lru_release(&d->keys);
    buf_release(&d->json);
    buf_release(&d->key);
    mm_free(d);
}

void detectors_stats(const struct detectors *d, struct detectors_stats *st)
{
    *st = d->st;
    st->pairs = d->pairs.count;
    st->destinations = d->dests.count;
    st->volume_hosts = d->volume.count;
    st->av_hosts = d->av.count;
    st->keys = d->keys.count;
    st->evicted_pairs = d->pairs.evicted;
    st->evicted_destinations = d->dests.evicted;
    st->evicted_volume_hosts = d->volume.evicted;
    st->evicted_av_hosts = d->av.evicted;
    st->evicted_keys = d->keys.evicted;
}

/* May detector det alert for key at time now? Records the alert when it may. */
static bool may_alert(struct detectors *d, int det, const char *key, int64_t now, int64_t period)
{
    char k[DETECT_TARGET_MAX * 2];
    size_t klen = strlen(key);
    if (klen > sizeof k - 1)
        klen = sizeof k - 1;
    k[0] = (char)('0' + det);
    memcpy(k + 1, key, klen);
    struct suppress_key *s = lru_find(&d->keys, k, klen + 1);
    if (s && now < s->until_ns) {
        d->st.suppressed++;
        return false;
    }
    if (!s)
        s = lru_insert(&d->keys, sizeof *s, k, klen + 1);
    else
        lru_touch(&d->keys, &s->node);
    s->until_ns = now + period;
    return true;
}

/* ---- JSON details ---- */

static void json_key(struct buf *b, const char *k)
{
    if (b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[')
        buf_append_char(b, ',');
    json_write_string(b, k, strlen(k));
    buf_append_char(b, ':');
}

static void json_str(struct buf *b, const char *k, const char *v)
{
    json_key(b, k);
    json_write_string(b, v, strlen(v));
}

static void json_u64(struct buf *b, const char *k, uint64_t v)
{
    json_key(b, k);
    buf_printf(b, "%" PRIu64, v);
}

static void json_num(struct buf *b, const char *k, double v)
{
    json_key(b, k);
    buf_printf(b, "%.3f", v);
}

static void json_time(struct buf *b, const char *k, int64_t ns)
{
    char t[40];
    mm_time_format(ns, MM_TIME_SEC, t, sizeof t);
    json_str(b, k, t);
}

static void json_ip(struct buf *b, const char *k, const struct detect_ip *ip)
{
    char t[64];
    ip_format(ip, t, sizeof t);
    if (t[0])
        json_str(b, k, t);
}

static void emit_alert(struct detectors *d, int det, detect_emit_fn emit, void *ctx,
                       const struct detect_alert *tmpl)
{
    struct detect_alert a = *tmpl;
    a.detector = detector_names[det];
    a.details_json = d->json.data;
    d->st.alerts[det]++;
    if (emit)
        emit(ctx, &a);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- beaconing ---- */

static const char *const beacon_tags[] = { "attack.command_and_control", "attack.t1071",
                                           "attack.t1573" };

struct beacon_score {
    double score, median_s, jitter, regular;
    uint32_t intervals, missed;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One pass of the scoring against a median interval m: each interval is read as k beacons (k-1
 * missed) when it is within tolerance·m of k·m. Fills s and norm[] (the fitted per-beacon
 * intervals); returns how many fitted. */
static uint32_t beacon_fit(const struct detectors_config *cfg, const double *iv, uint32_t nint,
                           double m, double *norm, struct beacon_score *s)
{
    uint32_t on = 0, single = 0;
    double sq = 0;
    s->missed = 0;
    for (uint32_t i = 0; i < nint; i++) {
        double kf = iv[i] / m + 0.5;
        uint64_t k = kf < 1 ? 1 : (uint64_t)kf;
        if (k > cfg->beacon_max_missed + 1)
            continue;
        double dev = (iv[i] - (double)k * m) / m;
        if (dev > cfg->beacon_tolerance || dev < -cfg->beacon_tolerance)
            continue;
        /* the deviation is not divided by k: a lost beacon must not make its neighbours look
         * more regular than they are */
        sq += dev * dev;
        norm[on++] = iv[i] / (double)k;
        single += k == 1;
        s->missed += (uint32_t)(k - 1);
    }
    s->intervals = nint;
    s->median_s = m;
    s->jitter = on ? dsqrt(sq / on) : 1;
    s->regular = (double)on / nint;
    /* at least half the intervals must be single ones: otherwise many multiples of a short
     * median fit random traffic by chance */
    s->score = 2 * single >= nint && s->jitter < 1 ? s->regular * (1 - s->jitter) : 0;
    return on;
}

static double median(double *v, uint32_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Regularity of a pair's last contacts (docs/DETECTORS.md, "Beaconing"): the intervals are fitted
 * to the median interval, then again to the median of the fitted per-beacon intervals (which the
 * lost beacons no longer pull up); the score is the fraction that fits times (1 - the RMS
 * deviation as a fraction of the interval). */
static bool beacon_score(const struct detectors_config *cfg, const struct beacon_pair *p,
                         struct beacon_score *s)
{
    double iv[DETECT_BEACON_MAX_WINDOW], tmp[DETECT_BEACON_MAX_WINDOW];
    double norm[DETECT_BEACON_MAX_WINDOW];
    uint32_t w = (uint32_t)cfg->beacon_window, n = p->n;
    memset(s, 0, sizeof *s);
    if (n < 3)
        return false;
    uint32_t nint = n - 1;
    for (uint32_t i = 0; i < nint; i++) {
        int64_t a = p->t[(p->head + w - n + i) % w], b = p->t[(p->head + w - n + i + 1) % w];
        iv[i] = tmp[i] = (double)(b - a) / 1e9;
    }
    double m = median(tmp, nint);
    if (m <= 0)
        return false;
    uint32_t on = beacon_fit(cfg, iv, nint, m, norm, s);
    if (on >= 2) {
        double m2 = median(norm, on);
        if (m2 > 0)
            beacon_fit(cfg, iv, nint, m2, norm, s);
    }
    return s->median_s * 1e9 >= (double)cfg->beacon_min_interval &&
           s->median_s * 1e9 <= (double)cfg->beacon_max_interval;
}

static bool beacon_allowed(const struct detectors_config *cfg, const struct detect_fact *f)
{
    size_t nlen = strlen(f->dst_name);
    for (size_t i = 0; i < cfg->nbeacon_allow; i++) {
        const struct detect_pattern *p = &cfg->beacon_allow[i];
        if (p->is_net) {
            if (f->dst.family && cidr_has(&p->net, &f->dst))
                return true;
            continue;
        }
        size_t dlen = strlen(p->domain);
        if (nlen >= dlen && !memcmp(f->dst_name + nlen - dlen, p->domain, dlen) &&
            (nlen == dlen || f->dst_name[nlen - dlen - 1] == '.'))
            return true;
    }
    return false;
}

/* Count distinct internal sources of a destination; true when it is popular. */
static bool beacon_popular(struct detectors *d, const char *dest, const struct detect_ip *src)
{
    const struct detectors_config *c = &d->cfg;
    size_t dlen = strlen(dest);
    struct beacon_dest *e = lru_find(&d->dests, dest, dlen);
    if (!e)
        e = lru_insert(&d->dests, sizeof *e + c->beacon_popular_sources * sizeof e->src[0], dest,
                       dlen);
    else
        lru_touch(&d->dests, &e->node);
    if (e->popular)
        return true;
    for (uint32_t i = 0; i < e->nsources; i++)
        if (!memcmp(&e->src[i], src, sizeof *src))
            return false;
    e->src[e->nsources++] = *src;
    if (e->nsources >= c->beacon_popular_sources)
        e->popular = true;
    return e->popular;
}

static void beacon_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                        void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    char dest[DETECT_NAME_MAX], src[64];
    if (f->dst_name[0])
        copy_text(dest, sizeof dest, f->dst_name, strlen(f->dst_name), false);
    else
        ip_format(&f->dst, dest, sizeof dest);
    if (!dest[0] || beacon_allowed(c, f) || beacon_popular(d, dest, &f->src))
        return;
    char key[sizeof f->src + DETECT_NAME_MAX];
    size_t dlen = strlen(dest);
    memcpy(key, &f->src, sizeof f->src);
    memcpy(key + sizeof f->src, dest, dlen);
    struct beacon_pair *p = lru_find(&d->pairs, key, sizeof f->src + dlen);
    uint32_t w = (uint32_t)c->beacon_window;
    if (!p) {
        p = lru_insert(&d->pairs, sizeof *p + w * sizeof p->t[0], key, sizeof f->src + dlen);
        p->first_ns = f->time_ns;
    } else {
        lru_touch(&d->pairs, &p->node);
        /* a contact right after the last one (several requests of one check-in, or the same
         * connection seen by two devices) counts once; older facts are not re-ordered */
        if (f->time_ns < p->last_ns + c->beacon_min_interval)
            return;
    }
    p->t[p->head] = f->time_ns;
    p->head = (p->head + 1) % w;
    if (p->n < w)
        p->n++;
    p->count++;
    p->last_ns = f->time_ns;
    if (f->dst_port)
        p->port = f->dst_port;
    struct beacon_score s;
    if (p->count < c->beacon_min_count || p->last_ns - p->first_ns < c->beacon_min_span ||
        !beacon_score(c, p, &s) || s.score < c->beacon_min_score)
        return;
    ip_format(&f->src, src, sizeof src);
    buf_reset(&d->key);
    buf_printf(&d->key, "%s -> %s", src, dest);
    if (!may_alert(d, DET_BEACON, d->key.data, f->time_ns, c->beacon_suppress))
        return;
    struct buf *b = &d->json;
    buf_reset(b);
    buf_append_char(b, '{');
    json_str(b, "src_ip", src);
    json_str(b, "destination", dest);
    if (f->dst_name[0])
        json_ip(b, "dst_ip", &f->dst);
    if (p->port)
        json_u64(b, "dst_port", p->port);
    json_num(b, "interval_s", s.median_s);
    json_u64(b, "count", p->count);
    json_num(b, "jitter", s.jitter);
    json_num(b, "score", s.score);
    json_num(b, "regular_fraction", s.regular);
    json_u64(b, "missed", s.missed);
    json_u64(b, "intervals_scored", s.intervals);
    json_num(b, "span_s", (double)(p->last_ns - p->first_ns) / 1e9);
    json_str(b, "source", f->source);
    buf_append_char(b, '}');
    struct detect_alert a = {
        .title = "C&C beaconing: periodic connections from an internal host",
        .title_ja = "C&Cビーコン: 内部端末からの周期的な通信",
        .level = s.score >= 0.9 ? "high" : "medium",
        .tags = beacon_tags,
        .ntags = MM_ARRAY_LEN(beacon_tags),
        .key = d->key.data,
        .first_ns = p->first_ns,
        .last_ns = p->last_ns,
        .count = p->count,
    };
    emit_alert(d, DET_BEACON, emit, ctx, &a);
}

/* ---- outbound volume ---- */

static const char *const volume_tags[] = { "attack.exfiltration", "attack.t1041", "attack.t1048" };

static void volume_update(struct detectors *d, struct volume_host *h, double x)
{
    double a = d->cfg.volume_alpha, first = 1.0 / (double)(h->nbuckets + 1);
    if (first > a) /* the first intervals make a plain average */
        a = first;
    double diff = x - h->mean, incr = a * diff;
    h->mean += incr;
    h->var = (1 - a) * (h->var + diff * incr);
    h->nbuckets++;
}

/* Close the host's open interval (judge it, fold it into the baseline) and the empty ones up to
 * bucket, which becomes the open one. */
static void volume_close(struct detectors *d, struct volume_host *h, int64_t bucket,
                         detect_emit_fn emit, void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    double x = (double)h->bytes;
    if (h->facts == 0) {
        if (h->idle++ < c->volume_max_idle)
            volume_update(d, h, 0);
    } else {
        h->idle = 0;
        double sd = dsqrt(h->var), dev = MM_MAX(sd, c->volume_min_dev * h->mean);
        double threshold = h->mean + c->volume_k * dev;
        if (h->nbuckets >= c->volume_warmup && x > threshold && h->bytes >= c->volume_floor) {
            char src[64];
            ip_format((const struct detect_ip *)(const void *)h->node.key, src, sizeof src);
            int64_t start = h->bucket * c->volume_interval;
            if (may_alert(d, DET_VOLUME, src, start + c->volume_interval, c->volume_suppress)) {
                struct buf *b = &d->json;
                buf_reset(b);
                buf_append_char(b, '{');
                json_str(b, "src_ip", src);
                json_u64(b, "bytes_out", h->bytes);
                json_time(b, "interval_start", start);
                json_num(b, "interval_s", (double)c->volume_interval / 1e9);
                json_num(b, "baseline_mean", h->mean);
                json_num(b, "baseline_dev", sd);
                json_num(b, "threshold", threshold);
                json_num(b, "ratio", h->mean > 0 ? x / h->mean : 0);
                json_u64(b, "baseline_intervals", h->nbuckets);
                json_u64(b, "facts", h->facts);
                buf_append_char(b, '}');
                struct detect_alert a = {
                    .title = "Unusual outbound data volume from an internal host",
                    .title_ja = "内部端末からの通常と異なる大量の外部送信",
                    .level = x > h->mean + 2 * c->volume_k * dev ? "high" : "medium",
                    .tags = volume_tags,
                    .ntags = MM_ARRAY_LEN(volume_tags),
                    .key = src,
                    .first_ns = h->first_ns,
                    .last_ns = h->last_ns,
                    .count = h->facts,
                };
                emit_alert(d, DET_VOLUME, emit, ctx, &a);
            }
            x = threshold; /* an outlier must not become the new normal */
        }
        volume_update(d, h, x);
    }
    int64_t empty = bucket - h->bucket - 1;
    for (int64_t i = 0; i < empty && h->idle < c->volume_max_idle; i++, h->idle++)
        volume_update(d, h, 0);
    h->bucket = bucket;
    h->bytes = h->facts = 0;
    h->first_ns = h->last_ns = 0;
}

static void volume_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                        void *ctx)
{
    int64_t bucket = floor_div(f->time_ns, d->cfg.volume_interval);
    struct volume_host *h = lru_find(&d->volume, &f->src, sizeof f->src);
    if (!h) {
        h = lru_insert(&d->volume, sizeof *h, &f->src, sizeof f->src);
        h->bucket = bucket;
    } else {
        lru_touch(&d->volume, &h->node);
        if (bucket > h->bucket)
            volume_close(d, h, bucket, emit, ctx);
        else if (bucket < h->bucket)
            d->st.late_facts++;
    }
    h->bytes += f->bytes_out;
    h->facts++;
    if (!h->first_ns)
        h->first_ns = f->time_ns;
    if (f->time_ns > h->last_ns)
        h->last_ns = f->time_ns;
}

static void volume_advance(struct detectors *d, int64_t now, detect_emit_fn emit, void *ctx)
{
    int64_t bucket = floor_div(now - d->cfg.volume_grace, d->cfg.volume_interval);
    if (bucket <= d->volume_swept)
        return;
    d->volume_swept = bucket;
    for (struct lru_node *n = d->volume.newest; n; n = n->older) {
        struct volume_host *h = (struct volume_host *)n;
        if (h->bucket < bucket)
            volume_close(d, h, bucket, emit, ctx);
    }
}

/* ---- directory operations outside business hours ---- */

static const char *const directory_tags[] = { "attack.persistence", "attack.privilege_escalation",
                                              "attack.t1098", "attack.t1078" };

/* NULL inside business hours, else why not (and the local time as text). */
static const char *offhours_reason(const struct detectors_config *c, int64_t ns, char *local,
                                   size_t locallen)
{
    int64_t secs = floor_div(ns, MM_NS_PER_SEC) + c->tz_offset;
    int64_t day = floor_div(secs, 86400);
    int minute = (int)((secs - day * 86400) / 60);
    int weekday = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    int y, mon, dd, h, mi, s;
    mm_civil_from_seconds(secs, &y, &mon, &dd, &h, &mi, &s);
    int off = c->tz_offset < 0 ? -c->tz_offset : c->tz_offset;
    snprintf(local, locallen, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mon, dd, h, mi, s,
             c->tz_offset < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
    size_t lo = 0, hi = c->nholidays;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nholidays && c->holidays[lo] == day)
        return "holiday";
    if (!(c->business_days & (1u << weekday)))
        return "non-working day";
    bool inside = c->business_start < c->business_end
                      ? minute >= c->business_start && minute < c->business_end
                      : minute >= c->business_start || minute < c->business_end;
    return inside ? NULL : "outside business hours";
}

static void directory_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                           void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    char local[48];
    const char *why = offhours_reason(c, f->time_ns, local, sizeof local);
    if (!why)
        return;
    buf_reset(&d->key);
    buf_printf(&d->key, "%s on %s", f->user, f->host[0] ? f->host : "?");
    if (!may_alert(d, DET_DIRECTORY, d->key.data, f->time_ns, c->directory_suppress))
        return;
    struct buf *b = &d->json;
    buf_reset(b);
    buf_append_char(b, '{');
    json_str(b, "operator", f->user);
    json_str(b, "operation", f->operation);
    json_str(b, "target", f->target);
    json_str(b, "server", f->host);
    json_ip(b, "src_ip", &f->src);
    json_str(b, "local_time", local);
    json_str(b, "reason", why);
    json_str(b, "source", f->source);
    buf_append_char(b, '}');
    bool grave = strstr(f->operation, "group_member_added") || strstr(f->operation, "created") ||
                 strstr(f->operation, "password") || !strcmp(f->operation, "ADD");
    struct detect_alert a = {
        .title = "Directory administration outside business hours",
        .title_ja = "業務時間外のディレクトリ管理操作",
        .level = grave ? "high" : "medium",
        .tags = directory_tags,
        .ntags = MM_ARRAY_LEN(directory_tags),
        .key = d->key.data,
        .first_ns = f->time_ns,
        .last_ns = f->time_ns,
        .count = 1,
    };
    emit_alert(d, DET_DIRECTORY, emit, ctx, &a);
}

/* ---- antivirus detection then outbound connections ---- */

static const char *const av_tags[] = { "attack.execution", "attack.command_and_control",
                                       "attack.t1204", "attack.t1071" };

static void av_report(struct detectors *d, struct av_host *h, detect_emit_fn emit, void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    const struct detect_fact *det = &h->detection;
    h->reported = true;
    d->av_pending--;
    char ip[64];
    ip_format(&det->src, ip, sizeof ip);
    buf_reset(&d->key);
    buf_printf(&d->key, "%s%s%s%s", ip, det->host[0] ? " (" : "", det->host,
               det->host[0] ? ")" : "");
    if (!may_alert(d, DET_AV, d->key.data, h->first_conn_ns, c->av_suppress))
        return;
    struct buf *b = &d->json;
    buf_reset(b);
    buf_append_char(b, '{');
    json_str(b, "host", det->host);
    json_str(b, "host_ip", ip);
    json_str(b, "signature", det->signature);
    json_str(b, "file", det->target);
    if (det->user[0])
        json_str(b, "user", det->user);
    json_str(b, "av_source", det->source);
    json_str(b, "av_action", det->operation);
    json_time(b, "detection_time", det->time_ns);
    json_num(b, "window_s", (double)c->av_window / 1e9);
    json_u64(b, "connection_count", h->nconn);
    json_key(b, "connections");
    buf_append_char(b, '[');
    for (uint32_t i = 0; i < h->nkept; i++) {
        const struct av_conn *x = &h->conns[i];
        buf_append_str(b, i ? ",{" : "{");
        json_time(b, "time", x->time_ns);
        json_ip(b, "dst_ip", &x->ip);
        if (x->name[0])
            json_str(b, "dst_host", x->name);
        if (x->port)
            json_u64(b, "dst_port", x->port);
        json_u64(b, "count", x->count);
        buf_append_char(b, '}');
    }
    buf_append_str(b, "]}");
    struct detect_alert a = {
        .title = "Outbound connections after an antivirus detection on the same host",
        .title_ja = "ウイルス検知後の同一端末からの外部通信",
        .level = "high",
        .tags = av_tags,
        .ntags = MM_ARRAY_LEN(av_tags),
        .key = d->key.data,
        .first_ns = det->time_ns,
        .last_ns = h->last_conn_ns,
        .count = h->nconn + 1,
    };
    emit_alert(d, DET_AV, emit, ctx, &a);
}

static void av_drop(struct detectors *d, struct av_host *h)
{
    if (h->first_conn_ns && !h->reported)
        d->av_pending--;
    lru_remove(&d->av, &h->node);
}

static void av_detection(struct detectors *d, const struct detect_fact *f)
{
    const struct detectors_config *c = &d->cfg;
    if (!f->src.family) {
        d->st.av_unresolved++;
        return;
    }
    struct av_host *h = lru_find(&d->av, &f->src, sizeof f->src);
    if (h) {
        /* a second record of the same detection (Defender 1116 then 1117) keeps the window */
        if (!h->reported && f->time_ns >= h->detection.time_ns && f->time_ns <= h->until_ns) {
            lru_touch(&d->av, &h->node);
            return;
        }
        av_drop(d, h);
    }
    if (d->av.count >= d->av.max && d->av.oldest) {
        av_drop(d, (struct av_host *)d->av.oldest);
        d->av.evicted++;
    }
    h = lru_insert(&d->av, sizeof *h + c->av_max_connections * sizeof h->conns[0], &f->src,
                   sizeof f->src);
    h->detection = *f;
    h->until_ns = f->time_ns + c->av_window;
}

static void av_connection(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                          void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    struct av_host *h = lru_find(&d->av, &f->src, sizeof f->src);
    if (!h || h->reported || f->time_ns < h->detection.time_ns || f->time_ns > h->until_ns)
        return;
    struct av_conn *x = NULL;
    for (uint32_t i = 0; i < h->nkept && !x; i++)
        if (!memcmp(&h->conns[i].ip, &f->dst, sizeof f->dst) &&
            !strcmp(h->conns[i].name, f->dst_name))
            x = &h->conns[i];
    if (!x && h->nkept < c->av_max_connections) {
        x = &h->conns[h->nkept++];
        x->ip = f->dst;
        x->port = f->dst_port;
        x->time_ns = f->time_ns;
        copy_text(x->name, sizeof x->name, f->dst_name, strlen(f->dst_name), false);
    }
    if (x)
        x->count++;
    h->nconn++;
    if (!h->first_conn_ns) {
        h->first_conn_ns = f->time_ns;
        d->av_pending++;
    }
    if (f->time_ns > h->last_conn_ns)
        h->last_conn_ns = f->time_ns;
    if (h->nkept >= c->av_max_connections || f->time_ns >= h->first_conn_ns + c->av_collect)
        av_report(d, h, emit, ctx);
}

static void av_advance(struct detectors *d, int64_t now, detect_emit_fn emit, void *ctx)
{
    if (!d->av_pending)
        return;
    for (struct lru_node *n = d->av.newest; n && d->av_pending; n = n->older) {
        struct av_host *h = (struct av_host *)n;
        if (h->first_conn_ns && !h->reported && now >= h->first_conn_ns + d->cfg.av_collect)
            av_report(d, h, emit, ctx);
    }
}

/* ---- dispatch ---- */

void detectors_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                    void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    d->st.facts++;
    switch (f->kind) {
    case DETECT_FACT_CONNECTION:
        if (!f->src_internal || f->dst_internal || !f->src.family)
            break;
        if (c->outbound_volume && f->has_bytes)
            volume_feed(d, f, emit, ctx);
        if (f->bytes_only)
            break;
        if (c->av_then_outbound && d->av.count)
            av_connection(d, f, emit, ctx);
        if (c->beaconing)
            beacon_feed(d, f, emit, ctx);
        break;
    case DETECT_FACT_DIRECTORY:
        if (c->directory_offhours)
            directory_feed(d, f, emit, ctx);
        break;
    case DETECT_FACT_AV:
        if (c->av_then_outbound)
            av_detection(d, f);
        break;
    default:
        break;
    }
}

void detectors_advance(struct detectors *d, int64_t now_ns, detect_emit_fn emit, void *ctx)
{
    if (d->cfg.outbound_volume)
        volume_advance(d, now_ns, emit, ctx);
    if (d->cfg.av_then_outbound)
        av_advance(d, now_ns, emit, ctx);
}
