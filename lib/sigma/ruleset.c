/* SPDX-License-Identifier: Apache-2.0 */
/* ruleset.c: the literal prefilter on vectorscan, exact matching of the candidates, and the
 * filters that may remove a match afterwards. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "ruleset.h"

#include <ctype.h>
#include <stdatomic.h>
#include <hs/hs.h>
#include <strings.h>

struct sigma_ruleset {
    struct sigma_rule **rules;
    struct sigma_compiled **comp;
    bool *always; /* no required literals: evaluated on every event of its log source */
    size_t n, cap;
    uint32_t *always_idx;
    size_t nalways;
    /* literal id -> rule, and the bit of the rule's literal set it belongs to; a rule is a
     * candidate when every one of its sets had a literal in the text (need: all its bits) */
    uint32_t *lit_rule;
    uint8_t *lit_bit;
    uint8_t *need;
    size_t nlits;
    /* literal databases by the log source of their rules (product, category, service; "" when the
     * rule leaves it out): an event is scanned only with those its log source can match. Field
     * literals are scanned over the values of their own field; keyword literals over the raw
     * message */
    struct lit_part {
        char *product, *category, *service;
        hs_database_t *db[4]; /* by kind: field literals, keyword literals, field expressions, keyword expressions */
        uint32_t *re_ids[4];  /* the expressions' ids (kinds 2, 3): taken as matched in text that is not UTF-8 */
        size_t nre_ids[4];
        /* field literals and expressions by the field they are looked for in, sorted by field id:
         * each field value is scanned only for its own (db[0], db[2] hold those without a field,
         * scanned over all the field values joined) */
        struct lit_field {
            uint32_t fid;
            hs_database_t *db[2]; /* the field's literals; its expressions */
            uint32_t *re_ids;     /* the expressions' ids, as above */
            size_t nre_ids;
        } *fl;
        size_t nfl;
    } *parts;
    size_t nparts;
    /* the names of the fields any field literal or expression is looked for in, numbered as they
     * come: fslot is an open-addressing table (a power of two) of id + 1 (0: empty) */
    uint32_t *fslot;
    const char **fname;
    size_t fields_cap, nfields;
    bool prefilter;
    /* filters; rule i's are filt[filt_off[i] .. filt_off[i + 1]) */
    struct sigma_filter **filters;
    size_t nfilters;
    struct sigma_filter **filt;
    uint32_t *filt_off;
    struct sigma_ruleset_stats st; /* the build's figures; the counters below are added to it */
    /* counters of every thread's matching: each scratch adds its own now and then */
    _Atomic uint64_t events, candidates, evaluated, matches, suppressed;
};

#define PART_CACHE 8
struct sigma_scratch {
    hs_scratch_t *hs;
    /* the partitions of the last log sources seen (parsers' log source strings are static, so
     * their addresses identify them) */
    struct {
        const char *product, *category, *service;
        uint32_t *parts;
        size_t n;
        bool used;
    } cache[PART_CACHE];
    size_t cache_next;
    uint8_t *cand; /* per rule: the bits of the literal sets that occurred */
    uint32_t *touched;
    size_t ntouched;
    struct buf text, why;
    struct sigma_evctx evx; /* the event's lowercased field values, shared by its rules */
    const struct sigma_ruleset *rs;
    uint64_t events, candidates, evaluated, matches, suppressed; /* not yet added to rs's */
};

struct sigma_ruleset *sigma_ruleset_new(void)
{
    return mm_calloc(1, sizeof(struct sigma_ruleset));
}

void sigma_ruleset_add(struct sigma_ruleset *rs, struct sigma_rule *r, struct sigma_compiled *c)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 256;
        rs->rules = mm_reallocarray(rs->rules, rs->cap, sizeof *rs->rules);
        rs->comp = mm_reallocarray(rs->comp, rs->cap, sizeof *rs->comp);
        rs->always = mm_reallocarray(rs->always, rs->cap, sizeof *rs->always);
    }
    rs->rules[rs->n] = r;
    rs->comp[rs->n] = c;
    rs->always[rs->n] = true;
    rs->n++;
}

