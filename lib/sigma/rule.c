/* SPDX-License-Identifier: Apache-2.0 */
/* rule.c: Sigma rule documents into struct sigma_rule: metadata, detection items with checked
 * modifiers and values, and the condition parsed (precedence: or < and < not < x of < brackets). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "net/addr.h"
#include "rule.h"

#include <fnmatch.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static const char *const mod_names[] = {
    [SM_CONTAINS] = "contains", [SM_STARTSWITH] = "startswith", [SM_ENDSWITH] = "endswith",
    [SM_ALL] = "all", [SM_EXISTS] = "exists", [SM_CASED] = "cased", [SM_NEQ] = "neq",
    [SM_WINDASH] = "windash", [SM_RE] = "re", [SM_RE_I] = "i", [SM_RE_M] = "m", [SM_RE_S] = "s",
    [SM_BASE64] = "base64", [SM_BASE64OFFSET] = "base64offset", [SM_UTF16LE] = "utf16le",
    [SM_UTF16BE] = "utf16be", [SM_UTF16] = "utf16", [SM_WIDE] = "wide", [SM_LT] = "lt",
    [SM_LTE] = "lte", [SM_GT] = "gt", [SM_GTE] = "gte", [SM_MINUTE] = "minute", [SM_HOUR] = "hour",
    [SM_DAY] = "day", [SM_WEEK] = "week", [SM_MONTH] = "month", [SM_YEAR] = "year",
    [SM_CIDR] = "cidr", [SM_EXPAND] = "expand", [SM_FIELDREF] = "fieldref",
};

const char *sigma_mod_name(int mod)
{
    return mod > 0 && mod < (int)MM_ARRAY_LEN(mod_names) && mod_names[mod] ? mod_names[mod] : "?";
}

static int mod_find(const char *s, size_t n)
{
    for (size_t i = 1; i < MM_ARRAY_LEN(mod_names); i++)
        if (mod_names[i] && strlen(mod_names[i]) == n && !memcmp(mod_names[i], s, n))
            return (int)i;
    return 0;
}

/* ---- the condition language ---- */

enum tok { T_END, T_LP, T_RP, T_AND, T_OR, T_NOT, T_OF, T_THEM, T_ALL, T_NUM, T_ID, T_PIPE, T_BAD };

struct lexer {
    const char *p;
    enum tok t;
    const char *s; /* token text */
    size_t n;
};

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '*' || c == '-' || c == '.';
}

static void next(struct lexer *lx)
{
    while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')
        lx->p++;
    lx->s = lx->p;
    lx->n = 0;
    char c = *lx->p;
    if (!c) {
        lx->t = T_END;
        return;
    }
    if (c == '(' || c == ')' || c == '|') {
        lx->t = c == '(' ? T_LP : c == ')' ? T_RP : T_PIPE;
        lx->p++;
        lx->n = 1;
        return;
    }
    if (!id_char(c)) {
        lx->t = T_BAD;
        lx->n = 1;
        return;
    }
    while (id_char(*lx->p))
        lx->p++;
    lx->n = (size_t)(lx->p - lx->s);
    struct {
        const char *w;
        enum tok t;
    } kw[] = { { "and", T_AND }, { "or", T_OR }, { "not", T_NOT }, { "of", T_OF }, { "them", T_THEM },
               { "all", T_ALL } };
    for (size_t i = 0; i < MM_ARRAY_LEN(kw); i++)
        if (strlen(kw[i].w) == lx->n && !memcmp(kw[i].w, lx->s, lx->n)) {
            lx->t = kw[i].t;
            return;
        }
    bool digits = true;
    for (size_t i = 0; i < lx->n; i++)
        digits = digits && lx->s[i] >= '0' && lx->s[i] <= '9';
    lx->t = digits ? T_NUM : T_ID;
}

static struct cond_node *node(enum cond_op op, struct cond_node *a, struct cond_node *b, char *name)
{
    struct cond_node *n = mm_calloc(1, sizeof *n);
    n->op = op;
    n->a = a;
    n->b = b;
    n->name = name;
    return n;
}

void sigma_cond_free(struct cond_node *n)
{
    if (!n)
        return;
    sigma_cond_free(n->a);
    sigma_cond_free(n->b);
    mm_free(n->name);
    mm_free(n);
}

static struct cond_node *parse_or(struct lexer *lx, struct mm_error *err, int depth);

