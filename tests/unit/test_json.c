/* SPDX-License-Identifier: Apache-2.0 */
/* test_json.c: unit tests for lib/event/json (the tokenizer for untrusted JSON, unescaping and the
 * string writer) and for the JSON form of an event. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "event/event.h"
#include "event/json.h"
#include "unit.h"

#define NS MM_NS_PER_SEC

static struct json_token toks[1024];
static struct mm_error err;

/* json_parse on an exactly-sized heap copy, so a read past the end is caught by ASan */
static int parse_n(const char *s, size_t n, size_t max_tokens)
{
    char *p = mm_malloc(n ? n : 1);
    memcpy(p, s, n);
    err.msg[0] = '\0';
    int r = json_parse(p, n, toks, max_tokens, &err);
    mm_free(p);
    return r;
}

static int parse(const char *s)
{
    return parse_n(s, strlen(s), MM_ARRAY_LEN(toks));
}

static bool tok(int i, int type, uint32_t start, uint32_t end, uint32_t children, uint32_t next)
{
    const struct json_token *t = &toks[i];
    bool ok = t->type == type && t->start == start && t->end == end && t->children == children &&
              t->next == next;
    if (!ok)
        printf("# token %d: type %d start %u end %u children %u next %u\n", i, t->type, t->start,
               t->end, t->children, t->next);
    return ok;
}

static void test_tokens(void)
{
    /*           0         1         2
     *           0123456789012345678901234567890 */
    const char *doc = "{\"a\":[1,2,{\"b\":null}],\"c\":\"x\"}";
    CHECK(parse(doc) == 10);
    CHECK(tok(0, JSON_OBJECT, 0, 30, 2, 10));
    CHECK(tok(1, JSON_STRING, 2, 3, 0, 2));
    CHECK(tok(2, JSON_ARRAY, 5, 21, 3, 8));
    CHECK(tok(3, JSON_NUMBER, 6, 7, 0, 4));
    CHECK(tok(4, JSON_NUMBER, 8, 9, 0, 5));
    CHECK(tok(5, JSON_OBJECT, 10, 20, 1, 8));
    CHECK(tok(6, JSON_STRING, 12, 13, 0, 7));
    CHECK(tok(7, JSON_NULL, 15, 19, 0, 8));
    CHECK(tok(8, JSON_STRING, 23, 24, 0, 9));
    CHECK(tok(9, JSON_STRING, 27, 28, 0, 10));
    CHECK(json_token_eq(doc, &toks[1], "a"));
    CHECK(json_token_eq(doc, &toks[8], "c"));
    CHECK(!json_token_eq(doc, &toks[8], "cc"));
    CHECK(!json_token_eq(doc, &toks[8], ""));
    CHECK(!json_token_eq(doc, &toks[3], "1")); /* a number is not a key */

    /* walking an object's members with next: key, value, key, value */
    int members = 0;
    uint32_t i = 1;
    while (i < toks[0].next) {
        members++;
        i = toks[i + 1].next; /* skip the key and its value's whole subtree */
    }
    CHECK(members == 2);
    CHECK(i == 10);

    /* every scalar type, whitespace everywhere */
    doc = " \t\r\n[ true ,false,null , -1.5e+3,0, 12E-2 , \"\" ,\"s\\n\"] \n";
    CHECK(parse(doc) == 9);
    CHECK(toks[0].type == JSON_ARRAY && toks[0].children == 8 && toks[0].next == 9);
    CHECK(toks[0].start == 4 && toks[0].end == (uint32_t)strlen(doc) - 2);
    CHECK(toks[1].type == JSON_TRUE && toks[2].type == JSON_FALSE && toks[3].type == JSON_NULL);
    CHECK(toks[4].type == JSON_NUMBER);
    CHECK_STR(doc + toks[4].start, toks[4].end - toks[4].start, "-1.5e+3");
    CHECK_STR(doc + toks[5].start, toks[5].end - toks[5].start, "0");
    CHECK_STR(doc + toks[6].start, toks[6].end - toks[6].start, "12E-2");
    CHECK(toks[7].type == JSON_STRING && toks[7].start == toks[7].end && !toks[7].escaped);
    CHECK(toks[8].type == JSON_STRING && toks[8].escaped);
    CHECK_STR(doc + toks[8].start, toks[8].end - toks[8].start, "s\\n");

    CHECK(parse("{}") == 1 && tok(0, JSON_OBJECT, 0, 2, 0, 1));
    CHECK(parse("[ ]") == 1 && tok(0, JSON_ARRAY, 0, 3, 0, 1));
    CHECK(parse("[[],{}]") == 3 && tok(0, JSON_ARRAY, 0, 7, 2, 3) &&
          tok(1, JSON_ARRAY, 1, 3, 0, 2) && tok(2, JSON_OBJECT, 4, 6, 0, 3));
    CHECK(parse("\"top\"") == 1 && tok(0, JSON_STRING, 1, 4, 0, 1));
    CHECK(parse("-0") == 1 && tok(0, JSON_NUMBER, 0, 2, 0, 1));
    CHECK(parse("  7  ") == 1 && tok(0, JSON_NUMBER, 2, 3, 0, 1));
    /* a key with an escape never equals a plain key */
    doc = "{\"\\u0061\":1}";
    CHECK(parse(doc) == 3);
    CHECK(toks[1].escaped && !json_token_eq(doc, &toks[1], "a"));
    /* UTF-8 and escaped quotes inside strings are content */
    doc = "[\"caf\xC3\xA9\",\"q\\\"q\"]";
    CHECK(parse(doc) == 3);
    CHECK_STR(doc + toks[1].start, toks[1].end - toks[1].start, "caf\xC3\xA9");
    CHECK_STR(doc + toks[2].start, toks[2].end - toks[2].start, "q\\\"q");
}

