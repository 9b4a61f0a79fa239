/* SPDX-License-Identifier: Apache-2.0 */
/* test_detectors.c: the stateful detectors on synthetic traffic. Events are made from realistic
 * raw log lines (Squid, FortiGate, Cisco ASA, Suricata, slapd, Windows, ClamAV) through the real
 * parsers, so the extractor sees the field names production sees. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "detect/detectors.h"
#include "event/event.h"
#include "parse/parser.h"
#include "unit.h"

/* ---- harness ---- */

#define MAX_ALERTS 64
struct seen {
    size_t n;
    struct {
        char detector[32], key[256], level[16], details[4096];
        uint64_t count;
        int64_t first_ns, last_ns;
        size_t ntags;
        bool has_ja;
    } a[MAX_ALERTS];
};

static void on_alert(void *ctx, const struct detect_alert *a)
{
    struct seen *s = ctx;
    if (!s || s->n >= MAX_ALERTS)
        return;
    snprintf(s->a[s->n].detector, sizeof s->a[0].detector, "%s", a->detector);
    snprintf(s->a[s->n].key, sizeof s->a[0].key, "%s", a->key);
    snprintf(s->a[s->n].level, sizeof s->a[0].level, "%s", a->level);
    snprintf(s->a[s->n].details, sizeof s->a[0].details, "%s", a->details_json);
    s->a[s->n].count = a->count;
    s->a[s->n].first_ns = a->first_ns;
    s->a[s->n].last_ns = a->last_ns;
    s->a[s->n].ntags = a->ntags;
    s->a[s->n].has_ja = a->title_ja && strlen(a->title_ja) > 0 && a->title && a->title[0];
    if (getenv("DETECT_DEBUG"))
        fprintf(stderr, "%s %s %s %s\n", a->detector, a->key, a->level, a->details_json);
    s->n++;
}

static size_t count_alerts(const struct seen *s, const char *detector)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += !strcmp(s->a[i].detector, detector);
    return n;
}

/* A number after "key": in a details object; -1 when absent. */
static double detail_num(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    return p ? strtod(p + strlen(pat), NULL) : -1;
}

static struct event ev;
static struct parse_options popt;

/* Parse one raw line as the sensor would (zone +09:00 for lines without one). */
static const struct event *parse_line(const char *line)
{
    event_reset(&ev);
    ev.raw = line;
    ev.raw_len = strlen(line);
    ev.receive_ns = 1;
    parse_message(&ev, &popt);
    return &ev;
}

static bool line_fact(const struct detectors_config *cfg, const char *line, struct detect_fact *f)
{
    return detect_extract(cfg, parse_line(line), f);
}

static void feed_line(struct detectors *d, const struct detectors_config *cfg, const char *line,
                      struct seen *s)
{
    struct detect_fact f;
    if (line_fact(cfg, line, &f))
        detectors_feed(d, &f, on_alert, s);
}

static uint64_t rng_state = 88172645463325252ull;
static double rnd(void) /* uniform [0, 1) */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double rnd_exp(double mean)
{
    double u = rnd();
    /* -mean * ln(1 - u) without libm: the series of ln is enough for a test's spread */
    double x = 1 - u, y = (x - 1) / (x + 1), y2 = y * y, sum = 0, term = y;
    for (int k = 1; k < 200; k += 2) {
        sum += term / k;
        term *= y2;
    }
    return -mean * 2 * sum;
}

/* Monday 2026-11-23 00:00:00 +09:00 */
static int64_t t0(void)
{
    return (mm_utc_seconds(2026, 11, 23, 0, 0, 0) - 9 * 3600) * MM_NS_PER_SEC;
}

static void squid_line(char *out, size_t n, int64_t ns, const char *client, const char *host)
{
    snprintf(out, n,
             "%" PRId64 ".%03d     17 %s TCP_MISS/200 316 GET http://%s/index.php?id=1 - "
             "HIER_DIRECT/203.0.113.5 text/html",
             ns / MM_NS_PER_SEC, (int)(ns % MM_NS_PER_SEC / 1000000), client, host);
}

static void fortigate_line(char *out, size_t n, int64_t ns, const char *src, const char *dst,
                           uint64_t sent)
{
    snprintf(out, n,
             "<189>date=2026-11-23 time=15:30:00 devname=\"FG100E\" devid=\"FG100E4Q17000001\" "
             "eventtime=%" PRId64 " tz=\"+0900\" logid=\"0000000013\" type=\"traffic\" "
             "subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=%s srcport=51234 "
             "srcintf=\"port1\" dstip=%s dstport=443 dstintf=\"wan1\" proto=6 action=\"close\" "
             "policyid=1 service=\"HTTPS\" sentbyte=%" PRIu64 " rcvdbyte=5678",
             ns, src, dst, sent);
}

/* RFC 5424 time of ns in +09:00 */
static void jst(char *out, size_t n, int64_t ns)
{
    int y, mo, d, h, mi, s;
    mm_civil_from_seconds(ns / MM_NS_PER_SEC + 9 * 3600, &y, &mo, &d, &h, &mi, &s);
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d+09:00", y, mo, d, h, mi, s);
}

static void slapd_lines(struct detectors *d, const struct detectors_config *cfg, int64_t ns,
                        int conn, const char *bind_dn, const char *op, struct seen *s)
{
    char t[40], line[512];
    jst(t, sizeof t, ns);
    snprintf(line, sizeof line,
             "<134>1 %s ldap1 slapd 123 - - conn=%d fd=12 ACCEPT from IP=10.0.0.9:33112 "
             "(IP=0.0.0.0:389)",
             t, conn);
    feed_line(d, cfg, line, s);
    snprintf(line, sizeof line,
             "<134>1 %s ldap1 slapd 123 - - conn=%d op=0 BIND dn=\"%s\" mech=SIMPLE bind_ssf=0 "
             "ssf=0",
             t, conn, bind_dn);
    feed_line(d, cfg, line, s);
    snprintf(
        line, sizeof line,
        "<134>1 %s ldap1 slapd 123 - - conn=%d op=1 %s dn=\"uid=bob,ou=people,dc=example,dc=com\"",
        t, conn, op);
    feed_line(d, cfg, line, s);
    snprintf(line, sizeof line,
             "<134>1 %s ldap1 slapd 123 - - conn=%d op=1 RESULT tag=103 err=0 qtime=0.000008 "
             "etime=0.002959 text=",
             t, conn);
    feed_line(d, cfg, line, s);
    snprintf(line, sizeof line, "<134>1 %s ldap1 slapd 123 - - conn=%d fd=12 closed", t, conn);
    feed_line(d, cfg, line, s);
}

