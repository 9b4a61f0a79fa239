/* SPDX-License-Identifier: Apache-2.0 */
/* correlation.h: Sigma correlation rules (specification v2.1: event_count, value_count, temporal,
 * temporal_ordered, value_sum, value_avg, value_percentile) compiled and evaluated on a stream of
 * rule matches. One engine belongs to one detection thread (no locking inside); its state is held
 * under a byte cap with deterministic eviction. The contract is in docs/CORRELATION.md. */
#ifndef MM_SIGMA_CORRELATION_H
#define MM_SIGMA_CORRELATION_H

#include "base/prelude.h"
#include "base/error.h"
#include "base/str.h"
#include "event/event.h"
#include "rule.h"
#include "ytree.h"

enum sigma_corr_type {
    SIGMA_CORR_EVENT_COUNT,
    SIGMA_CORR_VALUE_COUNT,
    SIGMA_CORR_TEMPORAL,
    SIGMA_CORR_TEMPORAL_ORDERED,
    SIGMA_CORR_VALUE_SUM,
    SIGMA_CORR_VALUE_AVG,
    SIGMA_CORR_VALUE_PERCENTILE,
};
const char *sigma_corr_type_name(enum sigma_corr_type t);

/* condition operators, a bit each in sigma_corr.cond_ops; the value in cond_val[op] */
enum sigma_corr_op { SIGMA_CORR_GT, SIGMA_CORR_GTE, SIGMA_CORR_LT, SIGMA_CORR_LTE, SIGMA_CORR_EQ,
                     SIGMA_CORR_NEQ, SIGMA_CORR_NOPS };

/* aliases: for group-by name `alias`, events matched by rule `rule` (its name as the correlation
 * writes it, or its id) hold the value in `field` */
struct sigma_corr_alias {
    char *alias, *rule, *field;
};

/* A compiled correlation document. The metadata is public and read-only for callers. */
struct sigma_corr {
    char *path;
    int line; /* of the document */
    char *title, *id, *name, *status, *level, *description, *author, *date, *modified;
    char **tags;
    size_t ntags;
    char **falsepositives;
    size_t nfalsepositives;
    enum sigma_corr_type type;
    char **rules; /* references as written: a rule's or correlation's name or id */
    size_t nrules;
    char **group_by;
    size_t ngroup_by;
    struct sigma_corr_alias *aliases;
    size_t naliases;
    int64_t timespan_ns;
    char **fields; /* condition `field` (one or more; value_count counts distinct tuples) */
    size_t nfields;
    double percentile; /* value_percentile: condition `percentile` (0-100], default 50 (median) */
    unsigned cond_ops; /* bits 1 << enum sigma_corr_op; 0: temporal's default "all rules" */
    double cond_val[SIGMA_CORR_NOPS];
    bool generate;
};

/* Compile one correlation document (sigma_doc_kind == SIGMA_DOC_CORRELATION). NULL with
 * "line N: reason" in err when it is invalid or uses what the engine does not support. */
struct sigma_corr *sigma_corr_compile(const struct ynode *doc, const char *path, struct mm_error *err);
void sigma_corr_free(struct sigma_corr *c);
/* Does the aggregate value meet the correlation's condition? */
bool sigma_corr_condition_met(const struct sigma_corr *c, double value);

/* ---- the engine ---- */

#define SIGMA_CORR_DEFAULT_MAX_EVENTS 10
#define SIGMA_CORR_DEFAULT_MAX_BYTES  (64u << 20)
#define SIGMA_CORR_MAX_EVENTS         1000 /* max_events is clamped to this */

struct sigma_corr_options {
    size_t max_bytes;  /* cap on all state (groups, hits, copied events); 0: the default */
    size_t max_events; /* contributing events kept per group and reported per alert; 0: default */
                       /* (clamped to SIGMA_CORR_MAX_EVENTS) */
};

/* One contributing event as the caller supplied it (usually the event's JSON). */
struct sigma_corr_event {
    const char *p;
    size_t len;
    int64_t t_ns;
};

/* What a fired correlation reports. Everything points into engine state that is valid only
 * during the callback: copy what must outlive it. */
struct sigma_corr_alert {
    const struct sigma_corr *corr;
    char *const *group_names; /* the correlation's group-by names (aliases as written) */
    const struct slice *group_values;
    size_t ngroup;
    double value;   /* count, distinct count, number of rules, sum, average or percentile */
    int64_t first_ns, last_ns;
    const struct sigma_corr_event *events; /* the most recent contributing events, oldest first */
    size_t nevents;
};
typedef void (*sigma_corr_emit_fn)(void *ctx, const struct sigma_corr_alert *a);

struct sigma_corr_stats {
    size_t bytes, max_bytes, groups, hits;
    uint64_t fed, fired, suppressed; /* suppressed: fired but internal to a chain (see generate) */
    uint64_t evicted_groups, refused_hits, late_hits, no_value, expired_groups;
};

struct sigma_corr_engine;
struct sigma_corr_engine *sigma_corr_engine_new(const struct sigma_corr_options *opt);
/* Takes ownership of c. Only before sigma_corr_engine_build. */
void sigma_corr_engine_add(struct sigma_corr_engine *e, struct sigma_corr *c);
/* Resolve every reference against the base rules and the other correlations (by name or id);
 * refuse unknown references ("correlation 'X': unknown rule 'Y'"), references more than one rule
 * answers to, cycles, and aliases naming unreferenced rules. The rules must outlive the engine.
 * Call once; after an error the engine ignores feeds and only needs freeing. */
enum mm_status sigma_corr_engine_build(struct sigma_corr_engine *e, const struct sigma_rule *const *rules,
                                       size_t nrules, struct mm_error *err);
void sigma_corr_engine_free(struct sigma_corr_engine *e);

/* Is the base rule referenced by some correlation? *generate (may be NULL) receives whether its
 * own matches should still alert: true when it is not referenced, or a referencing correlation
 * says `generate: true`. */
bool sigma_corr_rule_referenced(const struct sigma_corr_engine *e, const struct sigma_rule *r, bool *generate);

/* Feed one match of base rule r: ev supplies group-by and value fields, t_ns the event's time,
 * evbytes/evlen the bytes an alert reports for it (copied as needed; may be NULL, 0). fn is called
 * for each correlation that fires and should alert; chained correlations are fed in turn.
 * Returns the number of alerts emitted. */
size_t sigma_corr_feed(struct sigma_corr_engine *e, const struct sigma_rule *r, const struct event *ev,
                       int64_t t_ns, const char *evbytes, size_t evlen, sigma_corr_emit_fn fn, void *ctx);
/* Time has reached now_ns (event time, same clock as t_ns): close windows that ended (conditions
 * evaluated at window end fire here) and free state older than each correlation's timespan.
 * Returns the number of alerts emitted. */
size_t sigma_corr_advance(struct sigma_corr_engine *e, int64_t now_ns, sigma_corr_emit_fn fn, void *ctx);
void sigma_corr_engine_stats(const struct sigma_corr_engine *e, struct sigma_corr_stats *st);

/* The compiled correlations of the engine (for listing), NULL past the end. */
const struct sigma_corr *sigma_corr_engine_get(const struct sigma_corr_engine *e, size_t i);

#endif
