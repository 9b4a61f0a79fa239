/* SPDX-License-Identifier: Apache-2.0 */
/* test_syslog.c: unit tests for the syslog header parser (syslog_parse_header): RFC 5424, RFC 3164
 * and the variants devices really send, with a fixed receive time so inferred years are exact. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "event/event.h"
#include "parse/parser.h"
#include "unit.h"

#define NS   MM_NS_PER_SEC
#define R_NS (1795435200LL * NS) /* 2026-11-23T12:00:00Z, the receive time of most cases */

static const struct mm_tz tz9 = { .local = false, .offset_sec = 9 * 3600 };
static const struct mm_tz utc = { .local = false, .offset_sec = 0 };

static struct event ev;
static char *copy;
static size_t copy_len;

/* Parse an exactly-sized heap copy of line[0..n) (so ASan sees any read past the end). */
static enum mm_status hdr_n(const char *line, size_t n, int64_t receive_ns, const struct mm_tz *tz)
{
    mm_free(copy);
    copy = mm_malloc(n ? n : 1);
    memcpy(copy, line, n);
    copy_len = n;
    event_reset(&ev);
    ev.receive_ns = receive_ns;
    ev.raw = copy;
    ev.raw_len = n;
    return syslog_parse_header(&ev, copy, n, tz);
}

static enum mm_status hdr_at(const char *line, int64_t receive_ns, const struct mm_tz *tz)
{
    return hdr_n(line, strlen(line), receive_ns, tz);
}

static enum mm_status hdr(const char *line, const struct mm_tz *tz)
{
    return hdr_at(line, R_NS, tz);
}

#define SL(s, want) CHECK_STR((s).p, (s).len, want)
#define NIL(s)      CHECK((s).len == 0)
/* the message is the whole input, untouched */
#define WHOLE() CHECK(ev.message.p == copy && ev.message.len == copy_len)

static void field_is(const char *name, const char *want)
{
    struct slice v = event_get_value(&ev, name);
    bool ok = event_get(&ev, name) != NULL && v.len == strlen(want) && !memcmp(v.p, want, v.len);
    unit_count++;
    if (ok) {
        printf("ok %d - field %s == \"%s\"\n", unit_count, name, want);
    } else {
        unit_failed++;
        printf("not ok %d - field %s: got \"%.*s\", want \"%s\"\n", unit_count, name, (int)v.len,
               v.p, want);
    }
}

static void test_rfc5424_examples(void)
{
    /* RFC 5424 section 6.5, example 1: nil PROCID and SD, BOM before the message */
    CHECK(hdr("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
              "\xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8",
              &tz9) == MM_OK);
    CHECK(ev.syslog == SYSLOG_RFC5424);
    CHECK(ev.facility == 4 && ev.severity == 2);
    CHECK(ev.time_ns == 1065910455LL * NS + 3000000);
    CHECK(ev.time_has_year && ev.time_has_zone);
    SL(ev.host, "mymachine.example.com");
    SL(ev.program, "su");
    NIL(ev.pid);
    SL(ev.msgid, "ID47");
    SL(ev.message, "'su root' failed for lonvick on /dev/pts/8");
    CHECK(ev.nfields == 0);

    /* example 2: a numeric offset and microseconds, nil MSGID and SD, no BOM */
    CHECK(hdr("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - "
              "%% It's time to make the do-nuts.",
              &tz9) == MM_OK);
    CHECK(ev.facility == 20 && ev.severity == 5);
    CHECK(ev.time_ns == 1061727255LL * NS + 3000);
    CHECK(ev.time_has_zone);
    SL(ev.host, "192.0.2.1");
    SL(ev.program, "myproc");
    SL(ev.pid, "8710");
    NIL(ev.msgid);
    SL(ev.message, "%% It's time to make the do-nuts.");
    CHECK(ev.nfields == 0);

    /* example 3: structured data, then a BOM message */
    CHECK(hdr("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
              "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
              "\xEF\xBB\xBF"
              "An application event log entry...",
              &utc) == MM_OK);
    CHECK(ev.time_ns == 1065910455LL * NS + 3000000);
    SL(ev.program, "evntslog");
    NIL(ev.pid);
    SL(ev.msgid, "ID47");
    CHECK(ev.nfields == 3);
    field_is("sd.exampleSDID@32473.iut", "3");
    field_is("sd.exampleSDID@32473.eventSource", "Application");
    field_is("sd.exampleSDID@32473.eventID", "1011");
    SL(ev.message, "An application event log entry...");

    /* example 4: two SD elements and no message at all */
    CHECK(hdr("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
              "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
              "[examplePriority@32473 class=\"high\"]",
              &utc) == MM_OK);
    CHECK(ev.nfields == 4);
    field_is("sd.exampleSDID@32473.eventID", "1011");
    field_is("sd.examplePriority@32473.class", "high");
    CHECK(ev.message.len == 0);
}

