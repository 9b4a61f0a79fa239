/* SPDX-License-Identifier: Apache-2.0 */
/* detectout.h: the sensor's detection thread. Workers run the stateless half of the engine
 * (lib/detect/engine.h) and submit their detection batches here; a bounded queue (output.c, so a
 * slow detection thread applies back-pressure like a slow output file) feeds one thread that runs
 * correlations, the stateful detectors and the alert spool. */
#ifndef MM_SENSOR_DETECTOUT_H
#define MM_SENSOR_DETECTOUT_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"
#include "detect/engine.h"

struct detectout;
/* Takes ownership of d. */
struct detectout *detectout_open(struct detect *d, size_t queue_bytes, struct mm_error *err);
void detectout_submit(struct detectout *o, struct buf *batch);
struct detect *detectout_engine(struct detectout *o);
uint64_t detectout_queued(struct detectout *o);
/* Drain the queue, flush the alerts, close the engine. */
void detectout_close(struct detectout *o);

#endif
