/* SPDX-License-Identifier: Apache-2.0 */
/* worker.c: a receive thread. Each worker owns an epoll loop, its own socket for every network
 * listener (SO_REUSEPORT) and the connections it accepted; it frames, parses and normalises what
 * it reads and hands batches to the output. When the output is full the worker waits, its
 * sockets are not read, and TCP's flow control slows the senders down. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/mtime.h"
#include "io/charset.h"
#include "net/tls.h"
#include "internal.h"

#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#define REFUSE_LOG_INTERVAL   (10 * MM_NS_PER_SEC)
#define TLS_HANDSHAKE_TIMEOUT (10 * MM_NS_PER_SEC)

enum poll_kind { POLL_WAKE = 1, POLL_TCP_LISTEN, POLL_UDP, POLL_CONN };

struct pollable {
    int kind;
};

struct wsock {
    struct pollable pk;
    int fd;
    struct listener_rt *l;
    uint32_t last_drops; /* the kernel's running count of datagrams dropped on this socket */
    struct wsock *next;
};

struct conn {
    struct pollable pk;
    int fd;
    SSL *ssl;
    bool handshaking;
    bool want_write;
    bool closing;
    struct listener_rt *l;
    struct framer fr;
    int64_t last_active;
    int64_t accepted_ns;   /* the TLS handshake must finish within TLS_HANDSHAKE_TIMEOUT of this */
    uint64_t bad_reported; /* framing errors already added to the listener's counter */
    struct conn *prev, *next;
    char peer[64];
    char peer_host[48];
};

static struct pollable wake_pollable = { POLL_WAKE };

/* the frame callback's context */
struct frame_ctx {
    struct sensor *s;
    struct worker *w;
    struct conn *c;
    uint64_t received, bytes, parsed, truncated;
};

static void on_frame(void *arg, const char *msg, size_t len, bool truncated)
{
    struct frame_ctx *fc = arg;
    uint64_t before = CTR_GET(fc->w->parsed);
    sensor_handle_message(fc->s, fc->w, fc->c->l, fc->c->peer, fc->c->peer_host, msg, len,
                          truncated, fc->w->now_ns);
    fc->received++;
    fc->bytes += len;
    fc->truncated += truncated;
    fc->parsed += CTR_GET(fc->w->parsed) - before;
}

static void add_listener_counts(struct listener_rt *l, const struct frame_ctx *fc)
{
    struct conn *c = fc->c;
    if (c && c->fr.bad_counts != c->bad_reported) {
        atomic_fetch_add_explicit(&l->framing_errors, c->fr.bad_counts - c->bad_reported,
                                  memory_order_relaxed);
        c->bad_reported = c->fr.bad_counts;
    }
    if (!fc->received)
        return;
    atomic_fetch_add_explicit(&l->received, fc->received, memory_order_relaxed);
    atomic_fetch_add_explicit(&l->bytes, fc->bytes, memory_order_relaxed);
    atomic_fetch_add_explicit(&l->parsed, fc->parsed, memory_order_relaxed);
    if (fc->truncated)
        atomic_fetch_add_explicit(&l->truncated, fc->truncated, memory_order_relaxed);
}

static void conn_close(struct worker *w, struct conn *c)
{
    struct frame_ctx fc = { .s = w->s, .w = w, .c = c };
    framer_finish(&c->fr, on_frame, &fc);
    add_listener_counts(c->l, &fc);
    epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    if (c->ssl) {
        if (!c->handshaking)
            SSL_shutdown(c->ssl); /* best effort close_notify; the peer may be gone */
        SSL_free(c->ssl);
    }
    close(c->fd);
    framer_release(&c->fr);
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    w->nconns--;
    atomic_fetch_sub_explicit(&w->load, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&c->l->conns_open, 1, memory_order_relaxed);
    mm_log_debug("sensor", "connection from %s to listener '%s' closed", c->peer, c->l->cfg.name);
    mm_free(c);
}

static void conn_set_events(struct worker *w, struct conn *c, bool want_write)
{
    if (c->want_write == want_write)
        return;
    c->want_write = want_write;
    struct epoll_event ee = { .events = EPOLLIN | (want_write ? EPOLLOUT : 0), .data.ptr = c };
    epoll_ctl(w->epfd, EPOLL_CTL_MOD, c->fd, &ee);
}

