/* SPDX-License-Identifier: Apache-2.0 */
/* engine.c: the detection engine's two halves (worker records, detection thread) and the
 * reference-counted generations of rules and IOC sets they share. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/mtime.h"
#include "event/json.h"
#include "ioc/ioc.h"
#include "sigma/correlation.h"
#include "sigma/filter.h"
#include "sigma/load.h"
#include "sigma/match.h"
#include "sigma/ruleset.h"
#include "engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

/* One loaded generation of Sigma rules. Workers match with the ruleset; the correlation engine
 * (its state included) is used by the detection thread only. */
struct detect_rules {
    _Atomic long refs;
    uint64_t generation;
    struct sigma_ruleset *rs;
    struct sigma_corr_engine *corr;
    size_t nrules, ncorr, nfilters, refused;
};

/* One loaded generation of IOC sets, with the files' change times it was loaded from. */
struct detect_ioc {
    _Atomic long refs;
    uint64_t generation;
    struct ioc_set *set;
    struct timespec *mtimes;
};

struct detect {
    struct detect_options o;
    char **rule_paths, **ioc_paths;
    struct sigma_placeholders ph;
    pthread_mutex_t lock; /* guards rules, ioc and problems against reload */
    struct detect_rules *rules;
    struct detect_ioc *ioc;
    _Atomic unsigned generation; /* bumped on any swap: workers compare and pick up the new ones */
    uint64_t rules_generation, ioc_generation;
    struct buf problems;
    /* counters summed over workers (each worker adds its own at batch boundaries) */
    _Atomic uint64_t events, sigma_hits, ioc_hits, facts;
    /* detection thread */
    struct alert_sink *sink;
    struct detectors *det;
    struct detect_rules *thread_rules; /* whose correlation windows the ticks advance */
    int64_t max_event_ns, wall_at_max;
    _Atomic uint64_t suppressed;
    struct event ev; /* events rebuilt from records for correlations */
    struct buf tmp, key, group;
    pthread_mutex_t stats_lock; /* guards the snapshot below, read by detect_stats */
    struct alert_sink_stats sink_snap;
    struct sigma_corr_stats corr_snap;
};

struct detect_worker {
    struct detect *d;
    unsigned generation;
    struct detect_rules *rules;
    struct detect_ioc *ioc;
    struct sigma_scratch *scratch;
    struct detect_rules *batch_rules; /* the rules the batch's last REC_RULES names */
    struct buf *batch;                /* during detect_worker_event */
    const struct event *ev;
    struct buf json;
    uint64_t events, sigma_hits, ioc_hits, facts; /* not yet added to d's */
};

/* ---- records ---- */

enum rec_type { REC_RULES = 1, REC_SIGMA, REC_IOC, REC_FACT };

struct rec_hdr {
    uint32_t len; /* the whole record, header included, padded to 8 */
    uint8_t type;
    uint8_t pad[3];
};

static void put(struct buf *b, const void *p, size_t n)
{
    buf_append(b, p, n);
}

static void put_u32(struct buf *b, uint32_t v)
{
    put(b, &v, sizeof v);
}

static void put_i64(struct buf *b, int64_t v)
{
    put(b, &v, sizeof v);
}

static void put_str(struct buf *b, const char *p, size_t n)
{
    put_u32(b, (uint32_t)n);
    if (n)
        put(b, p, n);
}

static void put_cstr(struct buf *b, const char *s)
{
    put_str(b, s ? s : "", s ? strlen(s) : 0);
}

static size_t rec_begin(struct buf *b, enum rec_type t)
{
    size_t at = b->len;
    struct rec_hdr h = { 0, (uint8_t)t, { 0 } };
    put(b, &h, sizeof h);
    return at;
}

static void rec_end(struct buf *b, size_t at)
{
    while ((b->len - at) % 8)
        buf_append_char(b, '\0');
    uint32_t len = (uint32_t)(b->len - at);
    memcpy(b->data + at, &len, sizeof len);
}

struct reader {
    const char *p, *end;
    bool bad;
};

