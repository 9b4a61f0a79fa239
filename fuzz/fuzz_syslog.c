/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_syslog.c: the syslog header parser (with a fixed-offset zone and the local zone) and the
 * automatic dispatcher on arbitrary bytes; every event must serialise to valid JSON. */
#include "fuzz.h"
#include "parse/parser.h"

/* the slice lies inside the received message (or is empty) */
static bool in_raw(const struct event *ev, struct slice s)
{
    if (s.len == 0)
        return true;
    return s.p && s.p >= ev->raw && s.len <= ev->raw_len && s.p - ev->raw <= (ptrdiff_t)(ev->raw_len - s.len);
}

static void check_header(const struct event *ev, enum mm_status st)
{
    FUZZ_CHECK(st == MM_OK || st == MM_NO_MATCH || st == MM_ERR_PARSE, "status %s", mm_status_str(st));
    FUZZ_CHECK(ev->facility >= -1 && ev->facility <= 23, "facility %d", ev->facility);
    FUZZ_CHECK(ev->severity >= -1 && ev->severity <= 7, "severity %d", ev->severity);
    FUZZ_CHECK((ev->facility < 0) == (ev->severity < 0), "facility %d severity %d", ev->facility,
               ev->severity);
    FUZZ_CHECK(in_raw(ev, ev->host), "host outside the message");
    FUZZ_CHECK(in_raw(ev, ev->program), "program outside the message");
    FUZZ_CHECK(in_raw(ev, ev->pid), "pid outside the message");
    FUZZ_CHECK(in_raw(ev, ev->msgid), "msgid outside the message");
    FUZZ_CHECK(in_raw(ev, ev->message), "message outside the message");
    if (st == MM_NO_MATCH) {
        FUZZ_CHECK(ev->syslog == SYSLOG_NONE, "no header but syslog format %d", ev->syslog);
        FUZZ_CHECK(ev->message.p == ev->raw || ev->raw_len == 0, "no header but message is not the input");
    } else {
        FUZZ_CHECK(ev->syslog != SYSLOG_NONE, "header parsed but no syslog format");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* a zone with daylight saving time, so "local" exercises transitions; fixed so a crash
     * reproduces on any machine */
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct mm_tz zones[] = { { .local = false, .offset_sec = 9 * 3600 },
                                          { .local = true } };
    struct event ev;
    event_init(&ev);
    for (size_t z = 0; z < MM_ARRAY_LEN(zones); z++) {
        event_reset(&ev);
        ev.raw = (const char *)data;
        ev.raw_len = size;
        ev.receive_ns = FUZZ_RECEIVE_NS;
        enum mm_status st = syslog_parse_header(&ev, ev.raw, ev.raw_len, &zones[z]);
        check_header(&ev, st);
        fuzz_check_event_json(&ev);
    }
    for (int no_header = 0; no_header < 2; no_header++) {
        struct parse_options opt = { .forced = NULL, .no_syslog_header = no_header,
                                     .ctx.tz = zones[0] };
        event_reset(&ev);
        ev.raw = (const char *)data;
        ev.raw_len = size;
        ev.receive_ns = FUZZ_RECEIVE_NS;
        enum mm_status st = parse_message(&ev, &opt);
        FUZZ_CHECK(st == MM_OK || st == MM_NO_MATCH, "parse_message: %s", mm_status_str(st));
        FUZZ_CHECK(ev.parser != NULL, "no parser named");
        FUZZ_CHECK(st == MM_OK || !strcmp(ev.parser, "generic"), "unparsed but parser '%s'", ev.parser);
        fuzz_check_event_json(&ev);
    }
    event_release(&ev);
    return 0;
}