void sigma_ruleset_add_filter(struct sigma_ruleset *rs, struct sigma_filter *f)
{
    rs->filters = mm_reallocarray(rs->filters, rs->nfilters + 1, sizeof *rs->filters);
    rs->filters[rs->nfilters++] = f;
}

/* Each rule's filters, in the order they were added. */
static enum mm_status link_filters(struct sigma_ruleset *rs, struct mm_error *err)
{
    rs->filt_off = mm_calloc(rs->n + 1, sizeof *rs->filt_off);
    rs->st.filters = rs->nfilters;
    if (!rs->nfilters)
        return MM_OK;
    struct buf problems;
    buf_init(&problems, BUF_NO_MAX);
    size_t np = sigma_filters_check(rs->filters, rs->nfilters, rs->rules, rs->n, &problems);
    if (np) {
        size_t first = strcspn(problems.data, "\n");
        if (np > 1)
            mm_error_set(err, MM_ERR_INVALID, "%.*s (and %zu more problems with filters)", (int)first,
                         problems.data, np - 1);
        else
            mm_error_set(err, MM_ERR_INVALID, "%.*s", (int)first, problems.data);
        buf_release(&problems);
        return MM_ERR_INVALID;
    }
    buf_release(&problems);
    size_t cap = 0, used = 0;
    for (size_t i = 0; i < rs->n; i++) {
        rs->filt_off[i] = (uint32_t)used;
        for (size_t k = 0; k < rs->nfilters; k++) {
            if (!sigma_filter_applies(rs->filters[k], rs->rules[i]))
                continue;
            if (used == cap) {
                cap = cap ? cap * 2 : 64;
                rs->filt = mm_reallocarray(rs->filt, cap, sizeof *rs->filt);
            }
            rs->filt[used++] = rs->filters[k];
        }
        if (used > rs->filt_off[i])
            rs->st.filtered_rules++;
    }
    rs->filt_off[rs->n] = (uint32_t)used;
    return MM_OK;
}

static char *lower_dup(const char *s)
{
    char *d = mm_strdup(s ? s : "");
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

/* The partition of a rule's literals: its (product, category, service), added when new. */
static uint32_t part_of(struct sigma_ruleset *rs, const struct sigma_rule *r)
{
    char *p = lower_dup(r->logsource.product), *c = lower_dup(r->logsource.category),
         *v = lower_dup(r->logsource.service);
    for (size_t i = 0; i < rs->nparts; i++) {
        if (!strcmp(rs->parts[i].product, p) && !strcmp(rs->parts[i].category, c) &&
            !strcmp(rs->parts[i].service, v)) {
            mm_free(p);
            mm_free(c);
            mm_free(v);
            return (uint32_t)i;
        }
    }
    rs->parts = mm_reallocarray(rs->parts, rs->nparts + 1, sizeof *rs->parts);
    rs->parts[rs->nparts] = (struct lit_part){ .product = p, .category = c, .service = v };
    return (uint32_t)rs->nparts++;
}

struct lit_order {
    uint32_t lit, part, fid; /* fid: FID_NONE for keywords and literals without a field */
    uint8_t kind;
};
#define FID_NONE UINT32_MAX

static int cmp_order(const void *a, const void *b)
{
    const struct lit_order *x = a, *y = b;
    if (x->part != y->part)
        return x->part < y->part ? -1 : 1;
    if (x->fid != y->fid)
        return x->fid < y->fid ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return (x->lit > y->lit) - (x->lit < y->lit);
}

static uint64_t name_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
    return h;
}

/* The id of a field some literal is looked for in, or FID_NONE. */
static uint32_t field_id(const struct sigma_ruleset *rs, const char *name, size_t n)
{
    if (!rs->fields_cap)
        return FID_NONE;
    for (size_t i = name_hash(name, n) & (rs->fields_cap - 1);; i = (i + 1) & (rs->fields_cap - 1)) {
        uint32_t id = rs->fslot[i];
        if (!id)
            return FID_NONE;
        const char *f = rs->fname[id - 1];
        if (!strncmp(f, name, n) && f[n] == '\0')
            return id - 1;
    }
}

