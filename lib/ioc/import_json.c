/* SPDX-License-Identifier: Apache-2.0 */
/* import_json.c: MISP event exports and STIX 2.1 bundles, read from json_parse's flat tokens.
 *
 * MISP: {"Event":{...}}, a list of those, {"response":[...]} (also {"response":{"Attribute":[]}}
 * from an attribute search); attributes of the event and of its objects. STIX: a bundle (or a
 * list of objects, or one indicator) whose indicator objects carry STIX patterns; the supported
 * subset of the pattern language is a disjunction of equality comparisons on the observable
 * types a set can hold. Everything else is counted and reported with a reason. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "ioc/ioc_internal.h"

struct jdoc {
    struct ioc_import *im;
    const char *text;
    const struct json_token *t;
    int n;
    struct buf s1, s2; /* decoded strings */
};

/* Index of key's value in object obj, or 0. */
static uint32_t jget(const struct jdoc *d, uint32_t obj, const char *key)
{
    if (d->t[obj].type != JSON_OBJECT)
        return 0;
    uint32_t i = obj + 1;
    for (uint32_t k = 0; k < d->t[obj].children; k++) {
        if (json_token_eq(d->text, &d->t[i], key))
            return i + 1;
        i = d->t[i + 1].next;
    }
    return 0;
}

/* Decode string token i into out; false when it is not a string (or absent: i == 0). */
static bool jstr(const struct jdoc *d, uint32_t i, struct buf *out)
{
    buf_reset(out);
    if (!i || d->t[i].type != JSON_STRING)
        return false;
    const struct json_token *t = &d->t[i];
    if (t->escaped)
        return json_unescape(d->text + t->start, t->end - t->start, out) == MM_OK;
    return buf_append(out, d->text + t->start, t->end - t->start) == MM_OK;
}

/* A string or number token's raw text (numbers for MISP ids). */
static bool jraw(const struct jdoc *d, uint32_t i, struct buf *out)
{
    if (i && d->t[i].type == JSON_NUMBER) {
        buf_reset(out);
        return buf_append(out, d->text + d->t[i].start, d->t[i].end - d->t[i].start) == MM_OK;
    }
    return jstr(d, i, out);
}

/* true, "1", "true", 1 are true; absent is dflt. */
static bool jbool(const struct jdoc *d, uint32_t i, bool dflt)
{
    if (!i)
        return dflt;
    const struct json_token *t = &d->t[i];
    const char *p = d->text + t->start;
    size_t len = t->end - t->start;
    switch (t->type) {
    case JSON_TRUE: return true;
    case JSON_FALSE: return false;
    case JSON_NUMBER: return !(len == 1 && p[0] == '0');
    case JSON_STRING: return (len == 1 && p[0] == '1') || mm_bytes_eq_nocase(p, len, "true");
    default: return dflt;
    }
}

static bool jnum(const struct jdoc *d, uint32_t i, double *out)
{
    if (!i || (d->t[i].type != JSON_NUMBER && d->t[i].type != JSON_STRING))
        return false;
    char tmp[64];
    size_t len = d->t[i].end - d->t[i].start;
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, d->text + d->t[i].start, len);
    tmp[len] = '\0';
    char *end;
    *out = strtod(tmp, &end);
    return *end == '\0';
}

static bool jtime(struct jdoc *d, uint32_t i, int64_t *ns)
{
    return jstr(d, i, &d->s2) && d->s2.len && ioc_parse_time(d->s2.data, d->s2.len, ns);
}

static uint32_t line_of(struct jdoc *d, uint32_t i)
{
    return ioc_import_line(d->im, d->t[i].start);
}

/* ---- MISP ---- */

struct misp_event {
    char reference[64];
    char *info; /* owned */
};

