/* SPDX-License-Identifier: Apache-2.0 */
/* correlation.c: Sigma correlation documents compiled into struct sigma_corr, and the engine that
 * keeps per-group windows of rule matches in event time, fires when a condition holds, feeds
 * chained correlations and stays under a byte cap by evicting the least recently updated groups.
 * Semantics (windows, re-arm, late events, the cap) are specified in docs/CORRELATION.md. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "correlation.h"

#include <math.h>

/* ---- compiling documents ---- */

static const char *const type_names[] = {
    [SIGMA_CORR_EVENT_COUNT] = "event_count", [SIGMA_CORR_VALUE_COUNT] = "value_count",
    [SIGMA_CORR_TEMPORAL] = "temporal", [SIGMA_CORR_TEMPORAL_ORDERED] = "temporal_ordered",
    [SIGMA_CORR_VALUE_SUM] = "value_sum", [SIGMA_CORR_VALUE_AVG] = "value_avg",
    [SIGMA_CORR_VALUE_PERCENTILE] = "value_percentile",
};

static const char *const op_names[SIGMA_CORR_NOPS] = { "gt", "gte", "lt", "lte", "eq", "neq" };

/* temporal types track which references occurred in a 64-bit mask */
#define CORR_MAX_RULES 64
/* the specification limits a title to 256 characters and a field name likewise */
#define CORR_MAX_NAME 256

const char *sigma_corr_type_name(enum sigma_corr_type t)
{
    return (size_t)t < MM_ARRAY_LEN(type_names) ? type_names[t] : "?";
}

static char *dup_or_null(const char *s)
{
    return s ? mm_strdup(s) : NULL;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mm_free(l[i]);
    mm_free(l);
}

void sigma_corr_free(struct sigma_corr *c)
{
    if (!c)
        return;
    mm_free(c->path);
    mm_free(c->title);
    mm_free(c->id);
    mm_free(c->name);
    mm_free(c->status);
    mm_free(c->level);
    mm_free(c->description);
    mm_free(c->author);
    mm_free(c->date);
    mm_free(c->modified);
    free_list(c->tags, c->ntags);
    free_list(c->falsepositives, c->nfalsepositives);
    free_list(c->rules, c->nrules);
    free_list(c->group_by, c->ngroup_by);
    free_list(c->fields, c->nfields);
    for (size_t i = 0; i < c->naliases; i++) {
        mm_free(c->aliases[i].alias);
        mm_free(c->aliases[i].rule);
        mm_free(c->aliases[i].field);
    }
    mm_free(c->aliases);
    mm_free(c);
}

/* A scalar or a list of scalars into a list of strings (tags, falsepositives). */
static enum mm_status str_list(const struct ynode *n, const char *what, char ***out, size_t *count,
                               struct mm_error *err)
{
    *out = NULL;
    *count = 0;
    if (!n)
        return MM_OK;
    if (n->type == Y_SCALAR) {
        *out = mm_calloc(1, sizeof **out);
        (*out)[(*count)++] = mm_strdup(n->s);
        return MM_OK;
    }
    if (n->type != Y_SEQ)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: '%s' must be a list", n->line, what);
    *out = mm_calloc(n->n + 1, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        if (n->items[i]->type != Y_SCALAR)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: '%s' must list text", n->items[i]->line, what);
        (*out)[(*count)++] = mm_strdup(n->items[i]->s);
    }
    return MM_OK;
}

/* A list of distinct, non-empty names (rules, group-by, fields). */
static enum mm_status name_list(const struct ynode *n, const char *what, bool scalar_ok, char ***out,
                                size_t *count, struct mm_error *err)
{
    if (*out) /* a key written twice in one mapping (YAML forbids it; libyaml lets it through) */
        return mm_error_set(err, MM_ERR_INVALID, "line %d: '%s' given twice", n->line, what);
    *count = 0;
    if (n->type == Y_SCALAR && scalar_ok && n->len) {
        *out = mm_calloc(1, sizeof **out);
        (*out)[(*count)++] = mm_strdup(n->s);
        return MM_OK;
    }
    if (n->type != Y_SEQ || n->n == 0)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: '%s' must be a non-empty list of names", n->line, what);
    *out = mm_calloc(n->n, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *it = n->items[i];
        if (it->type != Y_SCALAR || it->len == 0 || it->len > CORR_MAX_NAME)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: '%s' must list names", it->line, what);
        for (size_t j = 0; j < *count; j++)
            if (!strcmp((*out)[j], it->s))
                return mm_error_set(err, MM_ERR_INVALID, "line %d: '%s' lists '%s' twice", it->line, what, it->s);
        (*out)[(*count)++] = mm_strdup(it->s);
    }
    return MM_OK;
}

/* "number + lowercase letter": s, m, h, d */
static enum mm_status parse_timespan(const struct ynode *n, int64_t *ns, struct mm_error *err)
{
    if (n->type != Y_SCALAR || n->len < 2)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: timespan must be a number and a unit (s, m, h, d)",
                            n->line);
    int64_t v = 0;
    for (size_t i = 0; i + 1 < n->len; i++) {
        char ch = n->s[i];
        if (ch < '0' || ch > '9' || v > INT64_MAX / 10)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: timespan '%s' is not a number and a unit (s, m, h, d)",
                                n->line, n->s);
        v = v * 10 + (ch - '0');
    }
    int64_t unit;
    switch (n->s[n->len - 1]) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default:
        return mm_error_set(err, MM_ERR_INVALID, "line %d: timespan '%s' has an unknown unit (s, m, h, d)", n->line,
                            n->s);
    }
    if (v == 0)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: timespan '%s' is zero", n->line, n->s);
    int64_t secs;
    if (__builtin_mul_overflow(v, unit, &secs) || __builtin_mul_overflow(secs, (int64_t)1000000000, ns))
        return mm_error_set(err, MM_ERR_INVALID, "line %d: timespan '%s' is too long", n->line, n->s);
    return MM_OK;
}

static bool parse_double(const char *s, size_t len, double *out)
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    double d = strtod(tmp, &end);
    if (*end || errno || !isfinite(d))
        return false;
    *out = d;
    return true;
}