static void fslot_put(uint32_t *slots, size_t cap, const char *name, uint32_t id)
{
    size_t k = name_hash(name, strlen(name)) & (cap - 1);
    while (slots[k])
        k = (k + 1) & (cap - 1);
    slots[k] = id + 1;
}

/* name: the rule's own string, which lives as long as rs */
static uint32_t field_add(struct sigma_ruleset *rs, const char *name)
{
    uint32_t id = field_id(rs, name, strlen(name));
    if (id != FID_NONE)
        return id;
    if ((rs->nfields + 1) * 2 > rs->fields_cap) {
        size_t cap = rs->fields_cap ? rs->fields_cap * 2 : 256;
        uint32_t *t = mm_calloc(cap, sizeof *t);
        for (size_t i = 0; i < rs->nfields; i++)
            fslot_put(t, cap, rs->fname[i], (uint32_t)i);
        mm_free(rs->fslot);
        rs->fslot = t;
        rs->fields_cap = cap;
        rs->fname = mm_reallocarray(rs->fname, cap / 2, sizeof *rs->fname);
    }
    id = (uint32_t)rs->nfields++;
    rs->fname[id] = name;
    fslot_put(rs->fslot, rs->fields_cap, name, id);
    return id;
}

/* the shortest literal of a set: what its selectivity is judged by */
#define RULESET_EXTRA_SET_MIN 5
static size_t set_quality(const struct sigma_literal_set *s)
{
    size_t q = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++)
        q = MM_MIN(q, s->v[i].regex ? 3 : s->v[i].n);
    return q;
}

/* vectorscan flags for a set member: literals caseless; expressions in prefilter mode (a superset
 * of the matches: PCRE constructs it cannot run exactly are approximated), multi-line so that ^
 * and $ hold at every field's start and end in the joined text */
static unsigned member_flags(const struct sigma_literal *l)
{
    if (!l->regex)
        return HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
    return HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY | HS_FLAG_MULTILINE | HS_FLAG_UTF8 |
           (l->re_i ? HS_FLAG_CASELESS : 0) | (l->re_s ? HS_FLAG_DOTALL : 0);
}

/* Can the prefilter look for every member of the set? (an expression vectorscan cannot take, even
 * approximated, makes the set unusable) */
static bool set_usable(const struct sigma_literal_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!s->v[i].regex)
            continue;
        hs_expr_info_t *info = NULL;
        hs_compile_error_t *ce = NULL;
        hs_error_t e = hs_expression_info(s->v[i].s, member_flags(&s->v[i]), &info, &ce);
        free(info); /* allocated by vectorscan with malloc */
        if (ce)
            hs_free_compile_error(ce);
        if (e != HS_SUCCESS)
            return false;
    }
    return true;
}

