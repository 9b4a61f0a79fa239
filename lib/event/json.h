/* SPDX-License-Identifier: Apache-2.0 */
/* json.h: a small JSON tokenizer for untrusted input (JSON lines, Suricata EVE, Windows events)
 * and the string escaper used by every JSON writer in the project.
 *
 * json_parse fills a caller-supplied flat token array in document order without allocating;
 * each token records where its subtree ends, so siblings are one step apart. Limits are explicit:
 * the token array's size and JSON_MAX_DEPTH. */
#ifndef MM_JSON_H
#define MM_JSON_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"

#define JSON_MAX_DEPTH 64

enum json_type {
    JSON_OBJECT = 1,
    JSON_ARRAY,
    JSON_STRING,
    JSON_NUMBER,
    JSON_TRUE,
    JSON_FALSE,
    JSON_NULL,
};

struct json_token {
    uint8_t type;
    uint8_t escaped;   /* string contains backslash escapes: use json_unescape */
    uint32_t start;    /* strings: first byte after the quote; others: first byte */
    uint32_t end;      /* strings: the closing quote; others: one past the last byte */
    uint32_t children; /* objects: number of keys; arrays: number of elements */
    uint32_t next;     /* index of the token after this one's whole subtree */
};

/* Tokenize p[0..len) as exactly one JSON value (surrounding whitespace allowed). Returns the number
 * of tokens used, or a negative value with err filled: -MM_ERR_PARSE for malformed input,
 * -MM_ERR_TOO_LARGE when the document needs more than max_tokens tokens or nests deeper than
 * JSON_MAX_DEPTH. Object keys are string tokens followed by their value's tokens. Strings are
 * checked for valid escapes but not unescaped. */
int json_parse(const char *p, size_t len, struct json_token *toks, size_t max_tokens,
               struct mm_error *err);

/* Append the decoded bytes of a string token's contents to out (escapes resolved, \u surrogate
 * pairs joined into UTF-8). */
enum mm_status json_unescape(const char *p, size_t len, struct buf *out);

/* Is the token's text equal to the given key? (compares raw bytes; keys with escapes never match) */
bool json_token_eq(const char *doc, const struct json_token *t, const char *s);

/* Append p[0..len) as a quoted JSON string. Control characters are escaped; bytes that are not
 * valid UTF-8 become U+FFFD so the output is always valid JSON. */
enum mm_status json_write_string(struct buf *out, const char *p, size_t len);

#endif
