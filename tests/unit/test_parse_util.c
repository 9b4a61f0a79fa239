/* SPDX-License-Identifier: Apache-2.0 */
/* test_parse_util.c: unit tests for the helpers the format parsers share: the slice cursor
 * (parse/cursor.h), CLF and ctime lines (parse_util.c) and JSON lookups (json_util.c). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "event/event.h"
#include "event/json.h"
#include "parse/parser.h"
#include "parse/cursor.h"
#include "parse/json_util.h"
#include "unit.h"

#define NS MM_NS_PER_SEC

static const struct mm_tz tz9 = { .local = false, .offset_sec = 9 * 3600 };
static const struct mm_tz utc = { .local = false, .offset_sec = 0 };

static char *copy;

/* An exactly-sized heap copy of s (so ASan sees any read past the end). */
static struct slice heap(const char *s)
{
    size_t n = strlen(s);
    mm_free(copy);
    copy = mm_malloc(n ? n : 1);
    memcpy(copy, s, n);
    return slice_make(copy, n);
}

static void test_cursor(void)
{
    struct slice s = heap("user 'root' from 10.0.0.1");
    CHECK(!cursor_eat(&s, "root"));
    CHECK(cursor_eat(&s, "user "));
    struct slice q = cursor_take_quoted(&s, '\'');
    CHECK_STR(q.p, q.len, "root");
    CHECK_STR(s.p, s.len, " from 10.0.0.1");
    cursor_skip_blanks(&s);
    struct slice w = cursor_take_quoted(&s, '\'');
    CHECK_STR(w.p, w.len, "from");
    struct slice before;
    CHECK(!cursor_take_until_lit(&s, "port", &before));
    CHECK_STR(s.p, s.len, "10.0.0.1");
    struct slice a = cursor_take_until(&s, '.');
    CHECK_STR(a.p, a.len, "10");
    struct slice rest = cursor_take_until(&s, '/');
    CHECK_STR(rest.p, rest.len, "0.0.1");
    CHECK(s.len == 0);
    cursor_skip(&s, 5); /* past the end: stays empty */
    CHECK(s.len == 0);

    s = heap("a port 22 port 2222x");
    CHECK(cursor_take_until_lit(&s, " port ", &before));
    CHECK_STR(before.p, before.len, "a");
    CHECK(scan_digits(s) == 2);
    CHECK(scan_char(s, 'x') == s.len - 1);
    CHECK(scan_char(s, 'z') == s.len);
    CHECK(scan_lit(s, "port") == 3);
    CHECK(scan_last_lit(s, "port") == 3);
    CHECK(scan_last_lit(s, "22") == 10); /* overlapping matches: the last start */
    CHECK(scan_last_lit(s, "nope") == s.len);
    CHECK(scan_last_lit(slice_make(s.p, 1), "22") == 1); /* shorter than lit */
    CHECK(scan_ends_with(s, "2x"));
    CHECK(!scan_ends_with(s, "2"));
    struct slice t = scan_trim(heap(" \t mid dle \t"));
    CHECK_STR(t.p, t.len, "mid dle");
    t = scan_trim(heap("   "));
    CHECK(t.len == 0);
    struct slice af = scan_after(heap("abc"), 1);
    CHECK_STR(af.p, af.len, "bc");
    CHECK(scan_after(af, 9).len == 0);
}

static void test_ctime(void)
{
    int64_t ns = 0;
    struct slice s = heap("Mon Nov 23 15:30:00 2026 -> rest");
    CHECK(parse_ctime_time(s.p, s.len, &utc, &ns) == MM_OK);
    CHECK(ns == 1795447800LL * NS);
    CHECK(parse_ctime_time(s.p, s.len, &tz9, &ns) == MM_OK);
    CHECK(ns == (1795447800LL - 9 * 3600) * NS);
    s = heap("Thu Nov  5 01:02:03 2026");
    CHECK(parse_ctime_time(s.p, s.len, &utc, NULL) == MM_OK);
    s = heap("Mon Nov 23 15:30:00 202"); /* short */
    CHECK(parse_ctime_time(s.p, s.len, &utc, &ns) == MM_ERR_PARSE);
    s = heap("Mon Nov 31 15:30:00 2026"); /* no such day */
    CHECK(parse_ctime_time(s.p, s.len, &utc, &ns) == MM_ERR_PARSE);
    s = heap("Mon Xyz 23 15:30:00 2026");
    CHECK(parse_ctime_time(s.p, s.len, &utc, &ns) == MM_ERR_PARSE);
    s = heap("Mon Nov 23 24:30:00 2026");
    CHECK(parse_ctime_time(s.p, s.len, &utc, &ns) == MM_ERR_PARSE);
}

