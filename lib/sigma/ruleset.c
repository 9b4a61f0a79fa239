/* SPDX-License-Identifier: Apache-2.0 */
/* ruleset.c: the literal prefilter on vectorscan and exact matching of the candidates. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "ruleset.h"

#include <hs/hs.h>

struct sigma_ruleset {
    struct sigma_rule **rules;
    struct sigma_compiled **comp;
    bool *always; /* no required literals: evaluated on every event of its log source */
    size_t n, cap;
    uint32_t *always_idx;
    size_t nalways;
    /* literal id -> rule */
    uint32_t *lit_rule;
    size_t nlits;
    hs_database_t *db;
    bool prefilter;
    struct sigma_ruleset_stats st;
};

struct sigma_scratch {
    hs_scratch_t *hs;
    uint8_t *cand; /* per rule: a literal occurred */
    uint32_t *touched;
    size_t ntouched;
    struct buf text, why;
    const struct sigma_ruleset *rs;
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

enum mm_status sigma_ruleset_build(struct sigma_ruleset *rs, bool prefilter, struct mm_error *err)
{
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
    for (size_t i = 0; i < rs->n; i++) {
        struct sigma_literal *lits;
        size_t n;
        if (!sigma_required_literals(rs->comp[i], &lits, &n))
            continue;
        rs->always[i] = false;
        rs->st.prefiltered++;
        for (size_t k = 0; k < n; k++) {
            if (rs->nlits == cap) {
                cap = cap ? cap * 2 : 4096;
                exprs = mm_reallocarray(exprs, cap, sizeof *exprs);
                flags = mm_reallocarray(flags, cap, sizeof *flags);
                ids = mm_reallocarray(ids, cap, sizeof *ids);
                lens = mm_reallocarray(lens, cap, sizeof *lens);
                rs->lit_rule = mm_reallocarray(rs->lit_rule, cap, sizeof *rs->lit_rule);
            }
            exprs[rs->nlits] = lits[k].s;
            lits[k].s = NULL; /* kept until compiled */
            lens[rs->nlits] = lits[k].n;
            flags[rs->nlits] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
            ids[rs->nlits] = (unsigned)rs->nlits;
            rs->lit_rule[rs->nlits] = (uint32_t)i;
            rs->nlits++;
        }
        sigma_literals_free(lits, n);
    }
    rs->st.always = rs->n - rs->st.prefiltered;
    rs->st.literals = rs->nlits;
    rs->always_idx = mm_calloc(rs->n ? rs->n : 1, sizeof *rs->always_idx);
    for (size_t i = 0; i < rs->n; i++)
        if (rs->always[i])
            rs->always_idx[rs->nalways++] = (uint32_t)i;
    enum mm_status st = MM_OK;
    if (rs->nlits) {
        hs_compile_error_t *ce = NULL;
        if (hs_compile_lit_multi(exprs, flags, ids, lens, (unsigned)rs->nlits, HS_MODE_BLOCK, NULL, &rs->db, &ce) !=
            HS_SUCCESS) {
            st = mm_error_set(err, MM_ERR_INVALID, "vectorscan: %s", ce ? ce->message : "cannot compile");
            hs_free_compile_error(ce);
        }
    }
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
    mm_free(rs->always_idx);
    if (rs->db)
        hs_free_database(rs->db);
    mm_free(rs);
}

void sigma_ruleset_stats(const struct sigma_ruleset *rs, struct sigma_ruleset_stats *st)
{
    *st = rs->st;
}

struct sigma_scratch *sigma_scratch_new(const struct sigma_ruleset *rs)
{
    struct sigma_scratch *s = mm_calloc(1, sizeof *s);
    s->rs = rs;
    s->cand = mm_calloc(rs->n ? rs->n : 1, 1);
    s->touched = mm_calloc(rs->n ? rs->n : 1, sizeof *s->touched);
    buf_init(&s->text, BUF_NO_MAX);
    buf_init(&s->why, BUF_NO_MAX);
    if (rs->db && hs_alloc_scratch(rs->db, &s->hs) != HS_SUCCESS)
        s->hs = NULL;
    return s;
}

void sigma_scratch_free(struct sigma_scratch *s)
{
    if (!s)
        return;
    if (s->hs)
        hs_free_scratch(s->hs);
    mm_free(s->cand);
    mm_free(s->touched);
    buf_release(&s->text);
    buf_release(&s->why);
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
    if (!s->cand[r]) {
        s->cand[r] = 1;
        s->touched[s->ntouched++] = r;
    }
    return 0;
}

size_t sigma_ruleset_match(struct sigma_ruleset *rs, struct sigma_scratch *s, const struct event *ev,
                           sigma_hit_fn fn, void *ctx)
{
    rs->st.events++;
    size_t fired = 0;
    s->ntouched = 0;
    if (rs->prefilter && rs->db && s->hs) {
        /* the text a literal can be in: the raw message and every field value */
        struct buf *t = &s->text;
        buf_reset(t);
        buf_append(t, ev->raw, ev->raw_len);
        for (unsigned i = 0; i < ev->nfields; i++) {
            buf_append_char(t, '\n');
            buf_append(t, ev->fields[i].value, ev->fields[i].len);
        }
        hs_scan(rs->db, t->data, (unsigned)MM_MIN(t->len, (size_t)UINT32_MAX), 0, s->hs, on_literal, s);
        rs->st.candidates += s->ntouched;
    }
    /* the rules that need no literal, then the candidates the scan found */
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass ? s->ntouched : rs->nalways;
        for (size_t k = 0; k < n; k++) {
            size_t i = pass ? s->touched[k] : rs->always_idx[k];
            const struct sigma_rule *r = rs->rules[i];
            if (!sigma_logsource_matches(r, ev))
                continue;
            rs->st.evaluated++;
            if (sigma_match(rs->comp[i], ev, fn ? &s->why : NULL)) {
                fired++;
                rs->st.matches++;
                if (fn)
                    fn(ctx, r, s->why.data);
            }
        }
    }
    for (size_t k = 0; k < s->ntouched; k++)
        s->cand[s->touched[k]] = 0;
    return fired;
}