static void test_rfc5424_more(void)
{
    /* SD values: only \" \\ \] are escapes (RFC 5424 6.3.3); other backslashes stay */
    CHECK(hdr("<14>1 2026-11-23T15:30:00+09:00 host app 42 - [x@1 a=\"say \\\"hi\\\"\" "
              "b=\"back\\\\slash\" c=\"bra\\]cket\" d=\"keep\\n\" e=\"\"] msg",
              &utc) == MM_OK);
    CHECK(ev.facility == 1 && ev.severity == 6);
    CHECK(ev.time_ns == 1795415400LL * NS);
    SL(ev.pid, "42");
    CHECK(ev.nfields == 5);
    field_is("sd.x@1.a", "say \"hi\"");
    field_is("sd.x@1.b", "back\\slash");
    field_is("sd.x@1.c", "bra]cket");
    field_is("sd.x@1.d", "keep\\n");
    field_is("sd.x@1.e", "");
    SL(ev.message, "msg");

    /* every header field nil */
    CHECK(hdr("<14>1 - - - - - -", &tz9) == MM_OK);
    CHECK(ev.syslog == SYSLOG_RFC5424);
    CHECK(ev.time_ns == 0 && !ev.time_has_year && !ev.time_has_zone);
    NIL(ev.host);
    NIL(ev.program);
    NIL(ev.pid);
    NIL(ev.msgid);
    CHECK(ev.message.len == 0);
    CHECK(hdr("<14>1 - - - - - - hello", &tz9) == MM_OK);
    SL(ev.message, "hello");

    /* an SD element without parameters */
    CHECK(hdr("<14>1 - host app - - [meta] hi", &tz9) == MM_OK);
    CHECK(ev.nfields == 0);
    SL(ev.host, "host");
    SL(ev.message, "hi");

    /* the smallest and largest PRI */
    CHECK(hdr("<0>1 - h a - - - m", &tz9) == MM_OK && ev.facility == 0 && ev.severity == 0);
    CHECK(hdr("<191>1 - h a - - - m", &tz9) == MM_OK && ev.facility == 23 && ev.severity == 7);

    /* a malformed timestamp: what follows the version is kept as the message */
    CHECK(hdr("<14>1 2026-13-01T00:00:00Z host app - - - msg", &tz9) == MM_ERR_PARSE);
    CHECK(ev.syslog == SYSLOG_RFC5424 && ev.facility == 1 && ev.severity == 6);
    CHECK(ev.time_ns == 0);
    SL(ev.message, "2026-13-01T00:00:00Z host app - - - msg");
    /* unterminated SD is malformed, not a crash or an endless scan */
    CHECK(hdr("<14>1 - host app - - [id p=\"v", &tz9) == MM_ERR_PARSE);
    CHECK(hdr("<14>1 - host app - - [id p=v] m", &tz9) == MM_ERR_PARSE);
    CHECK(hdr("<14>1 - host app - - x m", &tz9) == MM_ERR_PARSE);

    /* a trailing LF, CR or NUL that the sender put inside the frame is not part of the message */
    CHECK(hdr_n("<14>1 - h a - - - m\r\n\0", 22, R_NS, &tz9) == MM_OK);
    SL(ev.message, "m");
}