static enum mm_status parse_condition(struct sigma_corr *c, const struct ynode *cond, struct mm_error *err)
{
    if (cond->type != Y_MAP || cond->n == 0)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: condition must be a mapping such as 'gte: 10'",
                            cond->line);
    bool have_pct = false;
    for (size_t i = 0; i + 1 < cond->n; i += 2) {
        const struct ynode *k = cond->items[i], *v = cond->items[i + 1];
        if (k->type != Y_SCALAR)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: condition keys must be names", k->line);
        if (!strcmp(k->s, "field")) {
            if (name_list(v, "field", true, &c->fields, &c->nfields, err) != MM_OK)
                return MM_ERR_INVALID;
            continue;
        }
        bool pct = !strcmp(k->s, "percentile");
        int op = -1;
        for (int o = 0; o < SIGMA_CORR_NOPS; o++)
            if (!strcmp(k->s, op_names[o]))
                op = o;
        if (op < 0 && !pct)
            return mm_error_set(err, MM_ERR_INVALID,
                                "line %d: unknown condition '%s' (gt, gte, lt, lte, eq, neq, field, percentile)",
                                k->line, k->s);
        double d;
        if (v->type != Y_SCALAR || !v->plain || !parse_double(v->s, v->len, &d))
            return mm_error_set(err, MM_ERR_INVALID, "line %d: condition '%s' needs a number", v->line, k->s);
        if (pct) {
            if (d <= 0 || d > 100)
                return mm_error_set(err, MM_ERR_INVALID, "line %d: percentile must be in (0, 100]", v->line);
            c->percentile = d;
            have_pct = true;
        } else {
            c->cond_ops |= 1u << op;
            c->cond_val[op] = d;
        }
    }
    if (have_pct && c->type != SIGMA_CORR_VALUE_PERCENTILE)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: 'percentile' is only for value_percentile", cond->line);
    return MM_OK;
}

static enum mm_status parse_aliases(struct sigma_corr *c, const struct ynode *al, struct mm_error *err)
{
    if (al->type != Y_MAP)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: aliases must map an alias to rule: field", al->line);
    if (c->aliases)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: 'aliases' is given twice", al->line);
    size_t total = 0;
    for (size_t i = 1; i < al->n; i += 2)
        total += al->items[i]->type == Y_MAP ? al->items[i]->n / 2 : 0;
    c->aliases = mm_calloc(total + 1, sizeof *c->aliases);
    for (size_t i = 0; i + 1 < al->n; i += 2) {
        const struct ynode *k = al->items[i], *v = al->items[i + 1];
        if (k->type != Y_SCALAR || !k->s || !k->len || v->type != Y_MAP || v->n == 0)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: alias must map rule names to field names", k->line);
        for (size_t j = 0; j + 1 < v->n; j += 2) {
            const struct ynode *rk = v->items[j], *rv = v->items[j + 1];
            if (rk->type != Y_SCALAR || !rk->s || !rk->len || rv->type != Y_SCALAR || !rv->s || !rv->len)
                return mm_error_set(err, MM_ERR_INVALID, "line %d: alias '%s' must map a rule name to a field name",
                                    rk->line, k->s);
            for (size_t a = 0; a < c->naliases; a++)
                if (!strcmp(c->aliases[a].alias, k->s) && !strcmp(c->aliases[a].rule, rk->s))
                    return mm_error_set(err, MM_ERR_INVALID, "line %d: alias '%s' names rule '%s' twice", rk->line,
                                        k->s, rk->s);
            struct sigma_corr_alias *a = &c->aliases[c->naliases++];
            a->alias = mm_strdup(k->s);
            a->rule = mm_strdup(rk->s);
            a->field = mm_strdup(rv->s);
        }
    }
    return MM_OK;
}

/* A metadata value from a closed list (level, status), when present. */
static enum mm_status check_enum(const struct ynode *doc, const char *key, const char *const *allowed,
                                 struct mm_error *err)
{
    const struct ynode *n = ytree_get(doc, key);
    if (!n)
        return MM_OK;
    for (size_t i = 0; n->type == Y_SCALAR && allowed[i]; i++)
        if (!strcmp(n->s, allowed[i]))
            return MM_OK;
    return mm_error_set(err, MM_ERR_INVALID, "line %d: unknown %s '%s'", n->line, key,
                        n->type == Y_SCALAR ? n->s : "(not text)");
}

static bool is_value_type(enum sigma_corr_type t)
{
    return t == SIGMA_CORR_VALUE_COUNT || t == SIGMA_CORR_VALUE_SUM || t == SIGMA_CORR_VALUE_AVG ||
           t == SIGMA_CORR_VALUE_PERCENTILE;
}

static bool is_temporal(enum sigma_corr_type t)
{
    return t == SIGMA_CORR_TEMPORAL || t == SIGMA_CORR_TEMPORAL_ORDERED;
}

/* what the specification requires of each type, checked after the section is read */
static enum mm_status check_corr(struct sigma_corr *c, const struct ynode *sec, const struct ynode *cond,
                                 struct mm_error *err)
{
    const char *tn = type_names[c->type];
    if (!c->nrules)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: the correlation has no 'rules'", sec->line);
    if (!c->timespan_ns)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: the correlation has no 'timespan'", sec->line);
    if (is_temporal(c->type)) {
        if (c->nrules < 2)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: %s needs at least two rules", sec->line, tn);
        if (c->nrules > CORR_MAX_RULES)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: %s with more than %d rules", sec->line, tn,
                                CORR_MAX_RULES);
        if (c->nfields)
            return mm_error_set(err, MM_ERR_INVALID, "line %d: %s counts rules: its condition takes no field",
                                cond->line, tn);
        if (c->type == SIGMA_CORR_TEMPORAL_ORDERED && cond)
            return mm_error_set(err, MM_ERR_INVALID,
                                "line %d: temporal_ordered takes no condition: all rules must match in order",
                                cond->line);
        return MM_OK;
    }
    if (!cond || !c->cond_ops)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: %s needs a condition such as 'gte: 10'",
                            cond ? cond->line : sec->line, tn);
    if (is_value_type(c->type) && !c->nfields)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: %s needs 'field' in its condition", cond->line, tn);
    if (!is_value_type(c->type) && c->nfields)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: %s counts events: its condition takes no field",
                            cond->line, tn);
    if (c->type != SIGMA_CORR_VALUE_COUNT && c->nfields > 1)
        return mm_error_set(err, MM_ERR_INVALID, "line %d: %s aggregates one numeric field", cond->line, tn);
    return MM_OK;
}

