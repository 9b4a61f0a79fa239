/* SPDX-License-Identifier: Apache-2.0 */
/* match.c: Sigma values into matchers and the evaluation of conditions.
 *
 * A value goes through its modifiers in the order written: windash, base64, base64offset and the
 * utf16 family transform the text into one or more byte strings; contains, startswith and
 * endswith place wildcards; re, cidr, the numeric modifiers, exists and fieldref choose another
 * kind of comparison. Strings compare as Sigma wildcard patterns (`*`, `?`, backslash escapes),
 * ignoring ASCII case unless |cased. An item holds when any of its values does (|all: every
 * value), for any occurrence of the field; |neq inverts. */
#include "base/prelude.h"
#include "base/str.h"
#include "base/mtime.h"
#include "base/alloc.h"
#include "net/addr.h"
#include "match.h"

#include <fnmatch.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

enum vkind { VK_GLOB, VK_RE, VK_CIDR, VK_NUM, VK_EXISTS, VK_NULL, VK_FIELDREF };
enum gshape { G_EXACT, G_PREFIX, G_SUFFIX, G_CONTAINS, G_GLOB };
enum numop { N_LT, N_LTE, N_GT, N_GTE, N_EQ };

struct vmatch {
    enum vkind kind;
    /* glob: the pattern as tokens: bytes, with 0x00 0x01 = '*', 0x00 0x02 = '?', 0x00 0x00 = NUL */
    enum gshape shape;
    char *lit; /* EXACT/PREFIX/SUFFIX/CONTAINS: the literal (lowercased unless cased) */
    size_t litlen;
    char *pat; /* GLOB: the token string */
    size_t patlen;
    bool cased;
    pcre2_code *re;
    struct net_cidr cidr;
    enum numop op;
    double num;
    int tpart; /* a time modifier (SM_MINUTE .. SM_YEAR): the number is that part of a date */
    bool re_i, re_m, re_s; /* the regular expression's flags, for prefilters */
    bool exists;
    char *ref; /* fieldref */
    const char *shown; /* the value as written, for explanations */
};

/* one value as written: its alternatives (encodings, windash) */
struct vgroup {
    struct vmatch *alts;
    size_t n;
};

struct imatch {
    const struct sigma_item *item;
    struct vgroup *groups;
    size_t ngroups;
    bool all, neq;
};

struct idmatch {
    const struct sigma_ident *id;
    struct imatch **maps; /* maps[m] = array of items */
    size_t *nitems;
    size_t nmaps;
};

struct sigma_compiled {
    const struct sigma_rule *rule;
    struct idmatch *ids;
    size_t nids;
    pcre2_match_data *md;
};

const struct sigma_rule *sigma_compiled_rule(const struct sigma_compiled *c)
{
    return c->rule;
}

/* ---- byte strings for transformations ---- */

/* byte strings: the text of a value as modifiers transform it, or a rule's literals */
struct blist {
    struct sigma_literal *v;
    size_t n;
};

static void bl_add(struct blist *l, const char *p, size_t n)
{
    l->v = mm_reallocarray(l->v, l->n + 1, sizeof *l->v);
    l->v[l->n].s = mm_malloc(n + 1);
    memcpy(l->v[l->n].s, p, n);
    l->v[l->n].s[n] = '\0';
    l->v[l->n].n = n;
    l->v[l->n].raw = false;
    l->v[l->n].regex = l->v[l->n].re_i = l->v[l->n].re_m = l->v[l->n].re_s = false;
    l->v[l->n].field = NULL;
    l->n++;
}

static void bl_free(struct blist *l)
{
    for (size_t i = 0; i < l->n; i++)
        mm_free(l->v[i].s);
    mm_free(l->v);
    l->v = NULL;
    l->n = 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_encode(const uint8_t *in, size_t n, struct buf *out)
{
    buf_reset(out);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
        buf_append(out, q, 4);
    }
}

/* the wildcards of a value must survive encoding as wildcards: encodings apply to plain text
 * only, so a value to be encoded is taken literally (as pySigma does) */
static void apply_base64(struct blist *l, bool offset)
{
    struct blist out = { 0 };
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    for (size_t i = 0; i < l->n; i++) {
        if (!offset) {
            base64_encode((const uint8_t *)l->v[i].s, l->v[i].n, &b);
            bl_add(&out, b.data, b.len);
            continue;
        }
        /* the value at the three possible alignments, without the characters its neighbours
         * influence */
        static const size_t start[3] = { 0, 2, 3 };
        for (size_t k = 0; k < 3; k++) {
            size_t n = l->v[i].n + k;
            uint8_t *tmp = mm_malloc(n + 1);
            memset(tmp, ' ', k);
            memcpy(tmp + k, l->v[i].s, l->v[i].n);
            base64_encode(tmp, n, &b);
            mm_free(tmp);
            static const size_t cut_end[3] = { 0, 3, 2 };
            size_t end = b.len - cut_end[n % 3];
            if (end > start[k])
                bl_add(&out, b.data + start[k], end - start[k]);
        }
    }
    buf_release(&b);
    bl_free(l);
    *l = out;
}

/* UTF-8 to UTF-16 (le/be), optionally with a byte-order mark */
static void apply_utf16(struct blist *l, bool be, bool bom)
{
    struct blist out = { 0 };
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    for (size_t i = 0; i < l->n; i++) {
        buf_reset(&b);
        if (bom)
            buf_append(&b, be ? "\xfe\xff" : "\xff\xfe", 2);
        const uint8_t *s = (const uint8_t *)l->v[i].s, *e = s + l->v[i].n;
        while (s < e) {
            uint32_t cp = *s++;
            int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
            if (extra)
                cp &= 0x3fu >> extra;
            while (extra-- > 0 && s < e)
                cp = cp << 6 | (*s++ & 0x3f);
            uint16_t units[2];
            int nu = 1;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                units[0] = (uint16_t)(0xd800 | cp >> 10);
                units[1] = (uint16_t)(0xdc00 | (cp & 0x3ff));
                nu = 2;
            } else {
                units[0] = (uint16_t)cp;
            }
            for (int u = 0; u < nu; u++) {
                char c2[2] = { (char)(be ? units[u] >> 8 : units[u] & 0xff), (char)(be ? units[u] & 0xff : units[u] >> 8) };
                buf_append(&b, c2, 2);
            }
        }
        bl_add(&out, b.data, b.len);
    }
    buf_release(&b);
    bl_free(l);
    *l = out;
}