static struct cond_node *parse_primary(struct lexer *lx, struct mm_error *err, int depth)
{
    if (depth > 64) {
        mm_error_set(err, MM_ERR_TOO_LARGE, "condition nested too deeply");
        return NULL;
    }
    if (lx->t == T_LP) {
        next(lx);
        struct cond_node *e = parse_or(lx, err, depth + 1);
        if (!e)
            return NULL;
        if (lx->t != T_RP) {
            sigma_cond_free(e);
            mm_error_set(err, MM_ERR_PARSE, "condition: ')' expected at '%.20s'", lx->s);
            return NULL;
        }
        next(lx);
        return e;
    }
    if (lx->t == T_NUM || lx->t == T_ALL) {
        bool all = lx->t == T_ALL;
        if (!all && !(lx->n == 1 && lx->s[0] == '1')) {
            mm_error_set(err, MM_ERR_PARSE, "condition: '%.*s of' is not in the specification (1 of, all of)",
                         (int)lx->n, lx->s);
            return NULL;
        }
        next(lx);
        if (lx->t != T_OF) {
            mm_error_set(err, MM_ERR_PARSE, "condition: 'of' expected after '%s'", all ? "all" : "1");
            return NULL;
        }
        next(lx);
        char *name = NULL;
        if (lx->t == T_ID) {
            name = mm_strndup(lx->s, lx->n);
        } else if (lx->t != T_THEM) {
            mm_error_set(err, MM_ERR_PARSE, "condition: an identifier pattern or 'them' expected after 'of'");
            return NULL;
        }
        next(lx);
        return node(all ? C_ALL_OF : C_ONE_OF, NULL, NULL, name);
    }
    if (lx->t == T_ID) {
        if (memchr(lx->s, '*', lx->n)) {
            mm_error_set(err, MM_ERR_PARSE, "condition: wildcard '%.*s' outside '1 of'/'all of'", (int)lx->n, lx->s);
            return NULL;
        }
        struct cond_node *n = node(C_ID, NULL, NULL, mm_strndup(lx->s, lx->n));
        next(lx);
        return n;
    }
    if (lx->t == T_PIPE)
        mm_error_set(err, MM_ERR_PARSE, "condition: aggregation expressions ('| count() ...') are deprecated: "
                     "use a correlation rule");
    else if (lx->t == T_END)
        mm_error_set(err, MM_ERR_PARSE, "condition: ends too early");
    else
        mm_error_set(err, MM_ERR_PARSE, "condition: unexpected '%.*s'", (int)(lx->n ? lx->n : 1), lx->s);
    return NULL;
}

static struct cond_node *parse_not(struct lexer *lx, struct mm_error *err, int depth)
{
    if (lx->t == T_NOT) {
        next(lx);
        if (depth > 64) {
            mm_error_set(err, MM_ERR_TOO_LARGE, "condition nested too deeply");
            return NULL;
        }
        struct cond_node *a = parse_not(lx, err, depth + 1);
        return a ? node(C_NOT, a, NULL, NULL) : NULL;
    }
    return parse_primary(lx, err, depth);
}

static struct cond_node *parse_and(struct lexer *lx, struct mm_error *err, int depth)
{
    struct cond_node *l = parse_not(lx, err, depth);
    while (l && lx->t == T_AND) {
        next(lx);
        struct cond_node *r = parse_not(lx, err, depth);
        if (!r) {
            sigma_cond_free(l);
            return NULL;
        }
        l = node(C_AND, l, r, NULL);
    }
    return l;
}

static struct cond_node *parse_or(struct lexer *lx, struct mm_error *err, int depth)
{
    struct cond_node *l = parse_and(lx, err, depth);
    while (l && lx->t == T_OR) {
        next(lx);
        struct cond_node *r = parse_and(lx, err, depth);
        if (!r) {
            sigma_cond_free(l);
            return NULL;
        }
        l = node(C_OR, l, r, NULL);
    }
    return l;
}

struct cond_node *sigma_cond_parse(const char *text, struct mm_error *err)
{
    struct lexer lx = { .p = text };
    next(&lx);
    struct cond_node *n = parse_or(&lx, err, 0);
    if (n && lx.t != T_END) {
        if (lx.t == T_PIPE)
            mm_error_set(err, MM_ERR_PARSE, "condition: aggregation expressions ('| count() ...') are "
                         "deprecated: use a correlation rule");
        else
            mm_error_set(err, MM_ERR_PARSE, "condition: unexpected '%.*s'", (int)(lx.n ? lx.n : 1), lx.s);
        sigma_cond_free(n);
        return NULL;
    }
    return n;
}