struct sigma_corr *sigma_corr_compile(const struct ynode *doc, const char *path, struct mm_error *err)
{
    if (!doc || doc->type != Y_MAP) {
        mm_error_set(err, MM_ERR_INVALID, "not a Sigma correlation: the document is not a mapping");
        return NULL;
    }
    struct sigma_corr *c = mm_calloc(1, sizeof *c);
    c->path = dup_or_null(path);
    c->line = doc->line;
    c->percentile = 50;
    c->title = dup_or_null(ytree_get_str(doc, "title"));
    c->id = dup_or_null(ytree_get_str(doc, "id"));
    c->name = dup_or_null(ytree_get_str(doc, "name"));
    c->status = dup_or_null(ytree_get_str(doc, "status"));
    c->level = dup_or_null(ytree_get_str(doc, "level"));
    c->description = dup_or_null(ytree_get_str(doc, "description"));
    c->author = dup_or_null(ytree_get_str(doc, "author"));
    c->date = dup_or_null(ytree_get_str(doc, "date"));
    c->modified = dup_or_null(ytree_get_str(doc, "modified"));
    const struct ynode *sec = ytree_get(doc, "correlation"), *cond = NULL, *gen = ytree_get(doc, "generate");
    if (!c->title || !*c->title) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: no title", doc->line);
        goto fail;
    }
    if (strlen(c->title) > CORR_MAX_NAME) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: title longer than %d characters", doc->line, CORR_MAX_NAME);
        goto fail;
    }
    static const char *const levels[] = { "informational", "low", "medium", "high", "critical", NULL };
    static const char *const statuses[] = { "stable", "test", "experimental", "deprecated", "unsupported", NULL };
    if (check_enum(doc, "level", levels, err) != MM_OK || check_enum(doc, "status", statuses, err) != MM_OK)
        goto fail;
    if (ytree_get(doc, "detection")) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: a document has either 'correlation' or 'detection'", doc->line);
        goto fail;
    }
    if (str_list(ytree_get(doc, "tags"), "tags", &c->tags, &c->ntags, err) != MM_OK ||
        str_list(ytree_get(doc, "falsepositives"), "falsepositives", &c->falsepositives, &c->nfalsepositives,
                 err) != MM_OK)
        goto fail;
    if (!sec || sec->type != Y_MAP) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: 'correlation' must be a mapping", sec ? sec->line : doc->line);
        goto fail;
    }
    /* `generate` sits at the top level in the specification; inside the section is accepted too */
    if (!gen)
        gen = ytree_get(sec, "generate");
    if (gen) {
        if (gen->type != Y_SCALAR || !gen->plain || (strcmp(gen->s, "true") && strcmp(gen->s, "false"))) {
            mm_error_set(err, MM_ERR_INVALID, "line %d: generate must be true or false", gen->line);
            goto fail;
        }
        c->generate = gen->s[0] == 't';
    }
    bool have_type = false;
    for (size_t i = 0; i + 1 < sec->n; i += 2) {
        const struct ynode *k = sec->items[i], *v = sec->items[i + 1];
        enum mm_status st = MM_OK;
        if (k->type != Y_SCALAR) {
            st = mm_error_set(err, MM_ERR_INVALID, "line %d: correlation keys must be names", k->line);
        } else if (!strcmp(k->s, "type")) {
            have_type = false;
            for (size_t t = 0; t < MM_ARRAY_LEN(type_names); t++)
                if (v->type == Y_SCALAR && !strcmp(v->s, type_names[t])) {
                    c->type = (enum sigma_corr_type)t;
                    have_type = true;
                }
            if (!have_type)
                st = mm_error_set(err, MM_ERR_INVALID, "line %d: unknown correlation type '%s'", v->line,
                                  v->type == Y_SCALAR ? v->s : "(not text)");
        } else if (!strcmp(k->s, "rules")) {
            st = name_list(v, "rules", false, &c->rules, &c->nrules, err);
        } else if (!strcmp(k->s, "group-by")) {
            st = name_list(v, "group-by", false, &c->group_by, &c->ngroup_by, err);
        } else if (!strcmp(k->s, "timespan")) {
            st = parse_timespan(v, &c->timespan_ns, err);
        } else if (!strcmp(k->s, "condition")) {
            cond = v;
        } else if (!strcmp(k->s, "aliases")) {
            st = parse_aliases(c, v, err);
        } else if (strcmp(k->s, "generate")) {
            st = mm_error_set(err, MM_ERR_INVALID, "line %d: unknown correlation attribute '%s'", k->line, k->s);
        }
        if (st != MM_OK)
            goto fail;
    }
    if (!have_type) {
        mm_error_set(err, MM_ERR_INVALID, "line %d: the correlation has no 'type'", sec->line);
        goto fail;
    }
    if (cond && parse_condition(c, cond, err) != MM_OK)
        goto fail;
    if (check_corr(c, sec, cond, err) != MM_OK)
        goto fail;
    for (size_t a = 0; a < c->naliases; a++) {
        bool used = false;
        for (size_t g = 0; g < c->ngroup_by; g++)
            used = used || !strcmp(c->group_by[g], c->aliases[a].alias);
        for (size_t f = 0; f < c->nfields; f++)
            used = used || !strcmp(c->fields[f], c->aliases[a].alias);
        if (!used) {
            mm_error_set(err, MM_ERR_INVALID, "line %d: alias '%s' is used neither in group-by nor as field",
                         sec->line, c->aliases[a].alias);
            goto fail;
        }
    }
    return c;
fail:
    sigma_corr_free(c);
    return NULL;
}

bool sigma_corr_condition_met(const struct sigma_corr *c, double v)
{
    if (!c->cond_ops)
        return v >= (double)c->nrules;
    const double *x = c->cond_val;
    unsigned o = c->cond_ops;
    return (!(o & 1u << SIGMA_CORR_GT) || v > x[SIGMA_CORR_GT]) &&
           (!(o & 1u << SIGMA_CORR_GTE) || v >= x[SIGMA_CORR_GTE]) &&
           (!(o & 1u << SIGMA_CORR_LT) || v < x[SIGMA_CORR_LT]) &&
           (!(o & 1u << SIGMA_CORR_LTE) || v <= x[SIGMA_CORR_LTE]) &&
           (!(o & 1u << SIGMA_CORR_EQ) || v == x[SIGMA_CORR_EQ]) &&
           (!(o & 1u << SIGMA_CORR_NEQ) || v != x[SIGMA_CORR_NEQ]);
}

/* ---- engine state ---- */

/* One match fed to a correlation: a base rule's event or a fired correlation's alert. */
struct hit {
    int64_t t;
    double num;                  /* value_sum/avg/percentile */
    const char *val;             /* value_count: the field values, length-prefixed (owned by the
                                  * group's distinct set) */
    size_t vlen;
    uint64_t vhash;
    uint32_t ref;                /* index into the correlation's rules */
    struct sigma_corr_event *evs; /* copies, oldest first; only the newest max_events of a group */
    size_t nevs;
};

/* value_count: how many hits of the window carry each distinct value */
struct distinct {
    uint64_t hash;
    char *val; /* NULL: an empty slot */
    size_t len, count;
};

struct group {
    struct group *hnext;
    struct group *newer, *older; /* engine-wide, by last update */
    struct corr_state *cs;
    uint64_t hash;
    char *key; /* group values, length-prefixed */
    size_t keylen;
    struct slice *vals;
    struct hit *buf;  /* cap entries; the window is hits = buf + head, nhits long, */
    struct hit *hits; /* sorted by time (equal times in arrival order) */
    size_t head, nhits, cap;
    int64_t start;    /* window start, for conditions evaluated at window end */
    double sum;       /* value_sum, value_avg: of the hits' numbers */
    uint32_t *refcount; /* temporal: hits per reference */
    struct distinct *set; /* value_count: open addressing, linear probing */
    size_t setcap, ndistinct;
    size_t bytes;     /* accounted to this group */
    bool busy;        /* in use up the call stack: not to be evicted */
};