static void windows_line(char *out, size_t n, int64_t ns, const char *channel, int id,
                         const char *computer, const char *data)
{
    char t[40];
    mm_time_format(ns, MM_TIME_MILLI, t, sizeof t);
    snprintf(out, n,
             "{\"@timestamp\":\"%s\",\"winlog\":{\"channel\":\"%s\",\"event_id\":%d,"
             "\"provider_name\":\"Microsoft-Windows-Security-Auditing\",\"computer_name\":\"%s\","
             "\"event_data\":{%s}}}",
             t, channel, id, computer, data);
}

/* ---- configuration ---- */

static void test_config(void)
{
    struct detectors_config c;
    struct mm_error err = { "" };
    detectors_config_defaults(&c);
    CHECK(c.beaconing && c.outbound_volume && c.directory_offhours && c.av_then_outbound);
    CHECK(c.ninternal == 4);
    CHECK(c.beacon_min_count == 12 && c.beacon_window == 32);
    CHECK(c.volume_interval == 3600 * MM_NS_PER_SEC && c.volume_floor == 100u << 20);
    CHECK(c.tz_offset == 9 * 3600 && c.business_start == 8 * 60 && c.business_end == 20 * 60);
    CHECK(c.business_days == 0x3e); /* Monday to Friday */
    CHECK(c.ndirectory_admins == 6);
    CHECK(detectors_config_set(&c, "beacon_min_count", "20", &err) == MM_OK &&
          c.beacon_min_count == 20);
    CHECK(detectors_config_set(&c, "beacon_tolerance", "0.25", &err) == MM_OK &&
          c.beacon_tolerance == 0.25);
    CHECK(detectors_config_set(&c, "no_such_thing", "1", &err) == MM_ERR_NOT_FOUND);
    CHECK(detectors_config_set(&c, "beacon_window", "500", &err) == MM_ERR_INVALID &&
          c.beacon_window == 32);
    CHECK(detectors_config_set(&c, "business_hours", "25:00-08:00", &err) == MM_ERR_INVALID);
    CHECK(strstr(err.msg, "business_hours") != NULL);
    CHECK(detectors_config_set(&c, "business_days", "mon-xyz", &err) == MM_ERR_INVALID &&
          c.business_days == 0x3e);
    CHECK(detectors_config_set(&c, "business_days", "sat-sun", &err) == MM_OK &&
          c.business_days == 0x41);
    CHECK(detectors_config_set(&c, "holidays", "2026-02-30", &err) == MM_ERR_INVALID);
    CHECK(detectors_config_set(&c, "holidays", "2027-01-01, 2026-11-23", &err) == MM_OK &&
          c.nholidays == 2 && c.holidays[0] < c.holidays[1]);
    CHECK(detectors_config_set(&c, "business_timezone", "Europe/Paris", &err) == MM_ERR_INVALID);
    CHECK(detectors_config_set(&c, "business_timezone", "-05:00", &err) == MM_OK &&
          c.tz_offset == -5 * 3600);
    CHECK(detectors_config_set(&c, "business_timezone", "Asia/Tokyo", &err) == MM_OK &&
          c.tz_offset == 9 * 3600);
    CHECK(detectors_config_set(&c, "internal_networks", "10.0.0.0/8,bogus", &err) ==
              MM_ERR_INVALID &&
          c.ninternal == 4);
    CHECK(detectors_config_set(&c, "av_hosts", "pc1=10.0.0.1,pc2", &err) == MM_ERR_INVALID &&
          c.nav_hosts == 0);
    CHECK(detectors_config_set(&c, "beacon_allow", "*.vendor.example,198.51.100.0/24", &err) ==
              MM_OK &&
          c.nbeacon_allow == 2 && !strcmp(c.beacon_allow[0].domain, "vendor.example") &&
          c.beacon_allow[1].is_net);
    CHECK(detectors_nparams > 40);
    struct detectors_config fresh;
    detectors_config_defaults(&fresh);
    size_t defaults_ok = 0;
    for (size_t i = 0; i < detectors_nparams; i++)
        defaults_ok += detectors_config_set(&fresh, detectors_params[i].name,
                                            detectors_params[i].default_value, NULL) == MM_OK;
    CHECK(defaults_ok == detectors_nparams);
}

/* ---- extraction ---- */