static void misp_attribute(struct jdoc *d, const struct misp_event *ev, uint32_t a)
{
    struct ioc_import *im = d->im;
    struct ioc_file_stats *st = im->st;
    if (d->t[a].type != JSON_OBJECT) {
        st->invalid++;
        ioc_import_problem(im, line_of(d, a), "MISP attribute is not an object");
        return;
    }
    if (jbool(d, jget(d, a, "deleted"), false)) {
        st->ignored++;
        return;
    }
    if (!jstr(d, jget(d, a, "type"), &d->s1) || !d->s1.len) {
        st->invalid++;
        ioc_import_problem(im, line_of(d, a), "MISP attribute without a type");
        return;
    }
    /* not for detection: whatever its type, it is not an indicator here */
    if (!jbool(d, jget(d, a, "to_ids"), true)) {
        st->not_ids++;
        return;
    }
    int first, second;
    if (!ioc_type_from_name(d->s1.data, d->s1.len, &first, &second)) {
        st->unsupported++;
        ioc_import_problem(im, line_of(d, a), "MISP attribute type '%.60s' is not supported", d->s1.data);
        return;
    }
    struct ioc_attrs at = { .confidence = im->b->opt.default_confidence, .reference = ev->reference };
    at.description = ev->info;
    /* MISP's decaying models: the highest score is the confidence; decayed everywhere is expired */
    uint32_t ds = jget(d, a, "decay_score");
    if (ds && d->t[ds].type == JSON_ARRAY && d->t[ds].children) {
        bool all_decayed = true;
        double best = -1;
        for (uint32_t i = ds + 1, k = 0; k < d->t[ds].children; k++, i = d->t[i].next) {
            double score;
            if (jnum(d, jget(d, i, "score"), &score) && score > best)
                best = score;
            all_decayed &= jbool(d, jget(d, i, "decayed"), false);
        }
        if (all_decayed) {
            st->expired++;
            return;
        }
        if (best >= 0)
            at.confidence = (unsigned)MM_MIN(best + 0.5, 100.0);
    }
    int64_t fs = 0, ls = 0;
    jtime(d, jget(d, a, "first_seen"), &fs);
    jtime(d, jget(d, a, "last_seen"), &ls);
    int64_t seen = MM_MAX(fs, ls);
    if (seen && im->b->opt.misp_lifetime_ns)
        at.expiry_ns = seen + im->b->opt.misp_lifetime_ns;
    uint32_t line = line_of(d, a);
    if (!jstr(d, jget(d, a, "value"), &d->s1) || !d->s1.len) {
        st->invalid++;
        ioc_import_problem(im, line, "MISP attribute without a value");
        return;
    }
    const char *v = d->s1.data;
    size_t vlen = d->s1.len;
    if (second == IOC_PART_NONE) {
        ioc_import_add(im, (enum ioc_type)first, v, vlen, &at, line);
        return;
    }
    const char *bar = memchr(v, '|', vlen);
    if (!bar) {
        st->invalid++;
        ioc_import_problem(im, line, "MISP composite value '%.80s' has no '|'", v);
        return;
    }
    if (first >= 0)
        ioc_import_add(im, (enum ioc_type)first, v, (size_t)(bar - v), &at, line);
    if (second >= 0) {
        const char *rest = bar + 1;
        size_t rlen = vlen - (size_t)(rest - v);
        int t = second;
        if (t == IOC_MD5) /* malware-sample and filename|hash: the hash decides */
            t = ioc_hash_kind(rest, rlen) >= 0 ? ioc_hash_kind(rest, rlen) : IOC_MD5;
        ioc_import_add(im, (enum ioc_type)t, rest, rlen, &at, line);
    }
}

static void misp_attributes(struct jdoc *d, const struct misp_event *ev, uint32_t arr)
{
    if (!arr || d->t[arr].type != JSON_ARRAY)
        return;
    for (uint32_t i = arr + 1, k = 0; k < d->t[arr].children; k++, i = d->t[i].next)
        misp_attribute(d, ev, i);
}