static size_t fmt(const struct cond_node *n, char *out, size_t len, size_t at)
{
#define PUT(...) (at += (size_t)snprintf(out + MM_MIN(at, len), len > at ? len - at : 0, __VA_ARGS__))
    switch (n->op) {
    case C_AND:
    case C_OR:
        PUT("(");
        at = fmt(n->a, out, len, at);
        PUT(n->op == C_AND ? " and " : " or ");
        at = fmt(n->b, out, len, at);
        PUT(")");
        break;
    case C_NOT:
        PUT("not ");
        at = fmt(n->a, out, len, at);
        break;
    case C_ID: PUT("%s", n->name); break;
    case C_ONE_OF: PUT("1 of %s", n->name ? n->name : "them"); break;
    case C_ALL_OF: PUT("all of %s", n->name ? n->name : "them"); break;
    }
    return at;
#undef PUT
}

void sigma_cond_format(const struct cond_node *n, char *out, size_t outlen)
{
    if (outlen)
        out[0] = '\0';
    fmt(n, out, outlen, 0);
}

/* ---- rules ---- */

static char *dup_or_null(const char *s)
{
    return s ? mm_strdup(s) : NULL;
}

void sigma_rule_free(struct sigma_rule *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nidents; i++) {
        struct sigma_ident *id = &r->idents[i];
        for (size_t m = 0; m < id->nmaps; m++) {
            for (size_t k = 0; k < id->maps[m].n; k++) {
                struct sigma_item *it = &id->maps[m].items[k];
                for (size_t v = 0; v < it->nvals; v++)
                    mm_free(it->vals[v].s);
                mm_free(it->vals);
                mm_free(it->field);
            }
            mm_free(id->maps[m].items);
        }
        mm_free(id->maps);
        mm_free(id->name);
    }
    mm_free(r->idents);
    for (size_t i = 0; i < r->nconds; i++)
        sigma_cond_free(r->conds[i]);
    mm_free(r->conds);
    for (size_t i = 0; i < r->ntags; i++)
        mm_free(r->tags[i]);
    mm_free(r->tags);
    for (size_t i = 0; i < r->nfalsepositives; i++)
        mm_free(r->falsepositives[i]);
    mm_free(r->falsepositives);
    char **strs[] = { &r->path, &r->title, &r->id, &r->name, &r->status, &r->level, &r->description, &r->author,
                      &r->date, &r->modified, &r->logsource.product, &r->logsource.category,
                      &r->logsource.service };
    for (size_t i = 0; i < MM_ARRAY_LEN(strs); i++)
        mm_free(*strs[i]);
    mm_free(r);
}

enum sigma_doc_kind sigma_doc_kind(const struct ynode *doc)
{
    if (!doc || doc->type != Y_MAP)
        return SIGMA_DOC_OTHER;
    if (ytree_get(doc, "correlation"))
        return SIGMA_DOC_CORRELATION;
    if (ytree_get(doc, "filter"))
        return SIGMA_DOC_FILTER;
    if (ytree_get(doc, "detection"))
        return SIGMA_DOC_RULE;
    return SIGMA_DOC_OTHER;
}

static bool parse_number(const char *s, double *out)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end || errno)
        return false;
    *out = d;
    return true;
}

static bool has_mod(const struct sigma_item *it, int m)
{
    for (size_t i = 0; i < it->nmods; i++)
        if (it->mods[i] == m)
            return true;
    return false;
}