static void test_extract(void)
{
    struct detectors_config c;
    detectors_config_defaults(&c);
    struct detect_fact f;
    char line[1024];

    squid_line(line, sizeof line, t0(), "10.1.2.3", "C2.Example");
    CHECK(line_fact(&c, line, &f));
    CHECK(f.kind == DETECT_FACT_CONNECTION && f.flags == DETECT_FACT_SRC_INTERNAL);
    CHECK_STR(f.conn.dst_name, strlen(f.conn.dst_name), "c2.example");
    CHECK(f.time_ns == t0() && !(f.flags & DETECT_FACT_HAS_BYTES));
    CHECK_STR(f.source, strlen(f.source), "squid");

    squid_line(line, sizeof line, t0(), "10.1.2.3", "10.9.9.9");
    CHECK(!line_fact(&c, line, &f)); /* internal to internal */

    fortigate_line(line, sizeof line, t0(), "10.0.0.5", "93.184.216.34", 4321);
    CHECK(line_fact(&c, line, &f) && (f.flags & DETECT_FACT_HAS_BYTES) && f.bytes_out == 4321 &&
          f.dst_port == 443);

    CHECK(line_fact(&c,
                    "<166>Nov 23 2026 15:31:02: %ASA-6-302014: Teardown TCP connection 11757 "
                    "for outside:93.184.216.34/443 to inside:10.0.0.5/51234 duration 0:01:02 "
                    "bytes 6150 TCP FINs",
                    &f));
    CHECK((f.flags & DETECT_FACT_BYTES_ONLY) && f.bytes_out == 6150 && f.src.family == 4 &&
          f.src.addr[3] == 5 && f.dst_port == 443);

    CHECK(line_fact(&c,
                    "{\"timestamp\":\"2026-11-23T15:30:00.123456+0900\",\"flow_id\":1,"
                    "\"event_type\":\"flow\",\"src_ip\":\"10.0.0.5\",\"src_port\":51234,"
                    "\"dest_ip\":\"93.184.216.34\",\"dest_port\":443,\"proto\":\"TCP\","
                    "\"flow\":{\"pkts_toserver\":10,\"pkts_toclient\":12,\"bytes_toserver\":1820,"
                    "\"bytes_toclient\":9000,\"state\":\"closed\"}}",
                    &f));
    CHECK((f.flags & DETECT_FACT_HAS_BYTES) && f.bytes_out == 1820);

    CHECK(detectors_config_set(&c, "detect_exclude_sources", "10.0.0.5", NULL) == MM_OK);
    CHECK(!line_fact(&c, line, &f)); /* the fortigate line again, from an excluded source */

    windows_line(line, sizeof line, t0(), "Microsoft-Windows-Windows Defender/Operational", 1116,
                 "PC42.corp.example",
                 "\"Threat Name\":\"Trojan:Win32/Emotet\",\"Path\":\"C:\\\\Users\\\\bob\\\\x.exe\","
                 "\"Detection User\":\"CORP\\\\bob\"");
    CHECK(line_fact(&c, line, &f) && f.kind == DETECT_FACT_AV);
    CHECK_STR(f.act.signature, strlen(f.act.signature), "Trojan:Win32/Emotet");
    CHECK_STR(f.act.host, strlen(f.act.host), "pc42.corp.example");
    CHECK(f.src.family == 0); /* no address known for the name */
    CHECK(detectors_config_set(&c, "av_hosts", "pc42=10.3.0.8", NULL) == MM_OK);
    CHECK(line_fact(&c, line, &f) && f.src.family == 4 && f.src.addr[3] == 8);

    /* ClamAV INSTREAM from loopback: the host is the syslog host, found by name */
    CHECK(detectors_config_set(&c, "av_hosts", "fs1=10.3.0.7", NULL) == MM_OK);
    CHECK(line_fact(&c,
                    "<131>1 2026-11-24T10:00:00+09:00 fs1 clamd 99 - - "
                    "instream(127.0.0.1@42852): Win.Test.EICAR_HDB-1 FOUND",
                    &f));
    CHECK(f.kind == DETECT_FACT_AV && f.src.family == 4 && f.src.addr[3] == 7);
    CHECK(line_fact(&c,
                    "<131>1 2026-11-24T10:00:00+09:00 fs1 clamd 99 - - "
                    "instream(10.3.0.44@42852): Win.Test.EICAR_HDB-1 FOUND",
                    &f));
    CHECK(f.src.family == 4 && f.src.addr[3] == 44);

    c.av_then_outbound = false;
    CHECK(!line_fact(&c, line, &f));
    CHECK(!line_fact(&c, "<131>1 2026-11-24T10:00:00+09:00 fs1 clamd 99 - - /srv/x: OK", &f));
}

/* ---- beaconing ---- */

static void test_beaconing(void)
{
    struct detectors_config c;
    detectors_config_defaults(&c);
    struct detectors *d = detectors_new(&c);
    struct seen s = { 0 };
    char line[1024];
    int64_t start = t0() + 10 * 3600 * MM_NS_PER_SEC;

    /* implant: every 60 s ±20 %, for two hours; and a person browsing at random (Poisson, mean
     * 60 s) from the next desk, and twenty more browsers on their own sites */
    int64_t t = start;
    while (t < start + 2 * 3600 * MM_NS_PER_SEC) {
        squid_line(line, sizeof line, t, "10.1.2.3", "c2.example");
        feed_line(d, &c, line, &s);
        t += (int64_t)(60e9 * (0.8 + 0.4 * rnd()));
    }
    CHECK(count_alerts(&s, "beaconing") == 1);
    CHECK(s.n >= 1 && !strcmp(s.a[0].key, "10.1.2.3 -> c2.example"));
    double iv = s.n ? detail_num(s.a[0].details, "interval_s") : 0;
    CHECK(iv > 54 && iv < 66);
    double score = s.n ? detail_num(s.a[0].details, "score") : 0;
    CHECK(score >= 0.8 && score <= 1);
    CHECK(s.n && detail_num(s.a[0].details, "count") >= 12);
    CHECK(s.n && detail_num(s.a[0].details, "jitter") > 0.02 &&
          detail_num(s.a[0].details, "jitter") < 0.3);
    CHECK(s.n && s.a[0].ntags >= 2 && s.a[0].has_ja);
    CHECK(s.n && s.a[0].last_ns - s.a[0].first_ns >= 30 * 60 * MM_NS_PER_SEC);

    size_t before = s.n;
    for (int h = 0; h < 21; h++) {
        char client[32], site[64];
        snprintf(client, sizeof client, "10.1.3.%d", h + 1);
        snprintf(site, sizeof site, "news%d.example", h);
        t = start;
        while (t < start + 2 * 3600 * MM_NS_PER_SEC) {
            squid_line(line, sizeof line, t, client, site);
            feed_line(d, &c, line, &s);
            t += (int64_t)(rnd_exp(60) * 1e9) + MM_NS_PER_SEC;
        }
    }
    CHECK(s.n == before); /* random browsing is not periodic */

    /* an update server every host polls every 5 minutes: popular, not a beacon */
    for (int k = 0; k < 36; k++)
        for (int h = 0; h < 30; h++) {
            char client[32];
            snprintf(client, sizeof client, "10.1.4.%d", h + 1);
            squid_line(line, sizeof line, start + (k * 300 + h) * MM_NS_PER_SEC, client,
                       "update.vendor.example");
            feed_line(d, &c, line, &s);
        }
    CHECK(s.n == before);
    { /* control: the same polling from hosts that are not counted as many does alert */
        struct detectors_config c2 = c;
        CHECK(detectors_config_set(&c2, "beacon_popular_sources", "100", NULL) == MM_OK);
        struct detectors *d2 = detectors_new(&c2);
        struct seen s2 = { 0 };
        for (int k = 0; k < 36; k++)
            for (int h = 0; h < 30; h++) {
                char client[32];
                snprintf(client, sizeof client, "10.1.4.%d", h + 1);
                squid_line(line, sizeof line, start + (k * 300 + h) * MM_NS_PER_SEC, client,
                           "update.vendor.example");
                feed_line(d2, &c2, line, &s2);
            }
        CHECK(count_alerts(&s2, "beaconing") == 30);
        detectors_free(d2);
    }

    /* internal destinations are never beacons */
    for (int k = 0; k < 100; k++) {
        squid_line(line, sizeof line, start + k * 60 * MM_NS_PER_SEC, "10.1.5.1", "10.20.0.1");
        feed_line(d, &c, line, &s);
    }
    CHECK(s.n == before);

    /* the implant goes on: within beacon_suppress no second alert */
    t = start + 2 * 3600 * MM_NS_PER_SEC;
    while (t < start + 4 * 3600 * MM_NS_PER_SEC) {
        squid_line(line, sizeof line, t, "10.1.2.3", "c2.example");
        feed_line(d, &c, line, &s);
        t += (int64_t)(60e9 * (0.8 + 0.4 * rnd()));
    }
    CHECK(count_alerts(&s, "beaconing") == 1);
    struct detectors_stats st;
    detectors_stats(d, &st);
    CHECK(st.suppressed > 0);
    CHECK(st.alerts[0] == 1);
    detectors_free(d);
}