static void misp_event(struct jdoc *d, uint32_t e)
{
    struct misp_event ev = { "", NULL };
    if (d->t[e].type != JSON_OBJECT) {
        d->im->st->invalid++;
        ioc_import_problem(d->im, line_of(d, e), "MISP event is not an object");
        return;
    }
    if (jraw(d, jget(d, e, "id"), &d->s1) && d->s1.len)
        snprintf(ev.reference, sizeof ev.reference, "MISP event %.40s", d->s1.data);
    else if (jstr(d, jget(d, e, "uuid"), &d->s1) && d->s1.len)
        snprintf(ev.reference, sizeof ev.reference, "MISP event %.40s", d->s1.data);
    if (jstr(d, jget(d, e, "info"), &d->s1) && d->s1.len)
        ev.info = mm_strndup(d->s1.data, MM_MIN(d->s1.len, 500));
    misp_attributes(d, &ev, jget(d, e, "Attribute"));
    uint32_t objs = jget(d, e, "Object");
    if (objs && d->t[objs].type == JSON_ARRAY)
        for (uint32_t i = objs + 1, k = 0; k < d->t[objs].children; k++, i = d->t[i].next) {
            uint32_t attrs = jget(d, i, "Attribute");
            if (!attrs)
                d->im->st->ignored++;
            misp_attributes(d, &ev, attrs);
        }
    mm_free(ev.info);
}

/* An element of a list or response: {"Event":{...}} or the event itself. */
static void misp_item(struct jdoc *d, uint32_t i)
{
    uint32_t e = jget(d, i, "Event");
    misp_event(d, e ? e : i);
}

static void misp_import(struct jdoc *d)
{
    uint32_t root = 0;
    if (d->t[0].type == JSON_OBJECT) {
        uint32_t r = jget(d, 0, "response");
        if (r && d->t[r].type == JSON_OBJECT) { /* attribute search: {"response":{"Attribute":[...]}} */
            struct misp_event none = { "", NULL };
            misp_attributes(d, &none, jget(d, r, "Attribute"));
            return;
        }
        if (!r) {
            misp_item(d, 0);
            return;
        }
        root = r;
    }
    if (d->t[root].type == JSON_ARRAY)
        for (uint32_t i = root + 1, k = 0; k < d->t[root].children; k++, i = d->t[i].next)
            misp_item(d, i);
}

/* ---- STIX patterns ---- */

enum ptok { P_END, P_LBRACK, P_RBRACK, P_LPAREN, P_RPAREN, P_WORD, P_STRING, P_OP, P_BAD };

struct pattern {
    const char *p;
    size_t len, pos;
    enum ptok tok;
    char text[IOC_MAX_VALUE]; /* the token: a word, an operator or a decoded string */
    size_t tlen;
    const char *problem; /* why the whole pattern is unsupported */
};

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || mm_is_digit(c) || c == '_' || c == '-' || c == ':' ||
           c == '.' || c == '*' || c == '[' || c == ']';
}

/* A quoted STIX string ('...' with \' and \\) starting at pos; appended to text. */
static bool pat_string(struct pattern *pt)
{
    pt->pos++;
    while (pt->pos < pt->len) {
        char c = pt->p[pt->pos++];
        if (c == '\'')
            return true;
        if (c == '\\' && pt->pos < pt->len)
            c = pt->p[pt->pos++];
        if (pt->tlen + 1 >= sizeof pt->text)
            return false;
        pt->text[pt->tlen++] = c;
    }
    return false;
}

static void pat_next(struct pattern *pt)
{
    while (pt->pos < pt->len && (mm_is_space(pt->p[pt->pos]) || pt->p[pt->pos] == '\n' || pt->p[pt->pos] == '\r'))
        pt->pos++;
    pt->tlen = 0;
    pt->text[0] = '\0';
    if (pt->pos >= pt->len) {
        pt->tok = P_END;
        return;
    }
    char c = pt->p[pt->pos];
    static const char singles[] = "[]()";
    const char *s = strchr(singles, c);
    if (s && c) {
        pt->pos++;
        pt->tok = (enum ptok)(P_LBRACK + (s - singles));
        return;
    }
    if (c == '\'') {
        pt->tok = pat_string(pt) ? P_STRING : P_BAD;
        pt->text[pt->tlen] = '\0';
        return;
    }
    if (c == '=' || c == '!' || c == '<' || c == '>') {
        while (pt->pos < pt->len && strchr("=!<>", pt->p[pt->pos]) && pt->tlen < 3)
            pt->text[pt->tlen++] = pt->p[pt->pos++];
        pt->text[pt->tlen] = '\0';
        pt->tok = P_OP;
        return;
    }
    /* a word: an object path (with quoted segments: file:hashes.'SHA-256'), a keyword, a number */
    while (pt->pos < pt->len && pt->tlen + 1 < sizeof pt->text) {
        c = pt->p[pt->pos];
        if (c == '\'' && pt->tlen && pt->text[pt->tlen - 1] == '.') {
            if (!pat_string(pt)) {
                pt->tok = P_BAD;
                return;
            }
            continue;
        }
        /* a bracket ends a word unless it is a list index like to_refs[*] */
        if ((c == '[' || c == ']') && !(pt->tlen && (c == ']' ? pt->text[pt->tlen - 1] == '*' ||
                                                                    mm_is_digit(pt->text[pt->tlen - 1])
                                                              : pt->text[pt->tlen - 1] != '.')))
            break;
        if (c == '[' && (pt->pos + 1 >= pt->len || (pt->p[pt->pos + 1] != '*' && !mm_is_digit(pt->p[pt->pos + 1]))))
            break;
        if (!word_char(c))
            break;
        pt->text[pt->tlen++] = c;
        pt->pos++;
    }
    pt->text[pt->tlen] = '\0';
    pt->tok = pt->tlen ? P_WORD : P_BAD;
    if (!pt->tlen)
        pt->pos++;
}