struct link {
    const struct sigma_rule *rule; /* base rule, or NULL for a correlation */
    size_t corr;                   /* the referencing correlation */
    uint32_t ref;
};

struct corr_state {
    struct sigma_corr *c;
    bool at_window_end; /* evaluated when the window closes (see docs/CORRELATION.md) */
    bool emit;          /* alerts go to the caller (not internal to a chain, or generate) */
    const char **gfield; /* [ref * ngroup_by + g]: the event field for a group-by name */
    const char **vfield; /* [ref * nfields + f] */
    struct link *parents; /* correlations that reference this one */
    size_t nparents;
    struct group **table;
    size_t tcap, ngroups;
};

struct sigma_corr_engine {
    struct sigma_corr_options opt;
    struct corr_state *cs;
    size_t n;
    size_t *order; /* correlations, referenced ones before those that reference them */
    struct link *links; /* base rule references, sorted by rule */
    size_t nlinks;
    bool built;
    struct group *newest, *oldest;
    struct sigma_corr_stats st;
};

struct sigma_corr_engine *sigma_corr_engine_new(const struct sigma_corr_options *opt)
{
    struct sigma_corr_engine *e = mm_calloc(1, sizeof *e);
    if (opt)
        e->opt = *opt;
    if (!e->opt.max_bytes)
        e->opt.max_bytes = SIGMA_CORR_DEFAULT_MAX_BYTES;
    if (!e->opt.max_events)
        e->opt.max_events = SIGMA_CORR_DEFAULT_MAX_EVENTS;
    e->opt.max_events = MM_MIN(e->opt.max_events, SIGMA_CORR_MAX_EVENTS);
    e->st.max_bytes = e->opt.max_bytes;
    return e;
}

void sigma_corr_engine_add(struct sigma_corr_engine *e, struct sigma_corr *c)
{
    e->cs = mm_reallocarray(e->cs, e->n + 1, sizeof *e->cs);
    memset(&e->cs[e->n], 0, sizeof e->cs[e->n]);
    e->cs[e->n++].c = c;
}

const struct sigma_corr *sigma_corr_engine_get(const struct sigma_corr_engine *e, size_t i)
{
    return i < e->n ? e->cs[i].c : NULL;
}

static void account(struct sigma_corr_engine *e, struct group *g, ptrdiff_t delta)
{
    e->st.bytes += (size_t)delta;
    if (g)
        g->bytes += (size_t)delta;
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
    return h;
}

static size_t hit_bytes(const struct hit *h)
{
    size_t n = h->nevs * sizeof *h->evs;
    for (size_t i = 0; i < h->nevs; i++)
        n += h->evs[i].len;
    return n;
}

static void hit_drop_events(struct sigma_corr_engine *e, struct group *g, struct hit *h, size_t keep)
{
    if (h->nevs <= keep)
        return;
    size_t drop = h->nevs - keep;
    for (size_t i = 0; i < drop; i++) {
        account(e, g, -(ptrdiff_t)(h->evs[i].len + sizeof *h->evs));
        mm_free((void *)(uintptr_t)h->evs[i].p);
    }
    memmove(h->evs, h->evs + drop, keep * sizeof *h->evs);
    h->nevs = keep;
    if (!keep) {
        mm_free(h->evs);
        h->evs = NULL;
    } else {
        h->evs = mm_reallocarray(h->evs, keep, sizeof *h->evs);
    }
}

static size_t set_slot(const struct group *g, uint64_t hash, const char *v, size_t n)
{
    size_t mask = g->setcap - 1, i = hash & mask;
    while (g->set[i].val && !(g->set[i].hash == hash && g->set[i].len == n && !memcmp(g->set[i].val, v, n)))
        i = (i + 1) & mask;
    return i;
}

static void set_grow(struct sigma_corr_engine *e, struct group *g)
{
    size_t ncap = g->setcap ? g->setcap * 2 : 8;
    struct distinct *old = g->set;
    size_t ocap = g->setcap;
    g->set = mm_calloc(ncap, sizeof *g->set);
    g->setcap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].val)
            g->set[set_slot(g, old[i].hash, old[i].val, old[i].len)] = old[i];
    mm_free(old);
    account(e, g, (ptrdiff_t)((ncap - ocap) * sizeof *g->set));
}

/* Count a value in; the hit then points at the set's copy. */
static void set_add(struct sigma_corr_engine *e, struct group *g, struct hit *h, const char *v, size_t n)
{
    if ((g->ndistinct + 1) * 2 > g->setcap)
        set_grow(e, g);
    h->vhash = fnv1a(v, n);
    size_t i = set_slot(g, h->vhash, v, n);
    struct distinct *d = &g->set[i];
    if (!d->val) {
        d->hash = h->vhash;
        d->val = mm_malloc(n + 1);
        memcpy(d->val, v, n);
        d->len = n;
        d->count = 0;
        g->ndistinct++;
        account(e, g, (ptrdiff_t)(n + 1));
    }
    d->count++;
    h->val = d->val;
    h->vlen = n;
}

/* Count a hit's value out; backward-shift deletion keeps probe chains intact. */
static void set_remove(struct sigma_corr_engine *e, struct group *g, const struct hit *h)
{
    size_t mask = g->setcap - 1, i = set_slot(g, h->vhash, h->val, h->vlen);
    if (--g->set[i].count)
        return;
    account(e, g, -(ptrdiff_t)(g->set[i].len + 1));
    mm_free(g->set[i].val);
    g->ndistinct--;
    for (size_t j = i;;) {
        j = (j + 1) & mask;
        if (!g->set[j].val)
            break;
        size_t k = g->set[j].hash & mask; /* where it wants to be */
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) {
            g->set[i] = g->set[j];
            i = j;
        }
    }
    g->set[i].val = NULL;
}

static void hit_release(struct sigma_corr_engine *e, struct group *g, struct hit *h)
{
    hit_drop_events(e, g, h, 0);
    if (h->val)
        set_remove(e, g, h);
    if (g->refcount)
        g->refcount[h->ref]--;
    g->sum -= h->num;
}

/* Remove hits [0, n) of a group. */
static void group_shift(struct sigma_corr_engine *e, struct group *g, size_t n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n; i++)
        hit_release(e, g, &g->hits[i]);
    g->hits += n; /* expiry is O(1); the space is reclaimed when the end is reached */
    g->head += n;
    g->nhits -= n;
    e->st.hits -= n;
    if (!g->nhits) {
        g->sum = 0; /* no rounding left behind */
        g->hits = g->buf;
        g->head = 0;
    }
}