/* true when the connection is finished and must be closed */
static bool tls_step(struct worker *w, struct conn *c, int rc)
{
    int e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ) {
        conn_set_events(w, c, false);
        return false;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        conn_set_events(w, c, true);
        return false;
    }
    if (e == SSL_ERROR_ZERO_RETURN)
        return true; /* orderly close_notify */
    if (c->handshaking) {
        char msg[300];
        tls_error_string(msg, sizeof msg);
        atomic_fetch_add_explicit(&c->l->tls_failures, 1, memory_order_relaxed);
        mm_log_warn("sensor", "TLS handshake with %s on listener '%s' failed: %s", c->peer,
                    c->l->cfg.name, e == SSL_ERROR_SYSCALL ? "connection closed" : msg);
    }
    ERR_clear_error();
    return true;
}

/* Read what the connection has (bounded rounds, to be fair to the others); false: close it */
static bool conn_read(struct worker *w, struct conn *c, int max_rounds)
{
    struct frame_ctx fc = { .s = w->s, .w = w, .c = c };
    bool keep = true;
    c->last_active = w->now_ns;
    if (c->ssl && c->handshaking) {
        int rc = SSL_do_handshake(c->ssl);
        if (rc != 1)
            return !tls_step(w, c, rc);
        c->handshaking = false;
        conn_set_events(w, c, false);
        char subject[256];
        tls_peer_subject(c->ssl, subject, sizeof subject);
        mm_log_debug("sensor", "TLS %s from %s on '%s'%s%s", SSL_get_version(c->ssl), c->peer,
                     c->l->cfg.name, subject[0] ? ", client " : "", subject);
    }
    for (int round = 0; round < max_rounds; round++) {
        ssize_t n;
        if (c->ssl) {
            int rc = SSL_read(c->ssl, w->rbuf, SENSOR_READ_BUF);
            if (rc <= 0) {
                keep = !tls_step(w, c, rc);
                break;
            }
            n = rc;
        } else {
            n = recv(c->fd, w->rbuf, SENSOR_READ_BUF, 0);
            if (n == 0) {
                keep = false;
                break;
            }
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                keep = errno == EAGAIN || errno == EWOULDBLOCK;
                if (!keep)
                    mm_log_debug("sensor", "read from %s failed: %s", c->peer, mm_strerror(errno));
                break;
            }
        }
        framer_feed(&c->fr, w->rbuf, (size_t)n, on_frame, &fc);
        if (!c->ssl && (size_t)n < SENSOR_READ_BUF)
            break; /* drained; level-triggered epoll tells us when there is more */
    }
    add_listener_counts(c->l, &fc);
    return keep;
}

struct handoff {
    struct handoff *next;
    int fd;
    struct listener_rt *l;
    struct sockaddr_storage ss;
};

/* Take an accepted connection into this worker's loop. It is already counted in l->conns_open
 * (when accepted, so max_connections holds while connections are handed over); counted: w->load
 * already includes it (it was handed over). */
static void conn_adopt(struct worker *w, struct listener_rt *l, int fd,
                       const struct sockaddr_storage *ss, bool counted)
{
    char peer[64];
    net_addr_format((const struct sockaddr *)ss, peer, sizeof peer);
    struct conn *c = mm_calloc(1, sizeof *c);
    c->pk.kind = POLL_CONN;
    c->fd = fd;
    c->l = l;
    c->last_active = c->accepted_ns = w->now_ns;
    memcpy(c->peer, peer, sizeof c->peer);
    net_addr_format_host((const struct sockaddr *)ss, c->peer_host, sizeof c->peer_host);
    framer_init(&c->fr, l->cfg.type == LISTEN_JSON ? FRAMING_LF : (enum framing_mode)l->cfg.framing,
                w->s->cfg.max_message_size);
    if (l->cfg.type == LISTEN_TLS) {
        SSL_CTX *ctx = atomic_load(&l->ssl_ctx);
        c->ssl = ctx ? SSL_new(ctx) : NULL;
        if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
            mm_log_error("sensor", "cannot set up TLS for %s", peer);
            goto fail;
        }
        SSL_set_accept_state(c->ssl);
        c->handshaking = true;
    }
    struct epoll_event ee = { .events = EPOLLIN, .data.ptr = c };
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
        mm_log_error("sensor", "cannot watch connection from %s: %s", peer, mm_strerror(errno));
        goto fail;
    }
    c->next = w->conns;
    if (w->conns)
        w->conns->prev = c;
    w->conns = c;
    w->nconns++;
    if (!counted)
        atomic_fetch_add_explicit(&w->load, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&l->conns_accepted, 1, memory_order_relaxed);
    mm_log_debug("sensor", "connection from %s on listener '%s' (worker %d)", peer, l->cfg.name, w->id);
    return;