static bool pat_keyword(const struct pattern *pt, const char *kw)
{
    return pt->tok == P_WORD && mm_bytes_eq_nocase(pt->text, pt->tlen, kw);
}

struct stix_ctx {
    struct jdoc *d;
    const struct ioc_attrs *at;
    uint32_t line;
    bool dry; /* only check the syntax */
};

/* The type an object path holds, or -1. */
static int path_type(const char *path)
{
    static const struct {
        const char *path;
        int type;
    } paths[] = {
        { "ipv4-addr:value", IOC_IPV4 },
        { "ipv6-addr:value", IOC_IPV6 },
        { "domain-name:value", IOC_DOMAIN },
        { "url:value", IOC_URL },
        { "email-addr:value", IOC_EMAIL },
        { "email-message:from_ref.value", IOC_EMAIL },
        { "email-message:sender_ref.value", IOC_EMAIL },
        { "email-message:to_refs[*].value", IOC_EMAIL },
        { "network-traffic:src_ref.value", IOC_IPV4 },
        { "network-traffic:dst_ref.value", IOC_IPV4 },
        { "file:hashes.md5", IOC_MD5 },
        { "file:hashes.sha-1", IOC_SHA1 },
        { "file:hashes.sha1", IOC_SHA1 },
        { "file:hashes.sha-256", IOC_SHA256 },
        { "file:hashes.sha256", IOC_SHA256 },
        { "artifact:hashes.md5", IOC_MD5 },
        { "artifact:hashes.sha-1", IOC_SHA1 },
        { "artifact:hashes.sha-256", IOC_SHA256 },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(paths); i++)
        if (mm_bytes_eq_nocase(path, strlen(path), paths[i].path))
            return paths[i].type;
    return -1;
}

/* comparison := path [NOT] op value. Loads it when supported, else reports it. The pattern keeps
 * going either way: in a disjunction each supported comparison is evidence on its own. */
static bool pat_comparison(struct pattern *pt, struct stix_ctx *sc)
{
    struct ioc_import *im = sc->d->im;
    if (pt->tok != P_WORD || !strchr(pt->text, ':')) {
        pt->problem = "expected an object path";
        return false;
    }
    char path[128];
    snprintf(path, sizeof path, "%s", pt->text);
    pat_next(pt);
    bool negated = pat_keyword(pt, "NOT");
    if (negated)
        pat_next(pt);
    char op[16];
    if (pt->tok != P_OP && pt->tok != P_WORD) {
        pt->problem = "expected a comparison operator";
        return false;
    }
    snprintf(op, sizeof op, "%s", pt->text);
    pat_next(pt);
    if (pt->tok == P_LPAREN) { /* IN ('a', 'b'): a set of values */
        pt->problem = "IN (set) comparisons are not supported";
        return false;
    }
    if (pt->tok != P_STRING && pt->tok != P_WORD) {
        pt->problem = "expected a value";
        return false;
    }
    int type = path_type(path);
    bool eq = !negated && !strcmp(op, "=");
    bool subset = !negated && mm_bytes_eq_nocase(op, strlen(op), "ISSUBSET") &&
                  (type == IOC_IPV4 || type == IOC_IPV6);
    if (sc->dry) {
    } else if (type < 0) {
        im->st->unsupported++;
        ioc_import_problem(im, sc->line, "STIX object path '%.60s' is not supported", path);
    } else if (!eq && !subset) {
        im->st->unsupported++;
        ioc_import_problem(im, sc->line, "STIX comparison '%.60s %s%.20s' is not supported (only = and ISSUBSET)",
                           path, negated ? "NOT " : "", op);
    } else if (pt->tok != P_STRING) {
        im->st->invalid++;
        ioc_import_problem(im, sc->line, "STIX value for '%.60s' is not a string", path);
    } else {
        ioc_import_add(im, (enum ioc_type)type, pt->text, pt->tlen, sc->at, sc->line);
    }
    pat_next(pt);
    return true;
}

