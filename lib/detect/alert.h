/* SPDX-License-Identifier: Apache-2.0 */
/* alert.h: alerts, the detection engine's output. Every detector (Sigma rules, correlations, IOC
 * sets, the stateful detectors) reports what it found as a struct alert_report; the sink
 * aggregates reports with the same source, rule and key within a window into one alert and writes
 * alerts to a spool directory of JSON-lines files that the server collects (docs/DETECTION.md
 * describes the record and the spool). Single-threaded: one sink belongs to the detection thread. */
#ifndef MM_DETECT_ALERT_H
#define MM_DETECT_ALERT_H

#include "base/prelude.h"
#include "base/error.h"

/* What a detector found. Every pointer is borrowed for the call only; the sink copies. */
struct alert_report {
    const char *source;                /* "sigma", "correlation", "ioc", "detector" */
    const char *rule_id;               /* the rule's id (or the detector's name); aggregation key */
    const char *title, *level, *status, *path;
    const char *title_ja;              /* the title in Japanese, when the detector has one */
    const char *const *tags;
    size_t ntags;
    const char *key;          /* what else separates alerts of one rule: host, group-by values */
    const char *group_json;   /* a JSON object (e.g. group-by values) or NULL */
    const char *why;          /* why it fired (text) or NULL */
    const char *details_json; /* a JSON object of details or NULL */
    int64_t first_ns, last_ns; /* event times covered */
    uint64_t count;            /* events the report stands for (0 counts as 1) */
    const char *const *events; /* the triggering events as JSON objects */
    const size_t *event_lens;
    size_t nevents;
};

struct alert_sink_options {
    const char *dir;       /* spool directory; created 0750 when missing */
    const char *sensor;    /* this sensor's name, written into each record */
    int64_t window_ns;     /* reports of one key within this window make one alert */
    size_t max_events;     /* events kept per alert; more are counted as omitted */
    size_t max_open;       /* alerts aggregating at once; past it the oldest is closed */
    uint64_t file_size;    /* start a new spool file past this size */
    uint64_t spool_max;    /* when the spool's files pass this total, the oldest are deleted
                            * (nothing collects them yet); 0: no limit */
};
void alert_sink_options_default(struct alert_sink_options *o);

struct alert_sink;
struct alert_sink *alert_sink_open(const struct alert_sink_options *o, struct mm_error *err);
/* Report a finding at wall-clock time now_ns. The first report of a key is written at once (as
 * version 1); later ones within the window are added to it and written as the next version when
 * the window closes. */
void alert_sink_report(struct alert_sink *s, const struct alert_report *r, int64_t now_ns);
/* Close windows that have ended, write their updates, roll and sync the spool file. */
void alert_sink_tick(struct alert_sink *s, int64_t now_ns);
/* Write every open alert's pending update, sync and free. */
void alert_sink_close(struct alert_sink *s);

struct alert_sink_stats {
    uint64_t reports;    /* reports received */
    uint64_t alerts;     /* distinct alerts opened */
    uint64_t records;    /* records written (first versions and updates) */
    uint64_t aggregated; /* reports folded into an open alert */
    uint64_t evicted;    /* alerts closed early because max_open was reached */
    uint64_t write_errors;
    uint64_t open;
    uint64_t files_deleted; /* spool files deleted to keep within spool_max */
};
void alert_sink_stats(const struct alert_sink *s, struct alert_sink_stats *st);

/* A fresh random (version 4) UUID as text; out needs 37 bytes. */
void alert_uuid(char out[37]);

#endif
