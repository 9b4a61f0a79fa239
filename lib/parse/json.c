/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: any JSON object that no specific parser claimed (applications logging JSON lines, CEE
 * "@cee:" syslog bodies). Nested objects are flattened to dotted names ("http.request.method");
 * arrays keep their JSON text; a top-level "@timestamp", "timestamp" or "time" in RFC 3339 sets
 * the event time. */
#include "base/prelude.h"
#include "base/str.h"
#include "event/json.h"
#include "parser.h"
#include "json_util.h"

#define JSON_GENERIC_MAX_TOKENS 4096
#define JSON_GENERIC_MAX_NAME   256

static _Thread_local struct json_token toks[JSON_GENERIC_MAX_TOKENS];

static const char *body_start(const char *msg, size_t len, size_t *n)
{
    size_t i = 0;
    if (len >= 5 && !memcmp(msg, "@cee:", 5))
        i = 5;
    while (i < len && (msg[i] == ' ' || msg[i] == '\t'))
        i++;
    *n = len - i;
    return msg + i;
}

static bool json_probe(const char *msg, size_t len)
{
    size_t n;
    const char *p = body_start(msg, len, &n);
    return n >= 2 && p[0] == '{' && p[n - 1] == '}';
}

struct flatten {
    struct json_doc json;
    const struct parse_context *ctx;
};

/* the string token i under a name from the input */
static void add_string(struct flatten *fl, const char *name, size_t nlen, uint32_t i)
{
    struct slice v = json_doc_string(&fl->json, i);
    if (!v.p) {
        fl->json.ev->fields_dropped++; /* the arena's limit */
        return;
    }
    event_add_dynamic(fl->json.ev, name, nlen, v.p, v.len, FIELD_STR, false);
}

/* Top-level keys that are the event's own header in every JSON log convention: the text becomes
 * ev->message (so keyword rules see it), the host ev->host, the time ev->time_ns. */
static bool take_header_key(struct flatten *fl, const struct json_token *key, uint32_t vi)
{
    const char *doc = fl->json.text;
    struct event *ev = fl->json.ev;
    const struct json_token *val = &fl->json.t[vi];
    if (val->type != JSON_STRING)
        return false;
    const char *v = doc + val->start;
    size_t vlen = val->end - val->start;
    if (json_token_eq(doc, key, "message") || json_token_eq(doc, key, "msg")) {
        struct slice m = json_doc_string(&fl->json, vi);
        if (!m.p)
            return false;
        ev->message = m;
        return true;
    }
    if ((json_token_eq(doc, key, "host") || json_token_eq(doc, key, "hostname")) && !val->escaped &&
        !ev->host.len) {
        ev->host = slice_make(v, vlen);
        return true;
    }
    if ((json_token_eq(doc, key, "@timestamp") || json_token_eq(doc, key, "timestamp") ||
         json_token_eq(doc, key, "time")) && !val->escaped) {
        int64_t ns;
        size_t used;
        if (parse_iso_time(v, vlen, &fl->ctx->tz, &ns, &used, NULL) == MM_OK && used == vlen) {
            ev->time_ns = ns;
            return json_token_eq(doc, key, "@timestamp"); /* the others stay visible as fields */
        }
    }
    return false;
}

/* walk the object at toks[i] with the name prefix; returns the index after it */
static uint32_t walk(struct flatten *fl, uint32_t i, char *name, size_t nlen, int depth)
{
    const struct json_token *obj = &toks[i];
    uint32_t k = i + 1;
    for (uint32_t c = 0; c < obj->children; c++) {
        const struct json_token *key = &toks[k];
        const struct json_token *val = &toks[k + 1];
        if (depth == 0 && take_header_key(fl, key, k + 1)) {
            k = val->next;
            continue;
        }
        size_t klen = key->end - key->start;
        size_t n = nlen;
        if (n && n < JSON_GENERIC_MAX_NAME - 1)
            name[n++] = '.';
        size_t copy = MM_MIN(klen, JSON_GENERIC_MAX_NAME - 1 - n);
        memcpy(name + n, fl->json.text + key->start, copy);
        n += copy;
        switch (val->type) {
        case JSON_OBJECT:
            if (depth < 8) {
                walk(fl, k + 1, name, n, depth + 1);
                break;
            }
            /* deeper than that, keep the text */
            __attribute__((fallthrough));
        case JSON_ARRAY:
            event_add_dynamic(fl->json.ev, name, n, fl->json.text + val->start,
                              val->end - val->start, FIELD_STR, false);
            break;
        case JSON_STRING: add_string(fl, name, n, k + 1); break;
        case JSON_NUMBER:
            event_add_dynamic(fl->json.ev, name, n, fl->json.text + val->start,
                              val->end - val->start, FIELD_INT, false);
            break;
        case JSON_TRUE:
        case JSON_FALSE:
            event_add_dynamic(fl->json.ev, name, n, fl->json.text + val->start,
                              val->end - val->start, FIELD_BOOL, false);
            break;
        default: break; /* null: absent */
        }
        k = val->next;
    }
    return k;
}

static enum mm_status json_parse_event(struct event *ev, const struct parse_context *ctx)
{
    size_t n;
    const char *p = body_start(ev->message.p, ev->message.len, &n);
    int ntok = json_parse(p, n, toks, JSON_GENERIC_MAX_TOKENS, NULL);
    if (ntok <= 0 || toks[0].type != JSON_OBJECT)
        return MM_NO_MATCH;
    struct flatten fl = { .json = { .ev = ev, .text = p, .t = toks }, .ctx = ctx };
    char name[JSON_GENERIC_MAX_NAME];
    walk(&fl, 0, name, 0, 0);
    return MM_OK;
}

const struct parser parser_json = {
    .name = "json",
    .summary = "any JSON object (JSON lines, @cee: bodies): fields flattened to dotted names",
    .probe = json_probe,
    .parse = json_parse_event,
    .probe_priority = 900,
};
