/* SPDX-License-Identifier: Apache-2.0 */
/* output.c: bounded batch queue and the writer thread. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/mtime.h"
#include "output.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

struct batch {
    struct batch *next;
    char *data;
    size_t len, cap;
    uint64_t ticket;
};

/* Written batches' buffers are kept for the next batches: a fresh buffer for every batch meant
 * growing it by doubling and first-touch page faults on every page (glibc gives these sizes
 * mmap'd memory back to the system), together a large share of the output's cost. */
#define OUTPUT_SPARES 8

struct output {
    char *path; /* NULL: discard */
    int fd;
    bool reopen;
    bool stopping;
    size_t max_bytes, queued;
    struct batch *head, *tail;
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    pthread_t thread;
    struct output_stats stats;
    struct batch *spares; /* written batches whose buffers wait for reuse */
    unsigned nspares;
    unsigned nwaiting;      /* submitters waiting for room now */
    int64_t wait_start_sum; /* sum of their start times, to report waits still in progress */
    uint64_t abandoned;     /* bytes given up on at shutdown after writes kept failing */
    uint64_t tickets;       /* batches submitted */
    struct output_consumer cons;
    bool has_cons;
};

static int open_target(const char *path, struct mm_error *err)
{
    if (!strcmp(path, "-"))
        return 1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        mm_error_set(err, MM_ERR_IO, "cannot open output '%s': %s", path, mm_strerror(errno));
    return fd;
}

/* At shutdown, a disk that keeps failing would otherwise keep the sensor from ever exiting (and a
 * service manager would then kill it, losing everything queued without a word). */
#define OUTPUT_SHUTDOWN_GIVE_UP (30 * MM_NS_PER_SEC)

/* Write all of p, retrying failed writes every second so nothing accepted is discarded; false
 * only when writes still fail OUTPUT_SHUTDOWN_GIVE_UP after the sensor was asked to stop. */