enum mm_status sigma_ruleset_build(struct sigma_ruleset *rs, bool prefilter, struct mm_error *err)
{
    if (link_filters(rs, err) != MM_OK)
        return MM_ERR_INVALID;
    rs->prefilter = prefilter;
    rs->st.rules = rs->n;
    if (!prefilter) {
        rs->st.always = rs->n;
        rs->always_idx = mm_calloc(rs->n ? rs->n : 1, sizeof *rs->always_idx);
        for (size_t i = 0; i < rs->n; i++)
            rs->always_idx[rs->nalways++] = (uint32_t)i;
        return MM_OK;
    }
    const char **exprs = NULL;
    unsigned *flags = NULL, *ids = NULL;
    size_t *lens = NULL, cap = 0;
    uint8_t *kind = NULL;
    uint32_t *part = NULL, *fid = NULL;
    rs->need = mm_calloc(rs->n ? rs->n : 1, 1);
    for (size_t i = 0; i < rs->n; i++) {
        struct sigma_literal_set *sets;
        size_t nsets = sigma_required_literal_sets(rs->comp[i], &sets);
        /* the sets the prefilter can use: the most selective, then only sets whose every literal
         * is long enough to be rare (short ones cost the scan more than they save) */
        size_t keep = 0;
        for (size_t j = 0; j < nsets; j++) {
            if ((keep == 0 || set_quality(&sets[j]) >= RULESET_EXTRA_SET_MIN) && set_usable(&sets[j]))
                sets[keep++] = sets[j];
            else
                sigma_literals_free(sets[j].v, sets[j].n);
        }
        nsets = keep;
        if (!nsets) {
            mm_free(sets);
            continue;
        }
        rs->always[i] = false;
        rs->st.prefiltered++;
        rs->need[i] = (uint8_t)((1u << nsets) - 1);
        uint32_t pi = part_of(rs, rs->rules[i]);
        for (size_t j = 0; j < nsets; j++) {
            struct sigma_literal *lits = sets[j].v;
            for (size_t k = 0; k < sets[j].n; k++) {
                if (rs->nlits == cap) {
                    cap = cap ? cap * 2 : 4096;
                    exprs = mm_reallocarray(exprs, cap, sizeof *exprs);
                    flags = mm_reallocarray(flags, cap, sizeof *flags);
                    ids = mm_reallocarray(ids, cap, sizeof *ids);
                    lens = mm_reallocarray(lens, cap, sizeof *lens);
                    rs->lit_rule = mm_reallocarray(rs->lit_rule, cap, sizeof *rs->lit_rule);
                    rs->lit_bit = mm_reallocarray(rs->lit_bit, cap, sizeof *rs->lit_bit);
                    kind = mm_reallocarray(kind, cap, sizeof *kind);
                    part = mm_reallocarray(part, cap, sizeof *part);
                    fid = mm_reallocarray(fid, cap, sizeof *fid);
                }
                exprs[rs->nlits] = lits[k].s;
                lits[k].s = NULL; /* kept until compiled */
                lens[rs->nlits] = lits[k].n;
                kind[rs->nlits] = (uint8_t)(lits[k].raw + 2 * lits[k].regex);
                fid[rs->nlits] = lits[k].field && !lits[k].raw ? field_add(rs, lits[k].field) : FID_NONE;
                part[rs->nlits] = pi;
                flags[rs->nlits] = member_flags(&lits[k]);
                ids[rs->nlits] = (unsigned)rs->nlits;
                rs->lit_rule[rs->nlits] = (uint32_t)i;
                rs->lit_bit[rs->nlits] = (uint8_t)(1u << j);
                rs->nlits++;
            }
        }
        sigma_literal_sets_free(sets, nsets);
    }
    /* one database per partition, field and kind: sort the literals by the three, compile each run */
    struct lit_order *order = mm_calloc(rs->nlits ? rs->nlits : 1, sizeof *order);
    for (size_t i = 0; i < rs->nlits; i++)
        order[i] = (struct lit_order){ (uint32_t)i, part[i], fid[i], kind[i] };
    qsort(order, rs->nlits, sizeof *order, cmp_order);
    const char **e = mm_calloc(rs->nlits ? rs->nlits : 1, sizeof *e);
    unsigned *f = mm_calloc(rs->nlits ? rs->nlits : 1, sizeof *f), *d = mm_calloc(rs->nlits ? rs->nlits : 1, sizeof *d);
    size_t *l = mm_calloc(rs->nlits ? rs->nlits : 1, sizeof *l);
    for (size_t i = 0; i < rs->nlits; i++) {
        uint32_t k = order[i].lit;
        e[i] = exprs[k], f[i] = flags[k], d[i] = ids[k], l[i] = lens[k];
    }
    enum mm_status st = MM_OK;
    for (size_t from = 0, to; from < rs->nlits && st == MM_OK; from = to) {
        const struct lit_order *o = &order[from];
        for (to = from; to < rs->nlits && order[to].part == o->part && order[to].fid == o->fid &&
                        order[to].kind == o->kind;
             to++)
            ;
        struct lit_part *lp = &rs->parts[o->part];
        bool expr = o->kind >= 2;
        hs_database_t **db;
        uint32_t **re_ids;
        size_t *nre_ids;
        if (o->fid == FID_NONE) {
            db = &lp->db[o->kind];
            re_ids = &lp->re_ids[o->kind];
            nre_ids = &lp->nre_ids[o->kind];
        } else {
            if (!lp->nfl || lp->fl[lp->nfl - 1].fid != o->fid) {
                lp->fl = mm_reallocarray(lp->fl, lp->nfl + 1, sizeof *lp->fl);
                lp->fl[lp->nfl++] = (struct lit_field){ .fid = o->fid };
            }
            struct lit_field *lf = &lp->fl[lp->nfl - 1];
            db = &lf->db[expr];
            re_ids = &lf->re_ids;
            nre_ids = &lf->nre_ids;
        }
        hs_compile_error_t *ce = NULL;
        hs_error_t he = expr ? hs_compile_multi(e + from, f + from, d + from, (unsigned)(to - from), HS_MODE_BLOCK,
                                                NULL, db, &ce)
                             : hs_compile_lit_multi(e + from, f + from, d + from, l + from, (unsigned)(to - from),
                                                    HS_MODE_BLOCK, NULL, db, &ce);
        if (ce)
            hs_free_compile_error(ce);
        if (he == HS_SUCCESS) {
            rs->st.databases++;
            if (expr) {
                *re_ids = mm_calloc(to - from, sizeof **re_ids);
                memcpy(*re_ids, d + from, (to - from) * sizeof *d);
                *nre_ids = to - from;
            }
            continue;
        }
        if (!expr) {
            st = mm_error_set(err, MM_ERR_INVALID, "vectorscan cannot compile the rules' literals");
            break;
        }
        /* expressions that passed one by one but not together: their rules go back to being
         * evaluated on every event of their log source, so nothing is missed */
        *db = NULL;
        for (size_t k = from; k < to; k++) {
            uint32_t r = rs->lit_rule[d[k]];
            if (!rs->always[r]) {
                rs->always[r] = true;
                rs->st.prefiltered--;
            }
        }
    }
    rs->st.always = rs->n - rs->st.prefiltered;
    rs->st.literals = rs->nlits;
    rs->always_idx = mm_calloc(rs->n ? rs->n : 1, sizeof *rs->always_idx);
    for (size_t i = 0; i < rs->n; i++)
        if (rs->always[i])
            rs->always_idx[rs->nalways++] = (uint32_t)i;
    mm_free(order);
    mm_free(e);
    mm_free(f);
    mm_free(d);
    mm_free(l);
    mm_free(part);
    mm_free(fid);
    mm_free(kind);
    for (size_t i = 0; i < rs->nlits; i++)
        mm_free((void *)(uintptr_t)exprs[i]);
    mm_free(exprs);
    mm_free(flags);
    mm_free(ids);
    mm_free(lens);
    return st;
}

