/* SPDX-License-Identifier: Apache-2.0 */
/* detectout.c: the detection thread: the output queue's consumer runs detect_consume on each
 * batch and detect_tick between them. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "detectout.h"
#include "output.h"

struct detectout {
    struct detect *d;
    struct output *q;
};

static void consume(void *ctx, const char *data, size_t len, uint64_t ticket)
{
    (void)ticket;
    struct detectout *o = ctx;
    detect_consume(o->d, data, len);
}

static void tick(void *ctx)
{
    struct detectout *o = ctx;
    detect_tick(o->d, mm_now_ns());
}

struct detectout *detectout_open(struct detect *d, size_t queue_bytes, struct mm_error *err)
{
    struct detectout *o = mm_calloc(1, sizeof *o);
    o->d = d;
    struct output_consumer c = { consume, tick, o };
    o->q = output_open_consumer(&c, queue_bytes, err);
    if (!o->q) {
        detect_close(d);
        mm_free(o);
        return NULL;
    }
    return o;
}

void detectout_submit(struct detectout *o, struct buf *batch)
{
    output_submit(o->q, batch);
}

struct detect *detectout_engine(struct detectout *o)
{
    return o->d;
}

uint64_t detectout_queued(struct detectout *o)
{
    struct output_stats st;
    output_get_stats(o->q, &st);
    return st.queued_bytes;
}

void detectout_close(struct detectout *o)
{
    if (!o)
        return;
    output_close(o->q); /* consumes everything queued */
    detect_tick(o->d, mm_now_ns());
    detect_close(o->d);
    mm_free(o);
}
