/* SPDX-License-Identifier: Apache-2.0 */
/* query.c: predicates, the block-skipping search, and parsing stored records again. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "base/str.h"
#include "io/charset.h"
#include "parse/parser.h"
#include "bloom.h"
#include "query.h"

#include <ctype.h>
#include <strings.h>

void store_query_init(struct store_query *q)
{
    memset(q, 0, sizeof *q);
    q->from_ns = INT64_MIN;
    q->to_ns = INT64_MAX;
}

void store_query_release(struct store_query *q)
{
    for (size_t i = 0; i < q->npreds; i++) {
        mm_free(q->preds[i].field);
        mm_free(q->preds[i].value);
    }
    mm_free(q->preds);
    memset(q, 0, sizeof *q);
}

static struct pred *new_pred(struct store_query *q)
{
    q->preds = mm_reallocarray(q->preds, q->npreds + 1, sizeof *q->preds);
    struct pred *p = &q->preds[q->npreds++];
    memset(p, 0, sizeof *p);
    return p;
}

enum mm_status store_query_add_term(struct store_query *q, const char *term, struct mm_error *err)
{
    size_t n = strlen(term);
    if (!n)
        return mm_error_set(err, MM_ERR_INVALID, "empty search term");
    struct pred *p = new_pred(q);
    p->op = P_TERM;
    if (n >= 2 && term[0] == '*' && term[n - 1] == '*') {
        p->value = mm_strndup(term + 1, n - 2);
        p->len = n - 2;
        p->op = P_CONTAINS; /* substring of the raw text: field NULL */
    } else {
        p->value = mm_strdup(term);
        p->len = n;
        p->ntokens = store_tokens_for_term(term, n, p->tokens, PRED_MAX_TOKENS);
    }
    return MM_OK;
}

enum mm_status store_query_add(struct store_query *q, const char *text, struct mm_error *err)
{
    /* field name, then an operator */
    size_t i = 0;
    while (text[i] && (isalnum((unsigned char)text[i]) || strchr("_.-:@/", text[i])))
        i++;
    const char *op = text + i;
    if (i == 0 || !*op || !strchr("=!<>", *op))
        return store_query_add_term(q, text, err);
    enum pred_op o;
    bool neg = false;
    size_t oplen = 1;
    if (!strncmp(op, "!=", 2)) {
        neg = true;
        oplen = 2;
        o = P_EQ;
    } else if (!strncmp(op, "<=", 2)) {
        o = P_LE;
        oplen = 2;
    } else if (!strncmp(op, ">=", 2)) {
        o = P_GE;
        oplen = 2;
    } else if (*op == '<') {
        o = P_LT;
    } else if (*op == '>') {
        o = P_GT;
    } else if (*op == '=') {
        o = P_EQ;
    } else {
        return store_query_add_term(q, text, err);
    }
    const char *v = op + oplen;
    size_t vl = strlen(v);
    struct pred *p = new_pred(q);
    p->field = mm_strndup(text, i);
    p->ecs = event_is_ecs_name(p->field);
    p->negate = neg;
    p->op = o;
    if (o != P_EQ) {
        char *end;
        errno = 0;
        p->num = strtod(v, &end);
        if (!vl || *end || errno) {
            mm_free(p->field);
            q->npreds--;
            return mm_error_set(err, MM_ERR_INVALID, "'%s': '%s' is not a number", text, v);
        }
        p->value = mm_strdup(v);
        p->len = vl;
        return MM_OK;
    }
    if (vl == 1 && v[0] == '*') {
        p->op = P_EXISTS;
        p->value = mm_strdup("");
        return MM_OK;
    }
    if (net_cidr_parse(v, &p->cidr)) {
        p->op = P_CIDR;
        p->value = mm_strdup(v);
        p->len = vl;
        if (!neg && store_token_for_cidr(v, &p->tokens[0]))
            p->ntokens = 1;
        return MM_OK;
    }
    size_t start = 0, end = vl;
    if (vl >= 2 && v[0] == '*' && v[vl - 1] == '*') {
        p->op = P_CONTAINS;
        start = 1;
        end = vl - 1;
    } else if (vl >= 1 && v[vl - 1] == '*') {
        p->op = P_PREFIX;
        end = vl - 1;
    } else if (vl >= 1 && v[0] == '*') {
        p->op = P_SUFFIX;
        start = 1;
    }
    p->value = mm_strndup(v + start, end - start);
    p->len = end - start;
    if (p->op == P_EQ && !neg)
        p->ntokens = store_tokens_for_value(p->field, p->value, p->len, p->tokens, PRED_MAX_TOKENS);
    return MM_OK;
}