static void test_rfc3164(void)
{
    /* the RFC 3164 example: hostname, tag without pid; year and zone from the receiver */
    CHECK(hdr("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
              &tz9) == MM_OK);
    CHECK(ev.syslog == SYSLOG_RFC3164);
    CHECK(ev.facility == 4 && ev.severity == 2);
    CHECK(ev.time_ns == 1791724455LL * NS); /* 2026-10-11T22:14:15+09:00 */
    CHECK(!ev.time_has_year && !ev.time_has_zone);
    SL(ev.host, "mymachine");
    SL(ev.program, "su");
    NIL(ev.pid);
    NIL(ev.msgid);
    SL(ev.message, "'su root' failed for lonvick on /dev/pts/8");
    CHECK(hdr("<34>Oct 11 22:14:15 mymachine su: 'su root' failed", &utc) == MM_OK);
    CHECK(ev.time_ns == 1791756855LL * NS); /* 2026-10-11T22:14:15Z */

    /* hostname and pid */
    CHECK(hdr("<86>Nov 23 15:30:00 web01 sshd[1234]: Accepted password for root", &tz9) == MM_OK);
    CHECK(ev.facility == 10 && ev.severity == 6);
    CHECK(ev.time_ns == 1795415400LL * NS);
    SL(ev.host, "web01");
    SL(ev.program, "sshd");
    SL(ev.pid, "1234");
    SL(ev.message, "Accepted password for root");

    /* no hostname: the first token is already the tag */
    CHECK(hdr("<13>Nov 23 15:30:00 sshd[1234]: Accepted password for root", &tz9) == MM_OK);
    NIL(ev.host);
    SL(ev.program, "sshd");
    SL(ev.pid, "1234");
    SL(ev.message, "Accepted password for root");
    CHECK(hdr("<13>Nov 23 15:30:00 cron: job started", &tz9) == MM_OK);
    NIL(ev.host);
    SL(ev.program, "cron");
    NIL(ev.pid);
    SL(ev.message, "job started");

    /* a program name with slashes; a body that has no tag; a URL is not a tag */
    CHECK(hdr("<22>Nov 23 15:30:00 mail postfix/smtpd[999]: connect from x", &tz9) == MM_OK);
    SL(ev.host, "mail");
    SL(ev.program, "postfix/smtpd");
    SL(ev.pid, "999");
    CHECK(hdr("<13>Nov 23 15:30:00 web01 just a message", &tz9) == MM_OK);
    SL(ev.host, "web01");
    NIL(ev.program);
    SL(ev.message, "just a message");
    CHECK(hdr("<13>Nov 23 15:30:00 web01 http://x.example/ z", &tz9) == MM_OK);
    NIL(ev.program);
    SL(ev.message, "http://x.example/ z");

    /* a one-digit day, padded or not */
    CHECK(hdr("<13>Mar  1 10:00:00 h a: m", &utc) == MM_OK);
    CHECK(ev.time_ns == 1772359200LL * NS);
    CHECK(hdr("<13>Mar 1 10:00:00 h a: m", &utc) == MM_OK);
    CHECK(ev.time_ns == 1772359200LL * NS);
    SL(ev.host, "h");
    SL(ev.program, "a");

    /* an ISO timestamp in the 3164 position (rsyslog's forwarding format) */
    CHECK(hdr("<13>2026-11-23T15:30:00.123456+09:00 web01 postfix/smtpd[999]: connect", &utc) ==
          MM_OK);
    CHECK(ev.syslog == SYSLOG_RFC3164);
    CHECK(ev.time_ns == 1795415400LL * NS + 123456000);
    CHECK(ev.time_has_year && ev.time_has_zone);
    SL(ev.host, "web01");
    SL(ev.program, "postfix/smtpd");
    SL(ev.pid, "999");
    SL(ev.message, "connect");
    /* ... without a zone: the listener's zone is assumed */
    CHECK(hdr("<13>2026-11-23T15:30:00 web01 app: m", &tz9) == MM_OK);
    CHECK(ev.time_ns == 1795415400LL * NS);
    CHECK(ev.time_has_year && !ev.time_has_zone);

    /* a year after the time */
    CHECK(hdr("<13>Nov 23 15:30:00 2025 web01 app: m", &tz9) == MM_OK);
    CHECK(ev.time_ns == 1763879400LL * NS);
    CHECK(ev.time_has_year && !ev.time_has_zone);
    SL(ev.host, "web01");

    /* no PRI: recognised by the timestamp, facility and severity stay absent */
    CHECK(hdr("Nov 23 15:30:00 web01 sshd[77]: hello", &tz9) == MM_OK);
    CHECK(ev.syslog == SYSLOG_RFC3164);
    CHECK(ev.facility == -1 && ev.severity == -1);
    CHECK(ev.time_ns == 1795415400LL * NS);
    SL(ev.host, "web01");
    SL(ev.program, "sshd");
    SL(ev.pid, "77");
    SL(ev.message, "hello");
    CHECK(hdr("2026-11-23T15:30:00.5+09:00 web01 app: hi", &utc) == MM_OK);
    CHECK(ev.facility == -1);
    CHECK(ev.time_ns == 1795415400LL * NS + 500000000);
    SL(ev.program, "app");
    SL(ev.message, "hi");

    /* a trailing newline is not part of the message */
    CHECK(hdr("<13>Nov 23 15:30:00 h a: m\r\n", &tz9) == MM_OK);
    SL(ev.message, "m");

    /* dates that int64 nanoseconds cannot hold are not timestamps (and do not overflow) */
    CHECK(hdr("<166>Nov 23 9999 15:30:00: %ASA-6-302013: x", &tz9) == MM_OK);
    CHECK(ev.time_ns == 0);
    SL(ev.message, "Nov 23 9999 15:30:00: %ASA-6-302013: x");
    CHECK(hdr("<13>9999-12-31T23:59:59Z h a: m", &tz9) == MM_OK);
    CHECK(ev.time_ns == 0);
    CHECK(hdr("<14>1 1000-01-01T00:00:00Z h a - - - m", &tz9) == MM_ERR_PARSE);
    CHECK(ev.time_ns == 0);
}