static void lru_unlink(struct sigma_corr_engine *e, struct group *g)
{
    if (g->newer)
        g->newer->older = g->older;
    else
        e->newest = g->older;
    if (g->older)
        g->older->newer = g->newer;
    else
        e->oldest = g->newer;
    g->newer = g->older = NULL;
}

static void lru_push(struct sigma_corr_engine *e, struct group *g)
{
    g->older = e->newest;
    if (e->newest)
        e->newest->newer = g;
    e->newest = g;
    if (!e->oldest)
        e->oldest = g;
}

static void lru_touch(struct sigma_corr_engine *e, struct group *g)
{
    if (e->newest == g)
        return;
    lru_unlink(e, g);
    lru_push(e, g);
}

static void group_free(struct sigma_corr_engine *e, struct group *g)
{
    struct corr_state *cs = g->cs;
    struct group **pp = &cs->table[g->hash & (cs->tcap - 1)];
    while (*pp != g)
        pp = &(*pp)->hnext;
    *pp = g->hnext;
    cs->ngroups--;
    e->st.groups--;
    lru_unlink(e, g);
    group_shift(e, g, g->nhits);
    e->st.bytes -= g->bytes;
    mm_free(g->buf);
    mm_free(g->key);
    mm_free(g->vals);
    mm_free(g->set);
    mm_free(g->refcount);
    mm_free(g);
}

/* Make room for need more bytes by evicting the least recently updated groups that are not busy.
 * false when even that is not enough. */
static bool make_room(struct sigma_corr_engine *e, size_t need)
{
    if (need > e->opt.max_bytes)
        return false; /* hopeless: evicting everything would not help */
    struct group *g = e->oldest;
    while (mm_size_add(e->st.bytes, need) > e->opt.max_bytes && g) {
        struct group *next = g->newer;
        if (!g->busy) {
            group_free(e, g);
            e->st.evicted_groups++;
        }
        g = next;
    }
    return mm_size_add(e->st.bytes, need) <= e->opt.max_bytes;
}

static void table_grow(struct sigma_corr_engine *e, struct corr_state *cs)
{
    size_t ncap = cs->tcap ? cs->tcap * 2 : 16;
    struct group **t = mm_calloc(ncap, sizeof *t);
    for (size_t i = 0; i < cs->tcap; i++)
        for (struct group *g = cs->table[i], *next; g; g = next) {
            next = g->hnext;
            g->hnext = t[g->hash & (ncap - 1)];
            t[g->hash & (ncap - 1)] = g;
        }
    account(e, NULL, (ptrdiff_t)((ncap - cs->tcap) * sizeof *t));
    mm_free(cs->table);
    cs->table = t;
    cs->tcap = ncap;
}

/* Find or create the group of a key; NULL when the cap leaves no room. */
static struct group *group_get(struct sigma_corr_engine *e, struct corr_state *cs, const struct buf *key,
                               size_t nvals)
{
    uint64_t h = fnv1a(key->data, key->len);
    if (cs->tcap)
        for (struct group *g = cs->table[h & (cs->tcap - 1)]; g; g = g->hnext)
            if (g->hash == h && g->keylen == key->len && !memcmp(g->key, key->data, key->len))
                return g;
    size_t nref = is_temporal(cs->c->type) ? cs->c->nrules : 0;
    size_t need = sizeof(struct group) + key->len + nvals * sizeof(struct slice) + nref * sizeof(uint32_t);
    if (cs->ngroups >= cs->tcap)
        need += (cs->tcap ? cs->tcap : 16) * sizeof(struct group *);
    if (!make_room(e, need))
        return NULL;
    if (cs->ngroups >= cs->tcap)
        table_grow(e, cs);
    struct group *g = mm_calloc(1, sizeof *g);
    g->cs = cs;
    g->hash = h;
    g->key = mm_malloc(key->len + 1);
    memcpy(g->key, key->data, key->len);
    g->keylen = key->len;
    g->vals = mm_calloc(nvals + 1, sizeof *g->vals);
    const char *p = g->key;
    for (size_t i = 0; i < nvals; i++) {
        uint32_t n;
        memcpy(&n, p, sizeof n);
        g->vals[i] = slice_make(p + sizeof n, n);
        p += sizeof n + n;
    }
    if (nref)
        g->refcount = mm_calloc(nref, sizeof *g->refcount);
    account(e, g, (ptrdiff_t)(sizeof *g + key->len + nvals * sizeof(struct slice) + nref * sizeof(uint32_t)));
    g->hnext = cs->table[h & (cs->tcap - 1)];
    cs->table[h & (cs->tcap - 1)] = g;
    cs->ngroups++;
    e->st.groups++;
    lru_push(e, g);
    return g;
}

/* ---- aggregates ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The aggregate of a group's window (all its hits). */
static double aggregate(const struct sigma_corr *c, const struct group *g)
{
    double v = 0;
    switch (c->type) {
    case SIGMA_CORR_EVENT_COUNT: v = (double)g->nhits; break;
    case SIGMA_CORR_VALUE_COUNT: v = (double)g->ndistinct; break;
    case SIGMA_CORR_TEMPORAL:
        for (size_t r = 0; r < c->nrules; r++)
            v += g->refcount[r] > 0;
        break;
    case SIGMA_CORR_TEMPORAL_ORDERED: {
        /* the longest prefix of the rules that occurs in order; greedy earliest matching finds
         * the whole sequence whenever it occurs as a subsequence */
        uint32_t want = 0;
        for (size_t i = 0; i < g->nhits && want < c->nrules; i++)
            if (g->hits[i].ref == want)
                want++;
        v = want;
        break;
    }
    case SIGMA_CORR_VALUE_SUM: v = g->sum; break;
    case SIGMA_CORR_VALUE_AVG: v = g->nhits ? g->sum / (double)g->nhits : 0; break;
    case SIGMA_CORR_VALUE_PERCENTILE: {
        size_t n = g->nhits;
        if (!n)
            break;
        double *x = mm_calloc(n, sizeof *x);
        for (size_t i = 0; i < n; i++)
            x[i] = g->hits[i].num;
        qsort(x, n, sizeof *x, cmp_double);
        /* nearest rank: the smallest value with at least p% of the values at or below it */
        double r = ceil(c->percentile / 100.0 * (double)n);
        size_t rank = r < 1 ? 1 : (size_t)r;
        v = x[MM_MIN(rank, n) - 1];
        mm_free(x);
        break;
    }
    }
    return v;
}

/* ---- feeding ---- */

/* What a correlation receives: the event that caused it and, for a chained correlation, the
 * alert of the referenced correlation. */
struct input {
    const struct event *ev;
    const struct sigma_corr_alert *inner;
    int64_t t;
    const struct sigma_corr_event *evs;
    size_t nevs;
};

static size_t feed_corr(struct sigma_corr_engine *e, size_t ci, uint32_t ref, const struct input *in,
                        sigma_corr_emit_fn fn, void *ctx);