fail:
    if (c->ssl)
        SSL_free(c->ssl);
    close(fd);
    framer_release(&c->fr);
    mm_free(c);
    atomic_fetch_sub_explicit(&l->conns_open, 1, memory_order_relaxed);
    if (counted)
        atomic_fetch_sub_explicit(&w->load, 1, memory_order_relaxed);
}

/* The running worker with the fewest connections (w itself on a tie). */
static struct worker *least_loaded(struct worker *w)
{
    struct sensor *s = w->s;
    struct worker *best = w;
    uint64_t best_load = atomic_load_explicit(&w->load, memory_order_relaxed);
    for (size_t i = 0; i < s->nworkers && best_load; i++) {
        struct worker *o = &s->workers[i];
        if (o == w || !atomic_load(&o->running))
            continue;
        uint64_t ol = atomic_load_explicit(&o->load, memory_order_relaxed);
        if (ol < best_load) {
            best = o;
            best_load = ol;
        }
    }
    return best;
}

/* Give an accepted connection to worker t; false when t is draining for shutdown. */
static bool handoff_push(struct worker *t, int fd, struct listener_rt *l, const struct sockaddr_storage *ss)
{
    struct handoff *h = mm_malloc(sizeof *h);
    h->fd = fd;
    h->l = l;
    h->ss = *ss;
    pthread_mutex_lock(&t->inbox_lock);
    if (t->inbox_closed) {
        pthread_mutex_unlock(&t->inbox_lock);
        mm_free(h);
        return false;
    }
    h->next = t->inbox;
    t->inbox = h;
    atomic_fetch_add(&t->load, 1);
    atomic_fetch_add(&t->in_transit, 1);
    atomic_store(&t->inbox_pending, true);
    pthread_mutex_unlock(&t->inbox_lock);
    worker_wake(t);
    return true;
}

/* Take the connections other workers handed over. closing: and accept no more (shutdown). */
static void inbox_take(struct worker *w, bool closing)
{
    pthread_mutex_lock(&w->inbox_lock);
    struct handoff *h = w->inbox;
    w->inbox = NULL;
    w->inbox_closed |= closing;
    atomic_store(&w->inbox_pending, false);
    pthread_mutex_unlock(&w->inbox_lock);
    while (h) {
        struct handoff *next = h->next;
        struct listener_rt *l = h->l;
        conn_adopt(w, l, h->fd, &h->ss, true);
        /* removed by a reload while in transit: read what it sent, then close, as the reload
         * does with the listener's other connections */
        pthread_mutex_lock(&w->s->lock);
        bool retired = l->retired;
        pthread_mutex_unlock(&w->s->lock);
        if (retired && w->conns && w->conns->fd == h->fd && w->conns->l == l) {
            conn_read(w, w->conns, 1 << 20);
            conn_close(w, w->conns);
        }
        atomic_fetch_sub(&w->in_transit, 1);
        mm_free(h);
        h = next;
    }
}