static void test_vendors(void)
{
    /* Cisco IOS: sequence number, '*' for an unsynchronised clock, milliseconds, zone name */
    CHECK(
        hdr("<189>123: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: Configured from console by vty0",
            &tz9) == MM_OK);
    CHECK(ev.syslog == SYSLOG_RFC3164);
    CHECK(ev.facility == 23 && ev.severity == 5);
    CHECK(ev.time_ns == 1772390771LL * NS + 123000000); /* 2026-03-01T18:46:11.123Z */
    CHECK(!ev.time_has_year && ev.time_has_zone);
    NIL(ev.host);
    NIL(ev.program);
    SL(ev.message, "%SYS-5-CONFIG_I: Configured from console by vty0");
    /* without the zone name the listener's zone applies */
    CHECK(hdr("<189>124: *Mar  1 18:46:11.123: %SYS-5-CONFIG_I: x", &tz9) == MM_OK);
    CHECK(ev.time_ns == 1772358371LL * NS + 123000000); /* 18:46:11.123+09:00 */
    CHECK(!ev.time_has_zone);
    SL(ev.message, "%SYS-5-CONFIG_I: x");
    /* '.' marks a clock that was synchronised once */
    CHECK(hdr("<189>000125: .Nov 23 06:30:00.500 UTC: %LINK-3-UPDOWN: Interface Gi0/1, changed",
              &tz9) == MM_OK);
    CHECK(ev.time_ns == 1795415400LL * NS + 500000000);
    SL(ev.message, "%LINK-3-UPDOWN: Interface Gi0/1, changed");
    /* no sequence number */
    CHECK(hdr("<189>*Mar  1 18:46:11: %SYS-5-CONFIG_I: y", &utc) == MM_OK);
    CHECK(ev.time_ns == 1772390771LL * NS);
    SL(ev.message, "%SYS-5-CONFIG_I: y");

    /* Cisco ASA: the year inside the timestamp, which ends with a colon */
    CHECK(hdr("<166>Nov 23 2026 15:30:00: %ASA-6-302013: Built inbound TCP connection 1 for "
              "outside:192.0.2.1/1234 (192.0.2.1/1234) to inside:10.0.0.1/22 (10.0.0.1/22)",
              &tz9) == MM_OK);
    CHECK(ev.facility == 20 && ev.severity == 6);
    CHECK(ev.time_ns == 1795415400LL * NS);
    CHECK(ev.time_has_year && !ev.time_has_zone);
    NIL(ev.host);
    NIL(ev.program);
    SL(ev.message, "%ASA-6-302013: Built inbound TCP connection 1 for outside:192.0.2.1/1234 "
                   "(192.0.2.1/1234) to inside:10.0.0.1/22 (10.0.0.1/22)");
    CHECK(hdr("<166>Nov 23 2025 15:30:00: %ASA-6-302014: x", &tz9) == MM_OK);
    CHECK(ev.time_ns == 1763879400LL * NS); /* the year given is kept, not inferred */
    /* "logging device-id": "asa01 : %ASA-..." */
    CHECK(hdr("<166>Nov 23 2026 15:30:00 asa01 : %ASA-6-302013: Built", &tz9) == MM_OK);
    CHECK(ev.time_ns == 1795415400LL * NS);
    SL(ev.host, "asa01");
    NIL(ev.program);
    SL(ev.message, "%ASA-6-302013: Built");
    CHECK(hdr("<166>Nov 23 2026 15:30:00 asa01 %ASA-6-302013: Built", &tz9) == MM_OK);
    SL(ev.host, "asa01");
    SL(ev.message, "%ASA-6-302013: Built");

    /* FortiGate: key=value straight after PRI; no header fields, the body intact */
    const char *forti =
        "date=2026-11-23 time=15:30:00 devname=\"FGT60F\" devid=\"FGT60FTK1\" "
        "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\"";
    char line[512];
    snprintf(line, sizeof line, "<189>%s", forti);
    CHECK(hdr(line, &tz9) == MM_OK);
    CHECK(ev.facility == 23 && ev.severity == 5);
    CHECK(ev.time_ns == 0);
    NIL(ev.host);
    NIL(ev.program);
    NIL(ev.pid);
    SL(ev.message, forti);
}

