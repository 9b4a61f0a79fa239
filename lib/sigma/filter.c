/* SPDX-License-Identifier: Apache-2.0 */
/* filter.c: Sigma filter documents compiled through the rule compiler, and their references. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "filter.h"

#include <strings.h>

/* A deep copy of a YAML subtree (filters are a few lines; copying keeps the document const). */
static struct ynode *ynode_copy(const struct ynode *n)
{
    struct ynode *c = mm_calloc(1, sizeof *c);
    c->type = n->type;
    c->line = n->line;
    c->plain = n->plain;
    if (n->s) {
        c->s = mm_strndup(n->s, n->len);
        c->len = n->len;
    }
    if (n->n) {
        c->items = mm_calloc(n->n, sizeof *c->items);
        for (size_t i = 0; i < n->n; i++)
            c->items[c->n++] = ynode_copy(n->items[i]);
    }
    return c;
}

static struct ynode *scalar(const char *s, int line)
{
    struct ynode *n = mm_calloc(1, sizeof *n);
    n->type = Y_SCALAR;
    n->line = line;
    n->s = mm_strdup(s);
    n->len = strlen(s);
    n->plain = true;
    return n;
}

static void map_put(struct ynode *map, struct ynode *key, struct ynode *val)
{
    map->items = mm_reallocarray(map->items, map->n + 2, sizeof *map->items);
    map->items[map->n++] = key;
    map->items[map->n++] = val;
}

/* The filter document rewritten as a rule: every key as it is, except `filter`, which becomes
 * `detection` without its `rules` entry. The rule compiler then checks the selection and the
 * condition exactly as it checks a rule's, with the same line numbers. */
static struct ynode *as_rule_doc(const struct ynode *doc)
{
    struct ynode *r = mm_calloc(1, sizeof *r);
    r->type = Y_MAP;
    r->line = doc->line;
    for (size_t i = 0; i + 1 < doc->n; i += 2) {
        const struct ynode *k = doc->items[i], *v = doc->items[i + 1];
        if (k->type != Y_SCALAR || strcmp(k->s, "filter") || v->type != Y_MAP) {
            map_put(r, ynode_copy(k), ynode_copy(v));
            continue;
        }
        struct ynode *det = mm_calloc(1, sizeof *det);
        det->type = Y_MAP;
        det->line = v->line;
        for (size_t j = 0; j + 1 < v->n; j += 2)
            if (v->items[j]->type != Y_SCALAR || strcmp(v->items[j]->s, "rules"))
                map_put(det, ynode_copy(v->items[j]), ynode_copy(v->items[j + 1]));
        map_put(r, scalar("detection", k->line), det);
    }
    return r;
}

void sigma_filter_free(struct sigma_filter *f)
{
    if (!f)
        return;
    sigma_compiled_free(f->comp);
    sigma_rule_free(f->rule);
    for (size_t i = 0; i < f->nrefs; i++)
        mm_free(f->refs[i]);
    mm_free(f->refs);
    mm_free(f);
}

/* `rules:`: `any`, one reference, or a list of them (an empty list means any, as in pySigma) */
static enum mm_status read_refs(struct sigma_filter *f, const struct ynode *rules, int line,
                                struct mm_error *err)
{
    if (!rules)
        return mm_error_set(err, MM_ERR_INVALID,
                            "line %d: the filter has no 'rules' (name rules by id or "
                            "name, or write 'rules: any')",
                            line);
    if (rules->type == Y_SCALAR) {
        if (ytree_is_null(rules))
            return mm_error_set(err, MM_ERR_INVALID,
                                "line %d: 'rules' is empty (write 'rules: any' to "
                                "apply the filter to every rule of its log source)",
                                rules->line);
        if (!strcasecmp(rules->s, "any")) {
            f->any = true;
            return MM_OK;
        }
        f->refs = mm_calloc(1, sizeof *f->refs);
        f->refs[f->nrefs++] = mm_strdup(rules->s);
        return MM_OK;
    }
    if (rules->type != Y_SEQ)
        return mm_error_set(err, MM_ERR_INVALID,
                            "line %d: 'rules' must be 'any', a rule id or name, or a "
                            "list of them",
                            rules->line);
    if (!rules->n) {
        f->any = true;
        return MM_OK;
    }
    f->refs = mm_calloc(rules->n, sizeof *f->refs);
    for (size_t i = 0; i < rules->n; i++) {
        const struct ynode *r = rules->items[i];
        if (r->type != Y_SCALAR || ytree_is_null(r))
            return mm_error_set(err, MM_ERR_INVALID,
                                "line %d: a rule reference must be an id or a name", r->line);
        f->refs[f->nrefs++] = mm_strdup(r->s);
    }
    return MM_OK;
}