static void test_beacon_missed_and_firewall(void)
{
    struct detectors_config c;
    detectors_config_defaults(&c);
    CHECK(detectors_config_set(&c, "beacon_allow", "vendor.example,198.51.100.0/24", NULL) ==
          MM_OK);
    struct detectors *d = detectors_new(&c);
    struct seen s = { 0 };
    char line[1024];
    int64_t start = t0() + 30 * 3600 * MM_NS_PER_SEC;

    /* every 120 s ±15 %, a quarter of the beacons lost, seen only by the firewall */
    int64_t t = start;
    int kept = 0;
    while (t < start + 3 * 3600 * MM_NS_PER_SEC) {
        if (rnd() >= 0.25) {
            fortigate_line(line, sizeof line, t, "10.0.0.7", "203.0.113.77", 500);
            feed_line(d, &c, line, &s);
            kept++;
        }
        t += (int64_t)(120e9 * (0.85 + 0.3 * rnd()));
    }
    CHECK(kept > 50);
    CHECK(count_alerts(&s, "beaconing") == 1);
    CHECK(s.n && !strcmp(s.a[0].key, "10.0.0.7 -> 203.0.113.77"));
    CHECK(s.n && detail_num(s.a[0].details, "missed") >= 1);
    CHECK(s.n && detail_num(s.a[0].details, "dst_port") == 443);
    double iv = s.n ? detail_num(s.a[0].details, "interval_s") : 0;
    CHECK(iv > 108 && iv < 132);

    /* the same implant towards allowed destinations: a subdomain and a network */
    size_t before = s.n;
    for (int k = 0; k < 120; k++) {
        squid_line(line, sizeof line, start + k * 60 * MM_NS_PER_SEC, "10.0.0.8",
                   "telemetry.vendor.example");
        feed_line(d, &c, line, &s);
        fortigate_line(line, sizeof line, start + k * 60 * MM_NS_PER_SEC, "10.0.0.9",
                       "198.51.100.10", 100);
        feed_line(d, &c, line, &s);
    }
    CHECK(s.n == before);
    /* "vendor.example" does not cover "badvendor.example" */
    for (int k = 0; k < 120; k++) {
        squid_line(line, sizeof line, start + k * 60 * MM_NS_PER_SEC, "10.0.0.8",
                   "badvendor.example");
        feed_line(d, &c, line, &s);
    }
    CHECK(s.n == before + 1);
    detectors_free(d);

    /* a shorter suppression lets a long-running beacon alert again */
    CHECK(detectors_config_set(&c, "beacon_suppress", "1h", NULL) == MM_OK);
    d = detectors_new(&c);
    memset(&s, 0, sizeof s);
    for (int k = 0; k < 4 * 60; k++) {
        squid_line(line, sizeof line, start + k * 60 * MM_NS_PER_SEC, "10.0.0.10", "cc.example");
        feed_line(d, &c, line, &s);
    }
    CHECK(s.n >= 3 && s.n <= 4);
    CHECK(s.n && !strcmp(s.a[0].level, "high")); /* no jitter at all */
    detectors_free(d);

    /* the pair table stays within beacon_max_pairs */
    CHECK(detectors_config_set(&c, "beacon_max_pairs", "16", NULL) == MM_OK);
    d = detectors_new(&c);
    for (int k = 0; k < 100; k++) {
        char host[64];
        snprintf(host, sizeof host, "site%d.example", k);
        squid_line(line, sizeof line, start + k * MM_NS_PER_SEC, "10.0.0.11", host);
        feed_line(d, &c, line, NULL);
    }
    struct detectors_stats st;
    detectors_stats(d, &st);
    CHECK(st.pairs == 16 && st.evicted_pairs == 84);
    CHECK(st.destinations == 100);
    detectors_free(d);
}

/* ---- outbound volume ---- */

/* An hour of traffic from src: twenty sessions sharing total bytes. */
static void volume_hour(struct detectors *d, const struct detectors_config *c, int64_t hour_start,
                        const char *src, double total, struct seen *s)
{
    char line[1024];
    for (int k = 0; k < 20; k++) {
        fortigate_line(line, sizeof line, hour_start + (int64_t)k * 170 * MM_NS_PER_SEC, src,
                       "93.184.216.34", (uint64_t)(total / 20));
        feed_line(d, c, line, s);
    }
}

