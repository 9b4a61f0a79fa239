/* SPDX-License-Identifier: Apache-2.0 */
/* storeout.c: the store's thread: takes workers' batches in order and appends them. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/mtime.h"
#include "output.h"
#include "storeout.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

/* a batch record: this header, the tokens (8-byte aligned), peer, listener key, parser, raw,
 * padding to 8 bytes */
struct rec_hdr {
    uint32_t total, raw_len;
    int64_t receive_ns;
    uint16_t peer_len, lkey_len;
    uint8_t parser_len, flags;
    uint16_t ntok;
};
_Static_assert(sizeof(struct rec_hdr) == 24, "record header layout");

#define STOREOUT_FIFO 1024
#define STOREOUT_GIVE_UP (30 * MM_NS_PER_SEC)

struct storeout {
    struct store *st;
    struct output *q;
    _Atomic uint64_t *durable;
    pthread_mutex_t lock; /* guards snap */
    struct store_stats snap;
    struct {
        uint64_t ticket, end_records;
    } fifo[STOREOUT_FIFO];
    size_t head, n;
    uint64_t abandoned;
    storeout_notify_fn notify;
    void *notify_ctx;
    bool was_blocked;
    uint64_t errors_at_block;
};

void storeout_add(struct buf *b, int64_t receive_ns, const char *peer, const char *lkey, size_t lkey_len,
                  const char *parser, uint8_t flags, const char *raw, size_t raw_len,
                  const struct store_tokens *tok)
{
    size_t pl = peer ? MM_MIN(strlen(peer), 65535u) : 0;
    size_t sl = parser ? MM_MIN(strlen(parser), 255u) : 0;
    size_t nt = tok ? MM_MIN(tok->n, 65535u) : 0;
    size_t body = sizeof(struct rec_hdr) + nt * 8 + pl + lkey_len + sl + raw_len;
    size_t total = (body + 7) & ~(size_t)7;
    if (buf_reserve(b, total) != MM_OK)
        return;
    struct rec_hdr h = { (uint32_t)total, (uint32_t)raw_len, receive_ns, (uint16_t)pl, (uint16_t)lkey_len,
                         (uint8_t)sl, flags, (uint16_t)nt };
    char *p = b->data + b->len;
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    if (nt)
        memcpy(p, tok->h, nt * 8);
    p += nt * 8;
    if (pl)
        memcpy(p, peer, pl);
    p += pl;
    memcpy(p, lkey, lkey_len);
    p += lkey_len;
    if (sl)
        memcpy(p, parser, sl);
    p += sl;
    memcpy(p, raw, raw_len);
    p += raw_len;
    memset(p, 0, total - body);
    b->len += total;
    b->data[b->len] = '\0';
}

static void update(struct storeout *so)
{
    struct store_stats ss;
    store_get_stats(so->st, &ss);
    uint64_t durable = 0;
    while (so->n && so->fifo[so->head].end_records <= ss.durable_records) {
        durable = so->fifo[so->head].ticket;
        so->head = (so->head + 1) % STOREOUT_FIFO;
        so->n--;
    }
    if (durable)
        atomic_store(so->durable, durable);
    pthread_mutex_lock(&so->lock);
    so->snap = ss;
    pthread_mutex_unlock(&so->lock);
    if (ss.blocked != so->was_blocked) {
        so->was_blocked = ss.blocked;
        char text[300];
        if (ss.blocked) {
            so->errors_at_block = ss.write_errors;
            snprintf(text, sizeof text, "the store cannot write (disk full or I/O error): received "
                     "messages are held back and senders slowed until it can");
        } else {
            snprintf(text, sizeof text, "the store writes again after %" PRIu64 " failed attempts; "
                     "nothing was dropped", ss.write_errors - so->errors_at_block);
        }
        if (so->notify)
            so->notify(so->notify_ctx, ss.blocked, text);
    }
}

static void tick(void *ctx)
{
    struct storeout *so = ctx;
    store_tick(so->st, mm_now_ns());
    update(so);
}