/* every dash-like character replaced by each of - / – — ― (capped: beyond 3 occurrences, all
 * occurrences take the same character) */
static void apply_windash(struct blist *l)
{
    static const char *const dashes[] = { "-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95" };
    struct blist out = { 0 };
    for (size_t i = 0; i < l->n; i++) {
        const char *s = l->v[i].s;
        size_t n = l->v[i].n;
        /* positions of dashes: ASCII - or / */
        size_t pos[64], np = 0;
        for (size_t k = 0; k < n && np < 64; k++)
            if (s[k] == '-' || s[k] == '/')
                pos[np++] = k;
        if (np == 0) {
            bl_add(&out, s, n);
            continue;
        }
        bool same = np > 3;
        size_t combos = same ? 5 : 1;
        for (size_t k = 0; !same && k < np; k++)
            combos *= 5;
        for (size_t c = 0; c < combos; c++) {
            struct buf b;
            buf_init(&b, BUF_NO_MAX);
            size_t last = 0, code = c;
            for (size_t k = 0; k < np; k++) {
                buf_append(&b, s + last, pos[k] - last);
                size_t d = same ? c : code % 5;
                if (!same)
                    code /= 5;
                buf_append_str(&b, dashes[d]);
                last = pos[k] + 1;
            }
            buf_append(&b, s + last, n - last);
            bl_add(&out, b.data, b.len);
            buf_release(&b);
        }
    }
    bl_free(l);
    *l = out;
}

/* ---- wildcard patterns ---- */

#define TOK_ESC 0x00
#define TOK_STAR 0x01
#define TOK_Q 0x02
#define TOK_NUL 0x03

/* a Sigma value into tokens (raw: no wildcard processing, for encoded bytes) */
static void tokenize(const char *s, size_t n, bool raw, struct buf *out)
{
    buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!raw && c == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
            /* \* and \? are literal; \\ is one backslash (three/four backslashes: see spec) */
            c = s[++i];
        } else if (!raw && c == '*') {
            buf_append(out, "\0\1", 2);
            continue;
        } else if (!raw && c == '?') {
            buf_append(out, "\0\2", 2);
            continue;
        }
        if (c == '\0')
            buf_append(out, "\0\3", 2);
        else
            buf_append_char(out, c);
    }
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* compile tokens into a shape: a literal when the only wildcards are a leading/trailing star */
static void make_glob(struct vmatch *m, const char *tok, size_t n)
{
    bool lead = n >= 2 && tok[0] == TOK_ESC && tok[1] == TOK_STAR;
    bool trail = n >= 2 && tok[n - 2] == TOK_ESC && tok[n - 1] == TOK_STAR;
    size_t a = lead ? 2 : 0, b = trail && n - 2 >= a ? n - 2 : n;
    bool inner = false;
    for (size_t i = a; i < b; i++) {
        if (tok[i] == TOK_ESC) {
            if (tok[i + 1] != TOK_NUL)
                inner = true;
            i++;
        }
    }
    m->kind = VK_GLOB;
    if (!inner) {
        m->lit = mm_malloc(b - a + 1);
        size_t k = 0;
        for (size_t i = a; i < b; i++) {
            char c = tok[i];
            if (c == TOK_ESC) {
                c = '\0';
                i++;
            }
            m->lit[k++] = m->cased ? c : lower(c);
        }
        m->lit[k] = '\0';
        m->litlen = k;
        m->shape = lead && trail ? G_CONTAINS : lead ? G_SUFFIX : trail ? G_PREFIX : G_EXACT;
        if (lead && trail && n == 2) /* a lone "*": anything */
            m->shape = G_CONTAINS;
        return;
    }
    m->shape = G_GLOB;
    m->pat = mm_malloc(n + 1);
    memcpy(m->pat, tok, n);
    m->patlen = n;
    if (!m->cased)
        for (size_t i = 0; i < n; i++) {
            if (m->pat[i] == TOK_ESC)
                i++;
            else
                m->pat[i] = lower(m->pat[i]);
        }
}

static bool eq_ci(const char *a, const char *b, size_t n, bool cased)
{
    if (cased)
        return !memcmp(a, b, n);
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != b[i])
            return false;
    return true;
}

static bool find_ci(const char *h, size_t hn, const char *lit, size_t ln, bool cased)
{
    if (ln == 0)
        return true;
    if (ln > hn)
        return false;
    if (cased)
        return memmem(h, hn, lit, ln) != NULL;
    char f = lit[0], F = f >= 'a' && f <= 'z' ? (char)(f - 32) : f;
    for (size_t i = 0; i + ln <= hn; i++) {
        if ((h[i] == f || h[i] == F) && eq_ci(h + i + 1, lit + 1, ln - 1, false))
            return true;
    }
    return false;
}

/* token pattern against text, iterative with star backtracking */
static bool glob_match(const char *p, size_t pn, const char *s, size_t sn, bool cased)
{
    size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
    while (si < sn) {
        if (pi < pn) {
            if (p[pi] == TOK_ESC && p[pi + 1] == TOK_STAR) {
                star_p = pi += 2;
                star_s = si;
                continue;
            }
            if (p[pi] == TOK_ESC && p[pi + 1] == TOK_Q) {
                pi += 2;
                si++;
                continue;
            }
            char pc = p[pi] == TOK_ESC ? '\0' : p[pi];
            size_t adv = p[pi] == TOK_ESC ? 2 : 1;
            char sc = cased ? s[si] : lower(s[si]);
            if (pc == sc) {
                pi += adv;
                si++;
                continue;
            }
        }
        if (star_p == SIZE_MAX)
            return false;
        pi = star_p;
        si = ++star_s;
    }
    while (pi + 1 < pn && p[pi] == TOK_ESC && p[pi + 1] == TOK_STAR)
        pi += 2;
    return pi == pn;
}