void sigma_ruleset_free(struct sigma_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++) {
        sigma_compiled_free(rs->comp[i]);
        sigma_rule_free(rs->rules[i]);
    }
    mm_free(rs->rules);
    mm_free(rs->comp);
    mm_free(rs->always);
    mm_free(rs->lit_rule);
    mm_free(rs->lit_bit);
    mm_free(rs->need);
    mm_free(rs->always_idx);
    for (size_t i = 0; i < rs->nfilters; i++)
        sigma_filter_free(rs->filters[i]);
    mm_free(rs->filters);
    mm_free(rs->filt);
    mm_free(rs->filt_off);
    for (size_t i = 0; i < rs->nparts; i++) {
        for (size_t k = 0; k < 4; k++) {
            if (rs->parts[i].db[k])
                hs_free_database(rs->parts[i].db[k]);
            mm_free(rs->parts[i].re_ids[k]);
        }
        for (size_t j = 0; j < rs->parts[i].nfl; j++) {
            struct lit_field *lf = &rs->parts[i].fl[j];
            for (size_t k = 0; k < 2; k++)
                if (lf->db[k])
                    hs_free_database(lf->db[k]);
            mm_free(lf->re_ids);
        }
        mm_free(rs->parts[i].fl);
        mm_free(rs->parts[i].product);
        mm_free(rs->parts[i].category);
        mm_free(rs->parts[i].service);
    }
    mm_free(rs->parts);
    mm_free(rs->fslot);
    mm_free(rs->fname);
    mm_free(rs);
}