static void test_volume(void)
{
    struct detectors_config c;
    detectors_config_defaults(&c);
    c.beaconing = false; /* the synthetic sessions below are evenly spaced */
    struct detectors *d = detectors_new(&c);
    struct seen s = { 0 };
    const int64_t hour = 3600 * MM_NS_PER_SEC;
    int64_t start = t0();
    const double mb = 1 << 20;

    /* a server sending a steady 10 MB an hour for three days, and a desktop with office days:
     * 200 MB an hour 09-18, 2 MB at night, ±20 %, for a week */
    for (int h = 0; h < 7 * 24; h++) {
        int64_t hs = start + h * hour;
        if (h < 72)
            volume_hour(d, &c, hs, "10.2.0.5", 10 * mb * (0.9 + 0.2 * rnd()), &s);
        int local = h % 24;
        double office = local >= 9 && local < 18 ? 200 * mb : 2 * mb;
        volume_hour(d, &c, hs, "10.2.0.6", office * (0.8 + 0.4 * rnd()), &s);
    }
    CHECK(count_alerts(&s, "outbound_volume") == 0);

    /* then fifty times the server's hour */
    volume_hour(d, &c, start + 72 * hour, "10.2.0.5", 500 * mb, &s);
    CHECK(count_alerts(&s, "outbound_volume") == 0); /* the hour is still open */
    detectors_advance(d, start + 73 * hour, on_alert, &s);
    CHECK(count_alerts(&s, "outbound_volume") == 0); /* not before volume_grace */
    detectors_advance(d, start + 73 * hour + 2 * 60 * MM_NS_PER_SEC, on_alert, &s);
    CHECK(count_alerts(&s, "outbound_volume") == 1);
    CHECK(s.n && !strcmp(s.a[0].key, "10.2.0.5"));
    CHECK(s.n && detail_num(s.a[0].details, "bytes_out") >= 499 * mb);
    CHECK(s.n && detail_num(s.a[0].details, "ratio") > 30);
    CHECK(s.n && !strcmp(s.a[0].level, "high"));
    CHECK(s.n && s.a[0].count == 20);

    /* a new host: fifty times its hour, but still in warm-up */
    for (int h = 0; h < 5; h++)
        volume_hour(d, &c, start + (100 + h) * hour, "10.2.0.7", 10 * mb, &s);
    volume_hour(d, &c, start + 105 * hour, "10.2.0.7", 500 * mb, &s);
    volume_hour(d, &c, start + 106 * hour, "10.2.0.7", 10 * mb, &s);
    CHECK(count_alerts(&s, "outbound_volume") == 1);

    /* fifty times a small host's hour stays under volume_floor */
    for (int h = 0; h < 60; h++)
        volume_hour(d, &c, start + h * hour, "10.2.0.8", 100 * 1024, &s);
    volume_hour(d, &c, start + 60 * hour, "10.2.0.8", 5 * mb, &s);
    volume_hour(d, &c, start + 61 * hour, "10.2.0.8", 100 * 1024, &s);
    CHECK(count_alerts(&s, "outbound_volume") == 1);
    struct detectors_stats st;
    detectors_stats(d, &st);
    CHECK(st.volume_hosts == 4 && st.alerts[1] == 1);
    detectors_free(d);

    /* a lower floor and the small host alerts; the host table is capped */
    CHECK(detectors_config_set(&c, "volume_floor", "1m", NULL) == MM_OK);
    CHECK(detectors_config_set(&c, "volume_max_hosts", "16", NULL) == MM_OK);
    d = detectors_new(&c);
    memset(&s, 0, sizeof s);
    for (int h = 0; h < 60; h++)
        volume_hour(d, &c, start + h * hour, "10.2.0.8", 100 * 1024, &s);
    volume_hour(d, &c, start + 60 * hour, "10.2.0.8", 5 * mb, &s);
    volume_hour(d, &c, start + 61 * hour, "10.2.0.8", 100 * 1024, &s);
    CHECK(count_alerts(&s, "outbound_volume") == 1);
    for (int k = 0; k < 40; k++) {
        char src[32];
        snprintf(src, sizeof src, "10.2.1.%d", k + 1);
        volume_hour(d, &c, start + 62 * hour, src, mb, &s);
    }
    detectors_stats(d, &st);
    CHECK(st.volume_hosts == 16 && st.evicted_volume_hosts == 25);
    detectors_free(d);
}

/* ---- directory ---- */

static void test_directory(void)
{
    struct detectors_config c;
    detectors_config_defaults(&c);
    struct detectors *d = detectors_new(&c);
    struct seen s = { 0 };
    const int64_t hour = 3600 * MM_NS_PER_SEC;
    int64_t tue = t0() + 24 * hour;

    slapd_lines(d, &c, tue + 10 * hour, 1001, "cn=admin,dc=example,dc=com", "MOD", &s);
    CHECK(s.n == 0); /* Tuesday 10:00 JST */
    slapd_lines(d, &c, tue + 2 * hour, 1002, "cn=admin,dc=example,dc=com", "MOD", &s);
    CHECK(count_alerts(&s, "directory_offhours") == 1); /* Tuesday 02:00 JST */
    CHECK(s.n && !strcmp(s.a[0].key, "cn=admin,dc=example,dc=com on ldap1"));
    CHECK(s.n && strstr(s.a[0].details, "\"operation\":\"MOD\"") != NULL);
    CHECK(s.n &&
          strstr(s.a[0].details, "\"target\":\"uid=bob,ou=people,dc=example,dc=com\"") != NULL);
    CHECK(s.n && strstr(s.a[0].details, "\"reason\":\"outside business hours\"") != NULL);
    CHECK(s.n && strstr(s.a[0].details, "\"local_time\":\"2026-11-24T02:00:00+09:00\"") != NULL);
    CHECK(s.n && strstr(s.a[0].details, "\"src_ip\":\"10.0.0.9\"") != NULL);

    /* the same operator five minutes later: suppressed; twenty minutes later: again */
    slapd_lines(d, &c, tue + 2 * hour + 5 * 60 * MM_NS_PER_SEC, 1003, "cn=admin,dc=example,dc=com",
                "DEL", &s);
    CHECK(s.n == 1);
    slapd_lines(d, &c, tue + 2 * hour + 20 * 60 * MM_NS_PER_SEC, 1004, "cn=admin,dc=example,dc=com",
                "ADD", &s);
    CHECK(s.n == 2 && !strcmp(s.a[1].level, "high"));

    /* an ordinary user's change at night is not an administrator's */
    slapd_lines(d, &c, tue + 3 * hour, 1005, "uid=bob,ou=people,dc=example,dc=com", "MOD", &s);
    CHECK(s.n == 2);
    /* Saturday 10:00 */
    slapd_lines(d, &c, t0() + (5 * 24 + 10) * hour, 1006, "cn=Manager,dc=example,dc=com", "MODRDN",
                &s);
    CHECK(s.n == 3 && strstr(s.a[2].details, "non-working day") != NULL);
    detectors_free(d);

    /* Monday 2026-11-23 is a public holiday in Japan */
    CHECK(detectors_config_set(&c, "holidays", "2026-11-23", NULL) == MM_OK);
    d = detectors_new(&c);
    memset(&s, 0, sizeof s);
    slapd_lines(d, &c, t0() + 10 * hour, 1007, "cn=admin,dc=example,dc=com", "MOD", &s);
    CHECK(s.n == 1 && strstr(s.a[0].details, "\"reason\":\"holiday\"") != NULL);
    slapd_lines(d, &c, tue + 10 * hour, 1008, "cn=root,dc=example,dc=com", "MOD", &s);
    CHECK(s.n == 1);

    /* Windows: a member added to Domain Admins at 02:00 JST (17:00 UTC the day before) */
    char line[2048];
    windows_line(line, sizeof line, tue + 2 * hour, "Security", 4728, "dc1.corp.example",
                 "\"SubjectUserName\":\"admin2\",\"SubjectDomainName\":\"CORP\","
                 "\"TargetUserName\":\"Domain "
                 "Admins\",\"MemberName\":\"CN=eve,CN=Users,DC=corp,DC=example\"");
    feed_line(d, &c, line, &s);
    CHECK(s.n == 2 && !strcmp(s.a[1].key, "CORP\\admin2 on dc1.corp.example"));
    CHECK(s.n == 2 && !strcmp(s.a[1].level, "high"));
    CHECK(s.n == 2 &&
          strstr(s.a[1].details, "CN=eve,CN=Users,DC=corp,DC=example -> Domain Admins") != NULL);
    CHECK(s.n == 2 && strstr(s.a[1].details, "group_member_added") != NULL);
    /* the machine account doing its own work, and a logon event: nothing */
    windows_line(line, sizeof line, tue + 2 * hour, "Security", 5136, "dc1.corp.example",
                 "\"SubjectUserName\":\"DC1$\",\"SubjectDomainName\":\"CORP\","
                 "\"ObjectDN\":\"CN=x,DC=corp,DC=example\"");
    feed_line(d, &c, line, &s);
    windows_line(line, sizeof line, tue + 2 * hour, "Security", 4624, "dc1.corp.example",
                 "\"SubjectUserName\":\"admin3\",\"TargetUserName\":\"bob\"");
    feed_line(d, &c, line, &s);
    CHECK(s.n == 2);
    windows_line(line, sizeof line, tue + 23 * hour, "Security", 5136, "dc1.corp.example",
                 "\"SubjectUserName\":\"admin3\",\"SubjectDomainName\":\"CORP\","
                 "\"ObjectDN\":\"CN=GPO1,DC=corp,DC=example\",\"AttributeLDAPDisplayName\":"
                 "\"gPCFileSysPath\"");
    feed_line(d, &c, line, &s);
    CHECK(s.n == 3 && strstr(s.a[2].details, "CN=GPO1,DC=corp,DC=example gPCFileSysPath") != NULL);
    CHECK(s.n == 3 && !strcmp(s.a[2].level, "medium"));
    detectors_free(d);
}

