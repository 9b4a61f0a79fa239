/* SPDX-License-Identifier: Apache-2.0 */
/* detectors_extract.c: the stateless half of the built-in detectors (docs/DETECTORS.md): their
 * parameter table and configuration, and the extractor the sensor's worker threads run on every
 * event to turn it into a small struct detect_fact. Nothing here keeps state. */
#include "base/prelude.h"
#include "base/mtime.h"
#include "base/str.h"
#include "detectors.h"
#include "detectors_internal.h"

#include <arpa/inet.h>

/* ---- small helpers ---- */

static void copy_slice(char *dst, size_t cap, struct slice v, bool lower)
{
    detect_copy_text(dst, cap, v.p, v.len, lower);
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

static bool in_networks(const struct net_cidr *nets, size_t n, const struct detect_ip *ip)
{
    for (size_t i = 0; ip->family && i < n; i++)
        if (detect_cidr_has(&nets[i], ip))
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

/* ---- configuration ---- */

/* Each comma-separated item of s, trimmed, non-empty; fn returns false to stop with an error. */
typedef bool (*item_fn)(void *arg, const char *item, struct mm_error *err);
static bool each_item(const char *s, item_fn fn, void *arg, struct mm_error *err)
{
    struct slice it;
    while (mm_list_next(&s, &it)) {
        char item[DETECT_TARGET_MAX];
        if (it.len >= sizeof item) {
            mm_error_set(err, MM_ERR_INVALID, "list item too long: '%.40s...'", it.p);
            return false;
        }
        memcpy(item, it.p, it.len);
        item[it.len] = '\0';
        if (!fn(arg, item, err))
            return false;
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
        detect_copy_text(p->domain, sizeof p->domain, d, strlen(d), true);
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
    detect_copy_text(c->directory_admins[c->ndirectory_admins++], DETECT_NAME_MAX, item,
                     strlen(item), true);
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
    detect_copy_text(m->name, sizeof m->name, item, (size_t)(eq - item), true);
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
        detect_copy_text(a, sizeof a, item, alen, true);
    if (dash && strlen(dash + 1) < sizeof b)
        detect_copy_text(b, sizeof b, dash + 1, strlen(dash + 1), true);
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
            f->flags |= DETECT_FACT_HAS_BYTES;
            return;
        }
    }
    /* kernel packet logs: the logged packet's length, when it left through an interface */
    if (cstr_eq(ev->parser, "iptables") && slice_eq(field(ev, "direction"), "outbound")) {
        bool present;
        f->bytes_out = field_u64(ev, "length", &present);
        if (present)
            f->flags |= DETECT_FACT_HAS_BYTES;
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
            copy_slice(f->conn.dst_name, sizeof f->conn.dst_name, name, true);
        }
    }
    if (!f->dst.family && !f->conn.dst_name[0])
        return false;
    uint64_t port = field_u64(ev, port_fields[0], NULL);
    if (!port)
        port = field_u64(ev, port_fields[1], NULL);
    f->dst_port = port <= 65535 ? (uint16_t)port : 0;
    extract_bytes(ev, f);
    bool src_internal = is_internal(cfg, &f->src);
    bool dst_internal = f->dst.family ? is_internal(cfg, &f->dst) : false;
    if (cstr_eq(ev->parser, "cisco_asa")) {
        uint64_t id = field_u64(ev, "asa_message_id", NULL);
        if (id == 302014 || id == 302016) {
            /* Teardown lines name the sides in the Built line's "for ... to" order, which for
             * outbound connections puts the inside host second: make it the source. Their bytes
             * are both directions together; the contact itself was the Built line. */
            f->flags |= DETECT_FACT_BYTES_ONLY;
            if (!src_internal && dst_internal && f->dst.family) {
                struct detect_ip t = f->src;
                f->src = f->dst;
                f->dst = t;
                uint64_t sport = field_u64(ev, "src_port", NULL);
                f->dst_port = sport <= 65535 ? (uint16_t)sport : 0;
                src_internal = true;
                dst_internal = false;
            }
        }
    }
    f->flags |= (src_internal ? DETECT_FACT_SRC_INTERNAL : 0) |
                (dst_internal ? DETECT_FACT_DST_INTERNAL : 0);
    if (in_networks(cfg->exclude, cfg->nexclude, &f->src))
        return false;
    /* only what leaves the organisation matters to these detectors */
    return src_internal && !dst_internal;
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
        copy_slice(f->act.user, sizeof f->act.user, dn, false);
    } else {
        if (!cfg->directory_unknown_actor)
            return false;
        detect_copy_text(f->act.user, sizeof f->act.user, "(unknown)", 9, false);
    }
    detect_copy_text(f->act.operation, sizeof f->act.operation, *o, strlen(*o), false);
    copy_slice(f->act.target, sizeof f->act.target, field(ev, "dn"), false);
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
    detect_copy_text(f->act.user, sizeof f->act.user, actor, strlen(actor), false);
    detect_copy_text(f->act.operation, sizeof f->act.operation, c->operation, strlen(c->operation),
                     false);
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
    detect_copy_text(f->act.target, sizeof f->act.target, target, strlen(target), false);
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
    if (ip_parse(f->act.host, strlen(f->act.host), &f->src))
        return;
    size_t short_len = strcspn(f->act.host, ".");
    for (size_t i = 0; i < cfg->nav_hosts; i++) {
        const char *n = cfg->av_hosts[i].name;
        size_t nlen = strcspn(n, ".");
        if (str_eq_nocase(n, f->act.host) ||
            (short_len && nlen == short_len && prefix_eq_nocase(n, f->act.host, nlen) &&
             (!n[nlen] || !f->act.host[short_len]))) {
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
        copy_slice(f->act.signature, sizeof f->act.signature, field(ev, "Signature"), false);
        copy_slice(f->act.target, sizeof f->act.target, field(ev, "Filename"), false);
        copy_slice(f->act.host, sizeof f->act.host, ev->host, true);
        /* the client of an INSTREAM scan, unless it is the scanning host itself (loopback) */
        struct slice ip = field(ev, "src_ip");
        if (ip_parse(ip.p, ip.len, &f->src) && !is_internal(cfg, &f->src))
            memset(&f->src, 0, sizeof f->src);
        detect_copy_text(f->act.operation, sizeof f->act.operation, "detected", 8, false);
    } else if (cstr_eq(ls->product, "windows")) {
        if (winid != 1006 && winid != 1116 && winid != 1117)
            return false;
        static const char *const sig[] = { "ThreatName", "Threat Name", NULL };
        static const char *const user[] = { "DetectionUser", "Detection User", NULL };
        copy_slice(f->act.signature, sizeof f->act.signature, field_any(ev, sig), false);
        copy_slice(f->act.target, sizeof f->act.target, field(ev, "Path"), false);
        copy_slice(f->act.user, sizeof f->act.user, field_any(ev, user), false);
        copy_slice(f->act.host, sizeof f->act.host, field(ev, "Computer"), true);
        const char *what = winid == 1117 ? "action_taken" : "detected";
        detect_copy_text(f->act.operation, sizeof f->act.operation, what, strlen(what), false);
    } else { /* FortiGate antivirus (utm/virus): the internal side of the session */
        struct slice src = field(ev, "src_ip"), dst = field(ev, "dst_ip");
        struct detect_ip a, b;
        bool ha = ip_parse(src.p, src.len, &a), hb = ip_parse(dst.p, dst.len, &b);
        if (ha && is_internal(cfg, &a))
            f->src = a;
        else if (hb && is_internal(cfg, &b))
            f->src = b;
        copy_slice(f->act.signature, sizeof f->act.signature, field(ev, "virus"), false);
        static const char *const tgt[] = { "url", "filename", NULL };
        copy_slice(f->act.target, sizeof f->act.target, field_any(ev, tgt), false);
        copy_slice(f->act.user, sizeof f->act.user, field(ev, "user"), false);
        copy_slice(f->act.host, sizeof f->act.host, field(ev, "devname"), false);
        copy_slice(f->act.operation, sizeof f->act.operation, field(ev, "action"), false);
    }
    if (!f->act.signature[0])
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
        detect_copy_text(f->source, sizeof f->source, ev->parser, strlen(ev->parser), false);
    switch (kind) {
    case DETECT_FACT_CONNECTION:
        return extract_connection(cfg, ev, f);
    case DETECT_FACT_AV:
        return extract_av(cfg, ev, f, winid);
    case DETECT_FACT_DIRECTORY:
        if (cstr_eq(ls->product, "windows")) {
            if (!extract_windows_directory(ev, winid, f))
                return false;
            copy_slice(f->act.host, sizeof f->act.host, field(ev, "Computer"), true);
        } else {
            if (!extract_slapd(cfg, ev, f))
                return false;
            copy_slice(f->act.host, sizeof f->act.host, ev->host, true);
        }
        return true;
    case DETECT_FACT_NONE:
        break;
    }
    return false;
}

/* The engine copies a connection fact into a batch for every proxy and firewall event. */
_Static_assert(offsetof(struct detect_fact, conn) + sizeof(struct detect_fact_connection) <= 200,
               "a connection fact must stay small");

size_t detect_fact_size(const struct detect_fact *f)
{
    switch (f->kind) {
    case DETECT_FACT_CONNECTION:
        return offsetof(struct detect_fact, conn) + sizeof f->conn;
    case DETECT_FACT_DIRECTORY:
        return offsetof(struct detect_fact, act.signature);
    case DETECT_FACT_AV:
        return offsetof(struct detect_fact, act) + sizeof f->act;
    default:
        return offsetof(struct detect_fact, conn);
    }
}