/* Inside brackets: comparisons joined by OR, with parentheses. */
static bool pat_comp_expr(struct pattern *pt, struct stix_ctx *sc)
{
    for (;;) {
        if (pt->tok == P_LPAREN) {
            pat_next(pt);
            if (!pat_comp_expr(pt, sc))
                return false;
            if (pt->tok != P_RPAREN) {
                pt->problem = "expected ')'";
                return false;
            }
            pat_next(pt);
        } else if (!pat_comparison(pt, sc)) {
            return false;
        }
        if (pat_keyword(pt, "AND")) {
            pt->problem = "AND between comparisons is not supported";
            return false;
        }
        if (!pat_keyword(pt, "OR"))
            return true;
        pat_next(pt);
    }
}

/* Observation expressions joined by OR. */
static bool pat_obs_expr(struct pattern *pt, struct stix_ctx *sc)
{
    for (;;) {
        if (pt->tok == P_LPAREN) {
            pat_next(pt);
            if (!pat_obs_expr(pt, sc))
                return false;
            if (pt->tok != P_RPAREN) {
                pt->problem = "expected ')'";
                return false;
            }
            pat_next(pt);
        } else if (pt->tok == P_LBRACK) {
            pat_next(pt);
            if (!pat_comp_expr(pt, sc))
                return false;
            if (pt->tok != P_RBRACK) {
                pt->problem = "expected ']'";
                return false;
            }
            pat_next(pt);
        } else {
            pt->problem = "expected '['";
            return false;
        }
        if (pat_keyword(pt, "WITHIN") || pat_keyword(pt, "START") || pat_keyword(pt, "REPEATS")) {
            pt->problem = "observation qualifiers (WITHIN, START/STOP, REPEATS) are not supported";
            return false;
        }
        if (pat_keyword(pt, "AND") || pat_keyword(pt, "FOLLOWEDBY")) {
            pt->problem = "AND and FOLLOWEDBY between observations are not supported";
            return false;
        }
        if (!pat_keyword(pt, "OR"))
            return true;
        pat_next(pt);
    }
}

/* A pattern is checked before anything is loaded from it: one that is not wholly in the supported
 * subset loads nothing, so a pattern never half-loads. */
static void stix_pattern(struct jdoc *d, const char *p, size_t len, const struct ioc_attrs *at, uint32_t line)
{
    struct ioc_import *im = d->im;
    struct pattern *pt = mm_calloc(1, sizeof *pt);
    struct stix_ctx dry = { d, at, line, true };
    *pt = (struct pattern){ .p = p, .len = len };
    pat_next(pt);
    bool ok = pat_obs_expr(pt, &dry) && (pt->tok == P_END || (pt->problem = "unexpected text after the pattern", false));
    if (!ok) {
        im->st->unsupported++;
        ioc_import_problem(im, line, "STIX pattern not supported: %s: %.80s", pt->problem ? pt->problem : "syntax error",
                           p);
    } else {
        struct stix_ctx sc = { d, at, line, false };
        *pt = (struct pattern){ .p = p, .len = len };
        pat_next(pt);
        pat_obs_expr(pt, &sc);
    }
    mm_free(pt);
}