/* memmem for short needles in short texts: glibc's memchr is vectorised, its memmem is not */
static bool find_lit(const char *h, size_t hn, const char *lit, size_t ln)
{
    if (ln == 0)
        return true;
    if (ln > hn)
        return false;
    const char *p = h, *last = h + hn - ln;
    while (p <= last) {
        p = memchr(p, (unsigned char)lit[0], (size_t)(last - p) + 1);
        if (!p)
            return false;
        if (!memcmp(p + 1, lit + 1, ln - 1))
            return true;
        p++;
    }
    return false;
}

/* s: the text; ls: the same text lowercased (ASCII), for values that ignore case */
static bool vmatch_text(const struct vmatch *m, const char *s, const char *ls, size_t n)
{
    if (!m->cased) {
        switch (m->shape) {
        case G_EXACT: return n == m->litlen && !memcmp(ls, m->lit, n);
        case G_PREFIX: return n >= m->litlen && !memcmp(ls, m->lit, m->litlen);
        case G_SUFFIX: return n >= m->litlen && !memcmp(ls + n - m->litlen, m->lit, m->litlen);
        case G_CONTAINS: return find_lit(ls, n, m->lit, m->litlen);
        case G_GLOB: return glob_match(m->pat, m->patlen, ls, n, true);
        }
    }
    switch (m->shape) {
    case G_EXACT: return n == m->litlen && eq_ci(s, m->lit, n, m->cased);
    case G_PREFIX: return n >= m->litlen && eq_ci(s, m->lit, m->litlen, m->cased);
    case G_SUFFIX: return n >= m->litlen && eq_ci(s + n - m->litlen, m->lit, m->litlen, m->cased);
    case G_CONTAINS: return find_ci(s, n, m->lit, m->litlen, m->cased);
    case G_GLOB: return glob_match(m->pat, m->patlen, s, n, m->cased);
    }
    return false;
}

/* ---- compiling ---- */

static bool item_has(const struct sigma_item *it, int mod)
{
    for (size_t i = 0; i < it->nmods; i++)
        if (it->mods[i] == mod)
            return true;
    return false;
}

static enum mm_status compile_one(const struct sigma_item *it, const struct sigma_value *v, struct vgroup *g,
                                  struct mm_error *err)
{
    bool cased = item_has(it, SM_CASED);
    int tpart = 0;
    for (size_t i = 0; i < it->nmods; i++)
        if (it->mods[i] >= SM_MINUTE && it->mods[i] <= SM_YEAR)
            tpart = it->mods[i];
    if (item_has(it, SM_EXISTS)) {
        g->alts = mm_calloc(1, sizeof *g->alts);
        g->n = 1;
        g->alts[0] = (struct vmatch){ .kind = VK_EXISTS, .exists = v->b, .shown = v->s };
        return MM_OK;
    }
    if (v->type == SV_NULL) {
        g->alts = mm_calloc(1, sizeof *g->alts);
        g->n = 1;
        g->alts[0] = (struct vmatch){ .kind = VK_NULL, .shown = "null" };
        return MM_OK;
    }
    if (item_has(it, SM_FIELDREF)) {
        g->alts = mm_calloc(1, sizeof *g->alts);
        g->n = 1;
        g->alts[0] = (struct vmatch){ .kind = VK_FIELDREF, .ref = mm_strdup(v->s), .shown = v->s, .cased = cased };
        return MM_OK;
    }
    static const int numeric[] = { SM_LT, SM_LTE, SM_GT, SM_GTE };
    for (size_t k = 0; k < 5; k++) { /* the fifth: a time modifier alone compares for equality */
        if (k < 4 ? item_has(it, numeric[k]) : tpart != 0) {
            g->alts = mm_calloc(1, sizeof *g->alts);
            g->n = 1;
            double num = v->type == SV_NUM ? v->num : strtod(v->s, NULL);
            g->alts[0] = (struct vmatch){ .kind = VK_NUM, .op = (enum numop)k, .num = num, .tpart = tpart,
                                          .shown = v->s };
            return MM_OK;
        }
    }
    if (item_has(it, SM_CIDR)) {
        g->alts = mm_calloc(1, sizeof *g->alts);
        g->n = 1;
        struct vmatch *m = &g->alts[0];
        *m = (struct vmatch){ .kind = VK_CIDR, .shown = v->s };
        net_cidr_parse(v->s, &m->cidr); /* checked when the rule loaded */
        return MM_OK;
    }
    if (item_has(it, SM_RE)) {
        uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | /* a stray byte must not hide a match */
                        (item_has(it, SM_RE_I) ? PCRE2_CASELESS : 0) |
                        (item_has(it, SM_RE_M) ? PCRE2_MULTILINE : 0) | (item_has(it, SM_RE_S) ? PCRE2_DOTALL : 0);
        int ec;
        PCRE2_SIZE eo;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)v->s, v->len, opts, &ec, &eo, NULL);
        if (!re)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: regular expression '%s' does not compile", it->line, v->s);
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* faster when available; fine without */
        g->alts = mm_calloc(1, sizeof *g->alts);
        g->n = 1;
        g->alts[0] = (struct vmatch){ .kind = VK_RE, .re = re, .shown = v->s, .re_i = item_has(it, SM_RE_I),
                                      .re_m = item_has(it, SM_RE_M), .re_s = item_has(it, SM_RE_S) };
        return MM_OK;
    }
    /* strings: transformations in order, then wildcards */
    struct blist l = { 0 };
    bl_add(&l, v->s, v->len);
    bool encoded = false;
    for (size_t i = 0; i < it->nmods; i++) {
        switch (it->mods[i]) {
        case SM_WINDASH: apply_windash(&l); break;
        case SM_BASE64: apply_base64(&l, false); encoded = true; break;
        case SM_BASE64OFFSET: apply_base64(&l, true); encoded = true; break;
        case SM_UTF16LE:
        case SM_WIDE: apply_utf16(&l, false, false); encoded = true; break;
        case SM_UTF16BE: apply_utf16(&l, true, false); encoded = true; break;
        case SM_UTF16: apply_utf16(&l, false, true); encoded = true; break;
        default: break;
        }
    }
    bool contains = item_has(it, SM_CONTAINS) || !it->field, starts = item_has(it, SM_STARTSWITH),
         ends = item_has(it, SM_ENDSWITH);
    g->alts = mm_calloc(l.n, sizeof *g->alts);
    struct buf tok;
    buf_init(&tok, BUF_NO_MAX);
    for (size_t i = 0; i < l.n; i++) {
        struct buf full;
        buf_init(&full, BUF_NO_MAX);
        tokenize(l.v[i].s, l.v[i].n, encoded, &tok);
        if (contains || ends)
            buf_append(&full, "\0\1", 2);
        buf_append(&full, tok.data, tok.len);
        if (contains || starts)
            buf_append(&full, "\0\1", 2);
        struct vmatch *m = &g->alts[g->n++];
        *m = (struct vmatch){ .cased = cased, .shown = v->s };
        make_glob(m, full.data, full.len);
        buf_release(&full);
    }
    buf_release(&tok);
    bl_free(&l);
    return MM_OK;
}