static void get(struct reader *r, void *out, size_t n)
{
    if ((size_t)(r->end - r->p) < n) {
        r->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

static uint32_t get_u32(struct reader *r)
{
    uint32_t v;
    get(r, &v, sizeof v);
    return v;
}

static int64_t get_i64(struct reader *r)
{
    int64_t v;
    get(r, &v, sizeof v);
    return v;
}

static struct slice get_str(struct reader *r)
{
    uint32_t n = get_u32(r);
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return (struct slice){ "", 0 };
    }
    struct slice s = { r->p, n };
    r->p += n;
    return s;
}

static void *get_ptr(struct reader *r)
{
    void *p;
    get(r, &p, sizeof p);
    return p;
}

/* The event as records carry it: times, log source (static strings: pointers), host, fields, and
 * the JSON an alert shows. */
static void put_event(struct buf *b, const struct event *ev, const struct buf *json)
{
    put_i64(b, ev->time_ns);
    put_i64(b, ev->receive_ns);
    const char *ls[3] = { ev->logsource.product, ev->logsource.category, ev->logsource.service };
    put(b, ls, sizeof ls);
    put_str(b, ev->host.p, ev->host.len);
    put_cstr(b, ev->peer);
    put_u32(b, ev->nfields);
    for (unsigned i = 0; i < ev->nfields; i++) {
        const struct event_field *f = &ev->fields[i];
        put_u32(b, f->type);
        put_str(b, f->name, f->name_len);
        put_str(b, f->value, f->len);
    }
    put_str(b, json->data, json->len);
}

struct rec_event {
    int64_t time_ns, receive_ns;
    const char *ls[3];
    struct slice host, peer, json;
    const char *fields; /* where the fields start, for rebuild */
    uint32_t nfields;
};

static void get_event(struct reader *r, struct rec_event *e)
{
    e->time_ns = get_i64(r);
    e->receive_ns = get_i64(r);
    get(r, e->ls, sizeof e->ls);
    e->host = get_str(r);
    e->peer = get_str(r);
    e->nfields = get_u32(r);
    e->fields = r->p;
    for (uint32_t i = 0; i < e->nfields && !r->bad; i++) {
        get_u32(r);
        get_str(r);
        get_str(r);
    }
    e->json = get_str(r);
}

/* Rebuild a struct event (fields copied into its arena) for the correlation engine. */
static void rebuild_event(struct event *ev, const struct rec_event *e)
{
    event_reset(ev);
    ev->time_ns = e->time_ns;
    ev->receive_ns = e->receive_ns;
    event_set_logsource(ev, e->ls[0], e->ls[1], e->ls[2]);
    struct reader r = { e->fields, e->json.p, false };
    for (uint32_t i = 0; i < e->nfields && !r.bad; i++) {
        uint32_t type = get_u32(&r);
        struct slice n = get_str(&r), v = get_str(&r);
        event_add_dynamic(ev, n.p, n.len, v.p, v.len, (enum field_type)type, true);
    }
    char *h = event_strdup(ev, e->host.p, e->host.len);
    if (h)
        ev->host = slice_make(h, e->host.len);
}

static int64_t event_time(int64_t time_ns, int64_t receive_ns)
{
    return time_ns ? time_ns : receive_ns;
}

/* ---- generations ---- */

static void rules_unref(struct detect_rules *r)
{
    if (!r || atomic_fetch_sub(&r->refs, 1) != 1)
        return;
    sigma_corr_engine_free(r->corr);
    sigma_ruleset_free(r->rs);
    mm_free(r);
}

static struct detect_rules *rules_ref(struct detect_rules *r)
{
    atomic_fetch_add(&r->refs, 1);
    return r;
}

/* Load the rule paths into a new generation. Problems go to d->problems; NULL only when strict
 * and something was refused, or the rules cannot be put together at all. */
static struct detect_rules *rules_load(struct detect *d, struct buf *problems, struct mm_error *err)
{
    struct sigma_load ld;
    sigma_load_paths(&ld, (const char *const *)d->rule_paths, d->o.nrules, d->ph.n ? &d->ph : NULL);
    buf_append(problems, ld.problems.data, ld.problems.len);
    struct detect_rules *r = mm_calloc(1, sizeof *r);
    atomic_init(&r->refs, 1);
    r->refused = ld.refused + ld.placeholders + ld.other + ld.unreadable;
    r->rs = sigma_ruleset_new();
    struct sigma_corr_options co = { d->o.corr_max_bytes, d->o.corr_max_events };
    r->corr = sigma_corr_engine_new(&co);
    struct mm_error e;
    for (size_t i = 0; i < ld.ncorrelations; i++) {
        struct sigma_corr *c = sigma_corr_compile(ld.correlations[i].doc, ld.correlations[i].path, &e);
        if (!c) {
            buf_printf(problems, "%s: %s\n", ld.correlations[i].path, e.msg);
            r->refused++;
            continue;
        }
        sigma_corr_engine_add(r->corr, c);
        r->ncorr++;
    }
    /* the correlation engine keeps pointers to the rules: they live in the ruleset from here on */
    if (sigma_corr_engine_build(r->corr, (const struct sigma_rule *const *)ld.rules, ld.nrules, &e) != MM_OK) {
        buf_printf(problems, "correlations: %s\n", e.msg);
        mm_error_set(err, MM_ERR_INVALID, "%s", e.msg);
        goto fail;
    }
    /* filters that name a rule not loaded, or one whose log source they do not cover, are
     * reported and left out; the others apply */
    for (size_t i = 0; i < ld.nfilters; i++) {
        struct sigma_filter *f = sigma_filter_compile(ld.filters[i].doc, ld.filters[i].path,
                                                      d->ph.n ? &d->ph : NULL, &e);
        if (!f || sigma_filters_check(&f, 1, ld.rules, ld.nrules, problems)) {
            if (!f)
                buf_printf(problems, "%s: %s\n", ld.filters[i].path, e.msg);
            sigma_filter_free(f);
            r->refused++;
            continue;
        }
        sigma_ruleset_add_filter(r->rs, f);
        r->nfilters++;
    }
    for (size_t i = 0; i < ld.nrules; i++) {
        sigma_ruleset_add(r->rs, ld.rules[i], ld.comp[i]);
        ld.rules[i] = NULL;
        ld.comp[i] = NULL;
    }
    r->nrules = ld.nrules;
    ld.nrules = 0;
    if (sigma_ruleset_build(r->rs, true, &e) != MM_OK) {
        buf_printf(problems, "rules: %s\n", e.msg);
        mm_error_set(err, MM_ERR_INVALID, "%s", e.msg);
        goto fail;
    }
    sigma_load_release(&ld);
    if (d->o.strict && r->refused) {
        mm_error_set(err, MM_ERR_INVALID, "%zu rule documents not accepted (strict): %s", r->refused,
                     problems->data);
        rules_unref(r);
        return NULL;
    }
    return r;
fail:
    sigma_load_release(&ld);
    rules_unref(r);
    return NULL;
}

static void ioc_unref(struct detect_ioc *g)
{
    if (!g || atomic_fetch_sub(&g->refs, 1) != 1)
        return;
    ioc_set_free(g->set);
    mm_free(g->mtimes);
    mm_free(g);
}

static struct detect_ioc *ioc_ref(struct detect_ioc *g)
{
    atomic_fetch_add(&g->refs, 1);
    return g;
}

static void file_mtime(const char *path, struct timespec *ts)
{
    struct stat sb;
    if (stat(path, &sb) == 0)
        *ts = sb.st_mtim;
    else
        *ts = (struct timespec){ -1, 0 };
}

static struct detect_ioc *ioc_load(struct detect *d, struct buf *problems, struct mm_error *err)
{
    struct detect_ioc *g = mm_calloc(1, sizeof *g);
    atomic_init(&g->refs, 1);
    g->mtimes = mm_calloc(d->o.nioc + 1, sizeof *g->mtimes);
    for (size_t i = 0; i < d->o.nioc; i++)
        file_mtime(d->ioc_paths[i], &g->mtimes[i]);
    struct ioc_load_options lo;
    ioc_load_options_init(&lo);
    struct ioc_file_stats *st = NULL;
    size_t failed = 0;
    g->set = ioc_set_load_files((const char *const *)d->ioc_paths, d->o.nioc, &lo, &st, &failed);
    for (size_t i = 0; i < d->o.nioc; i++) {
        for (size_t k = 0; k < st[i].nproblems; k++)
            buf_printf(problems, "%s:%u: %s\n", d->ioc_paths[i], st[i].problems[k].line, st[i].problems[k].msg);
        if (st[i].problems_omitted)
            buf_printf(problems, "%s: %llu more problems\n", d->ioc_paths[i],
                       (unsigned long long)st[i].problems_omitted);
        if (st[i].refused && !st[i].nproblems)
            buf_printf(problems, "%s: refused\n", d->ioc_paths[i]);
    }
    mm_free(st);
    if (failed && d->o.strict) {
        mm_error_set(err, MM_ERR_INVALID, "%zu IOC files not loaded cleanly (strict): %s", failed, problems->data);
        ioc_unref(g);
        return NULL;
    }
    return g;
}

void detect_options_default(struct detect_options *o)
{
    memset(o, 0, sizeof *o);
    o->corr_max_bytes = SIGMA_CORR_DEFAULT_MAX_BYTES;
    o->corr_max_events = SIGMA_CORR_DEFAULT_MAX_EVENTS;
    detectors_config_defaults(&o->det);
    alert_sink_options_default(&o->alerts);
}

static char **copy_paths(const char *const *p, size_t n)
{
    char **c = mm_calloc(n + 1, sizeof *c);
    for (size_t i = 0; i < n; i++)
        c[i] = mm_strdup(p[i]);
    return c;
}

static void free_paths(char **p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        mm_free(p[i]);
    mm_free(p);
}

static void log_problems(const char *what, const struct buf *problems)
{
    const char *p = problems->data, *end = p + problems->len;
    unsigned shown = 0, total = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (shown++ < 20)
            mm_log_warn("detect", "%s not accepted: %.*s", what, (int)n, p);
        total++;
        p += n + 1;
    }
    if (total > 20)
        mm_log_warn("detect", "%u more %s problems (mamori rules check lists them all)", total - 20, what);
}

