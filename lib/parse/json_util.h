/* SPDX-License-Identifier: Apache-2.0 */
/* json_util.h: reading a JSON document tokenized by json_parse (event/json.h) from the parsers of
 * JSON log formats (suricata, windows, json): member lookup over the flat token array, and string
 * values decoded into the event's arena. */
#ifndef MM_PARSE_JSON_UTIL_H
#define MM_PARSE_JSON_UTIL_H

#include "base/prelude.h"
#include "base/str.h"
#include "event/event.h"
#include "event/json.h"

/* One tokenized document and the event its values go to. Nothing here owns memory: the text and
 * tokens belong to the caller and must outlive every slice taken from them. */
struct json_doc {
    struct event *ev;           /* decoded strings are copied into its arena */
    const char *text;           /* the document the tokens index into */
    const struct json_token *t; /* json_parse's tokens; t[0] is the root value */
};

/* Index of the value of key in object obj, or 0 when absent. A value is never token 0 (the root),
 * so 0 also stands for "no object" as the obj argument: lookups chain through missing parents,
 * json_doc_get(d, json_doc_get(d, o, "a"), "b"). obj that is not an object gives 0. The root
 * itself is searched with json_doc_root_get. Keys are compared as raw bytes: a key written with
 * escapes never matches. */
uint32_t json_doc_get(const struct json_doc *d, uint32_t obj, const char *key);

/* json_doc_get on the root object (the caller has checked that t[0] is an object). */
uint32_t json_doc_root_get(const struct json_doc *d, const char *key);

/* The decoded value of string token i: the raw bytes when it has no escapes, else a copy in the
 * event's arena with escapes resolved (\u surrogate pairs joined into UTF-8, lone surrogates as
 * U+FFFD). An empty slice with p == NULL when the arena's limit is reached. The token must come
 * from json_parse, which has checked its escapes. */
struct slice json_doc_string(const struct json_doc *d, uint32_t i);

#endif