static void test_clf(void)
{
    struct clf_fields f;
    struct slice s = heap("10.0.0.1 - alice [23/Nov/2026:15:30:00 +0900] \"GET /a?b HTTP/1.1\" "
                          "200 512 \"-\" \"curl/8 \\\"x\\\"\" TCP_MISS:HIER_DIRECT");
    size_t bracket = 0, ntok = 0;
    CHECK(parse_clf_prefix(s.p, s.len, 3, &bracket, &ntok));
    CHECK(bracket == 17 && ntok == 3);
    CHECK(parse_clf_line(s.p, s.len, 3, &f) == MM_OK);
    CHECK(f.vhost.len == 0);
    CHECK_STR(f.client.p, f.client.len, "10.0.0.1");
    CHECK_STR(f.ident.p, f.ident.len, "-");
    CHECK_STR(f.user.p, f.user.len, "alice");
    CHECK(f.time_ns == (1795447800LL - 9 * 3600) * NS);
    CHECK_STR(f.request.p, f.request.len, "GET /a?b HTTP/1.1");
    CHECK_STR(f.status.p, f.status.len, "200");
    CHECK_STR(f.bytes.p, f.bytes.len, "512");
    CHECK_STR(f.referer.p, f.referer.len, "-");
    CHECK_STR(f.agent.p, f.agent.len, "curl/8 \\\"x\\\"");
    CHECK_STR(s.p + f.used, s.len - f.used, " TCP_MISS:HIER_DIRECT");

    s = heap("www.example.com:443 10.0.0.1 - - [23/Nov/2026:15:30:00 +0000] \"-\" 400 0");
    CHECK(!parse_clf_prefix(s.p, s.len, 3, NULL, NULL));
    CHECK(parse_clf_line(s.p, s.len, 3, &f) == MM_NO_MATCH);
    CHECK(parse_clf_line(s.p, s.len, 4, &f) == MM_OK);
    CHECK_STR(f.vhost.p, f.vhost.len, "www.example.com:443");
    CHECK_STR(f.client.p, f.client.len, "10.0.0.1");
    CHECK(f.referer.len == 0 && f.agent.len == 0);
    CHECK(f.used == s.len);

    s = heap("10.0.0.1 - - [23/Nov/2026:15:30:00 +0000] \"GET / HTTP/1.1\" abc 0");
    CHECK(parse_clf_line(s.p, s.len, 3, &f) == MM_NO_MATCH); /* status is not a number */
    s = heap("10.0.0.1 - - [23/Nov/2026:15:30:00 +0000] GET 200 0");
    CHECK(parse_clf_line(s.p, s.len, 3, &f) == MM_NO_MATCH); /* request not quoted */
    s = heap("10.0.0.1 - [23/Nov/2026:15:30:00 +0000] \"GET /\" 200 0");
    CHECK(!parse_clf_prefix(s.p, s.len, 4, NULL, NULL)); /* two tokens */
}

static void test_json(void)
{
    static struct json_token toks[64];
    struct event ev;
    event_init(&ev);
    struct slice s = heap("{\"a\":{\"b\":\"x\\u00e9\\ud83d\\ude00y\\n\",\"c\":\"\\ud800\"},"
                          "\"n\":1,\"plain\":\"p\"}");
    CHECK(json_parse(s.p, s.len, toks, MM_ARRAY_LEN(toks), NULL) > 0);
    struct json_doc d = { .ev = &ev, .text = s.p, .t = toks };
    uint32_t a = json_doc_root_get(&d, "a");
    CHECK(a && toks[a].type == JSON_OBJECT);
    uint32_t b = json_doc_get(&d, a, "b");
    struct slice v = json_doc_string(&d, b);
    CHECK_STR(v.p, v.len, "x\xc3\xa9\xf0\x9f\x98\x80y\n");
    v = json_doc_string(&d, json_doc_get(&d, a, "c"));
    CHECK_STR(v.p, v.len, "\xef\xbf\xbd"); /* a lone surrogate */
    uint32_t p = json_doc_root_get(&d, "plain");
    v = json_doc_string(&d, p);
    CHECK(v.p == s.p + toks[p].start); /* no escapes: no copy */
    CHECK(json_doc_get(&d, a, "missing") == 0);
    CHECK(json_doc_get(&d, json_doc_get(&d, a, "missing"), "b") == 0); /* chains through 0 */
    CHECK(json_doc_get(&d, json_doc_root_get(&d, "n"), "b") == 0);     /* not an object */
    event_release(&ev);
}

int main(void)
{
    test_cursor();
    test_ctime();
    test_clf();
    test_json();
    mm_free(copy);
    return UNIT_DONE();
}