static const struct sigma_placeholder *ph_find(const struct sigma_placeholders *ph, const char *name, size_t n)
{
    for (size_t i = 0; ph && i < ph->n; i++)
        if (strlen(ph->v[i].name) == n && !memcmp(ph->v[i].name, name, n))
            return &ph->v[i];
    return NULL;
}

#define EXPAND_MAX 4096

/* A value with %placeholders% under |expand: one alternative per combination of their values. */
static enum mm_status compile_value(const struct sigma_item *it, const struct sigma_value *v, struct vgroup *g,
                                    const struct sigma_placeholders *ph, struct mm_error *err)
{
    if (!item_has(it, SM_EXPAND) || !strchr(v->s, '%'))
        return compile_one(it, v, g, err);
    struct blist cur = { 0 };
    bl_add(&cur, v->s, v->len);
    for (;;) {
        /* the first placeholder left in the first string (all strings have the same ones) */
        const char *s0 = cur.v[0].s, *a = strchr(s0, '%'), *b = a ? strchr(a + 1, '%') : NULL;
        if (!a || !b)
            break;
        const struct sigma_placeholder *p = ph_find(ph, a + 1, (size_t)(b - a - 1));
        if (!p || !p->nvals) {
            enum mm_status st = mm_error_set(err, MM_ERR_INVALID, "line %d: '%s' needs placeholder values "
                                             "(|expand): '%.*s' is not configured", it->line, v->s,
                                             (int)(b - a + 1), a);
            bl_free(&cur);
            return st;
        }
        if (cur.n * p->nvals > EXPAND_MAX) {
            bl_free(&cur);
            return mm_error_set(err, MM_ERR_TOO_LARGE, "line %d: '%s' expands to more than %d values", it->line,
                                v->s, EXPAND_MAX);
        }
        size_t pre = (size_t)(a - s0), post_off = (size_t)(b - s0) + 1;
        struct blist next = { 0 };
        for (size_t i = 0; i < cur.n; i++) {
            for (size_t k = 0; k < p->nvals; k++) {
                struct buf t;
                buf_init(&t, BUF_NO_MAX);
                buf_append(&t, cur.v[i].s, pre);
                buf_append_str(&t, p->vals[k]);
                buf_append(&t, cur.v[i].s + post_off, cur.v[i].n - post_off);
                bl_add(&next, t.data, t.len);
                buf_release(&t);
            }
        }
        bl_free(&cur);
        cur = next;
    }
    for (size_t i = 0; i < cur.n; i++) {
        struct sigma_value one = *v;
        one.s = cur.v[i].s;
        one.len = cur.v[i].n;
        one.type = SV_STR;
        struct vgroup part = { 0 };
        enum mm_status st = compile_one(it, &one, &part, err);
        if (st != MM_OK) {
            bl_free(&cur);
            mm_free(part.alts);
            return st;
        }
        g->alts = mm_reallocarray(g->alts, g->n + part.n, sizeof *g->alts);
        memcpy(g->alts + g->n, part.alts, part.n * sizeof *g->alts);
        for (size_t k = 0; k < part.n; k++)
            g->alts[g->n + k].shown = v->s; /* explanations name the value as written */
        g->n += part.n;
        mm_free(part.alts);
    }
    bl_free(&cur);
    return MM_OK;
}

static void free_groups(struct imatch *im)
{
    for (size_t g = 0; g < im->ngroups; g++) {
        for (size_t a = 0; a < im->groups[g].n; a++) {
            struct vmatch *m = &im->groups[g].alts[a];
            mm_free(m->lit);
            mm_free(m->pat);
            mm_free(m->ref);
            if (m->re)
                pcre2_code_free(m->re);
        }
        mm_free(im->groups[g].alts);
    }
    mm_free(im->groups);
}

void sigma_compiled_free(struct sigma_compiled *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nids; i++) {
        for (size_t m = 0; m < c->ids[i].nmaps; m++) {
            for (size_t k = 0; k < c->ids[i].nitems[m]; k++)
                free_groups(&c->ids[i].maps[m][k]);
            mm_free(c->ids[i].maps[m]);
        }
        mm_free(c->ids[i].maps);
        mm_free(c->ids[i].nitems);
    }
    mm_free(c->ids);
    if (c->md)
        pcre2_match_data_free(c->md);
    mm_free(c);
}

struct sigma_compiled *sigma_compile_matchers(const struct sigma_rule *r, struct mm_error *err)
{
    return sigma_compile_matchers_ph(r, NULL, err);
}