enum mm_status store_parse_time(const char *s, int64_t now, int64_t *out, struct mm_error *err)
{
    if (!strcmp(s, "now")) {
        *out = now;
        return MM_OK;
    }
    int64_t d;
    const char *r = s[0] == '-' ? s + 1 : s;
    if (*r >= '0' && *r <= '9' && mm_parse_duration(r, &d) == MM_OK && !strchr(r, '-')) {
        *out = now - d;
        return MM_OK;
    }
    struct mm_tz utc = { 0 };
    size_t used = 0, n = strlen(s);
    if (n == 10) { /* a date: its midnight, UTC */
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%sT00:00:00Z", s);
        if (parse_iso_time(tmp, strlen(tmp), &utc, out, &used, NULL) == MM_OK && used == strlen(tmp))
            return MM_OK;
    } else if (parse_iso_time(s, n, &utc, out, &used, NULL) == MM_OK && used == n) {
        return MM_OK;
    }
    return mm_error_set(err, MM_ERR_INVALID, "invalid time '%s': use RFC 3339 (2026-11-23T09:00:00+09:00), "
                        "a date (2026-11-23), 'now', or a duration ago (7d, 24h)", s);
}

/* ---- parsing records again ---- */

struct reparse_entry {
    char *key;
    size_t keylen;
    struct parse_options po;
    struct charset_conv *conv; /* NULL: UTF-8 */
    char name[64];
};

void store_reparse_init(struct store_reparse *rp)
{
    memset(rp, 0, sizeof *rp);
    buf_init(&rp->conv, BUF_NO_MAX);
    buf_init(&rp->peer, BUF_NO_MAX);
}

void store_reparse_release(struct store_reparse *rp)
{
    for (size_t i = 0; i < rp->n; i++) {
        mm_free(rp->e[i].key);
        if (rp->e[i].conv)
            charset_close(rp->e[i].conv);
    }
    mm_free(rp->e);
    buf_release(&rp->conv);
    buf_release(&rp->peer);
}

static struct reparse_entry *entry_for(struct store_reparse *rp, struct slice listener)
{
    for (size_t i = 0; i < rp->n; i++)
        if (rp->e[i].keylen == listener.len && !memcmp(rp->e[i].key, listener.p, listener.len))
            return &rp->e[i];
    rp->e = mm_reallocarray(rp->e, rp->n + 1, sizeof *rp->e);
    struct reparse_entry *e = &rp->e[rp->n++];
    memset(e, 0, sizeof *e);
    e->key = mm_strndup(listener.p, listener.len);
    e->keylen = listener.len;
    /* name \t charset \t tz \t header|noheader */
    char *parts[4] = { e->key, "", "", "" };
    char *p = e->key;
    for (int k = 1; k < 4; k++) {
        p = p ? strchr(p, '\t') : NULL;
        if (!p)
            break;
        *p++ = '\0';
        parts[k] = p;
    }
    snprintf(e->name, sizeof e->name, "%s", parts[0]);
    if (parts[1][0] && strcasecmp(parts[1], "utf-8") && strcasecmp(parts[1], "utf8"))
        e->conv = charset_open(parts[1]);
    if (mm_tz_parse(parts[2][0] ? parts[2] : "local", &e->po.ctx.tz) != MM_OK)
        mm_tz_parse("local", &e->po.ctx.tz);
    e->po.no_syslog_header = !strcmp(parts[3], "noheader");
    /* the key was cut into parts; restore the separators for comparison */
    for (int k = 1; k < 4; k++)
        if (parts[k] > e->key && parts[k][-1] == '\0')
            parts[k][-1] = '\t';
    return e;
}

