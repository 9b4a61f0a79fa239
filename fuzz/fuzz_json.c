/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_json.c: the JSON tokenizer and the string escaper. json_parse with a small and a large
 * token array must agree wherever the small one suffices; every token tree must be well formed;
 * every string must unescape, and every byte string must write back as valid UTF-8 JSON that
 * parses as one string and (for UTF-8 input) unescapes to the same bytes. */
#include "fuzz.h"

static struct json_token small[64], large[4096];

/* Check the subtree at toks[i]; returns the index after it. */
static uint32_t check_tree(const char *doc, size_t len, const struct json_token *toks, uint32_t n,
                           uint32_t i)
{
    const struct json_token *t = &toks[i];
    FUZZ_CHECK(t->type >= JSON_OBJECT && t->type <= JSON_NULL, "token %u has type %u", i, t->type);
    FUZZ_CHECK(t->start <= t->end && t->end <= len, "token %u spans %u..%u of %zu", i, t->start,
               t->end, len);
    FUZZ_CHECK(t->next > i && t->next <= n, "token %u: next %u of %u", i, t->next, n);
    switch (t->type) {
    case JSON_STRING:
        FUZZ_CHECK(t->start > 0 && doc[t->start - 1] == '"' && doc[t->end] == '"',
                   "string token %u not between quotes", i);
        FUZZ_CHECK(t->next == i + 1, "string token %u has children", i);
        FUZZ_CHECK(t->escaped == (memchr(doc + t->start, '\\', t->end - t->start) != NULL),
                   "string token %u: escaped flag %u", i, t->escaped);
        return t->next;
    case JSON_OBJECT:
    case JSON_ARRAY: {
        FUZZ_CHECK(doc[t->start] == (t->type == JSON_OBJECT ? '{' : '[') &&
                       doc[t->end - 1] == (t->type == JSON_OBJECT ? '}' : ']'),
                   "container token %u not between brackets", i);
        uint32_t j = i + 1, count = 0;
        while (j < t->next) {
            if (t->type == JSON_OBJECT) {
                FUZZ_CHECK(toks[j].type == JSON_STRING, "object %u: key %u is not a string", i, j);
                j = check_tree(doc, len, toks, n, j);
                FUZZ_CHECK(j < t->next, "object %u: key without a value", i);
            }
            const struct json_token *c = &toks[j];
            FUZZ_CHECK(c->start > t->start && c->end < t->end, "token %u outside its parent %u", j, i);
            j = check_tree(doc, len, toks, n, j);
            count++;
        }
        FUZZ_CHECK(j == t->next, "token %u: children end at %u, next is %u", i, j, t->next);
        FUZZ_CHECK(count == t->children, "token %u: %u children, counted %u", i, t->children, count);
        return t->next;
    }
    default:
        FUZZ_CHECK(t->next == i + 1, "scalar token %u has children", i);
        FUZZ_CHECK(t->end > t->start, "empty scalar token %u", i);
        return t->next;
    }
}

/* Write p[0..len) as a JSON string; the result must be valid UTF-8, parse as one string token,
 * and unescape back to the input when the input was valid UTF-8. */
static void check_write(const char *p, size_t len)
{
    struct buf out, back;
    buf_init(&out, BUF_NO_MAX);
    buf_init(&back, BUF_NO_MAX);
    enum mm_status st = json_write_string(&out, p, len);
    FUZZ_CHECK(st == MM_OK, "json_write_string: %s", mm_status_str(st));
    FUZZ_CHECK(mm_utf8_valid(out.data, out.len), "json_write_string wrote invalid UTF-8");
    struct json_token tok[2];
    struct mm_error err = { "" };
    int n = json_parse(out.data, out.len, tok, MM_ARRAY_LEN(tok), &err);
    FUZZ_CHECK(n == 1 && tok[0].type == JSON_STRING, "written string does not parse: %s (%s)", err.msg,
               out.data);
    st = json_unescape(out.data + tok[0].start, tok[0].end - tok[0].start, &back);
    FUZZ_CHECK(st == MM_OK, "json_unescape of a written string: %s", mm_status_str(st));
    FUZZ_CHECK(mm_utf8_valid(back.data, back.len), "written string unescapes to invalid UTF-8");
    if (mm_utf8_valid(p, len))
        FUZZ_CHECK(back.len == len && !memcmp(back.data, p, len),
                   "UTF-8 string does not survive write and unescape");
    buf_release(&out);
    buf_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *doc = (const char *)data;
    struct mm_error err_small = { "" }, err_large = { "" };
    int ns = json_parse(doc, size, small, MM_ARRAY_LEN(small), &err_small);
    int nl = json_parse(doc, size, large, MM_ARRAY_LEN(large), &err_large);
    if (ns < 0)
        FUZZ_CHECK(ns == -MM_ERR_PARSE || ns == -MM_ERR_TOO_LARGE, "json_parse returned %d", ns);
    if (nl < 0)
        FUZZ_CHECK((nl == -MM_ERR_PARSE || nl == -MM_ERR_TOO_LARGE) && err_large.msg[0],
                   "json_parse returned %d (%s)", nl, err_large.msg);
    /* the token limit changes nothing until it is reached */
    if (ns >= 0)
        FUZZ_CHECK(nl == ns && !memcmp(small, large, (size_t)ns * sizeof small[0]),
                   "64 tokens: %d, 4096 tokens: %d", ns, nl);
    if (ns == -MM_ERR_PARSE)
        FUZZ_CHECK(nl == -MM_ERR_PARSE, "64 tokens: parse error, 4096 tokens: %d", nl);
    if (nl >= 0 && nl <= (int)MM_ARRAY_LEN(small))
        FUZZ_CHECK(ns == nl, "64 tokens: %d, 4096 tokens: %d", ns, nl);

    if (nl > 0) {
        FUZZ_CHECK(check_tree(doc, size, large, (uint32_t)nl, 0) == (uint32_t)nl,
                   "the root does not span all %d tokens", nl);
        struct buf s;
        buf_init(&s, BUF_NO_MAX);
        for (int i = 0; i < nl; i++) {
            const struct json_token *t = &large[i];
            if (t->type != JSON_STRING)
                continue;
            buf_reset(&s);
            enum mm_status st = json_unescape(doc + t->start, t->end - t->start, &s);
            FUZZ_CHECK(st == MM_OK, "json_unescape of token %d: %s", i, mm_status_str(st));
            /* parsers size their copies by this (windows.c) */
            FUZZ_CHECK(s.len <= t->end - t->start, "token %d: unescaping grew %u bytes to %zu", i,
                       t->end - t->start, s.len);
            if (!t->escaped)
                FUZZ_CHECK(s.len == t->end - t->start && !memcmp(s.data, doc + t->start, s.len),
                           "plain string changed by json_unescape");
            (void)json_token_eq(doc, t, "event_type");
            check_write(s.data, s.len);
            check_write(doc + t->start, t->end - t->start);
        }
        buf_release(&s);
    }
    /* also arbitrary bytes, and json_unescape on text no tokenizer has vetted */
    check_write(doc, size);
    struct buf junk;
    buf_init(&junk, BUF_NO_MAX);
    (void)json_unescape(doc, size, &junk);
    buf_release(&junk);
    return 0;
}