struct sigma_compiled *sigma_compile_matchers_ph(const struct sigma_rule *r, const struct sigma_placeholders *ph,
                                                 struct mm_error *err)
{
    struct sigma_compiled *c = mm_calloc(1, sizeof *c);
    c->rule = r;
    c->ids = mm_calloc(r->nidents ? r->nidents : 1, sizeof *c->ids);
    c->md = pcre2_match_data_create(16, NULL);
    for (size_t i = 0; i < r->nidents; i++) {
        const struct sigma_ident *id = &r->idents[i];
        struct idmatch *im = &c->ids[c->nids++];
        im->id = id;
        im->maps = mm_calloc(id->nmaps ? id->nmaps : 1, sizeof *im->maps);
        im->nitems = mm_calloc(id->nmaps ? id->nmaps : 1, sizeof *im->nitems);
        im->nmaps = id->nmaps;
        for (size_t m = 0; m < id->nmaps; m++) {
            const struct sigma_map *mp = &id->maps[m];
            im->maps[m] = mm_calloc(mp->n ? mp->n : 1, sizeof *im->maps[m]);
            for (size_t k = 0; k < mp->n; k++) {
                const struct sigma_item *it = &mp->items[k];
                struct imatch *x = &im->maps[m][im->nitems[m]++];
                x->item = it;
                x->all = item_has(it, SM_ALL);
                x->neq = item_has(it, SM_NEQ);
                x->groups = mm_calloc(it->nvals ? it->nvals : 1, sizeof *x->groups);
                for (size_t v = 0; v < it->nvals; v++) {
                    if (compile_value(it, &it->vals[v], &x->groups[x->ngroups++], ph, err) != MM_OK) {
                        sigma_compiled_free(c);
                        return NULL;
                    }
                }
            }
        }
    }
    return c;
}

/* ---- matching ---- */

static bool ls_eq(const char *rule, const char *ev)
{
    return ev && !strcasecmp(rule, ev);
}

bool sigma_logsource_matches(const struct sigma_rule *r, const struct event *ev)
{
    const struct logsource *l = &ev->logsource;
    if (r->logsource.product && !ls_eq(r->logsource.product, l->product))
        return false;
    if (r->logsource.service && !ls_eq(r->logsource.service, l->service))
        return false;
    if (r->logsource.category) {
        if (!strcasecmp(r->logsource.category, "registry_event") && l->category &&
            !strncasecmp(l->category, "registry_", 9))
            return true;
        if (!ls_eq(r->logsource.category, l->category))
            return false;
    }
    return true;
}

void sigma_evctx_init(struct sigma_evctx *x)
{
    memset(x, 0, sizeof *x);
    buf_init(&x->lower, BUF_NO_MAX);
}

void sigma_evctx_release(struct sigma_evctx *x)
{
    buf_release(&x->lower);
}

void sigma_evctx_reset(struct sigma_evctx *x, const struct event *ev)
{
    x->ev = ev;
    buf_reset(&x->lower);
    memset(x->have, 0, sizeof x->have);
}

/* The lowercased copy of field i's value (EVENT_MAX_FIELDS: the raw message), made on first use.
 * Valid until the next call (the buffer may move). */
static const char *evctx_lower(struct sigma_evctx *x, unsigned i, const char *s, size_t n)
{
    if (x->have[i / 64] & (1ull << (i % 64)))
        return x->lower.data + x->off[i];
    if (buf_reserve(&x->lower, n + 1) != MM_OK)
        return s;
    x->off[i] = (uint32_t)x->lower.len;
    char *d = x->lower.data + x->lower.len;
    for (size_t k = 0; k < n; k++)
        d[k] = lower(s[k]);
    x->lower.len += n;
    x->have[i / 64] |= 1ull << (i % 64);
    return d;
}

static const struct event_field *field_named(const struct event *ev, const char *name, unsigned from)
{
    size_t nl = strlen(name);
    for (unsigned i = from; i < ev->nfields; i++)
        if (ev->fields[i].name_len == nl && !memcmp(ev->fields[i].name, name, nl))
            return &ev->fields[i];
    return NULL;
}

static bool num_compare(const struct vmatch *m, double d)
{
    switch (m->op) {
    case N_LT: return d < m->num;
    case N_LTE: return d <= m->num;
    case N_GT: return d > m->num;
    case N_GTE: return d >= m->num;
    case N_EQ: return d == m->num;
    }
    return false;
}