struct slice store_record_text(struct store_reparse *rp, const struct store_rec *rec)
{
    struct reparse_entry *e = entry_for(rp, rec->listener);
    if (e->conv && charset_to_utf8(e->conv, rec->raw.p, rec->raw.len, &rp->conv))
        return (struct slice){ rp->conv.data, rp->conv.len };
    return rec->raw;
}

/* the parser of a name, remembered: a search looks up the same few names millions of times */
static const struct parser *parser_cached(struct store_reparse *rp, struct slice name)
{
    for (size_t i = 0; i < rp->nparsers; i++)
        if (rp->parsers[i].len == name.len && !memcmp(rp->parsers[i].name, name.p, name.len))
            return rp->parsers[i].parser;
    char pname[64];
    if (name.len >= sizeof pname)
        return NULL;
    memcpy(pname, name.p, name.len);
    pname[name.len] = '\0';
    const struct parser *p = parser_find(pname);
    if (rp->nparsers < MM_ARRAY_LEN(rp->parsers)) {
        memcpy(rp->parsers[rp->nparsers].name, pname, name.len + 1);
        rp->parsers[rp->nparsers].len = name.len;
        rp->parsers[rp->nparsers].parser = p;
        rp->nparsers++;
    }
    return p;
}

void store_parse_record(struct store_reparse *rp, const struct store_rec *rec, struct event *ev)
{
    struct reparse_entry *e = entry_for(rp, rec->listener);
    struct slice text = store_record_text(rp, rec);
    event_reset(ev);
    ev->raw = text.p;
    ev->raw_len = text.len;
    ev->receive_ns = rec->receive_ns;
    ev->truncated = rec->flags & RECORD_F_TRUNCATED;
    ev->listener = e->name;
    buf_reset(&rp->peer);
    buf_append(&rp->peer, rec->peer.p, rec->peer.len);
    ev->peer = rec->peer.len ? rp->peer.data : NULL;
    struct parse_options po = e->po;
    po.forced = rec->parser.len ? parser_cached(rp, rec->parser) : NULL;
    parse_message(ev, &po);
}

/* ---- matching ---- */

static bool ci_eq(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && !strncasecmp(a, b, an);
}

static const char *ci_find(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn == 0)
        return h;
    if (nn > hn)
        return NULL;
    unsigned char f = (unsigned char)tolower((unsigned char)n[0]), F = (unsigned char)toupper((unsigned char)n[0]);
    for (size_t i = 0; i + nn <= hn; i++) {
        unsigned char c = (unsigned char)h[i];
        if ((c == f || c == F) && !strncasecmp(h + i, n, nn))
            return h + i;
    }
    return NULL;
}