/* Load rules and IOC sets (the part of detect_open that reads files); quiet: do not log the
 * documents not accepted (the caller shows d->problems). */
static struct detect *load(const struct detect_options *o, bool quiet, struct mm_error *err)
{
    struct detect *d = mm_calloc(1, sizeof *d);
    d->o = *o;
    d->rule_paths = copy_paths(o->rules, o->nrules);
    d->ioc_paths = copy_paths(o->ioc, o->nioc);
    d->o.rules = (const char *const *)d->rule_paths;
    d->o.ioc = (const char *const *)d->ioc_paths;
    pthread_mutex_init(&d->lock, NULL);
    pthread_mutex_init(&d->stats_lock, NULL);
    buf_init(&d->problems, BUF_NO_MAX);
    buf_init(&d->tmp, BUF_NO_MAX);
    buf_init(&d->key, BUF_NO_MAX);
    buf_init(&d->group, BUF_NO_MAX);
    event_init(&d->ev);
    if (o->placeholders && *o->placeholders &&
        sigma_placeholders_load(o->placeholders, &d->ph, err) != MM_OK)
        goto fail;
    struct buf rp;
    buf_init(&rp, BUF_NO_MAX);
    d->rules = rules_load(d, &rp, err);
    if (!quiet)
        log_problems("rule", &rp);
    buf_append(&d->problems, rp.data, rp.len);
    buf_release(&rp);
    if (!d->rules)
        goto fail;
    d->rules->generation = d->rules_generation = 1;
    struct buf ip;
    buf_init(&ip, BUF_NO_MAX);
    d->ioc = ioc_load(d, &ip, err);
    if (!quiet)
        log_problems("IOC", &ip);
    buf_append(&d->problems, ip.data, ip.len);
    buf_release(&ip);
    if (!d->ioc)
        goto fail;
    d->ioc->generation = d->ioc_generation = 1;
    atomic_init(&d->generation, 1);
    d->thread_rules = rules_ref(d->rules);
    return d;
fail:
    detect_close(d);
    return NULL;
}