static void test_errors(void)
{
    CHECK(parse("[1,2,]") == -MM_ERR_PARSE);
    CHECK(!strcmp(err.msg, "invalid JSON number at byte 5"));
    CHECK(parse("{\"a\":1,}") == -MM_ERR_PARSE);
    CHECK(!strcmp(err.msg, "expected a string key in JSON object at byte 7"));
    CHECK(parse("\"abc") == -MM_ERR_PARSE);
    CHECK(!strcmp(err.msg, "unterminated JSON string at byte 4"));
    CHECK(parse("{\"a\":1") == -MM_ERR_PARSE);
    CHECK(strstr(err.msg, "unterminated JSON container") != NULL);
    CHECK(parse("[1 2]") == -MM_ERR_PARSE);
    CHECK(strstr(err.msg, "expected ','") != NULL);
    CHECK(parse("{\"a\" 1}") == -MM_ERR_PARSE);
    CHECK(strstr(err.msg, "expected ':'") != NULL);
    CHECK(parse("{1:2}") == -MM_ERR_PARSE);
    CHECK(parse("[\"a\\x\"]") == -MM_ERR_PARSE);
    CHECK(!strcmp(err.msg, "bad escape in JSON string at byte 3"));
    CHECK(parse("\"\\u12G4\"") == -MM_ERR_PARSE);
    CHECK(strstr(err.msg, "bad \\u escape") != NULL);
    CHECK(parse("\"\\u12\"") == -MM_ERR_PARSE); /* escape cut short by the end */
    CHECK(parse("\"\\u123") == -MM_ERR_PARSE);
    CHECK(parse("\"\\") == -MM_ERR_PARSE);
    CHECK(parse("\"a\tb\"") == -MM_ERR_PARSE);
    CHECK(!strcmp(err.msg, "control character in JSON string at byte 2"));
    CHECK(parse_n("\"a\0b\"", 5, 16) == -MM_ERR_PARSE);
    CHECK(parse("\"a\nb\"") == -MM_ERR_PARSE);
    CHECK(parse("1 2") == -MM_ERR_PARSE);
    CHECK(!strcmp(err.msg, "trailing bytes after JSON value at byte 2"));
    CHECK(parse("{} x") == -MM_ERR_PARSE);
    CHECK(parse("") == -MM_ERR_PARSE);
    CHECK(!strcmp(err.msg, "unexpected end of JSON at byte 0"));
    CHECK(parse("   ") == -MM_ERR_PARSE);
    CHECK(parse("01") == -MM_ERR_PARSE);
    CHECK(parse("-") == -MM_ERR_PARSE);
    CHECK(parse("1.") == -MM_ERR_PARSE);
    CHECK(parse("1.e5") == -MM_ERR_PARSE);
    CHECK(parse("1e") == -MM_ERR_PARSE);
    CHECK(parse("1e+") == -MM_ERR_PARSE);
    CHECK(parse(".5") == -MM_ERR_PARSE);
    CHECK(parse("+1") == -MM_ERR_PARSE);
    CHECK(parse("tru") == -MM_ERR_PARSE);
    CHECK(parse("nul") == -MM_ERR_PARSE);
    CHECK(parse("True") == -MM_ERR_PARSE);
    CHECK(parse("[") == -MM_ERR_PARSE);
    CHECK(parse("]") == -MM_ERR_PARSE);
    CHECK(parse("{\"a\":}") == -MM_ERR_PARSE);
    CHECK(parse("'a'") == -MM_ERR_PARSE);

    /* nesting: JSON_MAX_DEPTH containers are fine, one more is too large */
    char deep[2 * (JSON_MAX_DEPTH + 1) + 1];
    for (int i = 0; i < JSON_MAX_DEPTH; i++) {
        deep[i] = '[';
        deep[JSON_MAX_DEPTH + i] = ']';
    }
    deep[2 * JSON_MAX_DEPTH] = '\0';
    CHECK(parse(deep) == JSON_MAX_DEPTH);
    CHECK(toks[JSON_MAX_DEPTH - 1].type == JSON_ARRAY && toks[0].next == JSON_MAX_DEPTH);
    for (int i = 0; i <= JSON_MAX_DEPTH; i++) {
        deep[i] = '[';
        deep[JSON_MAX_DEPTH + 1 + i] = ']';
    }
    deep[2 * (JSON_MAX_DEPTH + 1)] = '\0';
    CHECK(parse(deep) == -MM_ERR_TOO_LARGE);
    CHECK(strstr(err.msg, "nested too deeply") != NULL);
    /* the depth limit holds for objects too, and for an unterminated document */
    char deepobj[5 * (JSON_MAX_DEPTH + 1) + 1];
    for (int i = 0; i <= JSON_MAX_DEPTH; i++)
        memcpy(deepobj + 5 * i, "{\"k\":", 5);
    deepobj[5 * (JSON_MAX_DEPTH + 1)] = '\0';
    CHECK(parse(deepobj) == -MM_ERR_TOO_LARGE);

    /* the token budget */
    CHECK(parse_n("[1,2,3]", 7, 4) == 4);
    CHECK(parse_n("[1,2,3]", 7, 3) == -MM_ERR_TOO_LARGE);
    CHECK(!strcmp(err.msg, "too many JSON tokens at byte 5"));
    CHECK(parse_n("{\"a\":1}", 7, 2) == -MM_ERR_TOO_LARGE);
    CHECK(parse_n("\"x\"", 3, 0) == -MM_ERR_TOO_LARGE);
    CHECK(parse_n("true", 4, 1) == 1);

    /* err may be NULL */
    CHECK(json_parse("[", 1, toks, 4, NULL) == -MM_ERR_PARSE);
}