void sigma_ruleset_stats(const struct sigma_ruleset *rs, struct sigma_ruleset_stats *st)
{
    *st = rs->st;
    st->events = atomic_load_explicit(&rs->events, memory_order_relaxed);
    st->candidates = atomic_load_explicit(&rs->candidates, memory_order_relaxed);
    st->evaluated = atomic_load_explicit(&rs->evaluated, memory_order_relaxed);
    st->matches = atomic_load_explicit(&rs->matches, memory_order_relaxed);
    st->suppressed = atomic_load_explicit(&rs->suppressed, memory_order_relaxed);
}

/* Add a scratch's counts to its ruleset's (the ruleset is shared by threads; a scratch is not). */
static void scratch_flush(struct sigma_scratch *s)
{
    struct sigma_ruleset *rs = (struct sigma_ruleset *)(uintptr_t)s->rs;
    atomic_fetch_add_explicit(&rs->events, s->events, memory_order_relaxed);
    atomic_fetch_add_explicit(&rs->candidates, s->candidates, memory_order_relaxed);
    atomic_fetch_add_explicit(&rs->evaluated, s->evaluated, memory_order_relaxed);
    atomic_fetch_add_explicit(&rs->matches, s->matches, memory_order_relaxed);
    atomic_fetch_add_explicit(&rs->suppressed, s->suppressed, memory_order_relaxed);
    s->events = s->candidates = s->evaluated = s->matches = s->suppressed = 0;
}

struct sigma_scratch *sigma_scratch_new(const struct sigma_ruleset *rs)
{
    struct sigma_scratch *s = mm_calloc(1, sizeof *s);
    s->rs = rs;
    s->cand = mm_calloc(rs->n ? rs->n : 1, 1);
    s->touched = mm_calloc(rs->n ? rs->n : 1, sizeof *s->touched);
    buf_init(&s->text, BUF_NO_MAX);
    buf_init(&s->why, BUF_NO_MAX);
    sigma_evctx_init(&s->evx);
    /* one scratch serves every database; it fails only without memory, which the project's
     * allocation wrappers treat as fatal too (a sensor without its prefilter would miss matches) */
    for (size_t i = 0; i < rs->nparts; i++) {
        for (size_t k = 0; k < 4; k++) {
            if (rs->parts[i].db[k] && hs_alloc_scratch(rs->parts[i].db[k], &s->hs) != HS_SUCCESS) {
                fputs("mamori: out of memory (vectorscan scratch)\n", stderr);
                abort();
            }
        }
        for (size_t j = 0; j < rs->parts[i].nfl; j++) {
            for (size_t k = 0; k < 2; k++) {
                hs_database_t *db = rs->parts[i].fl[j].db[k];
                if (db && hs_alloc_scratch(db, &s->hs) != HS_SUCCESS) {
                    fputs("mamori: out of memory (vectorscan scratch)\n", stderr);
                    abort();
                }
            }
        }
    }
    for (size_t i = 0; i < PART_CACHE; i++)
        s->cache[i].parts = mm_calloc(rs->nparts ? rs->nparts : 1, sizeof *s->cache[i].parts);
    return s;
}

void sigma_scratch_free(struct sigma_scratch *s)
{
    if (!s)
        return;
    scratch_flush(s);
    if (s->hs)
        hs_free_scratch(s->hs);
    mm_free(s->cand);
    mm_free(s->touched);
    for (size_t i = 0; i < PART_CACHE; i++)
        mm_free(s->cache[i].parts);
    buf_release(&s->text);
    buf_release(&s->why);
    sigma_evctx_release(&s->evx);
    mm_free(s);
}