/* Check what the item's modifiers require of its values. */
static enum mm_status check_item(struct sigma_rule *r, struct sigma_item *it, struct mm_error *err)
{
    bool numeric = false, re = false, exists = false, time = false;
    for (size_t i = 0; i < it->nmods; i++) {
        int m = it->mods[i];
        numeric |= m == SM_LT || m == SM_LTE || m == SM_GT || m == SM_GTE;
        re |= m == SM_RE;
        exists |= m == SM_EXISTS;
        time |= m >= SM_MINUTE && m <= SM_YEAR;
        if ((m == SM_RE_I || m == SM_RE_M || m == SM_RE_S) && !has_mod(it, SM_RE))
            return mm_error_set(err, MM_ERR_INVALID, "line %d: modifier '%s' only follows 're'", it->line,
                                sigma_mod_name(m));
    }
    if (exists && (it->nvals != 1 || it->vals[0].type != SV_BOOL))
        return mm_error_set(err, MM_ERR_INVALID, "line %d: 'exists' takes one boolean value", it->line);
    for (size_t v = 0; v < it->nvals; v++) {
        struct sigma_value *val = &it->vals[v];
        if ((numeric || time) && val->type != SV_NUM && !(val->type == SV_STR && parse_number(val->s, &val->num)))
            return mm_error_set(err, MM_ERR_INVALID, "line %d: a numeric modifier on the value '%s'", it->line,
                                val->s);
        struct net_cidr cidr;
        if (has_mod(it, SM_CIDR) && !net_cidr_parse(val->s, &cidr))
            return mm_error_set(err, MM_ERR_INVALID, "line %d: '%s' is not a CIDR network", it->line, val->s);
        if (has_mod(it, SM_EXPAND) && strchr(val->s, '%'))
            r->placeholders++;
        if (re) {
            uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (has_mod(it, SM_RE_I) ? PCRE2_CASELESS : 0) |
                            (has_mod(it, SM_RE_M) ? PCRE2_MULTILINE : 0) | (has_mod(it, SM_RE_S) ? PCRE2_DOTALL : 0);
            int ec;
            PCRE2_SIZE eo;
            pcre2_code *code = pcre2_compile((PCRE2_SPTR)val->s, val->len, opts, &ec, &eo, NULL);
            if (!code) {
                PCRE2_UCHAR msg[200];
                pcre2_get_error_message(ec, msg, sizeof msg);
                return mm_error_set(err, MM_ERR_INVALID, "line %d: regular expression '%s': %s at offset %zu",
                                    it->line, val->s, (const char *)msg, (size_t)eo);
            }
            pcre2_code_free(code);
        }
    }
    return MM_OK;
}

static void value_from(const struct ynode *n, struct sigma_value *v)
{
    memset(v, 0, sizeof *v);
    if (ytree_is_null(n)) {
        v->type = SV_NULL;
        v->s = mm_strdup("");
        return;
    }
    v->s = mm_strndup(n->s, n->len);
    v->len = n->len;
    v->type = SV_STR;
    if (n->plain) {
        if (!strcmp(n->s, "true") || !strcmp(n->s, "false") || !strcmp(n->s, "True") || !strcmp(n->s, "False")) {
            v->type = SV_BOOL;
            v->b = n->s[0] == 't' || n->s[0] == 'T';
        } else if (parse_number(n->s, &v->num)) {
            v->type = SV_NUM;
        }
    }
}

/* "Field|mod|mod" and its value(s) into an item */
static enum mm_status compile_item(struct sigma_rule *r, const struct ynode *key, const struct ynode *val,
                                   struct sigma_item *it, struct mm_error *err)
{
    memset(it, 0, sizeof *it);
    it->line = key ? key->line : val->line;
    if (key) {
        const char *k = key->s;
        const char *bar = strchr(k, '|');
        size_t fl = bar ? (size_t)(bar - k) : strlen(k);
        it->field = fl ? mm_strndup(k, fl) : NULL;
        while (bar) {
            const char *m = bar + 1;
            bar = strchr(m, '|');
            size_t ml = bar ? (size_t)(bar - m) : strlen(m);
            int mod = mod_find(m, ml);
            if (!mod)
                return mm_error_set(err, MM_ERR_INVALID, "line %d: unknown modifier '%.*s'", it->line, (int)ml, m);
            if (it->nmods == SIGMA_MAX_MODS)
                return mm_error_set(err, MM_ERR_INVALID, "line %d: more than %d modifiers", it->line, SIGMA_MAX_MODS);
            it->mods[it->nmods++] = (uint8_t)mod;
        }
    }
    if (val->type == Y_MAP)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: a value cannot be a mapping", val->line);
    if (val->type == Y_SEQ) {
        if (val->n == 0)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: an empty list of values", val->line);
        it->vals = mm_calloc(val->n, sizeof *it->vals);
        for (size_t i = 0; i < val->n; i++) {
            if (val->items[i]->type != Y_SCALAR)
                return mm_error_set(err, MM_ERR_INVALID, "line %d: values must be scalars", val->items[i]->line);
            value_from(val->items[i], &it->vals[it->nvals++]);
        }
    } else {
        it->vals = mm_calloc(1, sizeof *it->vals);
        value_from(val, &it->vals[it->nvals++]);
    }
    return check_item(r, it, err);
}