enum mm_status detect_check(const struct detect_options *o, struct detect_stats *st, struct buf *problems,
                            struct mm_error *err)
{
    struct detect *d = load(o, true, err);
    if (!d)
        return MM_ERR_INVALID;
    detect_stats(d, st);
    buf_append(problems, d->problems.data, d->problems.len);
    detect_close(d);
    return MM_OK;
}

struct detect *detect_open(const struct detect_options *o, struct mm_error *err)
{
    struct detect *d = load(o, false, err);
    if (!d)
        return NULL;
    if (o->detectors)
        d->det = detectors_new(&o->det);
    d->sink = alert_sink_open(&o->alerts, err);
    if (!d->sink) {
        detect_close(d);
        return NULL;
    }
    return d;
    return NULL;
}

enum mm_status detect_reload(struct detect *d, struct mm_error *err)
{
    struct buf problems;
    buf_init(&problems, BUF_NO_MAX);
    struct detect_rules *r = rules_load(d, &problems, err);
    struct detect_ioc *g = r ? ioc_load(d, &problems, err) : NULL;
    log_problems("rule or IOC", &problems);
    if (!r || !g) {
        rules_unref(r);
        buf_release(&problems);
        return MM_ERR_INVALID;
    }
    pthread_mutex_lock(&d->lock);
    struct detect_rules *old_r = d->rules;
    struct detect_ioc *old_g = d->ioc;
    r->generation = ++d->rules_generation;
    g->generation = ++d->ioc_generation;
    d->rules = r;
    d->ioc = g;
    buf_reset(&d->problems);
    buf_append(&d->problems, problems.data, problems.len);
    atomic_fetch_add(&d->generation, 1);
    pthread_mutex_unlock(&d->lock);
    rules_unref(old_r);
    ioc_unref(old_g);
    buf_release(&problems);
    mm_log_info("detect", "rules reloaded: %zu rules, %zu correlations, %zu filters, %zu not accepted; "
                "IOC sets reloaded", r->nrules, r->ncorr, r->nfilters, r->refused);
    return MM_OK;
}

bool detect_ioc_refresh(struct detect *d)
{
    if (!d->o.nioc)
        return false;
    pthread_mutex_lock(&d->lock);
    bool changed = false;
    for (size_t i = 0; i < d->o.nioc && !changed; i++) {
        struct timespec ts;
        file_mtime(d->ioc_paths[i], &ts);
        changed = ts.tv_sec != d->ioc->mtimes[i].tv_sec || ts.tv_nsec != d->ioc->mtimes[i].tv_nsec;
    }
    pthread_mutex_unlock(&d->lock);
    if (!changed)
        return false;
    struct buf problems;
    buf_init(&problems, BUF_NO_MAX);
    struct mm_error err;
    struct detect_ioc *g = ioc_load(d, &problems, &err);
    log_problems("IOC", &problems);
    buf_release(&problems);
    if (!g) {
        mm_log_error("detect", "IOC files changed but were not reloaded: %s", err.msg);
        return false;
    }
    pthread_mutex_lock(&d->lock);
    struct detect_ioc *old = d->ioc;
    g->generation = ++d->ioc_generation;
    d->ioc = g;
    atomic_fetch_add(&d->generation, 1);
    pthread_mutex_unlock(&d->lock);
    ioc_unref(old);
    struct ioc_set_info info;
    ioc_set_info(g->set, &info);
    mm_log_info("detect", "IOC files changed: reloaded, %llu indicators", (unsigned long long)info.total);
    return true;
}

