/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz.h: what the libFuzzer harnesses share: a checked assertion that reports and aborts (so
 * libFuzzer keeps the input), and the check that an event serialises to valid JSON. */
#ifndef MM_FUZZ_H
#define MM_FUZZ_H

#include "base/prelude.h"
#include "fuzz_check.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "event/event.h"
#include "event/json.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2026-11-23T12:00:00Z: the receive time the parser tests use (tests/run.sh), so RFC 3164 year
 * inference behaves as it does there. */
#define FUZZ_RECEIVE_NS (1795435200LL * MM_NS_PER_SEC)

/* Tokens enough for any event: EVENT_MAX_FIELDS fields are 512 tokens, the fixed members fewer
 * than 40. */
#define FUZZ_EVENT_TOKENS 1024

/* Serialise ev in every layout and check the line is valid UTF-8 and exactly one JSON object:
 * every field a parser produced (names from the input, FIELD_INT and FIELD_BOOL values written
 * unquoted) must survive serialisation. */
static inline void fuzz_check_event_json(const struct event *ev)
{
    static struct json_token toks[FUZZ_EVENT_TOKENS];
    static const unsigned layouts[] = { 0, EVENT_JSON_ECS | EVENT_JSON_RAW };
    FUZZ_CHECK(ev->nfields <= EVENT_MAX_FIELDS, "%u fields", ev->nfields);
    for (unsigned i = 0; i < ev->nfields; i++) {
        const struct event_field *f = &ev->fields[i];
        FUZZ_CHECK(f->name != NULL, "field %u has no name", i);
        FUZZ_CHECK(f->value || f->len == 0, "field '%s' has no value", f->name);
        if (f->type == FIELD_INT) {
            size_t j = f->len && f->value[0] == '-';
            FUZZ_CHECK(j < f->len && (f->value[j] != '0' || f->len == j + 1),
                       "field '%s': '%.*s' is not a canonical integer", f->name, (int)f->len, f->value);
            for (; j < f->len; j++)
                FUZZ_CHECK(mm_is_digit(f->value[j]), "field '%s': '%.*s' is not an integer", f->name,
                           (int)f->len, f->value);
        } else if (f->type == FIELD_BOOL) {
            struct slice v = slice_make(f->value, f->len);
            FUZZ_CHECK(slice_eq(v, "true") || slice_eq(v, "false"), "field '%s': '%.*s' is not a bool",
                       f->name, (int)f->len, f->value);
        } else {
            FUZZ_CHECK(f->type == FIELD_STR, "field '%s' has type %u", f->name, f->type);
        }
    }
    struct buf out;
    buf_init(&out, BUF_NO_MAX);
    for (size_t i = 0; i < MM_ARRAY_LEN(layouts); i++) {
        buf_reset(&out);
        enum mm_status st = event_to_json(ev, &out, layouts[i]);
        FUZZ_CHECK(st == MM_OK, "event_to_json: %s", mm_status_str(st));
        FUZZ_CHECK(mm_utf8_valid(out.data, out.len), "event JSON is not UTF-8: %s", out.data);
        struct mm_error err = { "" };
        int n = json_parse(out.data, out.len, toks, MM_ARRAY_LEN(toks), &err);
        FUZZ_CHECK(n > 0, "event JSON does not parse (%s): %s", err.msg, out.data);
        FUZZ_CHECK(toks[0].type == JSON_OBJECT, "event JSON is not an object: %s", out.data);
        /* every field is a key and a value: a FIELD_INT or FIELD_BOOL that is not a JSON number or
         * literal would have failed the parse above, an empty one would leave "k":, */
        FUZZ_CHECK(toks[0].next == (uint32_t)n, "event JSON has trailing tokens: %s", out.data);
    }
    buf_release(&out);
}

#endif
