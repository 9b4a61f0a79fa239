/* SPDX-License-Identifier: Apache-2.0 */
/* sources.h: per-source counters and the clock watch. A source is the device that wrote a message:
 * its syslog hostname, or the sender's address when the message names no host. For each source
 * the table keeps message counts and the offset between the device's timestamp and the time the
 * sensor received the message. The NISC log advisory requires every device's clock to be
 * synchronised; a source whose offset stays beyond the threshold is "skewed", and a sudden change
 * of offset beyond it is a "jump". Both are logged once when they happen and shown in the status.
 *
 * One table per worker thread (no sharing on the hot path); the status merges them. */
#ifndef MM_SENSOR_SOURCES_H
#define MM_SENSOR_SOURCES_H

#include "base/prelude.h"
#include "base/str.h"

#define SOURCE_KEY_MAX 64
/* The first timestamped message of a source sets its state (a source first seen with a wrong clock
 * is reported at once); afterwards, this many consecutive samples are needed to enter or leave
 * the skewed state: one late message through a congested relay is not a wrong clock. */
#define CLOCK_CONFIRM_SAMPLES 3

enum clock_state { CLOCK_UNKNOWN = 0, CLOCK_OK, CLOCK_SKEWED };

struct source_stats {
    char key[SOURCE_KEY_MAX];
    uint64_t received, bytes, parsed, unparsed, truncated;
    int64_t first_seen_ns, last_seen_ns;
    /* clock */
    uint64_t clock_samples;
    int64_t last_offset_ns;   /* device time - receive time of the latest timestamped message */
    int64_t max_abs_offset_ns;
    uint64_t jumps;
    int64_t last_jump_ns;     /* size of the latest jump */
    int state;                /* enum clock_state */
    int streak;               /* consecutive samples disagreeing with state */
    bool year_inferred;       /* timestamps carry no year (RFC 3164) */
};

/* Things a caller may want to log after an update. */
enum source_change { SOURCE_NO_CHANGE = 0, SOURCE_BECAME_SKEWED, SOURCE_BECAME_OK, SOURCE_JUMPED };

struct source_table {
    struct source_stats *slots;
    size_t cap, count, max; /* open addressing; max entries before "(other)" */
    struct source_stats other;
};

void source_table_init(struct source_table *t, size_t max_sources);
void source_table_release(struct source_table *t);
/* The entry for key (created on first sight), never NULL: past max, the shared "(other)" entry. */
struct source_stats *source_table_get(struct source_table *t, const char *key, size_t len, int64_t now);
/* Record a timestamped message's offset; returns what changed. */
enum source_change source_clock_update(struct source_stats *s, int64_t device_ns, int64_t receive_ns,
                                       int64_t threshold_ns);
/* Call fn for every entry (including "(other)" when used). */
void source_table_each(const struct source_table *t, void (*fn)(void *arg, const struct source_stats *s),
                       void *arg);
/* Fold src into dst (same key): counters add up, the clock view of the most recent one wins. */
void source_stats_merge(struct source_stats *dst, const struct source_stats *src);

const char *clock_state_name(int state);

#endif