static void test_year_inference(void)
{
    /* a December message read just after New Year belongs to the old year */
    int64_t r = 1798761610LL * NS; /* 2027-01-01T00:00:10Z */
    CHECK(hdr_at("<13>Dec 31 23:59:59 h a: m", r, &utc) == MM_OK);
    CHECK(ev.time_ns == 1798761599LL * NS); /* 2026-12-31T23:59:59Z */
    CHECK(!ev.time_has_year);
    CHECK(hdr_at("<13>Dec 31 23:59:59 h a: m", r, &tz9) == MM_OK);
    CHECK(ev.time_ns == 1798729199LL * NS); /* 2026-12-31T23:59:59+09:00 */
    /* a device clock slightly ahead sends January before the receiver's New Year */
    r = 1798761598LL * NS; /* 2026-12-31T23:59:58Z */
    CHECK(hdr_at("<13>Jan  1 00:00:05 h a: m", r, &utc) == MM_OK);
    CHECK(ev.time_ns == 1798761605LL * NS); /* 2027-01-01T00:00:05Z */
    /* months in the past are this year */
    CHECK(hdr("<13>Mar  1 10:00:00 h a: m", &utc) == MM_OK);
    CHECK(ev.time_ns == 1772359200LL * NS); /* 2026-03-01T10:00:00Z */
    /* up to a week ahead is still this year; beyond, it is last year */
    CHECK(hdr("<13>Nov 30 12:00:00 h a: m", &utc) == MM_OK);
    CHECK(ev.time_ns == 1796040000LL * NS); /* 2026-11-30T12:00:00Z */
    CHECK(hdr("<13>Nov 30 12:00:01 h a: m", &utc) == MM_OK);
    CHECK(ev.time_ns == 1764504001LL * NS); /* 2025-11-30T12:00:01Z */
    CHECK(hdr("<13>Dec  5 10:00:00 h a: m", &utc) == MM_OK);
    CHECK(ev.time_ns == 1764928800LL * NS); /* 2025-12-05T10:00:00Z */
    /* the receive time is judged in the listener's zone: 21:00 local on Nov 23 */
    CHECK(hdr("<13>Nov 23 20:59:00 h a: m", &tz9) == MM_OK);
    CHECK(ev.time_ns == (1795435200LL - 60) * NS);
    /* Feb 29 only exists in leap years */
    CHECK(hdr_at("<13>Feb 29 12:00:00 h a: m", 1835481600LL * NS, &utc) == MM_OK); /* 2028-03-01 */
    CHECK(ev.time_ns == 1835438400LL * NS);                                        /* 2028-02-29 */
}