static bool unescape_is(const char *in, const char *want, size_t want_len)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    bool ok = json_unescape(in, strlen(in), &b) == MM_OK && b.len == want_len &&
              !memcmp(b.data, want, want_len);
    if (!ok) {
        printf("# unescape \"%s\": got %zu bytes:", in, b.len);
        for (size_t i = 0; i < b.len; i++)
            printf(" %02x", (unsigned char)b.data[i]);
        printf("\n");
    }
    buf_release(&b);
    return ok;
}
#define UNESCAPE(in, want) unescape_is(in, want, sizeof(want) - 1)

static void test_unescape(void)
{
    CHECK(UNESCAPE("plain", "plain"));
    CHECK(UNESCAPE("", ""));
    CHECK(UNESCAPE("a\\nb", "a\nb"));
    CHECK(UNESCAPE("\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t"));
    CHECK(UNESCAPE("caf\\u00e9", "caf\xC3\xA9"));
    CHECK(UNESCAPE("\\u00E9", "\xC3\xA9"));
    CHECK(UNESCAPE("\\u0041\\u007f", "A\x7f"));
    CHECK(UNESCAPE("\\u0080", "\xC2\x80"));
    CHECK(UNESCAPE("\\u07FF", "\xDF\xBF"));
    CHECK(UNESCAPE("\\u0800", "\xE0\xA0\x80"));
    CHECK(UNESCAPE("\\u20AC", "\xE2\x82\xAC"));
    CHECK(UNESCAPE("\\uFFFF", "\xEF\xBF\xBF"));
    CHECK(UNESCAPE("\\u0000", "\0"));
    CHECK(UNESCAPE("\\ud83d\\ude00", "\xF0\x9F\x98\x80"));
    CHECK(UNESCAPE("x\\uD83D\\uDE00y", "x\xF0\x9F\x98\x80y"));
    CHECK(UNESCAPE("\\udbff\\udfff", "\xF4\x8F\xBF\xBF")); /* U+10FFFF */
    CHECK(UNESCAPE("\\ud800\\udc00", "\xF0\x90\x80\x80")); /* U+10000 */
    /* lone surrogates become U+FFFD; what follows them is kept */
    CHECK(UNESCAPE("\\ud83d", "\xEF\xBF\xBD"));
    CHECK(UNESCAPE("\\ude00", "\xEF\xBF\xBD"));
    CHECK(UNESCAPE("\\ud83dx", "\xEF\xBF\xBDx"));
    CHECK(UNESCAPE("\\ud83d\\u0041", "\xEF\xBF\xBD"
                                     "A"));
    CHECK(UNESCAPE("\\ud83d\\ud83d\\ude00", "\xEF\xBF\xBD\xF0\x9F\x98\x80"));
    CHECK(UNESCAPE("\\ude00\\ud83d", "\xEF\xBF\xBD\xEF\xBF\xBD"));

    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    buf_append_str(&b, "pre:");
    CHECK(json_unescape("a\\tb", 4, &b) == MM_OK); /* appends */
    CHECK_STR(b.data, b.len, "pre:a\tb");
    buf_reset(&b);
    CHECK(json_unescape("\\u12", 4, &b) == MM_ERR_PARSE);
    CHECK(json_unescape("abc\\", 4, &b) == MM_ERR_PARSE);
    /* only the given length is read */
    buf_reset(&b);
    CHECK(json_unescape("ab\\ncd", 2, &b) == MM_OK);
    CHECK_STR(b.data, b.len, "ab");
    buf_release(&b);

    struct buf small;
    buf_init(&small, 3);
    CHECK(json_unescape("abcd", 4, &small) == MM_ERR_TOO_LARGE);
    buf_reset(&small);
    CHECK(json_unescape("ab\\n\\n", 6, &small) == MM_ERR_TOO_LARGE);
    CHECK(small.len <= 3);
    buf_release(&small);
}

