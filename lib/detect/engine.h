/* SPDX-License-Identifier: Apache-2.0 */
/* engine.h: the detection engine as the sensor runs it (docs/DETECTION.md).
 *
 * Work is split in two. Each worker thread, right after normalisation, runs the stateless part on
 * its events: Sigma rules (with the prefilter), IOC sets, and the stateful detectors' extractors.
 * What it finds is appended as compact records to the worker's detection batch. Batches go through
 * a bounded queue to one detection thread, which owns all state: correlations, the stateful
 * detectors and the alert sink (aggregation and the spool). The same two halves run in one thread
 * for offline use (`mamori rules test`, tests).
 *
 * Rules and IOC sets can be reloaded while the sensor runs: each loaded generation is reference
 * counted; a worker moves to the newest at its next event, and a batch holds a reference on the
 * rules its records point into until the detection thread has consumed it. */
#ifndef MM_DETECT_ENGINE_H
#define MM_DETECT_ENGINE_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"
#include "event/event.h"
#include "alert.h"
#include "detectors.h"

struct detect_options {
    const char *const *rules; /* Sigma rule files and directories (rules, correlations, filters) */
    size_t nrules;
    const char *placeholders; /* YAML file of |expand placeholder values; NULL: none */
    const char *const *ioc;   /* IOC files (MISP JSON, STIX 2.1, CSV, plain lists) */
    size_t nioc;
    bool strict;              /* refuse to start when a rule or IOC file is not accepted */
    size_t corr_max_bytes;    /* correlation state cap */
    size_t corr_max_events;
    bool detectors;           /* run the built-in stateful detectors */
    struct detectors_config det;
    struct alert_sink_options alerts;
};
void detect_options_default(struct detect_options *o);

struct detect;
/* Load rules and IOC sets and open the alert spool. Problems with single rules are logged (and
 * counted); err only when nothing sensible can start (the spool cannot be opened, strict and a
 * rule refused). */
struct detect *detect_open(const struct detect_options *o, struct mm_error *err);
struct detect_stats;
/* Load the rules and IOC files as detect_open would, without starting anything: for `mamori sensor
 * -t`. problems receives one line per document or indicator not accepted. An error only when
 * detect_open would refuse to start (strict, placeholders unreadable). */
enum mm_status detect_check(const struct detect_options *o, struct detect_stats *st, struct buf *problems,
                            struct mm_error *err);
/* Load rules and IOC sets again from the same paths (control thread). On error the running
 * generation stays. */
enum mm_status detect_reload(struct detect *d, struct mm_error *err);
/* Reload the IOC files when one of them changed since the last load (control thread, called
 * periodically). true when a new set was installed. */
bool detect_ioc_refresh(struct detect *d);
/* Flush everything (correlation windows are not forced) and free. */
void detect_close(struct detect *d);

/* ---- worker side (one per worker thread) ---- */
struct detect_worker;
struct detect_worker *detect_worker_new(struct detect *d);
void detect_worker_free(struct detect_worker *w);
/* Run the stateless detection on one normalised event; records go to batch (a detection batch
 * handed later to detect_consume, as is). */
void detect_worker_event(struct detect_worker *w, const struct event *ev, struct buf *batch);

/* Add the worker's counts to the engine's (done every 1024 events; call it when idle too). */
void detect_worker_sync(struct detect_worker *w);

/* ---- detection thread ---- */
/* Process one batch of records (releases the references the batch held). */
void detect_consume(struct detect *d, const char *data, size_t len);
/* Advance time-driven state: detector intervals, correlation windows, alert windows, spool sync. */
void detect_tick(struct detect *d, int64_t now_ns);

struct detect_stats {
    uint64_t generation;      /* rules loaded so far (1 at start, +1 per reload) */
    size_t rules, correlations, filters, refused;
    size_t ioc_indicators;
    uint64_t ioc_generation;
    uint64_t events, sigma_hits, ioc_hits, facts;
    uint64_t suppressed; /* base-rule matches kept from alerting (correlation `generate: false`) */
    struct alert_sink_stats alerts;
    struct sigma_corr_stats_pub {
        size_t bytes, groups;
        uint64_t fired, evicted_groups, refused_hits;
    } corr;
};
/* Counters (workers' counts are summed; call from any thread). */
void detect_stats(struct detect *d, struct detect_stats *st);
/* One line per rule or IOC file not accepted at the last load. */
const char *detect_problems(struct detect *d);

#endif
