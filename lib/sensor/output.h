/* SPDX-License-Identifier: Apache-2.0 */
/* output.h: where the sensor's normalised events go. Workers fill batches (a struct buf of lines)
 * and hand them over; one writer thread writes them. The queue is bounded in bytes: when it is
 * full, output_submit waits, which stops the worker reading its sockets, which is what slows TCP
 * senders down (back-pressure) instead of dropping what they send. */
#ifndef MM_SENSOR_OUTPUT_H
#define MM_SENSOR_OUTPUT_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"

struct output;

struct output_stats {
    uint64_t bytes_written;
    uint64_t batches;
    uint64_t queued_bytes;
    uint64_t blocked_ns; /* total time submitters waited for room: back-pressure applied */
    uint64_t write_errors;
};

/* path: a file (appended to, created 0640) or "-" for standard output; NULL for a sink that
 * discards (counts only). queue_bytes: the bound. */
struct output *output_open(const char *path, size_t queue_bytes, struct mm_error *err);

/* A queue whose batches go to a function instead of a file (the store). consume runs on the
 * writer thread, in submission order; it returns only when the batch is taken (it retries
 * failures itself, so a full disk holds the queue and applies back-pressure). tick runs on the
 * same thread at least every 100 ms, also when idle. stopping: the sensor is shutting down. */
struct output_consumer {
    void (*consume)(void *ctx, const char *data, size_t len, uint64_t ticket);
    void (*tick)(void *ctx);
    void *ctx;
};
struct output *output_open_consumer(const struct output_consumer *c, size_t queue_bytes,
                                    struct mm_error *err);
/* Is the output being closed? (for consumers that retry) */
bool output_stopping(struct output *o);

/* Hand over the batch's contents (b is left empty, ready for reuse). Waits while the queue is
 * full. Returns the batch's ticket: batches are numbered 1, 2, ... in submission order (0: b was
 * empty, nothing submitted). */
uint64_t output_submit(struct output *o, struct buf *b);
/* Reopen the file at the next write (log rotation, SIGHUP). */
void output_reopen(struct output *o);
/* Write everything queued, fsync, stop the writer and free. */
void output_close(struct output *o);
void output_get_stats(struct output *o, struct output_stats *st);

#endif