static int on_literal(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                      void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    struct sigma_scratch *s = ctx;
    uint32_t r = s->rs->lit_rule[id];
    if (!s->cand[r])
        s->touched[s->ntouched++] = r;
    s->cand[r] |= s->rs->lit_bit[id];
    return 0;
}

/* The first of rule i's filters whose condition does not hold, or NULL: the match stands. */
static const struct sigma_filter *suppressed_by(const struct sigma_ruleset *rs, size_t i, const struct event *ev)
{
    if (!rs->filt_off)
        return NULL;
    for (uint32_t k = rs->filt_off[i]; k < rs->filt_off[i + 1]; k++)
        if (!sigma_filter_keeps(rs->filt[k], ev))
            return rs->filt[k];
    return NULL;
}

size_t sigma_ruleset_match(struct sigma_ruleset *rs, struct sigma_scratch *s, const struct event *ev,
                           sigma_hit_fn fn, void *ctx)
{
    return sigma_ruleset_match_report(rs, s, ev, fn, NULL, ctx);
}

/* Expressions run on vectorscan in UTF-8 mode (as PCRE2 runs them on the rules' behalf), which
 * needs valid UTF-8: text that is not (a raw byte a charset conversion let through) counts as
 * matching every expression, so the rules are evaluated exactly rather than missed. */
static void scan_expressions(struct sigma_scratch *s, const hs_database_t *db, const uint32_t *re_ids, size_t nre_ids,
                             const char *text, size_t len, int *utf8)
{
    if (*utf8 < 0)
        *utf8 = mm_utf8_valid(text, len);
    if (*utf8) {
        hs_scan(db, text, (unsigned)MM_MIN(len, (size_t)UINT32_MAX), 0, s->hs, on_literal, s);
        return;
    }
    for (size_t i = 0; i < nre_ids; i++)
        on_literal(re_ids[i], 0, 0, 0, s);
}