static void test_no_header(void)
{
    /* invalid PRI values are not a PRI; without a timestamp at the start there is no header */
    static const char *const bad_pri[] = {
        "<192>Nov 23 15:30:00 h a: m",  "<01>Nov 23 15:30:00 h a: m", "<>Nov 23 15:30:00 h a: m",
        "<1000>Nov 23 15:30:00 h a: m", "<-1>Nov 23 15:30:00 h a: m", "<13 Nov 23 15:30:00 h a: m",
        "<1a>Nov 23 15:30:00 h a: m",
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(bad_pri); i++) {
        CHECK(hdr(bad_pri[i], &tz9) == MM_NO_MATCH);
        CHECK(ev.syslog == SYSLOG_NONE && ev.facility == -1 && ev.severity == -1);
        CHECK(ev.time_ns == 0);
        WHOLE();
    }
    CHECK(hdr("<7>Nov 23 15:30:00 h a: m", &tz9) == MM_OK && ev.facility == 0 && ev.severity == 7);

    CHECK(hdr("hello world, this is not syslog at all", &tz9) == MM_NO_MATCH);
    CHECK(ev.syslog == SYSLOG_NONE && ev.facility == -1 && ev.time_ns == 0);
    NIL(ev.host);
    NIL(ev.program);
    WHOLE();
    CHECK(hdr("", &tz9) == MM_NO_MATCH);
    CHECK(ev.message.len == 0);
    CHECK(hdr("2026-11-23 15:30:00 text with a space date", &tz9) == MM_NO_MATCH);
    WHOLE();
    /* a month name that does not start a valid timestamp */
    CHECK(hdr("Nov 31 10:00:00 host app: invalid date", &tz9) == MM_NO_MATCH);
    CHECK(ev.syslog == SYSLOG_NONE);
    NIL(ev.host);
    NIL(ev.program);
    NIL(ev.pid);
    WHOLE();
    CHECK(hdr("Novelty items sold today: 5", &tz9) == MM_NO_MATCH);
    WHOLE();
    CHECK(hdr("May the force be with you [1]: yes", &tz9) == MM_NO_MATCH);
    NIL(ev.program);
    WHOLE();
}

/* Every prefix of real headers: the parser must never read past the given length (ASan) and the
 * message must lie inside the input. */
static void test_prefixes(void)
{
    static const char *const lines[] = {
        "<189>123: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: Configured",
        "<189>125: .Nov 23 06:30:00.500 UTC: %LINK-3-UPDOWN: x",
        "<13>.Nov 23 06:30:00 h a: m",
        "<166>Nov 23 2026 15:30:00 asa01 : %ASA-6-302013: Built",
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [a@1 b=\"c\\]\"] "
        "\xEF\xBB\xBFm",
        "<13>2026-11-23T15:30:00.123456+09:00 web01 postfix/smtpd[999]: connect",
        "Nov 23 15:30:00 web01 sshd[77]: hello",
        "2026-11-23T15:30:00Z h a: m",
    };
    int outside = 0, total = 0;
    for (size_t i = 0; i < MM_ARRAY_LEN(lines); i++) {
        size_t len = strlen(lines[i]);
        for (size_t n = 0; n <= len; n++) {
            hdr_n(lines[i], n, R_NS, &tz9);
            total++;
            if (ev.message.len > n ||
                (ev.message.len &&
                 (ev.message.p < copy || ev.message.p + ev.message.len > copy + n)))
                outside++;
        }
    }
    CHECK(total > 300);
    CHECK(outside == 0);
}

int main(void)
{
    event_init(&ev);
    test_rfc5424_examples();
    test_rfc5424_more();
    test_rfc3164();
    test_vendors();
    test_year_inference();
    test_no_header();
    test_prefixes();
    event_release(&ev);
    mm_free(copy);
    return UNIT_DONE();
}