static void stix_object(struct jdoc *d, uint32_t o)
{
    struct ioc_import *im = d->im;
    struct ioc_file_stats *st = im->st;
    if (!jstr(d, jget(d, o, "type"), &d->s1) || strcmp(d->s1.data, "indicator") != 0) {
        st->ignored++;
        return;
    }
    uint32_t line = line_of(d, o);
    if (jbool(d, jget(d, o, "revoked"), false)) {
        st->revoked++;
        return;
    }
    if (jstr(d, jget(d, o, "pattern_type"), &d->s1) && strcmp(d->s1.data, "stix") != 0) {
        st->unsupported++;
        ioc_import_problem(im, line, "STIX pattern_type '%.40s' is not supported", d->s1.data);
        return;
    }
    struct ioc_attrs at = { .confidence = im->b->opt.default_confidence };
    double conf;
    if (jnum(d, jget(d, o, "confidence"), &conf) && conf >= 0 && conf <= 100)
        at.confidence = (unsigned)conf;
    int64_t until;
    if (jtime(d, jget(d, o, "valid_until"), &until))
        at.expiry_ns = until ? until : 1; /* the epoch itself is long past, not "never" */
    char *id = jstr(d, jget(d, o, "id"), &d->s1) && d->s1.len ? mm_strdup(d->s1.data) : NULL;
    char *desc = (jstr(d, jget(d, o, "name"), &d->s1) && d->s1.len) ||
                         (jstr(d, jget(d, o, "description"), &d->s1) && d->s1.len)
                     ? mm_strndup(d->s1.data, MM_MIN(d->s1.len, 500))
                     : NULL;
    at.reference = id;
    at.description = desc;
    if (!jstr(d, jget(d, o, "pattern"), &d->s1) || !d->s1.len) {
        st->invalid++;
        ioc_import_problem(im, line, "STIX indicator without a pattern");
    } else {
        char *pattern = mm_strndup(d->s1.data, d->s1.len);
        stix_pattern(d, pattern, d->s1.len, &at, line);
        mm_free(pattern);
    }
    mm_free(id);
    mm_free(desc);
}

static void stix_import(struct jdoc *d)
{
    uint32_t list = 0;
    if (d->t[0].type == JSON_OBJECT) {
        list = jget(d, 0, "objects");
        if (!list) {
            stix_object(d, 0);
            return;
        }
    }
    if (d->t[list].type != JSON_ARRAY) {
        d->im->st->invalid++;
        ioc_import_problem(d->im, line_of(d, list), "STIX \"objects\" is not an array");
        return;
    }
    for (uint32_t i = list + 1, k = 0; k < d->t[list].children; k++, i = d->t[i].next)
        stix_object(d, i);
}

static enum ioc_format detect(struct jdoc *d)
{
    uint32_t first = 0;
    if (d->t[0].type == JSON_ARRAY) {
        if (!d->t[0].children)
            return IOC_FORMAT_MISP; /* an empty list: nothing either way */
        first = 1;
    }
    if (d->t[first].type != JSON_OBJECT)
        return IOC_FORMAT_AUTO;
    if (jget(d, first, "Event") || jget(d, first, "response") || jget(d, first, "Attribute"))
        return IOC_FORMAT_MISP;
    if (jget(d, first, "objects") || jget(d, first, "pattern") || jget(d, first, "spec_version"))
        return IOC_FORMAT_STIX;
    return IOC_FORMAT_AUTO;
}

enum mm_status ioc_import_json(struct ioc_import *im, const struct json_token *t, int ntok, enum ioc_format want,
                               struct mm_error *err)
{
    struct jdoc d = { im, im->data, t, ntok, { 0 }, { 0 } };
    buf_init(&d.s1, 1u << 20);
    buf_init(&d.s2, 256);
    enum ioc_format f = want == IOC_FORMAT_AUTO ? detect(&d) : want;
    enum mm_status rc = MM_OK;
    im->st->format = f;
    if (f == IOC_FORMAT_MISP)
        misp_import(&d);
    else if (f == IOC_FORMAT_STIX)
        stix_import(&d);
    else {
        ioc_import_problem(im, 0, "JSON that is neither a MISP event export nor a STIX bundle");
        rc = mm_error_set(err, MM_ERR_PARSE, "%s: JSON that is neither a MISP event export nor a STIX bundle",
                          im->name);
    }
    buf_release(&d.s1);
    buf_release(&d.s2);
    return rc;
}