void detect_close(struct detect *d)
{
    if (!d)
        return;
    alert_sink_close(d->sink);
    detectors_free(d->det);
    rules_unref(d->thread_rules);
    rules_unref(d->rules);
    ioc_unref(d->ioc);
    sigma_placeholders_free(&d->ph);
    free_paths(d->rule_paths, d->o.nrules);
    free_paths(d->ioc_paths, d->o.nioc);
    buf_release(&d->problems);
    buf_release(&d->tmp);
    buf_release(&d->key);
    buf_release(&d->group);
    event_release(&d->ev);
    pthread_mutex_destroy(&d->lock);
    pthread_mutex_destroy(&d->stats_lock);
    mm_free(d);
}

const char *detect_problems(struct detect *d)
{
    return d->problems.data;
}

/* ---- worker side ---- */

static void worker_adopt(struct detect_worker *w)
{
    struct detect *d = w->d;
    pthread_mutex_lock(&d->lock);
    w->generation = atomic_load(&d->generation);
    struct detect_rules *r = d->rules != w->rules ? rules_ref(d->rules) : NULL;
    struct detect_ioc *g = d->ioc != w->ioc ? ioc_ref(d->ioc) : NULL;
    pthread_mutex_unlock(&d->lock);
    if (r) {
        sigma_scratch_free(w->scratch);
        rules_unref(w->rules);
        w->rules = r;
        w->scratch = sigma_scratch_new(r->rs);
    }
    if (g) {
        ioc_unref(w->ioc);
        w->ioc = g;
    }
}

struct detect_worker *detect_worker_new(struct detect *d)
{
    struct detect_worker *w = mm_calloc(1, sizeof *w);
    w->d = d;
    buf_init(&w->json, BUF_NO_MAX);
    worker_adopt(w);
    return w;
}

void detect_worker_sync(struct detect_worker *w)
{
    struct detect *d = w->d;
    atomic_fetch_add_explicit(&d->events, w->events, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->sigma_hits, w->sigma_hits, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->ioc_hits, w->ioc_hits, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->facts, w->facts, memory_order_relaxed);
    w->events = w->sigma_hits = w->ioc_hits = w->facts = 0;
}

void detect_worker_free(struct detect_worker *w)
{
    if (!w)
        return;
    detect_worker_sync(w);
    sigma_scratch_free(w->scratch);
    rules_unref(w->rules);
    ioc_unref(w->ioc);
    buf_release(&w->json);
    mm_free(w);
}

/* Every batch that holds records starts with the rules they point into (a reference the
 * detection thread drops), and names them again when the worker moved to newer rules. */
static void need_rules(struct detect_worker *w)
{
    struct buf *b = w->batch;
    if (b->len && w->batch_rules == w->rules)
        return;
    size_t at = rec_begin(b, REC_RULES);
    const void *p = rules_ref(w->rules);
    put(b, &p, sizeof p);
    rec_end(b, at);
    w->batch_rules = w->rules;
}

static const struct buf *event_json(struct detect_worker *w)
{
    if (!w->json.len && event_to_json(w->ev, &w->json, EVENT_JSON_RAW) != MM_OK)
        buf_reset(&w->json);
    return &w->json;
}

static void on_sigma(void *ctx, const struct sigma_rule *r, const char *why)
{
    struct detect_worker *w = ctx;
    w->sigma_hits++;
    need_rules(w);
    const struct buf *json = event_json(w);
    size_t at = rec_begin(w->batch, REC_SIGMA);
    put(w->batch, &r, sizeof r);
    put_cstr(w->batch, why);
    put_event(w->batch, w->ev, json);
    rec_end(w->batch, at);
}

static void on_ioc(void *ctx, const struct ioc_hit *h)
{
    struct detect_worker *w = ctx;
    const struct ioc_indicator *in = h->indicator;
    w->ioc_hits++;
    need_rules(w);
    const struct buf *json = event_json(w);
    size_t at = rec_begin(w->batch, REC_IOC);
    put_u32(w->batch, in->type);
    put_u32(w->batch, in->confidence);
    put_i64(w->batch, in->expiry_ns);
    put_str(w->batch, in->value, in->len);
    put_cstr(w->batch, in->source);
    put_cstr(w->batch, in->description);
    put_cstr(w->batch, in->reference);
    put_str(w->batch, h->field, h->field_len);
    put_str(w->batch, h->value, h->value_len);
    put_str(w->batch, h->matched, h->matched_len);
    put_event(w->batch, w->ev, json);
    rec_end(w->batch, at);
}