/* A partition's databases for field fid, or NULL. */
static const struct lit_field *part_field(const struct lit_part *lp, uint32_t fid)
{
    size_t lo = 0, hi = lp->nfl;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (lp->fl[mid].fid < fid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < lp->nfl && lp->fl[lo].fid == fid ? &lp->fl[lo] : NULL;
}

static bool part_fits(const char *part, const char *ev, bool category)
{
    if (!*part)
        return true;
    if (!ev)
        return false;
    if (category && !strcmp(part, "registry_event") && !strncasecmp(ev, "registry_", 9))
        return true;
    return !strcasecmp(part, ev);
}

/* The partitions whose rules the event's log source can match (the same test as
 * sigma_logsource_matches), cached by the log source's addresses. */
static size_t event_parts(const struct sigma_ruleset *rs, struct sigma_scratch *s, const struct event *ev,
                          const uint32_t **parts)
{
    const char *p = ev->logsource.product, *c = ev->logsource.category, *v = ev->logsource.service;
    for (size_t i = 0; i < PART_CACHE; i++) {
        if (s->cache[i].used && s->cache[i].product == p && s->cache[i].category == c && s->cache[i].service == v) {
            *parts = s->cache[i].parts;
            return s->cache[i].n;
        }
    }
    size_t slot = s->cache_next++ % PART_CACHE;
    s->cache[slot].product = p;
    s->cache[slot].category = c;
    s->cache[slot].service = v;
    s->cache[slot].used = true;
    s->cache[slot].n = 0;
    for (size_t i = 0; i < rs->nparts; i++)
        if (part_fits(rs->parts[i].product, p, false) && part_fits(rs->parts[i].category, c, true) &&
            part_fits(rs->parts[i].service, v, false))
            s->cache[slot].parts[s->cache[slot].n++] = (uint32_t)i;
    *parts = s->cache[slot].parts;
    return s->cache[slot].n;
}

size_t sigma_ruleset_match_report(struct sigma_ruleset *rs, struct sigma_scratch *s, const struct event *ev,
                                  sigma_hit_fn fn, sigma_suppressed_fn suppressed, void *ctx)
{
    s->events++;
    size_t fired = 0;
    s->ntouched = 0;
    sigma_evctx_reset(&s->evx, ev);
    if (rs->prefilter && s->hs) {
        /* each field value is scanned for the literals of its own field; keyword literals in the
         * raw message (a Windows event's JSON is twice its values, and its values are escaped in it) */
        const uint32_t *parts;
        size_t np = event_parts(rs, s, ev, &parts);
        uint32_t fids[EVENT_MAX_FIELDS];
        int8_t futf8[EVENT_MAX_FIELDS];
        bool have_fids = false, have_text = false;
        int text_utf8 = -1, raw_utf8 = -1; /* not checked yet */
        for (size_t k = 0; k < np; k++) {
            const struct lit_part *lp = &rs->parts[parts[k]];
            if (lp->nfl && ev->nfields) {
                if (!have_fids) {
                    for (unsigned i = 0; i < ev->nfields; i++) {
                        fids[i] = field_id(rs, ev->fields[i].name, ev->fields[i].name_len);
                        futf8[i] = -1;
                    }
                    have_fids = true;
                }
                for (unsigned i = 0; i < ev->nfields; i++) {
                    const struct lit_field *lf = fids[i] == FID_NONE ? NULL : part_field(lp, fids[i]);
                    if (!lf)
                        continue;
                    const struct event_field *fv = &ev->fields[i];
                    if (lf->db[0] && fv->len)
                        hs_scan(lf->db[0], fv->value, (unsigned)MM_MIN(fv->len, (size_t)UINT32_MAX), 0, s->hs,
                                on_literal, s);
                    if (lf->db[1]) {
                        int u = futf8[i];
                        scan_expressions(s, lf->db[1], lf->re_ids, lf->nre_ids, fv->value, fv->len, &u);
                        futf8[i] = (int8_t)u;
                    }
                }
            }
            if ((lp->db[0] || lp->db[2]) && ev->nfields) {
                struct buf *t = &s->text;
                if (!have_text) {
                    buf_reset(t);
                    for (unsigned i = 0; i < ev->nfields; i++) {
                        buf_append(t, ev->fields[i].value, ev->fields[i].len);
                        buf_append_char(t, '\n');
                    }
                    have_text = true;
                }
                if (lp->db[0])
                    hs_scan(lp->db[0], t->data, (unsigned)MM_MIN(t->len, (size_t)UINT32_MAX), 0, s->hs, on_literal, s);
                if (lp->db[2])
                    scan_expressions(s, lp->db[2], lp->re_ids[2], lp->nre_ids[2], t->data, t->len, &text_utf8);
            }
            if (lp->db[1] && ev->raw_len)
                hs_scan(lp->db[1], ev->raw, (unsigned)MM_MIN(ev->raw_len, (size_t)UINT32_MAX), 0, s->hs, on_literal,
                        s);
            if (lp->db[3] && ev->raw_len)
                scan_expressions(s, lp->db[3], lp->re_ids[3], lp->nre_ids[3], ev->raw, ev->raw_len, &raw_utf8);
        }
        s->candidates += s->ntouched;
    }
    /* the rules that need no literal, then the candidates the scan found */
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass ? s->ntouched : rs->nalways;
        for (size_t k = 0; k < n; k++) {
            size_t i = pass ? s->touched[k] : rs->always_idx[k];
            if (pass && s->cand[i] != rs->need[i])
                continue; /* some literal set had no member in the text */
            const struct sigma_rule *r = rs->rules[i];
            if (!sigma_logsource_matches(r, ev))
                continue;
            s->evaluated++;
            if (sigma_match_ctx(rs->comp[i], &s->evx, fn ? &s->why : NULL)) {
                const struct sigma_filter *f = suppressed_by(rs, i, ev);
                if (f) {
                    s->suppressed++;
                    if (suppressed)
                        suppressed(ctx, r, f);
                    continue;
                }
                fired++;
                s->matches++;
                if (fn)
                    fn(ctx, r, s->why.data);
            }
        }
    }
    for (size_t k = 0; k < s->ntouched; k++)
        s->cand[s->touched[k]] = 0;
    if (s->events >= 256)
        scratch_flush(s);
    return fired;
}
