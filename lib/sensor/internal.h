/* SPDX-License-Identifier: Apache-2.0 */
/* internal.h: structures shared by the sensor's files (sensor.c, worker.c, filein.c, status.c);
 * not part of the sensor's API. */
#ifndef MM_SENSOR_INTERNAL_H
#define MM_SENSOR_INTERNAL_H

#include "base/prelude.h"
#include "base/buf.h"
#include "event/event.h"
#include "net/addr.h"
#include "net/framing.h"
#include "parse/parser.h"
#include "config.h"
#include "detectout.h"
#include "output.h"
#include "sources.h"
#include "sensor.h"
#include "storeout.h"

#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>

/* a batch is handed to the output when it reaches this size or the worker is idle */
#define SENSOR_BATCH_BYTES (256u * 1024)
#define SENSOR_READ_BUF    (256u * 1024)
#define SENSOR_UDP_BATCH   32
#define SENSOR_MAX_PARSERS 64

/* single-writer counters read by the control thread: plain adds, relaxed atomics for the reader */
#define CTR_ADD(c, n) atomic_store_explicit(&(c), atomic_load_explicit(&(c), memory_order_relaxed) + (n), memory_order_relaxed)
#define CTR_GET(c)    atomic_load_explicit(&(c), memory_order_relaxed)

/* A listener as the running sensor knows it: its settings and counters. Shared by all workers;
 * replaced or retired on reload (never freed while a worker may use it). */
struct listener_rt {
    struct listener_config cfg; /* own copy */
    struct net_addr addr;
    _Atomic(struct parse_options *) popts; /* swapped on reload */
    _Atomic(SSL_CTX *) ssl_ctx;            /* swapped on reload */
    bool retired;
    bool utf8; /* charset is UTF-8: nothing to convert */
    /* counters, added per read batch */
    _Atomic uint64_t received, bytes, parsed, truncated, udp_drops;
    _Atomic uint64_t conns_open, conns_accepted, conns_refused, tls_failures;
    _Atomic uint64_t framing_errors; /* octet-framing: frames without a valid count, skipped to LF */
};

struct worker;
struct handoff;

struct sensor {
    char *config_path;
    struct sensor_config cfg;
    int64_t skew_threshold_ns;
    pthread_mutex_t lock; /* protects listeners[] and cfg during reload */
    struct listener_rt *listeners[SENSOR_MAX_LISTENERS];
    size_t nlisteners;
    /* retired listeners and options, freed once every thread has seen the new generation */
    struct listener_rt *graveyard[SENSOR_MAX_LISTENERS * 4];
    size_t ngraveyard;
    struct parse_options *old_popts[SENSOR_MAX_LISTENERS * 4];
    size_t nold_popts;
    SSL_CTX *old_ctx[SENSOR_MAX_LISTENERS * 4];
    size_t nold_ctx;
    _Atomic unsigned generation;

    struct worker *workers;
    size_t nworkers;
    struct filein *filein;
    struct output *out;
    struct storeout *store;         /* NULL: no store */
    struct detectout *detect;       /* NULL: no detection */
    struct shipper *ship;           /* NULL: alerts not shipped */
    struct sensor_detect_lists *detect_lists; /* the path lists detection was opened with */
    int64_t next_ioc_check;
    _Atomic uint64_t store_durable; /* ticket of the last store batch known durable */
    atomic_bool stopping;
    int wake_fd; /* eventfd: wakes the control loop */
    int64_t started_ns;
    const struct parser *const *parsers;
    size_t nparsers;
    char status_path[256];
    /* clock-watch announcements: each worker tracks sources on its own, this table makes sure a
     * state change is logged once, not once per worker */
    pthread_mutex_t announce_lock;
    struct source_table announced;
};

struct worker {
    struct sensor *s;
    int id;
    pthread_t thread;
    int epfd, wake_fd;
    _Atomic unsigned seen_generation;
    atomic_bool running;
    struct event ev;
    struct buf batch;
    struct buf store_batch;  /* records for the store (storeout_add) */
    struct store_tokens tok; /* scratch: index tokens of the current event */
    uint64_t store_ticket;   /* of the last store batch this worker submitted */
    struct detect_worker *det; /* NULL: no detection */
    struct buf detect_batch;   /* records for the detection thread */
    char *rbuf;
    struct wsock *socks;
    struct conn *conns;
    size_t nconns;
    int64_t now_ns;
    int64_t last_idle_check;
    /* charset converters, one per encoding in use (iconv handles are per thread) */
    struct {
        char name[32];
        struct charset_conv *conv;
    } charsets[8];
    struct buf converted;
    /* UDP receive buffers */
    char *udp_bufs;
    size_t udp_buf_size;
    /* connection balancing: a worker that accepts a connection hands it to the worker with the
     * fewest (the kernel's SO_REUSEPORT hash can put every connection on one worker) */
    _Atomic uint64_t load;       /* connections owned, plus those handed over and not yet taken */
    _Atomic uint64_t in_transit; /* handed over, not yet taken (reload waits for 0) */
    atomic_bool inbox_pending;
    bool inbox_closed; /* draining for shutdown: keep your connections */
    pthread_mutex_t inbox_lock;
    struct handoff *inbox;
    /* counters (this worker only writes them) */
    _Atomic uint64_t received, bytes, parsed, unparsed, truncated;
    _Atomic uint64_t per_parser[SENSOR_MAX_PARSERS];
    /* sources and clock watch; the lock guards the table against the status reader */
    pthread_mutex_t lock;
    struct source_table sources;
};

/* Process one framed message: parse, normalise, count, clock-watch, append to the worker's batch.
 * peer/peer_host may be NULL (files). May wait for room in the output (back-pressure). */
void sensor_handle_message(struct sensor *s, struct worker *w, struct listener_rt *l,
                           const char *peer, const char *peer_host, const char *msg, size_t len,
                           bool truncated, int64_t now_ns);
/* Hand the worker's batch to the output when it is big enough (or always, when force). */
void sensor_flush_batch(struct sensor *s, struct worker *w, bool force);

/* Attach a worker (or the file reader's) to detection, and detach it after its thread stopped
 * (its last records submitted). No-ops without detection. */
void sensor_detect_attach(struct sensor *s, struct worker *w);
void sensor_detect_detach(struct sensor *s, struct worker *w);

/* worker.c */
enum mm_status worker_start(struct sensor *s, struct worker *w, int id, struct mm_error *err);
void worker_wake(struct worker *w);
void worker_join(struct worker *w);
void worker_release(struct worker *w);

/* filein.c: file listeners, one thread for all of them */
struct filein;
struct filein *filein_start(struct sensor *s, struct mm_error *err);
void filein_wake(struct filein *f);
/* Read what is there and join the thread; then, after the outputs are closed (what was read is
 * durable), filein_finish saves the positions and frees. */
void filein_stop(struct filein *f);
void filein_finish(struct filein *f);
unsigned filein_seen_generation(struct filein *f);
/* the file reader's pseudo-worker (counters, sources, batches) */
struct worker *filein_worker(struct filein *f);

/* status.c */
void sensor_status_json(struct sensor *s, struct buf *out);

#endif
