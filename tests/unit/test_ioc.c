/* SPDX-License-Identifier: Apache-2.0 */
/* test_ioc.c: indicator sets: normalisation of each type, the importers (MISP, STIX, CSV, plain
 * lists) with their bad-input rules, duplicates, expiry, confidence, and matching events. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "event/event.h"
#include "ioc/ioc.h"
#include "ioc/ioc_internal.h"
#include "unit.h"

#define NOW (1795435200LL * MM_NS_PER_SEC) /* 2026-11-23T12:00:00Z */

static struct ioc_load_options opts(void)
{
    struct ioc_load_options o;
    ioc_load_options_init(&o);
    o.now_ns = NOW;
    return o;
}

/* Load one buffer into a new set. */
static struct ioc_set *load(const char *text, struct ioc_file_stats *st, enum mm_status *rc)
{
    struct ioc_load_options o = opts();
    struct ioc_builder *b = ioc_builder_new(&o);
    struct mm_error err;
    enum mm_status r = ioc_builder_load_buffer(b, "feed", NULL, text, strlen(text), st, &err);
    if (rc)
        *rc = r;
    return ioc_builder_finish(b);
}

static bool has(const struct ioc_set *s, enum ioc_type t, const char *v)
{
    return ioc_set_find(s, t, v, strlen(v)) != NULL;
}

/* collects hits as "field:type:indicator" lines */
struct hits {
    char text[2048];
    size_t len;
    unsigned n;
};

static void collect(void *ctx, const struct ioc_hit *h)
{
    struct hits *hs = ctx;
    int n = snprintf(hs->text + hs->len, sizeof hs->text - hs->len, "%.*s:%s:%s;", (int)h->field_len, h->field,
                     ioc_type_name((enum ioc_type)h->indicator->type), h->indicator->value);
    if (n > 0)
        hs->len = MM_MIN(hs->len + (size_t)n, sizeof hs->text - 1);
    hs->n++;
}

static const char *match1(const struct ioc_set *s, const char *field, const char *value, int64_t now)
{
    static struct hits hs;
    memset(&hs, 0, sizeof hs);
    ioc_match_field(s, field, value, strlen(value), now, collect, &hs);
    return hs.text;
}