/* A field's value for a correlation: the referenced correlation's group value of that name
 * first, then the event's field; missing is empty. */
static struct slice lookup(const struct input *in, const char *field, bool *found)
{
    if (in->inner)
        for (size_t i = 0; i < in->inner->ngroup; i++)
            if (!strcmp(in->inner->group_names[i], field)) {
                *found = true;
                return in->inner->group_values[i];
            }
    const struct event_field *f = in->ev ? event_get(in->ev, field) : NULL;
    *found = f != NULL;
    return f ? slice_make(f->value, f->len) : slice_make("", 0);
}

static void key_add(struct buf *b, struct slice v)
{
    uint32_t n = (uint32_t)MM_MIN(v.len, UINT32_MAX);
    buf_append(b, &n, sizeof n);
    buf_append(b, v.p, n);
}

/* Report hits [0, n) of group g and feed the correlations that reference this one. */
static size_t fire(struct sigma_corr_engine *e, struct corr_state *cs, struct group *g, size_t n, double value,
                   const struct input *in, sigma_corr_emit_fn fn, void *ctx)
{
    size_t max = e->opt.max_events, k = max, emitted = 0;
    struct sigma_corr_event *evs = mm_calloc(max, sizeof *evs);
    for (size_t i = n; i-- > 0 && k > 0;)
        for (size_t j = g->hits[i].nevs; j-- > 0 && k > 0;)
            evs[--k] = g->hits[i].evs[j];
    struct sigma_corr_alert a = {
        .corr = cs->c, .group_names = cs->c->group_by, .group_values = g->vals, .ngroup = cs->c->ngroup_by,
        .value = value, .first_ns = g->hits[0].t, .last_ns = g->hits[n - 1].t, .events = evs + k,
        .nevents = max - k,
    };
    e->st.fired++;
    bool was_busy = g->busy;
    g->busy = true;
    if (cs->emit && fn) {
        fn(ctx, &a);
        emitted++;
    } else {
        e->st.suppressed++;
    }
    struct input up = { in ? in->ev : NULL, &a, a.last_ns, a.events, a.nevents };
    for (size_t p = 0; p < cs->nparents; p++)
        emitted += feed_corr(e, cs->parents[p].corr, cs->parents[p].ref, &up, fn, ctx);
    g->busy = was_busy;
    mm_free(evs);
    return emitted;
}

/* Close the window of a group evaluated at window end when it ended before now. Every hit of
 * such a group lies in its window [start, start + timespan]: a hit past it closes it first. */
static size_t close_window(struct sigma_corr_engine *e, struct corr_state *cs, struct group *g, int64_t now,
                           sigma_corr_emit_fn fn, void *ctx)
{
    size_t emitted = 0;
    if (!g->nhits || now <= g->start + cs->c->timespan_ns)
        return 0;
    double v = aggregate(cs->c, g);
    if (sigma_corr_condition_met(cs->c, v))
        emitted += fire(e, cs, g, g->nhits, v, NULL, fn, ctx);
    group_shift(e, g, g->nhits);
    return emitted;
}

/* Keep copied events for the newest max_events contributions of the group only. */
static void trim_events(struct sigma_corr_engine *e, struct group *g, size_t pos)
{
    size_t keep = e->opt.max_events;
    for (size_t i = g->nhits; i-- > 0;) {
        struct hit *h = &g->hits[i];
        /* the hits holding events were the newest ones before hit pos came in: past both, done */
        if (!keep && !h->nevs && i < pos)
            break;
        size_t k = MM_MIN(keep, h->nevs);
        hit_drop_events(e, g, h, k);
        keep -= k;
    }
}

static size_t feed_corr(struct sigma_corr_engine *e, size_t ci, uint32_t ref, const struct input *in,
                        sigma_corr_emit_fn fn, void *ctx)
{
    struct corr_state *cs = &e->cs[ci];
    const struct sigma_corr *c = cs->c;
    size_t emitted = 0;
    struct buf key, val;
    buf_init(&key, BUF_NO_MAX);
    buf_init(&val, BUF_NO_MAX);
    bool found, any = false;
    for (size_t i = 0; i < c->ngroup_by; i++)
        key_add(&key, lookup(in, cs->gfield[ref * c->ngroup_by + i], &found));
    double num = 0;
    for (size_t i = 0; i < c->nfields; i++) {
        struct slice v = lookup(in, cs->vfield[ref * c->nfields + i], &found);
        any = any || found;
        if (c->type == SIGMA_CORR_VALUE_COUNT)
            key_add(&val, v);
        else if (!found || !parse_double(v.p, v.len, &num))
            any = false;
    }
    if (c->nfields && !any) {
        e->st.no_value++;
        goto out;
    }
    struct group *g = group_get(e, cs, &key, c->ngroup_by);
    if (!g) {
        e->st.refused_hits++;
        goto out;
    }
    g->busy = true;
    int64_t ts = c->timespan_ns;
    if (cs->at_window_end) {
        /* the closing hit is no part of the window it closes: its event is not passed up */
        emitted += close_window(e, cs, g, in->t, fn, ctx);
        if (!g->nhits)
            g->start = in->t;
        if (in->t < g->start) {
            e->st.late_hits++;
            goto done;
        }
    } else if (g->nhits && in->t < g->hits[g->nhits - 1].t - ts) {
        e->st.late_hits++;
        goto done;
    }
    struct hit h = { .t = in->t, .num = num, .ref = ref };
    size_t nevs = MM_MIN(in->nevs, e->opt.max_events);
    /* at the end of buf: move the window to its start when that frees at least half, else grow */
    bool full = g->head + g->nhits == g->cap, compact = full && g->head >= g->cap / 2 && g->head > 0;
    size_t need = nevs * sizeof *h.evs + (full && !compact ? (g->cap ? g->cap : 4) * sizeof h : 0);
    if (c->type == SIGMA_CORR_VALUE_COUNT) { /* a new distinct value, perhaps a larger set */
        need += val.len + 1;
        if ((g->ndistinct + 1) * 2 > g->setcap)
            need += (g->setcap ? g->setcap : 8) * sizeof *g->set;
    }
    for (size_t i = in->nevs - nevs; i < in->nevs; i++)
        need += in->evs[i].len;
    if (!make_room(e, need)) {
        e->st.refused_hits++;
        goto done;
    }
    if (compact) {
        memmove(g->buf, g->hits, g->nhits * sizeof h);
        g->hits = g->buf;
        g->head = 0;
    } else if (full) {
        size_t ncap = g->cap ? g->cap * 2 : 4;
        g->buf = mm_reallocarray(g->buf, ncap, sizeof *g->buf);
        g->hits = g->buf + g->head;
        account(e, g, (ptrdiff_t)((ncap - g->cap) * sizeof h));
        g->cap = ncap;
    }
    if (c->type == SIGMA_CORR_VALUE_COUNT)
        set_add(e, g, &h, val.data, val.len);
    if (g->refcount)
        g->refcount[ref]++;
    g->sum += num;
    if (nevs) {
        h.evs = mm_calloc(nevs, sizeof *h.evs);
        for (size_t i = 0; i < nevs; i++) {
            const struct sigma_corr_event *src = &in->evs[in->nevs - nevs + i];
            char *copy = mm_malloc(src->len + 1);
            if (src->len)
                memcpy(copy, src->p, src->len);
            copy[src->len] = '\0';
            h.evs[i] = (struct sigma_corr_event){ copy, src->len, src->t_ns };
        }
        h.nevs = nevs;
    }
    account(e, g, (ptrdiff_t)hit_bytes(&h));
    size_t pos = g->nhits;
    while (pos > 0 && g->hits[pos - 1].t > h.t)
        pos--;
    memmove(g->hits + pos + 1, g->hits + pos, (g->nhits - pos) * sizeof h);
    g->hits[pos] = h;
    g->nhits++;
    e->st.hits++;
    trim_events(e, g, pos);
    lru_touch(e, g);
    if (!cs->at_window_end) {
        /* the window: every hit within timespan of the group's newest */
        int64_t newest = g->hits[g->nhits - 1].t;
        size_t old = 0;
        while (old < g->nhits && g->hits[old].t < newest - ts)
            old++;
        group_shift(e, g, old);
        double v = aggregate(c, g);
        if (sigma_corr_condition_met(c, v)) {
            emitted += fire(e, cs, g, g->nhits, v, in, fn, ctx);
            group_shift(e, g, g->nhits); /* re-arm: the next alert needs a fresh window */
        }
    }
done:
    g->busy = false;
    if (!g->nhits)
        group_free(e, g);
out:
    buf_release(&key);
    buf_release(&val);
    return emitted;
}

