/* SPDX-License-Identifier: Apache-2.0 */
/* ship.h: the sensor's alert shipper: sends the alert spool to `mamori server` at least once.
 * A cursor (file and offset, kept in the state directory and replaced atomically) says how far
 * the server has confirmed; after a restart of either side the shipper resends from there and
 * the server recognises what it already has by alert id and version. Failures back off
 * exponentially (1 s to 60 s); a record the server refuses as malformed is isolated, logged,
 * counted and skipped so that it cannot block the spool. */
#ifndef MM_SHIP_H
#define MM_SHIP_H

#include "base/prelude.h"
#include "base/error.h"

struct shipper_options {
    const char *server;      /* https://host:port */
    const char *ca_file;     /* CA to verify the server against; NULL: the system's */
    const char *key_file;    /* the sensor's key, written at enrolment (0600) */
    const char *enrol_token; /* one-time token, used when key_file does not exist yet */
    const char *spool_dir;
    const char *state_dir;   /* the cursor: <state_dir>/ship.cursor */
    int64_t interval_ns;     /* how often to look for new alerts when idle */
    size_t batch_bytes;      /* records per request, by size */
};

struct shipper_stats {
    uint64_t shipped;  /* records the server confirmed */
    uint64_t batches;
    uint64_t failures; /* requests that failed (retried) */
    uint64_t refused;  /* records the server refused as malformed (skipped) */
    uint64_t lost_files; /* spool files deleted (alert_spool_max) before they were shipped */
    bool enrolled;
    char last_error[256];
};

struct shipper;
/* Start the shipping thread. */
struct shipper *shipper_start(const struct shipper_options *o, struct mm_error *err);
/* Stop it: the request in progress finishes (bounded by the client's timeouts). */
void shipper_stop(struct shipper *s);
void shipper_get_stats(struct shipper *s, struct shipper_stats *st);
/* Ship everything pending now, in the calling thread, and return (for `mamori alerts ship` and
 * tests): MM_OK when the spool is fully confirmed. */
enum mm_status shipper_drain(const struct shipper_options *o, struct shipper_stats *st, struct mm_error *err);

#endif