static bool digits(const char *s, size_t n, size_t at, size_t count, int *out)
{
    if (at + count > n)
        return false;
    int v = 0;
    for (size_t i = at; i < at + count; i++) {
        if (!mm_is_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* A part of a date written "YYYY-MM-DD[T| ]hh:mm..." (ISO 8601, Windows UtcTime), taken as written:
 * the time modifiers do not convert zones (specification appendix). week: the ISO 8601 week. */
static bool date_part(const char *s, size_t n, int part, double *out)
{
    int y, mo, d, h = 0, mi = 0;
    while (n && mm_is_space(*s))
        s++, n--;
    if (!digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || !digits(s, n, 5, 2, &mo) || s[7] != '-' ||
        !digits(s, n, 8, 2, &d) || !mm_date_valid(y, mo, d))
        return false;
    bool has_time = n >= 16 && (s[10] == 'T' || s[10] == ' ') && digits(s, n, 11, 2, &h) && s[13] == ':' &&
                    digits(s, n, 14, 2, &mi) && h < 24 && mi < 60;
    switch (part) {
    case SM_YEAR: *out = y; return true;
    case SM_MONTH: *out = mo; return true;
    case SM_DAY: *out = d; return true;
    case SM_HOUR: *out = h; return has_time;
    case SM_MINUTE: *out = mi; return has_time;
    case SM_WEEK: {
        /* ISO week: the week (Monday first) with the year's first Thursday is week 1 */
        int64_t days = mm_days_from_civil(y, (unsigned)mo, (unsigned)d);
        int wday = (int)(((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday: Monday = 0 */
        int64_t thursday = days - wday + 3;
        int ty, tm, td, th, tmi, ts;
        mm_civil_from_seconds(thursday * 86400, &ty, &tm, &td, &th, &tmi, &ts);
        int64_t jan1 = mm_days_from_civil(ty, 1, 1);
        *out = (double)((thursday - jan1) / 7 + 1);
        return true;
    }
    }
    return false;
}

static bool value_matches(const struct sigma_compiled *c, const struct vmatch *m, const struct event *ev,
                          const char *s, const char *ls, size_t n)
{
    switch (m->kind) {
    case VK_GLOB: return vmatch_text(m, s, ls, n);
    case VK_RE: return pcre2_match(m->re, (PCRE2_SPTR)s, n, 0, 0, c->md, NULL) >= 0;
    case VK_CIDR: return net_cidr_contains(&m->cidr, s, n);
    case VK_NUM: {
        char tmp[64], *end;
        if (m->tpart) {
            double part;
            if (!date_part(s, n, m->tpart, &part))
                return false;
            return num_compare(m, part);
        }
        if (n == 0 || n >= sizeof tmp)
            return false;
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        double d = strtod(tmp, &end);
        if (*end)
            return false;
        return num_compare(m, d);
    }
    case VK_NULL: return n == 0;
    case VK_FIELDREF: {
        const struct event_field *o = field_named(ev, m->ref, 0);
        return o && o->len == n && (m->cased ? !memcmp(o->value, s, n) : !strncasecmp(o->value, s, n));
    }
    case VK_EXISTS: return true;
    }
    return false;
}

static bool group_matches(const struct sigma_compiled *c, const struct vgroup *g, const struct event *ev,
                          const char *s, const char *ls, size_t n)
{
    for (size_t a = 0; a < g->n; a++)
        if (value_matches(c, &g->alts[a], ev, s, ls, n))
            return true;
    return false;
}

/* one item against the event; *how receives the matching field value for explanations */
static bool item_matches(const struct sigma_compiled *c, const struct imatch *im, struct sigma_evctx *x,
                         struct slice *how)
{
    const struct event *ev = x->ev;
    const struct sigma_item *it = im->item;
    if (im->ngroups == 1 && im->groups[0].n == 1 && im->groups[0].alts[0].kind == VK_EXISTS) {
        bool present = it->field && field_named(ev, it->field, 0) != NULL;
        return present == im->groups[0].alts[0].exists;
    }
    if (!it->field) { /* keywords: the whole message */
        const char *s = ev->raw;
        size_t n = ev->raw_len;
        const char *ls = evctx_lower(x, EVENT_MAX_FIELDS, s, n);
        bool any = false, all = true;
        for (size_t g = 0; g < im->ngroups; g++) {
            bool m = group_matches(c, &im->groups[g], ev, s, ls, n);
            any |= m;
            all &= m;
        }
        bool r = im->all ? all : any;
        if (r)
            *how = (struct slice){ s, n };
        return im->neq ? !r : r;
    }
    bool found = false, result = false;
    for (unsigned from = 0;;) {
        const struct event_field *f = field_named(ev, it->field, from);
        if (!f)
            break;
        found = true;
        from = (unsigned)(f - ev->fields) + 1;
        const char *ls = evctx_lower(x, from - 1, f->value, f->len);
        bool any = false, all = true;
        for (size_t g = 0; g < im->ngroups; g++) {
            bool m = group_matches(c, &im->groups[g], ev, f->value, ls, f->len);
            any |= m;
            all &= m;
        }
        if (im->all ? all : any) {
            result = true;
            *how = (struct slice){ f->value, f->len };
            break;
        }
    }
    if (!found) {
        /* an absent field is null */
        for (size_t g = 0; g < im->ngroups && !result; g++)
            result = im->groups[g].n == 1 && im->groups[g].alts[0].kind == VK_NULL;
    }
    return im->neq ? !result : result;
}

static bool ident_matches(const struct sigma_compiled *c, const struct idmatch *id, struct sigma_evctx *ev,
                          struct buf *why)
{
    for (size_t m = 0; m < id->nmaps; m++) {
        bool ok = true;
        size_t mark = why ? why->len : 0;
        for (size_t k = 0; k < id->nitems[m] && ok; k++) {
            struct slice how = { NULL, 0 };
            ok = item_matches(c, &id->maps[m][k], ev, &how);
            if (ok && why) {
                const struct sigma_item *it = id->maps[m][k].item;
                buf_printf(why, "%s%s: %s%s", why->len ? "; " : "", id->id->name, it->field ? it->field : "keyword",
                           id->maps[m][k].neq ? "!=" : "=");
                size_t show = MM_MIN(how.len, (size_t)80);
                buf_append(why, how.p ? how.p : "", show);
                if (how.len > show)
                    buf_append_str(why, "...");
            }
        }
        if (ok)
            return true;
        if (why) {
            why->len = mark;
            why->data[mark] = '\0';
        }
    }
    return false;
}

static bool eval(const struct sigma_compiled *c, const struct cond_node *n, struct sigma_evctx *ev, struct buf *why)
{
    switch (n->op) {
    case C_AND: return eval(c, n->a, ev, why) && eval(c, n->b, ev, why);
    case C_OR: return eval(c, n->a, ev, why) || eval(c, n->b, ev, why);
    case C_NOT: {
        size_t mark = why ? why->len : 0;
        bool r = !eval(c, n->a, ev, why);
        if (why) { /* what a negated part matched is not why the rule fired */
            why->len = mark;
            why->data[mark] = '\0';
        }
        return r;
    }
    case C_ID:
        for (size_t i = 0; i < c->nids; i++)
            if (!strcmp(c->ids[i].id->name, n->name))
                return ident_matches(c, &c->ids[i], ev, why);
        return false;
    case C_ONE_OF:
    case C_ALL_OF: {
        bool all = n->op == C_ALL_OF;
        for (size_t i = 0; i < c->nids; i++) {
            const char *name = c->ids[i].id->name;
            if (n->name ? fnmatch(n->name, name, 0) != 0 : name[0] == '_')
                continue;
            bool m = ident_matches(c, &c->ids[i], ev, why);
            if (all && !m)
                return false;
            if (!all && m)
                return true;
        }
        return all; /* all of: none failed (the pattern matches at least one: checked at load) */
    }
    }
    return false;
}

bool sigma_match_ctx(const struct sigma_compiled *c, struct sigma_evctx *x, struct buf *why)
{
    if (why)
        buf_reset(why);
    for (size_t i = 0; i < c->rule->nconds; i++)
        if (eval(c, c->rule->conds[i], x, why))
            return true;
    return false;
}

bool sigma_match(const struct sigma_compiled *c, const struct event *ev, struct buf *why)
{
    struct sigma_evctx x;
    sigma_evctx_init(&x);
    sigma_evctx_reset(&x, ev);
    bool r = sigma_match_ctx(c, &x, why);
    sigma_evctx_release(&x);
    return r;
}

/* ---- placeholders ---- */

void sigma_placeholders_free(struct sigma_placeholders *ph)
{
    for (size_t i = 0; i < ph->n; i++) {
        for (size_t k = 0; k < ph->v[i].nvals; k++)
            mm_free(ph->v[i].vals[k]);
        mm_free(ph->v[i].vals);
        mm_free(ph->v[i].name);
    }
    mm_free(ph->v);
    memset(ph, 0, sizeof *ph);
}

enum mm_status sigma_placeholders_load(const char *path, struct sigma_placeholders *ph, struct mm_error *err)
{
    memset(ph, 0, sizeof *ph);
    struct ynode **docs;
    size_t nd;
    if (ytree_load_file(path, &docs, &nd, err) != MM_OK)
        return MM_ERR_INVALID;
    enum mm_status st = MM_OK;
    const struct ynode *m = nd == 1 ? docs[0] : NULL;
    if (!m || m->type != Y_MAP) {
        st = mm_error_set(err, MM_ERR_INVALID, "%s: placeholders must be one mapping of names to values", path);
    } else {
        ph->v = mm_calloc(m->n / 2 + 1, sizeof *ph->v);
        for (size_t i = 0; i + 1 < m->n && st == MM_OK; i += 2) {
            const struct ynode *k = m->items[i], *v = m->items[i + 1];
            if (k->type != Y_SCALAR || v->type == Y_MAP) {
                st = mm_error_set(err, MM_ERR_INVALID, "%s: line %d: a name and a value or a list of values",
                                  path, k->line);
                break;
            }
            struct sigma_placeholder *p = &ph->v[ph->n++];
            p->name = mm_strdup(k->s);
            size_t n = v->type == Y_SEQ ? v->n : 1;
            p->vals = mm_calloc(n ? n : 1, sizeof *p->vals);
            for (size_t j = 0; j < n; j++) {
                const struct ynode *x = v->type == Y_SEQ ? v->items[j] : v;
                if (x->type != Y_SCALAR) {
                    st = mm_error_set(err, MM_ERR_INVALID, "%s: line %d: values must be scalars", path, x->line);
                    break;
                }
                p->vals[p->nvals++] = mm_strdup(x->s);
            }
        }
    }
    ytree_free_docs(docs, nd);
    if (st != MM_OK)
        sigma_placeholders_free(ph);
    return st;
}

/* ---- required literals (for the prefilter) ---- */

static void lit_move_append(struct blist *dst, struct blist *src)
{
    for (size_t i = 0; i < src->n; i++) {
        dst->v = mm_reallocarray(dst->v, dst->n + 1, sizeof *dst->v);
        dst->v[dst->n++] = src->v[i];
    }
    mm_free(src->v);
    src->v = NULL;
    src->n = 0;
}

/* the shortest literal: a set is as selective as its weakest member */
#define REGEX_QUALITY 3 /* an expression's selectivity is unknown: rank it below most literals */
static size_t lit_quality(const struct blist *s)
{
    size_t q = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++)
        q = MM_MIN(q, s->v[i].regex ? REGEX_QUALITY : s->v[i].n);
    return q;
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* The longest run of plain bytes in a glob's tokens: any text the glob matches contains it. */
static bool glob_fragment(const struct vmatch *m, const char **p, size_t *n)
{
    size_t best = 0, best_at = 0, run = 0;
    for (size_t i = 0; i < m->patlen; i++) {
        if (m->pat[i] == TOK_ESC) { /* a wildcard or an escaped NUL: ends the run */
            run = 0;
            i++;
            continue;
        }
        if (++run > best) {
            best = run;
            best_at = i + 1 - run;
        }
    }
    *p = m->pat + best_at;
    *n = best;
    return best > 0;
}

/* A group's alternatives: each must carry a literal (a plain shape's, or a glob's longest plain
 * run), else unconstrained. */
static bool group_lits(const struct vgroup *g, struct blist *out)
{
    for (size_t a = 0; a < g->n; a++) {
        const struct vmatch *m = &g->alts[a];
        const char *p;
        size_t n;
        if (m->kind == VK_GLOB && m->shape == G_GLOB && glob_fragment(m, &p, &n)) {
            bl_add(out, p, n);
            continue;
        }
        if (m->kind == VK_RE && ascii(m->shown)) {
            bl_add(out, m->shown, strlen(m->shown));
            struct sigma_literal *l = &out->v[out->n - 1];
            l->regex = true;
            l->re_i = m->re_i;
            l->re_m = m->re_m;
            l->re_s = m->re_s;
            continue;
        }
        if (m->kind != VK_GLOB || m->shape == G_GLOB || m->litlen == 0) {
            bl_free(out);
            return false;
        }
        bl_add(out, m->lit, m->litlen);
    }
    return true;
}

/* What a rule needs in the text, as a conjunction of literal sets: each set must have a member in
 * the text for the rule to possibly match. n == 0: nothing is known (unconstrained). At most
 * CNF_MAX_SETS sets are kept, the most selective: dropping a set only loosens the test. */
#define CNF_MAX_SETS 8
struct cnf {
    struct blist sets[CNF_MAX_SETS];
    size_t n;
};

static void cnf_free(struct cnf *c)
{
    for (size_t i = 0; i < c->n; i++)
        bl_free(&c->sets[i]);
    c->n = 0;
}

static int cmp_quality(const void *a, const void *b)
{
    size_t qa = lit_quality(a), qb = lit_quality(b);
    return qa < qb ? 1 : qa > qb ? -1 : 0;
}

/* Add a set (moved), keeping the CNF_MAX_SETS best. */
static void cnf_add(struct cnf *c, struct blist *s)
{
    if (c->n == CNF_MAX_SETS) {
        qsort(c->sets, c->n, sizeof c->sets[0], cmp_quality);
        if (lit_quality(s) <= lit_quality(&c->sets[c->n - 1])) {
            bl_free(s);
            return;
        }
        bl_free(&c->sets[--c->n]);
    }
    c->sets[c->n++] = *s;
    *s = (struct blist){ 0 };
}

/* a and b, into a (b is emptied) */
static void cnf_and(struct cnf *a, struct cnf *b)
{
    for (size_t i = 0; i < b->n; i++)
        cnf_add(a, &b->sets[i]);
    b->n = 0;
}

static void bl_copy_append(struct blist *dst, const struct blist *src)
{
    for (size_t i = 0; i < src->n; i++) {
        bl_add(dst, src->v[i].s, src->v[i].n);
        char *copy = dst->v[dst->n - 1].s;
        dst->v[dst->n - 1] = src->v[i];
        dst->v[dst->n - 1].s = copy;
    }
}

/* a or b, into a (b is emptied). (A1 and A2) or (B1 and B2) = and of every (Ai or Bj) when there
 * are few; else the best set of each side, united. */
static void cnf_or(struct cnf *a, struct cnf *b)
{
    if (!a->n || !b->n) { /* one side unconstrained: so is the whole */
        cnf_free(a);
        cnf_free(b);
        return;
    }
    struct cnf r = { .n = 0 };
    if (a->n * b->n <= CNF_MAX_SETS) {
        for (size_t i = 0; i < a->n; i++)
            for (size_t j = 0; j < b->n; j++) {
                struct blist u = { 0 };
                bl_copy_append(&u, &a->sets[i]);
                bl_copy_append(&u, &b->sets[j]);
                cnf_add(&r, &u);
            }
    } else {
        qsort(a->sets, a->n, sizeof a->sets[0], cmp_quality);
        qsort(b->sets, b->n, sizeof b->sets[0], cmp_quality);
        struct blist u = { 0 };
        lit_move_append(&u, &a->sets[0]);
        lit_move_append(&u, &b->sets[0]);
        cnf_add(&r, &u);
    }
    cnf_free(a);
    cnf_free(b);
    *a = r;
}

/* keywords are looked for in the raw message, field values in the fields */
static void mark_source(const struct imatch *im, struct blist *s)
{
    for (size_t i = 0; i < s->n; i++) {
        s->v[i].raw = im->item->field == NULL;
        s->v[i].field = im->item->field;
    }
}

static void item_cnf(const struct imatch *im, struct cnf *out)
{
    out->n = 0;
    if (im->neq || im->ngroups == 0)
        return;
    if (im->all) { /* every group must match: each group with literals is a set */
        for (size_t g = 0; g < im->ngroups; g++) {
            struct blist s = { 0 };
            if (group_lits(&im->groups[g], &s)) {
                mark_source(im, &s);
                cnf_add(out, &s);
            }
        }
        return;
    }
    struct blist s = { 0 }; /* any group: the union, if every group has literals */
    for (size_t g = 0; g < im->ngroups; g++)
        if (!group_lits(&im->groups[g], &s))
            return;
    mark_source(im, &s);
    cnf_add(out, &s);
}

static void ident_cnf(const struct idmatch *id, struct cnf *out)
{
    out->n = 0;
    for (size_t m = 0; m < id->nmaps; m++) {
        struct cnf map = { .n = 0 };
        for (size_t k = 0; k < id->nitems[m]; k++) { /* a mapping: every item */
            struct cnf it;
            item_cnf(&id->maps[m][k], &it);
            cnf_and(&map, &it);
        }
        if (m == 0)
            *out = map;
        else
            cnf_or(out, &map);
        if (!out->n)
            return;
    }
}

static void cond_cnf(const struct sigma_compiled *c, const struct cond_node *n, struct cnf *out)
{
    out->n = 0;
    switch (n->op) {
    case C_NOT: return;
    case C_OR:
    case C_AND: {
        struct cnf b;
        cond_cnf(c, n->a, out);
        cond_cnf(c, n->b, &b);
        if (n->op == C_AND)
            cnf_and(out, &b);
        else
            cnf_or(out, &b);
        return;
    }
    case C_ID:
        for (size_t i = 0; i < c->nids; i++)
            if (!strcmp(c->ids[i].id->name, n->name)) {
                ident_cnf(&c->ids[i], out);
                return;
            }
        return;
    case C_ONE_OF:
    case C_ALL_OF: {
        bool all = n->op == C_ALL_OF, first = true;
        for (size_t i = 0; i < c->nids; i++) {
            const char *name = c->ids[i].id->name;
            if (n->name ? fnmatch(n->name, name, 0) != 0 : name[0] == '_')
                continue;
            struct cnf s;
            ident_cnf(&c->ids[i], &s);
            if (all) {
                cnf_and(out, &s);
            } else if (first) {
                *out = s;
            } else {
                cnf_or(out, &s);
                if (!out->n)
                    return;
            }
            first = false;
        }
        return;
    }
    }
}

/* The rule's conditions (any of them): or of each. */
static void rule_cnf(const struct sigma_compiled *c, struct cnf *out)
{
    out->n = 0;
    for (size_t i = 0; i < c->rule->nconds; i++) {
        struct cnf s;
        cond_cnf(c, c->rule->conds[i], &s);
        if (i == 0) {
            *out = s;
        } else {
            cnf_or(out, &s);
        }
        if (!out->n)
            return;
    }
    qsort(out->sets, out->n, sizeof out->sets[0], cmp_quality);
}

size_t sigma_required_literal_sets(const struct sigma_compiled *c, struct sigma_literal_set **sets)
{
    struct cnf r;
    rule_cnf(c, &r);
    *sets = NULL;
    if (!r.n)
        return 0;
    *sets = mm_calloc(r.n, sizeof **sets);
    for (size_t i = 0; i < r.n; i++) {
        (*sets)[i].v = r.sets[i].v;
        (*sets)[i].n = r.sets[i].n;
    }
    return r.n;
}

void sigma_literal_sets_free(struct sigma_literal_set *sets, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sigma_literals_free(sets[i].v, sets[i].n);
    mm_free(sets);
}

bool sigma_required_literals(const struct sigma_compiled *c, struct sigma_literal **lits, size_t *n)
{
    struct cnf r;
    rule_cnf(c, &r); /* the most selective set alone */
    if (!r.n)
        return false;
    *lits = r.sets[0].v;
    *n = r.sets[0].n;
    r.sets[0] = (struct blist){ 0 };
    cnf_free(&r);
    return true;
}

void sigma_literals_free(struct sigma_literal *lits, size_t n)
{
    struct blist s = { lits, n };
    bl_free(&s);
}