void detect_worker_event(struct detect_worker *w, const struct event *ev, struct buf *batch)
{
    struct detect *d = w->d;
    if (atomic_load_explicit(&d->generation, memory_order_acquire) != w->generation)
        worker_adopt(w);
    w->batch = batch;
    w->ev = ev;
    buf_reset(&w->json);
    sigma_ruleset_match(w->rules->rs, w->scratch, ev, on_sigma, w);
    ioc_match_event(w->ioc->set, ev, ev->receive_ns, on_ioc, w);
    struct detect_fact f;
    if (d->det && detect_extract(&d->o.det, ev, &f)) {
        w->facts++;
        need_rules(w);
        size_t at = rec_begin(batch, REC_FACT);
        put(batch, &f, detect_fact_size(&f));
        rec_end(batch, at);
    }
    if (++w->events >= 1024)
        detect_worker_sync(w);
}

/* ---- detection thread ---- */

/* The host an alert is about: the event's own host name, else the sender's address. */
static struct slice alert_host(const struct rec_event *e)
{
    if (e->host.len)
        return e->host;
    struct slice p = e->peer; /* "addr:port" or "[v6addr]:port" */
    if (p.len && p.p[0] == '[') {
        const char *rb = memchr(p.p, ']', p.len);
        if (rb)
            return slice_make(p.p + 1, (size_t)(rb - p.p) - 1);
    }
    const char *colon = p.len ? memchr(p.p, ':', p.len) : NULL;
    return colon ? slice_make(p.p, (size_t)(colon - p.p)) : p;
}

static void note_time(struct detect *d, int64_t t)
{
    if (t > d->max_event_ns) {
        d->max_event_ns = t;
        d->wall_at_max = mm_now_ns();
    }
}

static void report_sigma(struct detect *d, const struct sigma_rule *r, struct slice why, const struct rec_event *e)
{
    struct slice host = alert_host(e);
    buf_reset(&d->key);
    buf_append(&d->key, host.p, host.len);
    buf_reset(&d->group);
    buf_append_str(&d->group, "{\"host\":");
    json_write_string(&d->group, host.p, host.len);
    buf_append_char(&d->group, '}');
    buf_reset(&d->tmp);
    buf_append(&d->tmp, why.p, why.len);
    int64_t t = event_time(e->time_ns, e->receive_ns);
    const char *ev = e->json.p;
    size_t evlen = e->json.len;
    struct alert_report rep = {
        .source = "sigma",
        .rule_id = r->id ? r->id : r->title,
        .title = r->title,
        .level = r->level,
        .status = r->status,
        .path = r->path,
        .tags = (const char *const *)r->tags,
        .ntags = r->ntags,
        .key = d->key.data,
        .group_json = d->group.data,
        .why = d->tmp.data,
        .first_ns = t,
        .last_ns = t,
        .count = 1,
        .events = &ev,
        .event_lens = &evlen,
        .nevents = evlen ? 1 : 0,
    };
    alert_sink_report(d->sink, &rep, mm_now_ns());
}

static void fmt_duration(int64_t ns, char *out, size_t n)
{
    int64_t s = ns / MM_NS_PER_SEC;
    if (s && s % 86400 == 0)
        snprintf(out, n, "%lldd", (long long)(s / 86400));
    else if (s && s % 3600 == 0)
        snprintf(out, n, "%lldh", (long long)(s / 3600));
    else if (s && s % 60 == 0)
        snprintf(out, n, "%lldm", (long long)(s / 60));
    else
        snprintf(out, n, "%llds", (long long)s);
}

static void on_corr(void *ctx, const struct sigma_corr_alert *a)
{
    struct detect *d = ctx;
    const struct sigma_corr *c = a->corr;
    buf_reset(&d->key);
    buf_reset(&d->group);
    buf_append_char(&d->group, '{');
    for (size_t i = 0; i < a->ngroup; i++) {
        if (i) {
            buf_append_str(&d->key, ", ");
            buf_append_char(&d->group, ',');
        }
        buf_printf(&d->key, "%s=%.*s", a->group_names[i], (int)a->group_values[i].len, a->group_values[i].p);
        json_write_string(&d->group, a->group_names[i], strlen(a->group_names[i]));
        buf_append_char(&d->group, ':');
        json_write_string(&d->group, a->group_values[i].p, a->group_values[i].len);
    }
    buf_append_char(&d->group, '}');
    char span[32];
    fmt_duration(c->timespan_ns, span, sizeof span);
    buf_reset(&d->tmp);
    buf_printf(&d->tmp, "{\"type\":\"%s\",\"value\":%.6g,\"timespan\":\"%s\",\"rules\":[",
               sigma_corr_type_name(c->type), a->value, span);
    for (size_t i = 0; i < c->nrules; i++) {
        if (i)
            buf_append_char(&d->tmp, ',');
        json_write_string(&d->tmp, c->rules[i], strlen(c->rules[i]));
    }
    buf_append_str(&d->tmp, "]}");
    char why[256];
    snprintf(why, sizeof why, "%s reached %.6g within %s", sigma_corr_type_name(c->type), a->value, span);
    const char **evs = mm_calloc(a->nevents + 1, sizeof *evs);
    size_t *lens = mm_calloc(a->nevents + 1, sizeof *lens);
    for (size_t i = 0; i < a->nevents; i++) {
        evs[i] = a->events[i].p;
        lens[i] = a->events[i].len;
    }
    uint64_t count = c->type == SIGMA_CORR_EVENT_COUNT && a->value >= 1 ? (uint64_t)a->value : a->nevents;
    struct alert_report rep = {
        .source = "correlation",
        .rule_id = c->id ? c->id : c->name ? c->name : c->title,
        .title = c->title,
        .level = c->level,
        .status = c->status,
        .path = c->path,
        .tags = (const char *const *)c->tags,
        .ntags = c->ntags,
        .key = d->key.data,
        .group_json = d->group.data,
        .why = why,
        .details_json = d->tmp.data,
        .first_ns = a->first_ns,
        .last_ns = a->last_ns,
        .count = count,
        .events = evs,
        .event_lens = lens,
        .nevents = a->nevents,
    };
    alert_sink_report(d->sink, &rep, mm_now_ns());
    mm_free(evs);
    mm_free(lens);
}