static bool write_all(struct output *o, const char *p, size_t len)
{
    int64_t stop_seen = 0; /* when a failing write first saw the stop request */
    while (len) {
        ssize_t n = write(o->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int64_t now = mm_mono_ns();
            pthread_mutex_lock(&o->lock);
            o->stats.write_errors++;
            bool stopping = o->stopping;
            pthread_mutex_unlock(&o->lock);
            if (stopping && !stop_seen)
                stop_seen = now;
            if (stopping && now - stop_seen > OUTPUT_SHUTDOWN_GIVE_UP)
                return false;
            mm_log_error("output", "cannot write to '%s': %s (retrying in 1s)", o->path,
                         mm_strerror(errno));
            sleep(1);
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static void *writer_main(void *arg)
{
    struct output *o = arg;
    pthread_mutex_lock(&o->lock);
    for (;;) {
        while (!o->head && !o->stopping && !o->reopen) {
            if (!o->has_cons) {
                pthread_cond_wait(&o->not_empty, &o->lock);
                continue;
            }
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            if (pthread_cond_timedwait(&o->not_empty, &o->lock, &ts) != 0) {
                pthread_mutex_unlock(&o->lock);
                o->cons.tick(o->cons.ctx);
                pthread_mutex_lock(&o->lock);
            }
        }
        if (!o->head && o->stopping)
            break;
        /* take the whole queue at once and write it outside the lock */
        struct batch *list = o->head;
        o->head = o->tail = NULL;
        bool reopen = o->reopen;
        o->reopen = false;
        pthread_mutex_unlock(&o->lock);

        if (reopen && o->path && strcmp(o->path, "-") != 0) {
            struct mm_error err;
            int fd = open_target(o->path, &err);
            if (fd >= 0) {
                close(o->fd);
                o->fd = fd;
                mm_log_info("output", "reopened '%s'", o->path);
            } else {
                mm_log_error("output", "%s; keeping the old file open", err.msg);
            }
        }
        size_t freed = 0, written = 0;
        uint64_t n = 0;
        struct batch *done = NULL;
        while (list) {
            struct batch *b = list;
            list = b->next;
            if (o->has_cons) {
                o->cons.consume(o->cons.ctx, b->data, b->len, b->ticket);
                written += b->len;
            } else if (o->path && !o->abandoned && write_all(o, b->data, b->len)) {
                written += b->len;
            } else if (o->path) {
                o->abandoned += b->len;
            }
            freed += b->len;
            n++;
            b->next = done;
            done = b;
        }
        pthread_mutex_lock(&o->lock);
        while (done) {
            struct batch *b = done;
            done = b->next;
            if (o->nspares < OUTPUT_SPARES && b->cap) {
                b->next = o->spares;
                o->spares = b;
                o->nspares++;
            } else {
                mm_free(b->data);
                mm_free(b);
            }
        }
        o->queued -= freed;
        o->stats.bytes_written += written;
        o->stats.batches += n;
        pthread_cond_broadcast(&o->not_full);
        if (o->has_cons) {
            pthread_mutex_unlock(&o->lock);
            o->cons.tick(o->cons.ctx);
            pthread_mutex_lock(&o->lock);
        }
    }
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

struct output *output_open(const char *path, size_t queue_bytes, struct mm_error *err)
{
    struct output *o = mm_calloc(1, sizeof *o);
    o->max_bytes = queue_bytes;
    o->fd = -1;
    if (path) {
        o->path = mm_strdup(path);
        o->fd = open_target(path, err);
        if (o->fd < 0) {
            mm_free(o->path);
            mm_free(o);
            return NULL;
        }
    }
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->not_empty, NULL);
    pthread_cond_init(&o->not_full, NULL);
    if (pthread_create(&o->thread, NULL, writer_main, o) == 0) {
        pthread_setname_np(o->thread, "mm-output");
    } else {
        mm_error_set(err, MM_ERR_IO, "cannot start output thread");
        if (o->fd > 2)
            close(o->fd);
        mm_free(o->path);
        mm_free(o);
        return NULL;
    }
    return o;
}

struct output *output_open_consumer(const struct output_consumer *c, size_t queue_bytes,
                                    struct mm_error *err)
{
    struct output *o = mm_calloc(1, sizeof *o);
    o->max_bytes = queue_bytes;
    o->fd = -1;
    o->cons = *c;
    o->has_cons = true;
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->not_empty, NULL);
    pthread_cond_init(&o->not_full, NULL);
    if (pthread_create(&o->thread, NULL, writer_main, o) == 0) {
        pthread_setname_np(o->thread, "mm-store");
    } else {
        mm_error_set(err, MM_ERR_IO, "cannot start the store thread");
        mm_free(o);
        return NULL;
    }
    return o;
}

bool output_stopping(struct output *o)
{
    pthread_mutex_lock(&o->lock);
    bool s = o->stopping;
    pthread_mutex_unlock(&o->lock);
    return s;
}

uint64_t output_submit(struct output *o, struct buf *b)
{
    if (b->len == 0)
        return 0;
    size_t len = b->len, cap = b->cap;
    char *data = buf_detach(b, NULL);
    pthread_mutex_lock(&o->lock);
    struct batch *bt = o->spares;
    if (bt) {
        /* the submitter's next batch goes into a written batch's buffer */
        o->spares = bt->next;
        o->nspares--;
        b->data = bt->data;
        b->cap = bt->cap;
        b->len = 0;
        b->data[0] = '\0';
    } else {
        pthread_mutex_unlock(&o->lock);
        bt = mm_malloc(sizeof *bt);
        pthread_mutex_lock(&o->lock);
    }
    bt->next = NULL;
    bt->data = data;
    bt->len = len;
    bt->cap = cap;
    if (o->queued + bt->len > o->max_bytes && o->queued > 0) {
        int64_t t0 = mm_mono_ns();
        o->nwaiting++;
        o->wait_start_sum += t0;
        while (o->queued + bt->len > o->max_bytes && o->queued > 0)
            pthread_cond_wait(&o->not_full, &o->lock);
        o->nwaiting--;
        o->wait_start_sum -= t0;
        o->stats.blocked_ns += (uint64_t)(mm_mono_ns() - t0);
    }
    if (o->tail)
        o->tail->next = bt;
    else
        o->head = bt;
    o->tail = bt;
    o->queued += bt->len;
    uint64_t ticket = bt->ticket = ++o->tickets;
    pthread_cond_signal(&o->not_empty);
    pthread_mutex_unlock(&o->lock);
    return ticket;
}

void output_reopen(struct output *o)
{
    pthread_mutex_lock(&o->lock);
    o->reopen = true;
    pthread_cond_signal(&o->not_empty);
    pthread_mutex_unlock(&o->lock);
}

void output_get_stats(struct output *o, struct output_stats *st)
{
    pthread_mutex_lock(&o->lock);
    *st = o->stats;
    st->queued_bytes = o->queued;
    if (o->nwaiting)
        st->blocked_ns += (uint64_t)((int64_t)o->nwaiting * mm_mono_ns() - o->wait_start_sum);
    pthread_mutex_unlock(&o->lock);
}

void output_close(struct output *o)
{
    if (!o)
        return;
    pthread_mutex_lock(&o->lock);
    o->stopping = true;
    pthread_cond_signal(&o->not_empty);
    pthread_mutex_unlock(&o->lock);
    pthread_join(o->thread, NULL);
    if (o->abandoned)
        mm_log_error("output", "gave up %d s after the stop request, writes to '%s' still failing: %" PRIu64
                     " bytes of events were not written", (int)(OUTPUT_SHUTDOWN_GIVE_UP / MM_NS_PER_SEC),
                     o->path, o->abandoned);
    while (o->spares) {
        struct batch *b = o->spares;
        o->spares = b->next;
        mm_free(b->data);
        mm_free(b);
    }
    if (o->fd > 2) {
        if (fsync(o->fd) < 0 && errno != EINVAL)
            mm_log_error("output", "cannot sync '%s': %s", o->path, mm_strerror(errno));
        close(o->fd);
    } else if (o->fd >= 0) {
        fsync(o->fd);
    }
    pthread_mutex_destroy(&o->lock);
    pthread_cond_destroy(&o->not_empty);
    pthread_cond_destroy(&o->not_full);
    mm_free(o->path);
    mm_free(o);
}