/* ---- antivirus then outbound ---- */

static void test_av(void)
{
    struct detectors_config c;
    detectors_config_defaults(&c);
    CHECK(detectors_config_set(&c, "av_hosts", "fs1=10.3.0.7, pc42=10.3.0.8", NULL) == MM_OK);
    struct detectors *d = detectors_new(&c);
    struct seen s = { 0 };
    const int64_t min = 60 * MM_NS_PER_SEC;
    int64_t det = t0() + 34 * 3600 * MM_NS_PER_SEC; /* Tuesday 10:00 JST */
    char line[2048], t[40];

    jst(t, sizeof t, det);
    snprintf(line, sizeof line,
             "<131>1 %s fs1 clamd 99 - - /srv/share/invoice.exe: Win.Trojan.Agent-1 FOUND", t);
    feed_line(d, &c, line, &s);
    /* another host talks outside: nothing */
    squid_line(line, sizeof line, det + 5 * min, "10.3.0.99", "evil.example");
    feed_line(d, &c, line, &s);
    /* the infected host, 10 and 10.5 minutes later */
    squid_line(line, sizeof line, det + 10 * min, "10.3.0.7", "evil.example");
    feed_line(d, &c, line, &s);
    fortigate_line(line, sizeof line, det + 10 * min + 30 * MM_NS_PER_SEC, "10.3.0.7",
                   "203.0.113.66", 1000);
    feed_line(d, &c, line, &s);
    CHECK(s.n == 0); /* collecting for av_collect */
    detectors_advance(d, det + 12 * min, on_alert, &s);
    CHECK(count_alerts(&s, "av_then_outbound") == 1);
    CHECK(s.n && !strcmp(s.a[0].key, "10.3.0.7 (fs1)"));
    CHECK(s.n && strstr(s.a[0].details, "\"signature\":\"Win.Trojan.Agent-1\"") != NULL);
    CHECK(s.n && strstr(s.a[0].details, "\"file\":\"/srv/share/invoice.exe\"") != NULL);
    CHECK(s.n && strstr(s.a[0].details, "\"dst_host\":\"evil.example\"") != NULL);
    CHECK(s.n && strstr(s.a[0].details, "\"dst_ip\":\"203.0.113.66\"") != NULL);
    CHECK(s.n && detail_num(s.a[0].details, "connection_count") == 2);
    CHECK(s.n && s.a[0].first_ns == det && s.a[0].count == 3);

    /* Defender on pc42 (mapped by its short name); a connection after the window: nothing */
    windows_line(line, sizeof line, det, "Microsoft-Windows-Windows Defender/Operational", 1116,
                 "PC42.corp.example",
                 "\"Threat Name\":\"Trojan:Win32/Emotet\",\"Path\":\"C:\\\\x.exe\"");
    feed_line(d, &c, line, &s);
    squid_line(line, sizeof line, det + 61 * min, "10.3.0.8", "evil.example");
    feed_line(d, &c, line, &s);
    detectors_advance(d, det + 70 * min, on_alert, &s);
    CHECK(s.n == 1);
    /* a connection before the detection does not count either */
    windows_line(line, sizeof line, det + 100 * min,
                 "Microsoft-Windows-Windows Defender/Operational", 1117, "pc42",
                 "\"Threat Name\":\"Trojan:Win32/Emotet\"");
    feed_line(d, &c, line, &s);
    squid_line(line, sizeof line, det + 99 * min, "10.3.0.8", "evil.example");
    feed_line(d, &c, line, &s);
    detectors_advance(d, det + 105 * min, on_alert, &s);
    CHECK(s.n == 1);
    /* within the window: alerts, and with av_collect passed by a later connection at once */
    squid_line(line, sizeof line, det + 110 * min, "10.3.0.8", "evil2.example");
    feed_line(d, &c, line, &s);
    squid_line(line, sizeof line, det + 112 * min, "10.3.0.8", "evil2.example");
    feed_line(d, &c, line, &s);
    CHECK(s.n == 2 && !strcmp(s.a[1].key, "10.3.0.8 (pc42)"));
    CHECK(s.n == 2 && strstr(s.a[1].details, "\"av_action\":\"action_taken\"") != NULL);

    /* FortiGate's antivirus names the session; then three destinations fill av_max_connections */
    detectors_free(d);
    CHECK(detectors_config_set(&c, "av_max_connections", "3", NULL) == MM_OK);
    d = detectors_new(&c);
    memset(&s, 0, sizeof s);
    snprintf(line, sizeof line,
             "<189>date=2026-11-24 time=10:00:00 devname=\"FG100E\" devid=\"FG100E4Q17000001\" "
             "eventtime=%" PRId64
             " tz=\"+0900\" logid=\"0211008192\" type=\"utm\" subtype=\"virus\" "
             "eventtype=\"infected\" level=\"warning\" vd=\"root\" srcip=10.0.0.5 srcport=51234 "
             "dstip=93.184.216.34 dstport=80 action=\"blocked\" service=\"HTTP\" "
             "virus=\"EICAR_TEST_FILE\" url=\"http://bad.example/eicar.com\" user=\"bob\"",
             det);
    feed_line(d, &c, line, &s);
    for (int k = 0; k < 3; k++) {
        char dst[32];
        snprintf(dst, sizeof dst, "198.51.100.%d", k + 1);
        fortigate_line(line, sizeof line, det + (k + 1) * MM_NS_PER_SEC, "10.0.0.5", dst, 10);
        feed_line(d, &c, line, &s);
    }
    CHECK(s.n == 1 && strstr(s.a[0].details, "EICAR_TEST_FILE") != NULL);
    CHECK(s.n == 1 && strstr(s.a[0].details, "\"user\":\"bob\"") != NULL);

    /* a detection whose host has no address cannot be correlated, and is counted */
    windows_line(line, sizeof line, det, "Microsoft-Windows-Windows Defender/Operational", 1116,
                 "laptop7", "\"Threat Name\":\"X\"");
    feed_line(d, &c, line, &s);
    struct detectors_stats st;
    detectors_stats(d, &st);
    CHECK(st.av_unresolved == 1 && st.alerts[3] == 1);
    detectors_free(d);

    /* disabled detectors stay silent */
    c.beaconing = c.outbound_volume = c.directory_offhours = c.av_then_outbound = false;
    d = detectors_new(&c);
    memset(&s, 0, sizeof s);
    for (int k = 0; k < 200; k++) {
        squid_line(line, sizeof line, det + k * min, "10.0.0.12", "cc.example");
        feed_line(d, &c, line, &s);
    }
    slapd_lines(d, &c, det - 8 * 3600 * MM_NS_PER_SEC, 1009, "cn=admin,dc=example,dc=com", "MOD",
                &s);
    CHECK(s.n == 0);
    detectors_free(d);
}