static bool written_is(const char *in, size_t len, const char *want, size_t want_len)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    char *p = mm_malloc(len ? len : 1);
    memcpy(p, in, len);
    bool ok = json_write_string(&b, p, len) == MM_OK && b.len == want_len &&
              !memcmp(b.data, want, want_len);
    if (!ok)
        printf("# write_string: got %s\n", b.data);
    /* the output must itself be valid JSON with valid UTF-8 */
    ok = ok && parse_n(b.data, b.len, 4) == 1 && mm_utf8_valid(b.data, b.len);
    mm_free(p);
    buf_release(&b);
    return ok;
}
#define WRITTEN(in, want) written_is(in, sizeof(in) - 1, want, sizeof(want) - 1)

static void test_write_string(void)
{
    CHECK(WRITTEN("", "\"\""));
    CHECK(WRITTEN("plain text", "\"plain text\""));
    CHECK(WRITTEN("a\"b\\c/d", "\"a\\\"b\\\\c/d\""));
    CHECK(WRITTEN("l1\nl2\r\tx", "\"l1\\nl2\\r\\tx\""));
    CHECK(WRITTEN("\x01\x1f\b\f", "\"\\u0001\\u001f\\u0008\\u000c\""));
    CHECK(WRITTEN("a\0b", "\"a\\u0000b\""));
    CHECK(WRITTEN("del\x7f", "\"del\x7f\""));
    /* valid multibyte UTF-8 is kept as is */
    CHECK(WRITTEN("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF",
                  "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\""));
    /* invalid bytes become U+FFFD, one per byte that is not part of a valid sequence */
    CHECK(WRITTEN("\xFF", "\"\xEF\xBF\xBD\""));
    CHECK(WRITTEN("a\x80z", "\"a\xEF\xBF\xBDz\""));
    CHECK(WRITTEN("\xC0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""));
    CHECK(WRITTEN("\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""));
    CHECK(WRITTEN("\xF4\x90\x80\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""));
    CHECK(WRITTEN("ok\xE2\x82", "\"ok\xEF\xBF\xBD\xEF\xBF\xBD\""));
    CHECK(WRITTEN("\xC3"
                  "A",
                  "\"\xEF\xBF\xBD"
                  "A\""));
    CHECK(WRITTEN("\xC3\xA9\xC3", "\"\xC3\xA9\xEF\xBF\xBD\""));

    /* appends after existing content */
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    buf_append_str(&b, "{\"k\":");
    CHECK(json_write_string(&b, "v", 1) == MM_OK);
    CHECK_STR(b.data, b.len, "{\"k\":\"v\"");
    buf_release(&b);

    /* a bounded buffer: exactly fitting works, one byte more does not, escapes included */
    buf_init(&b, 5);
    CHECK(json_write_string(&b, "abc", 3) == MM_OK);
    CHECK_STR(b.data, b.len, "\"abc\"");
    buf_release(&b);
    buf_init(&b, 4);
    CHECK(json_write_string(&b, "abc", 3) == MM_ERR_TOO_LARGE);
    CHECK(b.len == 0);
    buf_release(&b);
    buf_init(&b, 6);
    CHECK(json_write_string(&b, "a\"b", 3) == MM_OK);
    CHECK_STR(b.data, b.len, "\"a\\\"b\"");
    buf_release(&b);
    buf_init(&b, 5);
    CHECK(json_write_string(&b, "a\"b", 3) == MM_ERR_TOO_LARGE);
    CHECK(b.len <= 5);
    buf_release(&b);
}

/* the number of 8-byte allocations an event's arena allows: its limit, found without knowing it */
static size_t arena_limit(void)
{
    struct event ev;
    event_init(&ev);
    size_t n = 0;
    while (event_strdup(&ev, "", 0))
        n += 8;
    event_release(&ev);
    return n;
}

static void test_event(void)
{
    struct event ev;
    event_init(&ev);
    CHECK(ev.facility == -1 && ev.severity == -1 && ev.nfields == 0 && ev.time_ns == 0);

    struct buf out;
    buf_init(&out, BUF_NO_MAX);
    /* no device time and no receive time: the epoch, and nothing else */
    CHECK(event_to_json(&ev, &out, 0) == MM_OK);
    CHECK_STR(out.data, out.len, "{\"@timestamp\":\"1970-01-01T00:00:00.000000Z\"}");

    const char *raw = "<38>Nov 23 14:30:00 web01 sshd[1234]: Accepted password for root";
    ev.raw = raw;
    ev.raw_len = strlen(raw);
    ev.receive_ns = 1795435200LL * NS + 123456789; /* 2026-11-23T12:00:00.123456789Z */
    ev.time_ns = 1795411800LL * NS;                /* 2026-11-23T05:30:00Z */
    ev.listener = "udp";
    ev.peer = "192.0.2.1:514";
    ev.parser = "linux_auth";
    event_set_logsource(&ev, "linux", NULL, "sshd");
    ev.syslog = SYSLOG_RFC3164;
    ev.facility = 4;
    ev.severity = 6;
    ev.host = slice_make(raw + 20, 5);
    ev.program = slice_make(raw + 26, 4);
    ev.pid = slice_make(raw + 31, 4);
    ev.message = slice_make(raw + 38, strlen(raw) - 38);
    event_add(&ev, "User", "root", 4);
    event_add_int(&ev, "src_port", 22);
    event_add_num(&ev, "EventID", "4624", 4);
    event_add_num(&ev, "code", "007", 3);
    event_add_num(&ev, "neg", "-12", 3);
    event_add_num(&ev, "negzero", "-0", 2);
    event_add_bool(&ev, "success", true);
    event_add_copy(&ev, "note", "a\"b\n", 4);
    event_add_dynamic(&ev, "Custom Name", 11, "x\xFFy", 3, FIELD_STR, true);
    event_add_dynamic(&ev, "Count", 5, "15", 2, FIELD_INT, false);
    event_add_dynamic(&ev, "NotCount", 8, "1.5", 3, FIELD_INT, false);
    CHECK(ev.nfields == 11);

    buf_reset(&out);
    CHECK(event_to_json(&ev, &out, 0) == MM_OK);
    CHECK_STR(out.data, out.len,
              "{\"@timestamp\":\"2026-11-23T05:30:00.000000Z\","
              "\"receive_time\":\"2026-11-23T12:00:00.123456Z\","
              "\"listener\":\"udp\",\"peer\":\"192.0.2.1:514\",\"parser\":\"linux_auth\","
              "\"logsource\":{\"product\":\"linux\",\"service\":\"sshd\"},"
              "\"syslog\":\"rfc3164\",\"facility\":4,\"severity\":6,"
              "\"host\":\"web01\",\"program\":\"sshd\",\"pid\":\"1234\","
              "\"User\":\"root\",\"src_port\":22,\"EventID\":4624,\"code\":\"007\",\"neg\":-12,"
              "\"negzero\":\"-0\",\"success\":true,\"note\":\"a\\\"b\\n\","
              "\"Custom Name\":\"x\xEF\xBF\xBDy\",\"Count\":15,\"NotCount\":\"1.5\","
              "\"message\":\"Accepted password for root\"}");
    CHECK(parse_n(out.data, out.len, 256) > 0);

    /* ECS names and the raw message */
    ev.truncated = true;
    ev.syslog = SYSLOG_RFC5424;
    ev.msgid = slice_make("ID47", 4);
    buf_reset(&out);
    CHECK(event_to_json(&ev, &out, EVENT_JSON_ECS | EVENT_JSON_RAW) == MM_OK);
    CHECK_STR(out.data, out.len,
              "{\"@timestamp\":\"2026-11-23T05:30:00.000000Z\","
              "\"receive_time\":\"2026-11-23T12:00:00.123456Z\","
              "\"listener\":\"udp\",\"peer\":\"192.0.2.1:514\",\"truncated\":true,"
              "\"parser\":\"linux_auth\","
              "\"logsource\":{\"product\":\"linux\",\"service\":\"sshd\"},"
              "\"syslog\":\"rfc5424\",\"facility\":4,\"severity\":6,"
              "\"host\":\"web01\",\"program\":\"sshd\",\"pid\":\"1234\",\"msgid\":\"ID47\","
              "\"user.name\":\"root\",\"source.port\":22,\"event.code\":4624,\"error.code\":\"007\","
              "\"neg\":-12,\"negzero\":\"-0\",\"success\":true,\"note\":\"a\\\"b\\n\","
              "\"Custom Name\":\"x\xEF\xBF\xBDy\",\"Count\":15,\"NotCount\":\"1.5\","
              "\"message\":\"Accepted password for root\","
              "\"raw\":\"<38>Nov 23 14:30:00 web01 sshd[1234]: Accepted password for root\"}");

    /* lookups */
    CHECK(event_get(&ev, "src_port") != NULL && event_get(&ev, "src_port")->type == FIELD_INT);
    CHECK(event_get(&ev, "nope") == NULL);
    CHECK(event_get(&ev, "Use") == NULL);
    struct slice v = event_get_value(&ev, "User");
    CHECK_STR(v.p, v.len, "root");
    v = event_get_value(&ev, "absent");
    CHECK(v.len == 0 && v.p != NULL);
    event_set(&ev, "User", "admin", 5);
    event_set(&ev, "EventID", "x", 1);
    event_set(&ev, "New", "n", 1);
    v = event_get_value(&ev, "User");
    CHECK_STR(v.p, v.len, "admin");
    CHECK(event_get(&ev, "EventID")->type == FIELD_STR);
    CHECK(ev.nfields == 12);
    CHECK(!strcmp(event_ecs_name("src_ip"), "source.ip"));
    CHECK(!strcmp(event_ecs_name("Action"), "event.action"));
    CHECK(!strcmp(event_ecs_name("username"), "user.name"));
    CHECK(event_ecs_name("Src_ip") == NULL);
    CHECK(event_ecs_name("") == NULL);

    /* reset clears everything that described the last message */
    event_reset(&ev);
    CHECK(ev.nfields == 0 && ev.fields_dropped == 0 && ev.facility == -1 && ev.severity == -1);
    CHECK(ev.time_ns == 0 && ev.receive_ns == 0 && ev.host.len == 0 && ev.message.p == NULL &&
          ev.parser == NULL && ev.logsource.product == NULL && !ev.truncated);

    /* fields past EVENT_MAX_FIELDS are counted, not written */
    for (int i = 0; i < EVENT_MAX_FIELDS + 2; i++)
        event_add_int(&ev, "n", i);
    CHECK(ev.nfields == EVENT_MAX_FIELDS && ev.fields_dropped == 2);
    buf_reset(&out);
    CHECK(event_to_json(&ev, &out, 0) == MM_OK);
    CHECK(strstr(out.data, ",\"n\":255,\"fields_dropped\":2}") != NULL);
    CHECK(parse_n(out.data, out.len, MM_ARRAY_LEN(toks)) == 1 + 2 * (EVENT_MAX_FIELDS + 2));
    event_reset(&ev);

    /* a full arena drops fields (and counts them) instead of failing or crashing */
    size_t limit = arena_limit();
    CHECK(limit >= 65536);
    char *fill = mm_malloc(limit);
    memset(fill, 'f', limit);
    CHECK(event_strdup(&ev, fill, limit - 9) != NULL);           /* leaves exactly 8 bytes */
    event_add_dynamic(&ev, "k", 1, "12345", 5, FIELD_INT, true); /* name fits, value does not */
    CHECK(ev.nfields == 0 && ev.fields_dropped == 1);
    event_add_copy(&ev, "c", "v", 1);
    CHECK(ev.nfields == 0 && ev.fields_dropped == 2);
    event_add_int(&ev, "i", 5);
    CHECK(ev.nfields == 0 && ev.fields_dropped == 3);
    event_add(&ev, "s", "static", 6); /* needs no arena */
    CHECK(ev.nfields == 1 && ev.fields_dropped == 3);
    event_reset(&ev);
    event_add_copy(&ev, "c", "v", 1); /* reset gives the room back */
    CHECK(ev.nfields == 1 && ev.fields_dropped == 0);
    mm_free(fill);

    buf_release(&out);
    event_release(&ev);
}

/* --ecs: two Sigma names with one ECS name give one key, the first field's value */
static void test_ecs_unique(void)
{
    struct event ev;
    struct buf out;
    event_init(&ev);
    buf_init(&out, BUF_NO_MAX);
    ev.receive_ns = 1;
    event_add(&ev, "User", "alice", 5);
    event_add(&ev, "username", "bob", 3);
    event_add(&ev, "src_ip", "192.0.2.1", 9);
    CHECK(event_to_json(&ev, &out, EVENT_JSON_ECS) == MM_OK);
    CHECK(strstr(out.data, "\"user.name\":\"alice\"") != NULL);
    CHECK(strstr(out.data, "bob") == NULL);
    CHECK(strstr(out.data, "\"source.ip\":\"192.0.2.1\"") != NULL);
    buf_reset(&out);
    CHECK(event_to_json(&ev, &out, 0) == MM_OK);
    CHECK(strstr(out.data, "\"username\":\"bob\"") != NULL);
    buf_release(&out);
    event_release(&ev);
}

int main(void)
{
    test_tokens();
    test_errors();
    test_unescape();
    test_write_string();
    test_event();
    test_ecs_unique();
    return UNIT_DONE();
}