static void test_normalise(void)
{
    struct ioc_ip ip;
    char outbuf[IOC_MAX_VALUE], *out = outbuf; /* a pointer: CHECK_STR tests it for NULL */
    size_t n, ho, hl;
    CHECK(ioc_ip_parse("10.1.2.3", 8, false, &ip) && ip.v4 && ip.plen == 128);
    CHECK(!ioc_ip_parse("10.1.2.0/24", 11, false, &ip));
    CHECK(ioc_ip_parse("10.1.2.99/24", 12, true, &ip) && ip.plen == 96 + 24);
    n = ioc_ip_format(&ip, out, sizeof outbuf);
    CHECK_STR(out, n, "10.1.2.0/24");
    CHECK(ioc_ip_parse("::ffff:192.0.2.1", 16, false, &ip) && ip.v4);
    n = ioc_ip_format(&ip, out, sizeof outbuf);
    CHECK_STR(out, n, "192.0.2.1");
    CHECK(ioc_ip_parse("2001:0DB8:0000::1", 17, false, &ip) && !ip.v4);
    n = ioc_ip_format(&ip, out, sizeof outbuf);
    CHECK_STR(out, n, "2001:db8::1");
    CHECK(ioc_ip_parse("[fe80::1%eth0]", 14, false, &ip));
    CHECK(!ioc_ip_parse("10.1.2.3/33", 11, true, &ip));
    CHECK(!ioc_ip_parse("1.2.3", 5, false, &ip));
    CHECK(!ioc_ip_parse("evil.example", 12, false, &ip));

    CHECK(ioc_domain_norm("*.Evil.Example.", 15, out, &n));
    CHECK_STR(out, n, "evil.example");
    CHECK(!ioc_domain_norm("a..b", 4, out, &n));
    CHECK(!ioc_domain_norm("a b.example", 11, out, &n));
    CHECK(!ioc_domain_norm("", 0, out, &n));

    const char *u = "HTTPS://User@WWW.Example.COM:443/A/B?Q=1#frag";
    CHECK(ioc_url_norm(u, strlen(u), out, sizeof outbuf, &n, &ho, &hl));
    CHECK_STR(out, n, "https://User@www.example.com/A/B?Q=1");
    CHECK_STR(out + ho, hl, "www.example.com");
    u = "http://example.com:8080";
    CHECK(ioc_url_norm(u, strlen(u), out, sizeof outbuf, &n, &ho, &hl));
    CHECK_STR(out, n, "http://example.com:8080/");
    u = "http://[2001:DB8::1]:80?x";
    CHECK(ioc_url_norm(u, strlen(u), out, sizeof outbuf, &n, &ho, &hl));
    CHECK_STR(out, n, "http://[2001:db8::1]/?x");
    CHECK(!ioc_url_norm("example.com/x", 13, out, sizeof outbuf, &n, &ho, &hl));
    CHECK(!ioc_url_norm("http://:80/", 11, out, sizeof outbuf, &n, &ho, &hl));
    CHECK(!ioc_url_norm("http://a\0b@x.example/", 21, out, sizeof outbuf, &n, &ho, &hl)); /* NUL in userinfo */
    u = "http://x.example../a";
    CHECK(ioc_url_norm(u, strlen(u), out, sizeof outbuf, &n, &ho, &hl));
    CHECK_STR(out, n, "http://x.example/a");

    CHECK(ioc_hash_kind("44D88612FEA8A8F36DE82E1278ABB02F", 32) == IOC_MD5);
    CHECK(ioc_hash_kind("3395856ce81f2b7382dee72602f798b642f14140", 40) == IOC_SHA1);
    CHECK(ioc_hash_kind("44d88612fea8a8f36de82e1278abb02g", 32) == -1);
    CHECK(ioc_email_norm(" <Alice@Example.ORG> ", 21, out, &n));
    CHECK_STR(out, n, "alice@example.org");
    CHECK(ioc_email_norm("mailto:bob@x.example", 20, out, &n));
    CHECK(!ioc_email_norm("@x.example", 10, out, &n));
    CHECK(!ioc_email_norm("bob@", 4, out, &n));

    CHECK(ioc_guess_type("10.0.0.0/8", 10) == IOC_CIDR);
    CHECK(ioc_guess_type("2001:db8::1", 11) == IOC_IPV6);
    CHECK(ioc_guess_type("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 64) == IOC_SHA256);
    CHECK(ioc_guess_type("a@b.example", 11) == IOC_EMAIL);
    CHECK(ioc_guess_type("ftp://x.example/f", 17) == IOC_URL);
    CHECK(ioc_guess_type("x.example", 9) == IOC_DOMAIN);
    CHECK(ioc_guess_type("localhost", 9) == -1);

    int64_t t;
    CHECK(ioc_parse_time("2026-11-23T12:00:00Z", 20, &t) && t == NOW);
    CHECK(ioc_parse_time("2026-11-23T21:00:00+09:00", 25, &t) && t == NOW);
    CHECK(ioc_parse_time("1795435200", 10, &t) && t == NOW);
    CHECK(ioc_parse_time("2026-11-23", 10, &t) && t == NOW - 12 * 3600 * MM_NS_PER_SEC);
    CHECK(!ioc_parse_time("yesterday", 9, &t));
}

static void test_builder_and_duplicates(void)
{
    struct ioc_load_options o = opts();
    struct ioc_builder *b = ioc_builder_new(&o);
    struct mm_error err;
    bool dup;
    struct ioc_attrs a1 = { "feedA", "first", "ref-1", NOW + 100 * MM_NS_PER_SEC, 40 };
    struct ioc_attrs a2 = { "feedB", "second", NULL, 0, 80 };
    struct ioc_attrs a3 = { "feedA", NULL, NULL, NOW + 5, 10 };
    CHECK(ioc_builder_add(b, IOC_DOMAIN, "Evil.Example", 12, &a1, &dup, &err) == MM_OK && !dup);
    CHECK(ioc_builder_add(b, IOC_DOMAIN, "evil.example.", 13, &a2, &dup, &err) == MM_OK && dup);
    CHECK(ioc_builder_add(b, IOC_DOMAIN, "EVIL.example", 12, &a3, &dup, &err) == MM_OK && dup);
    CHECK(ioc_builder_add(b, IOC_IPV4, "10.0.0.0/8", 10, &a1, &dup, &err) == MM_OK && !dup);
    CHECK(ioc_builder_add(b, IOC_IPV4, "10.9.9.9/8", 10, &a1, &dup, &err) == MM_OK && dup);
    CHECK(ioc_builder_add(b, IOC_MD5, "not hex", 7, &a1, &dup, &err) == MM_ERR_PARSE);
    CHECK(strstr(err.msg, "not a valid md5") != NULL);
    CHECK(ioc_builder_add(b, IOC_SHA1, "44d88612fea8a8f36de82e1278abb02f", 32, &a1, &dup, &err) == MM_ERR_PARSE);
    struct ioc_set *s = ioc_builder_finish(b);
    const struct ioc_indicator *d = ioc_set_find(s, IOC_DOMAIN, "evil.example", 12);
    CHECK(d != NULL);
    if (d) {
        CHECK(d->confidence == 80);            /* the highest */
        CHECK(d->expiry_ns == 0);              /* one source without expiry: none */
        CHECK_STR(d->source, strlen(d->source), "feedA,feedB"); /* each source once */
        CHECK_STR(d->description, strlen(d->description), "first");
        CHECK_STR(d->reference, strlen(d->reference), "ref-1");
    }
    CHECK(has(s, IOC_CIDR, "10.0.0.0/8"));
    struct ioc_set_info info;
    ioc_set_info(s, &info);
    CHECK(info.total == 2 && info.count[IOC_DOMAIN] == 1 && info.count[IOC_CIDR] == 1);
    ioc_set_free(s);
}

static void test_domain_rules(void)
{
    struct ioc_file_stats st;
    struct ioc_set *s = load("evil.example\nexample.org\n", &st, NULL);
    CHECK_STR(match1(s, "query", "evil.example", NOW), strlen(match1(s, "query", "evil.example", NOW)),
              "query:domain:evil.example;");
    const char *r = match1(s, "query", "A.B.EVIL.example.", NOW);
    CHECK_STR(r, strlen(r), "query:domain:evil.example;");
    ioc_set_free(s);
    /* a name of digits that is no address (leading zero) stays a name on both sides */
    s = load("type,value\ndomain,099.51.100.77\ndomain,evil.example\nhostname,192.0.2.1\n", &st, NULL);
    r = match1(s, "query", "099.51.100.77", NOW);
    CHECK_STR(r, strlen(r), "query:domain:099.51.100.77;");
    r = match1(s, "query", "192.0.2.1", NOW); /* an address filed as a host name is an address */
    CHECK_STR(r, strlen(r), "query:ipv4:192.0.2.1;");
    ioc_set_free(s);
    s = load("203.0.113.6.\n", &st, NULL); /* a name until its dot is gone */
    r = match1(s, "query", "203.0.113.6", NOW);
    CHECK_STR(r, strlen(r), "query:ipv4:203.0.113.6;");
    r = match1(s, "query", "203.0.113.6.", NOW);
    CHECK_STR(r, strlen(r), "query:ipv4:203.0.113.6;");
    ioc_set_free(s);
    s = load("evil.example\nexample.org\n", &st, NULL);
    r = match1(s, "query", "A.B.EVIL.example.", NOW);
    CHECK_STR(r, strlen(r), "query:domain:evil.example;");
    r = match1(s, "query", "notevil.example", NOW);
    CHECK_STR(r, strlen(r), "");
    r = match1(s, "query", "example", NOW);
    CHECK_STR(r, strlen(r), "");
    r = match1(s, "query", "evil.example.com", NOW);
    CHECK_STR(r, strlen(r), "");
    r = match1(s, "cs-host", "www.example.org", NOW);
    CHECK_STR(r, strlen(r), "cs-host:domain:example.org;");
    r = match1(s, "c-uri", "https://login.evil.example:8443/x", NOW);
    CHECK_STR(r, strlen(r), "c-uri:domain:evil.example;");
    r = match1(s, "sender", "Bob@Mail.Example.ORG", NOW);
    CHECK_STR(r, strlen(r), "sender:domain:example.org;");
    r = match1(s, "recipient", "bob@mail.example.org", NOW); /* recipients: address only */
    CHECK_STR(r, strlen(r), "");
    r = match1(s, "no_such_field", "evil.example", NOW);
    CHECK_STR(r, strlen(r), "");
    ioc_set_free(s);
}

static void test_networks(void)
{
    struct ioc_file_stats st;
    struct ioc_set *s = load("10.0.0.0/8\n10.1.0.0/16\n10.1.2.3\n192.0.2.0/24\n2001:db8::/32\n"
                             "2001:db8:1::/48\n::/0\n",
                             &st, NULL);
    CHECK(st.loaded[IOC_CIDR] == 6 && st.loaded[IOC_IPV4] == 1);
    const char *r = match1(s, "src_ip", "10.1.2.3", NOW);
    CHECK_STR(r, strlen(r), "src_ip:ipv4:10.1.2.3;src_ip:cidr:10.1.0.0/16;src_ip:cidr:10.0.0.0/8;");
    r = match1(s, "dst_ip", "10.200.0.1", NOW);
    CHECK_STR(r, strlen(r), "dst_ip:cidr:10.0.0.0/8;");
    r = match1(s, "IpAddress", "::ffff:192.0.2.77", NOW); /* Windows writes mapped addresses */
    CHECK_STR(r, strlen(r), "IpAddress:cidr:192.0.2.0/24;");
    r = match1(s, "SourceIp", "2001:0db8:0001:0000::5", NOW);
    CHECK_STR(r, strlen(r), "SourceIp:cidr:2001:db8:1::/48;SourceIp:cidr:2001:db8::/32;SourceIp:cidr:::/0;");
    r = match1(s, "src_ip", "11.0.0.1", NOW); /* ::/0 is IPv6 only */
    CHECK_STR(r, strlen(r), "");
    r = match1(s, "cs-host", "10.1.9.9", NOW); /* a host field holding an address */
    CHECK_STR(r, strlen(r), "cs-host:cidr:10.1.0.0/16;cs-host:cidr:10.0.0.0/8;");
    r = match1(s, "c-uri", "http://[2001:db8::8]:8080/x", NOW);
    CHECK_STR(r, strlen(r), "c-uri:cidr:2001:db8::/32;c-uri:cidr:::/0;");
    r = match1(s, "src_ip", "010.1.2.3", NOW); /* leading zeros: not an address (inet_pton) */
    CHECK_STR(r, strlen(r), "");
    r = match1(s, "src_ip", "not an address", NOW);
    CHECK_STR(r, strlen(r), "");
    ioc_set_free(s);

    /* siblings and gaps: the last network starting before an address need not contain it */
    s = load("10.0.0.0/8\n10.0.0.0/24\n10.5.0.0/16\n10.5.7.0/24\n10.200.0.0/16\n172.16.0.0/12\n", &st, NULL);
    r = match1(s, "src_ip", "10.9.0.1", NOW);
    CHECK_STR(r, strlen(r), "src_ip:cidr:10.0.0.0/8;");
    r = match1(s, "src_ip", "10.5.9.9", NOW);
    CHECK_STR(r, strlen(r), "src_ip:cidr:10.5.0.0/16;src_ip:cidr:10.0.0.0/8;");
    r = match1(s, "src_ip", "10.5.7.255", NOW);
    CHECK_STR(r, strlen(r), "src_ip:cidr:10.5.7.0/24;src_ip:cidr:10.5.0.0/16;src_ip:cidr:10.0.0.0/8;");
    r = match1(s, "src_ip", "10.0.0.5", NOW);
    CHECK_STR(r, strlen(r), "src_ip:cidr:10.0.0.0/24;src_ip:cidr:10.0.0.0/8;");
    r = match1(s, "src_ip", "9.255.255.255", NOW);
    CHECK_STR(r, strlen(r), "");
    r = match1(s, "src_ip", "11.0.0.0", NOW);
    CHECK_STR(r, strlen(r), "");
    r = match1(s, "src_ip", "172.31.255.255", NOW);
    CHECK_STR(r, strlen(r), "src_ip:cidr:172.16.0.0/12;");
    r = match1(s, "src_ip", "172.32.0.0", NOW);
    CHECK_STR(r, strlen(r), "");
    ioc_set_free(s);
    s = load("0.0.0.0/0\n", &st, NULL);
    r = match1(s, "dst_ip", "255.255.255.255", NOW);
    CHECK_STR(r, strlen(r), "dst_ip:cidr:0.0.0.0/0;");
    ioc_set_free(s);
}

static void test_expiry_confidence(void)
{
    struct ioc_load_options o = opts();
    o.min_confidence = 50;
    struct ioc_builder *b = ioc_builder_new(&o);
    struct ioc_file_stats st;
    struct mm_error err;
    const char *csv = "type,value,confidence,expiry\n"
                      "domain,soon.example,90,2026-11-23T12:00:10Z\n"
                      "domain,gone.example,90,2026-11-23T11:59:59Z\n"
                      "domain,weak.example,49,\n"
                      "domain,ok.example,,\n";
    CHECK(ioc_builder_load_buffer(b, "x.csv", "soc", csv, strlen(csv), &st, &err) == MM_OK);
    CHECK(st.expired == 1 && st.low_confidence == 1);
    CHECK(st.loaded[IOC_DOMAIN] == 2); /* default confidence 50 passes the minimum */
    struct ioc_set *s = ioc_builder_finish(b);
    const char *r = match1(s, "query", "a.soon.example", NOW);
    CHECK_STR(r, strlen(r), "query:domain:soon.example;");
    r = match1(s, "query", "a.soon.example", NOW + 10 * MM_NS_PER_SEC);
    CHECK_STR(r, strlen(r), "");
    CHECK(ioc_set_expired_hits(s) == 1);
    const struct ioc_indicator *d = ioc_set_find(s, IOC_DOMAIN, "ok.example", 10);
    CHECK(d && d->confidence == 50 && !strcmp(d->source, "soc"));
    ioc_set_free(s);
}

static void test_misp(void)
{
    struct ioc_file_stats st;
    enum mm_status rc;
    const char *one = "{\"Event\":{\"id\":\"7\",\"info\":\"Test event\",\"Attribute\":["
                      "{\"type\":\"ip-dst|port\",\"value\":\"192.0.2.8|8443\",\"to_ids\":true},"
                      "{\"type\":\"domain|ip\",\"value\":\"x.example|192.0.2.9\",\"to_ids\":\"1\"},"
                      "{\"type\":\"hostname\",\"value\":\"no-ids.example\",\"to_ids\":\"0\"},"
                      "{\"type\":\"sha1\",\"value\":\"3395856CE81F2B7382DEE72602F798B642F14140\"},"
                      "{\"type\":\"malware-sample\",\"value\":\"x.exe|44d88612fea8a8f36de82e1278abb02f\"},"
                      "{\"type\":\"email-dst\",\"value\":\"Drop@X.example\"},"
                      "{\"type\":\"mutex\",\"value\":\"Global\\\\x\"},"
                      "{\"type\":\"url\",\"value\":\"http://x.example/a\",\"deleted\":true},"
                      "{\"type\":\"domain\",\"value\":\"decayed.example\","
                      " \"decay_score\":[{\"score\":12.5,\"decayed\":true}]},"
                      "{\"type\":\"domain\",\"value\":\"scored.example\","
                      " \"decay_score\":[{\"score\":71.6,\"decayed\":false},{\"score\":10,\"decayed\":true}]},"
                      "{\"type\":\"domain\",\"value\":\"seen.example\",\"last_seen\":\"2026-11-01T00:00:00Z\"}],"
                      "\"Object\":[{\"name\":\"file\",\"Attribute\":[{\"type\":\"sha256\","
                      "\"value\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}]},"
                      "{\"name\":\"empty\"}]}}";
    struct ioc_set *s = load(one, &st, &rc);
    CHECK(rc == MM_OK && st.format == IOC_FORMAT_MISP);
    CHECK(has(s, IOC_IPV4, "192.0.2.8") && has(s, IOC_IPV4, "192.0.2.9") && has(s, IOC_DOMAIN, "x.example"));
    CHECK(!has(s, IOC_DOMAIN, "no-ids.example") && st.not_ids == 1);
    CHECK(has(s, IOC_SHA1, "3395856ce81f2b7382dee72602f798b642f14140"));
    CHECK(has(s, IOC_MD5, "44d88612fea8a8f36de82e1278abb02f"));
    CHECK(has(s, IOC_EMAIL, "drop@x.example"));
    CHECK(has(s, IOC_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(st.unsupported == 1 && st.nproblems == 1 && strstr(st.problems[0].msg, "'mutex'"));
    CHECK(!has(s, IOC_URL, "http://x.example/a") && st.ignored == 2); /* deleted; object without attributes */
    CHECK(!has(s, IOC_DOMAIN, "decayed.example") && st.expired == 1);
    const struct ioc_indicator *d = ioc_set_find(s, IOC_DOMAIN, "scored.example", 14);
    CHECK(d && d->confidence == 72);
    d = ioc_set_find(s, IOC_DOMAIN, "seen.example", 12);
    CHECK(d && d->expiry_ns == NOW - (NOW % (86400 * MM_NS_PER_SEC)) - 22 * 86400 * MM_NS_PER_SEC +
                                   90 * 86400 * MM_NS_PER_SEC);
    d = ioc_set_find(s, IOC_DOMAIN, "x.example", 9);
    CHECK(d && !strcmp(d->reference, "MISP event 7") && !strcmp(d->description, "Test event") &&
          !strcmp(d->source, "feed") && d->confidence == 50);
    ioc_set_free(s);

    /* a list of events, the REST response wrapper, an attribute search */
    s = load("[{\"Event\":{\"Attribute\":[{\"type\":\"domain\",\"value\":\"a.example\"}]}},"
             "{\"Event\":{\"Attribute\":[{\"type\":\"domain\",\"value\":\"b.example\"}]}}]",
             &st, &rc);
    CHECK(rc == MM_OK && has(s, IOC_DOMAIN, "a.example") && has(s, IOC_DOMAIN, "b.example"));
    ioc_set_free(s);
    s = load("{\"response\":[{\"Event\":{\"id\":3,\"Attribute\":[{\"type\":\"ip-src\",\"value\":\"10.0.0.0/8\"}]}}]}",
             &st, &rc);
    CHECK(rc == MM_OK && has(s, IOC_CIDR, "10.0.0.0/8"));
    d = ioc_set_find(s, IOC_CIDR, "10.0.0.0/8", 10);
    CHECK(d && !strcmp(d->reference, "MISP event 3"));
    ioc_set_free(s);
    s = load("{\"response\":{\"Attribute\":[{\"type\":\"url\",\"value\":\"HTTP://A.example:80\"}]}}", &st, &rc);
    CHECK(rc == MM_OK && has(s, IOC_URL, "http://a.example/"));
    ioc_set_free(s);
}

static void test_stix(void)
{
    struct ioc_file_stats st;
    enum mm_status rc;
    const char *bundle =
        "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--a\",\"name\":\"A\",\"pattern_type\":\"stix\",\"confidence\":77,"
        "\"valid_until\":\"2027-01-01T00:00:00Z\","
        "\"pattern\":\"([domain-name:value = 'a.example'] OR [url:value = 'http://b.example/it\\\\'s']) OR "
        "[file:hashes.MD5 = '44D88612FEA8A8F36DE82E1278ABB02F' OR file:hashes.'SHA-1' = "
        "'3395856ce81f2b7382dee72602f798b642f14140']\"},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--b\",\"pattern_type\":\"stix\","
        "\"pattern\":\"[email-message:from_ref.value = 'ceo@fake.example' OR x509-certificate:serial_number = '1']\"},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--c\",\"pattern\":\"[domain-name:value = 'c.example'] FOLLOWEDBY "
        "[domain-name:value = 'd.example']\"},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--d\",\"pattern\":\"[domain-name:value = 'e.example'] WITHIN 5 "
        "SECONDS\"},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--e\",\"pattern\":\"[domain-name:value != 'f.example']\"},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--f\",\"pattern\":\"[ipv4-addr:value = '192.0.2.0/24'\"},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--g\",\"pattern\":\"[domain-name:value = 'g.example']\","
        "\"revoked\":true},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--h\",\"pattern\":\"[domain-name:value = 'h.example']\","
        "\"valid_until\":\"2020-01-01T00:00:00Z\"},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--i\",\"pattern_type\":\"yara\",\"pattern\":\"rule x {}\"},\n"
        "{\"type\":\"indicator\",\"id\":\"indicator--j\"},\n"
        "{\"type\":\"malware\",\"id\":\"malware--1\"}]}";
    struct ioc_set *s = load(bundle, &st, &rc);
    CHECK(rc == MM_OK && st.format == IOC_FORMAT_STIX);
    CHECK(has(s, IOC_DOMAIN, "a.example") && has(s, IOC_URL, "http://b.example/it's"));
    CHECK(has(s, IOC_MD5, "44d88612fea8a8f36de82e1278abb02f") &&
          has(s, IOC_SHA1, "3395856ce81f2b7382dee72602f798b642f14140"));
    const struct ioc_indicator *d = ioc_set_find(s, IOC_DOMAIN, "a.example", 9);
    CHECK(d && d->confidence == 77 && !strcmp(d->reference, "indicator--a") && !strcmp(d->description, "A") &&
          d->expiry_ns == 1798761600LL * MM_NS_PER_SEC);
    /* an unsupported comparison in a disjunction: reported, the rest loads */
    CHECK(has(s, IOC_EMAIL, "ceo@fake.example"));
    CHECK(!has(s, IOC_DOMAIN, "c.example") && !has(s, IOC_DOMAIN, "e.example") && !has(s, IOC_DOMAIN, "f.example"));
    CHECK(!has(s, IOC_DOMAIN, "g.example") && st.revoked == 1);
    CHECK(!has(s, IOC_DOMAIN, "h.example") && st.expired == 1);
    CHECK(!has(s, IOC_CIDR, "192.0.2.0/24"));
    /* x509 path, FOLLOWEDBY, WITHIN, !=, unclosed bracket, yara */
    CHECK(st.unsupported == 6);
    CHECK(st.invalid == 1 && st.ignored == 1); /* no pattern; the malware object */
    bool saw_followedby = false, saw_x509 = false;
    for (size_t i = 0; i < st.nproblems; i++) {
        saw_followedby |= strstr(st.problems[i].msg, "FOLLOWEDBY") != NULL && st.problems[i].line == 4;
        saw_x509 |= strstr(st.problems[i].msg, "x509-certificate:serial_number") != NULL;
    }
    CHECK(saw_followedby && saw_x509);
    ioc_set_free(s);
}

static void test_csv_and_list(void)
{
    struct ioc_file_stats st;
    enum mm_status rc;
    struct ioc_set *s = load("# comment\r\nvalue,description,type,source\r\n"
                             "\"evil.example\",\"C2, \"\"primary\"\"\",domain,\"cert-x\"\r\n"
                             "192.0.2.1,,,\r\n"
                             "\"unterminated,x,domain\r\n"
                             "bad value,,domain\r\n",
                             &st, &rc);
    CHECK(rc == MM_OK && st.format == IOC_FORMAT_CSV);
    const struct ioc_indicator *d = ioc_set_find(s, IOC_DOMAIN, "evil.example", 12);
    CHECK(d && !strcmp(d->description, "C2, \"primary\"") && !strcmp(d->source, "cert-x"));
    CHECK(has(s, IOC_IPV4, "192.0.2.1"));
    CHECK(st.invalid == 2 && st.nproblems == 2 && st.problems[0].line == 5 && st.problems[1].line == 6);
    ioc_set_free(s);

    s = load("type,value\n", &st, &rc);
    CHECK(rc == MM_OK && ioc_file_stats_loaded(&st) == 0 && st.nproblems == 0);
    ioc_set_free(s);
    s = load("type,indicator\nip,1.2.3.4\n", &st, &rc);
    /* a header without a value column: the file is refused line by line, nothing guessed */
    CHECK(st.format == IOC_FORMAT_CSV && st.invalid == 1 && ioc_file_stats_loaded(&st) == 0);
    ioc_set_free(s);
    s = load("value,type\n1.2.3.4,ip\n", &st, &rc);
    CHECK(st.format == IOC_FORMAT_CSV && has(s, IOC_IPV4, "1.2.3.4"));
    ioc_set_free(s);

    s = load("# feed\n\n  evil.example  # C2\nhttp://x.example/p#frag\n44D88612FEA8A8F36DE82E1278ABB02F\n"
             "a@b.example\n2001:db8::/32\nnot_a_domain\n",
             &st, &rc);
    CHECK(rc == MM_OK && st.format == IOC_FORMAT_LIST);
    CHECK(has(s, IOC_DOMAIN, "evil.example") && has(s, IOC_URL, "http://x.example/p") &&
          has(s, IOC_MD5, "44d88612fea8a8f36de82e1278abb02f") && has(s, IOC_EMAIL, "a@b.example") &&
          has(s, IOC_CIDR, "2001:db8::/32"));
    CHECK(st.invalid == 1 && st.problems[0].line == 8);
    ioc_set_free(s);
}

static void test_bad_json(void)
{
    struct ioc_file_stats st;
    enum mm_status rc;
    struct ioc_set *s = load("{\"Event\":{\"Attribute\":[\n{\"type\":\"domain\",\"value\":\"a.example\"},\n"
                             "{\"type\":\"domain\" \"value\":\"b.example\"}]}}",
                             &st, &rc);
    CHECK(rc == MM_ERR_PARSE && st.refused);
    CHECK(st.nproblems == 1 && st.problems[0].line == 3 && strstr(st.problems[0].msg, "malformed JSON"));
    struct ioc_set_info info;
    ioc_set_info(s, &info);
    CHECK(info.total == 0); /* nothing from a refused file */
    ioc_set_free(s);
    s = load("{\"hello\":1}", &st, &rc);
    CHECK(rc == MM_ERR_PARSE && st.refused && strstr(st.problems[0].msg, "neither"));
    ioc_set_free(s);
    s = load("[1,2,3]", &st, &rc);
    CHECK(rc == MM_ERR_PARSE && st.refused);
    ioc_set_free(s);
    s = load("{\"Event\":[1,\"x\"]}", &st, &rc); /* the right shape at the top, nonsense inside */
    CHECK(rc == MM_OK && st.invalid == 1);
    ioc_set_free(s);

    struct ioc_file_stats *sts;
    size_t failed;
    const char *paths[] = { "/nonexistent/feed.txt" };
    struct ioc_load_options o = opts();
    s = ioc_set_load_files(paths, 1, &o, &sts, &failed);
    CHECK(failed == 1 && sts[0].refused && strstr(sts[0].problems[0].msg, "cannot open"));
    mm_free(sts);
    ioc_set_free(s);
}

static void test_match_event(void)
{
    struct ioc_file_stats st;
    struct ioc_set *s = load("type,value\n"
                             "md5,352B525E9C26CB92693899528FE007C2\n"
                             "sha256,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
                             "md5,44d88612fea8a8f36de82e1278abb02f\n"
                             "url,https://shop.example/cart?id=1\n"
                             "email,bob@x.example\n"
                             "ip,203.0.113.5\n",
                             &st, NULL);
    struct event ev;
    event_init(&ev);
    event_add_cstr(&ev, "Hashes",
                   "SHA1=0000000000000000000000000000000000000000,MD5=352B525E9C26CB92693899528FE007C2,"
                   "SHA256=9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08,"
                   "IMPHASH=44D88612FEA8A8F36DE82E1278ABB02F");
    event_add_cstr(&ev, "cs-host", "Shop.Example");
    event_add_cstr(&ev, "c-uri", "/cart?id=1");
    event_add_cstr(&ev, "recipient", "<alice@y.example>,<Bob@X.example>");
    event_add_int(&ev, "src_ip", 5); /* numbers are never addresses */
    event_add_cstr(&ev, "dst_ip", "203.0.113.5");
    event_add_cstr(&ev, "message", "203.0.113.5 evil"); /* free text is not searched */
    struct hits hs = { .len = 0 };
    unsigned n = ioc_match_event(s, &ev, NOW, collect, &hs);
    CHECK(n == 5 && hs.n == 5);
    CHECK_STR(hs.text, hs.len,
              "Hashes:md5:352b525e9c26cb92693899528fe007c2;"
              "Hashes:sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08;"
              "c-uri:url:https://shop.example/cart?id=1;recipient:email:bob@x.example;dst_ip:ipv4:203.0.113.5;");
    event_release(&ev);
    ioc_set_free(s);

    /* an empty set matches nothing and costs nothing */
    struct ioc_builder *b = ioc_builder_new(NULL);
    s = ioc_builder_finish(b);
    event_init(&ev);
    event_add_cstr(&ev, "dst_ip", "203.0.113.5");
    CHECK(ioc_match_event(s, &ev, NOW, collect, &hs) == 0);
    event_release(&ev);
    ioc_set_free(s);
}

static void test_many(void)
{
    /* enough indicators to grow every table several times */
    struct ioc_load_options o = opts();
    struct ioc_builder *b = ioc_builder_new(&o);
    struct ioc_attrs a = { "gen", NULL, NULL, 0, 50 };
    struct mm_error err;
    char v[64];
    bool ok = true;
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(v, sizeof v, "h%d.example", i);
        ok &= ioc_builder_add(b, IOC_DOMAIN, v, (size_t)n, &a, NULL, &err) == MM_OK;
        n = snprintf(v, sizeof v, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        ok &= ioc_builder_add(b, IOC_IPV4, v, (size_t)n, &a, NULL, &err) == MM_OK;
    }
    CHECK(ok);
    struct ioc_set *s = ioc_builder_finish(b);
    struct ioc_set_info info;
    ioc_set_info(s, &info);
    CHECK(info.total == 40000);
    const char *r = match1(s, "query", "www.h19999.example", NOW);
    CHECK_STR(r, strlen(r), "query:domain:h19999.example;");
    r = match1(s, "src_ip", "10.0.78.31", NOW); /* 20000 = 0x4e20: the last one is 10.0.78.31 */
    CHECK_STR(r, strlen(r), "src_ip:ipv4:10.0.78.31;");
    r = match1(s, "src_ip", "10.0.78.32", NOW);
    CHECK_STR(r, strlen(r), "");
    ioc_set_free(s);
}

int main(void)
{
    test_normalise();
    test_builder_and_duplicates();
    test_domain_rules();
    test_networks();
    test_expiry_confidence();
    test_misp();
    test_stix();
    test_csv_and_list();
    test_bad_json();
    test_match_event();
    test_many();
    return UNIT_DONE();
}