static enum mm_status compile_map(struct sigma_rule *r, const struct ynode *map, struct sigma_map *out,
                                  struct mm_error *err)
{
    out->items = mm_calloc(map->n / 2 + 1, sizeof *out->items);
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct ynode *k = map->items[i];
        if (k->type != Y_SCALAR)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: a field name must be a scalar", k->line);
        if (compile_item(r, k, map->items[i + 1], &out->items[out->n++], err) != MM_OK)
            return MM_ERR_INVALID;
    }
    return MM_OK;
}

static enum mm_status compile_ident(struct sigma_rule *r, const struct ynode *key, const struct ynode *val,
                                    struct mm_error *err)
{
    struct sigma_ident *id = &r->idents[r->nidents++];
    id->name = mm_strdup(key->s);
    id->line = key->line;
    if (val->type == Y_MAP) { /* one mapping */
        id->maps = mm_calloc(1, sizeof *id->maps);
        id->nmaps = 1;
        return compile_map(r, val, &id->maps[0], err);
    }
    if (val->type == Y_SEQ) {
        bool all_scalars = true;
        for (size_t i = 0; i < val->n; i++)
            all_scalars = all_scalars && val->items[i]->type == Y_SCALAR;
        if (all_scalars) { /* keywords: one item, no field */
            id->maps = mm_calloc(1, sizeof *id->maps);
            id->nmaps = 1;
            id->maps[0].items = mm_calloc(1, sizeof *id->maps[0].items);
            id->maps[0].n = 1;
            return compile_item(r, NULL, val, &id->maps[0].items[0], err);
        }
        id->maps = mm_calloc(val->n, sizeof *id->maps);
        for (size_t i = 0; i < val->n; i++) {
            const struct ynode *m = val->items[i];
            if (m->type == Y_MAP) {
                if (compile_map(r, m, &id->maps[id->nmaps++], err) != MM_OK)
                    return MM_ERR_INVALID;
            } else if (m->type == Y_SCALAR) {
                /* a keyword among mappings: a mapping of one keyword item */
                struct sigma_map *mp = &id->maps[id->nmaps++];
                mp->items = mm_calloc(1, sizeof *mp->items);
                mp->n = 1;
                if (compile_item(r, NULL, m, &mp->items[0], err) != MM_OK)
                    return MM_ERR_INVALID;
            } else {
                return mm_error_set(err, MM_ERR_INVALID, "line %d: nested lists in '%s'", m->line, id->name);
            }
        }
        return MM_OK;
    }
    return mm_error_set(err, MM_ERR_INVALID, "line %d: search identifier '%s' must be a mapping or a list",
                        key->line, key->s);
}

static size_t count_matching(const struct sigma_rule *r, const char *pattern)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nidents; i++) {
        if (!pattern ? r->idents[i].name[0] != '_' : fnmatch(pattern, r->idents[i].name, 0) == 0)
            n++;
    }
    return n;
}

static enum mm_status check_cond(const struct sigma_rule *r, const struct cond_node *n, struct mm_error *err)
{
    switch (n->op) {
    case C_AND:
    case C_OR:
        if (check_cond(r, n->a, err) != MM_OK)
            return MM_ERR_INVALID;
        return check_cond(r, n->b, err);
    case C_NOT: return check_cond(r, n->a, err);
    case C_ID:
        for (size_t i = 0; i < r->nidents; i++)
            if (!strcmp(r->idents[i].name, n->name))
                return MM_OK;
        return mm_error_set(err, MM_ERR_INVALID, "condition names '%s', which the detection does not define", n->name);
    case C_ONE_OF:
    case C_ALL_OF:
        if (!count_matching(r, n->name))
            return mm_error_set(err, MM_ERR_INVALID, "condition: no search identifier matches '%s'",
                                n->name ? n->name : "them");
        return MM_OK;
    }
    return MM_OK;
}