struct sigma_filter *sigma_filter_compile(const struct ynode *doc, const char *path,
                                          const struct sigma_placeholders *ph, struct mm_error *err)
{
    if (!doc || doc->type != Y_MAP) {
        mm_error_set(err, MM_ERR_INVALID, "not a Sigma filter: the document is not a mapping");
        return NULL;
    }
    struct sigma_filter *f = mm_calloc(1, sizeof *f);
    struct ynode *rdoc = NULL;
    const struct ynode *body = ytree_get(doc, "filter");
    const struct ynode *ls = ytree_get(doc, "logsource");
    if (!body || body->type != Y_MAP) {
        mm_error_set(err, MM_ERR_INVALID,
                     "line %d: 'filter' must be a mapping (rules, selection, condition)",
                     body ? body->line : doc->line);
        goto fail;
    }
    for (size_t i = 0; i + 1 < doc->n; i += 2) {
        const struct ynode *k = doc->items[i];
        if (k->type == Y_SCALAR && !strcmp(k->s, "detection")) {
            mm_error_set(err, MM_ERR_INVALID,
                         "line %d: a filter has no 'detection': its selection and "
                         "condition are under 'filter'",
                         k->line);
            goto fail;
        }
    }
    /* the rule compiler would report these as a rule's; say them as a filter's */
    if (!ls || ls->type != Y_MAP) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: the filter has no logsource (it is mandatory)",
                     doc->line);
        goto fail;
    }
    const struct ynode *cond = ytree_get(body, "condition");
    if (!cond || cond->type != Y_SCALAR || ytree_is_null(cond)) {
        mm_error_set(err, MM_ERR_INVALID,
                     "line %d: a filter has exactly one condition, written as text",
                     cond ? cond->line : body->line);
        goto fail;
    }
    if (read_refs(f, ytree_get(body, "rules"), body->line, err) != MM_OK)
        goto fail;
    rdoc = as_rule_doc(doc);
    f->rule = sigma_rule_compile(rdoc, path, err);
    if (!f->rule)
        goto fail;
    if (!f->rule->logsource.product && !f->rule->logsource.category &&
        !f->rule->logsource.service) {
        mm_error_set(err, MM_ERR_INVALID,
                     "line %d: the filter's logsource names no product, category or "
                     "service",
                     ls->line);
        goto fail;
    }
    f->comp = sigma_compile_matchers_ph(f->rule, ph, err);
    if (!f->comp)
        goto fail;
    ytree_free(rdoc);
    return f;
fail:
    ytree_free(rdoc);
    sigma_filter_free(f);
    return NULL;
}

static bool same(const char *a, const char *b)
{
    return a && b && !strcasecmp(a, b);
}

bool sigma_filter_covers(const struct sigma_filter *f, const struct sigma_rule *r)
{
    const struct sigma_rule *fr = f->rule;
    return (!fr->logsource.product || same(fr->logsource.product, r->logsource.product)) &&
           (!fr->logsource.category || same(fr->logsource.category, r->logsource.category)) &&
           (!fr->logsource.service || same(fr->logsource.service, r->logsource.service));
}

static bool ref_names(const char *ref, const struct sigma_rule *r)
{
    return (r->id && !strcasecmp(ref, r->id)) || (r->name && !strcmp(ref, r->name));
}

bool sigma_filter_names(const struct sigma_filter *f, const struct sigma_rule *r)
{
    for (size_t i = 0; i < f->nrefs; i++)
        if (ref_names(f->refs[i], r))
            return true;
    return false;
}

bool sigma_filter_applies(const struct sigma_filter *f, const struct sigma_rule *r)
{
    return (f->any || sigma_filter_names(f, r)) && sigma_filter_covers(f, r);
}

static void logsource_text(struct buf *b, const struct sigma_rule *r)
{
    const char *names[] = { "product", "category", "service" };
    const char *vals[] = { r->logsource.product, r->logsource.category, r->logsource.service };
    bool first = true;
    buf_append_str(b, "(");
    for (size_t i = 0; i < MM_ARRAY_LEN(names); i++) {
        if (!vals[i])
            continue;
        buf_printf(b, "%s%s=%s", first ? "" : " ", names[i], vals[i]);
        first = false;
    }
    buf_append_str(b, first ? "none)" : ")");
}

size_t sigma_filters_check(struct sigma_filter *const *filters, size_t nfilters,
                           struct sigma_rule *const *rules, size_t nrules, struct buf *problems)
{
    size_t nproblems = 0;
    for (size_t i = 0; i < nfilters; i++) {
        const struct sigma_filter *f = filters[i];
        const char *path = f->rule->path ? f->rule->path : "-";
        for (size_t k = 0; k < f->nrefs; k++) {
            bool found = false;
            for (size_t j = 0; j < nrules; j++) {
                if (!ref_names(f->refs[k], rules[j]))
                    continue;
                found = true;
                if (sigma_filter_covers(f, rules[j]))
                    continue;
                nproblems++;
                if (problems) {
                    buf_printf(problems, "%s: filter '%s': log source ", path, f->rule->title);
                    logsource_text(problems, f->rule);
                    buf_printf(problems, " does not cover rule '%s' ", f->refs[k]);
                    logsource_text(problems, rules[j]);
                    buf_append_str(problems, "\n");
                }
            }
            if (!found) {
                nproblems++;
                if (problems)
                    buf_printf(problems, "%s: filter '%s': unknown rule '%s'\n", path,
                               f->rule->title, f->refs[k]);
            }
        }
    }
    return nproblems;
}

bool sigma_filter_keeps(const struct sigma_filter *f, const struct event *ev)
{
    return sigma_match(f->comp, ev, NULL);
}