static void accept_all(struct worker *w, struct wsock *ws)
{
    struct listener_rt *l = ws->l;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(ws->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                mm_log_warn("sensor", "cannot accept on listener '%s': %s", l->cfg.name,
                            mm_strerror(errno));
            return;
        }
        /* count first, then check: two workers accepting at once cannot both take the last slot */
        uint64_t open_now = atomic_fetch_add_explicit(&l->conns_open, 1, memory_order_relaxed);
        if ((int64_t)open_now >= l->cfg.max_connections) {
            atomic_fetch_sub_explicit(&l->conns_open, 1, memory_order_relaxed);
            /* a flood of connections must not become a flood of log lines: one per interval */
            static _Thread_local int64_t last_log;
            static _Thread_local uint64_t unlogged;
            atomic_fetch_add_explicit(&l->conns_refused, 1, memory_order_relaxed);
            unlogged++;
            if (w->now_ns - last_log > REFUSE_LOG_INTERVAL) {
                char peer[64];
                net_addr_format((struct sockaddr *)&ss, peer, sizeof peer);
                mm_log_warn("sensor",
                            "refused connection from %s: listener '%s' has %" PRId64
                            " connections (max_connections); %" PRIu64 " refused since last report",
                            peer, l->cfg.name, l->cfg.max_connections, unlogged);
                last_log = w->now_ns;
                unlogged = 0;
            }
            close(fd);
            continue;
        }
        struct worker *t = least_loaded(w);
        if (t != w && handoff_push(t, fd, l, &ss))
            continue;
        conn_adopt(w, l, fd, &ss, false);
    }
}

/* Read datagrams until the socket is empty (or max_rounds batches). */
static void udp_read(struct worker *w, struct wsock *ws, int max_rounds)
{
    struct mmsghdr msgs[SENSOR_UDP_BATCH];
    struct iovec iov[SENSOR_UDP_BATCH];
    struct sockaddr_storage names[SENSOR_UDP_BATCH];
    struct listener_rt *l = ws->l;
    char peer[64] = "", peer_host[48] = "";
    struct sockaddr_storage last_peer;
    socklen_t last_len = 0;
    struct frame_ctx fc = { 0 };
    for (int round = 0; round < max_rounds; round++) {
        for (int i = 0; i < SENSOR_UDP_BATCH; i++) {
            iov[i] = (struct iovec){ w->udp_bufs + (size_t)i * w->udp_buf_size, w->udp_buf_size };
            msgs[i].msg_hdr = (struct msghdr){ .msg_name = &names[i],
                                               .msg_namelen = sizeof names[i],
                                               .msg_iov = &iov[i],
                                               .msg_iovlen = 1 };
        }
        int n = recvmmsg(ws->fd, msgs, SENSOR_UDP_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0)
            break;
        for (int i = 0; i < n; i++) {
            struct msghdr *mh = &msgs[i].msg_hdr;
            if (mh->msg_namelen != last_len || memcmp(&names[i], &last_peer, mh->msg_namelen)) {
                net_addr_format((struct sockaddr *)&names[i], peer, sizeof peer);
                net_addr_format_host((struct sockaddr *)&names[i], peer_host, sizeof peer_host);
                memcpy(&last_peer, &names[i], mh->msg_namelen);
                last_len = mh->msg_namelen;
            }
            bool trunc = (mh->msg_flags & MSG_TRUNC) != 0;
            size_t len = MM_MIN(msgs[i].msg_len, w->udp_buf_size);
            const char *p = iov[i].iov_base;
            /* a datagram is one message; some senders still add a trailing LF or NUL */
            while (len && (p[len - 1] == '\n' || p[len - 1] == '\0'))
                len--;
            uint64_t before = CTR_GET(w->parsed);
            sensor_handle_message(w->s, w, l, peer, peer_host, p, len, trunc, w->now_ns);
            fc.received++;
            fc.bytes += len;
            fc.truncated += trunc;
            fc.parsed += CTR_GET(w->parsed) - before;
        }
        if (n < SENSOR_UDP_BATCH)
            break;
    }
    add_listener_counts(l, &fc);
}