static const char *ioc_level(unsigned confidence)
{
    return confidence >= 80 ? "high" : confidence >= 50 ? "medium" : "low";
}

static void consume_ioc(struct detect *d, struct reader *r)
{
    uint32_t type = get_u32(r), confidence = get_u32(r);
    int64_t expiry = get_i64(r);
    struct slice value = get_str(r), source = get_str(r), desc = get_str(r), ref = get_str(r);
    struct slice field = get_str(r), fvalue = get_str(r), matched = get_str(r);
    struct rec_event e;
    get_event(r, &e);
    if (r->bad)
        return;
    const char *tname = ioc_type_name((enum ioc_type)type);
    struct slice host = alert_host(&e);
    buf_reset(&d->key);
    buf_append(&d->key, host.p, host.len);
    buf_reset(&d->group);
    buf_append_str(&d->group, "{\"host\":");
    json_write_string(&d->group, host.p, host.len);
    buf_append_str(&d->group, ",\"indicator\":");
    json_write_string(&d->group, value.p, value.len);
    buf_append_char(&d->group, '}');
    struct buf *t = &d->tmp;
    buf_reset(t);
    buf_printf(t, "{\"indicator\":");
    json_write_string(t, value.p, value.len);
    buf_printf(t, ",\"type\":\"%s\",\"confidence\":%u,\"source\":", tname, confidence);
    json_write_string(t, source.p, source.len);
    if (desc.len) {
        buf_append_str(t, ",\"description\":");
        json_write_string(t, desc.p, desc.len);
    }
    if (ref.len) {
        buf_append_str(t, ",\"reference\":");
        json_write_string(t, ref.p, ref.len);
    }
    if (expiry) {
        char ts[40];
        mm_time_format(expiry, MM_TIME_SEC, ts, sizeof ts);
        buf_printf(t, ",\"expires\":\"%s\"", ts);
    }
    buf_append_str(t, ",\"field\":");
    json_write_string(t, field.p, field.len);
    buf_append_str(t, ",\"value\":");
    json_write_string(t, fvalue.p, fvalue.len);
    buf_append_str(t, ",\"matched\":");
    json_write_string(t, matched.p, matched.len);
    buf_append_char(t, '}');
    char rule_id[160], title[300], why[400];
    snprintf(rule_id, sizeof rule_id, "ioc:%s:%.*s", tname, (int)MM_MIN(value.len, 120u), value.p);
    snprintf(title, sizeof title, "Known-bad %s seen: %.*s", tname, (int)MM_MIN(value.len, 200u), value.p);
    snprintf(why, sizeof why, "%.*s=%.*s matches %s indicator %.*s from %.*s", (int)field.len, field.p,
             (int)MM_MIN(fvalue.len, 120u), fvalue.p, tname, (int)MM_MIN(value.len, 120u), value.p,
             (int)MM_MIN(source.len, 80u), source.p);
    char tag[128];
    snprintf(tag, sizeof tag, "ioc.%s", tname);
    const char *tags[] = { tag };
    int64_t tm = event_time(e.time_ns, e.receive_ns);
    const char *ev = e.json.p;
    size_t evlen = e.json.len;
    struct alert_report rep = {
        .source = "ioc",
        .rule_id = rule_id,
        .title = title,
        .level = ioc_level(confidence),
        .tags = tags,
        .ntags = 1,
        .key = d->key.data,
        .group_json = d->group.data,
        .why = why,
        .details_json = t->data,
        .first_ns = tm,
        .last_ns = tm,
        .count = 1,
        .events = &ev,
        .event_lens = &evlen,
        .nevents = evlen ? 1 : 0,
    };
    alert_sink_report(d->sink, &rep, mm_now_ns());
}