static bool word_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* the term as a word of the text (boundaries: tokens.c's index_raw_ipv4) */
static bool term_match(const char *h, size_t hn, const char *t, size_t tn)
{
    const char *p = h, *end = h + hn;
    while ((p = ci_find(p, (size_t)(end - p), t, tn))) {
        bool left = p == h || !(word_char((unsigned char)p[-1]) || p[-1] == '.');
        const char *a = p + tn;
        bool right = a == end || !(word_char((unsigned char)a[0]) ||
                                   (a[0] == '.' && a + 1 < end &&
                                    (word_char((unsigned char)a[1]) || a[1] == '.')));
        if (left && right)
            return true;
        p++;
    }
    return false;
}

static bool value_match(const struct pred *p, const char *v, size_t n)
{
    switch (p->op) {
    case P_EQ: return ci_eq(v, n, p->value, p->len);
    case P_PREFIX: return n >= p->len && !strncasecmp(v, p->value, p->len);
    case P_SUFFIX: return n >= p->len && !strncasecmp(v + n - p->len, p->value, p->len);
    case P_CONTAINS: return ci_find(v, n, p->value, p->len) != NULL;
    case P_EXISTS: return true;
    case P_CIDR: return net_cidr_contains(&p->cidr, v, n);
    case P_LT: case P_LE: case P_GT: case P_GE: {
        char tmp[64], *end;
        if (n == 0 || n >= sizeof tmp)
            return false;
        memcpy(tmp, v, n);
        tmp[n] = '\0';
        double d = strtod(tmp, &end);
        if (*end)
            return false;
        return p->op == P_LT ? d < p->num : p->op == P_LE ? d <= p->num : p->op == P_GT ? d > p->num : d >= p->num;
    }
    case P_TERM: return false;
    }
    return false;
}

/* the values a field name stands for in this record (special names first) */
static bool field_match(const struct pred *p, const struct store_rec *rec, const struct event *ev,
                        const char *lname)
{
    const char *f = p->field;
    struct slice v = { NULL, 0 };
    bool have = false, special = true;
    if (!strcmp(f, "host")) {
        v = ev->host;
        have = v.len > 0;
    } else if (!strcmp(f, "program")) {
        v = ev->program;
        have = v.len > 0;
    } else if (!strcmp(f, "message")) {
        v = ev->message;
        have = true;
    } else if (!strcmp(f, "parser")) {
        v = slice_cstr(ev->parser ? ev->parser : "");
        have = true;
    } else if (!strcmp(f, "listener")) {
        v = slice_cstr(lname);
        have = true;
    } else if (!strcmp(f, "peer")) {
        /* "addr:port" or "[v6]:port": the address */
        v = rec->peer;
        if (v.len && v.p[0] == '[') {
            const char *close = memchr(v.p, ']', v.len);
            v = close ? (struct slice){ v.p + 1, (size_t)(close - v.p - 1) } : v;
        } else {
            const char *colon = memchr(v.p, ':', v.len);
            if (colon && !memchr(colon + 1, ':', (size_t)(v.p + v.len - colon - 1)))
                v.len = (size_t)(colon - v.p);
        }
        have = v.len > 0;
    } else {
        special = false;
    }
    if (special)
        return have && value_match(p, v.p, v.len);
    /* every field of that name (a name can repeat), then ECS aliases */
    bool seen = false;
    for (unsigned i = 0; i < ev->nfields; i++) {
        const struct event_field *fl = &ev->fields[i];
        if (fl->name_len == strlen(f) && !memcmp(fl->name, f, fl->name_len)) {
            seen = true;
            if (value_match(p, fl->value, fl->len))
                return true;
        }
    }
    if (seen || !p->ecs)
        return false;
    for (unsigned i = 0; i < ev->nfields; i++) {
        const struct event_field *fl = &ev->fields[i];
        char name[128];
        if (fl->name_len >= sizeof name)
            continue;
        memcpy(name, fl->name, fl->name_len);
        name[fl->name_len] = '\0';
        const char *ecs = event_ecs_name(name);
        if (ecs && !strcmp(ecs, f) && value_match(p, fl->value, fl->len))
            return true;
    }
    return false;
}

static bool block_may_match(const struct store_query *q, const struct store_block *b)
{
    const uint8_t *ix = b->index;
    if (!ix || b->h.index_len < INDEX_FIXED_SIZE)
        return true;
    unsigned log2 = ix[0], k = ix[1];
    if (log2 == 0) /* no tokens at all in this block */
        goto none;
    if (log2 < 3 || log2 > 32 || INDEX_FIXED_SIZE + ((size_t)1 << log2) / 8 > b->h.index_len)
        return true; /* not a filter we can read: do not skip */
    for (size_t i = 0; i < q->npreds; i++) {
        const struct pred *p = &q->preds[i];
        for (size_t t = 0; t < p->ntokens; t++)
            if (!bloom_maybe(ix + INDEX_FIXED_SIZE, log2, k, p->tokens[t]))
                return false;
    }
    return true;
none:
    for (size_t i = 0; i < q->npreds; i++)
        if (q->preds[i].ntokens)
            return false;
    return true;
}

enum mm_status store_search(const char *path, const struct store_query *q, bool parse, store_match_fn fn,
                            void *ctx, struct store_search_stats *stats, struct mm_error *err)
{
    memset(stats, 0, sizeof *stats);
    struct store_reader r;
    enum mm_status rc = store_reader_open(&r, path, err);
    if (rc != MM_OK)
        return rc;
    bool need_event = parse;
    for (size_t i = 0; i < q->npreds; i++)
        if (q->preds[i].field)
            need_event = true;
    struct store_walk w;
    store_walk_init(&w, &r, true);
    w.no_trailer = true;
    w.use_segidx = true;
    w.from_ns = q->from_ns;
    w.to_ns = q->to_ns;
    w.live_tail = store_writer_active(path);
    struct buf payload;
    buf_init(&payload, BUF_NO_MAX);
    struct store_records recs = { 0 };
    struct store_reparse rp;
    store_reparse_init(&rp);
    struct event ev;
    event_init(&ev);
    struct store_block b;
    char why[300];
    bool stop = false;
    while (!stop) {
        enum mm_status st = store_walk_next(&w, &b, why, sizeof why);
        if (st == MM_EOF)
            break;
        if (st != MM_OK) {
            mm_error_set(err, MM_ERR_PARSE, "%s (run `mamori log verify`); searching the rest", why);
            rc = MM_ERR_PARSE;
            continue;
        }
        if (b.h.type != BLOCK_DATA)
            continue;
        stats->blocks_total++;
        if (b.h.t_max < q->from_ns || b.h.t_min > q->to_ns) {
            stats->blocks_time_skipped++;
            continue;
        }
        if (!block_may_match(q, &b)) {
            stats->blocks_index_skipped++;
            continue;
        }
        struct mm_error perr;
        if (store_read_payload(&w, &b, &payload, &perr) != MM_OK ||
            store_decode_records(&b.h, (const uint8_t *)payload.data, payload.len, &recs, &perr) != MM_OK) {
            mm_error_set(err, MM_ERR_PARSE, "%s (run `mamori log verify`); searching the rest", perr.msg);
            rc = MM_ERR_PARSE;
            continue;
        }
        stats->blocks_read++;
        stats->bytes_read += b.h.payload_len;
        for (size_t i = 0; i < recs.n && !stop; i++) {
            const struct store_rec *rec = &recs.recs[i];
            stats->records_scanned++;
            if (rec->receive_ns < q->from_ns || rec->receive_ns > q->to_ns)
                continue;
            bool ok = true;
            struct slice text = { NULL, 0 };
            bool have_text = false;
            /* full-text terms first: no parsing needed */
            for (size_t k = 0; k < q->npreds && ok; k++) {
                const struct pred *p = &q->preds[k];
                if (p->field)
                    continue;
                if (!have_text) {
                    text = store_record_text(&rp, rec);
                    have_text = true;
                }
                ok = p->op == P_TERM ? term_match(text.p, text.len, p->value, p->len)
                                     : ci_find(text.p, text.len, p->value, p->len) != NULL;
            }
            if (!ok)
                continue;
            bool parsed = false;
            if (need_event) {
                store_parse_record(&rp, rec, &ev);
                parsed = true;
                for (size_t k = 0; k < q->npreds && ok; k++) {
                    const struct pred *p = &q->preds[k];
                    if (!p->field)
                        continue;
                    bool m = field_match(p, rec, &ev, ev.listener ? ev.listener : "");
                    ok = p->negate ? !m : m;
                }
            }
            if (!ok)
                continue;
            stats->matches++;
            struct store_match m = { &b, r.segs[b.seg].name, i, rec, parsed ? &ev : NULL };
            if (!fn(ctx, &m) || (q->limit && stats->matches >= q->limit))
                stop = true;
        }
    }
    stats->segments_indexed = w.segidx_used;
    stats->segments_time_skipped = w.segs_time_skipped;
    event_release(&ev);
    store_reparse_release(&rp);
    store_records_release(&recs);
    buf_release(&payload);
    store_walk_release(&w);
    store_reader_close(&r);
    return rc;
}
