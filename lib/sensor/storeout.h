/* SPDX-License-Identifier: Apache-2.0 */
/* storeout.h: the sensor's path into the sealed store. Workers serialise each received message
 * (raw bytes, receive time, peer, listener, parser, index tokens) into a batch; batches go
 * through a bounded queue (output.c, so a full disk applies back-pressure like a slow output
 * file) to one thread that owns the store. */
#ifndef MM_SENSOR_STOREOUT_H
#define MM_SENSOR_STOREOUT_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"
#include "store/store.h"

struct storeout;
/* Told when writes start failing (blocked true) and when they succeed again, on the store's
 * thread: the sensor turns it into an event in its output, for detection and the server. */
typedef void (*storeout_notify_fn)(void *ctx, bool blocked, const char *text);
/* durable: updated with the ticket of the last batch whose records are all on stable storage. */
struct storeout *storeout_open(const struct store_options *o, size_t queue_bytes,
                               _Atomic uint64_t *durable, storeout_notify_fn notify, void *notify_ctx,
                               struct mm_error *err);
/* Append one message to a worker's batch. */
void storeout_add(struct buf *batch, int64_t receive_ns, const char *peer, const char *lkey,
                  size_t lkey_len, const char *parser, uint8_t flags, const char *raw, size_t raw_len,
                  const struct store_tokens *tok);
uint64_t storeout_submit(struct storeout *so, struct buf *batch);
void storeout_stats(struct storeout *so, struct store_stats *st, uint64_t *queued_bytes,
                    uint64_t *backpressure_ns);
/* Drain the queue, checkpoint, sync, close; *durable becomes UINT64_MAX when all was written. */
void storeout_close(struct storeout *so);

#endif