static struct wsock *open_wsock(struct worker *w, struct listener_rt *l)
{
    struct mm_error err;
    int type = l->cfg.type == LISTEN_UDP ? SOCK_DGRAM : SOCK_STREAM;
    int fd = net_listen(&l->addr, type, true, 1024, &err);
    if (fd < 0) {
        mm_log_error("sensor", "listener '%s': %s", l->cfg.name, err.msg);
        return NULL;
    }
    if (type == SOCK_DGRAM) {
        int size = (int)MM_MIN(w->s->cfg.udp_receive_buffer, (uint64_t)INT_MAX);
        if (size && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    struct wsock *ws = mm_calloc(1, sizeof *ws);
    ws->pk.kind = type == SOCK_DGRAM ? POLL_UDP : POLL_TCP_LISTEN;
    ws->fd = fd;
    ws->l = l;
    struct epoll_event ee = { .events = EPOLLIN, .data.ptr = ws };
    epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ee);
    ws->next = w->socks;
    w->socks = ws;
    return ws;
}

/* Datagrams the kernel dropped because the socket's buffer was full (SO_MEMINFO's drop count,
 * which unlike SO_RXQ_OVFL does not wait for a later datagram to report them). */
static void udp_count_drops(struct wsock *ws)
{
    uint32_t mem[SK_MEMINFO_VARS];
    socklen_t len = sizeof mem;
    if (getsockopt(ws->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 || len <= SK_MEMINFO_DROPS * sizeof mem[0])
        return;
    uint32_t drops = mem[SK_MEMINFO_DROPS];
    if (drops != ws->last_drops) {
        atomic_fetch_add_explicit(&ws->l->udp_drops, (uint32_t)(drops - ws->last_drops),
                                  memory_order_relaxed);
        ws->last_drops = drops;
    }
}

static void close_wsock(struct worker *w, struct wsock *ws)
{
    if (ws->pk.kind == POLL_UDP) {
        udp_read(w, ws, 1 << 20); /* what the kernel already holds was accepted */
        udp_count_drops(ws);
    }
    epoll_ctl(w->epfd, EPOLL_CTL_DEL, ws->fd, NULL);
    close(ws->fd);
    mm_free(ws);
}

/* Bring this worker's sockets in line with the sensor's current listeners. */
static void sync_listeners(struct worker *w)
{
    struct sensor *s = w->s;
    pthread_mutex_lock(&s->lock);
    unsigned gen = atomic_load(&s->generation);
    /* close sockets of retired listeners, and their connections */
    struct wsock **pp = &w->socks;
    while (*pp) {
        struct wsock *ws = *pp;
        if (ws->l->retired) {
            *pp = ws->next;
            close_wsock(w, ws);
        } else {
            pp = &ws->next;
        }
    }
    for (struct conn *c = w->conns, *next; c; c = next) {
        next = c->next;
        if (c->l->retired) {
            conn_read(w, c, 1 << 20);
            conn_close(w, c);
        }
    }
    for (size_t i = 0; i < s->nlisteners; i++) {
        struct listener_rt *l = s->listeners[i];
        if (l->cfg.type == LISTEN_FILE)
            continue;
        bool have = false;
        for (struct wsock *ws = w->socks; ws; ws = ws->next)
            have |= ws->l == l;
        if (!have)
            open_wsock(w, l);
    }
    pthread_mutex_unlock(&s->lock);
    atomic_store(&w->seen_generation, gen);
}

static void close_idle(struct worker *w)
{
    for (struct wsock *ws = w->socks; ws; ws = ws->next)
        if (ws->pk.kind == POLL_UDP)
            udp_count_drops(ws);
    for (struct conn *c = w->conns, *next; c; c = next) {
        next = c->next;
        int64_t idle = c->l->cfg.idle_timeout;
        if (c->ssl && c->handshaking && w->now_ns - c->accepted_ns > TLS_HANDSHAKE_TIMEOUT) {
            /* a client that connects and never completes the handshake holds a slot for ever */
            atomic_fetch_add_explicit(&c->l->tls_failures, 1, memory_order_relaxed);
            mm_log_warn("sensor", "TLS handshake with %s on listener '%s' timed out", c->peer,
                        c->l->cfg.name);
            conn_close(w, c);
            continue;
        }
        if (idle > 0 && w->now_ns - c->last_active > idle) {
            mm_log_info("sensor", "closing idle connection from %s on '%s'", c->peer,
                        c->l->cfg.name);
            conn_close(w, c);
        }
    }
}

/* Graceful stop: no new connections; read what every socket still holds; deliver partial
 * frames; hand the batch over. */
static void worker_drain(struct worker *w)
{
    inbox_take(w, true); /* from now on the others keep what they accept */
    while (w->socks) {
        struct wsock *ws = w->socks;
        w->socks = ws->next;
        close_wsock(w, ws);
    }
    while (w->conns) {
        struct conn *c = w->conns;
        w->now_ns = mm_now_ns();
        conn_read(w, c, 1 << 20);
        conn_close(w, c);
    }
    sensor_flush_batch(w->s, w, true);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct sensor *s = w->s;
    struct epoll_event evs[64];
    sync_listeners(w);
    while (!atomic_load(&s->stopping)) {
        int n = epoll_wait(w->epfd, evs, MM_ARRAY_LEN(evs), 100);
        w->now_ns = mm_now_ns();
        for (int i = 0; i < n; i++) {
            struct pollable *pk = evs[i].data.ptr;
            switch (pk->kind) {
            case POLL_WAKE: {
                uint64_t v;
                (void)!read(w->wake_fd, &v, sizeof v);
                break;
            }
            case POLL_TCP_LISTEN:
                accept_all(w, (struct wsock *)pk);
                break;
            case POLL_UDP:
                udp_read(w, (struct wsock *)pk, 8);
                break;
            case POLL_CONN: {
                struct conn *c = (struct conn *)pk;
                if (!conn_read(w, c, 4))
                    conn_close(w, c);
                break;
            }
            }
        }
        if (atomic_load_explicit(&w->inbox_pending, memory_order_relaxed))
            inbox_take(w, false);
        if (atomic_load(&s->generation) != atomic_load(&w->seen_generation))
            sync_listeners(w);
        if (w->now_ns - w->last_idle_check > MM_NS_PER_SEC) {
            w->last_idle_check = w->now_ns;
            close_idle(w);
        }
        /* caught up with the sockets: hand over what we have so output latency stays low */
        if (n < (int)MM_ARRAY_LEN(evs)) {
            sensor_flush_batch(s, w, true);
        }
    }
    worker_drain(w);
    return NULL;
}

enum mm_status worker_start(struct sensor *s, struct worker *w, int id, struct mm_error *err)
{
    w->s = s;
    w->id = id;
    event_init(&w->ev);
    buf_init(&w->batch, BUF_NO_MAX);
    buf_init(&w->store_batch, BUF_NO_MAX);
    buf_init(&w->converted, BUF_NO_MAX);
    sensor_detect_attach(s, w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_mutex_init(&w->inbox_lock, NULL);
    source_table_init(&w->sources, s->cfg.max_sources);
    w->rbuf = mm_malloc(SENSOR_READ_BUF);
    w->udp_buf_size = s->cfg.max_message_size;
    w->udp_bufs = mm_malloc(mm_size_mul(SENSOR_UDP_BATCH, w->udp_buf_size));
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->epfd < 0 || w->wake_fd < 0)
        return mm_error_set(err, MM_ERR_IO, "cannot create worker event loop: %s",
                            mm_strerror(errno));
    struct epoll_event ee = { .events = EPOLLIN, .data.ptr = &wake_pollable };
    epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wake_fd, &ee);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        return mm_error_set(err, MM_ERR_IO, "cannot start worker thread");
    char name[16];
    snprintf(name, sizeof name, "mm-worker%d", id);
    pthread_setname_np(w->thread, name);
    atomic_store(&w->running, true);
    return MM_OK;
}

void worker_wake(struct worker *w)
{
    uint64_t one = 1;
    if (w->wake_fd >= 0)
        (void)!write(w->wake_fd, &one, sizeof one);
}

void worker_join(struct worker *w)
{
    if (atomic_load(&w->running)) {
        worker_wake(w);
        pthread_join(w->thread, NULL);
        atomic_store(&w->running, false);
    }
}

void worker_release(struct worker *w)
{
    /* connections handed over after this worker drained cannot happen (inbox_closed); a sensor
     * that failed to start may leave some */
    for (struct handoff *h = w->inbox, *next; h; h = next) {
        next = h->next;
        close(h->fd);
        atomic_fetch_sub_explicit(&h->l->conns_open, 1, memory_order_relaxed);
        mm_free(h);
    }
    w->inbox = NULL;
    if (w->epfd >= 0)
        close(w->epfd);
    if (w->wake_fd >= 0)
        close(w->wake_fd);
    event_release(&w->ev);
    buf_release(&w->batch);
    buf_release(&w->store_batch);
    buf_release(&w->detect_batch);
    store_tokens_release(&w->tok);
    buf_release(&w->converted);
    for (size_t i = 0; i < MM_ARRAY_LEN(w->charsets); i++)
        charset_close(w->charsets[i].conv);
    source_table_release(&w->sources);
    pthread_mutex_destroy(&w->lock);
    mm_free(w->rbuf);
    mm_free(w->udp_bufs);
}