static void on_detector(void *ctx, const struct detect_alert *a)
{
    struct detect *d = ctx;
    struct alert_report rep = {
        .source = "detector",
        .rule_id = a->detector,
        .title = a->title,
        .title_ja = a->title_ja,
        .level = a->level,
        .tags = a->tags,
        .ntags = a->ntags,
        .key = a->key,
        .details_json = a->details_json,
        .first_ns = a->first_ns,
        .last_ns = a->last_ns,
        .count = a->count,
    };
    alert_sink_report(d->sink, &rep, mm_now_ns());
}

void detect_consume(struct detect *d, const char *data, size_t len)
{
    struct detect_rules *cur = NULL;
    const char *p = data, *end = data + len;
    while ((size_t)(end - p) >= sizeof(struct rec_hdr)) {
        struct rec_hdr h;
        memcpy(&h, p, sizeof h);
        if (h.len < sizeof h || h.len > (size_t)(end - p))
            break; /* cannot happen with batches the workers wrote */
        struct reader r = { p + sizeof h, p + h.len, false };
        p += h.len;
        if (h.type == REC_RULES) {
            rules_unref(cur);
            cur = get_ptr(&r);
            continue;
        }
        if (!cur)
            continue;
        switch (h.type) {
        case REC_SIGMA: {
            const struct sigma_rule *rule = get_ptr(&r);
            struct slice why = get_str(&r);
            struct rec_event e;
            get_event(&r, &e);
            if (r.bad)
                break;
            int64_t t = event_time(e.time_ns, e.receive_ns);
            note_time(d, t);
            bool generate = true;
            if (sigma_corr_rule_referenced(cur->corr, rule, &generate)) {
                rebuild_event(&d->ev, &e);
                sigma_corr_feed(cur->corr, rule, &d->ev, t, e.json.p, e.json.len, on_corr, d);
            }
            if (!generate) {
                d->suppressed++;
                break;
            }
            report_sigma(d, rule, why, &e);
            break;
        }
        case REC_IOC:
            consume_ioc(d, &r);
            break;
        case REC_FACT: {
            struct detect_fact f;
            memset(&f, 0, sizeof f);
            get(&r, &f, MM_MIN((size_t)(r.end - r.p), sizeof f));
            if (r.bad || !d->det)
                break;
            note_time(d, f.time_ns);
            detectors_feed(d->det, &f, on_detector, d);
            break;
        }
        default: break;
        }
    }
    rules_unref(cur);
}



void detect_tick(struct detect *d, int64_t now)
{
    pthread_mutex_lock(&d->lock);
    struct detect_rules *r = d->rules != d->thread_rules ? rules_ref(d->rules) : NULL;
    pthread_mutex_unlock(&d->lock);
    if (r) {
        rules_unref(d->thread_rules);
        d->thread_rules = r;
    }
    /* event time, carried forward by the wall clock while no events come */
    if (d->max_event_ns) {
        int64_t clock = d->max_event_ns + (now - d->wall_at_max);
        sigma_corr_advance(d->thread_rules->corr, clock, on_corr, d);
        if (d->det)
            detectors_advance(d->det, clock, on_detector, d);
    }
    alert_sink_tick(d->sink, now);
    pthread_mutex_lock(&d->stats_lock);
    alert_sink_stats(d->sink, &d->sink_snap);
    sigma_corr_engine_stats(d->thread_rules->corr, &d->corr_snap);
    pthread_mutex_unlock(&d->stats_lock);
}

void detect_stats(struct detect *d, struct detect_stats *st)
{
    memset(st, 0, sizeof *st);
    pthread_mutex_lock(&d->lock);
    st->generation = d->rules_generation;
    st->rules = d->rules->nrules;
    st->correlations = d->rules->ncorr;
    st->filters = d->rules->nfilters;
    st->refused = d->rules->refused;
    struct ioc_set_info info;
    ioc_set_info(d->ioc->set, &info);
    st->ioc_indicators = info.total;
    st->ioc_generation = d->ioc_generation;
    pthread_mutex_unlock(&d->lock);
    st->events = atomic_load(&d->events);
    st->sigma_hits = atomic_load(&d->sigma_hits);
    st->ioc_hits = atomic_load(&d->ioc_hits);
    st->facts = atomic_load(&d->facts);
    st->suppressed = atomic_load(&d->suppressed);
    pthread_mutex_lock(&d->stats_lock);
    st->alerts = d->sink_snap;
    st->corr.bytes = d->corr_snap.bytes;
    st->corr.groups = d->corr_snap.groups;
    st->corr.fired = d->corr_snap.fired;
    st->corr.evicted_groups = d->corr_snap.evicted_groups;
    st->corr.refused_hits = d->corr_snap.refused_hits;
    pthread_mutex_unlock(&d->stats_lock);
}