static int link_cmp(const void *a, const void *b)
{
    const struct link *x = a, *y = b;
    uintptr_t p = (uintptr_t)x->rule, q = (uintptr_t)y->rule;
    if (p != q)
        return p < q ? -1 : 1;
    return x->corr < y->corr ? -1 : x->corr > y->corr;
}

static const struct link *first_link(const struct sigma_corr_engine *e, const struct sigma_rule *r)
{
    size_t lo = 0, hi = e->nlinks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)e->links[mid].rule < (uintptr_t)r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->nlinks && e->links[lo].rule == r ? &e->links[lo] : NULL;
}

size_t sigma_corr_feed(struct sigma_corr_engine *e, const struct sigma_rule *r, const struct event *ev,
                       int64_t t_ns, const char *evbytes, size_t evlen, sigma_corr_emit_fn fn, void *ctx)
{
    const struct link *l = e->built ? first_link(e, r) : NULL;
    if (!l)
        return 0;
    e->st.fed++;
    struct sigma_corr_event one = { evbytes ? evbytes : "", evbytes ? evlen : 0, t_ns };
    struct input in = { ev, NULL, t_ns, &one, 1 };
    size_t emitted = 0;
    for (; l < e->links + e->nlinks && l->rule == r; l++)
        emitted += feed_corr(e, l->corr, l->ref, &in, fn, ctx);
    return emitted;
}

bool sigma_corr_rule_referenced(const struct sigma_corr_engine *e, const struct sigma_rule *r, bool *generate)
{
    const struct link *l = first_link(e, r);
    bool gen = !l;
    for (; l && l < e->links + e->nlinks && l->rule == r; l++)
        gen = gen || e->cs[l->corr].c->generate;
    if (generate)
        *generate = gen;
    return first_link(e, r) != NULL;
}

size_t sigma_corr_advance(struct sigma_corr_engine *e, int64_t now_ns, sigma_corr_emit_fn fn, void *ctx)
{
    size_t emitted = 0;
    if (!e->built)
        return 0;
    /* referenced correlations first, so that what they fire reaches the others before those expire */
    for (size_t oi = 0; oi < e->n; oi++) {
        struct corr_state *cs = &e->cs[e->order[oi]];
        int64_t ts = cs->c->timespan_ns;
        /* collect first: firing feeds other correlations, whose growth may evict groups here */
        struct group **work = mm_calloc(cs->ngroups + 1, sizeof *work);
        size_t nw = 0;
        for (size_t b = 0; b < cs->tcap; b++)
            for (struct group *g = cs->table[b]; g; g = g->hnext)
                if (g->nhits && (cs->at_window_end ? now_ns > g->start + ts : g->hits[0].t < now_ns - ts)) {
                    g->busy = true;
                    work[nw++] = g;
                }
        for (size_t i = 0; i < nw; i++) {
            struct group *g = work[i];
            if (cs->at_window_end) {
                emitted += close_window(e, cs, g, now_ns, fn, ctx);
            } else {
                size_t old = 0;
                while (old < g->nhits && g->hits[old].t < now_ns - ts)
                    old++;
                group_shift(e, g, old);
            }
        }
        for (size_t i = 0; i < nw; i++) {
            work[i]->busy = false;
            if (!work[i]->nhits) {
                group_free(e, work[i]);
                e->st.expired_groups++;
            }
        }
        mm_free(work);
    }
    return emitted;
}

void sigma_corr_engine_stats(const struct sigma_corr_engine *e, struct sigma_corr_stats *st)
{
    *st = e->st;
}

/* ---- building ---- */

/* The target of reference `name`: a correlation (*corr set) or a base rule (*rule set). */
static enum mm_status resolve(const struct sigma_corr_engine *e, size_t self, const char *name,
                              const struct sigma_rule *const *rules, size_t nrules, const struct sigma_rule **rule,
                              size_t *corr, struct mm_error *err)
{
    size_t found = 0;
    *rule = NULL;
    *corr = SIZE_MAX;
    for (size_t i = 0; i < e->n; i++) {
        const struct sigma_corr *c = e->cs[i].c;
        if ((c->name && !strcmp(c->name, name)) || (c->id && !strcmp(c->id, name))) {
            *corr = i;
            found++;
        }
    }
    for (size_t i = 0; i < nrules; i++) {
        const struct sigma_rule *r = rules[i];
        if ((r->name && !strcmp(r->name, name)) || (r->id && !strcmp(r->id, name))) {
            *rule = r;
            found++;
        }
    }
    const char *title = e->cs[self].c->title;
    if (!found)
        return mm_error_set(err, MM_ERR_NOT_FOUND, "correlation '%s': unknown rule '%s'", title, name);
    if (found > 1)
        return mm_error_set(err, MM_ERR_INVALID, "correlation '%s': rule reference '%s' is ambiguous (%zu rules "
                            "have that name or id)", title, name, found);
    if (*corr == self)
        return mm_error_set(err, MM_ERR_INVALID, "correlation '%s' references itself", title);
    return MM_OK;
}