static void consume(void *ctx, const char *data, size_t len, uint64_t ticket)
{
    struct storeout *so = ctx;
    const char *p = data, *end = data + len;
    int64_t stop_seen = 0;
    while (p + sizeof(struct rec_hdr) <= end) {
        struct rec_hdr h;
        memcpy(&h, p, sizeof h);
        const char *q = p + sizeof h;
        struct store_record r = {
            .receive_ns = h.receive_ns, .tokens = (const uint64_t *)(const void *)q, .ntokens = h.ntok,
        };
        q += (size_t)h.ntok * 8;
        r.peer = q;
        r.peer_len = h.peer_len;
        q += h.peer_len;
        r.listener = q;
        r.listener_len = h.lkey_len;
        q += h.lkey_len;
        r.parser = q;
        r.parser_len = h.parser_len;
        q += h.parser_len;
        r.raw = q;
        r.raw_len = h.raw_len;
        r.flags = h.flags;
        while (store_append(so->st, &r) != MM_OK) {
            /* the disk is full (or failing): hold the queue, which holds the workers */
            if (output_stopping(so->q)) {
                int64_t now = mm_mono_ns();
                if (!stop_seen)
                    stop_seen = now;
                if (now - stop_seen > STOREOUT_GIVE_UP) {
                    so->abandoned++;
                    break;
                }
            }
            sleep(1);
            store_tick(so->st, mm_now_ns());
            update(so);
        }
        p += h.total;
    }
    size_t slot;
    if (so->n == STOREOUT_FIFO) {
        slot = (so->head + so->n - 1) % STOREOUT_FIFO; /* merge into the newest */
    } else {
        slot = (so->head + so->n) % STOREOUT_FIFO;
        so->n++;
    }
    /* this batch is durable when the durable count reaches every record appended so far */
    so->fifo[slot].ticket = ticket;
    so->fifo[slot].end_records = store_records_appended(so->st);
}

struct storeout *storeout_open(const struct store_options *o, size_t queue_bytes, _Atomic uint64_t *durable,
                               storeout_notify_fn notify, void *notify_ctx, struct mm_error *err)
{
    struct storeout *so = mm_calloc(1, sizeof *so);
    so->durable = durable;
    so->notify = notify;
    so->notify_ctx = notify_ctx;
    pthread_mutex_init(&so->lock, NULL);
    so->st = store_open(o, err);
    if (!so->st) {
        pthread_mutex_destroy(&so->lock);
        mm_free(so);
        return NULL;
    }
    update(so);
    struct output_consumer c = { consume, tick, so };
    so->q = output_open_consumer(&c, queue_bytes, err);
    if (!so->q) {
        store_close(so->st);
        pthread_mutex_destroy(&so->lock);
        mm_free(so);
        return NULL;
    }
    return so;
}

uint64_t storeout_submit(struct storeout *so, struct buf *batch)
{
    return output_submit(so->q, batch);
}

void storeout_stats(struct storeout *so, struct store_stats *st, uint64_t *queued, uint64_t *bp_ns)
{
    pthread_mutex_lock(&so->lock);
    *st = so->snap;
    pthread_mutex_unlock(&so->lock);
    struct output_stats os;
    output_get_stats(so->q, &os);
    *queued = os.queued_bytes;
    *bp_ns = os.blocked_ns;
}

void storeout_close(struct storeout *so)
{
    if (!so)
        return;
    output_close(so->q);
    if (so->abandoned)
        mm_log_error("store", "gave up %d s after the stop request, writes still failing: %" PRIu64
                     " messages were not stored", (int)(STOREOUT_GIVE_UP / MM_NS_PER_SEC), so->abandoned);
    bool ok = store_close(so->st) == MM_OK && !so->abandoned;
    if (ok)
        atomic_store(so->durable, UINT64_MAX);
    else
        mm_log_error("store", "the store was not closed cleanly; it recovers at the next start");
    pthread_mutex_destroy(&so->lock);
    mm_free(so);
}