/* ---- the fact's meaningful bytes ---- */

#define MAX_FACTS 512
static struct detect_fact facts[MAX_FACTS];
static size_t nfacts;
static struct seen seen_whole, seen_garbage, seen_exact;

static void collect(const struct detectors_config *c, const char *line)
{
    if (nfacts < MAX_FACTS && line_fact(c, line, &facts[nfacts]))
        nfacts++;
}

enum feed_how {
    FEED_WHOLE,   /* the fact as extracted */
    FEED_GARBAGE, /* its meaningful bytes, then garbage: the rest must not matter */
    FEED_EXACT,   /* its meaningful bytes in a heap block of that size (ASan sees a read past) */
};

static void run_facts(const struct detectors_config *c, enum feed_how how, struct seen *s,
                      struct detectors_stats *st)
{
    struct detectors *d = detectors_new(c);
    int64_t last = 0;
    for (size_t i = 0; i < nfacts; i++) {
        size_t n = detect_fact_size(&facts[i]);
        last = MM_MAX(last, facts[i].time_ns);
        if (how == FEED_WHOLE) {
            detectors_feed(d, &facts[i], on_alert, s);
        } else if (how == FEED_GARBAGE) {
            struct detect_fact g;
            memset(&g, 0xa5, sizeof g);
            memcpy(&g, &facts[i], n);
            detectors_feed(d, &g, on_alert, s);
        } else {
            void *block = mm_malloc(n);
            memcpy(block, &facts[i], n);
            detectors_feed(d, block, on_alert, s);
            mm_free(block);
        }
    }
    detectors_advance(d, last + 86400 * MM_NS_PER_SEC, on_alert, s);
    detectors_stats(d, st);
    detectors_free(d);
}

static bool same_alerts(const struct seen *a, const struct seen *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->a[i].detector, b->a[i].detector) || strcmp(a->a[i].key, b->a[i].key) ||
            strcmp(a->a[i].level, b->a[i].level) || strcmp(a->a[i].details, b->a[i].details) ||
            a->a[i].count != b->a[i].count || a->a[i].first_ns != b->a[i].first_ns ||
            a->a[i].last_ns != b->a[i].last_ns || a->a[i].ntags != b->a[i].ntags)
            return false;
    return true;
}

static bool same_stats(const struct detectors_stats *a, const struct detectors_stats *b)
{
    return a->facts == b->facts && !memcmp(a->alerts, b->alerts, sizeof a->alerts) &&
           a->suppressed == b->suppressed && a->pairs == b->pairs &&
           a->destinations == b->destinations && a->volume_hosts == b->volume_hosts &&
           a->av_hosts == b->av_hosts && a->keys == b->keys && a->late_facts == b->late_facts &&
           a->av_unresolved == b->av_unresolved;
}

