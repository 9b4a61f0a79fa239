/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_parser.c: one log-format parser, forced, on arbitrary messages, with and without a syslog
 * header in front; every event must serialise to valid JSON. Built once per parser with
 * -DFUZZ_PARSER=\"name\" (the Makefile finds the names the way the registry does). */
#include "fuzz.h"
#include "parse/parser.h"

#ifndef FUZZ_PARSER
#error "build with -DFUZZ_PARSER=\"<parser name>\""
#endif

static const struct parser *parser;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    parser = parser_find(FUZZ_PARSER);
    if (!parser) {
        fprintf(stderr, "fuzz_parser: no parser named '%s'\n", FUZZ_PARSER);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct event ev;
    event_init(&ev);
    for (int no_header = 0; no_header < 2; no_header++) {
        struct parse_options opt = { .forced = parser, .no_syslog_header = no_header,
                                     .ctx.tz = { .local = false, .offset_sec = 9 * 3600 } };
        event_reset(&ev);
        ev.raw = (const char *)data;
        ev.raw_len = size;
        ev.receive_ns = FUZZ_RECEIVE_NS;
        enum mm_status st = parse_message(&ev, &opt);
        FUZZ_CHECK(st == MM_OK || st == MM_NO_MATCH, "parse_message: %s", mm_status_str(st));
        FUZZ_CHECK(ev.parser != NULL, "no parser named");
        if (st == MM_OK)
            FUZZ_CHECK(!strcmp(ev.parser, parser->name), "forced '%s' but parsed by '%s'",
                       parser->name, ev.parser);
        else
            FUZZ_CHECK(!strcmp(ev.parser, "generic"), "unparsed but parser '%s'", ev.parser);
        fuzz_check_event_json(&ev);
    }
    event_release(&ev);
    return 0;
}