/* Does reference ref of c (resolved to base rule or correlation tc) go by `name`? */
static bool refers_to(const struct sigma_corr *c, uint32_t ref, const struct sigma_rule *rule,
                      const struct sigma_corr *tc, const char *name)
{
    const char *tname = rule ? rule->name : tc ? tc->name : NULL;
    const char *tid = rule ? rule->id : tc ? tc->id : NULL;
    return !strcmp(name, c->rules[ref]) || (tname && !strcmp(name, tname)) || (tid && !strcmp(name, tid));
}

/* The event field behind group-by or field name `name` for reference ref: its alias, or itself. */
static const char *field_for(const struct sigma_corr *c, uint32_t ref, const struct sigma_rule *rule,
                             const struct sigma_corr *tc, const char *name)
{
    for (size_t a = 0; a < c->naliases; a++)
        if (!strcmp(c->aliases[a].alias, name) && refers_to(c, ref, rule, tc, c->aliases[a].rule))
            return c->aliases[a].field;
    return name;
}

/* depth-first: referenced correlations into order before the correlation itself; 1 visiting, 2 done */
static enum mm_status topo(struct sigma_corr_engine *e, size_t i, uint8_t *mark, size_t *n, size_t **targets,
                           struct mm_error *err)
{
    if (mark[i] == 2)
        return MM_OK;
    if (mark[i] == 1)
        return mm_error_set(err, MM_ERR_INVALID, "correlation '%s' is part of a reference cycle", e->cs[i].c->title);
    mark[i] = 1;
    for (size_t r = 0; r < e->cs[i].c->nrules; r++)
        if (targets[i][r] != SIZE_MAX && topo(e, targets[i][r], mark, n, targets, err) != MM_OK)
            return MM_ERR_INVALID;
    mark[i] = 2;
    e->order[(*n)++] = i;
    return MM_OK;
}

enum mm_status sigma_corr_engine_build(struct sigma_corr_engine *e, const struct sigma_rule *const *rules,
                                       size_t nrules, struct mm_error *err)
{
    enum mm_status st = MM_OK;
    if (e->built)
        return mm_error_set(err, MM_ERR_STATE, "correlation engine already built");
    size_t **targets = mm_calloc(e->n + 1, sizeof *targets);
    const struct sigma_rule ***bases = mm_calloc(e->n + 1, sizeof *bases);
    uint8_t *mark = mm_calloc(e->n + 1, 1);
    e->order = mm_calloc(e->n + 1, sizeof *e->order);
    for (size_t i = 0; i < e->n; i++) {
        struct corr_state *cs = &e->cs[i];
        struct sigma_corr *c = cs->c;
        targets[i] = mm_calloc(c->nrules, sizeof **targets);
        bases[i] = mm_calloc(c->nrules, sizeof **bases);
        cs->gfield = mm_calloc(c->nrules * c->ngroup_by + 1, sizeof *cs->gfield);
        cs->vfield = mm_calloc(c->nrules * c->nfields + 1, sizeof *cs->vfield);
        cs->emit = true;
        cs->at_window_end = c->type == SIGMA_CORR_VALUE_AVG || c->type == SIGMA_CORR_VALUE_PERCENTILE ||
                            (c->cond_ops & (1u << SIGMA_CORR_LT | 1u << SIGMA_CORR_LTE | 1u << SIGMA_CORR_EQ |
                                            1u << SIGMA_CORR_NEQ));
        for (uint32_t r = 0; r < c->nrules; r++) {
            st = resolve(e, i, c->rules[r], rules, nrules, &bases[i][r], &targets[i][r], err);
            if (st != MM_OK)
                goto out;
        }
        for (size_t a = 0; a < c->naliases; a++) {
            bool known = false;
            for (uint32_t r = 0; r < c->nrules; r++) {
                const struct sigma_corr *tc = targets[i][r] != SIZE_MAX ? e->cs[targets[i][r]].c : NULL;
                known = known || refers_to(c, r, bases[i][r], tc, c->aliases[a].rule);
            }
            if (!known) {
                st = mm_error_set(err, MM_ERR_INVALID, "correlation '%s': alias '%s' names rule '%s', which it does "
                                  "not reference", c->title, c->aliases[a].alias, c->aliases[a].rule);
                goto out;
            }
        }
        for (uint32_t r = 0; r < c->nrules; r++) {
            const struct sigma_corr *tc = targets[i][r] != SIZE_MAX ? e->cs[targets[i][r]].c : NULL;
            for (size_t g = 0; g < c->ngroup_by; g++)
                cs->gfield[r * c->ngroup_by + g] = field_for(c, r, bases[i][r], tc, c->group_by[g]);
            for (size_t f = 0; f < c->nfields; f++)
                cs->vfield[r * c->nfields + f] = field_for(c, r, bases[i][r], tc, c->fields[f]);
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < e->n; i++)
        if ((st = topo(e, i, mark, &n, targets, err)) != MM_OK)
            goto out;
    for (size_t i = 0; i < e->n; i++) {
        const struct sigma_corr *c = e->cs[i].c;
        for (uint32_t r = 0; r < c->nrules; r++) {
            size_t t = targets[i][r];
            struct link l = { NULL, i, r };
            if (t != SIZE_MAX) {
                struct corr_state *ts = &e->cs[t];
                ts->parents = mm_reallocarray(ts->parents, ts->nparents + 1, sizeof *ts->parents);
                ts->parents[ts->nparents++] = l;
                continue;
            }
            l.rule = bases[i][r];
            e->links = mm_reallocarray(e->links, e->nlinks + 1, sizeof *e->links);
            e->links[e->nlinks++] = l;
        }
    }
    for (size_t i = 0; i < e->n; i++) {
        struct corr_state *cs = &e->cs[i];
        if (cs->nparents) {
            cs->emit = false;
            for (size_t p = 0; p < cs->nparents; p++)
                cs->emit = cs->emit || e->cs[cs->parents[p].corr].c->generate;
        }
    }
    if (e->nlinks)
        qsort(e->links, e->nlinks, sizeof *e->links, link_cmp);
    e->built = true;
out:
    for (size_t i = 0; i < e->n; i++) {
        mm_free(targets[i]);
        mm_free(bases[i]);
    }
    mm_free(targets);
    mm_free(bases);
    mm_free(mark);
    return st;
}

void sigma_corr_engine_free(struct sigma_corr_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++) {
        struct corr_state *cs = &e->cs[i];
        for (size_t b = 0; b < cs->tcap; b++)
            while (cs->table[b])
                group_free(e, cs->table[b]);
        mm_free(cs->table);
        mm_free(cs->gfield);
        mm_free(cs->vfield);
        mm_free(cs->parents);
        sigma_corr_free(cs->c);
    }
    mm_free(e->cs);
    mm_free(e->order);
    mm_free(e->links);
    mm_free(e);
}