static void test_fact_size(void)
{
    struct detectors_config c;
    detectors_config_defaults(&c);
    CHECK(detectors_config_set(&c, "av_hosts", "pc42=10.3.0.8", NULL) == MM_OK);
    CHECK(detectors_config_set(&c, "volume_warmup", "3", NULL) == MM_OK);
    CHECK(detectors_config_set(&c, "volume_floor", "1m", NULL) == MM_OK);
    /* the volume traffic below is evenly spaced */
    CHECK(detectors_config_set(&c, "beacon_allow", "93.184.216.0/24", NULL) == MM_OK);
    const size_t header = offsetof(struct detect_fact, conn);
    const int64_t min = 60 * MM_NS_PER_SEC, hour = 60 * min;
    struct detect_fact f;
    char line[2048], t[40], host[200];

    memset(&f, 0, sizeof f);
    CHECK(detect_fact_size(&f) == header); /* DETECT_FACT_NONE: the header only */
    f.kind = 77;
    CHECK(detect_fact_size(&f) == header);

    /* a connection: the header and the destination name, within 200 bytes; a long name is cut
     * inside them */
    memset(host, 'a', sizeof host);
    memcpy(host + sizeof host - 12, ".example.jp", 12);
    squid_line(line, sizeof line, t0(), "10.1.2.3", host);
    CHECK(line_fact(&c, line, &f) && f.kind == DETECT_FACT_CONNECTION);
    CHECK(detect_fact_size(&f) == header + sizeof f.conn && detect_fact_size(&f) <= 200);
    CHECK(strlen(f.conn.dst_name) == DETECT_DST_NAME_MAX - 1 &&
          offsetof(struct detect_fact, conn.dst_name) + DETECT_DST_NAME_MAX ==
              detect_fact_size(&f));

    /* a directory change ends before the antivirus signature; an antivirus detection is the
     * largest kind, and still within the struct */
    jst(t, sizeof t, t0() + 26 * hour);
    snprintf(line, sizeof line,
             "<134>1 %s ldap1 slapd 123 - - conn=7 op=0 BIND dn=\"cn=admin,dc=example,dc=com\" "
             "mech=SIMPLE bind_ssf=0 ssf=0",
             t);
    CHECK(!line_fact(&c, line, &f));
    snprintf(line, sizeof line,
             "<134>1 %s ldap1 slapd 123 - - conn=7 op=1 MOD dn=\"uid=bob,ou=people,dc=example,"
             "dc=com\"",
             t);
    CHECK(line_fact(&c, line, &f) && f.kind == DETECT_FACT_DIRECTORY);
    size_t dir_size = detect_fact_size(&f);
    CHECK(dir_size == offsetof(struct detect_fact, act.signature));
    CHECK(!strcmp(f.act.operation, "MOD") && !strcmp(f.act.host, "ldap1"));
    windows_line(line, sizeof line, t0(), "Microsoft-Windows-Windows Defender/Operational", 1116,
                 "pc42", "\"Threat Name\":\"Trojan:Win32/Emotet\"");
    CHECK(line_fact(&c, line, &f) && f.kind == DETECT_FACT_AV);
    CHECK(detect_fact_size(&f) == header + sizeof f.act && detect_fact_size(&f) > dir_size &&
          detect_fact_size(&f) <= sizeof f);

    /* every detector alerts on the same facts whether they are passed whole or as only their
     * meaningful bytes */
    nfacts = 0;
    int64_t start = t0() + 34 * hour; /* Tuesday 10:00 JST */
    for (int64_t tb = start; tb < start + 2 * hour; tb += (int64_t)(60e9 * (0.8 + 0.4 * rnd()))) {
        squid_line(line, sizeof line, tb, "10.1.2.3", "c2.example");
        collect(&c, line);
    }
    for (int h = 0; h < 8; h++)
        for (int k = 0; k < 4; k++) {
            fortigate_line(line, sizeof line, start + h * hour + k * 10 * min, "10.2.0.5",
                           "93.184.216.34", h < 7 ? 1000000 : 50000000);
            collect(&c, line);
        }
    jst(t, sizeof t, start - 8 * hour); /* 02:00 */
    snprintf(line, sizeof line,
             "<134>1 %s ldap1 slapd 123 - - conn=8 op=0 BIND dn=\"cn=admin,dc=example,dc=com\" "
             "mech=SIMPLE bind_ssf=0 ssf=0",
             t);
    collect(&c, line);
    snprintf(line, sizeof line,
             "<134>1 %s ldap1 slapd 123 - - conn=8 op=1 ADD dn=\"uid=eve,ou=people,dc=example,"
             "dc=com\"",
             t);
    collect(&c, line);
    windows_line(line, sizeof line, start, "Microsoft-Windows-Windows Defender/Operational", 1116,
                 "PC42.corp.example",
                 "\"Threat Name\":\"Trojan:Win32/Emotet\",\"Path\":\"C:\\\\x.exe\"");
    collect(&c, line);
    squid_line(line, sizeof line, start + 5 * min, "10.3.0.8", host); /* the cut name */
    collect(&c, line);
    CHECK(nfacts > 100 && nfacts < MAX_FACTS);

    struct detectors_stats st_whole, st_garbage, st_exact;
    run_facts(&c, FEED_WHOLE, &seen_whole, &st_whole);
    run_facts(&c, FEED_GARBAGE, &seen_garbage, &st_garbage);
    run_facts(&c, FEED_EXACT, &seen_exact, &st_exact);
    CHECK(count_alerts(&seen_whole, "beaconing") == 1);
    CHECK(count_alerts(&seen_whole, "outbound_volume") == 1);
    CHECK(count_alerts(&seen_whole, "directory_offhours") == 1);
    CHECK(count_alerts(&seen_whole, "av_then_outbound") == 1);
    const char *av = NULL; /* its destination name is cut to DETECT_DST_NAME_MAX - 1 bytes */
    for (size_t i = 0; i < seen_whole.n; i++)
        if (!strcmp(seen_whole.a[i].detector, "av_then_outbound"))
            av = seen_whole.a[i].details;
    CHECK(av && strstr(av, "\"dst_host\":\"aaaaaaaaaaaaaaaa") && !strstr(av, "a.example"));
    CHECK(same_alerts(&seen_whole, &seen_garbage) && same_stats(&st_whole, &st_garbage));
    CHECK(same_alerts(&seen_whole, &seen_exact) && same_stats(&st_whole, &st_exact));
    CHECK(st_whole.facts == nfacts);
}

int main(void)
{
    event_init(&ev);
    popt.ctx.tz.offset_sec = 9 * 3600;
    test_config();
    test_extract();
    test_beaconing();
    test_beacon_missed_and_firewall();
    test_volume();
    test_directory();
    test_av();
    test_fact_size();
    event_release(&ev);
    return UNIT_DONE();
}