static char **str_list(const struct ynode *n, size_t *count)
{
    *count = 0;
    if (!n)
        return NULL;
    if (n->type == Y_SCALAR) {
        char **l = mm_malloc(sizeof *l);
        l[0] = mm_strdup(n->s);
        *count = 1;
        return l;
    }
    if (n->type != Y_SEQ)
        return NULL;
    char **l = mm_calloc(n->n + 1, sizeof *l);
    for (size_t i = 0; i < n->n; i++)
        if (n->items[i]->type == Y_SCALAR)
            l[(*count)++] = mm_strdup(n->items[i]->s);
    return l;
}

struct sigma_rule *sigma_rule_compile(const struct ynode *doc, const char *path, struct mm_error *err)
{
    if (!doc || doc->type != Y_MAP) {
        mm_error_set(err, MM_ERR_INVALID, "not a Sigma rule: the document is not a mapping");
        return NULL;
    }
    struct sigma_rule *r = mm_calloc(1, sizeof *r);
    r->path = dup_or_null(path);
    r->title = dup_or_null(ytree_get_str(doc, "title"));
    r->id = dup_or_null(ytree_get_str(doc, "id"));
    r->name = dup_or_null(ytree_get_str(doc, "name"));
    r->status = dup_or_null(ytree_get_str(doc, "status"));
    r->level = dup_or_null(ytree_get_str(doc, "level"));
    r->description = dup_or_null(ytree_get_str(doc, "description"));
    r->author = dup_or_null(ytree_get_str(doc, "author"));
    r->date = dup_or_null(ytree_get_str(doc, "date"));
    r->modified = dup_or_null(ytree_get_str(doc, "modified"));
    r->tags = str_list(ytree_get(doc, "tags"), &r->ntags);
    r->falsepositives = str_list(ytree_get(doc, "falsepositives"), &r->nfalsepositives);
    const struct ynode *ls = ytree_get(doc, "logsource");
    r->logsource.product = dup_or_null(ytree_get_str(ls, "product"));
    r->logsource.category = dup_or_null(ytree_get_str(ls, "category"));
    r->logsource.service = dup_or_null(ytree_get_str(ls, "service"));
    const struct ynode *det = ytree_get(doc, "detection");
    if (!r->title) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: no title", doc->line);
        goto fail;
    }
    if (!ls || ls->type != Y_MAP) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: no logsource", doc->line);
        goto fail;
    }
    if (!det || det->type != Y_MAP) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: no detection mapping", doc->line);
        goto fail;
    }
    r->idents = mm_calloc(det->n / 2 + 1, sizeof *r->idents);
    const struct ynode *cond = NULL;
    for (size_t i = 0; i + 1 < det->n; i += 2) {
        const struct ynode *k = det->items[i], *v = det->items[i + 1];
        if (k->type != Y_SCALAR) {
            mm_error_set(err, MM_ERR_INVALID, "line %d: a search identifier must be a name", k->line);
            goto fail;
        }
        if (!strcmp(k->s, "condition")) {
            cond = v;
            continue;
        }
        if (!strcmp(k->s, "timeframe")) {
            mm_error_set(err, MM_ERR_INVALID, "line %d: 'timeframe' in detection is deprecated: use a "
                         "correlation rule", k->line);
            goto fail;
        }
        if (compile_ident(r, k, v, err) != MM_OK)
            goto fail;
    }
    if (!cond) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: the detection has no condition", det->line);
        goto fail;
    }
    const struct ynode *one = cond;
    size_t nc = cond->type == Y_SEQ ? cond->n : 1;
    r->conds = mm_calloc(nc, sizeof *r->conds);
    for (size_t i = 0; i < nc; i++) {
        if (cond->type == Y_SEQ)
            one = cond->items[i];
        if (one->type != Y_SCALAR) {
            mm_error_set(err, MM_ERR_INVALID, "line %d: a condition must be text", one->line);
            goto fail;
        }
        struct mm_error cerr;
        struct cond_node *c = sigma_cond_parse(one->s, &cerr);
        if (!c) {
            mm_error_set(err, MM_ERR_INVALID, "line %d: %s", one->line, cerr.msg);
            goto fail;
        }
        r->conds[r->nconds++] = c;
        if (check_cond(r, c, &cerr) != MM_OK) {
            mm_error_set(err, MM_ERR_INVALID, "line %d: %s", one->line, cerr.msg);
            goto fail;
        }
    }
    return r;
fail:
    sigma_rule_free(r);
    return NULL;
}
